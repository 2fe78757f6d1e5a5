"""The words after the study commands, read without Telegram or the library (:mod:`bot.study.commands`)."""

from __future__ import annotations

from datetime import time

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
    TakeContest,
    Usage,
    contest_link,
    document_words,
    parse_contest,
    parse_daily,
    parse_export,
    parse_host,
    parse_questions,
    parse_time,
    question_ids,
)


def test_daily_reads_a_time_off_or_nothing() -> None:
    assert parse_daily(["07:30", "57", "71-NQ/TW"]) == DailySet(time(7, 30), ("57", "71-NQ/TW"))
    assert parse_daily(["7h05"]) == DailySet(time(7, 5), ())
    assert parse_daily(["19.45", "57"]) == DailySet(time(19, 45), ("57",))
    for off in (["off"], ["OFF"], ["tắt"], ["Tat", "57"]):
        assert parse_daily(off) == DailyOff(), off
    for show in ([], ["25:00", "57"], ["7:5"], ["sáng"]):
        assert parse_daily(show) == DailyShow(), show
    assert parse_time(" 23:59 ") == time(23, 59) and parse_time("24:00") is None


def test_host_names_someone_by_words_or_by_reply() -> None:
    lan = Person(7, "Lan", "lan_dv")
    assert parse_host([]) == HostList()
    assert parse_host(["remove"]) == HostList()  # nobody named and no reply: the list
    assert parse_host(["@lan_dv"]) == HostChange(False, "@lan_dv")
    assert parse_host(["Bỏ", "12345"]) == HostChange(True, "12345")
    assert parse_host(["off", "@minh"], lan, replying=True) == HostChange(True, "@minh")  # words win over the reply
    assert parse_host([], lan, replying=True) == HostChange(False, lan)
    assert parse_host(["bo"], lan, replying=True) == HostChange(True, lan)
    assert parse_host([], None, replying=True) == HostChange(False, None)  # a reply to the bot: nobody


def test_contest_words() -> None:
    assert parse_contest(["12"], 10) == TakeContest(12)
    assert parse_contest([], 10) == Usage()
    assert parse_contest(["NEW"], 10) == NewContest((), 10, 7, None)
    assert parse_contest(["new", "20", "57", "71", "3d", "30s"], 10) == NewContest(("57", "71"), 20, 3, 30)
    assert parse_contest(["new", "8", "57", "71", "15", "2ngày", "1giây"], 10) == NewContest(("57", "71"), 15, 2, 5)
    assert parse_contest(["new", "57", "71"], 10) == NewContest(("71",), 57, 7, None)  # a first number is the count
    assert parse_contest(["new", "0d", "999s"], 10) == NewContest((), 10, 1, 600)
    assert parse_contest(["new", "6", "127", "KL/TW"], 10) == NewContest(("127", "KL/TW"), 6, 7, None)
    assert parse_contest(["list"], 10) == ListContests()
    assert parse_contest(["Results", "4"], 10) == ContestResults(4)
    assert parse_contest(["close", "4"], 10) == ContestResults(4, close=True)
    for unread in (["close"], ["results", "x"], ["open", "4"], ["4x"]):
        assert parse_contest(unread, 10) == Usage(), unread
    assert contest_link("contest12") == 12 and contest_link("contest") is None and contest_link("ABCD1234") is None
    assert contest_link("contest1234567890") is None  # more digits than any contest id the link may carry


def test_export_words() -> None:
    assert parse_export([]) == ExportRequest(Records.SESSION, None)
    assert parse_export(["7"]) == ExportRequest(Records.SESSION, 7)
    assert parse_export(["Contest", "3"]) == ExportRequest(Records.CONTEST, 3)
    assert parse_export(["contest"]) == ExportRequest(Records.CONTEST, None)
    assert parse_export(["buổi", "5"]) == ExportRequest(Records.SESSION, 5)


def test_document_and_question_words() -> None:
    assert document_words(["57-NQ/TW"]) == "57-NQ/TW" and document_words([]) == ""
    assert document_words(["Nghị", "quyết", "57"]) == "Nghị quyết 57"
    assert parse_questions([]) == QuestionsRequest()
    assert parse_questions(["unsupported"]) == parse_questions(["REVIEW", "57"]) == QuestionsRequest(review=True)
    assert parse_questions(["57-NQ/TW"]) == QuestionsRequest(number="57-NQ/TW")
    assert question_ids(["#12", "13", "x", "-4", "#"]) == [12, 13]


def test_superscript_digits_are_not_record_ids() -> None:
    """"²" passes ``str.isdigit`` but is no number: it must read as a usage error, not crash the handler."""
    from bot.study.commands import ExportRequest, Records, Usage, parse_contest, parse_export

    assert isinstance(parse_contest(["²"], 10), Usage)
    assert isinstance(parse_contest(["results", "²"], 10), Usage)
    assert parse_export(["contest", "²"]) == ExportRequest(Records.CONTEST, None)
