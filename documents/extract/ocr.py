"""OCR with the tesseract CLI (images, and PDF pages rendered by ``pdftoppm -r 300 -png``).

Images are checked by :mod:`documents.extract.images` first (pixels, frames); a PDF page too large to render at
300 dpi within ``Limits.image_pixels`` is rendered at a lower resolution; at most ``Limits.ocr_pages`` pages.

Tesseract always runs with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads fight with our own parallelism and
slow everything down on small machines) and a timeout per page. Requested languages that are not installed
are dropped; if none is left the error is ``tool_missing``.
"""

from __future__ import annotations

import functools
import logging
import math
import tempfile
import time
from pathlib import Path

from documents.extract import images, tools
from documents.extract.limits import Limits
from documents.extract.result import build
from documents.model import Extracted, ExtractionError

log = logging.getLogger(__name__)

PAGE_TIMEOUT = 180.0  # seconds per page (tesseract); rendering gets the same budget
DPI = 300
_ENV = {"OMP_THREAD_LIMIT": "1"}


@functools.lru_cache(maxsize=1)
def installed_languages() -> frozenset[str]:
    result = tools.run(["tesseract", "--list-langs"], timeout=30, env=_ENV)
    lines = (result.stdout.decode("utf-8", "replace") + "\n" + result.stderr).splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and " " not in line.strip())


def _languages(requested: str) -> tuple[str, bool]:
    """(``-l`` argument, some requested language missing)."""
    if not tools.available("tesseract"):
        raise ExtractionError("tool_missing", "tesseract is not installed")
    wanted = [lang for lang in requested.split("+") if lang]
    have = installed_languages()
    usable = [lang for lang in wanted if lang in have]
    if not usable:
        raise ExtractionError("tool_missing", f"tesseract language data missing: {requested}")
    return "+".join(usable), len(usable) < len(wanted)


def _tesseract(image: Path, languages: str, limits: Limits, page: int = 1, frames: int = 1) -> str:
    """Text of ``image`` (``frames`` pages of a TIFF are read in one run, within ``frames`` times the page cap)."""
    result = tools.run(
        ["tesseract", str(image), "stdout", "-l", languages, "--psm", "3"],
        timeout=PAGE_TIMEOUT * frames,
        env=_ENV,
        max_output=limits.page_bytes * frames,
        too_long="page_too_long",
    )
    if result.returncode != 0:
        raise ExtractionError("corrupt", "tesseract could not read the image")
    text = result.stdout.decode("utf-8", "replace")
    limits.check_page(len(text) // frames, page)
    return text


def _warnings(missing_language: bool) -> tuple[str, ...]:
    return ("ocr", "ocr_language_missing") if missing_language else ("ocr",)


def extract_image(path: Path, languages: str, limits: Limits) -> Extracted:
    frames = images.check(path, limits)  # pixel bombs and endless TIFFs are refused before tesseract sees them
    lang, missing = _languages(languages)
    started = time.monotonic()
    text = _tesseract(path, lang, limits, frames=frames)
    log.info("ocr image seconds=%.1f chars=%d", time.monotonic() - started, len(text))
    return build(text, "ocr", _warnings(missing), pages=1, limits=limits, legacy=False)


def render_dpi(width: float, height: float, max_pixels: int) -> int:
    """:data:`DPI`, or less for a page (``width`` x ``height`` points) that would exceed ``max_pixels``."""
    pixels = (width / 72 * DPI) * (height / 72 * DPI)
    if pixels <= max_pixels or width <= 0 or height <= 0:
        return DPI
    return max(1, math.floor(DPI * math.sqrt(max_pixels / pixels)))


def pdf_pages(
    path: Path, pages: dict[int, tuple[float, float]], languages: str, limits: Limits
) -> tuple[dict[int, str], tuple[str, ...]]:
    """OCR the given 1-based PDF pages (number → size in points): ({page: text}, warnings)."""
    lang, missing = _languages(languages)
    if not tools.available("pdftoppm"):
        raise ExtractionError("tool_missing", "pdftoppm (poppler-utils) is not installed")
    if len(pages) > limits.ocr_pages:
        raise ExtractionError("too_many_ocr_pages", f"{len(pages)} scanned pages > {limits.ocr_pages}")
    texts: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="nqbot-ocr-") as tmp:
        for page, (width, height) in pages.items():
            started = time.monotonic()
            prefix = Path(tmp) / f"p{page}"
            dpi = render_dpi(width, height, limits.image_pixels)
            render = tools.run(
                ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile",
                 str(path), str(prefix)],
                timeout=PAGE_TIMEOUT,
            )  # fmt: skip
            image = prefix.with_suffix(".png")
            if render.returncode != 0 or not image.exists():
                raise ExtractionError("corrupt", f"page {page} could not be rendered")
            texts[page] = _tesseract(image, lang, limits, page)
            image.unlink(missing_ok=True)
            log.info(
                "ocr page=%d dpi=%d seconds=%.1f chars=%d", page, dpi, time.monotonic() - started, len(texts[page])
            )
    return texts, _warnings(missing)
