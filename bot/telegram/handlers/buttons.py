"""Inline buttons: passage, section, outline, download, feedback, document pages, language, uploads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.error import BadRequest

from bot.i18n import t
from bot.library import Original
from bot.telegram.callbacks import Callback, Kind, decode
from bot.telegram.handlers import banks, quiz, study
from bot.telegram.handlers.members import docs_view
from bot.telegram.handlers.uploads import on_upload_button
from bot.telegram.keyboards import feedback_row
from bot.telegram.render import DocFilter, esc, lang_name, outline_messages, passage_messages, th
from bot.telegram.sending import edit_html
from bot.telegram.turn import NOTICES, Turn, for_anyone

Press = Callable[[Turn, Callback, CallbackQuery], Awaitable[None]]


@for_anyone
async def on_button(turn: Turn) -> None:
    """Any inline button: passage, section, outline, original, 👍/👎, /docs page, language, upload decision."""
    query = turn.update.callback_query
    if query is None:
        return
    callback = decode(query.data)
    if callback is None:
        await query.answer()  # a button this bot never made, or one that no longer means anything
    elif callback.kind is Kind.UPLOAD:
        await on_upload_button(turn, callback, query)
    elif not turn.caller.may_ask:
        due = await turn.notice_due()
        await query.answer(t(NOTICES[turn.caller.reason], turn.lang) if due else None, show_alert=due)
    else:
        await PRESSES[callback.kind](turn, callback, query)


async def _gone(query: CallbackQuery, lang: str) -> None:
    await query.answer(t("tg.passage.gone", lang), show_alert=True)


def _reply_target(query: CallbackQuery) -> int | None:
    return query.message.message_id if isinstance(query.message, Message) else None


async def _passage(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """📄 / 📚: the whole passage or the section around it, while its document is still in search."""
    passage = await turn.svc.library.passage(turn.caller, callback.int_arg(0), section=callback.kind is Kind.SECTION)
    if passage is None:
        await _gone(query, turn.lang)
        return
    await query.answer()
    await turn.send(passage_messages(passage.document, passage.chunks, turn.lang, section=passage.section),
                    reply_to=_reply_target(query))


async def _outline(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """🗂: the document's outline."""
    found = await turn.svc.library.outline(turn.caller, callback.int_arg(0))
    if found is None:
        await _gone(query, turn.lang)
        return
    await query.answer()
    await turn.send(outline_messages(*found, turn.lang), reply_to=_reply_target(query))


async def _download(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """⬇️: the original file, under the one download rule."""
    original = await turn.svc.library.original(turn.caller, callback.int_arg(0))
    if not isinstance(original, Original):
        await query.answer(t(f"tg.download.{original}", turn.lang), show_alert=True)
        return
    await query.answer()
    with original.path.open("rb") as handle:  # uploaded with its name (a --local server takes up to 2000 MB)
        await turn.context.bot.send_document(
            turn.caller.chat_id, handle, filename=original.document.source_name or original.path.name,
            message_thread_id=turn.caller.thread_id, parse_mode="HTML",
            caption=th("tg.download.caption", turn.lang, document=esc(original.document.label)))


async def _feedback(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """👍 / 👎: stored, thanked, and marked on the keyboard (in private chats)."""
    question_id, vote = callback.int_arg(0), 1 if callback.arg(1) == "u" else -1
    if not await turn.svc.asking.feedback(turn.caller, question_id, vote):
        await query.answer()
        return
    await query.answer(t("tg.feedback.thanks", turn.lang))
    if not turn.caller.is_group and isinstance(query.message, Message):
        await _mark_vote(query.message, question_id, vote)


async def _mark_vote(message: Message, question_id: int, vote: int) -> None:
    if message.reply_markup is None or not message.reply_markup.inline_keyboard:
        return
    rows = [list(row) for row in message.reply_markup.inline_keyboard]
    rows[-1] = feedback_row(question_id, vote)
    try:
        await message.edit_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def _docs_page(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """◀ ▶ and type filters under /docs: the list edited in place."""
    flt = DocFilter(callback.arg(1), callback.arg(2))
    html, keyboard = await turn.svc.workers.ask(docs_view, turn.svc.library, turn.caller, callback.int_arg(0), flt)
    await query.answer()
    if isinstance(query.message, Message):
        await edit_html(query.message, html, keyboard)


async def _language(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """The /lang menu: the language set, said in that language."""
    code = callback.arg(0)
    if not await turn.svc.members.set_language(turn.caller, code):
        await query.answer(t("tg.lang.group_admin_only", turn.lang), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        key = "tg.lang.group_set" if turn.caller.is_group else "tg.lang.set"
        await edit_html(query.message, th(key, code, language=esc(lang_name(code))))


PRESSES: dict[Kind, Press] = {
    Kind.PASSAGE: _passage, Kind.SECTION: _passage, Kind.OUTLINE: _outline, Kind.DOWNLOAD: _download,
    Kind.FEEDBACK: _feedback, Kind.DOCS_PAGE: _docs_page, Kind.LANGUAGE: _language,
    **quiz.PRESSES, **study.PRESSES, **banks.PRESSES,
}
