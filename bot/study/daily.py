"""A daily question per group (or forum topic): one quiz poll a day at a set time in ``NQBOT_TIMEZONE``, kept in
the store so that a restarted bot schedules it again; each day is claimed once, so a restart at the posting
minute does not post twice."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.access import Caller
from bot.audit import Action
from bot.groups import group_label
from bot.store import BotStore
from bot.study.commands import DailyOff, DailyRequest, DailyShow, parse_time
from bot.study.quizzes import Missing, Quizzes
from bot.study.sessions import Sessions
from index.database import Row, now

#: A question missed by less than this (the bot was down at the time) is posted when the bot starts.
CATCH_UP = timedelta(hours=1)


@dataclass(frozen=True)
class Schedule:
    chat_id: int
    thread_id: int | None
    at: time
    documents: tuple[int, ...] | None
    created_by: int
    last_day: str | None
    last_round: int | None

    @property
    def name(self) -> str:
        """The job's name in the job queue."""
        return f"daily:{self.chat_id}:{self.thread_id or 0}"

    def due_now(self, zone: ZoneInfo, moment: float) -> bool:
        """Today's question was missed (the bot was down at the time) by less than :data:`CATCH_UP`."""
        local = datetime.fromtimestamp(moment, zone)
        scheduled = local.replace(hour=self.at.hour, minute=self.at.minute, second=0, microsecond=0)
        return self.last_day != local.date().isoformat() and scheduled <= local < scheduled + CATCH_UP


def _schedule(row: Row) -> Schedule:
    at = parse_time(row["at"]) or time(8, 0)
    documents = tuple(json.loads(row["documents"])) if row["documents"] is not None else None
    return Schedule(row["chat_id"], row["thread_id"] or None, at, documents, row["created_by"], row["last_day"],
                    row["last_round"])


class Schedules:
    def __init__(self, store: BotStore) -> None:
        self.store = store

    def set(self, chat_id: int, thread_id: int | None, at: time, documents: Sequence[int] | None,
            by: int) -> Schedule:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO daily_quizzes (chat_id, thread_id, at, documents, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(chat_id, thread_id) DO UPDATE SET at = excluded.at, "
                "documents = excluded.documents, created_by = excluded.created_by",
                (chat_id, thread_id or 0, at.strftime("%H:%M"),
                 None if documents is None else json.dumps(list(documents)), by, now()))
        found = self.get(chat_id, thread_id)
        assert found is not None
        return found

    def off(self, chat_id: int, thread_id: int | None) -> bool:
        with self.store.transaction() as db:
            cursor = db.execute("DELETE FROM daily_quizzes WHERE chat_id = ? AND thread_id = ?",
                                (chat_id, thread_id or 0))
            return cursor.rowcount == 1

    def get(self, chat_id: int, thread_id: int | None) -> Schedule | None:
        row = self.store.row("SELECT * FROM daily_quizzes WHERE chat_id = ? AND thread_id = ?",
                             (chat_id, thread_id or 0))
        return _schedule(row) if row else None

    def all(self) -> list[Schedule]:
        return [_schedule(r) for r in self.store.rows("SELECT * FROM daily_quizzes ORDER BY chat_id, thread_id")]

    def claim(self, chat_id: int, thread_id: int | None, day: str) -> Schedule | None:
        """Take today's turn (None when the schedule is gone or today's question was posted already)."""
        with self.store.transaction() as db:
            cursor = db.execute("UPDATE daily_quizzes SET last_day = ? WHERE chat_id = ? AND thread_id = ? "
                                "AND COALESCE(last_day, '') != ?", (day, chat_id, thread_id or 0, day))
            if cursor.rowcount != 1:
                return None
        return self.get(chat_id, thread_id)

    def posted(self, chat_id: int, thread_id: int | None, round_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE daily_quizzes SET last_round = ? WHERE chat_id = ? AND thread_id = ?",
                       (round_id, chat_id, thread_id or 0))


class Refusal(StrEnum):
    NOT_GROUP = "not_group"
    NOT_HOST = "not_host"


@dataclass(frozen=True)
class Stopped:
    """``/daily off``: whether there was a daily question to stop."""

    removed: bool


@dataclass(frozen=True)
class Current:
    """``/daily`` without a time: the chat's schedule (None: none set)."""

    schedule: Schedule | None


class DailyQuestions:
    """``/daily``: a group's admins and hosts set, show or stop its daily question; setting one is audited."""

    def __init__(self, schedules: Schedules, sessions: Sessions, quizzes: Quizzes) -> None:
        self.schedules = schedules
        self.sessions = sessions
        self.quizzes = quizzes

    def command(self, caller: Caller, request: DailyRequest) -> Refusal | Stopped | Current | Missing | Schedule:
        """What ``request`` does in the caller's chat (or forum topic); the front end (un)schedules the job."""
        if not caller.is_group:
            return Refusal.NOT_GROUP
        if not self.sessions.may_host(caller):
            return Refusal.NOT_HOST
        if isinstance(request, DailyOff):
            return Stopped(self.schedules.off(caller.chat_id, caller.thread_id))
        if isinstance(request, DailyShow):
            return Current(self.schedules.get(caller.chat_id, caller.thread_id))
        documents = self.quizzes.documents(caller, request.numbers)
        if isinstance(documents, Missing):
            return documents
        schedule = self.schedules.set(caller.chat_id, caller.thread_id, request.at, documents, caller.user_id)
        self.schedules.store.audit(caller.user_id, Action.DAILY, group_label(caller.chat_id, caller.chat),
                                   request.at.strftime("%H:%M"))
        return schedule
