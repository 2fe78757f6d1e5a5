"""Contests ("Cuộc thi tìm hiểu…"): an admin opens one over chosen documents — N questions, the same set for
everyone, a deadline, optionally a time per question — members take it in private chat, once each, and the
admin gets the ranking and an export (name, username, score, time taken, answers) for the committee's records.

Contest questions go out as regular (not quiz) polls: nobody learns the right answers before the ranking.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

from bot.access import Caller
from bot.audit import Action
from bot.i18n import t
from bot.store import BotStore
from bot.study.bank import QuestionBank
from bot.study.commands import ContestResults, ListContests, NewContest, Usage
from bot.study.exports import record_files
from bot.study.results import Results, Run, RunKind, RunStatus, display_name
from index.database import Row, now
from index.quiz.model import LETTERS

if TYPE_CHECKING:  # for types only: quizzes.py imports this module
    from bot.study.quizzes import Missing, Quizzes


class Refusal(StrEnum):
    NOT_FOUND = "not_found"
    CLOSED = "closed"
    ALREADY_TAKEN = "already_taken"
    NO_QUESTIONS = "no_questions"
    #: A contest is taken in private chat, not in a group.
    PRIVATE_ONLY = "private_only"
    #: Opening, listing, closing contests and their rankings are for admins.
    NOT_ADMIN = "not_admin"


@dataclass(frozen=True)
class Contest:
    id: int
    title: str
    created_by: int
    documents: tuple[int, ...] | None
    questions: tuple[int, ...]
    seconds: int | None
    deadline: float
    open: bool
    created_at: float

    def accepting(self, moment: float) -> bool:
        return self.open and moment < self.deadline


@dataclass(frozen=True)
class Rank:
    place: int
    user_id: int
    name: str
    username: str | None
    score: int
    answered: int
    seconds: float
    #: ``1:B 2:A 3:- …`` (``-``: not answered, or answered after the deadline).
    answers: str
    finished: bool


@dataclass(frozen=True)
class Attempt:
    """A member's attempt, just begun: the run that asks the contest's questions."""

    run: Run
    contest: Contest


@dataclass(frozen=True)
class NoContest:
    """No contest has this id."""

    contest_id: int


@dataclass(frozen=True)
class Ranking:
    """A contest's ranking and its export (file name, content: CSV and XLSX); ``closed``: closed just now."""

    contest: Contest
    ranks: list[Rank]
    files: list[tuple[str, bytes]]
    closed: bool = False


def _contest(row: Row) -> Contest:
    documents = tuple(json.loads(row["documents"])) if row["documents"] is not None else None
    return Contest(row["id"], row["title"], row["created_by"], documents, tuple(json.loads(row["questions"])),
                   row["seconds"], row["deadline"], row["status"] == "open", row["created_at"])


class Contests:
    def __init__(self, store: BotStore, bank: QuestionBank, results: Results) -> None:
        self.store = store
        self.bank = bank
        self.results = results

    def create(self, *, title: str, created_by: int, documents: Sequence[int] | None, count: int,
               deadline: float, seconds: int | None) -> Contest | Refusal:
        questions = self.bank.pick(documents, count)
        if not questions:
            return Refusal.NO_QUESTIONS
        with self.store.transaction() as db:
            row = db.execute(
                "INSERT INTO contests (title, created_by, documents, questions, seconds, deadline, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (title, created_by, None if documents is None else json.dumps(list(documents)),
                 json.dumps([q.id for q in questions]), seconds, deadline, now())).fetchone()
        return _contest(row)

    def get(self, contest_id: int) -> Contest | None:
        row = self.store.row("SELECT * FROM contests WHERE id = ?", (contest_id,))
        return _contest(row) if row else None

    def listing(self) -> list[Contest]:
        return [_contest(r) for r in self.store.rows("SELECT * FROM contests ORDER BY id DESC LIMIT 20")]

    def close(self, contest_id: int) -> bool:
        with self.store.transaction() as db:
            return db.execute("UPDATE contests SET status = 'closed' WHERE id = ? AND status = 'open'",
                              (contest_id,)).rowcount == 1

    def begin(self, contest_id: int, user_id: int, chat_id: int, lang: str) -> Run | Refusal:
        """The member's one attempt (a contest run in their private chat)."""
        contest = self.get(contest_id)
        if contest is None:
            return Refusal.NOT_FOUND
        if not contest.accepting(now()):
            return Refusal.CLOSED
        if self.store.row("SELECT 1 FROM contest_attempts WHERE contest_id = ? AND user_id = ?",
                          (contest_id, user_id)) is not None:
            return Refusal.ALREADY_TAKEN
        run = self.results.create_run(RunKind.CONTEST, chat_id=chat_id, thread_id=None, started_by=user_id,
                                      documents=contest.documents, questions=contest.questions,
                                      seconds=contest.seconds, contest_id=contest_id, lang=lang)
        with self.store.transaction() as db:
            cursor = db.execute("INSERT INTO contest_attempts (contest_id, user_id, run_id, started_at) "
                                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", (contest_id, user_id, run.id, now()))
            taken = cursor.rowcount != 1
        if taken:  # a second /contest raced the first
            self.results.finish(run.id, RunStatus.STOPPED)
            return Refusal.ALREADY_TAKEN
        return run

    def attempt(self, caller: Caller, contest_id: int) -> Attempt | Refusal:
        """``/contest ID`` (or its link): the caller's one attempt, in private chat."""
        if caller.is_group:
            return Refusal.PRIVATE_ONLY
        run = self.begin(contest_id, caller.user_id, caller.chat_id, caller.lang)
        if not isinstance(run, Run):
            return run
        contest = self.get(contest_id)
        assert contest is not None
        return Attempt(run, contest)

    def finished(self, contest_id: int, user_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE contest_attempts SET finished_at = ? WHERE contest_id = ? AND user_id = ? AND "
                       "finished_at IS NULL", (now(), contest_id, user_id))

    def ranking(self, contest_id: int) -> list[Rank]:
        """Everyone who took the contest: most right answers first, then the least time taken."""
        contest = self.get(contest_id)
        if contest is None:
            return []
        questions = self.bank.many(list(contest.questions))
        position = {qid: i for i, qid in enumerate(contest.questions)}
        ranks: list[tuple[int, float, int, Rank]] = []
        for attempt in self.store.rows(
                "SELECT a.*, u.first_name, u.username FROM contest_attempts a LEFT JOIN users u ON u.id = a.user_id "
                "WHERE a.contest_id = ?", (contest_id,)):
            chosen: list[str] = ["-"] * len(contest.questions)
            score = answered = 0
            last = attempt["started_at"]
            for row in self.store.rows(
                    "SELECT r.question_id, a.choice, a.correct, a.answered_at FROM quiz_answers a "
                    "JOIN quiz_rounds r ON r.id = a.round_id WHERE r.run_id = ? AND a.user_id = ?",
                    (attempt["run_id"], attempt["user_id"])):
                if row["answered_at"] > contest.deadline or row["question_id"] not in position:
                    continue
                question = questions.get(row["question_id"])
                right = question is not None and row["choice"] == question.correct
                chosen[position[row["question_id"]]] = LETTERS[row["choice"]] if row["choice"] < len(LETTERS) else "?"
                score += int(right)
                answered += 1
                last = max(last, row["answered_at"])
            finished = attempt["finished_at"] or last
            seconds = max(0.0, finished - attempt["started_at"])
            answers = " ".join(f"{i + 1}:{c}" for i, c in enumerate(chosen))
            name = display_name(attempt["first_name"], attempt["username"], attempt["user_id"])
            ranks.append((-score, seconds, attempt["user_id"],
                          Rank(0, attempt["user_id"], name, attempt["username"], score, answered, seconds, answers,
                               attempt["finished_at"] is not None)))
        ranks.sort(key=lambda r: r[:3])
        return [replace(rank, place=i + 1) for i, (*_, rank) in enumerate(ranks)]

    def records(self, contest_id: int) -> tuple[list[str], list[list[object]]]:
        """The ranking as rows for CSV/XLSX: place, name, username, score, time taken, answers."""
        headers = ["place", "name", "username", "user_id", "score", "questions", "answered", "seconds",
                   "finished", "answers"]
        contest = self.get(contest_id)
        total = len(contest.questions) if contest else 0
        rows: list[list[object]] = [
            [r.place, r.name, f"@{r.username}" if r.username else "", r.user_id, r.score, total, r.answered,
             round(r.seconds, 1), "yes" if r.finished else "no", r.answers] for r in self.ranking(contest_id)]
        return headers, rows



#: An admin's contest command, and what it comes to (:class:`Missing`: documents named that the library lacks).
AdminRequest = NewContest | ListContests | ContestResults | Usage
AdminOutcome: TypeAlias = "Refusal | Usage | Missing | Contest | list[Contest] | NoContest | Ranking"


class ContestAdmin:
    """What admins do with contests from a chat: open one on documents they name, list them, close one, see a
    ranking with its export. Opening and closing are audited."""

    def __init__(self, contests: Contests, quizzes: Quizzes) -> None:
        self.contests = contests
        self.quizzes = quizzes

    def command(self, caller: Caller, request: AdminRequest) -> AdminOutcome:
        """An admin's ``/contest new | list | results | close`` (members get NOT_ADMIN)."""
        if not caller.is_admin:
            return Refusal.NOT_ADMIN
        if isinstance(request, NewContest):
            return self.open(caller, request)
        if isinstance(request, ListContests):
            return self.contests.listing()
        if isinstance(request, ContestResults):
            return self.results(caller, request)
        return request

    def open(self, caller: Caller, request: NewContest) -> Missing | Refusal | Contest:
        """A contest on the documents named (none: all the caller may see), titled in the caller's language."""
        documents = self.quizzes.documents(caller, request.numbers)
        if documents is not None and not isinstance(documents, list):
            return documents  # numbers that are not in the caller's library
        found = (self.quizzes.engine.document(document_id) for document_id in documents or [])
        labels = [document.label for document in found if document is not None]
        title = t("tg.contest.title", caller.lang, documents=", ".join(labels) or t("tg.contest.all", caller.lang))
        created = self.contests.create(title=title, created_by=caller.user_id, documents=documents,
                                       count=request.count, deadline=now() + request.days * 86400,
                                       seconds=request.seconds)
        if isinstance(created, Contest):
            self.contests.store.audit(caller.user_id, Action.CONTEST_OPEN, f"#{created.id}",
                                      f"{len(created.questions)} questions")
        return created

    def results(self, caller: Caller, request: ContestResults) -> NoContest | Ranking:
        """The ranking and its export (the contest closed first when ``request.close``)."""
        contest = self.contests.get(request.contest_id)
        if contest is None:
            return NoContest(request.contest_id)
        if request.close:
            self.contests.close(contest.id)
            self.contests.store.audit(caller.user_id, Action.CONTEST_CLOSE, f"#{contest.id}")
        headers, rows = self.contests.records(contest.id)
        return Ranking(contest, self.contests.ranking(contest.id), record_files(headers, rows, f"contest-{contest.id}"),
                       closed=request.close)
