"""What one bot process keeps in memory with SQLite, kept in PostgreSQL when several workers answer: per-user
rate-limit windows, follow-up context and the access notices of groups that are not enabled.

Each class keeps the interface and the rules of its in-memory counterpart (:class:`bot.ratelimit.RateLimiter`,
:class:`bot.followup.FollowUps`, :class:`bot.access.AccessNotices`): whichever worker the next update reaches
sees what the others recorded. Times are wall-clock seconds (workers on several machines share no monotonic
clock); a window is read and written in one transaction with its row locked, so two workers counting the same
person's questions at once never both let the sixth through.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bot.access import AccessNotices
from bot.followup import FollowUps
from bot.ratelimit import RateLimiter, Verdict
from bot.store import BotStore


class SharedRateLimiter(RateLimiter):
    """At most ``limit`` questions per ``period`` seconds per key, counted across workers (``scope`` keeps
    limiters of different purposes apart)."""

    def __init__(self, store: BotStore, scope: str, limit: int = 5, period: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(limit, period, clock)
        self.store = store
        self.scope = scope

    def check(self, key: int, event: int | None = None) -> Verdict:
        now = self._clock()
        with self.store.transaction() as db:
            db.execute("INSERT INTO rate_windows (scope, key, times, warned, updated_at) VALUES (?, ?, '[]', 0, ?) "
                       "ON CONFLICT DO NOTHING", (self.scope, key, now))
            row = db.execute("SELECT times, warned FROM rate_windows WHERE scope = ? AND key = ? FOR UPDATE",
                             (self.scope, key)).fetchone()
            times = [t for t in _entries(row[0]) if now - t[0] < self.period]
            warned = bool(row[1])
            if event is not None and any(e == event for _, e in times):
                return Verdict.ALLOW  # the same update handled again (taken over from a worker that died)
            if len(times) < self.limit:
                times.append((now, event))
                verdict, warned = Verdict.ALLOW, False
            elif warned:
                verdict = Verdict.DROP
            else:
                verdict, warned = Verdict.WARN, True
            db.execute("UPDATE rate_windows SET times = ?, warned = ?, updated_at = ? WHERE scope = ? AND key = ?",
                       (json.dumps(times), int(warned), now, self.scope, key))
        return verdict

    def retry_in(self, key: int) -> float:
        row = self.store.row("SELECT times FROM rate_windows WHERE scope = ? AND key = ?", (self.scope, key))
        now = self._clock()
        times = [t for t, _ in _entries(row[0]) if now - t < self.period] if row else []
        if len(times) < self.limit:
            return 0.0
        return max(0.0, self.period - (now - times[0]))

    def prune(self) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM rate_windows WHERE scope = ? AND updated_at < ?",
                       (self.scope, self._clock() - self.period))


def _entries(text: str) -> list[tuple[float, int | None]]:
    """A window's questions as stored: ``[time, event]`` pairs (a bare time, as an older nqbot wrote: no event)."""
    return [(float(e[0]), e[1]) if isinstance(e, list) else (float(e), None) for e in json.loads(text)]


class SharedFollowUps(FollowUps):
    """The document of a chat's last answer, for whichever worker gets the next question."""

    def __init__(self, store: BotStore, ttl: float = 600.0, clock: Callable[[], float] = time.time) -> None:
        super().__init__(ttl, clock)
        self.store = store

    def remember(self, chat_id: int, user_id: int, document_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT INTO followups (chat_id, user_id, document_id, at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(chat_id, user_id) DO UPDATE SET document_id = excluded.document_id, "
                       "at = excluded.at",
                       (chat_id, user_id, document_id, self._clock()))

    def context(self, chat_id: int, user_id: int) -> int | None:
        row = self.store.row("SELECT document_id, at FROM followups WHERE chat_id = ? AND user_id = ?",
                             (chat_id, user_id))
        if row is None or self._clock() - row[1] > self.ttl:
            return None
        return int(row[0])

    def prune(self) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM followups WHERE at < ?", (self._clock() - self.ttl,))


class SharedAccessNotices(AccessNotices):
    """Access notices whose per-group memory is shared (the per-person one is in the store already)."""

    def __init__(self, store: BotStore, interval: float, clock: Callable[[], float] = time.time) -> None:
        super().__init__(store, interval, clock)

    def _group_due(self, chat_id: int) -> bool:
        now = self._clock()
        with self.store.transaction() as db:
            row = db.execute("INSERT INTO group_notices (chat_id, at) VALUES (?, ?) ON CONFLICT(chat_id) DO UPDATE "
                             "SET at = excluded.at WHERE group_notices.at <= ? RETURNING chat_id",
                             (chat_id, now, now - self.interval)).fetchone()
        return row is not None

    def forget_group(self, chat_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM group_notices WHERE chat_id = ?", (chat_id,))
