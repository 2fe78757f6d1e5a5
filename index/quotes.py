"""Verbatim quotes: pick the sentences of a passage that answer, cut a window around them, verify it.

Pure functions of text: nothing here reads the index. A quote is shown only after :func:`verify_quote` found
it to be exactly the stored source text at its offsets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Protocol

from documents.text import fold, sentence_spans
from index.keywords import marked_terms, query_terms

MAX_QUOTE_CHARS = 600
MAX_HIGHLIGHTS = 2
#: A sentence that states the kind of thing asked (a date for "khi nào") gains this share of the top weight.
WANTED_BONUS = 0.5
#: Lines this short without closing punctuation are headings, never highlighted as the answer.
HEADING_CHARS = 80
#: A sentence worth highlighting has a word, not only a list number ("1.").
_WORD = re.compile(r"[^\W\d_]{2,}")


class ChunkLike(Protocol):
    @property
    def heading(self) -> str: ...

    @property
    def text(self) -> str: ...


class QuoteMismatch(RuntimeError):
    """A quote that is not an exact substring of the stored source text (never shown)."""


def term_coverage(question: str, passages: Sequence[ChunkLike]) -> float:
    """Largest share of the question's content words (folded, no numbers) found in one of ``passages``."""
    terms = {term for term in query_terms(question) if not term.isdigit()}
    return weighted_matches(dict.fromkeys(terms, 1 / len(terms)), passages) if terms else 0.0


def weighted_matches(weights: Mapping[str, float], passages: Sequence[ChunkLike]) -> float:
    """The largest total weight of ``weights``' terms found in one of ``passages``."""
    best = 0.0
    for passage in passages:
        words = set(query_terms(f"{passage.heading} {passage.text}", drop_question_words=False))
        best = max(best, sum(weight for term, weight in weights.items() if term in words))
    return best


def question_weights(question: str, weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """The question's terms as sentences are matched against them: with their diacritics where the question
    has them (so "đặt mục tiêu" does not match "đạt mức"), folded where it was typed without; each weighted by
    ``weights`` (keyed by folded term; 1 without)."""
    return {term: (weights or {}).get(fold(term), 1.0) for term in marked_terms(question)}


@lru_cache(maxsize=8192)  # ~3 KB each: at most ~25 MiB
def _sentence_words(sentence: str) -> frozenset[str]:
    """A sentence's terms with their diacritics and folded (cached: a library's sentences come back for many
    questions)."""
    words = marked_terms(sentence, drop_question_words=False)
    return frozenset(words) | {fold(word) for word in words}


def _overlap(weights: Mapping[str, float], sentence: str) -> float:
    """The weight of the question's terms (from :func:`question_weights`) that the sentence holds."""
    words = _sentence_words(sentence)
    return sum(weight for term, weight in weights.items() if term in words)


def sentence_share(weights: Mapping[str, float], text: str) -> float:
    """The largest share of the question's term weight (:func:`question_weights`) that one sentence of ``text``
    holds: a passage whose single sentence says what was asked beats one whose words are spread over many."""
    total = sum(weights.values())
    if not total:
        return 0.0
    return max((_overlap(weights, text[s:e]) for s, e in sentence_spans(text)), default=0.0) / total


def _is_heading(sentence: str) -> bool:
    """A short line without closing punctuation: a heading, not a statement."""
    return len(sentence) <= HEADING_CHARS and not sentence.rstrip().endswith((".", ";", ":", "!", "?", "…", "。"))


def select_quote(
    question: str, text: str, max_chars: int = MAX_QUOTE_CHARS, *, begin: int = 0,
    weights: Mapping[str, float] | None = None, wanted: re.Pattern[str] | None = None,
) -> tuple[int, int, list[tuple[int, int]]]:
    """The window of ``text`` to quote and the answering sentences inside it (all relative to ``text``).

    Sentences are scored by the question's keyword terms (diacritic-free, so typed-without-marks questions
    work too), each weighted by ``weights`` (rarer words weigh more; 1 each without them), plus a bonus for
    stating the kind of thing asked (``wanted``: a date, a share); the best sentence anchors a window that
    grows over neighbours up to ``max_chars``. Only sentences from ``begin`` on are quoted (a passage's
    letterhead is not evidence).
    """
    spans = [(s, e) for s, e in sentence_spans(text) if s >= begin]
    if not spans:
        return 0, 0, []
    weights = question_weights(question, weights)
    scores = [_overlap(weights, text[s:e]) for s, e in spans]
    if wanted is not None:
        bonus = WANTED_BONUS * max(weights.values(), default=1.0)
        scores = [score + (bonus if score and wanted.search(text[s:e]) else 0.0)
                  for score, (s, e) in zip(scores, spans, strict=True)]
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
    while hi > lo and not _WORD.search(text[spans[hi][0]:spans[hi][1]]):  # no "6." left dangling at the end
        hi -= 1
    start, end = spans[lo][0], spans[hi][1]
    if end - start > max_chars:  # one very long sentence: cut at a word boundary
        cut = text.rfind(" ", start, start + max_chars)
        end = cut if cut > start else start + max_chars
    # Highlight the sentences that carry the answer: the best one and at most one more nearly as good; a
    # heading line ("II- MỤC TIÊU", "1. Đến năm 2030") shows where, it does not answer.
    threshold = max(scores[best] * 0.75, 2.0 * min(weights.values(), default=1.0))
    inside = [i for i in range(lo, hi + 1)
              if spans[i][0] < end and scores[i] >= threshold and not _is_heading(text[spans[i][0]:spans[i][1]])]
    chosen = sorted(sorted(inside, key=lambda i: -scores[i])[:MAX_HIGHLIGHTS])
    if chosen and text[spans[chosen[0]][0]:spans[chosen[0]][1]].rstrip().endswith(":"):
        # a lead-in ("Hồ sơ lưu trữ vĩnh viễn bao gồm:") announces the answer: highlight what follows it
        chosen = [i for i in range(chosen[0] + 1, hi + 1) if spans[i][0] < end][:MAX_HIGHLIGHTS] or chosen
    elif not chosen:  # chosen by its heading: the first statement under the heading lines
        chosen = next(([i] for i in range(lo, hi + 1)
                       if spans[i][0] < end and not _is_heading(text[spans[i][0]:spans[i][1]])
                       and _WORD.search(text[spans[i][0]:spans[i][1]])), [])
    marks = [(spans[i][0], min(spans[i][1], end)) for i in chosen]
    return start, end, marks


def verify_quote(stored: str | None, quote: str, offsets: tuple[int, int]) -> None:
    """Raise :class:`QuoteMismatch` unless ``quote`` is exactly ``stored``, the source text at ``offsets``."""
    if not quote or stored != quote:
        raise QuoteMismatch(f"quote at {offsets[0]}:{offsets[1]} does not match the stored source")
