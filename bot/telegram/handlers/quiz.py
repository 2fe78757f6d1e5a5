"""Quizzes: /quiz and /stopquiz, votes and answer buttons, /scores, /progress, /saved and the 💾 button,
/daily, /host. The flows are :mod:`bot.study.quizzes`'; :mod:`bot.telegram.quizzing` sends and schedules."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.study.commands import Person, parse_arguments, parse_daily, parse_host
from bot.study.daily import Schedule, Stopped
from bot.study.quizzes import Missing, Refusal
from bot.study.results import Round
from bot.study.saved import PAGE, Saving
from bot.telegram import quizzing
from bot.telegram.callbacks import Callback, Kind, encode
from bot.telegram.sending import edit_html
from bot.telegram.services import Services, services
from bot.telegram.study_render import (
    answer_toast,
    daily_html,
    host_html,
    missing_html,
    progress_html,
    saved_html,
    scores_html,
)
from bot.telegram.turn import Turn, for_members

#: A vote for a poll not known yet is looked up again this often, for up to 2 seconds.
VOTE_WAIT_STEP, VOTE_WAIT_STEPS = 0.05, 40


async def document_names(svc: Services, ids: set[int | None]) -> dict[int | None, str]:
    names: dict[int | None, str] = {}
    for document_id in ids:
        document = await svc.workers.ask(svc.engine.document, document_id) if document_id is not None else None
        names[document_id] = document.label if document is not None else "?"
    return names


@for_members
async def cmd_quiz(turn: Turn) -> None:
    """/quiz [NUMBER…] [N]: N questions as quiz polls in a group (admins, hosts); personal practice in private."""
    study = turn.svc.study
    numbers, count = parse_arguments(turn.args, turn.svc.settings.quiz_questions)
    outcome = await turn.svc.workers.ask(study.quizzes.start, turn.caller, numbers, count)
    if isinstance(outcome, Missing):
        await turn.reply(missing_html(outcome, turn.lang))
    elif isinstance(outcome, Refusal):
        await turn.say(f"tg.quiz.{outcome.value}")
    else:
        if outcome.kind == "group":
            await turn.say("tg.quiz.started", count=outcome.planned, seconds=outcome.seconds or 0)
        else:
            await turn.say("tg.quiz.practice_started", count=outcome.planned)
        await quizzing.begin(turn.context.application, outcome)


@for_members
async def cmd_stopquiz(turn: Turn) -> None:
    """/stopquiz: ends the quiz running here early (the scoreboard is still posted), or your practice."""
    outcome = await turn.svc.workers.db(turn.svc.study.quizzes.stop, turn.caller)
    if isinstance(outcome, Refusal):
        await turn.say(f"tg.quiz.{outcome.value}")
    else:
        await quizzing.stop(turn.context.application, outcome)


async def voted_round(svc: Services, poll_id: str) -> Round | None:
    """The round a poll asks; a vote can arrive before sendPoll's answer (and the poll's id) reached us."""
    found = await svc.workers.db(svc.study.results.round_by_poll, poll_id)
    for _ in range(VOTE_WAIT_STEPS):
        if found is not None:
            break
        await asyncio.sleep(VOTE_WAIT_STEP)
        found = await svc.workers.db(svc.study.results.round_by_poll, poll_id)
    return found


async def on_poll_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A vote in a quiz poll: scored for the member; in private practice and contests the next question follows."""
    vote, svc = update.poll_answer, services(context)
    if vote is None or vote.user is None or vote.user.is_bot or not vote.option_ids:
        return
    found = await voted_round(svc, vote.poll_id)
    voter = Person(vote.user.id, vote.user.first_name or "", vote.user.username, vote.user.language_code)
    outcome = await svc.workers.db(svc.study.quizzes.vote, voter, found, vote.option_ids[0]) if found else None
    if outcome is not None:
        await quizzing.answered(context.application, outcome)


async def press_answer(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """A/B/C… under a question too long for a poll: scored like a vote; the presser sees right or wrong."""
    outcome = await turn.svc.workers.db(turn.svc.study.quizzes.answer, turn.caller, callback.int_arg(0),
                                        callback.int_arg(1))
    await query.answer(answer_toast(outcome, turn.lang))
    if outcome is not None and outcome.first:
        await quizzing.answered(turn.context.application, outcome)


@for_members
async def cmd_scores(turn: Turn) -> None:
    """/scores: the group's results (correct/answered, best streak, per document), or your own in private."""
    results, svc = turn.svc.study.results, turn.svc
    if turn.caller.is_group:
        members = await svc.workers.db(results.chat_scores, turn.caller.chat_id)
        documents = await svc.workers.db(results.chat_documents, turn.caller.chat_id)
        own = None
    else:
        own, documents = await svc.workers.db(results.user_scores, turn.caller.user_id)
        members = []
    names = await document_names(svc, {d.document_id for d in documents})
    await turn.reply(scores_html(members, documents, names, turn.lang, own=own))


@for_members
async def cmd_progress(turn: Turn) -> None:
    """/progress: your mastery of each document's questions in personal practice."""
    mastery = await turn.svc.workers.db(turn.svc.study.practice.mastery, turn.caller.user_id)
    names = await document_names(turn.svc, {m.document_id for m in mastery})
    await turn.reply(progress_html(mastery, names, turn.lang))


# saved passages -------------------------------------------------------------------------------------------
async def press_save(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """💾: the passage goes to the member's /saved list."""
    result = await turn.svc.workers.db(turn.svc.study.saved.save, turn.caller, callback.int_arg(0),
                                       callback.int_arg(1), callback.int_arg(2))
    await query.answer(t(f"tg.saved.{result.value}", turn.lang), show_alert=result is Saving.GONE)


def saved_keyboard(page: int, total: int, lang: str) -> InlineKeyboardMarkup | None:
    pages = (total + PAGE - 1) // PAGE
    if pages <= 1:
        return None
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("◀", callback_data=encode(Kind.SAVED_PAGE, page - 1)))
    row.append(InlineKeyboardButton(f"{page + 1}/{pages}", callback_data=encode(Kind.SAVED_PAGE, page)))
    if page < pages - 1:
        row.append(InlineKeyboardButton("▶", callback_data=encode(Kind.SAVED_PAGE, page + 1)))
    return InlineKeyboardMarkup([row])


async def saved_view(turn: Turn, page: int) -> tuple[list[str], InlineKeyboardMarkup | None]:
    items, total = await turn.svc.workers.db(turn.svc.study.saved.listing, turn.caller.user_id, page)
    return saved_html(items, page, total, PAGE, turn.lang, turn.svc.settings.zone), saved_keyboard(page, total,
                                                                                                   turn.lang)


@for_members
async def cmd_saved(turn: Turn) -> None:
    """/saved: the passages you saved with 💾, with their citations, for revision."""
    messages, keyboard = await saved_view(turn, 0)
    await turn.reply(messages, keyboard=keyboard)


async def press_saved_page(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """◀ ▶ under /saved."""
    messages, keyboard = await saved_view(turn, callback.int_arg(0))
    await query.answer()
    if isinstance(query.message, Message):
        await edit_html(query.message, messages[0], keyboard)


# daily questions, hosts -----------------------------------------------------------------------------------
@for_members
async def cmd_daily(turn: Turn) -> None:
    """/daily HH:MM [NUMBER…] | off (in a group, admins and hosts): one quiz poll a day at that time."""
    caller, application = turn.caller, turn.context.application
    outcome = await turn.svc.workers.ask(turn.svc.study.daily.command, caller, parse_daily(turn.args))
    if isinstance(outcome, Stopped):
        quizzing.unschedule_daily(application, caller.chat_id, caller.thread_id)
    elif isinstance(outcome, Schedule):
        quizzing.schedule_daily(application, outcome)
    await turn.reply(daily_html(outcome, turn.lang, turn.svc.settings.timezone))


def replied_person(message: Message | None) -> Person | None:
    """The author of the message a command replies to (None: no reply, or a bot's message)."""
    replied = message.reply_to_message if message is not None else None
    author = replied.from_user if replied is not None else None
    return Person(author.id, author.first_name or "", author.username) if author and not author.is_bot else None


@for_members
async def cmd_host(turn: Turn) -> None:
    """/host [@user|remove @user] (in a group, admins): who may run quizzes and study sessions here."""
    replying = turn.message is not None and turn.message.reply_to_message is not None
    request = parse_host(turn.args, replied_person(turn.message), replying=replying)
    outcome = await turn.svc.workers.db(turn.svc.study.sessions.hosting, turn.caller, request)
    await turn.reply(host_html(outcome, turn.lang))


PRESSES = {Kind.QUIZ_ANSWER: press_answer, Kind.SAVE: press_save, Kind.SAVED_PAGE: press_saved_page}
