"""Facts a contest asks about, found in one sentence of a text: figures, years and dates, durations and counts,
who leads or is responsible, the items of a listed principle, quoted slogans.

Pure functions of text (no index). A :class:`Fact` is a span of the sentence that can be blanked out and
offered among options of the same kind; :func:`value_key` compares values as a reader would (``1,5%`` is
``1.5%``, ``02 cán bộ`` is ``2 cán bộ``, ``6.000`` is ``6000``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from documents.text import fold


class FactKind(StrEnum):
    PERCENT = "percent"  # 30%, 16 - 18%
    YEAR = "year"  # đến năm 2030
    DATE = "date"  # 30/6/2025, ngày 15/12
    AMOUNT = "amount"  # 12 người, 10 năm, 15 ngày làm việc, 1/5
    BODY = "body"  # Ban Tổ chức Trung ương chủ trì…; do đồng chí Tổng Bí thư … làm Trưởng Ban
    ITEM = "item"  # thể chế, nhân lực, hạ tầng, dữ liệu và công nghệ chiến lược
    SLOGAN = "slogan"  # "vừa chạy vừa xếp hàng"


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    start: int
    end: int
    text: str
    #: What the value counts (``người``, ``ngày làm việc``) for amounts; the list's other items for ITEM.
    unit: str = ""
    siblings: tuple[str, ...] = ()


_LOWER = "a-zàáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ"
_UPPER = "A-ZÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
_NUMBER = r"\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?"

#: Units an amount may count, longest first (a number followed by one of these is a fact).
UNITS = (
    "ngày làm việc", "giờ chuẩn", "báo cáo viên", "giảng viên", "học viên", "học sinh", "sinh viên", "chức danh",
    "doanh nghiệp", "tổ chức", "cơ sở", "đại học", "tham luận", "nhiệm vụ", "đồng chí", "cán bộ", "đảng viên",
    "trường", "tỉnh", "xã", "người", "tiết", "tuổi", "lần", "nước", "năm", "tháng", "tuần", "ngày", "giờ", "phút",
    "tỷ đồng", "triệu đồng", "đồng", "cấp", "đơn vị",
)
_UNIT = "|".join(re.escape(u) for u in UNITS)
#: Numbers that are references, not facts (``Điều 5``, ``Quy định số 270``, ``khóa XIII``).
_REFERENCE_BEFORE = re.compile(
    r"(?:điều|khoản|điểm|mục|chương|phần|số|thứ|khóa|khoá|lần|tiết|phụ lục|mẫu|nhóm|top|cấp độ)\s*$", re.I)

_PERCENT = re.compile(rf"(?<![\d.,/])(?:{_NUMBER})(?:\s?-\s?(?:{_NUMBER}))?\s?%")
#: The date of another document cited by number ("Quy định số 377-QĐ/TW ngày …"): a fact about that document.
_CITED_DATE = re.compile(r"(?:\d+\s?-\s?[A-ZĐ]{1,4}\s?/\s?[A-ZĐ]{1,8}|[Ss]ố\s+\S+)[,)]?\s+ngày\s*$")
_CITED_AFTER = re.compile(r"\s*,?\s*của\s")
_YEAR = re.compile(r"(?<=\bnăm )(?:19|20)\d{2}\b(?![/\d])")
_DATE = re.compile(
    r"(?<![\d/])(?:[0-3]?\d/[01]?\d/(?:19|20)\d{2}|ngày [0-3]?\d tháng [01]?\d năm (?:19|20)\d{2}|"
    r"(?<=ngày )[0-3]?\d/[01]?\d)(?![\d/])"
)
_AMOUNT = re.compile(rf"(?<![\d.,/%])(?:(?:{_NUMBER})(?:\s?-\s?(?:{_NUMBER}))?|\d+/\d+)\s(?P<unit>{_UNIT})\b")
_FRACTION = re.compile(r"(?<![\d/.,])[1-9]/(?:[2-9]|10)(?![\d/])")
#: Who is responsible: an item or sentence that opens with a body followed by what it does.
_BODY_HEADS = (
    "Ban cán sự đảng", "Ban Chấp hành", "Ban Thường vụ", "Ban Bí thư", "Bộ Chính trị", "Ban", "Văn phòng",
    "Đảng ủy", "Đảng uỷ", "Đảng đoàn", "Ủy ban", "Uỷ ban", "Bộ", "Học viện", "Mặt trận", "Hội đồng", "Cục",
    "Tỉnh ủy", "Tỉnh uỷ", "Thường trực", "Chính phủ", "Quốc hội", "Tổng Bí thư", "Thủ tướng", "Chủ tịch",
)
_BODY_VERBS = (
    r"chủ trì|lãnh đạo|phối hợp|có trách nhiệm|chịu trách nhiệm|theo dõi|hướng dẫn|chỉ đạo|tham mưu|"
    r"là cơ quan|làm Trưởng [Bb]an|làm Trưởng"
)
#: Words a body's name does not contain (where a name has run into the sentence).
_NOT_IN_BODY = frozenset("có là được thì đã sẽ cần phải để với theo trong các những về của cho tại khi này đó".split())
#: Words that open a verb phrase rather than a list item.
_VERBS = frozenset(("phát triển", "xây dựng", "tăng cường", "nâng cao", "đẩy mạnh", "hoàn thiện", "thực hiện",
                    "bảo đảm", "tổ chức", "xác định", "triển khai", "đổi mới", "mỗi", "các", "những"))
_BODY = re.compile(
    rf"(?:^|(?<=[-•]\s)|(?<=\d\.\s)|(?<=\bgiao\s)|(?<=\bGiao\s)|(?<=\bdo đồng chí\s)|(?<=\bdo\s))"
    rf"(?P<body>(?:{'|'.join(re.escape(h) for h in _BODY_HEADS)})(?:\s[{_UPPER}{_LOWER}\-]+){{0,9}}?)"
    rf"\s(?=(?:{_BODY_VERBS})\b)"
)
_QUOTED = re.compile(r"[\"“”«»]([^\"“”«»\n]{6,80})[\"“”«»]")
#: An enumeration that opens a sentence and is what the sentence is about ("A, B, C và D là …"), or a quoted one.
_LIST = re.compile(
    rf"(?:^|(?<=:\s)|(?<=[“\"]))(?P<items>[{_UPPER}{_LOWER}][{_LOWER} ]{{1,30}}"
    rf"(?:,\s[{_LOWER}][{_LOWER} ]{{1,30}}){{2,8}}(?:,?\svà\s[{_LOWER}][{_LOWER} ]{{1,30}}?)?)"
    rf"(?=\s(?:là|đều là)\s|[”\"])"
)


def _years(sentence: str) -> Iterator[Fact]:
    for match in _YEAR.finditer(sentence):
        yield Fact(FactKind.YEAR, match.start(), match.end(), match.group(0))


def _reference(sentence: str, start: int) -> bool:
    return _REFERENCE_BEFORE.search(sentence[max(0, start - 14):start]) is not None


def find_facts(sentence: str) -> list[Fact]:
    """Every fact of ``sentence`` (offsets relative to it), in order, overlapping spans resolved: the first and
    longest wins (a percentage is not also an amount, a date not also a year)."""
    found: list[Fact] = []
    for match in _PERCENT.finditer(sentence):
        if not _reference(sentence, match.start()):
            found.append(Fact(FactKind.PERCENT, match.start(), match.end(), match.group(0)))
    for match in _DATE.finditer(sentence):
        if not _CITED_DATE.search(sentence[max(0, match.start() - 40):match.start()]) and \
                not _CITED_AFTER.match(sentence, match.end()):
            found.append(Fact(FactKind.DATE, match.start(), match.end(), match.group(0)))
    found.extend(_years(sentence))
    for match in _AMOUNT.finditer(sentence):
        if not _reference(sentence, match.start()):
            unit = match.group("unit")
            found.append(Fact(FactKind.AMOUNT, match.start(), match.end(), match.group(0), unit=unit))
    for match in _FRACTION.finditer(sentence):
        if not _reference(sentence, match.start()):
            found.append(Fact(FactKind.AMOUNT, match.start(), match.end(), match.group(0), unit="/"))
    for match in _BODY.finditer(sentence):
        body = match.group("body").rstrip(" ,-")
        words = body.split()
        if len(words) >= 2 and not any(w in _NOT_IN_BODY for w in words) and words[-1] != "và" and \
                all(words[i + 1][:1].isupper() for i, w in enumerate(words[:-1]) if w == "và"):
            found.append(Fact(FactKind.BODY, match.start("body"), match.start("body") + len(body), body))
    for match in _QUOTED.finditer(sentence):
        inner = match.group(1).strip()
        if 2 <= len(inner.split()) <= 14 and not re.search(r"\d", inner) and (inner[0].islower() or "," in inner):
            start = match.start(1) + match.group(1).index(inner)
            found.append(Fact(FactKind.SLOGAN, start, start + len(inner), inner))
    found.extend(_items(sentence))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Fact] = []
    for fact in found:
        if all(fact.end <= k.start or fact.start >= k.end for k in kept):
            kept.append(fact)
    return kept


def _items(sentence: str) -> Iterator[Fact]:
    """The items of an enumeration "A, B, C và D" (four or more short items): each one is a fact whose
    siblings are the others."""
    for match in _LIST.finditer(sentence):
        text = match.group("items")
        parts = [p for p in re.split(r",\s(?:và\s)?|\svà\s", text) if p]
        opening = " ".join(fold(parts[0]).split()[:2]) if parts else ""
        if len(parts) < 4 or any(len(p.split()) > 4 for p in parts) or \
                any(opening.startswith(fold(v)) for v in _VERBS):
            continue
        position = match.start("items")
        spans: list[tuple[int, int, str]] = []
        cursor = 0
        for part in parts:
            at = text.index(part, cursor)
            spans.append((position + at, position + at + len(part), part))
            cursor = at + len(part)
        names = tuple(p.strip() for p in parts)
        for start, end, part in spans:
            yield Fact(FactKind.ITEM, start, end, part, siblings=tuple(n for n in names if n != part.strip()))


_KEY_NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?!\d)|\d+(?:,\d+)?")


def _number_key(match: re.Match[str]) -> str:
    text = match.group(0)
    if "." in text:
        return str(int(text.replace(".", "")))
    if "," in text:
        whole, _, decimals = text.partition(",")
        decimals = decimals.rstrip("0")
        return f"{int(whole)}.{decimals}" if decimals else str(int(whole))
    return str(int(text))


def value_key(text: str) -> str:
    """A value as a reader compares it: folded, numbers normalised (``1,5`` = ``1.5``, ``02`` = ``2``,
    ``6.000`` = ``6000``), spaces collapsed, quotes and final punctuation dropped."""
    folded = fold(text)
    folded = _KEY_NUMBER.sub(_number_key, folded)
    folded = re.sub(r"\s*([%/-])\s*", r"\1", folded)
    folded = re.sub(r"[\"“”«»'‘’]", "", folded)
    return " ".join(folded.split()).strip(" .,;:")


def numbers_in(text: str) -> list[str]:
    """The normalised numbers of ``text`` in order (see :func:`value_key`)."""
    return [_number_key(m) for m in _KEY_NUMBER.finditer(text)]
