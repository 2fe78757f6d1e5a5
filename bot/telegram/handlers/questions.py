"""Questions: any text in a private chat; in groups only when the bot is mentioned, replied to, or /ask."""

from __future__ import annotations

import logging
import time

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes

from bot.telegram.access import Caller
from bot.telegram.handlers.common import command_text, member_caller, reply, typing
from bot.telegram.keyboards import answer_keyboard, not_found_keyboard
from bot.telegram.ratelimit import Verdict
from bot.telegram.render import answer_messages, question_error_html, th
from bot.telegram.services import services
from index.answer import Answer
from index.engine import QuestionError

log = logging.getLogger("bot.telegram.questions")


def addressed_question(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot (mention or reply), else None."""
    text = message.text or ""
    mentioned = False
    spans: list[tuple[int, int]] = []
    for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
        is_bot = (entity.type == MessageEntity.MENTION and value.lstrip("@").lower() == bot_username.lower()) or (
            entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id)
        if is_bot:
            mentioned = True
            spans.append((entity.offset, entity.offset + entity.length))
    replied = message.reply_to_message
    to_bot = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == bot_id
        and replied.forum_topic_created is None
    )
    if not mentioned and not to_bot:
        return None
    if spans:  # entity offsets are in UTF-16 units
        encoded = text.encode("utf-16-le")
        for start, end in sorted(spans, reverse=True):
            encoded = encoded[: start * 2] + " ".encode("utf-16-le") + encoded[end * 2:]
        text = encoded.decode("utf-16-le")
    return " ".join(text.split())


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await member_caller(update, context)
    if caller is None:
        return
    await answer(update, context, caller, command_text(update.effective_message))


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    svc = services(context)
    if message is None:
        return
    question = addressed_question(message, svc.bot_username, svc.bot_id)
    if question is None:
        return  # the bot never answers every message in a group
    caller = await member_caller(update, context)
    if caller is None:
        return
    await answer(update, context, caller, question)


async def cmd_ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await member_caller(update, context)
    if caller is None:
        return
    question = command_text(update.effective_message)
    if not question:
        await reply(update, context, caller, th("tg.ask.usage", caller.lang))
        return
    await answer(update, context, caller, question)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, question: str) -> None:
    svc = services(context)
    verdict = svc.limiter.check(caller.user_id)
    if verdict is Verdict.DROP:
        log.info("question dropped (rate limit) user=%d", caller.user_id)
        return
    if verdict is Verdict.WARN:
        log.info("rate limit notice user=%d", caller.user_id)
        seconds = max(1, round(svc.limiter.retry_in(caller.user_id)))
        await reply(update, context, caller, th("tg.slow_down", caller.lang, seconds=seconds))
        return
    started = time.perf_counter()
    context_document = svc.followups.context(caller.chat_id, caller.user_id)
    try:
        async with typing(context, caller):
            result: Answer = await svc.workers.ask(
                svc.engine.ask, question, documents=caller.scope, context_document=context_document,
            )
    except QuestionError as error:
        log.info("question refused user=%d code=%s chars=%d", caller.user_id, error.code, len(question))
        await reply(update, context, caller,
                    question_error_html(error.code, caller.lang, svc.settings.max_question_chars))
        return
    millis = int(1000 * (time.perf_counter() - started))
    top = result.citations[0].document_id if result.citations else None
    question_id = await svc.workers.db(
        svc.store.log_question, chat_id=caller.chat_id, user_id=caller.user_id, text=question,
        found=result.found, citations=len(result.citations), document_id=top, millis=millis,
    )
    if top is not None:
        svc.followups.remember(caller.chat_id, caller.user_id, top)
    if result.found:
        keyboard = answer_keyboard(result.citations, question_id, caller.lang,
                                   downloads=await svc.workers.db(lambda: svc.store.downloads_enabled))
    else:
        keyboard = not_found_keyboard(question_id)
    await reply(update, context, caller, answer_messages(result, caller.lang), keyboard=keyboard)
    log.info("question %d chat=%d user=%d found=%s citations=%d context=%s ms=%d", question_id, caller.chat_id,
             caller.user_id, result.found, len(result.citations), context_document, millis)
