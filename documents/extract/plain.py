"""Plain text and Markdown.

Decoding: UTF-8 (BOM optional) → UTF-16 (BOM, or NUL-byte pattern) → the better of cp1258/cp1252 (Vietnamese
syllables decide); TCVN3/VNI bytes come out of cp1252 and are converted by :mod:`documents.legacy_fonts`.
When the single-byte reading is implausible (control, unassigned characters), strict UTF-16 without a BOM is
tried (Chinese has too few NUL bytes for the pattern); bytes that read as no plausible text are ``not_text``.

Markdown is kept as written except ATX heading markers: ``## Điều 1`` becomes ``Điều 1`` so headings look
the same as in plain-text documents (the chunker recognises "Điều", "Chương", "I." at line start). Emphasis,
lists and links stay verbatim — quotes are cited as they appear in the file.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from documents import legacy_fonts
from documents.extract.limits import Limits
from documents.extract.quality import implausible_share, looks_like_text
from documents.extract.result import build
from documents.model import Extracted, ExtractionError
from documents.text import has_vietnamese_marks

_ATX = re.compile(r"^[ ]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M)
_SETEXT_RULE = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_WORD = re.compile(r"[^\W\d_]+")


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > half * 0.3 and even < half * 0.05:
        return data.decode("utf-16-le", "replace")
    if even > half * 0.3 and odd < half * 0.05:
        return data.decode("utf-16-be", "replace")
    return None


def _vietnamese_score(text: str) -> int:
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    return sum(1 for word in words if has_vietnamese_marks(word) and legacy_fonts.is_syllable(word))


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name); raises ``not_text`` for bytes that read as no plausible text (binary data)."""
    text, encoding = _decode(data)
    if not looks_like_text(text):
        share = implausible_share(text)
        raise ExtractionError("not_text", f"{share:.0%} control or unassigned characters as {encoding}")
    return text, encoding


def _strict_utf16(data: bytes) -> str | None:
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if looks_like_text(text):
            return text
    return None


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16, "utf-16"
    t1252 = data.decode("cp1252", "replace")
    if legacy_fonts.detect(t1252) is not None:
        return t1252, "cp1252"  # TCVN3/VNI bytes: converted later by documents.extract.result
    t1258 = data.decode("cp1258", "replace")
    single = (t1258, "cp1258") if _vietnamese_score(t1258) > 1.2 * _vietnamese_score(t1252) + 2 else (t1252, "cp1252")
    if not looks_like_text(single[0]):
        utf16 = _strict_utf16(data)
        if utf16 is not None:
            return utf16, "utf-16"
    return single


def strip_markdown_headings(text: str) -> str:
    lines = _ATX.sub(r"\1", text).split("\n")
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and _SETEXT_RULE.match(line) and not line.strip().startswith("---"):
            continue  # "Title\n=====" underline
        out.append(line)
    return "\n".join(out)


def extract(path: Path, limits: Limits, *, markdown: bool = False) -> Extracted:
    data = path.read_bytes()
    if not data.strip():
        raise ExtractionError("empty", "blank text file")
    text, encoding = decode(data)
    limits.check_text(len(text))
    warnings: tuple[str, ...] = ()
    if encoding in ("cp1258", "cp1252"):
        warnings = ("legacy_encoding",)
    if markdown:
        text = strip_markdown_headings(text)
    return build(text, "md" if markdown else "txt", warnings, limits=limits)
