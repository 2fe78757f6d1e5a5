"""Document numbers as written in texts: the pattern, its parts, the canonical spelling and comparison key.

Party ``57-NQ/TW``; state ``25/2025/NĐ-CP``, ``380/NQ-CP``; legislature ``60/2024/QH15``, ``76/2025/UBTVQH15``.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from documents.identity.codes import LEGISLATURES, code_key, is_party_issuer
from documents.identity.vocabulary import alternation

_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,9}"
_ISSUER = r"[A-ZĐ][A-Za-zĐđ0-9]{0,14}(?:-[A-ZĐ][A-Za-zĐđ0-9]{0,14})*"
#: the four spellings, with groups n/y/t/i (number, year, type code, issuer) numbered 1-4
NUMBER = (
    rf"(?P<n1>\d{{1,5}})-(?P<t1>{_CODE})/(?P<i1>{_ISSUER})"
    rf"|(?P<n2>\d{{1,5}})/(?P<y2>(?:19|20)\d\d)/(?P<t2>{_CODE})-(?P<i2>{_ISSUER})"
    rf"|(?P<n3>\d{{1,5}})/(?P<t3>{_CODE})-(?P<i3>{_ISSUER})"
    rf"|(?P<n4>\d{{1,5}})/(?P<y4>(?:19|20)\d\d)/(?P<i4>(?:{alternation(LEGISLATURES)})\d{{0,2}})"
)
NUMBER_RE = re.compile(rf"(?<![\w/-])(?:{NUMBER})(?![\w/])")


class Parts(NamedTuple):
    """The parts of a written number; ``type_code`` is ``""`` for a legislature's (``60/2024/QH15``)."""

    number: str
    year: str | None
    type_code: str
    issuer: str | None


def number_parts(match: re.Match[str], prefix: str = "") -> Parts:
    """The parts of a :data:`NUMBER` match (whose groups carry ``prefix`` when it was renamed)."""
    g = match.groupdict()
    for i in "1234":
        num = g.get(f"{prefix}n{i}")
        if num:
            return Parts(num, g.get(f"{prefix}y{i}"), g.get(f"{prefix}t{i}") or "", g.get(f"{prefix}i{i}"))
    raise ValueError("not a number match")


def format_number(parts: Parts) -> str:
    """The canonical spelling: Party ``57-NQ/TW``, state ``25/2025/NĐ-CP`` or ``380/NQ-CP``."""
    num, year, type_code, issuer = parts
    if issuer and not type_code:
        return f"{num}/{year}/{issuer}" if year else f"{num}/{issuer}"
    if issuer and is_party_issuer(issuer) and not year:
        return f"{num}-{type_code}/{issuer}"
    if year:
        return f"{num}/{year}/{type_code}-{issuer}"
    return f"{num}/{type_code}-{issuer}"


def number_key(number: str) -> str:
    """Comparison key of a number: folded, no leading zeros (``05/2025/NQ-CP`` == ``5/2025/NQ-CP``)."""
    return code_key(number).lstrip("0")
