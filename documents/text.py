"""Vietnamese/Chinese text normalisation.

Three levels, each built on the previous one:

* :func:`nfc` — Unicode NFC plus whitespace clean-up; this is the stored source text that quotes come from.
* :func:`canonical_tones` — one tone-mark placement for ``oa/oe/uy`` syllables (``hoà``→``hòa``,
  ``thuỷ``→``thủy``) so that old and new spellings embed and match alike.
* :func:`fold` — lower case, no diacritics, ``đ``→``d``: the form users type without a Vietnamese keyboard.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
# Web copies break item numbers from their dot: "6\n. Giáo dục ..." → "6. Giáo dục ..."
_BROKEN_NUMBER = re.compile(r"(?m)^(\d{1,2}|[a-zđ]|[IVXL]{1,5})\n([.)])[ \t]*")

# Tone marks as combining characters (after NFD): grave, acute, hook above, tilde, dot below.
_TONES = frozenset("\u0300\u0301\u0309\u0303\u0323")
# New style puts the tone on the second vowel of open oa/oe/uy ("hoà", "thuỷ"); the canonical form here is
# the more widespread old style ("hòa", "thủy"). Only open syllables move: "hoàn", "khuyên" are unambiguous.
_OPEN_PAIRS = frozenset({("o", "a"), ("o", "e"), ("u", "y")})
_WORD = re.compile(r"[^\W\d_]+")

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ı": "i"})

#: Han characters (CJK Unified Ideographs, Extension A, Compatibility Ideographs): the one range table that
#: keyword terms, chunk sizes and language checks all use.
HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN = re.compile(f"[{HAN_RANGES}]")
#: Where a sentence ends: after ``. ; : ! ? …`` and spaces, after Chinese ``。；！？`` (spaces optional), or at a
#: line break. Chunking cuts there, quotes are made of such sentences, long messages are split there.
SENTENCE_BREAK = re.compile(r"(?<=[.;:!?…])\s+|(?<=[。；！？])\s*|\n+")
# Control characters (but tab and newline) and the bidirectional embeddings, overrides and isolates
# (U+202A–U+202E, U+2066–U+2069) that can hide or reorder text a user typed or a file name carries.
_CONTROLS = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def nfc(text: str) -> str:
    """NFC, no zero-width characters, normalised spaces and line ends; keeps paragraph breaks."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BROKEN_NUMBER.sub(r"\1\2 ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def _canonical_word(match: re.Match[str]) -> str:
    word = match.group(0)
    groups: list[list[str]] = []  # base letter followed by its combining marks
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.combining(ch) and groups:
            groups[-1].append(ch)
        else:
            groups.append([ch])
    if len(groups) < 2:
        return word
    first, last = groups[-2], groups[-1]
    if (first[0].lower(), last[0].lower()) not in _OPEN_PAIRS or len(first) != 1:
        return word
    if first[0].lower() == "u" and len(groups) > 2 and groups[-3][0].lower() == "q":
        return word  # "quý": u belongs to the consonant qu
    tones = [mark for mark in last[1:] if mark in _TONES]
    if len(tones) != 1 or len(last) != 2:
        return word
    first.append(tones[0])
    del last[1]
    return unicodedata.normalize("NFC", "".join("".join(group) for group in groups))


def canonical_tones(text: str) -> str:
    """NFC text with one tone placement for open oa/oe/uy syllables (``hoà``/``hòa`` → ``hòa``)."""
    return _WORD.sub(_canonical_word, unicodedata.normalize("NFC", text))


@lru_cache(maxsize=100_000)
def fold(text: str) -> str:
    """Lower case without diacritics (``Đảng ủy`` → ``dang uy``); CJK characters are kept. Cached: the same
    passages and sentences are folded for every question that retrieves them."""
    text = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD_EXTRA)


def has_cjk(text: str) -> bool:
    return bool(HAN.search(text))


def strip_controls(text: str) -> str:
    """``text`` without control characters (tab and newline kept) and without bidirectional overrides."""
    return _CONTROLS.sub("", text)


def one_line(text: str, limit: int = 200) -> str:
    """A name safe to print and store: no controls or escape sequences, whitespace collapsed, at most
    ``limit`` characters (file names from uploads and disks end up in titles and terminals)."""
    return " ".join(strip_controls(unicodedata.normalize("NFC", text)).split())[:limit]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or line of ``text`` (see :data:`SENTENCE_BREAK`), blank ones left out."""
    spans: list[tuple[int, int]] = []
    position = 0
    for match in SENTENCE_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def has_vietnamese_marks(text: str) -> bool:
    """True when the text carries any Vietnamese diacritic (so it was not typed without them)."""
    return fold(text) != text.lower()
