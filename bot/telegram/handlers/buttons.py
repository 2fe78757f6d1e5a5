"""Inline buttons: passage, section, outline, download, feedback, document pages, language, uploads."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.telegram.access import Caller
from bot.telegram.callbacks import Callback, decode
from bot.telegram.handlers.common import caller_of, edit_html, send_html
from bot.telegram.handlers.members import docs_view, set_language
from bot.telegram.handlers.uploads import on_upload_button
from bot.telegram.keyboards import feedback_row
from bot.telegram.render import DocFilter, esc, outline_messages, passage_messages, th
from bot.telegram.services import Services, services
from index.rows import ChunkRow, DocumentRow

log = logging.getLogger("bot.telegram.buttons")

#: Neighbours looked at on each side for "the surrounding section".
SECTION_RADIUS = 8
#: The section view stops after this many characters.
SECTION_MAX_CHARS = 12000


def section_chunks(chunks: list[ChunkRow], chunk_id: int, max_chars: int = SECTION_MAX_CHARS) -> list[ChunkRow]:
    """The neighbouring chunks under the clicked chunk's heading (its section), grown outwards from it up to
    ``max_chars``; with no heading, the chunk and its direct neighbours."""
    index = next((i for i, c in enumerate(chunks) if c.id == chunk_id), None)
    if index is None:
        return chunks
    heading = chunks[index].heading
    if not heading:
        return chunks[max(index - 1, 0):index + 2]
    lo = hi = index
    total = len(chunks[index].text)
    grown = True
    while grown:
        grown = False
        for candidate in (hi + 1, lo - 1):
            if 0 <= candidate < len(chunks) and chunks[candidate].heading == heading \
                    and candidate in (lo - 1, hi + 1) and total + len(chunks[candidate].text) <= max_chars:
                total += len(chunks[candidate].text)
                lo, hi = min(lo, candidate), max(hi, candidate)
                grown = True
    return chunks[lo:hi + 1]


def _in_scope(caller: Caller, document_id: int) -> bool:
    scope = caller.scope
    return scope is None or document_id in scope


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    callback = decode(query.data)
    caller = await caller_of(update, context)
    if callback is None or caller is None:
        await query.answer()
        return
    if callback.kind == "up":
        await on_upload_button(update, context, callback, query)
        return
    if not caller.may_ask:
        key = "tg.group.not_allowed" if caller.reason == "group_not_allowed" else "tg.access.denied"
        await query.answer(t(key, caller.lang), show_alert=True)
        return
    handler = {
        "pa": _passage, "se": _passage, "ol": _outline, "dl": _download, "fb": _feedback, "dp": _docs_page,
        "ln": _language,
    }[callback.kind]
    await handler(context, services(context), caller, callback, query)


def _reply_target(query: CallbackQuery) -> int | None:
    return query.message.message_id if isinstance(query.message, Message) else None


async def _passage(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, callback: Callback,
                   query: CallbackQuery) -> None:
    section = callback.kind == "se"
    found = await svc.workers.ask(svc.engine.passage, callback.int_arg(0),
                                  radius=SECTION_RADIUS if section else 0)
    if found is None or not _in_scope(caller, found[0].id):
        await query.answer(t("tg.passage.gone", caller.lang), show_alert=True)
        return
    document, chunks = found
    if section:
        chunks = section_chunks(chunks, callback.int_arg(0))
    else:
        chunks = [c for c in chunks if c.id == callback.int_arg(0)] or chunks
    await query.answer()
    log.info("passage shown chunk=%d section=%s chunks=%d", callback.int_arg(0), section, len(chunks))
    await send_html(context, caller, passage_messages(document, chunks, caller.lang, section=section),
                    reply_to=_reply_target(query))


async def _outline(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, callback: Callback,
                   query: CallbackQuery) -> None:
    document: DocumentRow | None = await svc.workers.ask(svc.engine.document, callback.int_arg(0))
    if document is None or not _in_scope(caller, document.id):
        await query.answer(t("tg.passage.gone", caller.lang), show_alert=True)
        return
    sections = await svc.workers.ask(svc.engine.outline, document.id)
    await query.answer()
    await send_html(context, caller, outline_messages(document, sections, caller.lang), reply_to=_reply_target(query))


async def _download(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, callback: Callback,
                    query: CallbackQuery) -> None:
    enabled = caller.is_admin or await svc.workers.db(lambda: svc.store.downloads_enabled)
    if not enabled:
        await query.answer(t("tg.download.disabled", caller.lang), show_alert=True)
        return
    document_id = callback.int_arg(0)
    document = await svc.workers.ask(svc.engine.document, document_id)
    path = await svc.workers.ask(svc.engine.source_file, document_id)
    if document is None or path is None or not _in_scope(caller, document_id):
        await query.answer(t("tg.download.missing", caller.lang), show_alert=True)
        return
    await query.answer()
    log.info("original sent document=%d user=%d", document_id, caller.user_id)
    with path.open("rb") as handle:
        await context.bot.send_document(
            caller.chat_id, handle, filename=document.source_name or path.name, message_thread_id=caller.thread_id,
            caption=th("tg.download.caption", caller.lang, document=esc(document.label)), parse_mode="HTML",
        )


async def _feedback(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, callback: Callback,
                    query: CallbackQuery) -> None:
    question_id, vote = callback.int_arg(0), 1 if callback.arg(1) == "u" else -1
    question = await svc.workers.db(svc.store.question, question_id)
    if question is None or question.chat_id != caller.chat_id:
        await query.answer()
        return
    await svc.workers.db(svc.store.set_feedback, question_id, caller.user_id, vote)
    log.info("feedback question=%d user=%d vote=%d", question_id, caller.user_id, vote)
    await query.answer(t("tg.feedback.thanks", caller.lang))
    message = query.message
    if caller.is_group or not isinstance(message, Message) or message.reply_markup is None:
        return
    rows = [list(row) for row in message.reply_markup.inline_keyboard]
    if rows:
        rows[-1] = feedback_row(question_id, vote)
        try:
            await message.edit_reply_markup(InlineKeyboardMarkup(rows))
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise


async def _docs_page(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, callback: Callback,
                     query: CallbackQuery) -> None:
    page = int(callback.arg(0, "0"))
    flt = DocFilter(callback.arg(1), callback.arg(2))
    html, keyboard = await svc.workers.ask(docs_view, svc, caller, page, flt)
    await query.answer()
    if isinstance(query.message, Message):
        await edit_html(query.message, html, keyboard)  # type: ignore[arg-type]


async def _language(context: ContextTypes.DEFAULT_TYPE, svc: Services, caller: Caller, callback: Callback,
                    query: CallbackQuery) -> None:
    code = callback.arg(0)
    if code not in ("vi", "zh", "en"):
        await query.answer()
        return
    if not await set_language(svc, caller, code):
        await query.answer(t("tg.lang.group_admin_only", caller.lang), show_alert=True)
        return
    await query.answer()
    key = "tg.lang.group_set" if caller.is_group else "tg.lang.set"
    if isinstance(query.message, Message):
        await edit_html(query.message, th(key, code, language=esc(t(f"tg.lang.name.{code}", code))))
