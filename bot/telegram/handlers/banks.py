"""Question banks: an admin sends a bank file (DOCX/TXT with the caption «quiz», or any CSV/XLSX/JSON), and
reviews the bank — /questions, /question ID with its enable/disable button, /qenable and /qdisable. The rules are
:class:`bot.study.review.BankReview`'s."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import filters

from bot.i18n import t
from bot.store import parse_id
from bot.study.bank import ImportReport
from bot.study.commands import parse_questions, question_ids
from bot.study.quizzes import Missing
from bot.study.review import Preview, Refusal, Unreadable
from bot.telegram.callbacks import Callback, Kind, encode
from bot.telegram.handlers.quiz import document_names
from bot.telegram.render import esc
from bot.telegram.sending import edit_html
from bot.telegram.study_render import bank_import_html, missing_html, question_list_html, question_preview_html
from bot.telegram.turn import Turn, for_admins, for_members

#: Files read as question banks: tables and records always, DOCX and TXT when their caption says so.
CAPTION = re.compile(r"^\s*/?(?:quiz|import|bank|câu hỏi|cau hoi|ngân hàng|ngan hang)\b", re.I)
BANK_FILES = filters.Document.FileExtension("xlsx") | filters.Document.FileExtension("csv") | \
    filters.Document.FileExtension("json") | filters.Document.FileExtension("jsonl") | \
    (filters.Document.ALL & filters.CaptionRegex(CAPTION))
LIST_LIMIT = 30
#: What a refused bank file gets.
REFUSALS = {Refusal.NOT_ADMIN: "tg.upload.not_admin", Refusal.TOO_LARGE: "error.too_large"}


async def read_bank_file(turn: Turn, file_id: str, name: str) -> ImportReport | Unreadable:
    """The file downloaded to a scratch folder and imported."""
    with tempfile.TemporaryDirectory(prefix="nqbot-bank-") as folder:
        path = Path(folder) / "bank"
        telegram_file = await turn.context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        return await turn.svc.workers.ask(turn.svc.study.review.import_file, turn.caller, path, name)


@for_members
async def on_bank_file(turn: Turn) -> None:
    """A question bank sent in private by an admin: read, each answer backed by a passage, and a report."""
    document, review = turn.message.document if turn.message is not None else None, turn.svc.study.review
    if document is None:
        return
    refusal = review.refusal(turn.caller, document.file_size)
    if refusal is not None:
        await turn.say(REFUSALS[refusal], limit=review.limit_mb)
        return
    status = await turn.say("tg.bank.reading", name=esc(document.file_name or ""))
    outcome = await read_bank_file(turn, document.file_id, document.file_name or "bank")
    messages = bank_import_html(outcome, turn.lang, review.limit_mb)
    await edit_html(status, messages[0])
    if len(messages) > 1:
        await turn.send(messages[1:])


@for_admins
async def cmd_questions(turn: Turn) -> None:
    """/questions [NUMBER | unsupported]: the question bank (of a document, or the questions without a passage)."""
    listing = await turn.svc.workers.ask(turn.svc.study.review.listing, parse_questions(turn.args), limit=LIST_LIMIT)
    if isinstance(listing, Missing):
        await turn.reply(missing_html(listing, turn.lang))
        return
    names = await document_names(turn.svc, {q.document_id for q in listing.questions})
    await turn.reply(question_list_html(listing.questions, listing.total, names, turn.lang))


def toggle_keyboard(question_id: int, enabled: bool, lang: str) -> InlineKeyboardMarkup:
    key, state = ("tg.btn.disable", "off") if enabled else ("tg.btn.enable", "on")
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(key, lang),
                                                       callback_data=encode(Kind.QUESTION, question_id, state))]])


def preview_view(preview: Preview, lang: str) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """A question's preview and, when it can be switched, its enable/disable button."""
    question = preview.question
    keyboard = toggle_keyboard(question.id, question.enabled, lang) if preview.switchable else None
    return question_preview_html(question, preview.document, preview.verified, lang), keyboard


@for_admins
async def cmd_question(turn: Turn) -> None:
    """/question ID: a question as members see it, its cited passage, and a button to disable or enable it."""
    question_id = parse_id(turn.args[0]) if turn.args else None
    preview = await turn.svc.workers.ask(turn.svc.study.review.preview, question_id) if question_id is not None \
        else None
    if preview is None:
        await turn.say("quiz.not_found", id=esc(turn.args[0] if turn.args else "?"))
        return
    messages, keyboard = preview_view(preview, turn.lang)
    await turn.reply(messages, keyboard=keyboard)


async def _set_enabled(turn: Turn, enabled: bool) -> None:
    ids = question_ids(turn.args)
    if not ids:
        await turn.say("tg.bank.toggle_usage")
        return
    changed = await turn.svc.workers.db(turn.svc.study.review.set_enabled, turn.caller, ids, enabled)
    await turn.say("quiz.enabled" if enabled else "quiz.disabled_done", count=len(changed))


@for_admins
async def cmd_qenable(turn: Turn) -> None:
    """/qenable ID…: questions are used again in quizzes."""
    await _set_enabled(turn, True)


@for_admins
async def cmd_qdisable(turn: Turn) -> None:
    """/qdisable ID…: questions are no longer used in quizzes."""
    await _set_enabled(turn, False)


async def press_question(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """🚫 / ✅ under a question preview (admins)."""
    switched = await turn.svc.workers.ask(turn.svc.study.review.switch, turn.caller, callback.int_arg(0),
                                          callback.arg(1) == "on")
    if switched is Refusal.NOT_ADMIN:
        await query.answer(t("tg.admin.only", turn.lang), show_alert=True)
        return
    await query.answer()
    if isinstance(switched, Preview) and isinstance(query.message, Message):
        messages, keyboard = preview_view(switched, turn.lang)
        await edit_html(query.message, messages[0], keyboard)


PRESSES = {Kind.QUESTION: press_question}
