"""How much one file may unpack, yield and cost before it is refused (decompression bombs, absurd files).

The defaults equal the settings' defaults (``NQBOT_MAX_UNPACKED_MB`` …); :meth:`Limits.from_settings` builds them
from :class:`config.settings.Settings` (or anything with the same attributes). Each ``check_*`` raises an
:class:`~documents.model.ExtractionError` whose code names the limit that was exceeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from documents.model import ExtractionError

MB = 1024 * 1024


class LimitSettings(Protocol):
    max_unpacked_mb: int
    max_unpacked_member_mb: int
    max_text_chars: int
    max_page_chars: int
    max_pages: int
    max_ocr_pages: int
    max_image_megapixels: int


@dataclass(frozen=True)
class Limits:
    unpacked_bytes: int = 100 * MB  # all members of a ZIP container together, uncompressed
    member_bytes: int = 25 * MB  # one member (word/document.xml, …), uncompressed
    text_chars: int = 2_000_000  # text extracted from one file
    page_chars: int = 50_000  # text of one PDF page (text layer or OCR)
    pages: int = 500  # pages of one PDF
    ocr_pages: int = 100  # pages that go through OCR (scanned PDF pages, frames of a TIFF)
    image_pixels: int = 80_000_000  # one image, or one PDF page as rendered for OCR

    @classmethod
    def from_settings(cls, settings: LimitSettings) -> Limits:
        return cls(
            unpacked_bytes=settings.max_unpacked_mb * MB,
            member_bytes=settings.max_unpacked_member_mb * MB,
            text_chars=settings.max_text_chars,
            page_chars=settings.max_page_chars,
            pages=settings.max_pages,
            ocr_pages=settings.max_ocr_pages,
            image_pixels=settings.max_image_megapixels * 1_000_000,
        )

    @property
    def text_bytes(self) -> int:
        """Most bytes of UTF-8 a tool may print for a whole file (4 bytes per character at most)."""
        return 4 * self.text_chars

    @property
    def page_bytes(self) -> int:
        return 4 * self.page_chars

    def check_text(self, length: int) -> None:
        if length > self.text_chars:
            raise ExtractionError("text_too_long", f"more than {self.text_chars} characters of text")

    def check_page(self, length: int, page: int) -> None:
        if length > self.page_chars:
            raise ExtractionError("page_too_long", f"page {page}: {length} characters > {self.page_chars}")


DEFAULT_LIMITS = Limits()
