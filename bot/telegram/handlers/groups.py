"""The bot joining or leaving groups, and people joining allowed groups.

A group is allowed when a bot admin adds the bot to it (or runs /allowgroup in it); when a non-admin adds
the bot, the group is told how to get it enabled. Removing the bot from a group disallows the group.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.i18n import DEFAULT_LANG
from bot.telegram.render import esc, th
from bot.telegram.services import services

log = logging.getLogger("bot.telegram.groups")

_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type not in ("group", "supergroup"):
        return
    svc = services(context)
    chat = change.chat
    was = change.old_chat_member.status in _PRESENT
    now = change.new_chat_member.status in _PRESENT
    row = await svc.workers.db(svc.store.touch_chat, chat.id, chat.type, chat.title or "")
    lang = row.lang or DEFAULT_LANG
    if now and not was:
        adder = change.from_user
        if await svc.workers.db(svc.store.is_admin, adder.id):
            await svc.workers.db(svc.store.set_chat_allowed, chat.id, True, by=adder.id)
            log.info("added to group %d by admin user=%d: allowed", chat.id, adder.id)
            html = th("tg.group.allowed", lang, bot=esc(svc.bot_username))
        elif row.allowed:
            html = th("tg.group.allowed", lang, bot=esc(svc.bot_username))
        else:
            log.info("added to group %d by non-admin user=%d: not allowed", chat.id, adder.id)
            html = th("tg.group.not_allowed", lang)
        await context.bot.send_message(chat.id, html, parse_mode=ParseMode.HTML)
    elif was and not now:
        await svc.workers.db(svc.store.set_chat_allowed, chat.id, False)
        log.info("removed from group %d: disallowed", chat.id)


async def on_migrate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group upgraded to a supergroup gets a new id; its settings move with it."""
    message = update.effective_message
    if message is None or message.migrate_to_chat_id is None:
        return
    svc = services(context)
    await svc.workers.db(svc.store.migrate_chat, message.chat_id, message.migrate_to_chat_id)
    log.info("group %d migrated to %d", message.chat_id, message.migrate_to_chat_id)


async def on_new_members(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """People joining an allowed group become group members (they may then ask in private too)."""
    message = update.effective_message
    if message is None or not message.new_chat_members:
        return
    svc = services(context)
    row = await svc.workers.db(svc.store.chat, message.chat_id)
    if row is None or not row.allowed:
        return
    for member in message.new_chat_members:
        if not member.is_bot:
            await svc.workers.db(svc.store.touch_user, member.id, member.first_name or "", member.username)
            await svc.workers.db(svc.store.record_group_member, message.chat_id, member.id)
