"""Quiz runs (a group quiz, a practice, a daily question, a contest attempt), their rounds (one question sent
as a poll or a message with buttons) and every answer; the scoreboards, scores and streaks made of them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.store import BotStore
from index.database import Row, now


class RunKind(StrEnum):
    GROUP = "group"
    PRACTICE = "practice"
    DAILY = "daily"
    CONTEST = "contest"


class RunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True)
class Run:
    id: int
    kind: RunKind
    chat_id: int
    thread_id: int | None
    started_by: int
    documents: tuple[int, ...] | None
    #: The questions in the order they are asked (practice runs add theirs as they go).
    questions: tuple[int, ...]
    #: How many questions the run asks.
    planned: int
    #: Seconds each question stays open (None: until answered).
    seconds: int | None
    session_id: int | None
    contest_id: int | None
    status: RunStatus
    lang: str
    started_at: float
    ended_at: float | None


@dataclass(frozen=True)
class Round:
    id: int
    run_id: int
    question_id: int
    ordinal: int
    chat_id: int
    message_id: int | None
    poll_id: str | None
    opened_at: float
    closes_at: float | None
    closed_at: float | None


@dataclass(frozen=True)
class Answer:
    round_id: int
    user_id: int
    choice: int
    correct: bool
    answered_at: float


@dataclass(frozen=True)
class ScoreLine:
    """One participant of a run: right answers, answers, and seconds taken over them."""

    user_id: int
    name: str
    username: str | None
    correct: int
    answered: int
    seconds: float


@dataclass(frozen=True)
class MemberScore:
    user_id: int
    name: str
    correct: int
    answered: int
    best_streak: int


@dataclass(frozen=True)
class DocumentScore:
    document_id: int | None
    correct: int
    answered: int


def _run(row: Row) -> Run:
    documents = tuple(json.loads(row["documents"])) if row["documents"] is not None else None
    return Run(row["id"], RunKind(row["kind"]), row["chat_id"], row["thread_id"], row["started_by"], documents,
               tuple(json.loads(row["questions"])), row["planned"], row["seconds"], row["session_id"],
               row["contest_id"], RunStatus(row["status"]), row["lang"], row["started_at"], row["ended_at"])


def _round(row: Row) -> Round:
    return Round(row["id"], row["run_id"], row["question_id"], row["ordinal"], row["chat_id"], row["message_id"],
                 row["poll_id"], row["opened_at"], row["closes_at"], row["closed_at"])


def display_name(first_name: str | None, username: str | None, user_id: int) -> str:
    return first_name or (f"@{username}" if username else str(user_id))


def best_streak(answers: Sequence[bool]) -> int:
    """The longest run of right answers."""
    best = current = 0
    for right in answers:
        current = current + 1 if right else 0
        best = max(best, current)
    return best


class Results:
    def __init__(self, store: BotStore) -> None:
        self.store = store

    # runs ----------------------------------------------------------------------------------------------
    def create_run(self, kind: RunKind, *, chat_id: int, thread_id: int | None, started_by: int,
                   documents: Sequence[int] | None, questions: Sequence[int], seconds: int | None,
                   planned: int | None = None, session_id: int | None = None, contest_id: int | None = None,
                   lang: str = "vi") -> Run:
        with self.store.transaction() as db:
            row = db.execute(
                "INSERT INTO quiz_runs (kind, chat_id, thread_id, started_by, documents, questions, planned, seconds, "
                "session_id, contest_id, status, lang, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING *",
                (kind.value, chat_id, thread_id, started_by, None if documents is None else json.dumps(list(documents)),
                 json.dumps(list(questions)), len(questions) if planned is None else planned, seconds, session_id,
                 contest_id, RunStatus.RUNNING.value, lang, now())).fetchone()
            self.store.own_run(db, int(row["id"]))
        return _run(row)

    def run(self, run_id: int) -> Run | None:
        row = self.store.row("SELECT * FROM quiz_runs WHERE id = ?", (run_id,))
        return _run(row) if row else None

    def running(self, chat_id: int, thread_id: int | None, kinds: Sequence[RunKind]) -> Run | None:
        """The run of one of ``kinds`` going on in a chat (and forum topic)."""
        marks = ",".join("?" * len(kinds))
        row = self.store.row(
            f"SELECT * FROM quiz_runs WHERE chat_id = ? AND COALESCE(thread_id, 0) = ? AND status = 'running' "
            f"AND kind IN ({marks}) ORDER BY id DESC LIMIT 1", (chat_id, thread_id or 0, *[k.value for k in kinds]))
        return _run(row) if row else None

    def all_running(self) -> list[Run]:
        return [_run(r) for r in self.store.rows("SELECT * FROM quiz_runs WHERE status = 'running' ORDER BY id")]

    def finish(self, run_id: int, status: RunStatus) -> bool:
        """End a running run; False when it had already ended (another path got there first)."""
        with self.store.transaction() as db:
            cursor = db.execute("UPDATE quiz_runs SET status = ?, ended_at = ? WHERE id = ? AND status = 'running'",
                                (status.value, now(), run_id))
            return cursor.rowcount == 1

    def append_question(self, run_id: int, question_id: int) -> None:
        with self.store.transaction() as db:
            row = db.execute("SELECT questions FROM quiz_runs WHERE id = ?", (run_id,)).fetchone()
            questions = [*json.loads(row[0]), question_id]
            db.execute("UPDATE quiz_runs SET questions = ? WHERE id = ?", (json.dumps(questions), run_id))

    # rounds --------------------------------------------------------------------------------------------
    def open_round(self, run_id: int, question_id: int, ordinal: int, *, chat_id: int, message_id: int | None,
                   poll_id: str | None, closes_at: float | None) -> Round:
        with self.store.transaction() as db:
            row = db.execute(
                "INSERT INTO quiz_rounds (run_id, question_id, ordinal, chat_id, message_id, poll_id, opened_at, "
                "closes_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (run_id, question_id, ordinal, chat_id, message_id, poll_id, now(), closes_at)).fetchone()
        return _round(row)

    def sent(self, round_id: int, message_id: int, poll_id: str | None) -> None:
        """The round's question went out as ``message_id`` (and poll ``poll_id``)."""
        with self.store.transaction() as db:
            db.execute("UPDATE quiz_rounds SET message_id = ?, poll_id = ? WHERE id = ?",
                       (message_id, poll_id, round_id))

    def round(self, round_id: int) -> Round | None:
        row = self.store.row("SELECT * FROM quiz_rounds WHERE id = ?", (round_id,))
        return _round(row) if row else None

    def round_by_poll(self, poll_id: str) -> Round | None:
        row = self.store.row("SELECT * FROM quiz_rounds WHERE poll_id = ?", (poll_id,))
        return _round(row) if row else None

    def rounds(self, run_id: int) -> list[Round]:
        return [_round(r) for r in self.store.rows("SELECT * FROM quiz_rounds WHERE run_id = ? ORDER BY ordinal",
                                                   (run_id,))]

    def last_round(self, run_id: int) -> Round | None:
        row = self.store.row("SELECT * FROM quiz_rounds WHERE run_id = ? ORDER BY ordinal DESC LIMIT 1", (run_id,))
        return _round(row) if row else None

    def close_round(self, round_id: int) -> bool:
        """Close a round; False when it was closed already."""
        with self.store.transaction() as db:
            cursor = db.execute("UPDATE quiz_rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                                (now(), round_id))
            return cursor.rowcount == 1

    # answers -------------------------------------------------------------------------------------------
    def record_answer(self, round_id: int, user_id: int, choice: int, correct: bool) -> bool:
        """The member's answer to a round; False when they had answered it already (the first one counts)."""
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO quiz_answers (round_id, user_id, choice, correct, answered_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", (round_id, user_id, choice, int(correct), now()))
            return cursor.rowcount == 1

    def answers(self, round_id: int) -> list[Answer]:
        return [Answer(r["round_id"], r["user_id"], r["choice"], bool(r["correct"]), r["answered_at"])
                for r in self.store.rows("SELECT * FROM quiz_answers WHERE round_id = ? ORDER BY answered_at",
                                         (round_id,))]

    def answer_of(self, round_id: int, user_id: int) -> Answer | None:
        row = self.store.row("SELECT * FROM quiz_answers WHERE round_id = ? AND user_id = ?", (round_id, user_id))
        return Answer(row["round_id"], row["user_id"], row["choice"], bool(row["correct"]), row["answered_at"]) \
            if row else None

    # scores --------------------------------------------------------------------------------------------
    def scoreboard(self, run_ids: Sequence[int]) -> list[ScoreLine]:
        """Participants of the runs, best first: right answers, then the least time taken."""
        if not run_ids:
            return []
        marks = ",".join("?" * len(run_ids))
        rows = self.store.rows(
            f"SELECT a.user_id, u.first_name, u.username, SUM(a.correct) AS correct, COUNT(*) AS answered, "
            f"SUM(a.answered_at - r.opened_at) AS seconds FROM quiz_answers a "
            f"JOIN quiz_rounds r ON r.id = a.round_id LEFT JOIN users u ON u.id = a.user_id "
            f"WHERE r.run_id IN ({marks}) GROUP BY a.user_id, u.first_name, u.username "
            f"ORDER BY correct DESC, seconds ASC, a.user_id",
            list(run_ids))
        return [ScoreLine(r["user_id"], display_name(r["first_name"], r["username"], r["user_id"]), r["username"],
                          int(r["correct"]), int(r["answered"]), float(r["seconds"] or 0.0)) for r in rows]

    def _answer_rows(self, where: str, params: Sequence[object]) -> list[Row]:
        return self.store.rows(
            "SELECT a.user_id, a.correct, a.answered_at, q.document_id, u.first_name, u.username "
            "FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round_id JOIN quiz_runs n ON n.id = r.run_id "
            "JOIN quiz_questions q ON q.id = r.question_id LEFT JOIN users u ON u.id = a.user_id "
            f"WHERE {where} ORDER BY a.answered_at", params)

    def chat_scores(self, chat_id: int) -> list[MemberScore]:
        """Everyone who answered in a group (its quizzes and daily questions), best first."""
        rows = self._answer_rows("n.chat_id = ? AND n.kind IN ('group', 'daily')", (chat_id,))
        people: dict[int, list[Row]] = {}
        for row in rows:
            people.setdefault(row["user_id"], []).append(row)
        scores = [MemberScore(uid, display_name(rs[0]["first_name"], rs[0]["username"], uid),
                              sum(r["correct"] for r in rs), len(rs), best_streak([bool(r["correct"]) for r in rs]))
                  for uid, rs in people.items()]
        return sorted(scores, key=lambda s: (-s.correct, -s.best_streak, s.answered, s.user_id))

    def chat_documents(self, chat_id: int) -> list[DocumentScore]:
        rows = self._answer_rows("n.chat_id = ? AND n.kind IN ('group', 'daily')", (chat_id,))
        return _per_document(rows)

    def user_scores(self, user_id: int) -> tuple[MemberScore, list[DocumentScore]]:
        """A member's own results everywhere (contests left out until they are published)."""
        rows = self._answer_rows("a.user_id = ? AND n.kind != 'contest'", (user_id,))
        name = display_name(rows[0]["first_name"], rows[0]["username"], user_id) if rows else str(user_id)
        total = MemberScore(user_id, name, sum(r["correct"] for r in rows), len(rows),
                            best_streak([bool(r["correct"]) for r in rows]))
        return total, _per_document(rows)

    def records(self, run_ids: Sequence[int] | None = None) -> tuple[list[str], list[list[object]]]:
        """Every answer (of the given runs, or all), one row each, for CSV/XLSX."""
        where, params = ("", ()) if run_ids is None else \
            (f"WHERE r.run_id IN ({','.join('?' * len(run_ids))})", tuple(run_ids))
        rows = self.store.rows(
            "SELECT a.answered_at, n.id AS run_id, n.kind, n.chat_id, n.session_id, n.contest_id, a.user_id, "
            "u.first_name, u.username, r.ordinal, r.question_id, q.document_id, a.choice, a.correct, "
            "a.answered_at - r.opened_at AS seconds FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round_id "
            "JOIN quiz_runs n ON n.id = r.run_id LEFT JOIN quiz_questions q ON q.id = r.question_id "
            f"LEFT JOIN users u ON u.id = a.user_id {where} ORDER BY a.answered_at", params)
        headers = ["answered_at", "run", "kind", "chat_id", "session", "contest", "user_id", "name", "username",
                   "question_no", "question_id", "document_id", "choice", "correct", "seconds"]
        return headers, [[r["answered_at"], r["run_id"], r["kind"], r["chat_id"], r["session_id"], r["contest_id"],
                          r["user_id"], display_name(r["first_name"], r["username"], r["user_id"]),
                          f"@{r['username']}" if r["username"] else "", r["ordinal"], r["question_id"],
                          r["document_id"], "ABCDEFGHIJKL"[r["choice"]] if 0 <= r["choice"] < 12 else "?",
                          r["correct"], round(r["seconds"], 1)] for r in rows]

    def practice_step(self, user_id: int) -> int:
        """How many practice questions the member has answered (the clock of their Leitner boxes)."""
        row = self.store.row(
            "SELECT COUNT(*) FROM quiz_answers a JOIN quiz_rounds r ON r.id = a.round_id "
            "JOIN quiz_runs n ON n.id = r.run_id WHERE n.kind = 'practice' AND a.user_id = ?", (user_id,))
        return int(row[0]) if row else 0


def _per_document(rows: Sequence[Row]) -> list[DocumentScore]:
    totals: dict[int | None, list[int]] = {}
    for row in rows:
        entry = totals.setdefault(row["document_id"], [0, 0])
        entry[0] += row["correct"]
        entry[1] += 1
    return [DocumentScore(d, c, n) for d, (c, n) in sorted(totals.items(), key=lambda item: -item[1][1])]
