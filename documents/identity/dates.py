"""Dates of issue: the letterhead's place-and-date line, written dates, and the date next to a number."""

from __future__ import annotations

import datetime
import re

from documents.identity.numbers import NUMBER_RE, number_key

# "Hà Nội, ngày 22 tháng 12 năm 2024"
_LETTERHEAD = re.compile(
    r"[A-ZĐÀ-Ỹ][^\W\d_]*(?:[ \n][A-ZĐÀ-Ỹa-zà-ỹđ][^\W\d_]*){0,4}\s*,\s*"
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
_NUMERIC = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)"
_TEXT = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)"
_ANY = re.compile(rf"ngày\s+(?:{_NUMERIC}|{_TEXT})", re.IGNORECASE)


def iso(day: str, month: str, year: str) -> str | None:
    """``yyyy-mm-dd`` of a real calendar date in 1900-2100, else None (``31/02`` is no date)."""
    d, m, y = int(day), int(month), int(year)
    if not 1900 <= y <= 2100:
        return None
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def _iso_of(match: re.Match[str]) -> str | None:
    groups = [g for g in match.groups() if g]
    return iso(*groups[:3]) if len(groups) >= 3 else None


def parse_date(text: str) -> str | None:
    """A date as written after ``ngày``: ``7/3/2025``, ``07.03.2025``, ``7 tháng 3 năm 2025``."""
    match = _ANY.search("ngày " + text)
    return _iso_of(match) if match else None


def letterhead_date(head: str, before: int | None) -> str | None:
    """The ``Place, ngày … tháng … năm …`` line, if it starts before ``before`` (None: anywhere in ``head``)."""
    match = _LETTERHEAD.search(head)
    if match and (before is None or match.start() < before):
        return iso(*match.groups())
    return None


def date_near_number(head: str, number: str) -> str | None:
    """``Ngày 18/7/2025, ... đã có Thông báo 81-TB/TW`` or ``81-TB/TW, ngày 18/7/2025``."""
    key = number_key(number)
    for spelled in NUMBER_RE.finditer(head):
        if number_key(spelled.group(0)) != key:
            continue
        rest = head[spelled.end():]
        after = _ANY.match(head, spelled.end() + len(rest) - len(rest.lstrip(" ,")))
        if after:
            return _iso_of(after)
        sentence_start = max(head.rfind("\n", 0, spelled.start()), head.rfind(". ", 0, spelled.start())) + 1
        before = _ANY.search(head, sentence_start, spelled.start())
        if before:
            return _iso_of(before)
    return None
