"""Text → keyword-index terms, shared by indexing and querying so both sides fold alike.

Vietnamese is indexed per syllable, folded (no diacritics, ``đ``→``d``), plus each pair of adjacent
syllables joined (``dang uy`` → ``danguy``) so that multi-syllable words weigh more than their parts. Chinese
has no spaces: each run of Han characters becomes its overlapping character bigrams (single characters for a
run of one). FTS5 then sees plain space-separated ASCII-like tokens.
"""

from __future__ import annotations

import re

from documents.text import HAN, HAN_RANGES, canonical_tones, fold

#: Changes whenever :func:`index_terms` would produce other terms for the same text: a catalog indexed with
#: another version has its keyword index rebuilt when it is opened (``Library.upgrade_keywords``).
#: 2: digits and Latin letters next to Han characters are separate terms ("57号决议" → "57", "号决", "决议").
TERMS_VERSION = "2"

# A run of Han characters, or a run of other letters and digits (Han excluded, so "57号决议" is "57" + "号决议").
_TOKEN = re.compile(f"[{HAN_RANGES}]+|[^\\W_{HAN_RANGES}]+")

# Question words and fillers that say nothing about which passage answers (folded forms).
_QUESTION_WORDS = frozenset(
    (
        "la gi nao the sao bao nhieu khong co phai hay hoac nhu thi ma vay a nhi duoc cua cac nhung mot ve voi va "
        "trong cho tai theo tu den khi neu de do nay kia ay hoi xin biet toi minh chung ta ban dung sai"
    ).split(" ")
)
_CJK_STOP = frozenset(["的", "了", "是", "在", "和", "与", "什么", "吗", "呢", "哪些", "如何", "怎么"])


def _syllables(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def _expand(tokens: list[str], *, with_pairs: bool, stop: frozenset[str] = frozenset(),
            folded: bool = True) -> list[str]:
    """Unigrams (minus ``stop``) and, for Vietnamese, adjacent pairs unless both halves are in ``stop``
    (``stop`` holds folded words: with ``folded=False`` tokens are compared folded)."""
    terms: list[str] = []
    previous: str | None = None
    previous_stop = False
    for token in tokens:
        if HAN.match(token):
            grams = [token] if len(token) == 1 else [token[i : i + 2] for i in range(len(token) - 1)]
            terms.extend(g for g in grams if g not in stop)
            previous = None
            continue
        is_stop = (token if folded else fold(token)) in stop
        if not is_stop:
            terms.append(token)
        if with_pairs and previous is not None and not (previous_stop and is_stop):
            terms.append(previous + token)
        previous, previous_stop = token, is_stop
    return terms


def index_terms(text: str) -> str:
    """The FTS5 body for a passage."""
    return " ".join(_expand(_syllables(text), with_pairs=True))


def query_terms(text: str, *, drop_question_words: bool = True) -> list[str]:
    """Distinct terms of a question in order of appearance (question words dropped)."""
    stop = _QUESTION_WORDS | _CJK_STOP if drop_question_words else frozenset()
    terms = _expand(_syllables(text), with_pairs=True, stop=stop)
    if not terms:
        terms = _expand(_syllables(text), with_pairs=True)
    return list(dict.fromkeys(terms))


def marked_terms(text: str, *, drop_question_words: bool = True) -> list[str]:
    """:func:`query_terms` with the diacritics kept (lower case, one tone-mark placement): "đặt mục" and "đạt
    mức" fold alike but are different words. Terms typed without marks are the same in both forms."""
    stop = _QUESTION_WORDS | _CJK_STOP if drop_question_words else frozenset()
    tokens = _TOKEN.findall(canonical_tones(text).lower())
    terms = _expand(tokens, with_pairs=True, stop=stop, folded=False)
    return list(dict.fromkeys(terms or _expand(tokens, with_pairs=True, folded=False)))


def fts_query(terms: list[str]) -> str:
    """An FTS5 MATCH expression OR-ing the terms (each quoted, so no term is read as an operator)."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
