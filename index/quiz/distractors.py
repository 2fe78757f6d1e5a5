"""Wrong options of the same kind as the answer: other figures, years, dates, bodies and list items of the library,
and near values of the answer itself — never one that the text also makes true.

A distractor is refused when it stands in the cited sentence, or when the text has it in the answer's place
(the words around the blank followed or preceded by it), so "50%" is not offered against "30%" for a sentence
whose twin elsewhere says "tối thiểu 50% GDP".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from documents.facts import Fact, FactKind, numbers_in, value_key

#: Words of context on each side of the blank used to find the same statement elsewhere in the text.
CONTEXT_WORDS_LEFT = 3
CONTEXT_WORDS_RIGHT = 2


#: Kinds whose wrong options come from the same document only (list items make sense in their own text).
OWN_DOCUMENT = frozenset({FactKind.ITEM})


@dataclass
class Pool:
    """Values of each kind seen in the library: (kind, unit) → value key → the value as written, and the
    documents that state each value."""

    values: dict[tuple[FactKind, str], dict[str, str]] = field(default_factory=dict)
    owners: dict[tuple[FactKind, str, str], set[int]] = field(default_factory=dict)

    def add(self, fact: Fact, document_id: int = 0) -> None:
        unit = fact.unit if fact.kind is FactKind.AMOUNT else ""
        key = value_key(fact.text)
        self.values.setdefault((fact.kind, unit), {}).setdefault(key, fact.text.strip())
        self.owners.setdefault((fact.kind, unit, key), set()).add(document_id)

    def of(self, fact: Fact, document_id: int = 0) -> dict[str, str]:
        unit = fact.unit if fact.kind is FactKind.AMOUNT else ""
        values = self.values.get((fact.kind, unit), {})
        if fact.kind not in OWN_DOCUMENT:
            return values
        return {k: v for k, v in values.items() if document_id in self.owners.get((fact.kind, unit, k), set())}


def contains(haystack_key: str, value: str) -> bool:
    """``value`` (a :func:`value_key`) occurs in ``haystack_key`` as a whole (``5%`` is not in ``15%``)."""
    return re.search(rf"(?<![\w.,/]){re.escape(value)}(?![\w/]|[.,]\d)", haystack_key) is not None


@dataclass(frozen=True)
class Blank:
    """A fact blanked in its sentence, with what the text around it looks like (all :func:`value_key` forms)."""

    fact: Fact
    sentence_key: str
    left: str
    right: str

    @classmethod
    def of(cls, sentence: str, fact: Fact) -> Blank:
        left = value_key(sentence[:fact.start]).split()[-CONTEXT_WORDS_LEFT:]
        right = value_key(sentence[fact.end:]).split()[:CONTEXT_WORDS_RIGHT]
        return cls(fact, value_key(sentence), " ".join(left), " ".join(right))

    def true_elsewhere(self, key: str, document_key: str) -> bool:
        """The text states ``key`` in the blank's place (before its right context or after its left one)."""
        probes = [f"{self.left} {key}" if self.left else "", f"{key} {self.right}" if self.right else ""]
        return any(len(p) > len(key) + 3 and contains(document_key, p) for p in probes)


def _format_like(original: str, number: float) -> str:
    """``number`` written as the numbers of ``original`` are (decimal comma, thousands dots, zero padding)."""
    digits = re.search(r"\d[\d.,]*", original)
    sample = digits.group(0) if digits else ""
    if number != int(number):
        return f"{number:.1f}".replace(".", ",")
    value = int(number)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", sample):
        return f"{value:,}".replace(",", ".")
    if len(sample) == 2 and sample.startswith("0"):
        return f"{value:02d}"
    return str(value)


def _replace_numbers(text: str, numbers: Sequence[float]) -> str:
    """``text`` with its numbers replaced in order by ``numbers`` (formatted like the originals)."""
    found = list(re.finditer(r"\d{1,3}(?:\.\d{3})+(?!\d)|\d+(?:,\d+)?", text))
    out, position = [], 0
    for match, number in zip(found, numbers, strict=False):
        out.append(text[position:match.start()])
        out.append(_format_like(match.group(0), number))
        position = match.end()
    out.append(text[position:])
    return "".join(out)


def _near_numbers(fact: Fact) -> list[str]:
    """Near values of a figure, an amount or a year, written like it."""
    values = [float(n) for n in numbers_in(fact.text)]
    if not values:
        return []
    if fact.kind is FactKind.YEAR:
        year = int(values[0])
        return [str(year + d) for d in (5, -5, 10, 1, -1, 2, -2, 15)]
    if fact.unit == "/":
        return [f"1/{d}" for d in (2, 3, 4, 5, 10) if f"1/{d}" != fact.text]
    first = values[0]
    if first != int(first):
        steps = [first + 0.5, first - 0.5, first + 1, first * 2]
    elif first <= 3:
        steps = [first + 1, first + 2, first + 3, first + 4]
    elif first <= 12:
        steps = [first + 2, first - 2, first * 2, first + 3, first - 1]
    else:
        unit = 5 if first < 100 else 10 ** (len(str(int(first))) - 2) * 5
        steps = [first + unit, first - unit, first + 2 * unit, first * 2, round(first * 1.5)]
    out = []
    for step in steps:
        if step <= 0 or (fact.kind is FactKind.PERCENT and step > 100 and first <= 100):
            continue
        shift = step - first
        out.append(_replace_numbers(fact.text, [v + shift for v in values]))
    return out


def _near_dates(fact: Fact) -> list[str]:
    numbers = [int(float(n)) for n in numbers_in(fact.text)]
    if len(numbers) < 2:
        return []
    day, month = numbers[0], numbers[1]
    candidates = [(day, month + 1), (day, month - 1), (day, month + 2), (day, month - 2), (day, month + 3),
                  (15 if day != 15 else 30, month), (day, month - 3), (1 if day != 1 else 10, month),
                  (day + 5, month), (day - 5, month), (day, month + 6)]
    out = []
    for d, m in candidates:
        if 1 <= m <= 12 and 1 <= d <= (30 if m in (4, 6, 9, 11) else 29 if m == 2 else 31):
            out.append(_replace_numbers(fact.text, [d, m, *numbers[2:]]))
    return out


def _closeness(fact: Fact, candidate: str) -> float:
    """How near a candidate value is to the answer (smaller is nearer); words by shared length."""
    mine, theirs = numbers_in(fact.text), numbers_in(candidate)
    if mine and theirs:
        a, b = float(mine[0]), float(theirs[0])
        if fact.kind is FactKind.YEAR or fact.kind is FactKind.DATE:
            return abs(a - b) + 0.5 * abs(float(mine[-1]) - float(theirs[-1]))
        return abs(math.log((a + 1) / (b + 1)))
    return abs(len(candidate.split()) - len(fact.text.split())) + 0.01 * abs(len(candidate) - len(fact.text))


def _similar(a: str, b: str) -> bool:
    """Two names that are nearly the same body (``Ban Tuyên giáo Trung ương`` and its merged successor)."""
    wa, wb = set(a.split()), set(b.split())
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= 0.8


def _restyle(fact: Fact, candidate: str) -> str:
    """A figure, date or amount from elsewhere written in the answer's style (``7/3/2025`` → ``07/3/2025``
    next to ``07/4/2025``)."""
    mine, theirs = numbers_in(fact.text), numbers_in(candidate)
    if len(mine) != len(theirs) or fact.kind is FactKind.AMOUNT and fact.unit == "/":
        return candidate
    return _replace_numbers(fact.text, [float(n) for n in theirs])


def choose(blank: Blank, pool: Pool, document_key: str, *, document_id: int = 0, count: int = 3,
           avoid: Iterable[str] = ()) -> list[str]:
    """Up to ``count`` distractors for ``blank`` (fewer when the library offers too few safe ones)."""
    fact = blank.fact
    answer_key = value_key(fact.text)
    taken = {answer_key, *(value_key(a) for a in avoid)}
    numeric = fact.kind in (FactKind.PERCENT, FactKind.YEAR, FactKind.DATE, FactKind.AMOUNT)
    from_pool = [text for key, text in pool.of(fact, document_id).items() if key not in taken]
    if numeric:
        from_pool = [_restyle(fact, text) for text in from_pool]
    if fact.kind is FactKind.ITEM:
        siblings = {value_key(s) for s in fact.siblings}
        from_pool = [t for t in from_pool if value_key(t) not in siblings and len(t.split()) <= 5]
    near: list[str] = []
    if fact.kind is FactKind.DATE:
        near = _near_dates(fact)
    elif numeric:
        near = _near_numbers(fact)
    candidates: list[tuple[float, str]] = []
    year = fact.kind is FactKind.YEAR
    for text in from_pool:  # years the library speaks of (2025, 2030, 2045) before arithmetic neighbours
        closeness = _closeness(fact, text)
        if year and closeness > 20:
            continue
        candidates.append((closeness / 10 if year else closeness - (0.1 if numeric else 0.0), text))
    for rank, text in enumerate(near):
        candidates.append((_closeness(fact, text) + (2.0 if year else 0.0) + 0.01 * rank, text))
    chosen: list[str] = []
    for _, text in sorted(candidates, key=lambda c: c[0]):
        key = value_key(text)
        if (key in taken or not key or contains(blank.sentence_key, key) or blank.true_elsewhere(key, document_key)
                or (not numeric and _similar(key, answer_key)) or len(text) > 100):
            continue
        if fact.kind is FactKind.AMOUNT and fact.unit != "/" and not key.endswith(value_key(fact.unit)):
            continue
        taken.add(key)
        chosen.append(text)
        if len(chosen) == count:
            break
    return chosen
