"""Legacy Vietnamese 8-bit font encodings (TCVN3/ABC and VNI) → Unicode.

Before Unicode, Vietnamese documents were typed with fonts that reuse Latin-1 code points: TCVN3 fonts
(``.VnTime``; ``§¶ng`` is "Đảng") put each toned lower-case letter on one byte, VNI fonts (``VNI-Times``;
``Ñaûng``) write a base letter followed by a mark byte. Text extracted from such files looks like Latin-1
garbage. :func:`convert` repairs it line by line, but only when the evidence is strong:

* a line is a candidate only if it has no real Vietnamese letter outside Latin-1 (``ă đ ơ ư ạ ả ...``) and at
  least one character that Unicode Vietnamese never uses (``§ ¶ µ ¸`` for TCVN3, ``aù ø û ï ñ`` for VNI);
* the whole text must carry several such signs, and the converted candidate words must be well-formed
  Vietnamese syllables (≤ 1 tone mark, valid onset/vowel/coda) — otherwise nothing is changed.

TCVN3 has no code points for toned capitals: ABC used separate "H" fonts (``.VnTimeH``) that draw the
lower-case codes as capitals. :func:`decode` takes ``upper=True`` for text known to be in such a font
(DOCX run fonts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Literal

Encoding = Literal["tcvn3", "vni"]

# Tone order used by both tables below: acute, grave, hook above, tilde, dot below.
_TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_BASES = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def _toned(base: str, tone: int) -> str:
    return unicodedata.normalize("NFC", base + _TONES[tone])


# --- TCVN3 (TCVN 5712:1993 VN3, the ABC fonts) ---------------------------------------------------------
# Codes per base in the encoding's own order: grave, hook, tilde, acute, dot.
_TCVN3_TONED = {
    "a": "\xb5\xb6\xb7\xb8\xb9",
    "ă": "\xbb\xbc\xbd\xbe\xc6",
    "â": "\xc7\xc8\xc9\xca\xcb",
    "e": "\xcc\xce\xcf\xd0\xd1",
    "ê": "\xd2\xd3\xd4\xd5\xd6",
    "i": "\xd7\xd8\xdc\xdd\xde",
    "o": "\xdf\xe1\xe2\xe3\xe4",
    "ô": "\xe5\xe6\xe7\xe8\xe9",
    "ơ": "\xea\xeb\xec\xed\xee",
    "u": "\xef\xf1\xf2\xf3\xf4",
    "ư": "\xf5\xf6\xf7\xf8\xf9",
    "y": "\xfa\xfb\xfc\xfd\xfe",
}
_TCVN3_ORDER = (1, 2, 3, 0, 4)  # grave, hook, tilde, acute, dot → index into _TONES
_TCVN3_PLAIN = {
    "Ă": "\xa1", "Â": "\xa2", "Ê": "\xa3", "Ô": "\xa4", "Ơ": "\xa5", "Ư": "\xa6", "Đ": "\xa7",
    "ă": "\xa8", "â": "\xa9", "ê": "\xaa", "ô": "\xab", "ơ": "\xac", "ư": "\xad", "đ": "\xae",
}  # fmt: skip


def _tcvn3_tables() -> tuple[dict[str, str], dict[str, str]]:
    to_legacy: dict[str, str] = dict(_TCVN3_PLAIN)
    for base, codes in _TCVN3_TONED.items():
        for code, tone in zip(codes, _TCVN3_ORDER, strict=True):
            to_legacy[_toned(base, tone)] = code
    to_unicode = {code: uni for uni, code in to_legacy.items()}
    # Capitals with tones do not exist in TCVN3; they are written with the lower-case codes.
    for uni, code in list(to_legacy.items()):
        upper = uni.upper()
        if upper not in to_legacy:
            to_legacy[upper] = code
    return to_unicode, to_legacy


TCVN3_TO_UNICODE, UNICODE_TO_TCVN3 = _tcvn3_tables()

# --- VNI (VNI-Times and friends) -----------------------------------------------------------------------
_VNI_TONE_MARKS = ("ù", "ø", "û", "õ", "ï")  # acute, grave, hook, tilde, dot — after a, e, o, ô(ơ), u, ư, y
_VNI_CIRC_MARKS = ("á", "à", "å", "ã", "ä")  # circumflex + tone: â, ê, ô
_VNI_BREVE_MARKS = ("é", "è", "ú", "ü", "ë")  # breve + tone: ă
_VNI_I = ("í", "ì", "æ", "ó", "ò")  # i with tones is a single byte
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}


def _vni_table() -> dict[str, str]:
    """Unicode letter (lower case) → VNI sequence (lower case)."""
    table: dict[str, str] = {"ă": "aê", "â": "aâ", "ê": "eâ", "ô": "oâ", **_VNI_SINGLE}
    for base, seq in (("a", "a"), ("e", "e"), ("o", "o"), ("ơ", "ô"), ("u", "u"), ("ư", "ö"), ("y", "y")):
        for tone, mark in enumerate(_VNI_TONE_MARKS):
            table.setdefault(_toned(base, tone), seq + mark)
    for base, seq in (("â", "a"), ("ê", "e"), ("ô", "o")):
        for tone, mark in enumerate(_VNI_CIRC_MARKS):
            table[_toned(base, tone)] = seq + mark
    for tone, mark in enumerate(_VNI_BREVE_MARKS):
        table[_toned("ă", tone)] = "a" + mark
    for tone, code in enumerate(_VNI_I):
        table[_toned("i", tone)] = code
    return table


def _vni_tables() -> tuple[dict[str, str], dict[str, str]]:
    lower = _vni_table()
    to_legacy: dict[str, str] = {}
    for uni, seq in lower.items():
        to_legacy[uni] = seq
        to_legacy[uni.upper()] = seq.upper()
    to_unicode = {seq: uni for uni, seq in to_legacy.items()}
    # Tolerate a mark whose case differs from its base ("Aû"): the base decides the case.
    for uni, seq in lower.items():
        if len(seq) == 2:
            to_unicode.setdefault(seq[0].upper() + seq[1], uni.upper())
            to_unicode.setdefault(seq[0] + seq[1].upper(), uni)
    return to_unicode, to_legacy


VNI_TO_UNICODE, UNICODE_TO_VNI = _vni_tables()
_VNI_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))
_TCVN3_PATTERN = re.compile("[" + re.escape("".join(TCVN3_TO_UNICODE)) + "]")

# --- detection -----------------------------------------------------------------------------------------
# Latin-1 letters that Unicode Vietnamese itself uses: they are no evidence of a legacy encoding.
_VN_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# Vietnamese letters outside Latin-1: any of them means the line is real Unicode.
_VN_UNIQUE = frozenset(
    "ăĂđĐĩĨũŨơƠưƯ" + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
)
_TCVN3_SIGNS = frozenset(TCVN3_TO_UNICODE) - _VN_LATIN1
# A capital such as "Õ" right after a lower-case letter ("thÕ") is a TCVN3 lower-case letter in disguise.
_TCVN3_CAPS_INSIDE = re.compile(
    "(?<=[a-z])[" + "".join(sorted(c for c in _VN_LATIN1 & set(TCVN3_TO_UNICODE) if c.isupper())) + "]"
)
_VNI_SIGN_PAIRS = frozenset(k for k in VNI_TO_UNICODE if len(k) == 2) - {
    "oà", "oá", "oã", "Oà", "Oá", "Oã", "OÀ", "OÁ", "OÃ",  # "hoà", "hoá", "xoã" are real Unicode
}  # fmt: skip
_VNI_SIGN_SINGLES = frozenset("ñÑöÖæÆîÎ")
_VNI_SIGNS = re.compile(
    "|".join(re.escape(p) for p in sorted(_VNI_SIGN_PAIRS)) + "|[" + "".join(sorted(_VNI_SIGN_SINGLES)) + "]"
)

_WORD = re.compile(r"[^\W\d_]+")
_NUCLEI = re.split(
    " ",
    "iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ ưa ưi ưu ươ uy yê "
    "a ă â e ê i o ô ơ u ư y",
)  # longest first, so the regex alternation prefers "ươi" over "ư"
_SYLLABLE = re.compile(  # onsets are permissive for minority place names ("Knốp", "Drắk", "Wil")
    r"(?:gi|qu|[bcdđfghjklmnpqrstvwxz]{1,3})?"
    r"(?:" + "|".join(_NUCLEI) + r")"
    r"(?:ch|ng|nh|[cmnptkl])?"
)
_VOWELS = frozenset("aăâeêioôơuưy")
_TONE_SET = frozenset(_TONES)
# A "word" of legacy text: letters plus the encoding's code characters (TCVN3 uses symbols such as "§ ¶ µ").
_CHUNK: dict[Encoding, re.Pattern[str]] = {
    "tcvn3": re.compile(r"(?:[^\W\d_]|[" + re.escape("".join(TCVN3_TO_UNICODE)) + "])+"),
    "vni": re.compile(r"(?:[^\W\d_]|[" + re.escape("".join(sorted(set("".join(VNI_TO_UNICODE))))) + "])+"),
}
_MIN_SIGNS = 5  # legacy-only characters needed in the whole text
_MIN_DISTINCT = 4  # different well-formed words they must decode to


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable (onset, vowel nucleus, coda; at most one tone mark)."""
    if sum(ch in _TONE_SET for ch in unicodedata.normalize("NFD", word)) > 1:
        return False
    return _SYLLABLE.fullmatch(_bare(word)) is not None


def has_unicode_vietnamese(text: str) -> bool:
    """True when ``text`` holds a Vietnamese letter outside Latin-1 (so it is not legacy-encoded)."""
    return any(ch in _VN_UNIQUE for ch in text)


def _signs(line: str, encoding: Encoding) -> int:
    if encoding == "tcvn3":
        return sum(ch in _TCVN3_SIGNS for ch in line) + len(_TCVN3_CAPS_INSIDE.findall(line))
    return len(_VNI_SIGNS.findall(line))


def decode(text: str, encoding: Encoding, *, upper: bool = False) -> str:
    """Unconditionally read ``text`` as ``encoding`` (characters outside the table stay as they are)."""
    if encoding == "tcvn3":
        out = _TCVN3_PATTERN.sub(lambda m: TCVN3_TO_UNICODE[m.group(0)], text)
    else:
        out = _VNI_PATTERN.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text)
    return out.upper() if upper else out


def encode(text: str, encoding: Encoding) -> str:
    """Unicode → legacy (inverse tables); used by tests and for diagnostics. Capitals lose tones in TCVN3."""
    table = UNICODE_TO_TCVN3 if encoding == "tcvn3" else UNICODE_TO_VNI
    return "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFC", text))


def _candidates(lines: Iterable[str], encoding: Encoding) -> list[int]:
    return [
        i
        for i, line in enumerate(lines)
        if _signs(line, encoding) and not any(ch in _VN_UNIQUE for ch in line)
    ]


def _plausible(text: str, encoding: Encoding) -> tuple[int, float, int]:
    """Decode ``text``: (changed words, share of them that are Vietnamese syllables, distinct valid words).

    Words without a vowel after decoding ("QĐ", "HĐND") are abbreviations: they count neither way.
    """
    changed = valid = 0
    distinct: set[str] = set()
    for chunk in _CHUNK[encoding].findall(text):
        converted = decode(chunk, encoding)
        if converted == chunk:
            continue
        for word in _WORD.findall(converted):
            if _VOWELS & set(_bare(word)):
                changed += 1
                if is_syllable(word):
                    valid += 1
                    distinct.add(word.lower())
    return changed, (valid / changed if changed else 0.0), len(distinct)


def _bare(word: str) -> str:
    """Lower case without tone marks, keeping the letter marks of ă â ê ô ơ ư."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_SET))


def detect(text: str) -> Encoding | None:
    """The legacy encoding of (parts of) ``text``, or None when it reads as ordinary Unicode text."""
    lines = text.split("\n")
    best: tuple[float, int, Encoding | None] = (0.0, 0, None)
    encodings: tuple[Encoding, ...] = ("tcvn3", "vni")
    for enc in encodings:
        chosen = _candidates(lines, enc)
        if sum(_signs(lines[i], enc) for i in chosen) < _MIN_SIGNS:
            continue
        changed, valid, distinct = _plausible("\n".join(lines[i] for i in chosen), enc)
        if distinct >= _MIN_DISTINCT and valid >= 0.8 and (valid, changed) > best[:2]:
            best = (valid, changed, enc)
    return best[2]


def convert(text: str) -> tuple[str, Encoding | None]:
    """Convert the legacy-encoded lines of ``text``; returns (text, encoding or None when unchanged).

    Run this before :func:`documents.text.nfc`: TCVN3 writes "ư" as U+00AD (soft hyphen), which nfc drops.
    """
    encoding = detect(text)
    if encoding is None:
        return text, None
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if any(ch in _VN_UNIQUE for ch in line):
            continue
        changed, valid, _ = _plausible(line, encoding)
        if valid >= 0.5 or (not changed and _signs(line, encoding)):
            lines[i] = decode(line, encoding)
    return "\n".join(lines), encoding
