"""Per-user question rate limit: a sliding window, and one "slow down" notice per flood.

A question is counted once: ``event`` (the update's id) names it, and the same update handled again — sent again
by Telegram, or taken over from a worker that died while answering it — is let through without counting twice
(else the member who asked it would be told to slow down instead of getting the answer)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: tell the user once
    DROP = "drop"  # over the limit and already told


@dataclass
class _Window:
    #: When each question in the window was let through, and its event (None: not named).
    times: deque[tuple[float, int | None]] = field(default_factory=deque)
    warned: bool = False


class RateLimiter:
    """At most ``limit`` questions per ``period`` seconds per key (user id)."""

    def __init__(self, limit: int = 5, period: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self._clock = clock
        self._windows: dict[int, _Window] = {}
        self._lock = threading.Lock()

    def check(self, key: int, event: int | None = None) -> Verdict:
        """Whether ``key`` may ask now; an ``event`` already let through in the window is let through again."""
        now = self._clock()
        with self._lock:
            window = self._windows.setdefault(key, _Window())
            while window.times and now - window.times[0][0] >= self.period:
                window.times.popleft()
            if event is not None and any(e == event for _, e in window.times):
                return Verdict.ALLOW
            if len(window.times) < self.limit:
                window.times.append((now, event))
                window.warned = False
                return Verdict.ALLOW
            if window.warned:
                return Verdict.DROP
            window.warned = True
            return Verdict.WARN

    def retry_in(self, key: int) -> float:
        """Seconds until ``key`` may ask again."""
        with self._lock:
            window = self._windows.get(key)
            if not window or len(window.times) < self.limit:
                return 0.0
            return max(0.0, self.period - (self._clock() - window.times[0][0]))

    def prune(self) -> None:
        now = self._clock()
        with self._lock:
            stale = [k for k, w in self._windows.items() if not w.times or now - w.times[-1][0] >= self.period]
            for key in stale:
                del self._windows[key]
