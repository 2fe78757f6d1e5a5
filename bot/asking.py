"""Asking a question: the per-user rate limit, the follow-up context, the engine, the question log."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from bot.access import Caller
from bot.followup import FollowUps
from bot.ratelimit import RateLimiter, Verdict
from bot.store import BotStore
from bot.workers import Workers
from index.citations import Answer
from index.engine import Engine, QuestionError

log = logging.getLogger("bot.asking")

#: Shown while the engine works (Telegram's "typing…"); nothing by default.
Thinking = Callable[[], AbstractAsyncContextManager[object]]


@dataclass(frozen=True)
class Throttled:
    """Over the rate limit: tell the user once per flood (``notify``), then drop silently."""

    notify: bool
    seconds: int


@dataclass(frozen=True)
class Refused:
    """The question cannot be asked as typed (``code``: ``empty`` or ``too_long``; ``limit`` in characters)."""

    code: str
    limit: int


@dataclass(frozen=True)
class Answered:
    answer: Answer
    question_id: int


Outcome = Throttled | Refused | Answered


class Asking:
    def __init__(self, engine: Engine, store: BotStore, workers: Workers, limiter: RateLimiter,
                 followups: FollowUps) -> None:
        self.engine = engine
        self.store = store
        self.workers = workers
        self.limiter = limiter
        self.followups = followups

    async def ask(self, caller: Caller, question: str, thinking: Thinking = contextlib.nullcontext,
                  event: int | None = None) -> Outcome:
        """Answer within the caller's documents, continuing from their last answer's document; ``event`` (the
        update's id) counts the question once against the rate limit however often the update is handled."""
        verdict = self.limiter.check(caller.user_id, event)
        if verdict is not Verdict.ALLOW:
            log.info("question over the rate limit user=%d notify=%s", caller.user_id, verdict is Verdict.WARN)
            return Throttled(verdict is Verdict.WARN, max(1, round(self.limiter.retry_in(caller.user_id))))
        started = time.perf_counter()
        context_document = self.followups.context(caller.chat_id, caller.user_id)
        try:
            async with thinking():
                answer: Answer = await self.workers.ask(
                    self.engine.ask, question, documents=caller.scope, context_document=context_document)
        except QuestionError as error:
            log.info("question refused user=%d code=%s chars=%d", caller.user_id, error.code, len(question))
            return Refused(error.code, self.engine.settings.max_question_chars)
        millis = int(1000 * (time.perf_counter() - started))
        top = answer.citations[0].document_id if answer.citations else None
        question_id = await self.workers.db(
            self.store.log_question, chat_id=caller.chat_id, user_id=caller.user_id, text=question,
            found=answer.found, citations=len(answer.citations), document_id=top, millis=millis,
        )
        if top is not None:
            self.followups.remember(caller.chat_id, caller.user_id, top)
        log.info("question %d chat=%d user=%d found=%s citations=%d context=%s ms=%d", question_id, caller.chat_id,
                 caller.user_id, answer.found, len(answer.citations), context_document, millis)
        return Answered(answer, question_id)

    async def feedback(self, caller: Caller, question_id: int, vote: int) -> bool:
        """👍 (``vote`` > 0) or 👎 on an answer given in the caller's chat; False for any other question."""
        question = await self.workers.db(self.store.question, question_id)
        if question is None or question.chat_id != caller.chat_id:
            return False
        await self.workers.db(self.store.set_feedback, question_id, caller.user_id, vote)
        log.info("feedback question=%d user=%d vote=%d", question_id, caller.user_id, vote)
        return True
