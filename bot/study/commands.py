"""What the words after a study command mean, read without Telegram or the library: each parser takes the words
as a chat client splits them and returns a typed request (or :class:`Usage` when the words make no sense), so
that a front end only parses, calls the use case and renders what it returns.

``/daily HH:MM [NUMBER…] | off`` · ``/host [remove] [@user | ID]`` · ``/contest ID | new [N] [NUMBER…] [7d] [30s] |
list | results ID | close ID`` · ``/export [session | contest] [ID]`` · ``/study NUMBER`` · ``/questions
[NUMBER | unsupported]`` · ``/qenable ID…`` · ``/start contestID``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from enum import StrEnum

from bot.store import parse_id

#: Most questions a quiz or a contest asks.
MAX_QUESTIONS = 50
_TIME = re.compile(r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)$")


@dataclass(frozen=True)
class Usage:
    """Words the command cannot read: the caller is shown how to use it."""


@dataclass(frozen=True)
class Person:
    """Someone as the chat names them: the author of a message replied to, or a voter in a poll."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None


def parse_time(text: str) -> time | None:
    """``07:30``, ``7h30``, ``19.05`` → a time of day; None for anything else."""
    found = _TIME.match(text.strip())
    return time(int(found.group(1)), int(found.group(2))) if found else None


def parse_arguments(args: Sequence[str], default: int) -> tuple[list[str], int]:
    """``/quiz [NUMBER…] [N]``: the document numbers and how many questions (the last plain number ≤ 50)."""
    numbers = list(args)
    count = default
    if numbers and numbers[-1].isascii() and numbers[-1].isdigit() and 0 < int(numbers[-1]) <= MAX_QUESTIONS:
        count = int(numbers.pop())
    return numbers, count


# /daily ---------------------------------------------------------------------------------------------------
#: ``/daily off`` (and its Vietnamese forms) stops the daily question.
OFF_WORDS = ("off", "tat", "tắt")


@dataclass(frozen=True)
class DailySet:
    """``/daily 07:30 57 71``: a question a day at ``at`` on the documents named (none: the chat's)."""

    at: time
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class DailyOff:
    """``/daily off``."""


@dataclass(frozen=True)
class DailyShow:
    """``/daily`` without a time it can read: the time set, or how to set one."""


DailyRequest = DailySet | DailyOff | DailyShow


def parse_daily(args: Sequence[str]) -> DailyRequest:
    word = args[0].lower() if args else ""
    if word in OFF_WORDS:
        return DailyOff()
    at = parse_time(word) if word else None
    return DailyShow() if at is None else DailySet(at, tuple(args[1:]))


# /host ----------------------------------------------------------------------------------------------------
#: ``/host remove @user`` (and its other forms) takes the role away.
REMOVE_WORDS = ("remove", "off", "bo", "bỏ")


@dataclass(frozen=True)
class HostList:
    """``/host`` alone (not a reply): who hosts in the group."""


@dataclass(frozen=True)
class HostChange:
    """Make someone a host of the group, or (``remove``) no longer one."""

    remove: bool
    #: ``@user`` or an id as typed, the author of the message replied to, or None (a reply to a bot's message).
    who: str | Person | None


def parse_host(args: Sequence[str], replied: Person | None = None, *, replying: bool = False) -> HostList | HostChange:
    """``replying``: the command answers a message, written by ``replied`` (None: by a bot or nobody known)."""
    words = list(args)
    remove = bool(words) and words[0].lower() in REMOVE_WORDS
    if remove:
        words = words[1:]
    if words:
        return HostChange(remove, words[0])
    return HostChange(remove, replied) if replying else HostList()


# /contest -------------------------------------------------------------------------------------------------
DEFAULT_DAYS = 7
_DAYS = re.compile(r"^(\d{1,3})(?:d|ngay|ngày)$", re.I)
_SECONDS = re.compile(r"^(\d{1,3})(?:s|giay|giây)$", re.I)
_CONTEST_LINK = re.compile(r"contest(\d{1,9})")


@dataclass(frozen=True)
class TakeContest:
    """``/contest 12`` (or the link ``t.me/<bot>?start=contest12``): a member's one attempt."""

    contest_id: int


@dataclass(frozen=True)
class NewContest:
    """``/contest new 10 57 71 7d 30s``: documents (none: the chat's), questions, days open, seconds per question."""

    numbers: tuple[str, ...]
    count: int
    days: int
    seconds: int | None


@dataclass(frozen=True)
class ListContests:
    """``/contest list``."""


@dataclass(frozen=True)
class ContestResults:
    """``/contest results 12``, or ``/contest close 12`` (closed first)."""

    contest_id: int
    close: bool = False


ContestRequest = TakeContest | NewContest | ListContests | ContestResults | Usage


def contest_options(args: Sequence[str], default_count: int) -> NewContest:
    """``10 57 71 7d 30s`` → 10 questions on 57 and 71, open 7 days, 30 seconds each (5 to 600)."""
    days, seconds, rest = DEFAULT_DAYS, None, []
    for word in args:
        if (found := _DAYS.match(word)) is not None:
            days = max(1, int(found.group(1)))
        elif (found := _SECONDS.match(word)) is not None:
            seconds = min(max(int(found.group(1)), 5), 600)
        else:
            rest.append(word)
    count = default_count
    if rest and rest[0].isascii() and rest[0].isdigit():
        count = int(rest.pop(0))
    numbers, count = parse_arguments(rest, count)
    return NewContest(tuple(numbers), count, days, seconds)


def _id(word: str) -> int | None:
    """A record id as typed (ASCII digits only: "²" is a digit to Python but not a number), else None."""
    return int(word) if word.isascii() and word.isdigit() and len(word) <= 18 else None


def parse_contest(args: Sequence[str], default_count: int) -> ContestRequest:
    word = args[0].lower() if args else ""
    if (number := _id(word)) is not None:
        return TakeContest(number)
    if word == "new":
        return contest_options(args[1:], default_count)
    if word == "list":
        return ListContests()
    if word in ("results", "close") and len(args) > 1 and (number := _id(args[1])) is not None:
        return ContestResults(number, close=word == "close")
    return Usage()


def contest_link(code: str) -> int | None:
    """The contest a ``/start`` code opens (``contest12`` → 12), or None for any other code."""
    found = _CONTEST_LINK.fullmatch(code)
    return int(found.group(1)) if found is not None else None


# /export --------------------------------------------------------------------------------------------------
class Records(StrEnum):
    SESSION = "session"
    CONTEST = "contest"


@dataclass(frozen=True)
class ExportRequest:
    """``/export [session | contest] [ID]``: whose records; no ID means the group's latest session."""

    kind: Records
    number: int | None


def parse_export(args: Sequence[str]) -> ExportRequest:
    words = [a.lower() for a in args]
    kind = Records(words[0]) if words and words[0] in tuple(Records) else Records.SESSION
    return ExportRequest(kind, next((number for w in words if (number := _id(w)) is not None), None))


# /study, /questions, /question, /qenable, /qdisable ------------------------------------------------------
def document_words(args: Sequence[str]) -> str:
    """``/study 57-NQ/TW``: the document as typed (empty when nothing was)."""
    return " ".join(args).strip()


#: ``/questions unsupported`` (or ``review``): the questions without a backing passage, to review.
REVIEW_WORDS = ("unsupported", "review")


@dataclass(frozen=True)
class QuestionsRequest:
    """``/questions``: all of the bank; ``/questions 57``: a document's; ``/questions unsupported``: to review."""

    review: bool = False
    number: str | None = None


def parse_questions(args: Sequence[str]) -> QuestionsRequest:
    if args and args[0].lower() in REVIEW_WORDS:
        return QuestionsRequest(review=True)
    return QuestionsRequest(number=" ".join(args) if args else None)


def question_ids(args: Sequence[str]) -> list[int]:
    """``/qdisable #12 13``: the question ids (``#`` optional); words that are not ids are left out."""
    return [i for i in (parse_id(a.lstrip("#")) for a in args) if i is not None]
