"""Guided reading: /study and /endstudy, the "Có mặt", "Tiếp", quiz and end buttons, and /export of a session's
attendance and results. The rules are :class:`bot.study.sessions.Sessions`'."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest
from telegram.ext import Application, CommandHandler, MessageHandler, PollAnswerHandler, filters

from bot.i18n import t
from bot.study.commands import Usage, document_words, parse_export
from bot.study.exports import Export
from bot.study.quizzes import Missing, Refusal
from bot.study.sessions import Finished, Opened, Session, Step
from bot.study.sessions import Refusal as SessionRefusal
from bot.telegram import quizzing
from bot.telegram.callbacks import Callback, Kind, encode
from bot.telegram.handlers import banks, contests, quiz
from bot.telegram.render import esc, outline_messages, th
from bot.telegram.study_render import session_opened_html, step_messages, summary_html
from bot.telegram.turn import PtbHandler, Turn, for_admins, for_members


def reading_keyboard(session_id: int, position: int, lang: str, *, finished: bool) -> InlineKeyboardMarkup:
    key, action = ("tg.btn.quiz_now", "q") if finished else ("tg.btn.next", "n")
    first = InlineKeyboardButton(t(key, lang), callback_data=encode(Kind.READ, session_id, position, action))
    end = InlineKeyboardButton(t("tg.btn.end_study", lang), callback_data=encode(Kind.READ, session_id, position, "e"))
    return InlineKeyboardMarkup([[first, end]])


def attend_keyboard(session_id: int, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("tg.btn.attend", lang),
                                                       callback_data=encode(Kind.ATTEND, session_id))]])


async def post_opening(turn: Turn, opened: Opened) -> None:
    """The session's opening, with ✋ Có mặt, and the document's outline."""
    user = turn.update.effective_user
    await turn.send([session_opened_html(opened.document, user.first_name if user else "", turn.lang)],
                    keyboard=attend_keyboard(opened.session.id, turn.lang))
    await turn.send(outline_messages(opened.document, opened.sections, turn.lang))


async def post_step(turn: Turn, session: Session, step: Step | Finished) -> None:
    """The next section (with "Tiếp" for the host), or the end of the text with the offer of a quiz."""
    document = await turn.svc.workers.ask(turn.svc.engine.document, session.document_id)
    if document is None:
        return
    if isinstance(step, Finished):
        await turn.send([th("tg.study.finished", turn.lang, document=esc(document.label))],
                        keyboard=reading_keyboard(session.id, step.session.position, turn.lang, finished=True))
        return
    text = await turn.svc.workers.db(turn.svc.study.sessions.step_text, session, step)
    await turn.send(step_messages(document, step, text, turn.lang),
                    keyboard=reading_keyboard(session.id, step.index + 1, turn.lang, finished=False))


@for_members
async def cmd_study(turn: Turn) -> None:
    """/study NUMBER (in a group, admins and hosts): guided reading with attendance, section by section."""
    number = document_words(turn.args)
    if not number:
        await turn.say("tg.study.usage")
        return
    opened = await turn.svc.workers.ask(turn.svc.study.sessions.start, turn.caller, number)
    if isinstance(opened, SessionRefusal):
        await turn.say(f"tg.study.{opened}", number=esc(number))
        return
    await post_opening(turn, opened)
    step = await turn.svc.workers.ask(turn.svc.study.sessions.advance, turn.caller, opened.session.id, seen=0)
    if not isinstance(step, SessionRefusal):
        await post_step(turn, opened.session, step)


async def _close(turn: Turn, session_id: int) -> None:
    summary = await turn.svc.workers.db(turn.svc.study.sessions.close, turn.caller, session_id)
    if isinstance(summary, str):
        await turn.say(f"tg.study.{summary}", number="")
        return
    await turn.send([summary_html(summary, turn.lang, turn.svc.settings.zone)])


@for_members
async def cmd_endstudy(turn: Turn) -> None:
    """/endstudy (host): ends the study session here and posts who attended, asked, answered, and the scores."""
    session = await turn.svc.workers.db(turn.svc.study.sessions.current, turn.caller.chat_id, turn.caller.thread_id)
    if session is None:
        await turn.say("tg.study.none")
        return
    await _close(turn, session.id)


async def press_attend(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """✋ Có mặt: the member is marked present."""
    marked = await turn.svc.workers.db(turn.svc.study.sessions.attend, turn.caller, callback.int_arg(0))
    key = "tg.study.present" if marked else "tg.study.present_already" if marked is False else "tg.study.over"
    await query.answer(t(key, turn.lang))


async def _drop_markup(query: CallbackQuery) -> None:
    if isinstance(query.message, Message):
        with contextlib.suppress(BadRequest):  # already without buttons
            await query.message.edit_reply_markup(None)


async def press_read(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """Tiếp ▶ / 🎯 quiz / ⏹ end under a section (the host's)."""
    session = await turn.svc.workers.db(turn.svc.study.sessions.lead, turn.caller, callback.int_arg(0))
    if session is SessionRefusal.NOT_HOST:
        await query.answer(t("tg.study.host_only", turn.lang), show_alert=True)
    elif isinstance(session, SessionRefusal):
        await query.answer(t("tg.study.over", turn.lang))
        await _drop_markup(query)
    else:
        await query.answer()
        await READING[callback.arg(2)](turn, query, session, callback.int_arg(1))


async def next_section(turn: Turn, query: CallbackQuery, session: Session, position: int) -> None:
    """Tiếp ▶: the next section, unless this button was pressed already."""
    step = await turn.svc.workers.ask(turn.svc.study.sessions.advance, turn.caller, session.id, seen=position)
    if not isinstance(step, SessionRefusal):  # pressed twice: the section is out already
        await _drop_markup(query)
        await post_step(turn, session, step)


async def quiz_now(turn: Turn, query: CallbackQuery, session: Session, position: int) -> None:
    """🎯: a group quiz on the document just read."""
    run = await turn.svc.workers.ask(turn.svc.study.quizzes.session_quiz, turn.caller, session)
    if isinstance(run, Missing | Refusal):
        await turn.say(f"tg.quiz.{run.value}" if isinstance(run, Refusal) else "tg.quiz.no_questions")
        return
    await _drop_markup(query)
    await turn.say("tg.quiz.started", count=run.planned, seconds=run.seconds or 0)
    await quizzing.begin(turn.context.application, run)


async def end_reading(turn: Turn, query: CallbackQuery, session: Session, position: int) -> None:
    """⏹: the session ends and its summary is posted."""
    await _drop_markup(query)
    await _close(turn, session.id)


#: The reading buttons' actions: "n" next, "q" quiz, "e" end.
READING = {"n": next_section, "q": quiz_now, "e": end_reading}


@for_admins
async def cmd_export(turn: Turn) -> None:
    """/export [session ID | contest ID]: a session's attendance and results (or a contest's), as CSV and XLSX."""
    export = await turn.svc.workers.db(turn.svc.study.exports.export, turn.caller, parse_export(turn.args))
    if isinstance(export, Export):
        await turn.send_files(export.files)
    else:
        await turn.say("tg.export.usage" if isinstance(export, Usage) else "tg.export.none")


PRESSES = {Kind.ATTEND: press_attend, Kind.READ: press_read}


#: The study commands and their handlers (each handler's docstring says what the user gets).
COMMANDS: tuple[tuple[str, PtbHandler], ...] = (
    ("quiz", quiz.cmd_quiz), ("stopquiz", quiz.cmd_stopquiz), ("scores", quiz.cmd_scores),
    ("progress", quiz.cmd_progress), ("saved", quiz.cmd_saved), ("daily", quiz.cmd_daily), ("host", quiz.cmd_host),
    ("study", cmd_study), ("endstudy", cmd_endstudy), ("export", cmd_export), ("contest", contests.cmd_contest),
    ("questions", banks.cmd_questions), ("question", banks.cmd_question), ("qenable", banks.cmd_qenable),
    ("qdisable", banks.cmd_qdisable),
)


def register_study_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Study commands, poll votes and bank files (before the upload handler: a bank is not a library document)."""
    new = filters.UpdateType.MESSAGE
    for name, callback in COMMANDS:
        application.add_handler(CommandHandler(name, callback, filters=new))
    application.add_handler(PollAnswerHandler(quiz.on_poll_answer))
    application.add_handler(MessageHandler(new & filters.ChatType.PRIVATE & banks.BANK_FILES, banks.on_bank_file))
