"""The letterhead: the number line (``Số: 57-NQ/TW``), the issuing body above it, and who signed.

::

    BAN CHẤP HÀNH TRUNG ƯƠNG          ĐẢNG CỘNG SẢN VIỆT NAM
    *
    Số 57-NQ/TW                       Hà Nội, ngày 22 tháng 12 năm 2024
"""

from __future__ import annotations

import re
from typing import NamedTuple

from documents.identity.casing import cap_segments, mostly_upper, sentence_case
from documents.identity.lines import clean_line
from documents.identity.numbers import NUMBER, Parts, number_parts
from documents.identity.titles import TYPE_LINE

NUMBER_WITHIN = 1500  # the number line is this near the start

# "Số: 57-NQ/TW", "Số 07-KL/VPTW", "Luật số: 60/2024/QH15", "Số:\n33/2025/NQ-HĐND"
_NUMBER_LINE = re.compile(rf"(?:^|(?<=[\s_\-–|*]))(?:Luật số\s*:|Số\s*:?)\s*(?:{NUMBER})(?![\w/])", re.M)
_DECOR = re.compile(r"[-_–—=|*#]{2,}|\s[|]\s")
_MOTTO = re.compile(r"CỘNG\s*HÒA|CỘNG\s*HOÀ|ĐẢNG\s+CỘNG\s+SẢN|Độc lập|ĐỘC LẬP")
_CENTRAL_COMMITTEE = "BAN CHẤP HÀNH TRUNG ƯƠNG"
_PROVINCE_FIRST = re.compile(r"^(?:ĐẢNG BỘ )?(TỈNH|THÀNH PHỐ) (.+?) (TỈNH|THÀNH) (ỦY|UỶ)$")
_COMMITTEE = re.compile(r"^(TỈNH|THÀNH|HUYỆN|QUẬN) (ỦY|UỶ)\s*(.*)$")

_ENACTING = re.compile(
    r"(?P<who>Bộ Chính trị, Ban Bí thư|Bộ Chính trị|Ban Bí thư|Ban Chấp hành Trung ương(?: Đảng)?)\s+"
    r"(?:đã\s+)?(?:yêu cầu|quy định|kết luận|có ý kiến|quyết định|thống nhất|thảo luận|chỉ thị|nghị quyết"
    r"|hướng dẫn|giao)"
)
_SIGNATURE = re.compile(r"T\s*/?\s*M\.?\s+(BỘ CHÍNH TRỊ|BAN BÍ THƯ|BAN CHẤP HÀNH TRUNG ƯƠNG)")
_SIGNERS = {"BỘ CHÍNH TRỊ": "Bộ Chính trị", "BAN BÍ THƯ": "Ban Bí thư"}
_TITLE_OF = re.compile(
    r"^CỦA\s+(BỘ CHÍNH TRỊ, BAN BÍ THƯ|BỘ CHÍNH TRỊ|BAN BÍ THƯ|BAN CHẤP HÀNH TRUNG ƯƠNG)\b"
)
_OF_BODY = re.compile(r"(?i)\bcủa (Bộ Chính trị, Ban Bí thư|Bộ Chính trị|Ban Bí thư)\b")


class NumberLine(NamedTuple):
    parts: Parts
    start: int


def number_line(head: str) -> NumberLine | None:
    """The ``Số: …`` number of the letterhead and where it starts."""
    match = _NUMBER_LINE.search(head, 0, NUMBER_WITHIN)
    return NumberLine(number_parts(match), match.start()) if match else None


def letterhead_issuer(head: str, number_pos: int) -> str | None:
    """The issuing body written above the number / national motto, in title case."""
    motto = _MOTTO.search(head, 0, 600)
    cut = min(p for p in (number_pos, motto.start() if motto else -1, 600) if p >= 0)
    block = _DECOR.sub(" ", head[:cut])
    block = " ".join(clean_line(line) for line in block.split("\n") if clean_line(line))
    block = re.sub(r"\s+", " ", block).strip()
    block = re.sub(r"\s*(?:Luật\s+)?Số\s*:?\s*$", "", block).strip()
    if not block or len(block) > 120 or not mostly_upper(block) or TYPE_LINE.match(block):
        return None
    upper = block.upper()
    if upper.startswith(_CENTRAL_COMMITTEE):
        unit = upper.removeprefix(_CENTRAL_COMMITTEE).strip()
        if not unit:
            return "Ban Chấp hành Trung ương"
        if unit == "VĂN PHÒNG":
            return "Văn phòng Trung ương Đảng"
        return cap_segments(sentence_case(unit)).replace("Ban tổ chức", "Ban Tổ chức") + " Trung ương"
    match = _PROVINCE_FIRST.match(upper)
    if match:
        upper = f"{match.group(3)} {match.group(4)} {match.group(2)}"
    match = _COMMITTEE.match(upper)
    if match:
        place = " ".join(w[:1] + w[1:].lower() for w in match.group(3).split())
        return f"{match.group(1).capitalize()} ủy {place}".strip()
    text = sentence_case(block)
    return text[:1].upper() + text[1:]


def central_body(head: str, tail: str, text: str, subject: str) -> str | None:
    """Which central body issued a ``/TW`` document, from the title, signature or enacting clause."""
    for line in subject.split("  "):
        match = _TITLE_OF.match(line.upper()) if line.upper().startswith("CỦA") else None
        if match:
            return sentence_case(match.group(1)).replace("bộ", "Bộ")
    match = _OF_BODY.search(subject)
    if match:
        return match.group(1)[:1].upper() + match.group(1)[1:]
    match = _SIGNATURE.search(tail) or _SIGNATURE.search(text)
    if match:
        return _SIGNERS.get(match.group(1), "Ban Chấp hành Trung ương")
    match = _ENACTING.search(head)
    if match:
        who = match.group("who")
        return "Ban Chấp hành Trung ương" if who.startswith("Ban Chấp hành") else who
    return None
