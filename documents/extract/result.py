"""Turn a raw extracted string into :class:`Extracted` (length checked, legacy fonts → Unicode, then NFC)."""

from __future__ import annotations

from documents import legacy_fonts
from documents.extract.limits import Limits
from documents.model import Extracted
from documents.text import nfc


def build(
    raw: str,
    method: str,
    warnings: tuple[str, ...] = (),
    pages: int | None = None,
    *,
    limits: Limits,
    legacy: bool = True,
) -> Extracted:
    """``legacy`` runs :func:`documents.legacy_fonts.convert` first (it must run before NFC clean-up); text
    longer than ``limits.text_chars`` is refused before either."""
    limits.check_text(len(raw))
    found: list[str] = list(warnings)
    if legacy:
        raw, encoding = legacy_fonts.convert(raw)
        if encoding is not None and "legacy_font_converted" not in found:
            found.append("legacy_font_converted")
    return Extracted(text=nfc(raw), method=method, warnings=tuple(found), pages=pages)
