"""The one error boundary: exceptions become a short apology for the user and a log entry for the operator."""

from __future__ import annotations

import html
import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.access import GROUP_KINDS
from bot.i18n import DEFAULT_LANG, normalise_lang
from bot.telegram.render import th
from bot.telegram.services import Services, services

log = logging.getLogger("bot.telegram.errors")


def _ids(update: object) -> str:
    if not isinstance(update, Update):
        return "update=none"
    chat = update.effective_chat.id if update.effective_chat else None
    user = update.effective_user.id if update.effective_user else None
    return f"update={update.update_id} chat={chat} user={user}"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any exception a handler raised: Telegram's refusals are logged; anything else also gets an apology."""
    error, where = context.error, _ids(update)
    if isinstance(error, Forbidden):  # blocked by the user, kicked from a group
        log.warning("forbidden (%s): %s", where, error.message)
    elif isinstance(error, RetryAfter):
        log.warning("flood control: retry after %s s (%s)", error.retry_after, where)
    elif isinstance(error, TimedOut | NetworkError):
        log.warning("telegram unreachable: %s (%s)", type(error).__name__, where)
    else:
        log.error("unhandled error (%s)", where, exc_info=error)
        if isinstance(update, Update):
            await _apologise(update, context, where)
        await _tell_error_chat(context, f"{type(error).__name__} ({where})")


async def _apologise(update: Update, context: ContextTypes.DEFAULT_TYPE, where: str) -> None:
    if update.effective_chat is None:
        return
    text = th("tg.error.internal", await _language(update, services(context)))
    message = update.effective_message
    thread_id = message.message_thread_id if message is not None and message.is_topic_message else None
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        else:
            await context.bot.send_message(update.effective_chat.id, text, parse_mode=ParseMode.HTML,
                                           message_thread_id=thread_id)
    except TelegramError as send_error:
        log.warning("apology not delivered (%s): %s", where, type(send_error).__name__)


async def _language(update: Update, svc: Services) -> str:
    """The language of the chat the error happened in (the store may be what failed: then the default)."""
    try:
        if update.effective_chat is not None and update.effective_chat.type in GROUP_KINDS:
            chat = await svc.workers.db(svc.store.chat, update.effective_chat.id)
            return (chat.lang if chat else None) or DEFAULT_LANG
        if update.effective_user is not None:
            user = await svc.workers.db(svc.store.user, update.effective_user.id)
            return (user.lang if user else None) or normalise_lang(update.effective_user.language_code)
    except Exception:  # noqa: BLE001 - apologise in the default language
        log.warning("no language for the apology: the store failed")
    return DEFAULT_LANG


async def _tell_error_chat(context: ContextTypes.DEFAULT_TYPE, summary: str) -> None:
    """The operators' chat (``NQBOT_ERROR_CHAT_ID``) hears the error's type and ids, never a question."""
    chat_id = services(context).settings.error_chat_id
    if chat_id is None:
        return
    try:
        await context.bot.send_message(chat_id, f"⚠️ {html.escape(summary)}", parse_mode=ParseMode.HTML)
    except TelegramError:
        log.warning("error chat %d not reachable", chat_id)
