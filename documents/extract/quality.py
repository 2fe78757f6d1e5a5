"""How much an extracted text looks like real text (used to pick a PDF text path and to trigger OCR, and to
refuse binary data decoded as text).

The score is the share of "good" characters among the non-space ones: letters of Latin/Vietnamese/CJK
scripts, digits and ordinary punctuation are good; U+FFFD, private-use code points, control characters,
combining marks left over after NFC (a tone mark separated from its vowel) and ``(cid:NN)`` tokens are bad;
anything else (symbols, other scripts) counts half.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from documents.text import HAN

_CID = re.compile(r"\(cid:\d+\)")
_GOOD_PUNCT = frozenset(".,;:!?()[]{}\"'-–—…/%&*+=<>«»“”‘’•§°#@_|·")
_CID_WEIGHT = 4  # one (cid:NN) token stands for a lost character: weigh it like several bad ones


@dataclass(frozen=True)
class Quality:
    score: float  # 0..1
    letters: int
    bad: int


def _is_good_letter(ch: str) -> bool:
    if not ch.isalpha():
        return False
    code = ord(ch)
    return (
        code < 0x250  # Latin, Latin-1, Latin Extended-A/B (ă đ ơ ư ...)
        or 0x1E00 <= code <= 0x1EFF  # Latin Extended Additional (ạ ả ấ ... Vietnamese)
        or bool(HAN.match(ch))  # Han characters (documents.text's one range table)
        or 0x3040 <= code <= 0x30FF  # kana (harmless in CJK text)
    )


MAX_IMPLAUSIBLE = 0.05  # real texts: 0 (see scripts/hostile_files.py --corpus); bytes decoded as text: 0.1-0.6
_IMPLAUSIBLE_CATEGORIES = frozenset({"Cc", "Cn", "Cs", "Co"})


def implausible_share(text: str) -> float:
    """Share of control (other than white space), unassigned, surrogate and private-use code points and U+FFFD
    among the non-space characters. Trailing NUL and ^Z padding (old DOS editors) is not counted."""
    bad = total = 0
    for ch, count in Counter(text.rstrip("\x00\x1a")).items():
        if ch.isspace():
            continue
        total += count
        if ch == "\ufffd" or unicodedata.category(ch) in _IMPLAUSIBLE_CATEGORIES:
            bad += count
    return bad / total if total else 0.0


def looks_like_text(text: str) -> bool:
    return implausible_share(text) <= MAX_IMPLAUSIBLE


def measure(text: str) -> Quality:
    cids = len(_CID.findall(text))
    text = unicodedata.normalize("NFC", _CID.sub("", text))
    good = bad = other = letters = 0
    for ch in text:
        if ch.isspace():
            continue
        category = unicodedata.category(ch)
        if ch == "\ufffd" or category in ("Co", "Cs", "Cn") or (category == "Cc"):
            bad += 1
        elif category == "Mn":
            bad += 1  # NFC leaves no Vietnamese mark uncombined unless it lost its base letter
        elif _is_good_letter(ch):
            good += 1
            letters += 1
        elif ch.isdigit() or ch in _GOOD_PUNCT:
            good += 1
        else:
            other += 1
    bad += cids * _CID_WEIGHT
    total = good + bad + other
    score = (good + 0.5 * other) / total if total else 0.0
    return Quality(score=score, letters=letters, bad=bad)
