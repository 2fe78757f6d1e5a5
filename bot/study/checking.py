"""Checking a pasted multiple-choice question (as contests and study sheets print them): which option do the
documents support, with the passage — under the same per-member limit as questions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.access import Caller
from bot.ratelimit import RateLimiter, Verdict
from index.quiz.solve import Solver
from index.quiz.solve import Verdict as Decision

log = logging.getLogger("bot.study.checking")


@dataclass(frozen=True)
class Throttled:
    notify: bool
    seconds: int


class Checking:
    def __init__(self, solver: Solver, limiter: RateLimiter) -> None:
        self.solver = solver
        self.limiter = limiter

    def check(self, caller: Caller, question: str, options: list[str],
              event: int | None = None) -> Decision | Throttled:
        """Blocking (reads the library): run it in a worker. ``event``: the update's id (counted once)."""
        verdict = self.limiter.check(caller.user_id, event)
        if verdict is not Verdict.ALLOW:
            return Throttled(verdict is Verdict.WARN, max(1, round(self.limiter.retry_in(caller.user_id))))
        decision = self.solver.solve(question, options, documents=caller.scope)
        log.info("multiple-choice question checked user=%d options=%d decided=%s", caller.user_id, len(options),
                 decision.choice is not None)
        return decision
