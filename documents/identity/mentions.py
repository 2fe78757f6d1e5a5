"""Loose document mentions in questions: "NQ 57", "nghị quyết số 57", "57/NQ-TW", "KL 127, 128", "第57号决议".

Vietnamese mentions are read on folded text (no diacritics, lower case), so "nghi quyet 57" is "nghị quyết 57".
"""

from __future__ import annotations

import re

from documents.identity.codes import LEGISLATURES, canonical_code, types_with_code
from documents.identity.vocabulary import (
    ASKED_NUMBER_CODES,
    ASKED_TYPE_WORDS,
    ASKED_TYPES,
    CHINESE_TYPE_WORDS,
    CHINESE_TYPES,
    alternation,
)
from documents.model import DocRef
from documents.text import fold

# "nghi quyet so 57", "nq57", "nq 57-nq/tw", "nghi dinh 25/2025", "kl 127, 128 va 130"
_LOOSE = re.compile(
    rf"(?<![a-z0-9])(?P<type>{ASKED_TYPE_WORDS})\s*(?:so\s*|s[oố]\.\s*|:\s*|#\s*|no\.?\s*)?"
    r"(?P<num>\d{1,5})(?![\d])"
    r"(?P<suffix>(?:\s*[-/]\s*(?:19|20)\d\d)?(?:\s*[-/]\s*[a-z]{1,6}(?:\s*[-/]\s*[a-z][a-z0-9]{0,13})?)?)"
    r"(?![a-z0-9])"
)
_MORE = re.compile(r"\s*(?:,|va|và|hoac|hoặc|and|or|&)\s*(?:so\s*)?(\d{1,5})(?![\d/.,]\d)(?![a-z0-9])")
_LEGISLATURES = alternation(code.lower() for code in LEGISLATURES)
# full numbers as users write them: "57-NQ/TW", "57/NQ-TW", "57-NQ-TW", "25/2025/ND-CP", "60/2024/QH15"
_FULL = re.compile(
    r"(?<![a-z0-9/])(?P<num>\d{1,5})\s*(?:[-/]\s*(?P<year>(?:19|20)\d\d)\s*)?"
    rf"[-/]\s*(?P<type>{ASKED_NUMBER_CODES})"
    r"\s*[-/]\s*(?P<issuer>[a-z][a-z0-9]{0,13}(?:-[a-z][a-z0-9]{0,13})?)(?![a-z0-9])"
    r"|(?<![a-z0-9/])(?P<qnum>\d{1,5})/(?P<qyear>(?:19|20)\d\d)"
    rf"/(?P<qissuer>(?:{_LEGISLATURES})\d{{0,2}})(?![a-z0-9])"
)
_CHINESE = re.compile(
    rf"第?\s*(?P<num>\d{{1,5}})\s*号\s*(?P<type>{CHINESE_TYPE_WORDS})"
    rf"|(?P<type2>{CHINESE_TYPE_WORDS})\s*第\s*(?P<num2>\d{{1,5}})\s*号"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def _strip_zeros(num: str) -> str:
    return num.lstrip("0") or "0"


def _issuer_code(raw: str) -> str:
    """Issuer code as written, with Đ and case restored for known ASCII spellings (``du`` → ``ĐU``)."""
    return canonical_code(raw.replace(" ", ""))


def _ref_type(code: str) -> str | None:
    """The type code a ref keeps: none for types whose numbers carry no code (a Luật's ``60/2024/QH15``)."""
    rows = types_with_code(code)
    return code if rows and rows[0].coded else None


class _Found:
    """Refs found so far. Two overlapping refs of the same number are one mention read two ways ("Nghị quyết số
    76/2025/UBTVQH15"): their parts are merged. Otherwise the more specific, longer one is kept."""

    def __init__(self) -> None:
        self.refs: list[DocRef] = []

    def add(self, ref: DocRef) -> None:
        for i, other in enumerate(self.refs):
            a, b = ref.span, other.span
            if a[0] < b[1] and b[0] < a[1]:
                if ref.number == other.number:
                    self.refs[i] = DocRef(ref.number, other.type_code or ref.type_code,
                                          other.issuer_code or ref.issuer_code, (min(a[0], b[0]), max(a[1], b[1])),
                                          other.year or ref.year)
                elif (ref.issuer_code, ref.type_code) != (None, None) and (a[1] - a[0]) > (b[1] - b[0]):
                    self.refs[i] = ref
                return
        self.refs.append(ref)


def _full_numbers(folded: str, found: _Found) -> None:
    for m in _FULL.finditer(folded):
        if m.group("qnum"):
            found.add(DocRef(_strip_zeros(m.group("qnum")), None, _issuer_code(m.group("qissuer")), m.span(),
                             m.group("qyear")))
            continue
        type_code = canonical_code(m.group("type"))
        found.add(DocRef(_strip_zeros(m.group("num")), _ref_type(type_code), _issuer_code(m.group("issuer")),
                         m.span(), m.group("year")))


def _named(folded: str, found: _Found) -> None:
    for m in _LOOSE.finditer(folded):
        type_code = ASKED_TYPES[re.sub(r"\s+", " ", m.group("type"))]
        issuer: str | None = None
        parts = [p for p in re.split(r"[-/]", re.sub(r"\s+", "", m.group("suffix"))) if p]
        year = next((p for p in parts if _YEAR.fullmatch(p)), None)
        parts = [p for p in parts if not _YEAR.fullmatch(p)]
        if parts and ASKED_TYPES.get(parts[0]) is not None:  # "nq 57-nq/tw"
            type_code = ASKED_TYPES[parts[0]]
            parts = parts[1:]
        if parts:
            issuer = _issuer_code(parts[0])
        ref_type = _ref_type(type_code)
        found.add(DocRef(_strip_zeros(m.group("num")), ref_type, issuer, m.span(), year))
        pos = m.end()
        while more := _MORE.match(folded, pos):  # "nghị quyết 57 và 66", "KL 127, 128"
            found.add(DocRef(_strip_zeros(more.group(1)), ref_type, None, more.span(1)))
            pos = more.end()


def _chinese(question: str, found: _Found) -> None:
    for m in _CHINESE.finditer(question):
        num = m.group("num") or m.group("num2")
        found.add(DocRef(_strip_zeros(num), CHINESE_TYPES[m.group("type") or m.group("type2")], None, m.span()))


def find_mentions(question: str) -> list[DocRef]:
    """Loose document mentions in ``question`` ("NQ 57", "nghị quyết số 57", "57/NQ-TW", "第57号决议")."""
    folded = fold(question)
    if len(folded) != len(question):  # fold changed the length (rare ligatures): spans become approximate
        folded = folded[: len(question)].ljust(len(question))
    found = _Found()
    _full_numbers(folded, found)
    _named(folded, found)
    _chinese(question, found)
    return sorted(found.refs, key=lambda r: r.span)

