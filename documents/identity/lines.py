"""The head of a text as lines: each with its offsets and without Markdown or table decoration."""

from __future__ import annotations

import re
from typing import NamedTuple

_MARKUP = re.compile(r"^[\s#>*_|]+|[\s*_|]+$")


class Line(NamedTuple):
    start: int
    end: int
    raw: str
    clean: str


def clean_line(line: str) -> str:
    """A line without Markdown or table decoration (``**NGHỊ QUYẾT**`` → ``NGHỊ QUYẾT``)."""
    return _MARKUP.sub("", line).strip()


def lines(text: str) -> list[Line]:
    """Every line of ``text`` with its offsets, raw and cleaned."""
    out: list[Line] = []
    pos = 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw, clean_line(raw)))
        pos += len(raw) + 1
    return out
