""":func:`parse_identity`: one function per field of :class:`DocIdentity`, each choosing from the :class:`Head`.

Precedence, field by field: the letterhead, then the document's mention of itself in its first sentences, then
the file name.
"""

from __future__ import annotations

from dataclasses import dataclass

from documents.identity.codes import (
    PARTY_ISSUERS,
    canonical_type_name,
    code_key,
    is_legislature,
    is_party_issuer,
    issuer_name,
    type_name,
)
from documents.identity.dates import date_near_number, letterhead_date, parse_date
from documents.identity.filenames import clean_filename
from documents.identity.head import Head, read_head
from documents.identity.letterheads import central_body
from documents.identity.numbers import NUMBER_RE, format_number, number_key, number_parts
from documents.identity.titles import readable_title
from documents.model import DocIdentity
from documents.text import fold

_DATE_AFTER_TYPE_LINE = 200  # a letterhead date further below the type line is some other date


@dataclass(frozen=True)
class Number:
    """The document's number as spelled, with the type and issuer codes it was read with."""

    text: str | None = None
    type_code: str = ""
    issuer_code: str | None = None

    @property
    def party(self) -> bool:
        return self.issuer_code is not None and is_party_issuer(self.issuer_code)


def _number(head: Head) -> Number:
    """The letterhead's number, else the self mention's, else the file name's (as the text spells it)."""
    written = head.number_line.parts if head.number_line else head.mention.parts if head.mention else None
    if written is not None:
        return Number(format_number(written), written.type_code, written.issuer)
    if head.file_number is None:
        return Number()
    type_code, issuer_code = "", None
    found = NUMBER_RE.search(head.file_number)
    if found:
        parts = number_parts(found)
        type_code, issuer_code = parts.type_code, parts.issuer
    key = number_key(head.file_number)
    spelled = next((m.group(0) for m in NUMBER_RE.finditer(head.head) if number_key(m.group(0)) == key),
                   head.file_number)  # prefer the text's spelling (Đ, case)
    return Number(spelled, type_code, issuer_code)


def _doc_type(head: Head, number: Number) -> str | None:
    """From the number's type code (a shared code read with the title line), else the title line, else the file."""
    title_type = head.title_type
    doc_type: str | None = None
    if number.type_code:
        doc_type = type_name(number.type_code, number.party, title_type)
    elif number.text and number.issuer_code and is_legislature(number.issuer_code):
        doc_type = title_type.capitalize() if title_type else ("Luật" if "Luật số" in head.head else None)
    if doc_type is None and title_type:
        doc_type = title_type.capitalize()
    if doc_type is None and head.file_type:
        doc_type = type_name(head.file_type, number.party, None)
    return canonical_type_name(doc_type) if doc_type else None


def _issuer(head: Head, number: Number) -> str | None:
    """The letterhead's body (which central body for ``/TW``), else the self mention's, else the issuer code's."""
    issuer = head.letterhead_issuer
    if number.issuer_code and code_key(number.issuer_code) == "TW" and issuer in (None, "Ban Chấp hành Trung ương"):
        issuer = central_body(head.head, head.tail, head.text, head.subject) or issuer or PARTY_ISSUERS["TW"]
    if issuer is None and head.mention is not None and head.mention.of:
        issuer = head.mention.of.removeprefix("của").strip()
    if issuer is None and number.issuer_code:
        issuer = issuer_name(number.issuer_code)
    return issuer


def _date(head: Head, number: Number) -> str | None:
    """The letterhead's date line, else the self mention's date, else a date written next to the number."""
    below = head.type_line.start + _DATE_AFTER_TYPE_LINE if head.type_line else None
    date = letterhead_date(head.head, below)
    if date is None and head.mention is not None and head.mention.date:
        date = parse_date(head.mention.date)
    if date is None and number.text:
        date = date_near_number(head.head, number.text)
    return date


def _title(head: Head, number: Number, doc_type: str | None) -> str:
    """Type and subject of the title lines, else of the self mention, else type and number, else the file name."""
    if head.subject:
        return readable_title(doc_type, head.title_type, head.subject)
    if head.mention is not None:
        mention = head.mention
        words = f"{mention.of or ''} {mention.subject}".strip()
        conclusion = mention.conclusion or fold(mention.type_word).endswith("ket luan")
        kind = "Thông báo kết luận" if conclusion and doc_type == "Thông báo" else doc_type
        return readable_title(kind, None, words)
    if doc_type and number.text:
        return f"{doc_type} {number.text}"
    return clean_filename(head.filename) or doc_type or ""


def parse_identity(text: str, filename: str) -> DocIdentity:
    """Number, type, issuer, date and a readable title from the head of ``text`` and the file name."""
    head = read_head(text, filename)
    number = _number(head)
    doc_type = _doc_type(head, number)
    return DocIdentity(
        number=number.text,
        doc_type=doc_type,
        issuer=_issuer(head, number),
        date=_date(head, number),
        title=_title(head, number, doc_type) or None,
    )
