"""Split a document along its own structure into citable chunks.

Structure recognised (line starts; Markdown ``#``/``*`` prefixes are ignored):

* Party style: ``Phần thứ nhất`` / ``PHẦN I``, Roman sections ``I.`` ``I-`` ``I –`` (``Mục I``), numbered
  items ``1.`` (``điểm 1``), ``1.1.`` (``điểm 1.1``), lettered points ``a)`` (``điểm 2.a``);
  bullets ``-``/``+`` stay inside their point.
* Legal style: ``Chương I``, ``Mục 1``, ``Điều 5.``, khoản ``1.`` and điểm ``a)`` inside an Điều.

Locator style (one Vietnamese style everywhere):

* Party: ``Mục II, điểm 2.b``; ranges of merged siblings ``Mục II, điểm 2.a–c`` / ``Mục II, điểm 1–3``.
* Legal: the locator starts with the article, ``Điều 32, khoản 1, điểm a``; Chương/Mục are left out of the
  locator (they are in ``heading``); ranges ``Điều 5, khoản 1–3`` and ``Điều 1–3``.
* Text before the first heading: ``Phần mở đầu``. Continuation parts of a unit split for size get `` (tiếp)``.

``Chunk.text == text[start:end]`` always; chunks are ordered, do not overlap and cover every non-blank
character.
``len(heading) + len(chunk.text) <= max_chars`` (the heading is shortened when needed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from documents.model import Chunk, Section
from documents.text import SENTENCE_BREAK

HEADING_SEP = " › "
CONTINUED = " (tiếp)"
PREAMBLE = "Phần mở đầu"
_HEADING_PART_MAX = 90  # one ancestor's text in ``heading`` is cut to this many characters

_MARKUP = re.compile(r"^(?:#{1,6}\s*|[*_>]+\s*)+")
_PHAN = re.compile(r"^(?:PHẦN|Phần)\s+(?P<label>(?:THỨ|thứ)\s+[^\W\d_]+|[IVXLC]+|\d{1,2})\b(?![/-])")
_CHUONG = re.compile(r"^(?:CHƯƠNG|Chương)\s+(?P<label>[IVXLC]+|\d{1,3})\b(?![/-])")
_MUC = re.compile(r"^(?:MỤC|Mục)\s+(?P<label>\d{1,2})\b(?![/-])")
_DIEU = re.compile(r"^Điều\s+(?P<label>\d{1,3}[a-zđ]?)\s*[.:](?!\d)")
_ROMAN = re.compile(r"^(?P<label>[IVXL]{1,6})\s*(?:[.:)]|\s*[-–—])\s*(?P<rest>.*)$")
_SUB = re.compile(r"^(?P<label>\d{1,2}\.\d{1,2})(?:\.\d{1,2})?\.?(?:\s+|$)(?!\d)")
_NUM = re.compile(r"^(?P<label>\d{1,2})\.(?:\s+|$)(?P<rest>.*)$")
_LETTER = re.compile(r"^(?P<label>[a-zđ])\)\s*(?P<rest>.*)$")
_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
_SPACE = re.compile(r"\s+")
# The title line of a numbered part, which its continuation passages keep in their heading.
_POINT_TITLE = re.compile(
    r"^(?:[IVXL]{1,6}\s*[.:)\-–]|\d{1,2}(?:\.\d{1,2})*\.\s|[a-zđ]\)\s|Điều\s+\d|Mục\s+\d|Chương\s)"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LETTERS = "abcdđefghijklmnopqrstuvxy"

# kind → rank (a heading closes every open node of rank >= its own)
_RANK = {"phan": 0.0, "chuong": 1.0, "roman": 1.0, "md": 1.5, "muc": 2.0, "dieu": 3.0, "num": 4.0, "sub": 5.0,
         "letter": 6.0}


def roman_value(numeral: str) -> int:
    """``XIV`` → 14 (0 for an invalid numeral)."""
    total = 0
    values = [_ROMAN_VALUES.get(ch, 0) for ch in numeral.upper()]
    if not values or 0 in values:
        return 0
    for i, value in enumerate(values):
        total += -value if i + 1 < len(values) and values[i + 1] > value else value
    return total


@dataclass
class _Node:
    kind: str
    label: str
    start: int
    head_end: int  # end of the heading line(s)
    title: str
    parent: _Node | None = None
    children: list[_Node] = field(default_factory=list)
    end: int = 0
    in_dieu: bool = False

    @property
    def rank(self) -> float:
        return _RANK.get(self.kind, -1.0)

    def part(self) -> tuple[str, str]:
        """(prefix, label) of this node in a locator: ("Mục ", "II"), ("điểm 2.", "b"), ("khoản ", "1")."""
        parent = self.parent
        if self.kind == "phan":
            return ("Phần ", self.label)
        if self.kind in ("chuong", "muc"):
            return ("Chương " if self.kind == "chuong" else "Mục ", self.label)
        if self.kind == "roman":
            return ("Mục ", self.label)
        if self.kind == "dieu":
            return ("Điều ", self.label)
        if self.kind == "num":
            return ("khoản " if self.in_dieu else "điểm ", self.label)
        if self.kind == "sub":
            return ("khoản " if self.in_dieu else "điểm ", self.label)
        if self.kind == "letter":
            if parent is not None and parent.kind in ("num", "sub") and not parent.in_dieu:
                return (f"điểm {parent.label}.", self.label)
            return ("điểm ", self.label)
        return ("", "")

    def path(self) -> list[_Node]:
        nodes: list[_Node] = []
        node: _Node | None = self
        while node is not None and node.kind != "root":
            nodes.append(node)
            node = node.parent
        return nodes[::-1]


def _locator_parts(node: _Node) -> list[tuple[str, str]]:
    """Locator parts from the top; everything above an Điều is dropped; a Party letter absorbs its item."""
    path = node.path()
    for i in range(len(path) - 1, -1, -1):
        if path[i].kind == "dieu":
            path = path[i:]
            break
    parts: list[tuple[str, str]] = []
    for item in path:
        if item.kind in ("md",):
            continue
        if item.kind in ("chuong", "muc") and any(p.kind == "dieu" for p in path):
            continue
        prefix, label = item.part()
        if item.kind == "letter" and prefix.startswith("điểm ") and prefix != "điểm " and parts:
            parts.pop()  # "điểm 2" + "b" → "điểm 2.b"
        if item.kind == "sub" and not item.in_dieu and parts and parts[-1][0] == "điểm ":
            parts.pop()  # "điểm 1" + "1.1" → "điểm 1.1"
        parts.append((prefix, label))
    return parts


def _join_parts(parts: list[tuple[str, str]]) -> str:
    return ", ".join(prefix + label for prefix, label in parts)


def _articles(node: _Node) -> list[_Node]:
    """The Điều nodes inside a Phần/Chương/Mục (empty for Party-style sections)."""
    found: list[_Node] = []
    for child in node.children:
        if child.kind == "dieu":
            found.append(child)
        elif child.kind in ("phan", "chuong", "muc", "roman", "md"):
            found.extend(_articles(child))
    return found


def locator_of(node: _Node, *, by_articles: bool = True) -> str:
    """Locator of a whole node; a chunk of a whole Chương (or other container) is named by its articles."""
    if node.kind == "root":
        return PREAMBLE
    containers = ("phan", "chuong", "muc", "roman", "md")
    articles = _articles(node) if by_articles and node.kind in containers else []
    if articles:
        return _range_locator(articles[0], articles[-1])
    return _join_parts(_locator_parts(node)) or node.title[:40]


def _range_locator(first: _Node, last: _Node) -> str:
    if first is last:
        return locator_of(first)
    first_articles, last_articles = _articles(first), _articles(last)
    if first_articles or last_articles:
        first = first_articles[0] if first_articles else first
        last = last_articles[-1] if last_articles else last
    a, b = _locator_parts(first), _locator_parts(last)
    if a and b and len(a) == len(b) and a[:-1] == b[:-1] and a[-1][0] == b[-1][0]:
        return _join_parts(a[:-1] + [(a[-1][0], f"{a[-1][1]}–{b[-1][1]}")])
    return f"{locator_of(first)} – {locator_of(last)}"


# --- parsing -------------------------------------------------------------------------------------------
def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _classify(line: str, raw: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) of a heading line, or None."""
    if line.startswith(("“", '"', "«", "'")):
        return None
    for kind, pattern in (("phan", _PHAN), ("chuong", _CHUONG), ("dieu", _DIEU), ("muc", _MUC)):
        match = pattern.match(line)
        if match:
            label = match.group("label")
            if kind == "phan":
                label = label.lower() if label.lower().startswith("thứ") else label
                label = label[:1].upper() + label[1:] if label.startswith("thứ") else label
                label = label.replace("Thứ", "thứ")
            return kind, label, line[match.end():].strip(" .:-–")
    match = _ROMAN.match(line)
    if match and roman_value(match.group("label")) and roman_value(match.group("label")) <= 30:
        return "roman", match.group("label"), match.group("rest").strip()
    match = _SUB.match(line)
    if match:
        return "sub", match.group("label"), line[match.end():].strip()
    match = _NUM.match(line)
    if match:
        return "num", match.group("label"), match.group("rest").strip()
    match = _LETTER.match(line)
    if match:
        return "letter", match.group("label"), match.group("rest").strip()
    if _MD_HEADING.match(raw) and len(line) <= 200:
        return "md", "", line
    return None


def _accept(kind: str, label: str, rest: str, parent: _Node, last: dict[tuple[int, str], str]) -> bool:
    """Sequence checks that keep dates, numbers in sentences and stray lines out of the outline."""
    previous = last.get((id(parent), kind))
    if kind == "roman":
        value = roman_value(label)
        prev_value = roman_value(previous) if previous else 0
        return bool(rest) and (value == prev_value + 1 or (value == 1 and prev_value == 0)) or (
            value == prev_value + 1 and value > 1)
    if kind == "num":
        value = int(label)
        prev_value = int(previous) if previous else 0
        return 1 <= value <= 60 and (value == 1 or prev_value < value <= prev_value + 2)
    if kind == "sub":
        major, minor = (int(x) for x in label.split("."))
        return minor >= 1 and (parent.kind == "num" and parent.label == str(major) or parent.kind != "num")
    if kind == "letter":
        index = _LETTERS.find(label)
        prev_index = _LETTERS.find(previous) if previous else -1
        return index == 0 or 0 <= prev_index < index <= prev_index + 2
    return True


def _parse(text: str) -> _Node:
    root = _Node("root", "", 0, 0, "")
    stack = [root]
    last: dict[tuple[int, str], str] = {}
    absorb: _Node | None = None  # a heading whose title may continue on the next line(s)
    absorbed = 0
    pos = 0
    for raw in text.split("\n"):
        start, end = pos, pos + len(raw)
        pos = end + 1
        line = _MARKUP.sub("", raw).replace("*", "").strip().rstrip("_ ")
        if not line:
            continue
        found = _classify(line, raw)
        if found is not None:
            kind, label, rest = found
            depth = len(stack)
            while depth > 1 and stack[depth - 1].rank >= _RANK[kind]:
                depth -= 1
            parent = stack[depth - 1]
            if _accept(kind, label, rest, parent, last):
                for open_node in stack[depth:]:
                    open_node.end = start
                del stack[depth:]
                node = _Node(kind, label, start, end, line, parent=parent)
                node.in_dieu = parent.kind == "dieu" or parent.in_dieu
                parent.children.append(node)
                last[(id(parent), kind)] = label
                for key in [k for k in last if k[0] == id(parent) and _RANK.get(k[1], 9) > _RANK[kind]]:
                    del last[key]
                stack.append(node)
                structural = kind in ("phan", "chuong", "muc", "roman")
                absorb = node if structural and (not rest or _is_upper(rest)) else None
                absorbed = 0
                continue
        if absorb is not None and len(line) <= 160 and absorbed < 3 and (
                _is_upper(line) or (absorbed == 0 and _bare(absorb))):
            absorb.title = f"{absorb.title} {line}"
            absorb.head_end = end
            absorbed += 1
            if not _is_upper(line):
                absorb = None
            continue
        absorb = None
    root.end = len(text)
    _fix_ends(root, len(text))
    return root


def _bare(node: _Node) -> bool:
    """A heading with nothing after its number (``Chương I``): the next line is its name."""
    return _MARKUP.sub("", node.title).strip().rstrip(".:-–— ") in (
        f"Chương {node.label}", f"CHƯƠNG {node.label}", f"Mục {node.label}", f"MỤC {node.label}",
        f"Phần {node.label}", f"PHẦN {node.label}", node.label)


def _fix_ends(node: _Node, end: int) -> None:
    node.end = end
    for i, child in enumerate(node.children):
        child_end = node.children[i + 1].start if i + 1 < len(node.children) else end
        _fix_ends(child, child_end)


# --- emitting ----------------------------------------------------------------------------------------
def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _short(title: str) -> str:
    title = _SPACE.sub(" ", title).strip()
    return title if len(title) <= _HEADING_PART_MAX else title[: _HEADING_PART_MAX - 1].rstrip() + "…"


def _heading(nodes: list[_Node], max_len: int) -> str:
    parts = [_short(n.title) for n in nodes if n.kind != "root" and n.title]
    heading = HEADING_SEP.join(parts)
    while len(heading) > max_len and parts:
        parts.pop(0)
        heading = HEADING_SEP.join(parts)
    return heading


@dataclass
class _Piece:
    start: int
    end: int
    nodes: list[_Node]  # the whole child nodes in this piece (empty: the parent's own text)

    @property
    def size(self) -> int:
        return self.end - self.start


class _Builder:
    def __init__(self, text: str, max_chars: int, min_chars: int) -> None:
        self.text = text
        self.max_chars = max_chars
        self.min_chars = min_chars
        self.out: list[tuple[str, str, int, int]] = []

    def budget(self, heading: str) -> int:
        return self.max_chars - len(heading)

    def add(self, locator: str, heading: str, start: int, end: int) -> None:
        start, end = _trim(self.text, start, end)
        if start >= end:
            return
        budget = self.budget(heading)
        if end - start <= budget:
            self.out.append((locator, heading, start, end))
            return
        # The continuation of a point keeps the point's own title line ("1. Đến năm 2030") in its heading.
        continued = heading
        for line in [li.strip() for li in self.text[start:end].split("\n", 4)[:4] if li.strip()][:2]:
            if not _POINT_TITLE.match(line):
                break
            if _short(line) not in continued:
                continued = f"{continued}{HEADING_SEP}{_short(line)}" if continued else _short(line)
        for i, (a, b) in enumerate(self.split(start, end, budget - len(continued) + len(heading))):
            self.out.append((locator if i == 0 else locator + CONTINUED, heading if i == 0 else continued, a, b))

    def split(self, start: int, end: int, budget: int) -> list[tuple[int, int]]:
        """Cut ``text[start:end]`` into near-equal spans ≤ budget at line, sentence, then space boundaries."""
        spans: list[tuple[int, int]] = []
        cuts = [m.end() for m in SENTENCE_BREAK.finditer(self.text, start, end) if m.end() > start]
        pos = start
        while end - pos > budget:
            parts = -(-(end - pos) // budget)
            target = pos + (end - pos) // parts
            limit = pos + budget
            window = [c for c in cuts if pos + budget // 3 < c <= limit]
            lines = [c for c in window if self.text[c - 1] == "\n"]
            pool = lines if lines and min(abs(c - target) for c in lines) < budget // 4 else window
            best = min(pool, key=lambda c: abs(c - target), default=0)
            if best == 0:
                space = self.text.rfind(" ", pos + budget // 2, limit)
                best = space + 1 if space > pos else limit
            a, b = _trim(self.text, pos, best)
            if a < b:
                spans.append((a, b))
            pos = best
        a, b = _trim(self.text, pos, end)
        if a < b:
            spans.append((a, b))
        return spans

    def emit(self, node: _Node, lead: int | None = None) -> None:
        """Chunks for ``node``'s whole span (its heading is in the text, its ancestors in ``heading``).

        ``lead``: an earlier start, to carry a parent's bare heading line into this node's first chunk.
        """
        ancestors = node.path()[:-1] if node.kind != "root" else []
        heading = _heading(ancestors, self.max_chars // 4)
        start, end = _trim(self.text, node.start if lead is None else lead, node.end)
        if node.kind != "root" and end - start <= self.budget(heading):
            self.add(locator_of(node), heading, start, end)
            return
        own_heading = _heading([*ancestors, node], self.max_chars // 4) if node.kind != "root" else ""
        first_child = node.children[0].start if node.children else node.end
        pieces: list[_Piece] = []
        intro = _trim(self.text, start if node.kind != "root" else node.start, first_child)
        if intro[0] < intro[1]:
            pieces.append(_Piece(intro[0], intro[1], []))
        pieces.extend(_Piece(*_trim(self.text, c.start, c.end), [c]) for c in node.children)
        groups: list[list[_Piece]] = []
        for piece in pieces:
            if node.kind == "root" and not piece.nodes:
                groups.append([piece])  # the preamble stands alone
                groups.append([])
                continue
            current = groups[-1] if groups else None
            if current and not any(n.kind in ("phan", "chuong") for p in (*current, piece) for n in p.nodes):
                size = current[-1].end - current[0].start
                fits = piece.end - current[0].start + len(own_heading) <= self.max_chars
                if fits and (size < self.min_chars or piece.size < self.min_chars):
                    current.append(piece)
                    continue
            groups.append([piece])
        groups = [g for g in groups if g]
        lead_next: int | None = None
        for i, group in enumerate(groups):
            children = [n for p in group for n in p.nodes]
            if len(group) == 1 and children:
                self.emit(children[0], lead_next)
                lead_next = None
                continue
            if (not children and node.kind != "root" and group[0].size < self.min_chars
                    and i + 1 < len(groups) and len(groups[i + 1]) == 1 and groups[i + 1][0].nodes):
                lead_next = group[0].start  # a bare heading ("II- MỤC TIÊU") leads the next chunk
                continue
            with_intro = not group[0].nodes
            if not children:  # the node's own text only
                if node.kind == "root":
                    self.add(PREAMBLE, "", group[0].start, group[0].end)
                else:
                    self.add(locator_of(node), heading, group[0].start, group[0].end)
                continue
            locator = _range_locator(children[0], children[-1])
            group_heading = heading if with_intro else own_heading
            self.add(locator, group_heading if node.kind != "root" else "", group[0].start, group[-1].end)


def split_document(
    text: str, *, max_chars: int = 1200, min_chars: int = 200
) -> tuple[list[Chunk], list[Section]]:
    """Chunks along the document's structure and its outline (see the module docstring)."""
    if not text.strip():
        return [], []
    root = _parse(text)
    builder = _Builder(text, max_chars, min_chars)
    builder.emit(root)
    chunks = [Chunk(ordinal=i, locator=loc, heading=head, start=a, end=b, text=text[a:b])
              for i, (loc, head, a, b) in enumerate(builder.out)]
    return chunks, _outline(root)


def _heading_like(node: _Node) -> bool:
    line = node.title
    return len(line) <= 160 and not line.rstrip("*_ ").endswith((".", ";", ",")) or _is_upper(line)


def _outline(root: _Node) -> list[Section]:
    sections: list[Section] = []

    def walk(node: _Node, level: int) -> None:
        for child in node.children:
            include = child.kind in ("phan", "chuong", "muc", "roman", "md", "dieu") or (
                child.kind in ("num", "sub") and not child.in_dieu and level <= 2 and _heading_like(child))
            if include:
                title = _SPACE.sub(" ", child.title).strip()
                locator = locator_of(child, by_articles=False)
                sections.append(Section(locator=locator, title=title, start=child.start, level=level))
                walk(child, level + 1)

    walk(root, 1)
    return sections
