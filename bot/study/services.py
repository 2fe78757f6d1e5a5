"""Everything the study features need, built once per bot (or command) on the engine and the bot store."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.ratelimit import RateLimiter
from bot.store import BotStore
from bot.study.bank import QuestionBank
from bot.study.checking import Checking
from bot.study.contests import ContestAdmin, Contests
from bot.study.daily import DailyQuestions, Schedules
from bot.study.exports import Exports
from bot.study.practice import Practice
from bot.study.quizzes import Quizzes
from bot.study.results import Results
from bot.study.review import BankReview
from bot.study.saved import SavedPassages
from bot.study.sessions import Sessions
from config.settings import Settings
from index.engine import Engine
from index.quiz.solve import Solver


@dataclass
class StudyServices:
    bank: QuestionBank
    review: BankReview
    results: Results
    practice: Practice
    sessions: Sessions
    schedules: Schedules
    daily: DailyQuestions
    contests: Contests
    contest_admin: ContestAdmin
    exports: Exports
    saved: SavedPassages
    quizzes: Quizzes
    solver: Solver
    checking: Checking
    #: Epoch seconds now: the daily questions' calendar (tests move it to another day).
    clock: Callable[[], float] = field(default=time.time)


def build_study_services(engine: Engine, store: BotStore, settings: Settings,
                         limiter: RateLimiter | None = None) -> StudyServices:
    bank = QuestionBank(store, engine)
    results = Results(store)
    practice = Practice(store, bank, results)
    sessions = Sessions(store, engine, results)
    contests = Contests(store, bank, results)
    quizzes = Quizzes(engine, bank, results, practice, sessions, contests, seconds=settings.quiz_seconds,
                      count=settings.quiz_questions)
    schedules = Schedules(store)
    return StudyServices(
        bank=bank, review=BankReview(bank, settings), results=results, practice=practice, sessions=sessions,
        schedules=schedules, daily=DailyQuestions(schedules, sessions, quizzes), contests=contests,
        contest_admin=ContestAdmin(contests, quizzes), exports=Exports(sessions, contests, store, settings.zone),
        saved=SavedPassages(store, engine), quizzes=quizzes, solver=bank.solver,
        checking=Checking(bank.solver, limiter or RateLimiter()))
