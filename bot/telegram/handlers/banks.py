"""Question banks: an admin sends a bank file (DOCX/TXT with the caption «quiz», or any CSV/XLSX/JSON), and
reviews the bank — /questions, /question ID with its enable/disable button, /qenable and /qdisable."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import filters

from bot.audit import Action
from bot.i18n import t
from bot.store import parse_id
from bot.study.bank import Status
from bot.telegram.callbacks import Callback, Kind, encode
from bot.telegram.handlers.quiz import document_names
from bot.telegram.render import esc, th
from bot.telegram.sending import edit_html
from bot.telegram.study_render import import_report_html, question_list_html, question_preview_html
from bot.telegram.turn import Turn, for_admins, for_members
from documents.extract.limits import Limits
from documents.model import ExtractionError

#: Files read as question banks: tables and records always, DOCX and TXT when their caption says so.
CAPTION = re.compile(r"^\s*/?(?:quiz|import|bank|câu hỏi|cau hoi|ngân hàng|ngan hang)\b", re.I)
BANK_FILES = filters.Document.FileExtension("xlsx") | filters.Document.FileExtension("csv") | \
    filters.Document.FileExtension("json") | filters.Document.FileExtension("jsonl") | \
    (filters.Document.ALL & filters.CaptionRegex(CAPTION))
LIST_LIMIT = 30


@for_members
async def on_bank_file(turn: Turn) -> None:
    """A question bank sent in private by an admin: read, each answer backed by a passage, and a report."""
    message, svc = turn.message, turn.svc
    document = message.document if message is not None else None
    if document is None:
        return
    if not turn.caller.is_admin:
        await turn.say("tg.upload.not_admin")
        return
    limit = svc.settings.max_file_mb
    if document.file_size is not None and document.file_size > limit * 1024 * 1024:
        await turn.say("error.too_large", limit=limit)
        return
    status = await turn.say("tg.bank.reading", name=esc(document.file_name or ""))
    name = document.file_name or "bank"
    with tempfile.TemporaryDirectory(prefix="nqbot-bank-") as folder:
        path = Path(folder) / "bank"
        telegram_file = await turn.context.bot.get_file(document.file_id)
        await telegram_file.download_to_drive(path)
        try:
            report = await svc.workers.ask(svc.study.bank.import_file, path, name=name, user_id=turn.caller.user_id,
                                           max_bytes=limit * 1024 * 1024, limits=Limits.from_settings(svc.settings))
        except ExtractionError as error:
            await edit_html(status, th(f"error.{error.code}", turn.lang, limit=limit))
            return
    await svc.workers.db(svc.store.audit, turn.caller.user_id, Action.QUIZ_IMPORT, name,
                         f"{report.backed}/{report.read}")
    messages = import_report_html(report, turn.lang)
    await edit_html(status, messages[0])
    if len(messages) > 1:
        await turn.send(messages[1:])


@for_admins
async def cmd_questions(turn: Turn) -> None:
    """/questions [NUMBER | unsupported]: the question bank (of a document, or the questions without a passage)."""
    svc, words = turn.svc, list(turn.args)
    statuses = [Status.UNSUPPORTED, Status.DISAGREES] if words and words[0].lower() in ("unsupported", "review") \
        else None
    document_id = None
    if words and statuses is None:
        document = await svc.workers.ask(svc.engine.resolve, " ".join(words))
        if document is None:
            await turn.say("docs.not_found", number=esc(" ".join(words)))
            return
        document_id = document.id
        await svc.workers.ask(svc.study.bank.ensure, document.id)
    questions, total = await svc.workers.db(svc.study.bank.listing, document_id, statuses=statuses, limit=LIST_LIMIT)
    names = await document_names(svc, {q.document_id for q in questions})
    await turn.reply(question_list_html(questions, total, names, turn.lang))


def toggle_keyboard(question_id: int, enabled: bool, lang: str) -> InlineKeyboardMarkup:
    key, state = ("tg.btn.disable", "off") if enabled else ("tg.btn.enable", "on")
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(key, lang),
                                                       callback_data=encode(Kind.QUESTION, question_id, state))]])


async def _preview(turn: Turn, question_id: int) -> tuple[list[str], InlineKeyboardMarkup | None] | None:
    bank = turn.svc.study.bank
    question = await turn.svc.workers.db(bank.get, question_id)
    if question is None:
        return None
    document = await turn.svc.workers.ask(turn.svc.engine.document, question.document_id or 0)
    verified = await turn.svc.workers.ask(bank.verified, question)
    keyboard = toggle_keyboard(question.id, question.enabled, turn.lang) \
        if question.enabled or question.status is Status.OK else None
    return question_preview_html(question, document, verified, turn.lang), keyboard


@for_admins
async def cmd_question(turn: Turn) -> None:
    """/question ID: a question as members see it, its cited passage, and a button to disable or enable it."""
    question_id = parse_id(turn.args[0]) if turn.args else None
    preview = await _preview(turn, question_id) if question_id is not None else None
    if preview is None:
        await turn.say("quiz.not_found", id=esc(turn.args[0] if turn.args else "?"))
        return
    await turn.reply(preview[0], keyboard=preview[1])


async def _set_enabled(turn: Turn, enabled: bool) -> None:
    ids = [i for i in (parse_id(a.lstrip("#")) for a in turn.args) if i is not None]
    if not ids:
        await turn.say("tg.bank.toggle_usage")
        return
    changed = await turn.svc.workers.db(turn.svc.study.bank.set_enabled, ids, enabled)
    if changed:
        await turn.svc.workers.db(turn.svc.store.audit, turn.caller.user_id,
                                  Action.QUIZ_ENABLE if enabled else Action.QUIZ_DISABLE,
                                  ", ".join(f"#{i}" for i in changed))
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
    if not turn.caller.is_admin:
        await query.answer(t("tg.admin.only", turn.lang), show_alert=True)
        return
    question_id = callback.int_arg(0)
    await turn.svc.workers.db(turn.svc.study.bank.set_enabled, [question_id], callback.arg(1) == "on")
    await turn.svc.workers.db(turn.svc.store.audit, turn.caller.user_id,
                              Action.QUIZ_ENABLE if callback.arg(1) == "on" else Action.QUIZ_DISABLE, f"#{question_id}")
    await query.answer()
    preview = await _preview(turn, question_id)
    if preview is not None and isinstance(query.message, Message):
        await edit_html(query.message, preview[0][0], preview[1])


PRESSES = {Kind.QUESTION: press_question}
