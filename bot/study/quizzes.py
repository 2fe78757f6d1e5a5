"""Quizzes as the bot runs them, one question (round) at a time, whatever carries them (Telegram polls, buttons):

* in a group, ``/quiz`` by an admin or the group's host: N questions of the group's documents, each open for
  ``NQBOT_QUIZ_SECONDS``, then a scoreboard; ``/stopquiz`` ends it early (one quiz per chat or forum topic);
* in private, ``/quiz`` is personal practice: questions one at a time, chosen by :mod:`bot.study.practice`;
* a daily question and contest attempts use the same rounds (see :mod:`bot.study.daily`, :mod:`bot.study.contests`).

Each step returns what happened; the front end sends, schedules and renders.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.access import Caller, resolve_caller
from bot.study.bank import QuestionBank, StoredQuestion
from bot.study.commands import MAX_QUESTIONS, Person
from bot.study.contests import Contests
from bot.study.practice import Practice
from bot.study.results import Answer, Results, Round, Run, RunKind, RunStatus, ScoreLine
from bot.study.sessions import Session, Sessions
from index.database import now
from index.engine import Engine
from index.rows import DocumentRow

log = logging.getLogger("bot.study.quizzes")

#: Runs a member may be in, at once, in a group and in private (one each).
GROUP_KINDS = (RunKind.GROUP,)
PRIVATE_KINDS = (RunKind.PRACTICE, RunKind.CONTEST)


class Refusal(StrEnum):
    NOT_HOST = "not_host"
    ALREADY_RUNNING = "already_running"
    NO_QUESTIONS = "no_questions"
    NOT_RUNNING = "not_running"


@dataclass(frozen=True)
class Missing:
    """Document numbers that are not in the caller's library."""

    numbers: list[str]


@dataclass(frozen=True)
class Ask:
    """The next question of a run."""

    run: Run
    question: StoredQuestion
    #: 1-based place of the question in the run, and how many the run has.
    ordinal: int
    total: int


@dataclass(frozen=True)
class Done:
    run: Run
    scores: list[ScoreLine]


@dataclass(frozen=True)
class Answered:
    run: Run
    round: Round
    question: StoredQuestion
    choice: int
    correct: bool
    #: False when the member had answered this round already (only the first answer counts).
    first: bool


@dataclass(frozen=True)
class Closed:
    """A round that just closed: its question and the answers it got."""

    round: Round
    question: StoredQuestion | None
    answers: list[Answer]


class Quizzes:
    def __init__(self, engine: Engine, bank: QuestionBank, results: Results, practice: Practice,
                 sessions: Sessions, contests: Contests, *, seconds: int, count: int) -> None:
        self.engine = engine
        self.bank = bank
        self.results = results
        self.practice = practice
        self.sessions = sessions
        self.contests = contests
        self.seconds = seconds
        self.count = count

    # documents -----------------------------------------------------------------------------------------
    def documents(self, caller: Caller, numbers: Sequence[str]) -> list[int] | None | Missing:
        """The documents named (within what the caller may see), or the chat's documents (None: all)."""
        if not numbers:
            return caller.scope
        found: list[int] = []
        missing: list[str] = []
        for number in _split_numbers(numbers):
            document = self.resolve(number)
            if document is None or not caller.can_see(document):
                missing.append(number)
            elif document.id not in found:
                found.append(document.id)
        return Missing(missing) if missing or not found else found

    def resolve(self, number: str) -> DocumentRow | None:
        """A document as members name it, also by its bare number (``57`` when only 57-NQ/TW has it)."""
        document = self.engine.resolve(number)
        if document is None and number.isdigit():
            found = [d for d in self.engine.documents() if (d.number or "").split("-")[0] == number]
            document = found[0] if len(found) == 1 else None
        return document

    # starting ------------------------------------------------------------------------------------------
    def start(self, caller: Caller, numbers: Sequence[str], count: int | None = None, *,
              session_id: int | None = None, rng: random.Random | None = None) -> Run | Refusal | Missing:
        """A group quiz (admins and hosts) or, in private, a practice run."""
        count = max(1, min(count or self.count, MAX_QUESTIONS))
        documents = self.documents(caller, numbers)
        if isinstance(documents, Missing):
            return documents
        if caller.is_group:
            if not self.sessions.may_host(caller):
                return Refusal.NOT_HOST
            if self.results.running(caller.chat_id, caller.thread_id, GROUP_KINDS) is not None:
                return Refusal.ALREADY_RUNNING
            questions = self.bank.pick(documents, count, rng=rng)
            if not questions:
                return Refusal.NO_QUESTIONS
            run = self.results.create_run(
                RunKind.GROUP, chat_id=caller.chat_id, thread_id=caller.thread_id, started_by=caller.user_id,
                documents=documents, questions=[q.id for q in questions], seconds=self.seconds,
                session_id=session_id, lang=caller.lang)
        else:
            if self.results.running(caller.chat_id, None, PRIVATE_KINDS) is not None:
                return Refusal.ALREADY_RUNNING
            if not self.bank.usable(documents):
                return Refusal.NO_QUESTIONS
            run = self.results.create_run(RunKind.PRACTICE, chat_id=caller.chat_id, thread_id=None,
                                          started_by=caller.user_id, documents=documents, questions=[],
                                          planned=count, seconds=None, lang=caller.lang)
        log.info("quiz run %d (%s) started in chat %d by user %d: %d questions", run.id, run.kind, run.chat_id,
                 run.started_by, run.planned)
        return run

    def session_quiz(self, caller: Caller, session: Session) -> Run | Refusal | Missing:
        """🎯 at the end of a guided reading: a group quiz on the session's document, counted in its summary."""
        document = self.engine.document(session.document_id)
        return self.start(caller, [document.number or ""] if document else [], None, session_id=session.id)

    def stop(self, caller: Caller) -> Run | Refusal:
        """``/stopquiz``: the quiz running in this chat (or the caller's practice or contest in private)."""
        kinds = GROUP_KINDS if caller.is_group else PRIVATE_KINDS
        run = self.results.running(caller.chat_id, caller.thread_id if caller.is_group else None, kinds)
        if run is None:
            return Refusal.NOT_RUNNING
        if caller.is_group and not (caller.user_id == run.started_by or self.sessions.may_host(caller)):
            return Refusal.NOT_HOST
        if run.kind is RunKind.CONTEST:
            return Refusal.NOT_RUNNING  # a contest attempt runs to its end: one attempt per member
        return run

    # rounds --------------------------------------------------------------------------------------------
    def next(self, run_id: int, *, rng: random.Random | None = None) -> Ask | Done:
        """The next question of a run, or the end of it (its scoreboard) when every question was asked."""
        run = self.results.run(run_id)
        assert run is not None
        asked = self.results.rounds(run_id)
        if run.status is RunStatus.RUNNING and len(asked) < run.planned:
            question = self._next_question(run, asked, rng)
            if question is not None:
                return Ask(run, question, len(asked) + 1, run.planned)
        return Done(run, self.results.scoreboard([run.id]))

    def _next_question(self, run: Run, asked: Sequence[Round], rng: random.Random | None) -> StoredQuestion | None:
        if run.kind is RunKind.PRACTICE:
            avoid = [asked[-1].question_id] if asked else []
            question = self.practice.next_question(run.started_by, run.documents, rng=rng, avoid=avoid)
            if question is not None:
                self.results.append_question(run.id, question.id)
            return question
        for question_id in run.questions[len(asked):]:
            question = self.bank.get(question_id)
            if question is not None and self.bank.verified(question):
                return question
            log.info("run %d: question %d skipped (its document changed)", run.id, question_id)
            return None
        return None

    def open_round(self, ask: Ask, *, chat_id: int) -> Round:
        """Record the round before its message goes out (its id is in the buttons)."""
        closes = now() + ask.run.seconds if ask.run.seconds else None
        return self.results.open_round(ask.run.id, ask.question.id, ask.ordinal, chat_id=chat_id, message_id=None,
                                       poll_id=None, closes_at=closes)

    def answer(self, caller: Caller, round_id: int, choice: int) -> Answered | None:
        """A member's answer (poll vote or button); None when it does not count (round closed, not theirs …)."""
        found = self.results.round(round_id)
        if found is None or found.closed_at is not None or not caller.may_ask:
            return None
        if found.closes_at is not None and now() > found.closes_at + 1.0:
            return None
        run = self.results.run(found.run_id)
        question = self.bank.get(found.question_id)
        if run is None or question is None or not 0 <= choice < len(question.options):
            return None
        if run.kind in (RunKind.PRACTICE, RunKind.CONTEST) and caller.user_id != run.started_by:
            return None
        if run.kind is not RunKind.DAILY and run.status is not RunStatus.RUNNING:
            return None
        correct = choice == question.correct
        first = self.results.record_answer(found.id, caller.user_id, choice, correct)
        if first and run.kind is RunKind.PRACTICE:
            self.practice.record(caller.user_id, question.id, correct)
        return Answered(run, found, question, choice, correct, first)

    def vote(self, voter: Person, found: Round, choice: int) -> Answered | None:
        """A poll vote, counted as an answer the voter gave in the poll's chat (and its run's forum topic):
        Telegram's votes carry no chat."""
        store = self.results.store
        chat, run = store.chat(found.chat_id), self.results.run(found.run_id)
        caller = resolve_caller(
            store, user_id=voter.id, first_name=voter.first_name, username=voter.username, chat_id=found.chat_id,
            chat_kind=(chat.kind if chat is not None else "private") or "private",
            chat_title=chat.title if chat else "", thread_id=run.thread_id if run else None,
            language_code=voter.language_code)
        return self.answer(caller, found.id, choice)

    def close_round(self, round_id: int) -> Closed | None:
        """Close a round (its time is up, or it was answered in private); None when it was closed already."""
        if not self.results.close_round(round_id):
            return None
        found = self.results.round(round_id)
        assert found is not None
        return Closed(found, self.bank.get(found.question_id), self.results.answers(round_id))

    def finish(self, run_id: int, status: RunStatus = RunStatus.DONE) -> Done | None:
        """End a run and give its scoreboard; None when it had ended already."""
        if not self.results.finish(run_id, status):
            return None
        run = self.results.run(run_id)
        assert run is not None
        if run.kind is RunKind.CONTEST and run.contest_id is not None:
            self.contests.finished(run.contest_id, run.started_by)
        log.info("quiz run %d ended: %s", run_id, status)
        return Done(run, self.results.scoreboard([run_id]))

    def interrupted(self) -> list[Run]:
        """Runs cut short, now this process's: those the bot was in when it stopped, and with several workers
        those of a worker that is gone. Group quizzes and practice are ended (``interrupted``); contest
        attempts carry on."""
        out = []
        running = {run.id: run for run in self.results.all_running()}
        for run_id in self.results.store.adopt_runs(list(running)):
            run = running[run_id]
            if run.kind is RunKind.CONTEST:
                out.append(run)
                continue
            for open_round in self.results.rounds(run.id):
                self.results.close_round(open_round.id)
            if self.results.finish(run.id, RunStatus.INTERRUPTED):
                out.append(run)
        return out


def _split_numbers(numbers: Sequence[str]) -> list[str]:
    """``57 71`` or ``57-NQ/TW, NQ 71`` → the document references (a type word joins the number after it)."""
    joined = " ".join(numbers).replace(",", " ").replace(";", " ")
    parts = joined.split()
    out: list[str] = []
    for part in parts:
        if out and not any(ch.isdigit() for ch in out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out
