"""callback_data of inline buttons: short ``kind:arg:arg`` strings with ids only (never titles), ≤ 64 bytes.

Data coming back is checked against what this bot could have produced — the kind, the number of arguments,
and each argument's range (ids fit SQLite's signed 64-bit integer, pages are small, choices are known) — so
that an old, foreign or forged button is simply ignored, never an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import LANGUAGES
from bot.store import parse_id

MAX_BYTES = 64
MAX_PAGE = 9999


class Kind(StrEnum):
    PASSAGE = "pa"  # whole passage: chunk id
    SECTION = "se"  # surrounding section: chunk id
    OUTLINE = "ol"  # outline: document id
    DOWNLOAD = "dl"  # download the original: document id
    FEEDBACK = "fb"  # feedback: question id, "u" | "d"
    DOCS_PAGE = "dp"  # documents page: page, type code, year
    UPLOAD = "up"  # upload: upload id, "ok" | "rep" | "no"
    LANGUAGE = "ln"  # language: vi | zh | en
    QUIZ_ANSWER = "qa"  # an option of a question sent with buttons: round id, option 0–11
    SAVE = "sv"  # save a passage: chunk id, start, end (offsets in the version text)
    ATTEND = "at"  # "Có mặt" in a study session: session id
    READ = "rd"  # guided reading: session id, sections posted, "n" (next) | "e" (end) | "q" (quiz)
    QUESTION = "qt"  # review of a bank question: question id, "on" | "off"
    SAVED_PAGE = "sp"  # /saved page


Check = Callable[[str], bool]


def _id(text: str) -> bool:
    return text.strip() == text and parse_id(text) is not None


def _page(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,4}", text) is not None and int(text) <= MAX_PAGE


def _type_code(text: str) -> bool:
    return len(text) <= 8


def _offset(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,10}", text) is not None


def _choice(text: str) -> bool:
    return re.fullmatch(r"[0-9]{1,2}", text) is not None and int(text) < 12


def _year(text: str) -> bool:
    return re.fullmatch(r"([0-9]{4})?", text) is not None


def _one_of(*choices: str) -> Check:
    return lambda text: text in choices


#: What each kind's arguments must look like.
ARGUMENTS: dict[Kind, tuple[Check, ...]] = {
    Kind.PASSAGE: (_id,), Kind.SECTION: (_id,), Kind.OUTLINE: (_id,), Kind.DOWNLOAD: (_id,),
    Kind.FEEDBACK: (_id, _one_of("u", "d")),
    Kind.DOCS_PAGE: (_page, _type_code, _year),
    Kind.UPLOAD: (_id, _one_of("ok", "rep", "no")),
    Kind.LANGUAGE: (_one_of(*LANGUAGES),),
    Kind.QUIZ_ANSWER: (_id, _choice),
    Kind.SAVE: (_id, _offset, _offset),
    Kind.ATTEND: (_id,),
    Kind.READ: (_id, _page, _one_of("n", "e", "q")),
    Kind.QUESTION: (_id, _one_of("on", "off")),
    Kind.SAVED_PAGE: (_page,),
}


@dataclass(frozen=True)
class Callback:
    kind: Kind
    args: tuple[str, ...] = ()

    def int_arg(self, index: int = 0) -> int:
        return int(self.args[index])

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def encode(kind: Kind, *args: object) -> str:
    data = ":".join([Kind(kind).value, *(str(a) for a in args)])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data too long ({len(data.encode('utf-8'))} bytes)")
    if any(":" in str(a) for a in args):
        raise ValueError("callback arguments cannot contain ':'")
    return data


def decode(data: str | None) -> Callback | None:
    """The parsed button, or None for data this bot could not have produced."""
    if not data or len(data.encode("utf-8")) > MAX_BYTES:
        return None
    name, *args = data.split(":")
    try:
        kind = Kind(name)
    except ValueError:
        return None
    checks = ARGUMENTS[kind]
    if len(args) != len(checks) or not all(check(arg) for check, arg in zip(checks, args, strict=True)):
        return None
    return Callback(kind, tuple(args))
