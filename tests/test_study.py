"""Study sessions without Telegram: the store's schema 3 (and a version-2 file migrated to it), who may run a
quiz, Leitner boxes, guided reading, daily schedules, contests, saved passages and the exports."""

from __future__ import annotations

import csv
import io
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.access import Caller, resolve_caller
from bot.audit import Action
from bot.i18n import t
from bot.store import SCHEMA, BotStore
from bot.study.bank import ImportReport, Status
from bot.study.commands import (
    ContestResults,
    DailyOff,
    DailySet,
    DailyShow,
    ExportRequest,
    HostChange,
    HostList,
    ListContests,
    NewContest,
    Person,
    QuestionsRequest,
    Records,
    Usage,
    parse_arguments,
)
from bot.study.contests import Attempt, Contest, NoContest, Ranking
from bot.study.contests import Refusal as ContestRefusal
from bot.study.daily import Current, Schedule, Schedules, Stopped, parse_time
from bot.study.daily import Refusal as DailyRefusal
from bot.study.exports import Export, Format, NoRecords, table
from bot.study.quizzes import Done, Missing, Refusal
from bot.study.results import Run, RunKind, best_streak
from bot.study.review import Listing, Preview, Unreadable
from bot.study.review import Refusal as ReviewRefusal
from bot.study.saved import Saving
from bot.study.services import StudyServices, build_study_services
from bot.study.sessions import Finished, HostChanged, Opened, Step, UnknownUser, reading_steps
from bot.study.sessions import Refusal as SessionRefusal
from bot.telegram.study_render import answer_toast
from documents.model import Section
from index.engine import Engine
from tests.test_bot_audit import VERSION_1
from tests.test_quiz import BANK as QUIZ_BANK

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


def test_hosts_are_named_by_admins_in_a_group_and_audited(study: StudyServices) -> None:
    sessions, store = study.sessions, study.bank.store
    assert sessions.hosting(caller(study, ADMIN), HostList()) is SessionRefusal.NOT_GROUP
    assert sessions.hosting(caller(study, LAN, GROUP), HostChange(False, "Host")) is SessionRefusal.NOT_ADMIN
    assert sessions.hosting(caller(study, ADMIN, GROUP), HostList()) == []
    assert sessions.hosting(caller(study, ADMIN, GROUP), HostChange(False, "@nobody")) == UnknownUser("@nobody")
    assert sessions.hosting(caller(study, ADMIN, GROUP), HostChange(False, None)) == UnknownUser("?")
    added = sessions.hosting(caller(study, ADMIN, GROUP), HostChange(False, str(HOST)))
    assert isinstance(added, HostChanged) and added.user.id == HOST and not added.removed
    newcomer = sessions.hosting(caller(study, ADMIN, GROUP), HostChange(False, Person(9, "Hoa", "hoa_cb")))
    assert isinstance(newcomer, HostChanged) and store.user(9) is not None  # someone replied to is recorded
    assert [u.id for u in sessions.hosting(caller(study, ADMIN, GROUP), HostList())] == [HOST, 9]  # type: ignore[union-attr]
    assert sessions.may_host(caller(study, HOST, GROUP))
    removed = sessions.hosting(caller(study, ADMIN, GROUP), HostChange(True, "@hoa_cb"))
    assert isinstance(removed, HostChanged) and removed.removed and removed.user.id == 9
    assert [(e.action, e.target, e.detail) for e in store.audit_log()][::-1] == [
        (Action.HOST, "Host (2)", "Chi bộ (-1001)"), (Action.HOST, "@hoa_cb (9)", "Chi bộ (-1001)"),
        (Action.HOST, "@hoa_cb (9)", "removed from Chi bộ (-1001)")]


def test_daily_questions_are_set_by_hosts_in_a_group(study: StudyServices) -> None:
    daily = study.daily
    seven = DailySet(time(7, 0), ())
    assert daily.command(caller(study, ADMIN), seven) is DailyRefusal.NOT_GROUP
    assert daily.command(caller(study, LAN, GROUP), seven) is DailyRefusal.NOT_HOST
    host = caller(study, HOST, GROUP)
    study.sessions.set_host(GROUP, HOST, True, by=ADMIN)
    assert daily.command(host, DailyShow()) == Current(None)
    assert daily.command(host, DailyOff()) == Stopped(False)
    assert daily.command(host, DailySet(time(7, 0), ("999-NQ/TW",))) == Missing(["999-NQ/TW"])
    schedule = daily.command(host, DailySet(time(6, 45), ("57",)))
    assert isinstance(schedule, Schedule) and schedule.at == time(6, 45)
    assert schedule.documents == (study.quizzes.resolve("57").id,)  # type: ignore[union-attr]
    assert daily.command(host, DailyShow()) == Current(schedule)
    assert daily.command(host, DailyOff()) == Stopped(True) and study.schedules.get(GROUP, None) is None
    assert [(e.action, e.actor_id, e.detail) for e in study.bank.store.audit_log()] == [(Action.DAILY, HOST, "06:45")]


def test_contests_are_opened_listed_and_closed_by_admins(study: StudyServices) -> None:
    admin, lan = caller(study, ADMIN), caller(study, LAN)
    desk = study.contest_admin
    assert desk.command(lan, ListContests()) is ContestRefusal.NOT_ADMIN
    assert desk.command(admin, ListContests()) == [] and desk.command(admin, Usage()) == Usage()
    assert desk.command(admin, NewContest(("999-NQ/TW",), 2, 7, None)) == Missing(["999-NQ/TW"])
    contest = desk.command(admin, NewContest(("57", "71"), 3, 2, 30))
    assert isinstance(contest, Contest) and contest.title == "Cuộc thi tìm hiểu 57-NQ/TW, 71-NQ/TW"
    assert len(contest.questions) == 3 and contest.seconds == 30 and contest.documents is not None
    assert abs(contest.deadline - contest.created_at - 2 * 86400) < 5
    english = desk.command(replace(admin, lang="en"), NewContest((), 2, 7, None))
    assert isinstance(english, Contest) and english.title == "Contest on the documents" and english.documents is None
    assert [c.id for c in desk.command(admin, ListContests())] == [english.id, contest.id]  # type: ignore[union-attr]
    assert study.contests.attempt(caller(study, LAN, GROUP), contest.id) is ContestRefusal.PRIVATE_ONLY
    attempt = study.contests.attempt(lan, contest.id)
    assert isinstance(attempt, Attempt) and attempt.contest == contest and attempt.run.kind is RunKind.CONTEST
    assert study.contests.attempt(lan, contest.id) is ContestRefusal.ALREADY_TAKEN
    assert desk.command(admin, ContestResults(999, close=True)) == NoContest(999)
    ranking = desk.command(admin, ContestResults(contest.id, close=True))
    assert isinstance(ranking, Ranking) and ranking.closed and [r.name for r in ranking.ranks] == ["Lan"]
    assert [name for name, _ in ranking.files] == [f"contest-{contest.id}.csv", f"contest-{contest.id}.xlsx"]
    assert study.contests.attempt(caller(study, MINH), contest.id) is ContestRefusal.CLOSED
    assert [(e.action, e.target) for e in study.bank.store.audit_log()][::-1] == [
        (Action.CONTEST_OPEN, f"#{contest.id}"), (Action.CONTEST_OPEN, f"#{english.id}"),
        (Action.CONTEST_CLOSE, f"#{contest.id}")]


def test_exports_of_a_session_or_a_contest(study: StudyServices) -> None:
    exports, admin = study.exports, caller(study, ADMIN, GROUP)
    assert exports.export(admin, ExportRequest(Records.SESSION, None)) == Usage()  # the group has had no session
    assert exports.export(caller(study, ADMIN), ExportRequest(Records.SESSION, None)) == Usage()
    assert exports.export(admin, ExportRequest(Records.SESSION, 999)) == NoRecords()
    session = study.sessions.open(admin, "57")
    assert not isinstance(session, str) and study.sessions.attend(caller(study, LAN, GROUP), session.id)
    export = exports.export(admin, ExportRequest(Records.SESSION, None))  # the group's latest session
    assert isinstance(export, Export) and export.rows == 1
    assert [name for name, _ in export.files] == [f"session-{session.id}.csv", f"session-{session.id}.xlsx"]
    (row,) = csv.DictReader(io.StringIO(export.files[0][1].decode("utf-8-sig")))
    assert row["name"] == "Lan" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["present_at"])
    empty = exports.export(caller(study, ADMIN), ExportRequest(Records.CONTEST, 999))  # no such contest: no rows
    assert isinstance(empty, Export) and empty.rows == 0
    assert [(e.target, e.detail) for e in study.bank.store.audit_log()] == [
        ("contest 999", "0 rows"), (f"session {session.id}", "1 rows")]


def test_a_session_opens_with_its_outline_and_is_led_by_its_host(study: StudyServices) -> None:
    sessions, admin = study.sessions, caller(study, ADMIN, GROUP)
    assert sessions.start(caller(study, LAN, GROUP), "57") is SessionRefusal.NOT_HOST
    assert sessions.start(admin, "999") is SessionRefusal.NOT_FOUND
    opened = sessions.start(admin, "57")
    assert isinstance(opened, Opened) and opened.document.number == "57-NQ/TW" and opened.sections
    assert opened.sections == study.quizzes.engine.outline(opened.document.id)
    assert sessions.lead(admin, opened.session.id) == opened.session
    assert sessions.lead(caller(study, LAN, GROUP), opened.session.id) is SessionRefusal.NOT_HOST
    assert sessions.lead(admin, 999) is SessionRefusal.CLOSED
    run = study.quizzes.session_quiz(admin, opened.session)
    assert isinstance(run, Run) and run.session_id == opened.session.id and run.documents == (opened.document.id,)
    assert study.quizzes.session_quiz(admin, opened.session) is Refusal.ALREADY_RUNNING
    sessions.close(admin, opened.session.id)
    assert sessions.lead(admin, opened.session.id) is SessionRefusal.CLOSED


def test_a_poll_vote_counts_as_an_answer_in_the_polls_chat(study: StudyServices) -> None:
    quizzes = study.quizzes
    run = quizzes.start(caller(study, ADMIN, GROUP), ["57"], 2, rng=random.Random(3))
    assert isinstance(run, Run)
    ask = quizzes.next(run.id)
    assert not isinstance(ask, Done)
    opened = quizzes.open_round(ask, chat_id=GROUP)
    right, wrong = ask.question.correct, (ask.question.correct + 1) % len(ask.question.options)
    lan = quizzes.vote(Person(LAN, "Lan", "lan_dv", "en"), opened, right)
    assert lan is not None and lan.first and lan.correct and lan.run.id == run.id
    assert study.bank.store.user(LAN).username == "lan_dv"  # type: ignore[union-attr]
    again = quizzes.vote(Person(LAN, "Lan"), opened, wrong)
    assert again is not None and not again.first
    minh = quizzes.vote(Person(MINH, "Minh"), opened, wrong)
    assert minh is not None and not minh.correct
    assert quizzes.vote(Person(MINH, "Minh"), opened, 99) is None  # no such option
    assert answer_toast(None, "vi") == t("tg.quiz.closed", "vi")
    assert answer_toast(again, "vi") == t("tg.quiz.already", "vi")
    assert answer_toast(lan, "vi") == t("tg.quiz.toast_right", "vi")
    option = f"{'ABCDEFGHIJKL'[right]}. {ask.question.options[right]}"[:150]
    assert answer_toast(minh, "en") == t("tg.quiz.toast_wrong", "en", answer=option)
    quizzes.close_round(opened.id)
    assert quizzes.vote(Person(HOST, "Host"), opened, right) is None  # the round is closed


def test_admins_import_and_review_the_bank(study: StudyServices, tmp_path: Path) -> None:
    review, store = study.review, study.bank.store
    admin, lan = caller(study, ADMIN), caller(study, LAN)
    limit = review.limit_mb * 1024 * 1024
    assert review.refusal(lan, 10) is ReviewRefusal.NOT_ADMIN
    assert review.refusal(admin, limit + 1) is ReviewRefusal.TOO_LARGE
    assert review.refusal(admin, limit) is None and review.refusal(admin, None) is None
    (tmp_path / "bank.pdf").write_bytes(b"%PDF-1.4")
    assert review.import_file(admin, tmp_path / "bank.pdf", "bank.pdf") == Unreadable("unsupported")
    report = review.import_file(admin, QUIZ_BANK, "ôn tập.txt")
    assert isinstance(report, ImportReport) and (report.read, report.backed) == (6, 4)
    to_review = review.listing(QuestionsRequest(review=True), limit=30)
    assert isinstance(to_review, Listing) and to_review.total == 2
    assert {q.status for q in to_review.questions} == {Status.UNSUPPORTED, Status.DISAGREES}
    assert review.listing(QuestionsRequest(number="999-NQ/TW"), limit=30) == Missing(["999-NQ/TW"])
    everything = review.listing(QuestionsRequest(), limit=3)
    assert isinstance(everything, Listing) and everything.total == 6 and len(everything.questions) == 3
    unbacked = review.preview(to_review.questions[0].id)
    assert unbacked is not None and not unbacked.switchable and unbacked.document is None
    backed = next(q for q in everything.questions if q.status is Status.OK)
    shown = review.preview(backed.id)
    assert shown is not None and shown.switchable and shown.verified and shown.document is not None
    assert review.preview(99999) is None
    assert review.set_enabled(admin, [backed.id, 99999], False) == [backed.id]
    assert review.set_enabled(admin, [99999], False) == []  # no such question: not audited
    assert review.set_enabled(admin, [to_review.questions[0].id], True) == []  # an unbacked one stays off
    assert review.switch(lan, backed.id, True) is ReviewRefusal.NOT_ADMIN
    switched = review.switch(admin, backed.id, True)
    assert isinstance(switched, Preview) and switched.question.enabled
    assert [(e.action, e.target, e.detail) for e in store.audit_log()][::-1] == [
        (Action.QUIZ_IMPORT, "ôn tập.txt", "4/6"), (Action.QUIZ_DISABLE, f"#{backed.id}", ""),
        (Action.QUIZ_ENABLE, f"#{backed.id}", "")]
