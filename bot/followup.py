"""Follow-up questions: the document of a chat's last answer is the context of the next question for a while."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class FollowUps:
    def __init__(self, ttl: float = 600.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._last: dict[tuple[int, int], tuple[int, float]] = {}
        self._lock = threading.Lock()

    def remember(self, chat_id: int, user_id: int, document_id: int) -> None:
        with self._lock:
            self._last[(chat_id, user_id)] = (document_id, self._clock())

    def context(self, chat_id: int, user_id: int) -> int | None:
        """The document of this user's last answer in this chat, if recent enough."""
        with self._lock:
            entry = self._last.get((chat_id, user_id))
            if entry is None:
                return None
            document_id, at = entry
            if self._clock() - at > self.ttl:
                del self._last[(chat_id, user_id)]
                return None
            return document_id

    def prune(self) -> None:
        now = self._clock()
        with self._lock:
            for key in [k for k, (_, at) in self._last.items() if now - at > self.ttl]:
                del self._last[key]
