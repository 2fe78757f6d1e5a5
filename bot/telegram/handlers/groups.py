"""The bot joining or leaving groups, people joining allowed groups, groups becoming supergroups.

The rules (who enables a group, who becomes a group member) are :class:`bot.groups.StudyGroups`'.
"""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.access import GROUP_KINDS
from bot.groups import Person
from bot.i18n import DEFAULT_LANG
from bot.telegram.render import esc, th
from bot.telegram.services import services

_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The bot added to a group (enabled when an admin added it; the group hears which) or removed from one."""
    change, svc = update.my_chat_member, services(context)
    if change is None or change.chat.type not in GROUP_KINDS:
        return
    chat, by = change.chat, change.from_user.id
    was, now = change.old_chat_member.status in _PRESENT, change.new_chat_member.status in _PRESENT
    if was and not now:
        await svc.groups.bot_removed(chat.id, chat.type, chat.title or "", by)
    elif now and not was:
        row = await svc.groups.bot_added(chat.id, chat.type, chat.title or "", by)
        lang = row.lang or DEFAULT_LANG
        html = th("tg.group.allowed", lang, bot=esc(svc.bot_username)) if row.allowed \
            else th("tg.group.not_allowed", lang)
        await context.bot.send_message(chat.id, html, parse_mode=ParseMode.HTML)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup: its settings move to the new chat id."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id is not None:
        await services(context).groups.migrated(message.chat_id, message.migrate_to_chat_id)


async def on_new_members(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """People joining an allowed group become group members (they may then ask in private too)."""
    message = update.effective_message
    if message is not None and message.new_chat_members:
        people = [Person(m.id, m.first_name or "", m.username) for m in message.new_chat_members if not m.is_bot]
        await services(context).groups.joined(message.chat_id, people)
