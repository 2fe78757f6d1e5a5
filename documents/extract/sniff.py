"""Decide the format of a file: magic bytes first, suffix second."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from documents.extract.archive import member_names
from documents.extract.limits import DEFAULT_LIMITS, Limits
from documents.model import ExtractionError

Kind = Literal["pdf", "docx", "doc", "image", "html", "markdown", "text"]

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    {".pdf", ".docx", ".doc", ".txt", ".md", ".markdown", ".html", ".htm", ".xhtml",
     ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
)  # fmt: skip

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_SUFFIX_KIND: dict[str, Kind] = {
    ".pdf": "pdf", ".docx": "docx", ".doc": "doc", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".txt": "text",
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".tif": "image", ".tiff": "image",
}  # fmt: skip
_HEAD = 4096


def _utf16_name(name: str) -> bytes:
    return name.encode("utf-16-le")


def _ole_kind(path: Path) -> Kind:
    data = path.read_bytes()  # size was checked against max_bytes by the caller
    if _utf16_name("EncryptedPackage") in data:
        raise ExtractionError("encrypted", "password-protected Office document")
    if _utf16_name("WordDocument") in data:
        return "doc"
    raise ExtractionError("unsupported", "OLE container without a Word document")


def _zip_kind(path: Path, limits: Limits) -> Kind:
    if "word/document.xml" in member_names(path, limits):
        return "docx"
    raise ExtractionError("unsupported", "ZIP file that is not a Word document")


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls <= len(head) // 100


def sniff(path: Path, limits: Limits = DEFAULT_LIMITS) -> Kind:
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
    suffix = path.suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path, limits)
    if head.startswith(_OLE_MAGIC):
        return _ole_kind(path)
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.lstrip().startswith(b"{\\rtf"):
        raise ExtractionError("unsupported", "RTF documents are not supported")
    text_like = _looks_like_text(head)
    if text_like and _HTML_START.match(head.lstrip(b"\xef\xbb\xbf")):
        return "html"
    kind = _SUFFIX_KIND.get(suffix)
    if kind in ("pdf", "docx", "doc", "image"):
        if suffix == ".doc" and text_like:
            return "text"  # old "Word" files that are really plain text
        raise ExtractionError("corrupt", f"{suffix} file without a valid signature")
    if kind is not None:
        return kind
    if text_like:
        return "text"
    raise ExtractionError("unsupported", f"unknown file type {suffix or '(no suffix)'}")
