"""Questions: any text in a private chat; in groups only when the bot is mentioned, replied to, or /ask."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.asking import Answered, Outcome, Refused, Throttled
from bot.study.checking import Throttled as CheckThrottled
from bot.telegram.addressing import addressed_question
from bot.telegram.keyboards import answer_markup, save_button
from bot.telegram.render import answer_messages, question_error_html
from bot.telegram.study_render import verdict_html
from bot.telegram.turn import Turn, command_text, for_members
from documents.banks.numbered import pasted


@for_members
async def on_private_text(turn: Turn) -> None:
    """Any text in a private chat is a question: answered with cited passages."""
    await answer(turn, command_text(turn.message))


@for_members
async def on_group_text(turn: Turn) -> None:
    """A group message that mentions the bot or replies to it: answered, quoting the asker."""
    if turn.message is not None:
        question = addressed_question(turn.message, turn.svc.bot_username, turn.svc.bot_id)
        await answer(turn, question or "")


@for_members
async def cmd_ask(turn: Turn) -> None:
    """/ask QUESTION: answered with cited passages (the way to ask in groups without a mention)."""
    question = command_text(turn.message)
    if not question:
        await turn.say("tg.ask.usage")
        return
    await answer(turn, question)


async def answer(turn: Turn, question: str) -> None:
    """A question, answered with cited passages (in a study session: from its document, and recorded), or a
    multiple-choice question pasted from a contest or study sheet, checked."""
    choices = pasted(question)
    if choices is not None:
        await check(turn, *choices)
        return
    sessions = turn.svc.study.sessions
    caller, session = await turn.svc.workers.db(sessions.focus, turn.caller)  # a study session: its document
    outcome = await turn.svc.asking.ask(caller, question, turn.typing, event=turn.update.update_id)
    if session is not None and isinstance(outcome, Answered):
        await turn.svc.workers.db(sessions.record_question, session.id, caller.user_id, outcome.question_id)
    await show_answer(turn, outcome)


async def show_answer(turn: Turn, outcome: Outcome) -> None:
    """The answer with its buttons, why the question cannot be asked, or (once per flood) "slow down"."""
    if isinstance(outcome, Throttled):
        if outcome.notify:
            await turn.say("tg.slow_down", seconds=outcome.seconds)
    elif isinstance(outcome, Refused):
        await turn.reply(question_error_html(outcome.code, turn.lang, outcome.limit))
    else:
        await turn.reply(answer_messages(outcome.answer, turn.lang), keyboard=answer_markup(outcome, turn.caller))


async def check(turn: Turn, question: str, options: list[str]) -> None:
    """Which option the documents support, with the passage (or that they do not decide)."""
    async with turn.typing():
        outcome = await turn.svc.workers.ask(turn.svc.study.checking.check, turn.caller, question, options,
                                             turn.update.update_id)
    if isinstance(outcome, CheckThrottled):
        if outcome.notify:
            await turn.say("tg.slow_down", seconds=outcome.seconds)
        return
    citation = outcome.citations[0] if outcome.citations else None
    keyboard = InlineKeyboardMarkup([[save_button(citation.chunk_id, citation.offsets, turn.lang)]]) \
        if citation is not None else None
    await turn.reply(verdict_html(outcome, turn.lang), keyboard=keyboard)
