"""Study sessions without Telegram: the store's schema 3 (and a version-2 file migrated to it), who may run a
quiz, Leitner boxes, guided reading, daily schedules, contests, saved passages and the exports."""

from __future__ import annotations

import csv
import io
import random
import sqlite3
from collections.abc import Callable, Iterator
from datetime import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.access import Caller, resolve_caller
from bot.store import SCHEMA, BotStore
from bot.study.contests import Refusal as ContestRefusal
from bot.study.daily import Schedules, parse_time
from bot.study.exports import Format, table
from bot.study.quizzes import Missing, Refusal, parse_arguments
from bot.study.results import Run, RunKind, best_streak
from bot.study.saved import Saving
from bot.study.services import StudyServices, build_study_services
from bot.study.sessions import Finished, Step, reading_steps
from bot.study.sessions import Refusal as SessionRefusal
from documents.model import Section
from index.engine import Engine
from tests.test_bot_audit import VERSION_1

ADMIN, HOST, LAN, MINH = 1, 2, 3, 4
NAMES = {ADMIN: "Admin", HOST: "Host", LAN: "Lan", MINH: "Minh"}
GROUP = -1001


@pytest.fixture
def study(party_engine: Engine, open_store: Callable[..., BotStore]) -> Iterator[StudyServices]:
    """Study sessions over the bot store of each backend (SQLite, PostgreSQL)."""
    store = open_store([ADMIN])
    for user, name in ((HOST, "Host"), (LAN, "Lan"), (MINH, "Minh")):
        store.touch_user(user, name, None)
        store.set_role(user, "member", by=ADMIN)
    store.touch_chat(GROUP, "supergroup", "Chi bộ")
    store.set_chat_allowed(GROUP, True, by=ADMIN)
    try:
        yield build_study_services(party_engine, store, party_engine.settings.model_copy(update={"quiz_seconds": 5}))
    finally:
        store.close()


def caller(study: StudyServices, user_id: int, chat_id: int | None = None) -> Caller:
    group = chat_id is not None and chat_id < 0
    return resolve_caller(study.bank.store, user_id=user_id, first_name=NAMES[user_id], username=None,
                          chat_id=chat_id if chat_id is not None else user_id,
                          chat_kind="supergroup" if group else "private", chat_title="Chi bộ" if group else "")


def test_a_version_2_store_is_migrated_to_study_sessions(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    db = sqlite3.connect(old)
    db.executescript(VERSION_1)
    db.executescript("CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, actor_id INTEGER, "
                     "via TEXT NOT NULL DEFAULT 'telegram', action TEXT NOT NULL, target TEXT NOT NULL DEFAULT '', "
                     "detail TEXT NOT NULL DEFAULT ''); CREATE INDEX audit_at ON audit(at);")
    db.execute("INSERT INTO users (id, first_name, role, created_at, updated_at) VALUES (7, 'Lan', 'member', 1, 1)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    store = BotStore(old)
    assert (store.migrated_from, store.schema_version, SCHEMA.version) == (2, 3, 3)
    assert store.user(7) is not None and store.user(7).role == "member"  # type: ignore[union-attr]
    store.close()
    BotStore(tmp_path / "fresh.sqlite3").close()

    def columns(path: Path) -> dict[str, set[tuple[str, str]]]:
        connection = sqlite3.connect(path)
        try:
            tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            return {t: {(c[1], c[2]) for c in connection.execute(f"PRAGMA table_info('{t}')")} for t in tables}
        finally:
            connection.close()

    migrated, fresh = columns(old), columns(tmp_path / "fresh.sqlite3")
    assert migrated == fresh and {"quiz_questions", "quiz_answers", "study_sessions", "contests"} <= set(fresh)


def test_who_may_run_a_quiz_and_where(study: StudyServices) -> None:
    quizzes = study.quizzes
    assert quizzes.start(caller(study, LAN, GROUP), ["57"]) is Refusal.NOT_HOST
    study.sessions.set_host(GROUP, HOST, True, by=ADMIN)
    run = quizzes.start(caller(study, HOST, GROUP), ["57"], 3, rng=random.Random(1))
    assert isinstance(run, Run) and run.kind is RunKind.GROUP and run.planned == 3 and run.seconds == 5
    assert quizzes.start(caller(study, ADMIN, GROUP), []) is Refusal.ALREADY_RUNNING
    assert quizzes.stop(caller(study, LAN, GROUP)) is Refusal.NOT_HOST
    assert quizzes.stop(caller(study, ADMIN, GROUP)) == run
    assert isinstance(quizzes.start(caller(study, LAN), ["999-NQ/TW"]), Missing)
    practice = quizzes.start(caller(study, LAN), ["127"], 4)
    assert isinstance(practice, Run) and practice.kind is RunKind.PRACTICE and practice.seconds is None
    assert parse_arguments(["57", "71", "10"], 5) == (["57", "71"], 10)
    assert parse_arguments(["57-NQ/TW"], 5) == (["57-NQ/TW"], 5)
    study.bank.store.set_chat_documents(GROUP, [study.quizzes.resolve("71").id])  # type: ignore[union-attr]
    assert isinstance(quizzes.start(caller(study, ADMIN, -1001), ["57"]), Missing)  # restricted to 71-NQ/TW


def test_practice_brings_missed_questions_back(study: StudyServices) -> None:
    quizzes, results = study.quizzes, study.results
    run = quizzes.start(caller(study, LAN), ["57"], 6, rng=random.Random(2))
    assert isinstance(run, Run)
    asked: list[int] = []
    for n in range(6):
        step = quizzes.next(run.id, rng=random.Random(n))
        assert not isinstance(step, Finished)
        opened = quizzes.open_round(step, chat_id=LAN)  # type: ignore[arg-type]
        question = step.question  # type: ignore[union-attr]
        asked.append(question.id)
        choice = (question.correct + 1) % len(question.options) if n == 0 else question.correct
        answered = quizzes.answer(caller(study, LAN), opened.id, choice)
        assert answered is not None and answered.first and answered.correct == (n != 0)
        assert quizzes.answer(caller(study, LAN), opened.id, question.correct).first is False  # type: ignore[union-attr]
        quizzes.close_round(opened.id)
    assert asked[3] == asked[0] and len(set(asked[:3])) == 3
    done = quizzes.next(run.id)
    assert done.scores[0].correct == 5  # type: ignore[union-attr]
    (mastery,) = study.practice.mastery(LAN)
    assert mastery.answered == 6 and mastery.correct == 5 and mastery.seen == 5
    assert results.practice_step(LAN) == 6
    assert best_streak([True, False, True, True, True, False]) == 3


def test_guided_reading_steps_attendance_and_summary(study: StudyServices) -> None:
    sessions = study.sessions
    assert sessions.open(caller(study, LAN, GROUP), "57") is SessionRefusal.NOT_HOST
    assert sessions.open(caller(study, ADMIN), "57") is SessionRefusal.NOT_GROUP
    session = sessions.open(caller(study, ADMIN, GROUP), "57")
    assert not isinstance(session, str)
    assert sessions.open(caller(study, ADMIN, GROUP), "71") is SessionRefusal.ALREADY_OPEN
    steps = sessions.steps(session)
    assert steps[0].locator == "Phần mở đầu" and len(steps) >= 5 and all(s.total == len(steps) for s in steps)
    assert all(a.end <= b.start for a, b in zip(steps, steps[1:], strict=False))
    assert all(sessions.step_text(session, s).strip() for s in steps)
    assert sessions.advance(caller(study, LAN, GROUP), session.id) is SessionRefusal.NOT_HOST
    first = sessions.advance(caller(study, ADMIN, GROUP), session.id, seen=0)
    assert isinstance(first, Step) and first.index == 0
    assert sessions.advance(caller(study, ADMIN, GROUP), session.id, seen=0) is SessionRefusal.CLOSED  # pressed twice
    assert sessions.attend(caller(study, LAN, GROUP), session.id) is True
    assert sessions.attend(caller(study, LAN, GROUP), session.id) is False
    focused, found = sessions.focus(caller(study, MINH, GROUP))
    assert found is not None and found.id == session.id and focused.scope == [session.document_id]
    sessions.record_question(session.id, MINH, 1)
    for position in range(1, len(steps) + 1):
        outcome = sessions.advance(caller(study, ADMIN, GROUP), session.id, seen=position)
    assert isinstance(outcome, Finished)
    summary = sessions.close(caller(study, ADMIN, GROUP), session.id)
    assert not isinstance(summary, str)
    assert summary.attended == ["Lan"] and summary.asked == ["Minh"] and summary.scores == []
    assert sessions.attend(caller(study, LAN, GROUP), session.id) is None
    headers, rows = sessions.records(session.id)
    assert headers[3:7] == ["name", "username", "present_at", "questions_asked"] and len(rows) == 2


def test_reading_steps_follow_the_outline() -> None:
    text = "NGHỊ QUYẾT\nvề x\n\nMở đầu.\n\nI- A\n" + "a" * 10 + "\nII- B\n1. B1\n" + "b" * 40 + "\n2. B2\n" + "c" * 40
    start_ii = text.index("II- B")
    sections = [Section("Mục I", "I- A", text.index("I- A"), 1), Section("Mục II", "II- B", start_ii, 1),
                Section("Mục II, điểm 1", "1. B1", text.index("1. B1"), 2),
                Section("Mục II, điểm 2", "2. B2", text.index("2. B2"), 2)]
    parts = reading_steps(text, sections, step_chars=60)
    assert [p[0] for p in parts] == ["Phần mở đầu", "Mục I", "Mục II", "Mục II, điểm 1", "Mục II, điểm 2"]
    assert "".join(text[p[2]:p[3]] for p in parts) == text[parts[0][2]:]


def test_daily_schedules_claim_each_day_once(study: StudyServices) -> None:
    schedules = Schedules(study.bank.store)
    assert parse_time("7h30") == time(7, 30) and parse_time("19.05") == time(19, 5) and parse_time("25:00") is None
    schedule = schedules.set(GROUP, None, time(7, 30), None, ADMIN)
    assert schedule.name == f"daily:{GROUP}:0"
    assert schedules.claim(GROUP, None, "2030-03-02") is not None
    assert schedules.claim(GROUP, None, "2030-03-02") is None
    assert schedules.claim(GROUP, None, "2030-03-03") is not None
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    fresh = schedules.set(GROUP, 5, time(7, 30), [1], ADMIN)
    assert fresh.due_now(zone, datetime(2030, 3, 4, 7, 40, tzinfo=zone).timestamp())
    assert not fresh.due_now(zone, datetime(2030, 3, 4, 9, 0, tzinfo=zone).timestamp())
    assert not fresh.due_now(zone, datetime(2030, 3, 4, 7, 0, tzinfo=zone).timestamp())
    assert schedules.off(GROUP, None) and not schedules.off(GROUP, None)
    assert [s.thread_id for s in schedules.all()] == [5]


def test_contests_take_one_attempt_each_and_rank_by_score_then_time(study: StudyServices) -> None:
    contests, quizzes = study.contests, study.quizzes
    document = quizzes.resolve("57")
    assert document is not None
    contest = contests.create(title="Cuộc thi", created_by=ADMIN, documents=[document.id], count=2,
                              deadline=10**10, seconds=None)
    assert not isinstance(contest, str) and len(contest.questions) == 2
    for user, rights in ((LAN, [True, True]), (MINH, [True, False])):
        run = contests.begin(contest.id, user, user, "vi")
        assert isinstance(run, Run)
        for right in rights:
            step = quizzes.next(run.id)
            opened = quizzes.open_round(step, chat_id=user)  # type: ignore[arg-type]
            question = step.question  # type: ignore[union-attr]
            assert quizzes.answer(caller(study, user), opened.id,
                                  question.correct if right else (question.correct + 1) % 4) is not None
            quizzes.close_round(opened.id)
        assert quizzes.finish(run.id) is not None
    assert contests.begin(contest.id, LAN, LAN, "vi") is ContestRefusal.ALREADY_TAKEN
    assert contests.begin(999, LAN, LAN, "vi") is ContestRefusal.NOT_FOUND
    ranks = contests.ranking(contest.id)
    assert [(r.place, r.name, r.score, r.finished) for r in ranks] == [(1, "Lan", 2, True), (2, "Minh", 1, True)]
    assert contests.close(contest.id) and contests.begin(contest.id, HOST, HOST, "vi") is ContestRefusal.CLOSED
    headers, rows = contests.records(contest.id)
    assert headers[:5] == ["place", "name", "username", "user_id", "score"] and rows[0][:5] == [1, "Lan", "", LAN, 2]


def test_saved_passages_and_exports(study: StudyServices, party_engine: Engine) -> None:
    document = party_engine.resolve("57-NQ/TW")
    assert document is not None and document.active_version is not None
    chunk = party_engine.catalog.neighbours(document.active_version, 5, 0)[0]
    member = caller(study, LAN)
    assert study.saved.save(member, chunk.id, chunk.start, chunk.start + 40) is Saving.SAVED
    assert study.saved.save(member, chunk.id, chunk.start, chunk.start + 40) is Saving.ALREADY
    assert study.saved.save(member, chunk.id, chunk.start, chunk.end + 5) is Saving.GONE  # outside the passage
    (item,), total = study.saved.listing(LAN)
    assert total == 1 and item.quote == chunk.text[:40] and item.locator == chunk.locator
    headers, rows = ["name", "answered_at"], [["Lan", 1_900_000_000.0]]
    data = table(headers, rows, Format.CSV, timestamps=("answered_at",), zone=party_engine.settings.zone)
    assert data.startswith("\ufeff".encode()) and list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1] == [
        "Lan", "2030-03-18 00:46:40"]
    sheet = load_workbook(io.BytesIO(table(headers, rows, Format.XLSX))).active
    assert sheet is not None and sheet["A2"].value == "Lan"
