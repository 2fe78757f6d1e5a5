"""Text extraction: one module per format, one module per heavy dependency.

``extract_file`` sniffs the content first (PDF, ZIP/DOCX, OLE2 .doc, PNG/JPEG/TIFF, HTML) and falls back
to the file suffix; every failure is an :class:`~documents.model.ExtractionError` with a stable ``code``.
Hostile input is bounded by :class:`~documents.extract.limits.Limits` (ZIP containers by
:mod:`~documents.extract.archive`, images by :mod:`~documents.extract.images`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from documents.extract.limits import DEFAULT_LIMITS, Limits
from documents.extract.sniff import SUPPORTED_SUFFIXES, Kind, sniff
from documents.model import Extracted, ExtractionError

__all__ = ["SUPPORTED_SUFFIXES", "Limits", "extract_file"]

log = logging.getLogger(__name__)


def _dispatch(kind: Kind, path: Path, ocr_languages: str, limits: Limits) -> Extracted:
    # Imports are local so that a missing optional library only breaks its own format.
    if kind == "pdf":
        from documents.extract import pdf

        return pdf.extract(path, ocr_languages, limits)
    if kind == "docx":
        from documents.extract import docx

        return docx.extract(path, limits)
    if kind == "doc":
        from documents.extract import doc

        return doc.extract(path, limits)
    if kind == "image":
        from documents.extract import ocr

        return ocr.extract_image(path, ocr_languages, limits)
    if kind == "html":
        from documents.extract import html

        return html.extract(path, limits)
    from documents.extract import plain

    return plain.extract(path, limits, markdown=kind == "markdown")


def _readable_size(path: Path) -> int:
    """Size in bytes of a regular file that can be opened; anything else is ``not_found``."""
    try:
        if not path.is_file():
            raise ExtractionError("not_found", "no such file" if not path.exists() else "not a regular file")
        with path.open("rb"):
            pass
        return path.stat().st_size
    except OSError as exc:
        raise ExtractionError("not_found", f"file cannot be opened ({type(exc).__name__})") from exc


def extract_file(
    path: Path, *, max_bytes: int, ocr_languages: str = "vie+chi_sim", limits: Limits = DEFAULT_LIMITS
) -> Extracted:
    """NFC text of ``path``.

    Raises ExtractionError: not_found (missing, not a regular file, or unreadable), unsupported, corrupt,
    empty, encrypted, too_large (checked before reading), tool_missing, not_text (binary data named .txt),
    and one code per exceeded ``limits``: unpacked_too_large, text_too_long, page_too_long, too_many_pages,
    too_many_ocr_pages, image_too_large. No other exception escapes.
    """
    size = _readable_size(path)
    if size > max_bytes:
        raise ExtractionError("too_large", f"{size} bytes > {max_bytes}")
    if size == 0:
        raise ExtractionError("empty", "zero bytes")
    kind = sniff(path, limits)
    log.debug("extract kind=%s bytes=%d", kind, size)
    try:
        result = _dispatch(kind, path, ocr_languages, limits)
    except ExtractionError:
        raise
    except MemoryError as exc:
        raise ExtractionError("too_large", "out of memory") from exc
    except Exception as exc:  # noqa: BLE001 - third-party parsers raise anything on bad input
        log.info("extract failed kind=%s error=%s", kind, type(exc).__name__)
        raise ExtractionError("corrupt", f"{kind} could not be parsed") from exc
    if not result.text.strip():
        raise ExtractionError("empty", "no text found")
    return result
