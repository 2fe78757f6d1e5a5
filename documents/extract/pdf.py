"""PDF text: pdftotext and pdfplumber per page, the better one wins; pages without usable text go to OCR.

Vietnamese PDFs often mix fonts within a line; pypdf/pymupdf lose characters there, pdfplumber and poppler's
pdftotext do not. Each page is scored by :mod:`documents.extract.quality` (valid letters vs U+FFFD,
private-use, stray combining marks, ``(cid:NN)``) weighted by completeness (letters relative to the richer
candidate). On a tie pdftotext wins (better reading order for multi-column headers).
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage

from documents.extract import ocr, tools
from documents.extract.limits import Limits
from documents.extract.quality import measure
from documents.extract.result import build
from documents.model import Extracted, ExtractionError

log = logging.getLogger(__name__)

TIMEOUT = 120.0
MIN_SCORE = 0.6  # below this a page's text layer is garbage → OCR
MIN_LETTERS = 15  # fewer letters on a page with images → scanned page → OCR
CLEAN_SCORE = 0.98  # a pdftotext page this clean is taken as is (pdfplumber is ~10x slower per page)


@dataclass
class _Page:
    number: int
    text: str
    method: str
    has_images: bool
    size: tuple[float, float]  # points


def _pdftotext(path: Path, limits: Limits) -> list[str] | None:
    if not tools.available("pdftotext"):
        return None
    args = ["pdftotext", "-enc", "UTF-8", "-l", str(limits.pages), str(path), "-"]
    result = tools.run(args, timeout=TIMEOUT, max_output=limits.text_bytes)
    if result.returncode != 0:
        if "password" in result.stderr.lower() or "encrypt" in result.stderr.lower():
            raise ExtractionError("encrypted", "password-protected PDF")
        return None
    pages = result.stdout.decode("utf-8", "replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _clean(text: str) -> bool:
    quality = measure(text)
    return quality.letters >= MIN_LETTERS and quality.score >= CLEAN_SCORE


def choose(plumber: str | None, poppler: str | None) -> tuple[str, str]:
    """(text, method) of the better candidate; None means "not available"."""
    pairs = ((plumber, "pdf-text"), (poppler, "pdftotext"))
    candidates = [(text, name) for text, name in pairs if text is not None]
    if not candidates:
        return "", "pdf-text"
    most = max(measure(text).letters for text, _ in candidates) or 1

    def value(item: tuple[str, str]) -> tuple[float, bool]:
        quality = measure(item[0])
        return quality.score * min(1.0, quality.letters / most), item[1] == "pdftotext"

    return max(candidates, key=value)


_PAGES_LINE = re.compile(rb"^Pages:\s+(\d+)\s*$", re.M)


def _declared_pages(path: Path) -> int | None:
    """Page count as poppler's pdfinfo reads it (in C, before pdfminer parses a huge cross-reference table)."""
    if not tools.available("pdfinfo"):
        return None
    result = tools.run(["pdfinfo", str(path)], timeout=TIMEOUT, max_output=1024 * 1024)
    found = _PAGES_LINE.search(result.stdout) if result.returncode == 0 else None
    return int(found.group(1)) if found else None


def _check_page_count(pdf: pdfplumber.PDF, limits: Limits) -> None:
    """Count pages up to one past the limit (pdfplumber would build every page of a million-page PDF)."""
    found = sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), limits.pages + 1))
    if found > limits.pages:
        raise ExtractionError("too_many_pages", f"more than {limits.pages} pages")


def _read_pages(path: Path, limits: Limits) -> list[_Page]:
    declared = _declared_pages(path)
    if declared is not None and declared > limits.pages:
        raise ExtractionError("too_many_pages", f"{declared} pages > {limits.pages}")
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionError("encrypted", "password-protected PDF") from exc
    except Exception as exc:
        if "password" in repr(exc).lower():
            raise ExtractionError("encrypted", "password-protected PDF") from exc
        raise ExtractionError("corrupt", "PDF could not be parsed") from exc
    try:
        _check_page_count(pdf, limits)
    except BaseException:
        pdf.stream.close()  # not pdf.close(): it would build every page first
        raise
    with pdf:
        poppler = _pdftotext(path, limits)
        pages: list[_Page] = []
        length = 0
        for index, page in enumerate(pdf.pages):
            other = poppler[index] if poppler is not None and index < len(poppler) else None
            if other is not None:
                limits.check_page(len(other), index + 1)  # before pdfplumber spends minutes on the same page
            plumber = None if other is not None and _clean(other) else page.extract_text() or ""
            limits.check_page(len(plumber or ""), index + 1)
            text, method = choose(plumber, other)
            length += len(text) + 2
            limits.check_text(length)
            has_images = measure(text).letters < MIN_LETTERS and bool(page.images)
            pages.append(_Page(index + 1, text, method, has_images, (float(page.width), float(page.height))))
    if not pages:
        raise ExtractionError("corrupt", "PDF has no pages")
    return pages


def _needs_ocr(page: _Page) -> bool:
    quality = measure(page.text)
    if quality.letters < MIN_LETTERS:
        return page.has_images
    return quality.score < MIN_SCORE


def extract(path: Path, ocr_languages: str, limits: Limits) -> Extracted:
    pages = _read_pages(path, limits)
    scanned = {page.number: page.size for page in pages if _needs_ocr(page)}
    warnings: tuple[str, ...] = ()
    if scanned:
        try:
            texts, warnings = ocr.pdf_pages(path, scanned, ocr_languages, limits)
        except ExtractionError as exc:
            if exc.code != "tool_missing" or len(scanned) == len(pages):
                raise
            texts, warnings = {}, ("ocr_unavailable",)
        for page in pages:
            if page.number in texts:
                page.text, page.method = texts[page.number], "ocr"
    methods = [page.method for page in pages if page.text.strip()]
    method = max(set(methods), key=methods.count) if methods else "pdf-text"
    if measure("\n".join(page.text for page in pages)).score < MIN_SCORE:
        warnings += ("low_text_quality",)
    log.info("pdf pages=%d ocr_pages=%d method=%s", len(pages), len(scanned), method)
    return build("\n\n".join(page.text for page in pages), method, warnings, pages=len(pages), limits=limits)
