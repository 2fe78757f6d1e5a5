"""Helpers shared by handlers: who is asking, sending HTML replies, "typing…", access notices."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Sequence

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.telegram.access import Caller, resolve_caller
from bot.telegram.render import th
from bot.telegram.services import services

log = logging.getLogger("bot.telegram")

GROUP_NOTICE_INTERVAL = 600.0
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def caller_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Caller | None:
    """The user and chat behind an update (recorded in the store); None for updates without a user."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    message = update.effective_message
    thread_id = message.message_thread_id if message is not None and message.is_topic_message else None
    svc = services(context)
    return await svc.workers.db(
        resolve_caller, svc.store, user_id=user.id, first_name=user.first_name or "", username=user.username,
        chat_id=chat.id, chat_kind=chat.type, chat_title=chat.title or "", thread_id=thread_id,
    )


async def send_html(
    context: ContextTypes.DEFAULT_TYPE,
    caller: Caller,
    messages: Sequence[str],
    *,
    reply_to: int | None = None,
    keyboard: InlineKeyboardMarkup | None = None,
) -> list[Message]:
    """Send ``messages`` in order (the keyboard goes under the last one; the first one quotes ``reply_to``)."""
    sent: list[Message] = []
    for index, text in enumerate(messages):
        last = index == len(messages) - 1
        sent.append(await context.bot.send_message(
            caller.chat_id,
            text,
            parse_mode=ParseMode.HTML,
            message_thread_id=caller.thread_id,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None and index == 0 else None,
            reply_markup=keyboard if last else None,
            link_preview_options=NO_PREVIEW,
        ))
    return sent


async def reply(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, html: str | Sequence[str],
                *, keyboard: InlineKeyboardMarkup | None = None, quote: bool | None = None) -> list[Message]:
    """Answer the update's message in its chat/topic; in groups the reply quotes the asker."""
    message = update.effective_message
    quote = caller.is_group if quote is None else quote
    reply_to = message.message_id if quote and message is not None else None
    messages = [html] if isinstance(html, str) else list(html)
    return await send_html(context, caller, messages, reply_to=reply_to, keyboard=keyboard)


async def edit_html(message: Message, html: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message we sent; "message is not modified" is not an error."""
    try:
        await message.edit_text(html, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                link_preview_options=NO_PREVIEW)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


@contextlib.asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, caller: Caller) -> AsyncIterator[None]:
    """Show "typing…" while the body runs (Telegram shows it for ~5 s, so it is repeated)."""
    interval = services(context).config.typing_interval

    async def keep_typing() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(caller.chat_id, ChatAction.TYPING,
                                                   message_thread_id=caller.thread_id)
            await asyncio.sleep(interval)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def deny(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, *, always: bool = False) -> None:
    """The one short notice someone without access gets (at most once per interval unless ``always``)."""
    svc = services(context)
    if caller.reason == "group_not_allowed":
        now = time.monotonic()
        last = svc.group_notices.get(caller.chat_id)
        if not always and last is not None and now - last < GROUP_NOTICE_INTERVAL:
            return
        svc.group_notices[caller.chat_id] = now
        await reply(update, context, caller, th("tg.group.not_allowed", caller.lang))
        return
    if not always and not await svc.workers.db(svc.store.access_notice_due, caller.user_id,
                                               svc.config.access_notice_interval):
        log.info("access notice suppressed user=%d", caller.user_id)
        return
    key = "tg.access.revoked" if caller.reason == "revoked" else "tg.access.denied"
    log.info("access denied user=%d chat=%d reason=%s", caller.user_id, caller.chat_id, caller.reason)
    await reply(update, context, caller, th(key, caller.lang))


async def member_caller(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Caller | None:
    """The caller when they may ask here; otherwise the access notice is sent (if due) and None returned."""
    caller = await caller_of(update, context)
    if caller is None:
        return None
    if not caller.may_ask:
        await deny(update, context, caller)
        return None
    return caller


async def require_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Caller | None:
    """The caller if they are an admin; otherwise they are told (members) or get the access notice."""
    caller = await caller_of(update, context)
    if caller is None:
        return None
    if caller.is_admin:
        return caller
    if caller.may_ask:
        await reply(update, context, caller, th("tg.admin.only", caller.lang))
    else:
        await deny(update, context, caller)
    return None


def command_text(message: Message | None) -> str:
    """The text after ``/command`` (keeping line breaks), or the whole text for a plain message."""
    if message is None or not message.text:
        return ""
    text = message.text
    if text.startswith("/"):
        parts = text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""
    return text.strip()


def lang_name(code: str) -> str:
    return t(f"tg.lang.name.{code}", code)
