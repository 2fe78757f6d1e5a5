"""The title: the type line (``NGHỊ QUYẾT``), the subject lines under it, and a readable title from both."""

from __future__ import annotations

import re
from typing import NamedTuple

from documents.identity.casing import mostly_upper, sentence_case
from documents.identity.codes import ISSUER_NAMES
from documents.identity.lines import lines
from documents.identity.vocabulary import TITLE_WORDS_UPPER
from documents.text import fold

TYPE_LINE = re.compile(
    rf"^(?P<type>{TITLE_WORDS_UPPER})(?:(?![^\W\d_])|(?=[A-ZĐ][a-zà-ỹđ]))\s*(?P<rest>.*)$"
)
_BODY_START = re.compile(
    r"^(?:[-+*]\s*)?(?:Căn cứ|Thực hiện|Theo|Tại|Xét|Ngày|Trong|Thời gian|Hội nghị|Chiều|Sáng|Thay mặt|Từ|Để"
    r"|Kính gửi)\b"
)
_STOP_LINE = re.compile(
    r"^(?:BỘ TRƯỞNG|CHỦ TỊCH|THỦ TƯỚNG|TRƯỞNG BAN|GIÁM ĐỐC|TỔNG|CHÁNH|THỐNG ĐỐC|QUYẾT NGHỊ|QUYẾT ĐỊNH\s*:"
    r"|CHƯƠNG\s|Chương\s|PHẦN\s|Phần\s|Điều\s+\d|[IVX]+\s*[.\-–]\s|\d+\.\s)"
)
_VOWELS = frozenset("aăâeêioôơuưy")
_SUBJECT_CHARS = 400  # a subject longer than this has run into the body
# title words that never compose with the type ("Văn bản hợp nhất thông tư" does; these do not)
_OWN_KIND = ("quy dinh", "thong bao ket luan")


class TypeLine(NamedTuple):
    start: int
    word: str  # as set: "NGHỊ QUYẾT", "THÔNG BÁO KẾT LUẬN"
    rest: str  # what follows on the same line
    end: int


def type_line(head: str) -> TypeLine | None:
    """The title line (``NGHỊ QUYẾT``, ``NGHỊ\\nQUYẾT``), before the body starts."""
    found = lines(head)
    for i, line in enumerate(found):
        clean = line.clean
        if _STOP_LINE.match(clean) or (_BODY_START.match(clean) and "Căn cứ" in clean):
            return None
        candidates = [(clean, line.end)]
        if i + 1 < len(found) and clean and len(clean) <= 12:
            candidates.append((f"{clean} {found[i + 1].clean}", found[i + 1].end))
        for text, stop in candidates:
            match = TYPE_LINE.match(text)
            if match and not text.endswith(":") and len(text) <= 250:
                rest = match.group("rest")
                if not rest.startswith((":", "số", "Số", "này")) and not (rest and rest[0].islower()):
                    return TypeLine(line.start, match.group("type"), rest, stop)
    return None


_BLOCK = re.compile(r"\S[^\n]*(?:\n[ \t]*\S[^\n]*)*")  # a paragraph: lines up to a blank line
_TITLE_OPENING = ("ve ", "v/v", "cua ", "tai ", "ban hanh ")
_HEAD_CHARS = 3000


def body_start(text: str) -> int:
    """Where the body starts in a document's opening text: after the letterhead (issuer, number, place and date)
    and the title block (the type line and the subject paragraphs under it); 0 when there is no type line."""
    head = text[:_HEAD_CHARS]
    found = type_line(head)
    if found is None:
        return 0
    position = found.end
    for block in _BLOCK.finditer(head, found.end):
        words = block.group(0).strip()
        folded = fold(words)
        title_like = len(words) <= _SUBJECT_CHARS and (mostly_upper(words) or folded.startswith(_TITLE_OPENING))
        if not title_like or _BODY_START.match(words):
            break
        position = block.end()
    return position


def _has_vowel(token: str) -> bool:
    return any(ch in _VOWELS for ch in fold(token).replace("d", ""))


def _join_fragments(parts: list[tuple[str, bool]]) -> str:
    """Join title lines; lines broken inside a syllable (``V`` + ``ề việc``, ``hư`` + ``ớng``) are glued."""
    out = ""
    for text, raw_space in parts:
        if not out:
            out = text
            continue
        prev = out.rsplit(" ", 1)[-1]
        first = text.split(" ", 1)[0]
        glue = not raw_space and prev.isalpha() and first.isalpha() and (
            not _has_vowel(prev) or (fold(prev[-1]) in _VOWELS and fold(first[0]) in _VOWELS))
        out = out + ("" if glue else " ") + text
    return out


def subject_after(head: str, line: TypeLine, issuer: str | None) -> str:
    """The subject lines after the title line, joined (``về đột phá phát triển ...``)."""
    parts: list[tuple[str, bool]] = [(sentence_case(line.rest), True)] if line.rest else []
    seen_mixed = bool(line.rest) and not mostly_upper(line.rest)
    blank = False
    previous = ""
    for _start, _end, raw, text in lines(head[line.end + 1:]):
        if not text:
            blank = True
            continue
        if sum(len(p[0]) for p in parts) > _SUBJECT_CHARS or _BODY_START.match(text) or _STOP_LINE.match(text):
            break
        if (issuer and fold(text) == fold(issuer)) or text == previous:
            continue
        upper = mostly_upper(text)
        raw_space = raw.rstrip("*_ ") != raw.rstrip("*_") or not parts or blank
        if upper and not seen_mixed:
            if text.endswith(":") or (len(text) < 40 and fold(text) in ISSUER_NAMES):
                break
            parts.append((sentence_case(text), raw_space))
        elif (not upper and (not seen_mixed or not blank) and len(text) <= 300
              and not text.endswith((".", ":", ";"))):
            parts.append((text, raw_space))
            seen_mixed = True
        else:
            break
        blank = False
        previous = text
    return _join_fragments(parts).strip()


def readable_title(doc_type: str | None, title_type: str | None, subject: str) -> str:
    """``Nghị quyết về …``: the type, then the subject in sentence case."""
    subject = re.sub(r"^(?:V/V|V/v|v/v)\b\.?", "về việc", subject).strip()
    subject = sentence_case(subject)
    kind = doc_type or (title_type.capitalize() if title_type else "")
    if title_type and doc_type and fold(title_type) not in (fold(doc_type), *_OWN_KIND):
        kind = f"{doc_type} {title_type.lower()}"  # "Văn bản hợp nhất thông tư"
    elif title_type and fold(title_type) == "thong bao ket luan":
        kind = "Thông báo kết luận"
    if not subject:
        return kind
    if doc_type == "Luật" and not fold(subject).startswith("sua doi"):
        subject = subject[:1].upper() + subject[1:]
    elif not subject.startswith(("Đảng", "Bộ Chính trị", "Ban ", "Luật ")):
        subject = subject[:1].lower() + subject[1:]
    return f"{kind} {subject}".strip()
