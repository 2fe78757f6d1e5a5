"""Plain data passed between the document stages (extraction → identity → chunks)."""

from __future__ import annotations

from dataclasses import dataclass, field


class ExtractionError(Exception):
    """A file that cannot be turned into text. ``code`` is stable and maps to a user message."""

    CODES = (
        "not_found", "unsupported", "corrupt", "empty", "encrypted", "too_large", "tool_missing",
        "unpacked_too_large", "text_too_long", "page_too_long", "too_many_pages", "too_many_ocr_pages",
        "image_too_large", "not_text",
    )  # fmt: skip

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in self.CODES:
            raise ValueError(f"unknown extraction error code {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Extracted:
    """Text of one file. ``text`` is NFC-normalised (:func:`documents.text.nfc`) and is what quotes cite."""

    text: str
    method: str  # e.g. "txt", "docx", "pdf-text", "pdftotext", "ocr", "antiword", "html"
    warnings: tuple[str, ...] = ()
    pages: int | None = None


@dataclass(frozen=True)
class DocIdentity:
    """Who issued what: ``number`` is canonical (``57-NQ/TW``, ``383-QĐ/TW``) or None when absent."""

    number: str | None = None
    doc_type: str | None = None  # full Vietnamese name: "Nghị quyết", "Chỉ thị", "Kết luận", ...
    issuer: str | None = None  # e.g. "Ban Chấp hành Trung ương", "Bộ Chính trị"
    date: str | None = None  # ISO yyyy-mm-dd
    title: str | None = None  # subject line, e.g. "về đột phá phát triển khoa học, công nghệ ..."


@dataclass(frozen=True)
class DocRef:
    """A loose mention of a document in a question ("NQ 57", "nghị quyết số 57", "57/NQ-TW")."""

    number: str  # the leading number as written without zeros, "57"
    type_code: str | None = None  # "NQ", "CT", "KL", "QĐ", "HD", "TB", ... (folded to upper ASCII-ish key)
    issuer_code: str | None = None  # "TW", "TU", "BTCTW", ... when given
    span: tuple[int, int] = (0, 0)  # where in the question it was found
    year: str | None = None  # "2023" of "36/2023/QĐ-UBND", when written


@dataclass(frozen=True)
class Chunk:
    """A passage. ``text == source[start:end]`` of the stored source text; ``heading`` is context only."""

    ordinal: int
    locator: str  # human readable: "Mục II, điểm 2.b", "Điều 32, khoản 1", "Phần mở đầu"
    heading: str  # headings above the passage, joined with " › "
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Section:
    """One node of a document outline (for /doc and previews)."""

    locator: str
    title: str
    start: int
    level: int


@dataclass
class ParsedDocument:
    """Everything known about a file before it is indexed (the upload preview shows this)."""

    source_name: str
    extracted: Extracted
    identity: DocIdentity
    chunks: list[Chunk]
    outline: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    content_hash: str = ""
