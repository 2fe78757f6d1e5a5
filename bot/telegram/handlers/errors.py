"""The one error boundary: exceptions become a short apology for the user and a log entry for the operator."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.i18n import DEFAULT_LANG
from bot.telegram.render import th
from bot.telegram.services import services

log = logging.getLogger("bot.telegram.errors")


def _ids(update: object) -> str:
    if not isinstance(update, Update):
        return "update=none"
    chat = update.effective_chat.id if update.effective_chat else None
    user = update.effective_user.id if update.effective_user else None
    return f"update={update.update_id} chat={chat} user={user}"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    where = _ids(update)
    if isinstance(error, Forbidden):  # blocked by the user, kicked from a group
        log.warning("forbidden (%s): %s", where, error.message)
        return
    if isinstance(error, RetryAfter):
        log.warning("flood control: retry after %s s (%s)", error.retry_after, where)
        return
    if isinstance(error, TimedOut | NetworkError):
        log.warning("telegram unreachable: %s (%s)", type(error).__name__, where)
        return
    log.error("unhandled error (%s)", where, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    svc = services(context)
    lang: str = DEFAULT_LANG
    try:
        if update.effective_chat.type in ("group", "supergroup"):
            chat = await svc.workers.db(svc.store.chat, update.effective_chat.id)
            lang = (chat.lang if chat else None) or DEFAULT_LANG
        elif update.effective_user is not None:
            user = await svc.workers.db(svc.store.user, update.effective_user.id)
            lang = (user.lang if user else None) or DEFAULT_LANG
    except Exception:  # noqa: BLE001 - the store may be what failed; apologise in the default language
        lang = DEFAULT_LANG
    message = update.effective_message
    thread_id = message.message_thread_id if message is not None and message.is_topic_message else None
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(th("tg.error.internal", lang), show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, th("tg.error.internal", lang),
                                           parse_mode=ParseMode.HTML, message_thread_id=thread_id)
    except TelegramError as send_error:
        log.warning("apology not delivered (%s): %s", where, type(send_error).__name__)
    if svc.config.error_chat_id is not None:
        try:
            await context.bot.send_message(
                svc.config.error_chat_id,
                f"⚠️ {html.escape(type(error).__name__)} ({html.escape(where)})",
                parse_mode=ParseMode.HTML,
            )
        except TelegramError:
            log.warning("error chat %d not reachable", svc.config.error_chat_id)
