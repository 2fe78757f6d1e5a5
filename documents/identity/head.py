"""What the start of a document says about itself, read once: :class:`Head`.

Besides the letterhead and title (:mod:`.letterheads`, :mod:`.titles`), body-only copies name themselves in
their first sentence: "… đã ký Thông báo kết luận số 75-TB/TW ngày 7/3/2025 của Bộ Chính trị về …".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from documents.identity.filenames import from_filename
from documents.identity.letterheads import NumberLine, letterhead_issuer, number_line
from documents.identity.numbers import NUMBER, Parts, format_number, number_key, number_parts
from documents.identity.titles import TypeLine, subject_after, type_line
from documents.identity.vocabulary import TITLE_WORDS

HEAD_CHARS = 3000  # the letterhead and the first-sentence mention live here
TAIL_CHARS = 1500  # the signature block ("T/M BỘ CHÍNH TRỊ") lives here
_MARKER_BEFORE = 120  # how far before a mention its marker ("đã ký") may be

_SELF_MENTION = re.compile(
    rf"(?P<type>{TITLE_WORDS})\s+(?:số\s+)?(?P<num>{NUMBER.replace('?P<', '?P<m')})"
    rf"(?:\s*,?\s*ngày\s+(?P<date>[\d/.\-]+|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?"
    r"(?:\s+(?:19|20)\d\d)?"
    r"(?:\s+(?P<kl>Kết luận))?"
    r"(?:\s*,?\s+(?P<of>của\s+[^,.;:?\n]{3,80}?))?"
    r"\s+(?P<subject>(?:về|Về|V/v)\s+[^\n?]{5,400}?)\s*(?P<end>[.;?]|\n|$)"
)
_SELF_MARKER = re.compile(r"(?i)toàn văn|đã ký|ký ban hành|ban hành|thay mặt")


@dataclass(frozen=True)
class SelfMention:
    """The document naming itself in its first sentences."""

    type_word: str  # as written: "Thông báo kết luận"
    parts: Parts
    date: str | None  # as written: "7/3/2025"
    conclusion: bool  # "… 75-TB/TW ngày 7/3/2025 Kết luận …"
    of: str | None  # "của Bộ Chính trị"
    subject: str  # "về …"


@dataclass(frozen=True)
class Head:
    """Everything the parts of a document's identity are chosen from (see :mod:`.fields`)."""

    text: str
    head: str  # the first HEAD_CHARS characters: letterhead, title, first sentences
    tail: str  # the last TAIL_CHARS characters of a longer text: the signature block
    filename: str
    file_number: str | None
    file_type: str | None  # type code the file name suggests
    number_line: NumberLine | None  # "Số: 57-NQ/TW"
    mention: SelfMention | None
    type_line: TypeLine | None  # "NGHỊ QUYẾT"
    letterhead_issuer: str | None  # the body above the number
    subject: str  # the lines under the type line

    @property
    def title_type(self) -> str | None:
        """The type word of the title line, else of the self mention, upper case (``THÔNG BÁO KẾT LUẬN``)."""
        if self.type_line is not None:
            return self.type_line.word
        return self.mention.type_word.upper() if self.mention is not None else None


def _self_mention(head: str, number: str | None) -> SelfMention | None:
    """The first mention of ``number`` (else the first after a marker such as "đã ký") that is not a question."""
    for match in _SELF_MENTION.finditer(head):
        parts = number_parts(match, "m")
        if number is not None and number_key(format_number(parts)) != number_key(number):
            continue
        if number is None and not _SELF_MARKER.search(head[max(0, match.start() - _MARKER_BEFORE):match.start()]):
            continue
        if match.group("end") == "?":
            continue
        return SelfMention(match.group("type"), parts, match.group("date"), bool(match.group("kl")),
                           match.group("of"), match.group("subject"))
    return None


def read_head(text: str, filename: str) -> Head:
    """Read the letterhead, title, self mention and file name of a document once."""
    head = text[:HEAD_CHARS]
    file_number, file_type = from_filename(filename)
    numbered = number_line(head)
    known = format_number(numbered.parts) if numbered else file_number
    title = type_line(head)
    anchor = numbered.start if numbered else (title.start if title else -1)
    issuer = letterhead_issuer(head, anchor)
    return Head(
        text=text,
        head=head,
        tail=text[-TAIL_CHARS:] if len(text) > HEAD_CHARS else "",
        filename=filename,
        file_number=file_number,
        file_type=file_type,
        number_line=numbered,
        mention=_self_mention(head, known),
        type_line=title,
        letterhead_issuer=issuer,
        subject=subject_after(head, title, issuer) if title else "",
    )
