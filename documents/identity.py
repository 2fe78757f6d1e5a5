"""Who issued what: document identity from the letterhead, and loose document mentions in questions.

Canonical forms
---------------
* ``DocIdentity.number`` keeps the document's own spelling: Party ``57-NQ/TW``, ``383-QĐ/TW``, ``07-KL/VPTW``;
  state ``25/2025/NĐ-CP``, ``1678/NQ-UBTVQH15``, ``60/2024/QH15`` (``Đ`` kept, leading zeros kept).
* ``DocRef.type_code`` is upper case *with* ``Đ`` (``"NQ"``, ``"QĐ"``, ``"NĐ"``, ``"CĐ"``);
  ``DocRef.number`` has no leading zeros (``"05"`` → ``"5"``); ``DocRef.issuer_code`` is the code as
  written (``"TW"``, ``"CP"``).
* Matching keys (:func:`ref_key`, :func:`identity_keys`) are ASCII-folded upper case, so ``QD`` == ``QĐ``.

Matching rule: a ref matches a document when the numbers are equal, and (the ref has no type code or the type
codes are equal), and (the ref has no issuer code or the issuer codes are equal). That is exactly
``ref_key(ref) in identity_keys(identity)``.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from documents.model import DocIdentity, DocRef
from documents.text import fold

HEAD_CHARS = 3000  # the letterhead and the first-sentence mention live here
TAIL_CHARS = 1500  # the signature block ("T/M BỘ CHÍNH TRỊ") lives here

# --- codes -------------------------------------------------------------------------------------------
#: type code (folded upper ASCII) → (canonical code with Đ, full Vietnamese name)
TYPE_CODES: dict[str, tuple[str, str]] = {
    "NQ": ("NQ", "Nghị quyết"),
    "CT": ("CT", "Chỉ thị"),
    "KL": ("KL", "Kết luận"),
    "QD": ("QĐ", "Quyết định"),  # Party -QĐ/ is "Quy định" or "Quyết định": the title line decides
    "HD": ("HD", "Hướng dẫn"),
    "TB": ("TB", "Thông báo"),
    "ND": ("NĐ", "Nghị định"),
    "TT": ("TT", "Thông tư"),
    "KH": ("KH", "Kế hoạch"),
    "CD": ("CĐ", "Công điện"),
    "VBHN": ("VBHN", "Văn bản hợp nhất"),
    "CV": ("CV", "Công văn"),
    "BC": ("BC", "Báo cáo"),
    "TTR": ("TTr", "Tờ trình"),
    "DA": ("ĐA", "Đề án"),
    "QC": ("QC", "Quy chế"),
    "CTR": ("CTr", "Chương trình"),
    "TTLT": ("TTLT", "Thông tư liên tịch"),
    "NQLT": ("NQLT", "Nghị quyết liên tịch"),
    "PL": ("PL", "Pháp lệnh"),
    "L": ("L", "Luật"),
}
#: full name (folded) → canonical type code
_NAME_TO_CODE: dict[str, str] = {fold(name): code for code, name in TYPE_CODES.values()}
_NAME_TO_CODE.update({"quy dinh": "QĐ", "thong bao ket luan": "TB", "luat": "L"})

#: Party issuer codes (folded upper) → name. The number format ``N-XX/CODE`` is used for these.
PARTY_ISSUERS: dict[str, str] = {
    "TW": "Trung ương Đảng",
    "BTCTW": "Ban Tổ chức Trung ương",
    "VPTW": "Văn phòng Trung ương Đảng",
    "BTGDVTW": "Ban Tuyên giáo và Dân vận Trung ương",
    "BTGTW": "Ban Tuyên giáo Trung ương",
    "BDVTW": "Ban Dân vận Trung ương",
    "UBKTTW": "Ủy ban Kiểm tra Trung ương",
    "BKTTW": "Ban Kinh tế Trung ương",
    "BNCTW": "Ban Nội chính Trung ương",
    "BDNTW": "Ban Đối ngoại Trung ương",
    "BCSTW": "Ban Chính sách, chiến lược Trung ương",
    "BCDTW": "Ban Chỉ đạo Trung ương",
    "QUTW": "Quân ủy Trung ương",
    "TU": "Tỉnh ủy",
    "THU": "Thành ủy",
    "HU": "Huyện ủy",
    "QU": "Quận ủy",
    "DU": "Đảng ủy",
    "BCSD": "Ban cán sự đảng",
    "DDCP": "Đảng đoàn",
}
STATE_ISSUERS: dict[str, str] = {
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "UBND": "Ủy ban nhân dân",
    "CTUBND": "Chủ tịch Ủy ban nhân dân",
    "HDND": "Hội đồng nhân dân",
    "VPCP": "Văn phòng Chính phủ",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BCT": "Bộ Công Thương",
    "BQP": "Bộ Quốc phòng",
    "BCA": "Bộ Công an",
    "BTP": "Bộ Tư pháp",
    "BXD": "Bộ Xây dựng",
    "BYT": "Bộ Y tế",
    "BNG": "Bộ Ngoại giao",
    "BGDDT": "Bộ Giáo dục và Đào tạo",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BNNMT": "Bộ Nông nghiệp và Môi trường",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BDTTG": "Bộ Dân tộc và Tôn giáo",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "KTNN": "Kiểm toán nhà nước",
    "TANDTC": "Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao",
}
# Codes whose folded spelling lost a Đ (file names are ASCII): restore it.
_RESTORE_D = {"QD": "QĐ", "ND": "NĐ", "CD": "CĐ", "DA": "ĐA", "DU": "ĐU", "BCDTW": "BCĐTW", "HDND": "HĐND",
              "BGDDT": "BGDĐT", "BCSD": "BCSĐ", "TTG": "TTg", "TTR": "TTr", "CTR": "CTr"}

# --- regexes -----------------------------------------------------------------------------------------
_CODE = r"[A-ZĐ][A-Za-zĐđ]{0,9}"
_ISSUER = r"[A-ZĐ][A-Za-zĐđ0-9]{0,14}(?:-[A-ZĐ][A-Za-zĐđ0-9]{0,14})*"
# Party "57-NQ/TW", state "25/2025/NĐ-CP", "380/NQ-CP", "60/2024/QH15", "76/2025/UBTVQH15"
_NUMBER = (
    rf"(?P<n1>\d{{1,5}})-(?P<t1>{_CODE})/(?P<i1>{_ISSUER})"
    rf"|(?P<n2>\d{{1,5}})/(?P<y2>(?:19|20)\d\d)/(?P<t2>{_CODE})-(?P<i2>{_ISSUER})"
    rf"|(?P<n3>\d{{1,5}})/(?P<t3>{_CODE})-(?P<i3>{_ISSUER})"
    rf"|(?P<n4>\d{{1,5}})/(?P<y4>(?:19|20)\d\d)/(?P<i4>(?:UBTV)?QH\d{{0,2}})"
)
_NUMBER_RE = re.compile(rf"(?<![\w/-])(?:{_NUMBER})(?![\w/])")
# letterhead "Số: 57-NQ/TW", "Số 07-KL/VPTW", "Luật số: 60/2024/QH15", "Số:\n33/2025/NQ-HĐND"
_LETTERHEAD_NO = re.compile(rf"(?:^|(?<=[\s_\-–|*]))(?:Luật số\s*:|Số\s*:?)\s*(?:{_NUMBER})(?![\w/])", re.M)
_DATE_LETTERHEAD = re.compile(
    r"[A-ZĐÀ-Ỹ][^\W\d_]*(?:[ \n][A-ZĐÀ-Ỹa-zà-ỹđ][^\W\d_]*){0,4}\s*,\s*"
    r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})"
)
_DATE_NUMERIC = r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)"
_DATE_TEXT = r"(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+((?:19|20)\d\d)"
_DATE_ANY = re.compile(rf"ngày\s+(?:{_DATE_NUMERIC}|{_DATE_TEXT})", re.IGNORECASE)
_TYPE_WORDS = (
    "Thông báo kết luận|Văn bản hợp nhất|Nghị quyết|Nghị định|Quyết định|Quy định|Quy chế|Kết luận|Chỉ thị"
    "|Hướng dẫn|Thông báo|Thông tư|Kế hoạch|Công điện|Công văn|Báo cáo|Tờ trình|Đề án|Chương trình|Luật"
    "|Pháp lệnh"
)
_TYPE_LINE = re.compile(
    rf"^(?P<type>{_TYPE_WORDS.upper()})(?:(?![^\W\d_])|(?=[A-ZĐ][a-zà-ỹđ]))\s*(?P<rest>.*)$"
)
# first-sentence self mention: "đã ký Thông báo kết luận số 75-TB/TW ngày 7/3/2025 của Bộ Chính trị về ..."
_SELF_MENTION = re.compile(
    rf"(?P<type>{_TYPE_WORDS})\s+(?:số\s+)?(?P<num>{_NUMBER.replace('?P<', '?P<m')})"
    rf"(?:\s*,?\s*ngày\s+(?P<date>[\d/.\-]+|\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}))?"
    r"(?:\s+(?:19|20)\d\d)?"
    r"(?:\s+(?P<kl>Kết luận))?"
    r"(?:\s*,?\s+(?P<of>của\s+[^,.;:?\n]{3,80}?))?"
    r"\s+(?P<subject>(?:về|Về|V/v)\s+[^\n?]{5,400}?)\s*(?P<end>[.;?]|\n|$)"
)
_SELF_MARKER = re.compile(r"(?i)toàn văn|đã ký|ký ban hành|ban hành|thay mặt")
_ENACTING = re.compile(
    r"(?P<who>Bộ Chính trị, Ban Bí thư|Bộ Chính trị|Ban Bí thư|Ban Chấp hành Trung ương(?: Đảng)?)\s+"
    r"(?:đã\s+)?(?:yêu cầu|quy định|kết luận|có ý kiến|quyết định|thống nhất|thảo luận|chỉ thị|nghị quyết"
    r"|hướng dẫn|giao)"
)
_SIGNATURE = re.compile(r"T\s*/?\s*M\.?\s+(BỘ CHÍNH TRỊ|BAN BÍ THƯ|BAN CHẤP HÀNH TRUNG ƯƠNG)")
_TITLE_OF = re.compile(
    r"^CỦA\s+(BỘ CHÍNH TRỊ, BAN BÍ THƯ|BỘ CHÍNH TRỊ|BAN BÍ THƯ|BAN CHẤP HÀNH TRUNG ƯƠNG)\b"
)
_MARKUP = re.compile(r"^[\s#>*_|]+|[\s*_|]+$")
_DECOR = re.compile(r"[-_–—=|*#]{2,}|\s[|]\s")
_MOTTO = re.compile(r"CỘNG\s*HÒA|CỘNG\s*HOÀ|ĐẢNG\s+CỘNG\s+SẢN|Độc lập|ĐỘC LẬP")
_BODY_START = re.compile(
    r"^(?:[-+*]\s*)?(?:Căn cứ|Thực hiện|Theo|Tại|Xét|Ngày|Trong|Thời gian|Hội nghị|Chiều|Sáng|Thay mặt|Từ|Để"
    r"|Kính gửi)\b"
)
_STOP_LINE = re.compile(
    r"^(?:BỘ TRƯỞNG|CHỦ TỊCH|THỦ TƯỚNG|TRƯỞNG BAN|GIÁM ĐỐC|TỔNG|CHÁNH|THỐNG ĐỐC|QUYẾT NGHỊ|QUYẾT ĐỊNH\s*:"
    r"|CHƯƠNG\s|Chương\s|PHẦN\s|Phần\s|Điều\s+\d|[IVX]+\s*[.\-–]\s|\d+\.\s)"
)
_ROMAN_TOKEN = re.compile(r"^[IVXL]+$")
_NOT_ROMAN = frozenset({"VI", "XI", "LI", "I", "V", "X", "L", "C"})
_KEEP_UPPER = frozenset(
    {"UBND", "HĐND", "ĐVHC", "TTHC", "MTTQ", "BHXH", "BHYT", "CNTT", "ASEAN", "COVID", "AI"}
)
_PROPER = [
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
        (r"\b(nghị quyết|nghị định|quyết định|quy định|kết luận|chỉ thị|hướng dẫn|thông báo|thông tư)"
         r" (số \d|\d)",
         lambda m: m.group(1)[:1].upper() + m.group(1)[1:] + " " + m.group(2)),
        (r"\bbộ (nội vụ|tài chính|công thương|quốc phòng|công an|tư pháp|xây dựng|y tế|ngoại giao"
         r"|giáo dục và đào tạo|khoa học và công nghệ|nông nghiệp và môi trường|dân tộc và tôn giáo"
         r"|văn hóa, thể thao và du lịch)",
         lambda m: "Bộ " + _cap_segments(m.group(1)).replace("Công thương", "Công Thương")),
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


def _cap_segments(text: str) -> str:
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


def _mostly_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def sentence_case(text: str) -> str:
    """An UPPER-CASE heading in Vietnamese sentence case, keeping proper names, Roman numerals, acronyms."""
    if not _mostly_upper(text):
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


def _clean_line(line: str) -> str:
    return _MARKUP.sub("", line).strip()


def _iso(day: str, month: str, year: str) -> str | None:
    d, m, y = int(day), int(month), int(year)
    if 1 <= d <= 31 and 1 <= m <= 12 and 1900 <= y <= 2100:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


def _parse_date(text: str) -> str | None:
    match = _DATE_ANY.search("ngày " + text)
    if not match:
        return None
    groups = [g for g in match.groups() if g]
    return _iso(*groups[:3]) if len(groups) >= 3 else None


def _norm_code(code: str) -> str:
    """Filename/ASCII code → canonical spelling with Đ (``QD`` → ``QĐ``, ``TTG`` → ``TTg``)."""
    upper = code.upper()
    if upper in _RESTORE_D:
        return _RESTORE_D[upper]
    return upper


def _key(code: str) -> str:
    return fold(code).upper().replace(" ", "")


def _number_key(number: str) -> str:
    """Comparison key of a number: folded, no leading zeros (``05/2025/NQ-CP`` == ``5/2025/NQ-CP``)."""
    return _key(number).lstrip("0")


def _issuer_base(code: str) -> str:
    """``UBTVQH15`` → ``UBTVQH``, ``QH15`` → ``QH`` (legislature number dropped for the name lookup)."""
    return re.sub(r"\d+$", "", _key(code))


def _is_party_issuer(code: str) -> bool:
    key = _key(code)
    return key in PARTY_ISSUERS or key.endswith("TW") or key.startswith("BTCTW") or key.startswith("BTG")


def _number_parts(match: re.Match[str], prefix: str = "") -> tuple[str, str | None, str, str | None]:
    """(number, year, type code or "", issuer code) of a :data:`_NUMBER` match."""
    g = match.groupdict()
    for i in "1234":
        num = g.get(f"{prefix}n{i}")
        if num:
            year = g.get(f"{prefix}y{i}")
            type_code = g.get(f"{prefix}t{i}") or ""
            return num, year, type_code, g.get(f"{prefix}i{i}")
    raise ValueError("not a number match")


def _format_number(num: str, year: str | None, type_code: str, issuer: str | None) -> str:
    if issuer and not type_code:
        return f"{num}/{year}/{issuer}" if year else f"{num}/{issuer}"
    if issuer and _is_party_issuer(issuer) and not year:
        return f"{num}-{type_code}/{issuer}"
    if year:
        return f"{num}/{year}/{type_code}-{issuer}"
    return f"{num}/{type_code}-{issuer}"


# --- filename ----------------------------------------------------------------------------------------
_FILE_TYPE_PREFIX = {
    "chi thi": "CT", "cong dien": "CĐ", "ke hoach": "KH", "nghi dinh": "NĐ", "nghi quyet": "NQ",
    "quyet dinh": "QĐ", "thong bao": "TB", "thong tu": "TT", "van ban hop nhat": "VBHN", "luat": "L",
    "ket luan": "KL", "huong dan": "HD", "quy dinh": "QĐ",
}
_FILE_TYPES = "nq|ct|kl|qd|hd|tb|nd|tt|kh|cd|vbhn|cv|bc|ttr|da|qc|ttlt"
_FILE_STATE_YEAR = re.compile(
    rf"(?:^|[_-])(\d{{1,5}})-((?:19|20)\d\d)-({_FILE_TYPES})-([a-z0-9]+)(?:$|[_-])", re.I
)
_FILE_NUMBER = re.compile(
    rf"(?:^|[_-])(\d{{1,5}})-({_FILE_TYPES})-([a-z0-9]+?)(?:-((?:19|20)\d\d))?(?:$|[_-])", re.I
)
_FILE_BARE = re.compile(r"^(\d{1,5})-((?:19|20)\d\d)$")


def _from_filename(filename: str) -> tuple[str | None, str | None]:
    """(canonical number or None, type code hint or None) from a file name."""
    stem = PurePath(filename).stem if filename else ""
    prefix, _, rest = stem.partition("__")
    if not rest:
        prefix, rest = "", stem
    type_hint = _FILE_TYPE_PREFIX.get(fold(prefix.replace("_", " ")).strip())
    if type_hint is None:
        for words, code in _FILE_TYPE_PREFIX.items():
            if fold(stem).replace("_", "-").startswith(words.replace(" ", "-")):
                type_hint = code
                break
    match = _FILE_STATE_YEAR.search(rest)
    if match:
        num, year, t, iss = match.groups()
        return _format_number(num, year, _norm_code(t), _norm_code(iss)), type_hint or _norm_code(t)
    match = _FILE_NUMBER.search(rest)
    if match:
        num, t, iss, _year = match.groups()
        issuer = _norm_code(iss)
        if _key(iss) == "UBTVQH15" or _key(iss).startswith("UBTVQH"):
            issuer = "UBTVQH" + iss[6:]
        return _format_number(num, None, _norm_code(t), issuer), type_hint or _norm_code(t)
    match = _FILE_BARE.match(rest)
    if match and type_hint == "NĐ":  # Nghị định are always issued by Chính phủ
        return f"{match.group(1)}/{match.group(2)}/NĐ-CP", type_hint
    return None, type_hint


# --- parse_identity -----------------------------------------------------------------------------------
def _letterhead_issuer(head: str, number_pos: int) -> str | None:
    """The issuing body written above the number / national motto, in title case."""
    motto = _MOTTO.search(head, 0, 600)
    cut = min(p for p in (number_pos, motto.start() if motto else -1, 600) if p >= 0)
    block = _DECOR.sub(" ", head[:cut])
    block = " ".join(_clean_line(line) for line in block.split("\n") if _clean_line(line))
    block = re.sub(r"\s+", " ", block).strip()
    block = re.sub(r"\s*(?:Luật\s+)?Số\s*:?\s*$", "", block).strip()
    if not block or len(block) > 120 or not _mostly_upper(block):
        return None
    if any(_TYPE_LINE.match(part) for part in (block,)):
        return None
    upper = block.upper()
    if upper.startswith("BAN CHẤP HÀNH TRUNG ƯƠNG"):
        unit = upper.removeprefix("BAN CHẤP HÀNH TRUNG ƯƠNG").strip()
        if not unit:
            return "Ban Chấp hành Trung ương"
        if unit == "VĂN PHÒNG":
            return "Văn phòng Trung ương Đảng"
        return _cap_segments(sentence_case(unit)).replace("Ban tổ chức", "Ban Tổ chức") + " Trung ương"
    match = re.match(r"^(?:ĐẢNG BỘ )?(TỈNH|THÀNH PHỐ) (.+?) (TỈNH|THÀNH) (ỦY|UỶ)$", upper)
    if match:
        upper = f"{match.group(3)} {match.group(4)} {match.group(2)}"
    match = re.match(r"^(TỈNH|THÀNH|HUYỆN|QUẬN) (ỦY|UỶ)\s*(.*)$", upper)
    if match:
        place = " ".join(w[:1] + w[1:].lower() for w in match.group(3).split())
        return f"{match.group(1).capitalize()} ủy {place}".strip()
    text = sentence_case(block)
    return text[:1].upper() + text[1:]


def _lines(head: str) -> list[tuple[int, int, str, str]]:
    """(start, end, raw line, cleaned line) of every line of ``head``."""
    out: list[tuple[int, int, str, str]] = []
    pos = 0
    for raw in head.split("\n"):
        out.append((pos, pos + len(raw), raw, _clean_line(raw)))
        pos += len(raw) + 1
    return out


_VOWELS = frozenset("aăâeêioôơuưy")


def _has_vowel(token: str) -> bool:
    return any(ch in _VOWELS for ch in fold(token).replace("d", ""))


def _join_fragments(parts: list[tuple[str, bool]]) -> str:
    """Join title lines; lines broken inside a syllable (``V`` + ``ề việc``, ``hư`` + ``ớng``) are glued."""
    out = ""
    for text, raw_space in parts:
        if not out:
            out = text
            continue
        prev = out.rsplit(" ", 1)[-1]
        first = text.split(" ", 1)[0]
        glue = not raw_space and prev.isalpha() and first.isalpha() and (
            not _has_vowel(prev) or (fold(prev[-1]) in _VOWELS and fold(first[0]) in _VOWELS))
        out = out + ("" if glue else " ") + text
    return out


def _type_line(head: str) -> tuple[int, str, str, int] | None:
    """(line start, TYPE WORD, rest of line, line end) of the title line (``NGHỊ QUYẾT``, ``NGHỊ\nQUYẾT``)."""
    lines = _lines(head)
    for i, (start, end, _raw, clean) in enumerate(lines):
        if _STOP_LINE.match(clean) or (_BODY_START.match(clean) and "Căn cứ" in clean):
            return None
        candidates = [(clean, end)]
        if i + 1 < len(lines) and clean and len(clean) <= 12:
            candidates.append((f"{clean} {lines[i + 1][3]}", lines[i + 1][1]))
        for text, stop in candidates:
            match = _TYPE_LINE.match(text)
            if match and not text.endswith(":") and len(text) <= 250:
                rest = match.group("rest")
                if not rest.startswith((":", "số", "Số", "này")) and not (rest and rest[0].islower()):
                    return start, match.group("type"), rest, stop
    return None


def _subject_after(head: str, start: int, first: str, issuer: str | None) -> str:
    """The subject lines after the title line, joined (``về đột phá phát triển ...``)."""
    parts: list[tuple[str, bool]] = [(sentence_case(first), True)] if first else []
    seen_mixed = bool(first) and not _mostly_upper(first)
    blank = False
    previous = ""
    for _s, _e, raw, line in _lines(head[start:]):
        if not line:
            blank = True
            continue
        if sum(len(p[0]) for p in parts) > 400 or _BODY_START.match(line) or _STOP_LINE.match(line):
            break
        if (issuer and fold(line) == fold(issuer)) or line == previous:
            continue
        upper = _mostly_upper(line)
        raw_space = raw.rstrip("*_ ") != raw.rstrip("*_") or not parts or blank
        if upper and not seen_mixed:
            if line.endswith(":") or (len(line) < 40 and fold(line) in _ISSUER_NAMES):
                break
            parts.append((sentence_case(line), raw_space))
        elif (not upper and (not seen_mixed or not blank) and len(line) <= 300
              and not line.endswith((".", ":", ";"))):
            parts.append((line, raw_space))
            seen_mixed = True
        else:
            break
        blank = False
        previous = line
    return _join_fragments(parts).strip()


_ISSUER_NAMES = frozenset(fold(n) for n in (*PARTY_ISSUERS.values(), *STATE_ISSUERS.values()))


def _readable_title(doc_type: str | None, title_type: str | None, subject: str) -> str:
    subject = re.sub(r"^(?:V/V|V/v|v/v)\b\.?", "về việc", subject).strip()
    subject = sentence_case(subject)
    kind = doc_type or (title_type.capitalize() if title_type else "")
    if title_type and doc_type and fold(title_type) not in (fold(doc_type), "quy dinh", "thong bao ket luan"):
        kind = f"{doc_type} {title_type.lower()}"  # "Văn bản hợp nhất thông tư"
    elif title_type and fold(title_type) == "thong bao ket luan":
        kind = "Thông báo kết luận"
    if not subject:
        return kind
    if doc_type == "Luật" and not fold(subject).startswith("sua doi"):
        subject = subject[:1].upper() + subject[1:]
    elif not subject.startswith(("Đảng", "Bộ Chính trị", "Ban ", "Luật ")):
        subject = subject[:1].lower() + subject[1:]
    return f"{kind} {subject}".strip()


def _party_body(head: str, tail: str, text: str, subject: str) -> str | None:
    """Which central body issued a ``/TW`` document, from the title, signature or enacting clause."""
    for line in subject.split("  "):
        match = _TITLE_OF.match(line.upper()) if line.upper().startswith("CỦA") else None
        if match:
            return sentence_case(match.group(1)).replace("bộ", "Bộ")
    match = re.search(r"(?i)\bcủa (Bộ Chính trị, Ban Bí thư|Bộ Chính trị|Ban Bí thư)\b", subject)
    if match:
        return match.group(1)[:1].upper() + match.group(1)[1:]
    match = _SIGNATURE.search(tail) or _SIGNATURE.search(text)
    if match:
        return {"BỘ CHÍNH TRỊ": "Bộ Chính trị", "BAN BÍ THƯ": "Ban Bí thư"}.get(match.group(1),
                                                                              "Ban Chấp hành Trung ương")
    match = _ENACTING.search(head)
    if match:
        who = match.group("who")
        return "Ban Chấp hành Trung ương" if who.startswith("Ban Chấp hành") else who
    return None


def _issuer_from_code(code: str) -> str | None:
    key = _key(code)
    if key in PARTY_ISSUERS:
        return PARTY_ISSUERS[key]
    return STATE_ISSUERS.get(_issuer_base(code)) or STATE_ISSUERS.get(key)


def _type_name(code: str, party: bool, title_type: str | None) -> str | None:
    key = _key(code)
    if title_type and key == "QD":
        return "Quy định" if fold(title_type) == "quy dinh" else "Quyết định"
    if key == "QD" and party:
        return "Quy định"
    entry = TYPE_CODES.get(key)
    return entry[1] if entry else None


def parse_identity(text: str, filename: str) -> DocIdentity:
    """Number, type, issuer, date and a readable title from the head of ``text`` and the file name."""
    head = text[:HEAD_CHARS]
    tail = text[-TAIL_CHARS:] if len(text) > HEAD_CHARS else ""
    file_number, type_hint = _from_filename(filename)

    number: str | None = None
    number_pos = -1
    type_code = ""
    issuer_code: str | None = None
    match = _LETTERHEAD_NO.search(head, 0, 1500)
    if match:
        num, year, type_code, issuer_code = _number_parts(match)
        number, number_pos = _format_number(num, year, type_code, issuer_code), match.start()

    # self mention in the first sentences ("Thông báo kết luận số 75-TB/TW ngày 7/3/2025 của Bộ Chính trị")
    mention: re.Match[str] | None = None
    for candidate in _SELF_MENTION.finditer(head):
        cand_number = _format_number(*_number_parts(candidate, "m"))
        same = number or file_number
        if same is not None and _number_key(cand_number) != _number_key(same):
            continue
        if same is None and not _SELF_MARKER.search(head[max(0, candidate.start() - 120):candidate.start()]):
            continue
        if candidate.group("end") == "?" and mention is None:
            mention = mention or None
            continue
        mention = candidate
        break
    if number is None and mention is not None:
        num, year, type_code, issuer_code = _number_parts(mention, "m")
        number = _format_number(num, year, type_code, issuer_code)
    if number is None and file_number is not None:
        number = file_number
        found = _NUMBER_RE.search(file_number)
        if found:
            _, _, type_code, issuer_code = _number_parts(found)
        for spelled in _NUMBER_RE.finditer(head):  # prefer the text's spelling (Đ, case)
            if _number_key(spelled.group(0)) == _number_key(file_number):
                number = spelled.group(0)
                break

    party = bool(issuer_code) and _is_party_issuer(issuer_code or "")
    found_type = _type_line(head)
    title_type = found_type[1] if found_type else None
    if mention is not None and title_type is None:
        title_type = mention.group("type").upper()
    doc_type: str | None = None
    if type_code:
        doc_type = _type_name(type_code, party, title_type)
    elif number and issuer_code and _issuer_base(issuer_code) in ("QH", "UBTVQH"):
        doc_type = title_type.capitalize() if title_type else ("Luật" if "Luật số" in head else None)
    if doc_type is None and title_type:
        doc_type = "Thông báo" if fold(title_type) == "thong bao ket luan" else title_type.capitalize()
        doc_type = doc_type.replace("Văn bản hợp nhất", "Văn bản hợp nhất")
    if doc_type is None and type_hint:
        doc_type = _type_name(type_hint, party, None)
    if doc_type:
        doc_type = _canonical_type_name(doc_type)

    # issuer
    anchor = number_pos if number_pos >= 0 else (found_type[0] if found_type else -1)
    letterhead = _letterhead_issuer(head, anchor)
    issuer = letterhead
    subject = ""
    if found_type:
        subject = _subject_after(head, found_type[3] + 1, found_type[2], letterhead)
    if issuer_code and _key(issuer_code) == "TW" and issuer in (None, "Ban Chấp hành Trung ương"):
        issuer = _party_body(head, tail, text, subject) or issuer or PARTY_ISSUERS["TW"]
    if issuer is None and mention is not None and mention.group("of"):
        issuer = mention.group("of").removeprefix("của").strip()
    if issuer is None and issuer_code:
        issuer = _issuer_from_code(issuer_code)

    # date
    date: str | None = None
    found_date = _DATE_LETTERHEAD.search(head)
    if found_date and (found_type is None or found_date.start() < found_type[0] + 200):
        date = _iso(*found_date.groups())
    if date is None and mention is not None and mention.group("date"):
        date = _parse_date(mention.group("date"))
    if date is None and number:
        date = _date_near_number(head, number)

    # title
    title: str
    if subject:
        title = _readable_title(doc_type, title_type, subject)
    elif mention is not None:
        of = mention.group("of") or ""
        words = f"{of} {mention.group('subject')}".strip()
        conclusion = bool(mention.group("kl")) or fold(mention.group("type")).endswith("ket luan")
        kind = "Thông báo kết luận" if conclusion and doc_type == "Thông báo" else doc_type
        title = _readable_title(kind, None, words)
    elif doc_type and number:
        title = f"{doc_type} {number}"
    else:
        title = _clean_filename(filename) or doc_type or ""
    return DocIdentity(number=number, doc_type=doc_type, issuer=issuer, date=date, title=title or None)


def _canonical_type_name(name: str) -> str:
    code = _NAME_TO_CODE.get(fold(name))
    if code is None:
        return name
    if code == "QĐ":
        return "Quy định" if fold(name) == "quy dinh" else "Quyết định"
    if code == "TB":
        return "Thông báo"
    return TYPE_CODES[_key(code)][1]


def _date_near_number(head: str, number: str) -> str | None:
    """``Ngày 18/7/2025, ... đã có Thông báo 81-TB/TW`` or ``81-TB/TW, ngày 18/7/2025``."""
    key = _number_key(number)
    for spelled in _NUMBER_RE.finditer(head):
        if _number_key(spelled.group(0)) != key:
            continue
        after = _DATE_ANY.match(head, spelled.end() + (len(head[spelled.end():]) - len(
            head[spelled.end():].lstrip(" ,"))))
        if after:
            groups = [g for g in after.groups() if g]
            return _iso(*groups[:3])
        sentence_start = max(head.rfind("\n", 0, spelled.start()), head.rfind(". ", 0, spelled.start())) + 1
        before = _DATE_ANY.search(head, sentence_start, spelled.start())
        if before:
            groups = [g for g in before.groups() if g]
            return _iso(*groups[:3])
    return None


def _clean_filename(filename: str) -> str:
    stem = PurePath(filename).stem if filename else ""
    stem = re.sub(r"_[0-9a-f]{6}$", "", stem)
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:]


# --- mentions ----------------------------------------------------------------------------------------
_MENTION_TYPES: dict[str, str] = {
    "thong bao ket luan": "TB", "van ban hop nhat": "VBHN", "nghi quyet": "NQ", "nghi dinh": "NĐ",
    "quyet dinh": "QĐ", "quy dinh": "QĐ", "ket luan": "KL", "chi thi": "CT", "huong dan": "HD",
    "thong bao": "TB", "thong tu": "TT", "ke hoach": "KH", "cong dien": "CĐ", "cong van": "CV",
    "nq": "NQ", "nd": "NĐ", "qd": "QĐ", "kl": "KL", "ct": "CT", "hd": "HD", "tb": "TB", "tt": "TT",
    "kh": "KH", "cd": "CĐ", "vbhn": "VBHN", "luat": "L",
}
_MENTION_TYPE_RE = "|".join(sorted((re.escape(k).replace(r"\ ", r"\s+") for k in _MENTION_TYPES),
                                  key=len, reverse=True))
# on folded text: "nghi quyet so 57", "nq57", "nq 57-nq/tw", "nghi dinh 25/2025", "kl 127, 128 va 130"
_LOOSE = re.compile(
    rf"(?<![a-z0-9])(?P<type>{_MENTION_TYPE_RE})\s*(?:so\s*|s[oố]\.\s*|:\s*|#\s*|no\.?\s*)?"
    r"(?P<num>\d{1,5})(?![\d])"
    r"(?P<suffix>(?:\s*[-/]\s*(?:19|20)\d\d)?(?:\s*[-/]\s*[a-z]{1,6}(?:\s*[-/]\s*[a-z][a-z0-9]{0,13})?)?)"
    r"(?![a-z0-9])"
)
_MORE = re.compile(r"\s*(?:,|va|và|hoac|hoặc|and|or|&)\s*(?:so\s*)?(\d{1,5})(?![\d/.,]\d)(?![a-z0-9])")
# full numbers as users write them: "57-NQ/TW", "57/NQ-TW", "57-NQ-TW", "25/2025/ND-CP"
_LOOSE_FULL = re.compile(
    rf"(?<![a-z0-9/])(?P<num>\d{{1,5}})\s*(?:[-/]\s*(?P<year>(?:19|20)\d\d)\s*)?[-/]\s*(?P<type>{_FILE_TYPES}|l)"
    r"\s*[-/]\s*(?P<issuer>[a-z][a-z0-9]{0,13}(?:-[a-z][a-z0-9]{0,13})?)(?![a-z0-9])"
    r"|(?<![a-z0-9/])(?P<qnum>\d{1,5})/(?P<qyear>(?:19|20)\d\d)/(?P<qissuer>(?:ubtv)?qh\d{0,2})(?![a-z0-9])"
)
_CJK_TYPES = {"决议": "NQ", "指示": "CT", "结论": "KL", "规定": "QĐ", "决定": "QĐ", "通知": "TB",
              "通报": "TB", "指南": "HD", "指导": "HD", "议定": "NĐ", "通告": "TB", "法令": "NĐ",
              "通函": "TT"}
_CJK = re.compile(
    rf"第?\s*(?P<num>\d{{1,5}})\s*号\s*(?P<type>{'|'.join(_CJK_TYPES)})"
    rf"|(?P<type2>{'|'.join(_CJK_TYPES)})\s*第\s*(?P<num2>\d{{1,5}})\s*号"
)


def _strip_zeros(num: str) -> str:
    return num.lstrip("0") or "0"


def _issuer_from_text(raw: str) -> str:
    """Issuer code as written, with Đ restored for known ASCII spellings (``du`` → ``ĐU``)."""
    upper = raw.upper().replace(" ", "")
    return _RESTORE_D.get(upper, upper)


def find_mentions(question: str) -> list[DocRef]:
    """Loose document mentions in ``question`` ("NQ 57", "nghị quyết số 57", "57/NQ-TW", "第57号决议")."""
    folded = fold(question)
    if len(folded) != len(question):  # fold changed the length (rare ligatures): spans become approximate
        folded = folded[: len(question)].ljust(len(question))
    found: list[DocRef] = []

    def add(ref: DocRef) -> None:
        for i, other in enumerate(found):
            a, b = ref.span, other.span
            if a[0] < b[1] and b[0] < a[1]:  # overlapping: keep the more specific / longer one
                if (ref.issuer_code, ref.type_code) != (None, None) and (a[1] - a[0]) > (b[1] - b[0]):
                    found[i] = ref
                return
        found.append(ref)

    for m in _LOOSE_FULL.finditer(folded):
        if m.group("qnum"):
            add(DocRef(_strip_zeros(m.group("qnum")), None, _issuer_from_text(m.group("qissuer")), m.span()))
            continue
        type_code = _norm_code(m.group("type"))
        add(DocRef(_strip_zeros(m.group("num")), None if type_code == "L" else type_code,
                   _issuer_from_text(m.group("issuer")), m.span()))
    for m in _LOOSE.finditer(folded):
        type_code = _MENTION_TYPES[re.sub(r"\s+", " ", m.group("type"))]
        issuer: str | None = None
        suffix = re.sub(r"\s+", "", m.group("suffix"))
        parts = [p for p in re.split(r"[-/]", suffix) if p]
        parts = [p for p in parts if not re.fullmatch(r"(?:19|20)\d\d", p)]
        if parts and _MENTION_TYPES.get(parts[0]) is not None:
            if _MENTION_TYPES[parts[0]] != type_code and not (type_code == "TB" and parts[0] == "tb"):
                type_code = _MENTION_TYPES[parts[0]]
            parts = parts[1:]
        if parts:
            issuer = _issuer_from_text(parts[0])
        add(DocRef(_strip_zeros(m.group("num")), None if type_code == "L" else type_code, issuer, m.span()))
        pos = m.end()
        while True:  # "nghị quyết 57 và 66", "KL 127, 128"
            more = _MORE.match(folded, pos)
            if not more:
                break
            code = None if type_code == "L" else type_code
            add(DocRef(_strip_zeros(more.group(1)), code, None, more.span(1)))
            pos = more.end()
    for m in _CJK.finditer(question):
        num = m.group("num") or m.group("num2")
        type_code = _CJK_TYPES[m.group("type") or m.group("type2")]
        add(DocRef(_strip_zeros(num), type_code, None, m.span()))
    found.sort(key=lambda r: r.span)
    return found


# --- keys ----------------------------------------------------------------------------------------------
def identity_ref(identity: DocIdentity) -> DocRef | None:
    """The document's own number as a :class:`DocRef` (None without a number)."""
    if not identity.number:
        return None
    refs = find_mentions(identity.number)
    if not refs:
        return None
    ref = refs[0]
    if ref.type_code is None and identity.doc_type:
        code = _NAME_TO_CODE.get(fold(identity.doc_type))
        if code and code != "L":
            ref = DocRef(ref.number, code, ref.issuer_code, ref.span)
    return ref


def ref_key(ref: DocRef) -> str:
    """``number|TYPE|ISSUER`` with the parts the ref has, folded (``57|QD|TW``, ``57|NQ|``, ``57||TW``)."""
    return "|".join((ref.number, _key(ref.type_code or ""), _key(ref.issuer_code or "")))


def identity_keys(identity: DocIdentity) -> set[str]:
    """Every :func:`ref_key` that should match this document (see the module docstring for the rule)."""
    ref = identity_ref(identity)
    if ref is None:
        return set()
    type_key, issuer_key = _key(ref.type_code or ""), _key(ref.issuer_code or "")
    keys = {f"{ref.number}||"}
    if type_key:
        keys.add(f"{ref.number}|{type_key}|")
    if issuer_key:
        keys.add(f"{ref.number}||{issuer_key}")
    if type_key and issuer_key:
        keys.add(f"{ref.number}|{type_key}|{issuer_key}")
    return keys


def ref_matches(ref: DocRef, identity: DocIdentity) -> bool:
    return ref_key(ref) in identity_keys(identity)
