"""HTML via selectolax: the main text only.

Boilerplate (script/style/nav/header/footer/aside/form, ...) is removed; the content root is the largest
``<article>``, else ``<main>``, else the element holding the most paragraph text. Block elements become line
breaks, table cells are joined by " | ", entities are decoded by the parser.
"""

from __future__ import annotations

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from documents.extract.limits import Limits
from documents.extract.plain import decode
from documents.extract.result import build
from documents.model import Extracted

_DROP = [
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "textarea", "menu", "dialog",
]  # fmt: skip
_BLOCKS = (
    "p, div, section, article, main, li, ul, ol, dl, dt, dd, h1, h2, h3, h4, h5, h6, pre, blockquote, "
    "table, tr, caption, figure, figcaption, address, hr"
)
_BREAK, _CELL = "\ue000", "\ue001"  # private-use markers (str.split() treats \x1e as space)


def _content_root(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in ("article", "main", "[role=main]"):
        nodes = tree.css(selector)
        if nodes:
            return max(nodes, key=lambda n: len(n.text(strip=True)))
    totals: dict[int, tuple[LexborNode, int]] = {}
    for paragraph in tree.css("p"):
        parent = paragraph.parent
        if parent is None:
            continue
        node, total = totals.get(parent.mem_id, (parent, 0))
        totals[parent.mem_id] = (node, total + len(paragraph.text(strip=True)))
    if totals:
        return max(totals.values(), key=lambda item: item[1])[0]
    return tree.body


def _text(root: LexborNode) -> str:
    for node in root.css("br"):
        node.insert_before(_BREAK)
    for node in root.css("td, th"):
        node.insert_after(_CELL)
    for node in root.css(_BLOCKS):
        node.insert_before(_BREAK)
        node.insert_after(_BREAK)
    raw = " ".join((root.text(deep=True, separator="") or "").split())
    lines = [" | ".join(c.strip() for c in line.split(_CELL) if c.strip()) for line in raw.split(_BREAK)]
    return "\n".join(line for line in lines if line)


def extract(path: Path, limits: Limits) -> Extracted:
    text, _ = decode(path.read_bytes())
    tree = LexborHTMLParser(text)
    tree.strip_tags(_DROP)
    root = _content_root(tree)
    return build(_text(root) if root is not None else "", "html", limits=limits, legacy=False)
