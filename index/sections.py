"""The document's own structure as evidence: headings that match the question, broad questions about a whole
document, and questions that count a section's points.

* **Headings.** Every passage knows the headings above it (``heading``) and starts with its own heading lines
  ("II- MỤC TIÊU", "1. Đến năm 2030"). A question whose words are those of a heading ("mục tiêu đến năm
  2030", "quan điểm chỉ đạo", "tổ chức thực hiện") prefers the passages under it: :func:`heading_match`.
* **Broad questions** ("NQ 57 nói gì?", "quy dinh 383 la gi") about a named document: :func:`is_broad`; they
  get the document's card and the passages that say what it is for (:func:`purpose_passages`).
* **Counting** ("NQ 57 có mấy nhiệm vụ, giải pháp?"): the numbered points of the section whose heading the
  question names, read from the passages' locators (``Mục III, điểm 7``): :func:`count_points`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from documents.identity import body_start, find_mentions
from documents.text import fold
from index.keywords import query_terms
from index.rows import ChunkRow

#: Heading lines at the start of a passage: short, and upper case, numbered or marked ("II- MỤC TIÊU",
#: "1. Đến năm 2030", "### Về quan điểm chỉ đạo:" in a text converted from the web).
_HEADING_LINE = re.compile(r"^(?:#{1,6}\s|[IVXL]+\s*[.\-–)]|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|Điều\s+\d+|Chương\s|"
                           r"Mục\s)", re.IGNORECASE)
_MAX_HEADING_CHARS = 120
#: What a broad question says besides the document's name (folded words).
_BROAD = frozenset("noi gi la ve cai co dung chinh chu yeu tom tat gioi thieu ban hanh de lam nhung van ban "
                   "the nao sao hay cho biet minh xin hoi viec cua noi dung tw dang nham muc dich y nghia "
                   "chuyen lai ban de cap chung cot loi".split())
#: Units a member counts: "mấy nhóm nhiệm vụ", "bao nhiêu quan điểm", "có mấy điểm".
_COUNT = re.compile(r"\b(?:may|bao nhieu)\s+(?:nhom\s+|noi dung\s+|diem\s+)?"
                    r"(nhiem vu|giai phap|quan diem|muc tieu|noi dung|nhom|diem|dieu|chuong|phan|muc|nguyen tac)\b")
#: Section headings that say what a document is for, the most telling first.
_PURPOSE = tuple(re.compile(rf"\b{words}\b") for words in
                 ("muc tieu", "muc dich", "pham vi dieu chinh", "doi tuong ap dung", "quan diem"))
_POINT = re.compile(r"^(?P<section>.+?), điểm (?P<n>\d+)")
_BARE_POINT = re.compile(r"^điểm (?P<n>\d+)")
_POINTS = re.compile(r"điểm (?P<n>\d+)(?:–(?P<m>\d+))?")
#: The paragraph that opens a numbered point ("3. Xây dựng …", "#### 1. Bảo đảm …" in a text from the web).
_POINT_LINE = re.compile(r"^[#\s]*(?P<text>(?P<n>\d{1,2})\.\s.*)$")


def _heading_name(heading: str) -> str:
    """A heading as shown to members: its first line without Markdown marks and a closing colon."""
    return heading.split("\n")[0].split(" › ")[-1].strip().lstrip("#").strip().rstrip(":").strip()


def without_mentions(question: str) -> str:
    """The question without the document names in it ("NQ 57", "quy định số 383-QĐ/TW")."""
    out, position = [], 0
    for mention in find_mentions(question):
        out.append(question[position:mention.span[0]])
        position = mention.span[1]
    out.append(question[position:])
    return " ".join(out)


def _terms(text: str) -> set[str]:
    return {t for t in query_terms(text) if not t.isdigit() or len(t) == 4}


def heading_lines(chunk: ChunkRow, *, own: bool = False) -> str:
    """The headings a passage is under and the heading lines it starts with (``own``: only the latter, which
    the first passage of a section has)."""
    lines = [] if own else [chunk.heading]
    for line in chunk.text.split("\n"):
        line = line.strip()
        if not line:
            continue
        if len(line) > _MAX_HEADING_CHARS or not (_HEADING_LINE.match(line) or line.isupper()):
            break
        lines.append(line)
    return "\n".join(lines)


_ARTICLE_TITLE = re.compile(r"^Điều\s+\d+\s*[.:]\s*(.{3,120})$", re.MULTILINE)


def article_titles(chunk: ChunkRow) -> str:
    """The titles of the articles a passage holds ("Điều 2. Đối tượng áp dụng" → "Đối tượng áp dụng")."""
    return "\n".join(m.group(1) for m in _ARTICLE_TITLE.finditer(chunk.text))


#: Words that name a part of a resolution or regulation: a question that uses one asks for that part.
SECTION_WORDS = ("muc tieu", "quan diem", "nhiem vu", "giai phap", "to chuc thuc hien", "tam nhin", "pham vi",
                 "doi tuong", "nguyen tac", "trach nhiem", "hieu luc", "muc dich", "yeu cau", "dinh huong",
                 "ket qua", "han che", "nguyen nhan", "boi canh", "tinh hinh")
_SECTION_WORD = re.compile(r"\b(?:" + "|".join(SECTION_WORDS) + r")\b")
#: Words asking who a document applies to without naming the part ("áp dụng cho ai": its "đối tượng").
_WHO_IT_APPLIES_TO = re.compile(r"\bap dung (?:cho|voi|doi voi) (?:nhung )?(?:ai|nguoi nao|co quan nao)\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
#: Words around a part's name that ask for nothing more specific ("các nhiệm vụ chủ yếu gồm những gì").
_PART_WORDS = frozenset("cac nhung gom chi dao chu yeu trong tam lon ra sao nao den nam".split())


class StructureMatch:
    """What a question asks of a document's structure, read once, and how well a passage's place matches it."""

    def __init__(self, question: str) -> None:
        rest = without_mentions(question)
        self.terms = _terms(rest)
        self.sections = set(_SECTION_WORD.findall(fold(rest)))
        if _WHO_IT_APPLIES_TO.search(fold(rest)):  # "áp dụng cho ai": the article on who it applies to
            self.sections.add("doi tuong")
        self.wanted = wanted(question)
        self.asks_basis = "can cu" in fold(rest)
        #: It asks for a part as a whole ("quan điểm chỉ đạo của NQ 57 là gì"): nothing more specific is asked.
        others = re.findall(r"[^\W\d_]+", _SECTION_WORD.sub(" ", fold(rest)))
        #: The years it asks about ("mục tiêu đến năm 2045"): then it asks for the part of a part for that year.
        self.years = set(_YEAR.findall(rest))
        self.whole = (bool(self.sections) and all(word in _BROAD | _PART_WORDS for word in others)
                      and not self.years)

    def heading(self, chunk: ChunkRow, *, own: bool = False) -> float:
        """Share of the question's words (its document names left out) found in the passage's headings (``own``:
        in the heading lines the passage opens with)."""
        if not self.terms:
            return 0.0
        words = set(query_terms(heading_lines(chunk, own=own), drop_question_words=False))
        return len(self.terms & words) / len(self.terms)

    def section(self, chunk: ChunkRow) -> float:
        """1 when the question names a part of a document ("mục tiêu", "tổ chức thực hiện", "hiệu lực") and the
        passage is under a heading with that name or holds an article so titled ("Điều 22. Hiệu lực thi hành"
        in a passage of several short articles), else 0."""
        if not self.sections:
            return 0.0
        headings = f"{heading_lines(chunk)}\n{article_titles(chunk)}"
        return float(bool(self.sections & set(_SECTION_WORD.findall(fold(headings)))))

    def opens(self, chunk: ChunkRow) -> float:
        """1 when the question asks for a part as a whole and the passage opens that part (its heading is the
        passage's own first line), else 0."""
        if not self.whole:
            return 0.0
        return float(bool(self.sections & set(_SECTION_WORD.findall(fold(heading_lines(chunk, own=True))))))

    def other_year(self, chunk: ChunkRow) -> float:
        """1 when the question asks about a year and the passage is under a heading for another year only
        ("mục tiêu đến năm 2045" against "1. Mục tiêu đến năm 2030"), else 0."""
        if not self.years:
            return 0.0
        headed = set(_YEAR.findall(heading_lines(chunk)))
        return float(bool(headed) and not headed & self.years)

    def basis(self, chunk: ChunkRow) -> float:
        """1 when the passage lists legal bases ("Căn cứ …") and the question does not ask about them, else 0."""
        return float(not self.asks_basis and is_legal_basis(chunk))

    def answer_type(self, chunk: ChunkRow) -> float:
        """1 when the question asks for a date or a share and the passage states one, else 0."""
        return float(self.wanted is not None and bool(self.wanted.search(chunk.text)))


# What kind of answer a question wants, and what a passage holding it contains (folded question → original text).
_WANTS_DURATION = re.compile(r"\b(?:bao lau|(?:may|bao nhieu) (?:ngay|thang|nam|gio|tuan)|thoi han (?:la )?bao)\b")
_HAS_DURATION = re.compile(r"\d+\s*(?:-\s*\d+\s*)?(?:ngày|tháng|năm|giờ|tuần)\b", re.IGNORECASE)
_WANTS_DATE = re.compile(r"\b(?:ngay nao|thoi diem nao|khi nao|luc nao|bao gio|thang nao|nam nao|thoi han|"
                         r"han chot|truoc ngay|den ngay|tu luc nao|tu ngay nao)\b")
_HAS_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}|tháng\s+\d{1,2}|năm\s+\d{4}|ngày\s+\d{1,2}"
                       r"|hiệu lực|quý\s+[IV]+", re.IGNORECASE)
_WANTS_SHARE = re.compile(r"%|\b(?:phan tram|ty le|ti le)\b")
_HAS_SHARE = re.compile(r"%|phần trăm")


def wanted(question: str) -> re.Pattern[str] | None:
    """What a passage or sentence holding the answer contains, when the question asks for a duration, a date or
    a share."""
    folded = fold(question)
    if _WANTS_DURATION.search(folded):  # "trong bao lâu": "30 ngày", "5 năm"
        return _HAS_DURATION
    if _WANTS_DATE.search(folded):
        return _HAS_DATE
    if _WANTS_SHARE.search(folded):
        return _HAS_SHARE
    return None


#: What a passage must state to answer a question that asks for a time, a share, a sum or a number of people,
#: asked in Vietnamese (folded) or Chinese: (Vietnamese words, Chinese words, what the passage states).
_HAS_WHEN = re.compile(rf"{_HAS_DATE.pattern}|{_HAS_DURATION.pattern}|\d\s*(?:年|月|日|天|周|小时|个月|个工作日)",
                       re.IGNORECASE)
_STATES_SHARE = re.compile(r"%|％|百分之|phần trăm|\d+/\d+\b|hai phần ba|ba phần tư|một nửa|quá bán|đa số",
                           re.IGNORECASE)
_STATES_MONEY = re.compile(r"\d[\d.,]*\s*(?:nghìn\s+|triệu\s+|tỷ\s+|tỉ\s+)?(?:đồng|USD|đô la)|tỷ đồng|triệu đồng|"
                           r"\d\s*(?:万|亿)?(?:元|越南盾|美元)", re.IGNORECASE)
_STATES_PEOPLE = re.compile(r"\d[\d.,]*\s*(?:lãnh đạo|nhà giáo|người|thành viên|đồng chí|cán bộ|chuyên gia|"
                            r"nhà khoa học|học sinh|sinh viên|giảng viên|giáo viên|đảng viên|học viên|báo cáo viên|"
                            r"đại biểu|ủy viên|uỷ viên|tiến sĩ|名|人|位)", re.IGNORECASE)
_ASKS_FOR: tuple[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]], ...] = (
    # Asked as a question, not "thời hạn" or "trước ngày" inside a statement; nor "khi nào", which asks in
    # which case as often as when.
    (re.compile(r"\b(?:bao lau|(?:may|bao nhieu) (?:ngay|thang|nam|gio|tuan)|(?:ngay|thoi diem|thang|nam|thoi han|"
                r"han chot) nao|bao gio|tu luc nao|thoi han (?:la )?bao (?:lau|nhieu))\b"),
     re.compile(r"多长时间|多久|几天|几个月|几年|多少天|多少个月|多少年内|几个工作日|多少个工作日|多少小时|几个小时|"
                r"什么时候|何时|哪一天|哪天|哪一年|哪年|几月|几号|什么时间|哪个月|截止"), _HAS_WHEN),
    (re.compile(r"bao nhieu\s*(?:%|phan tram)|\b(?:ty|ti) (?:le|trong)\b.{0,40}\bbao nhieu\b|\bchiem bao nhieu\b"),
     re.compile(r"比例|比重|百分之|%|％|百分比|占.{0,12}多少|多大比"), _STATES_SHARE),
    (re.compile(r"\b(?:bao nhieu tien|bao nhieu (?:ty|trieu|dong)|kinh phi bao nhieu|tong von|tong muc dau tu)\b"),
     re.compile(r"多少钱|多少亿|越南盾|多少万|多少美元|资金.{0,6}多少|投资.{0,8}多少"), _STATES_MONEY),
    (re.compile(r"\b(?:bao nhieu|may) (?:nguoi|thanh vien|dong chi|can bo|chuyen gia|nha khoa hoc|hoc sinh|"
                r"sinh vien|giang vien|dang vien|hoc vien|bao cao vien|dai bieu|uy vien)\b"),
     re.compile(r"(?<!前)(?:多少名|多少人|几名|几个人|多少位|几位|多少个人)"), _STATES_PEOPLE),  # not "前几名" (a rank)
)


def states_answer(question: str) -> re.Pattern[str] | None:
    """What a passage answering ``question`` must state when it asks for a time ("bao lâu", "ngày nào", "多久"), a
    share, a sum of money or a number of people ("bao nhiêu người", "多少名"); None for other questions. A passage
    that states none of it may speak of the subject without answering (on the Chinese sets up to holdout5 it
    halved the false answers, 6.6 % → 3.3 %, for one answer fewer in 155; the Vietnamese sets' figures at the
    defaults did not move). Unlike :func:`wanted`, which only ranks and highlights, it reads question forms
    alone, since it can withhold an answer."""
    folded = fold(question)
    for vietnamese, chinese, states in _ASKS_FOR:
        if vietnamese.search(folded) or chinese.search(question):
            return states
    return None


def is_broad(question: str, own_words: str = "") -> bool:
    """A question that names a document and asks nothing more specific than what it is ("NQ 57 nói gì?",
    "Quy định 384 là quy định về cái gì", "HD 45 của Ban Tổ chức TW hướng dẫn nội dung gì"): besides the name,
    only words of :data:`_BROAD` and of ``own_words`` (the named document's type, issuer and title)."""
    if not find_mentions(question):
        return False
    allowed = _BROAD | set(re.findall(r"[^\W\d_]+", fold(own_words)))
    words = re.findall(r"[^\W\d_]+", fold(without_mentions(question)))
    return bool(words) and all(word in allowed for word in words)


_LEGAL_BASIS = re.compile(r"^[-–+•]?\s*Căn cứ\b")


def body_text(chunk: ChunkRow) -> str:
    """A passage's text, without the letterhead and title block when it is the document's first."""
    return chunk.text[0 if chunk.ordinal else body_start(chunk.text):]


def is_legal_basis(chunk: ChunkRow) -> bool:
    """A passage listing the texts a document is issued on ("- Căn cứ Điều lệ Đảng; - Căn cứ Quy chế …"): it
    names many other documents, and answers only a question about those bases."""
    paragraphs = [part.strip() for part in body_text(chunk).split("\n\n") if part.strip()]
    return bool(paragraphs) and sum(1 for part in paragraphs if _LEGAL_BASIS.match(part)) * 2 > len(paragraphs)


#: Passages read from the start of a document for the one that says what it is about (or gives its number).
OPENING_PASSAGES = 4


def opening_passage(chunks: Sequence[ChunkRow], title: str = "", *, resolution: bool = False) -> ChunkRow | None:
    """The passage near the start that says what the document is about. A resolution says why it is issued at
    the end of its preamble (before its first heading); other documents in the passage that shares most words
    with their ``title`` ("Ban hành kèm theo Quyết định này Quy chế …"), the earliest on a tie."""
    body = [c for c in chunks if body_text(c).strip()][:OPENING_PASSAGES]
    if not body:
        return None

    def start(chunk: ChunkRow) -> str:
        return body_text(chunk).lstrip()

    if resolution:
        preamble = []
        for chunk in body:
            if chunk.heading or _HEADING_LINE.match(start(chunk)) or start(chunk).split("\n", 1)[0].isupper():
                break
            preamble.append(chunk)
        if preamble:
            return preamble[-1]
    wanted = _terms(title)
    return max(body, key=lambda c: (len(wanted & _terms(start(c))), -c.ordinal))


def purpose_passages(chunks: Sequence[ChunkRow], limit: int = 2) -> list[ChunkRow]:
    """The passages that say what a document is for: the first under a heading of objectives, purpose, scope
    or viewpoints, for up to ``limit`` of these kinds (the most telling first); else the first of the body."""
    headings = [fold(heading_lines(chunk)) for chunk in chunks]
    found: list[ChunkRow] = []
    for pattern in _PURPOSE:
        first = next((c for c, heading in zip(chunks, headings, strict=True) if pattern.search(heading)), None)
        if first is not None and first not in found:
            found.append(first)
        if len(found) == limit:
            break
    if found:
        return found
    first_body = chunks[1] if len(chunks) > 1 and chunks[0].ordinal == 0 else (chunks[0] if chunks else None)
    return [first_body] if first_body is not None else []


@dataclass(frozen=True)
class Count:
    """The numbered points of a section: its locator, heading and the first line of each point."""

    section: str
    heading: str
    points: list[str]
    last: ChunkRow
    first: ChunkRow  # where the section starts (its heading; a press text may state the count there)


def count_points(question: str, chunks: Sequence[ChunkRow]) -> Count | None:
    """Answer "có mấy …" from structure: the section whose heading has the question's words, and its points."""
    asked = _COUNT.search(fold(question))
    if asked is None:
        return None
    terms = _terms(without_mentions(question)) - {"may", "bao", "nhieu", "baonhieu", "co", "nhom", "diem"}
    sections: dict[str, list[ChunkRow]] = {}
    for chunk in chunks:
        point = _POINT.match(chunk.locator)
        if point is not None:
            sections.setdefault(point.group("section"), []).append(chunk)
        elif _BARE_POINT.match(chunk.locator):  # a text without numbered parts: its points go by their heading
            sections.setdefault(_heading_name(chunk.heading or heading_lines(chunk, own=True)), []).append(chunk)
    best: tuple[float, str] | None = None
    for section, members in sections.items():
        opening = heading_lines(members[0]).split("\n")
        words = set(query_terms(" ".join(opening[:2]), drop_question_words=False))
        score = len(terms & words) / len(terms) if terms else 0.0
        if score >= 0.5 and (best is None or score > best[0]):
            best = (score, section)
    if best is None:
        return None
    members = sections[best[1]]
    firsts: dict[int, tuple[str, ChunkRow]] = {}
    for chunk in members:
        located = _POINTS.search(chunk.locator)
        if located is None:
            continue
        low = int(located.group("n"))
        high = int(located.group("m") or low)  # "điểm 3–4": a passage holding two points
        for paragraph in re.split(r"\n\s*\n", chunk.text):  # a point's title may wrap over lines
            numbered = _POINT_LINE.match(" ".join(paragraph.split()))
            if numbered is not None and low <= int(numbered.group("n")) <= high:
                firsts.setdefault(int(numbered.group("n")), (numbered.group("text")[:_MAX_HEADING_CHARS], chunk))
        firsts.setdefault(low, ("", chunk))
    heading = _heading_name(next((li for li in heading_lines(members[0]).split("\n") if li), best[1]))
    numbers = sorted(firsts)
    if len(numbers) < 2:  # one numbered passage is not a list ("2. Về nhiệm vụ trọng tâm …" over "(1) … (6)")
        return None
    return Count(best[1], heading, [firsts[n][0] for n in numbers], firsts[numbers[-1]][1], members[0])
