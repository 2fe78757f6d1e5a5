"""Upper-case headings in Vietnamese sentence case, with proper names, places and acronyms capitalised."""

from __future__ import annotations

import re
from collections.abc import Callable

from documents.identity.vocabulary import CITED_TYPE_WORDS, MINISTRIES, alternation

_ROMAN_TOKEN = re.compile(r"^[IVXL]+$")
_NOT_ROMAN = frozenset({"VI", "XI", "LI", "I", "V", "X", "L", "C"})
_KEEP_UPPER = frozenset(
    {"UBND", "HĐND", "ĐVHC", "TTHC", "MTTQ", "BHXH", "BHYT", "CNTT", "ASEAN", "COVID", "AI"}
)
_Replacement = str | Callable[[re.Match[str]], str]
# applied in order to the lower-cased text
_PROPER: list[tuple[re.Pattern[str], _Replacement]] = [
    (re.compile(p), r) for p, r in (
        (r"đảng cộng sản việt nam", "Đảng Cộng sản Việt Nam"),
        (r"ban chấp hành trung ương", "Ban Chấp hành Trung ương"),
        (r"bộ chính trị", "Bộ Chính trị"),
        (r"ban bí thư", "Ban Bí thư"),
        (r"ban thường vụ", "Ban Thường vụ"),
        (r"chánh văn phòng", "Chánh Văn phòng"),
        (r"văn phòng trung ương", "Văn phòng Trung ương"),
        (r"ban tổ chức trung ương", "Ban Tổ chức Trung ương"),
        (r"ban tuyên giáo và dân vận", "Ban Tuyên giáo và Dân vận"),
        (r"mặt trận tổ quốc việt nam", "Mặt trận Tổ quốc Việt Nam"),
        (r"(?:ủy|uỷ) ban thường vụ quốc hội", "Ủy ban Thường vụ Quốc hội"),
        (r"(?:ủy|uỷ) ban nhân dân", "Ủy ban nhân dân"),
        (r"hội đồng nhân dân", "Hội đồng nhân dân"),
        (r"thủ tướng chính phủ", "Thủ tướng Chính phủ"),
        (r"trung ương đảng", "Trung ương Đảng"),
        (r"trung ương", "Trung ương"),
        (r"quốc hội", "Quốc hội"),
        (r"chính phủ", "Chính phủ"),
        (r"việt nam", "Việt Nam"),
        (r"hồ chí minh", "Hồ Chí Minh"),
        (r"\b(của|và|thành lập|lãnh đạo của|đại hội lần thứ \S+ của) đảng\b", r"\1 Đảng"),
        (r"\b(tỉnh|thành) (ủy|uỷ)\b", r"\1 \2"),
        (r"\bluật (\w)", lambda m: "Luật " + m.group(1).upper()),
        (rf"\b({CITED_TYPE_WORDS}) (số \d|\d)",
         lambda m: m.group(1)[:1].upper() + m.group(1)[1:] + " " + m.group(2)),
        (rf"\b(?:{alternation(MINISTRIES)})", lambda m: MINISTRIES[m.group(0)]),
        (r"\bphó (?=Thủ tướng)", "Phó "),
        (r"(Thủ tướng Chính phủ|Phó Thủ tướng) (?!về |tại |và |chỉ |điện)([^\W\d_]+) ([^\W\d_]+) ([^\W\d_]+)"
         r"(?= tại| về| -| –|,|$)",
         lambda m: m.group(1) + " " + " ".join(w[:1].upper() + w[1:] for w in m.groups()[1:])),
    )
]
_PLACE = re.compile(r"\b(tỉnh|thành phố|huyện|quận|thị xã)((?: [^\W\d_]+){1,3})")
_PLACE_STOP = frozenset(re.findall(
    r"\S+", "ủy uỷ năm và về trên của đến theo giai đoạn trực thuộc nay là để có trong các được thành phố "
    "tỉnh xã phường sau khi mới cũ ban với cho tại từ"
))


def cap_segments(text: str) -> str:
    """``giáo dục và đào tạo`` → ``Giáo dục và Đào tạo`` (first word of each ``,``/``và`` segment)."""
    parts = re.split(r"(, | và )", text)
    return "".join(p if p in (", ", " và ") else p[:1].upper() + p[1:] for p in parts)


def _cap_place(match: re.Match[str]) -> str:
    words = match.group(2).split(" ")[1:]
    out: list[str] = []
    capitalising = True
    for word in words:
        if capitalising and word not in _PLACE_STOP:
            out.append(word[:1].upper() + word[1:])
        else:
            capitalising = False
            out.append(word)
    return match.group(1) + " " + " ".join(out)


def mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def sentence_case(text: str) -> str:
    """An UPPER-CASE heading in Vietnamese sentence case, keeping proper names, Roman numerals, acronyms."""
    if not mostly_upper(text):
        return text
    words = []
    for word in text.split(" "):
        core = word.strip(",.;:()\"“”")
        roman = bool(_ROMAN_TOKEN.match(core)) and core not in _NOT_ROMAN
        if roman or core in _KEEP_UPPER or any(ch.isdigit() for ch in core) or "/" in core:
            words.append(word)
        else:
            words.append(word.lower())
    out = " ".join(words)
    for pattern, repl in _PROPER:
        out = pattern.sub(repl, out)
    return _PLACE.sub(_cap_place, out)
