"""DOCX via python-docx: body paragraphs and tables in document order (headers/footers are skipped).

The container is checked by :class:`documents.extract.archive.SafeZip` first (decompression bombs).

A table row becomes one line, cells joined by " | ". Runs set in a legacy Vietnamese font (``.VnTime``,
``VNI-Times``) are converted by font name; the whole text then goes through the usual legacy detection.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn

from documents import legacy_fonts
from documents.extract.archive import SafeZip
from documents.extract.limits import Limits
from documents.extract.result import build
from documents.model import Extracted

_P, _TBL, _SDT, _SDT_CONTENT = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:sdtContent")
_R, _T, _TAB, _BR, _CR = qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_RPR, _RFONTS, _RSTYLE = qn("w:rPr"), qn("w:rFonts"), qn("w:rStyle")
_PPR, _PSTYLE = qn("w:pPr"), qn("w:pStyle")
_TR, _TC = qn("w:tr"), qn("w:tc")
_ASCII, _HANSI, _VAL = qn("w:ascii"), qn("w:hAnsi"), qn("w:val")


def legacy_font(name: str | None) -> tuple[legacy_fonts.Encoding, bool] | None:
    """(encoding, upper-case font) for a legacy Vietnamese font name, else None."""
    if not name:
        return None
    lowered = name.strip().lower()
    if lowered.startswith(".vn"):
        return "tcvn3", lowered.endswith("h")  # ".VnTimeH" draws capitals
    if lowered.startswith("vni-") or lowered.startswith("vni "):
        return "vni", False
    return None


class _Fonts:
    """Font names of character/paragraph styles and the document default."""

    def __init__(self, document: Any) -> None:
        self.by_style: dict[str, str | None] = {}
        for style in document.styles:
            try:
                self.by_style[style.style_id] = self._style_font(style)
            except (AttributeError, ValueError):
                continue
        defaults = document.styles.element.find(qn("w:docDefaults"))
        fonts = defaults.find(".//" + _RFONTS) if defaults is not None else None
        self.default = fonts.get(_ASCII) or fonts.get(_HANSI) if fonts is not None else None

    @staticmethod
    def _style_font(style: Any) -> str | None:
        seen = 0
        while style is not None and seen < 20:
            font = getattr(getattr(style, "font", None), "name", None)
            if font:
                return str(font)
            style, seen = style.base_style, seen + 1
        return None

    def of_run(self, run: Any, paragraph_style: str | None) -> str | None:
        rpr = run.find(_RPR)
        if rpr is not None:
            fonts = rpr.find(_RFONTS)
            if fonts is not None and (fonts.get(_ASCII) or fonts.get(_HANSI)):
                return fonts.get(_ASCII) or fonts.get(_HANSI)
            rstyle = rpr.find(_RSTYLE)
            if rstyle is not None and self.by_style.get(rstyle.get(_VAL) or ""):
                return self.by_style[rstyle.get(_VAL) or ""]
        if paragraph_style and self.by_style.get(paragraph_style):
            return self.by_style[paragraph_style]
        return self.default


def _run_text(run: Any) -> str:
    parts: list[str] = []
    for child in run:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _TAB:
            parts.append("\t")
        elif child.tag in (_BR, _CR):
            parts.append("\n")
    return "".join(parts)


def _paragraph(p: Any, fonts: _Fonts) -> tuple[str, bool]:
    """(text, converted a legacy-font run)."""
    ppr = p.find(_PPR)
    pstyle = ppr.find(_PSTYLE) if ppr is not None else None
    style_id = pstyle.get(_VAL) if pstyle is not None else None
    parts: list[str] = []
    converted = False
    for run in p.iter(_R):
        text = _run_text(run)
        legacy = legacy_font(fonts.of_run(run, style_id)) if text else None
        if legacy is not None and not legacy_fonts.has_unicode_vietnamese(text):
            decoded = legacy_fonts.decode(text, legacy[0], upper=legacy[1])
            converted = converted or decoded != text
            text = decoded
        parts.append(text)
    return "".join(parts), converted


def _blocks(parent: Any, fonts: _Fonts) -> Iterator[tuple[str, bool]]:
    for child in parent.iterchildren():
        if child.tag == _P:
            yield _paragraph(child, fonts)
        elif child.tag == _TBL:
            for row in child.iter(_TR):
                cells = [_blocks(cell, fonts) for cell in row.iterchildren(_TC)]
                texts = [list(cell) for cell in cells]
                line = " | ".join(" ".join(t for t, _ in cell if t.strip()) for cell in texts)
                yield line, any(c for cell in texts for _, c in cell)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content, fonts)


def extract(path: Path, limits: Limits) -> Extracted:
    with SafeZip(path, limits) as archive:
        archive.verify()  # python-docx inflates every part: sizes are checked first
    document = docx.Document(str(path))
    fonts = _Fonts(document)
    lines: list[str] = []
    converted = False
    length = 0
    for text, legacy in _blocks(document.element.body, fonts):
        length += len(text) + 1
        limits.check_text(length)  # stop as soon as the text is too long, not after collecting it all
        lines.append(text)
        converted = converted or legacy
    warnings = ("legacy_font_converted",) if converted else ()
    return build("\n".join(lines), "docx", warnings, limits=limits)
