"""Quizzes on Telegram: each round of a run goes out as a native poll (a quiz poll; a regular one in contests,
so no answer is revealed before the ranking) or, when the question is longer than a poll allows, as a message
with A/B/C… buttons scored the same way. Timed rounds close by the job queue; private rounds close when
answered. The run's end posts its scoreboard (and closes the study session it belonged to).

Daily questions are job-queue jobs too, scheduled again from the store whenever the bot starts.
"""

from __future__ import annotations

import logging
from datetime import datetime, time
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Poll
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.i18n import DEFAULT_LANG
from bot.study.bank import StoredQuestion
from bot.study.daily import Schedule
from bot.study.quizzes import Answered, Ask, Done
from bot.study.results import Round, Run, RunKind, RunStatus
from bot.telegram.callbacks import Kind, encode
from bot.telegram.keyboards import save_button
from bot.telegram.render import th
from bot.telegram.sending import send_html
from bot.telegram.services import Services
from bot.telegram.study_render import (
    feedback_html,
    poll_question,
    question_html,
    reveal_html,
    scoreboard_html,
    summary_html,
)
from index.quiz.model import LETTERS
from index.quiz.validity import telegram_problems

log = logging.getLogger("bot.telegram.quiz")

#: A timed round closes this long after its poll does (votes still on their way count).
ROUND_GRACE = 1.0


App = Application[Any, Any, Any, Any, Any, Any]


def _services(application: App) -> Services:
    svc = application.bot_data["services"]
    assert isinstance(svc, Services)
    return svc


def passage_keyboard(question: StoredQuestion, lang: str) -> InlineKeyboardMarkup | None:
    """📄 the whole passage, 💾 save it — under an answer revealed."""
    evidence = question.evidence
    if evidence is None:
        return None
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(th("tg.btn.passage_one", lang), callback_data=encode(Kind.PASSAGE, evidence.chunk_id)),
        save_button(evidence.chunk_id, (evidence.start, evidence.end), lang),
    ]])


def answer_keyboard(round_id: int, options: int) -> InlineKeyboardMarkup:
    letters = [InlineKeyboardButton(LETTERS[i], callback_data=encode(Kind.QUIZ_ANSWER, round_id, i))
               for i in range(options)]
    return InlineKeyboardMarkup([letters[i:i + 4] for i in range(0, len(letters), 4)])


# rounds ---------------------------------------------------------------------------------------------------
async def send_round(application: App, ask: Ask, *, label: str = "") -> Round:
    """Send the run's next question (poll, or message with buttons) and schedule its closing."""
    svc = _services(application)
    run, question = ask.run, ask.question
    opened = await svc.workers.db(svc.study.quizzes.open_round, ask, chat_id=run.chat_id)
    quiz = run.kind is not RunKind.CONTEST
    text = poll_question(f"{label}{question.question}" if label else question.question, ask.ordinal, ask.total)
    as_poll = not telegram_problems(question.as_question()) and len(text) <= 300
    message: Message
    poll_id: str | None = None
    if as_poll:
        message = await application.bot.send_poll(
            run.chat_id, text, list(question.options), is_anonymous=False,
            type=Poll.QUIZ if quiz else Poll.REGULAR, correct_option_ids=[question.correct] if quiz else None,
            explanation=(question.explanation or None) if quiz else None, open_period=run.seconds,
            message_thread_id=run.thread_id)
        poll_id = message.poll.id if message.poll else None
    else:
        html = question_html(question, ask.ordinal, ask.total, run.lang, run.seconds)
        message = (await send_html(application.bot, run.chat_id, [html], thread_id=run.thread_id,
                                   keyboard=answer_keyboard(opened.id, len(question.options))))[-1]
    await svc.workers.db(svc.study.results.sent, opened.id, message.message_id, poll_id)
    if run.seconds and application.job_queue is not None:
        application.job_queue.run_once(_close_job, when=run.seconds + ROUND_GRACE, data=opened.id,
                                       name=f"round:{opened.id}")
    log.info("run %d round %d sent as %s", run.id, ask.ordinal, "poll" if poll_id else "buttons")
    return opened


async def ask_next(application: App, run_id: int) -> None:
    """The run's next question, or its end."""
    svc = _services(application)
    step = await svc.workers.ask(svc.study.quizzes.next, run_id)
    if isinstance(step, Done):
        await finish(application, run_id, RunStatus.DONE)
        return
    try:
        await send_round(application, step)
    except (Forbidden, BadRequest) as error:  # the member blocked the bot, the group is gone
        log.warning("run %d interrupted: %s", run_id, type(error).__name__)
        await svc.workers.db(svc.study.quizzes.finish, run_id, RunStatus.INTERRUPTED)


async def _close_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    if job is not None and isinstance(job.data, int):
        await close_round(context.application, job.data)


async def close_round(application: App, round_id: int, *, reveal: bool = True, advance: bool = True) -> None:
    """Close a round: in a group the right answer is revealed with its passage; then the next question."""
    svc = _services(application)
    closed = await svc.workers.db(svc.study.quizzes.close_round, round_id)
    if closed is None:
        return
    if application.job_queue is not None:
        for job in application.job_queue.get_jobs_by_name(f"round:{round_id}"):
            job.schedule_removal()
    run = await svc.workers.db(svc.study.results.run, closed.round.run_id)
    assert run is not None
    if closed.round.poll_id is None and closed.round.message_id is not None:
        await _drop_buttons(application, run.chat_id, closed.round.message_id)
    if run.kind in (RunKind.GROUP, RunKind.DAILY) and reveal and closed.question is not None:
        question = closed.question
        document = await svc.workers.ask(svc.engine.document, question.document_id or 0)
        right = sum(a.correct for a in closed.answers)
        await send_html(application.bot, run.chat_id,
                        [reveal_html(question, document, right, len(closed.answers), run.lang)],
                        thread_id=run.thread_id, keyboard=passage_keyboard(question, run.lang))
    if advance and run.status is RunStatus.RUNNING:
        await ask_next(application, run.id)


async def _drop_buttons(application: App, chat_id: int, message_id: int) -> None:
    try:
        await application.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest as error:
        log.info("buttons not removed from message %d: %s", message_id, error.message)


async def answered(application: App, outcome: Answered) -> None:
    """After a counted answer: in private practice the member sees right or wrong with the passage, and the
    next question follows; a contest attempt goes on."""
    if not outcome.first:
        return
    run = outcome.run
    if run.kind is RunKind.PRACTICE:
        svc = _services(application)
        question = outcome.question
        document = await svc.workers.ask(svc.engine.document, question.document_id or 0)
        await send_html(application.bot, run.chat_id,
                        [feedback_html(question, document, outcome.choice, outcome.correct, run.lang)],
                        keyboard=passage_keyboard(question, run.lang))
        await close_round(application, outcome.round.id, reveal=False)
    elif run.kind is RunKind.CONTEST:
        await close_round(application, outcome.round.id, reveal=False)


async def stop(application: App, run: Run) -> None:
    """``/stopquiz``: the open question is closed (its poll stopped), then the scoreboard."""
    svc = _services(application)
    last = await svc.workers.db(svc.study.results.last_round, run.id)
    if last is not None and last.closed_at is None:
        if last.poll_id is not None and last.message_id is not None:
            try:
                await application.bot.stop_poll(run.chat_id, last.message_id)
            except BadRequest as error:  # closed by its own timer a moment ago
                log.info("poll of round %d not stopped: %s", last.id, error.message)
        await close_round(application, last.id, advance=False)
    await finish(application, run.id, RunStatus.STOPPED)


async def finish(application: App, run_id: int, status: RunStatus) -> None:
    """End a run and post what it ends with (scoreboard, practice result, contest receipt, session summary)."""
    svc = _services(application)
    done = await svc.workers.db(svc.study.quizzes.finish, run_id, status)
    if done is None:
        return
    run = done.run
    lang = run.lang
    if run.kind is RunKind.GROUP:
        asked = len(await svc.workers.db(svc.study.results.rounds, run.id))
        await send_html(application.bot, run.chat_id, [scoreboard_html(done.scores, asked, lang)],
                        thread_id=run.thread_id)
        if run.session_id is not None:
            summary = await svc.workers.db(svc.study.sessions.close, None, run.session_id)
            if not isinstance(summary, str):
                await send_html(application.bot, run.chat_id, [summary_html(summary, lang, svc.settings.zone)],
                                thread_id=run.thread_id)
    elif run.kind is RunKind.PRACTICE:
        mine = done.scores[0] if done.scores else None
        await send_html(application.bot, run.chat_id, [th(
            "tg.quiz.practice_done", lang, correct=mine.correct if mine else 0, answered=mine.answered if mine else 0)])
    elif run.kind is RunKind.CONTEST:
        await send_html(application.bot, run.chat_id, [th("tg.contest.submitted", lang, id=run.contest_id or 0)])


async def begin(application: App, run: Run) -> None:
    await ask_next(application, run.id)


# daily questions ------------------------------------------------------------------------------------------
def schedule_daily(application: App, schedule: Schedule) -> None:
    """(Re)schedule a group's daily question in the configured time zone."""
    queue = application.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(schedule.name):
        job.schedule_removal()
    zone = _services(application).settings.zone
    queue.run_daily(_daily_job, time=time(schedule.at.hour, schedule.at.minute, tzinfo=zone), name=schedule.name,
                    data=(schedule.chat_id, schedule.thread_id))


def unschedule_daily(application: App, chat_id: int, thread_id: int | None) -> None:
    if application.job_queue is not None:
        for job in application.job_queue.get_jobs_by_name(f"daily:{chat_id}:{thread_id or 0}"):
            job.schedule_removal()


async def _daily_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    if job is not None and isinstance(job.data, tuple):
        await post_daily(context.application, *job.data)


async def post_daily(application: App, chat_id: int, thread_id: int | None) -> None:
    """Today's question (once a day): yesterday's poll is closed, a new quiz poll goes out."""
    svc = _services(application)
    study = svc.study
    day = datetime.fromtimestamp(study.clock(), svc.settings.zone).date().isoformat()
    schedule = await svc.workers.db(study.schedules.claim, chat_id, thread_id, day)
    if schedule is None:
        return
    chat = await svc.workers.db(svc.store.chat, chat_id)
    if chat is None or not chat.allowed:
        return
    if schedule.last_round is not None:
        previous = await svc.workers.db(study.results.round, schedule.last_round)
        if previous is not None and previous.closed_at is None and previous.message_id is not None:
            try:
                await application.bot.stop_poll(chat_id, previous.message_id)
            except TelegramError as error:
                log.info("yesterday's daily poll not stopped: %s", type(error).__name__)
            await close_round(application, previous.id, advance=False)
    documents = schedule.documents if schedule.documents is not None else chat.documents
    picked = await svc.workers.ask(study.bank.pick, documents, 1)
    if not picked:
        log.info("daily question for chat %d: no question available", chat_id)
        return
    run = await svc.workers.db(study.results.create_run, RunKind.DAILY, chat_id=chat_id, thread_id=thread_id,
                               started_by=schedule.created_by, documents=documents, questions=[picked[0].id],
                               seconds=None, lang=chat.lang or DEFAULT_LANG)
    sent = await send_round(application, Ask(run, picked[0], 1, 1), label=th("tg.daily.label", run.lang) + " ")
    await svc.workers.db(study.schedules.posted, chat_id, thread_id, sent.id)
    await svc.workers.db(study.results.finish, run.id, RunStatus.DONE)  # its poll stays open until tomorrow's
    log.info("daily question posted in chat %d", chat_id)


# start-up -------------------------------------------------------------------------------------------------
async def resume_runs(application: App) -> None:
    """Runs cut short (by a restart, or a worker that is gone) are this process's now: quizzes are ended (their
    groups get the scoreboard so far), contest attempts carry on from the question they were at."""
    svc = _services(application)
    for run in await svc.workers.db(svc.study.quizzes.interrupted):
        try:
            if run.kind is RunKind.CONTEST:
                for item in await svc.workers.db(svc.study.results.rounds, run.id):
                    if item.closed_at is None:
                        await close_round(application, item.id, reveal=False, advance=False)
                await ask_next(application, run.id)
            elif run.kind is RunKind.GROUP:
                scores = await svc.workers.db(svc.study.results.scoreboard, [run.id])
                await send_html(application.bot, run.chat_id, [
                    th("tg.quiz.interrupted", run.lang) + "\n" + scoreboard_html(scores, len(run.questions), run.lang)],
                    thread_id=run.thread_id)
        except TelegramError as error:
            log.warning("run %d not resumed: %s", run.id, type(error).__name__)


async def on_startup(application: App) -> None:
    """After a restart: runs cut short are resumed or ended (:func:`resume_runs`; with several workers, also
    whenever a worker dies: :mod:`bot.telegram.app`'s adopt job), daily questions are scheduled again (today's
    posted if the bot was down at the time)."""
    svc = _services(application)
    await resume_runs(application)
    moment = svc.study.clock()
    for schedule in await svc.workers.db(svc.study.schedules.all):
        schedule_daily(application, schedule)
        if schedule.due_now(svc.settings.zone, moment):
            await post_daily(application, schedule.chat_id, schedule.thread_id)
