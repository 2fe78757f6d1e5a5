"""Answers made of verbatim quotes: pick the sentences of a passage that answer, cut a quote, verify it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from index.keywords import query_terms

_SENTENCE_END = re.compile(r"(?<=[.;:!?…。；！？])\s+|\n+")
MAX_QUOTE_CHARS = 600
MAX_HIGHLIGHTS = 2


class ChunkLike(Protocol):
    @property
    def heading(self) -> str: ...

    @property
    def text(self) -> str: ...


class QuoteMismatch(RuntimeError):
    """A quote that is not an exact substring of the stored source text (never shown)."""


@dataclass(frozen=True)
class Citation:
    document_id: int
    chunk_id: int
    doc_number: str | None
    doc_type: str | None
    title: str | None
    date: str | None
    locator: str
    quote: str
    score: float
    source: str
    #: (start, end) of the sentences that answer, relative to ``quote``.
    highlights: tuple[tuple[int, int], ...] = ()
    #: (start, end) of the quote in the stored source text of the document's version.
    offsets: tuple[int, int] = (0, 0)

    def as_json(self) -> dict[str, object]:
        return {
            "doc_number": self.doc_number,
            "title": self.title,
            "date": self.date,
            "locator": self.locator,
            "quote": self.quote,
            "score": round(self.score, 4),
            "source": self.source,
        }


@dataclass(frozen=True)
class ClosestDocument:
    document_id: int
    doc_number: str | None
    title: str | None


@dataclass
class Answer:
    question: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    #: When nothing answers: the documents that came closest, so the user knows where to look.
    closest: list[ClosestDocument] = field(default_factory=list)
    #: Documents the question named ("NQ 57"), resolved; empty when it named none.
    named_documents: list[int] = field(default_factory=list)
    #: Named documents that are not in the index (the user asked about something we do not have).
    unknown_mentions: list[str] = field(default_factory=list)
    #: The evidence score compared with the calibrated threshold (best dense similarity among top hits).
    evidence: float = 0.0


def term_coverage(question: str, passages: Sequence[ChunkLike]) -> float:
    """Largest share of the question's content words (folded, no numbers) found in one of ``passages``."""
    terms = {term for term in query_terms(question) if not term.isdigit()}
    if not terms:
        return 0.0
    best = 0.0
    for passage in passages:
        words = set(query_terms(f"{passage.heading} {passage.text}", drop_question_words=False))
        best = max(best, len(terms & words) / len(terms))
    return best


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence/line in ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _overlap(terms: set[str], sentence: str) -> float:
    words = set(query_terms(sentence, drop_question_words=False))
    if not words:
        return 0.0
    hits = terms & words
    return len(hits) + 0.5 * sum(1 for t in hits if not t.isdigit() and len(t) > 6)


def select_quote(
    question: str, text: str, max_chars: int = MAX_QUOTE_CHARS
) -> tuple[int, int, list[tuple[int, int]]]:
    """The window of ``text`` to quote and the answering sentences inside it (all relative to ``text``).

    Sentences are scored by the question's keyword terms (diacritic-free, so typed-without-marks questions
    work too); the best sentence anchors a window that grows over neighbours up to ``max_chars``.
    """
    spans = sentence_spans(text)
    if not spans:
        return 0, 0, []
    terms = set(query_terms(question))
    scores = [_overlap(terms, text[s:e]) for s, e in spans]
    best = max(range(len(spans)), key=lambda i: scores[i])
    if scores[best] == 0:
        best = 0
    lo = hi = best
    while True:
        grown = False
        for candidate in (hi + 1, lo - 1):
            if 0 <= candidate < len(spans):
                start = spans[min(lo, candidate)][0]
                end = spans[max(hi, candidate)][1]
                if end - start <= max_chars:
                    lo, hi = min(lo, candidate), max(hi, candidate)
                    grown = True
        if not grown:
            break
    start, end = spans[lo][0], spans[hi][1]
    if end - start > max_chars:  # one very long sentence: cut at a word boundary
        cut = text.rfind(" ", start, start + max_chars)
        end = cut if cut > start else start + max_chars
    # Highlight the sentences that carry the answer: the best one and at most one more nearly as good.
    threshold = max(scores[best] * 0.75, 2.0)
    inside = [i for i in range(lo, hi + 1) if spans[i][0] < end and scores[i] >= threshold]
    chosen = sorted(sorted(inside, key=lambda i: -scores[i])[:MAX_HIGHLIGHTS])
    marks = [(spans[i][0], min(spans[i][1], end)) for i in chosen]
    return start, end, marks


def verify_quote(stored: str | None, quote: str, offsets: tuple[int, int]) -> None:
    """Raise :class:`QuoteMismatch` unless ``quote`` is exactly ``stored``, the source text at ``offsets``."""
    if not quote or stored != quote:
        raise QuoteMismatch(f"quote at {offsets[0]}:{offsets[1]} does not match the stored source")
