"""Questions: any text in a private chat; in groups only when the bot is mentioned, replied to, or /ask."""

from __future__ import annotations

from bot.asking import Refused, Throttled
from bot.telegram.addressing import addressed_question
from bot.telegram.keyboards import answer_markup
from bot.telegram.render import answer_messages, question_error_html
from bot.telegram.turn import Turn, command_text, for_members


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
    outcome = await turn.svc.asking.ask(turn.caller, question, turn.typing)
    if isinstance(outcome, Throttled):
        if outcome.notify:
            await turn.say("tg.slow_down", seconds=outcome.seconds)
    elif isinstance(outcome, Refused):
        await turn.reply(question_error_html(outcome.code, turn.lang, outcome.limit))
    else:
        await turn.reply(answer_messages(outcome.answer, turn.lang), keyboard=answer_markup(outcome, turn.caller))
