"""Document types and issuer codes: one table of each, and every lookup derived from them.

A row of :data:`DOC_TYPES` says how a type is written (code, name, other names, Chinese names) and where it is
recognised (:class:`Seen`); a row of :data:`ISSUERS` says who an issuer code is and whether it is a Party body.
Adding a type or an issuer is adding one row: the title-line words, file-name prefixes, question vocabularies
and their regex alternations (:mod:`.vocabulary`) are all built from these two tables.

Codes are written canonically with ``Đ`` and their own case (``QĐ``, ``TTr``, ``ĐU``, ``TTg``); their *key*
(:func:`code_key`) is folded upper ASCII (``QD``, ``TTR``, ``DU``, ``TTG``), which is what file names and
questions typed without a Vietnamese keyboard give.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from documents.text import fold


class Seen(enum.Flag):
    """Where a document type is recognised (not every type everywhere: short codes make false mentions)."""

    NONE = 0
    TITLE = enum.auto()  # its names are title lines ("NGHỊ QUYẾT") and self-mention words ("Nghị quyết số 57")
    FILE = enum.auto()  # its names start file names ("nghi_quyet__57-nq-tw.txt")
    NUMBER = enum.auto()  # its code is read in numbers of file names and questions ("57-NQ-TW", "57/nq-tw")
    ASKED = enum.auto()  # questions name it ("nghị quyết 57", "nghi quyet so 57")
    ABBREVIATED = enum.auto()  # questions abbreviate it ("NQ 57", "nq57")
    CITED = enum.auto()  # its name is capitalised when a title cites one by number ("Nghị quyết số 57")


EVERYWHERE = Seen.TITLE | Seen.FILE | Seen.NUMBER | Seen.ASKED | Seen.ABBREVIATED | Seen.CITED


def code_key(code: str) -> str:
    """Comparison key of a code or number: folded upper ASCII without spaces (``QĐ`` → ``QD``)."""
    return fold(code).upper().replace(" ", "")


@dataclass(frozen=True)
class DocType:
    code: str  # canonical spelling with Đ: "QĐ" (shared by "Quyết định" and "Quy định")
    name: str  # the type's name, as DocIdentity.doc_type gives it
    seen: Seen
    aliases: tuple[str, ...] = ()  # other names read as this type ("Thông báo kết luận" is a Thông báo)
    chinese: tuple[str, ...] = ()  # its names in Chinese questions ("第57号决议")
    coded: bool = True  # its numbers carry the code (a Luật's do not: 60/2024/QH15), so refs keep it
    issuer: str | None = None  # its only issuer (a Nghị định is always the Chính phủ's)
    party: bool = False  # of the types sharing a code, the one a Party document is ("-QĐ/TW" is a Quy định)

    @property
    def key(self) -> str:
        return code_key(self.code)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


#: Every document type. The first row of a shared code is its default name.
DOC_TYPES: tuple[DocType, ...] = (
    DocType("NQ", "Nghị quyết", EVERYWHERE, chinese=("决议",)),
    DocType("CT", "Chỉ thị", EVERYWHERE, chinese=("指示",)),
    DocType("KL", "Kết luận", EVERYWHERE, chinese=("结论",)),
    DocType("QĐ", "Quyết định", EVERYWHERE, chinese=("决定",)),
    DocType("QĐ", "Quy định", EVERYWHERE, chinese=("规定",), party=True),  # Party -QĐ/: the title line decides
    DocType("HD", "Hướng dẫn", EVERYWHERE, chinese=("指南", "指导")),
    DocType("TB", "Thông báo", EVERYWHERE, aliases=("Thông báo kết luận",), chinese=("通知", "通报", "通告")),
    DocType("NĐ", "Nghị định", EVERYWHERE, chinese=("议定", "法令"), issuer="CP"),
    DocType("TT", "Thông tư", EVERYWHERE, chinese=("通函",)),
    DocType("KH", "Kế hoạch", EVERYWHERE & ~Seen.CITED),
    DocType("CĐ", "Công điện", EVERYWHERE & ~Seen.CITED),
    DocType("VBHN", "Văn bản hợp nhất", EVERYWHERE & ~Seen.CITED),
    DocType("CV", "Công văn", Seen.TITLE | Seen.NUMBER | Seen.ASKED),
    DocType("BC", "Báo cáo", Seen.TITLE | Seen.NUMBER),
    DocType("TTr", "Tờ trình", Seen.TITLE | Seen.NUMBER),
    DocType("ĐA", "Đề án", Seen.TITLE | Seen.NUMBER),
    DocType("QC", "Quy chế", Seen.TITLE | Seen.NUMBER | Seen.ASKED | Seen.ABBREVIATED),  # "quy chế 1147", a QĐ's
    DocType("CTr", "Chương trình", Seen.TITLE),
    DocType("TTLT", "Thông tư liên tịch", Seen.NUMBER),
    DocType("NQLT", "Nghị quyết liên tịch", Seen.NONE),
    DocType("PL", "Pháp lệnh", Seen.TITLE),
    DocType("L", "Luật", Seen.TITLE | Seen.FILE | Seen.NUMBER | Seen.ASKED, coded=False),
)


@dataclass(frozen=True)
class Issuer:
    code: str  # canonical spelling with Đ and its own case: "ĐU", "TTg", "UBTVQH"
    name: str
    party: bool  # Party numbers are written "N-XX/CODE", state ones "N/XX-CODE" or "N/YYYY/XX-CODE"
    legislature: bool = False  # laws and ordinances: numbers without a type code ("60/2024/QH15")

    @property
    def key(self) -> str:
        return code_key(self.code)


#: Every issuer code; a legislature code may carry its term ("QH15", "UBTVQH15").
ISSUERS: tuple[Issuer, ...] = (
    Issuer("TW", "Trung ương Đảng", party=True),
    Issuer("BTCTW", "Ban Tổ chức Trung ương", party=True),
    Issuer("VPTW", "Văn phòng Trung ương Đảng", party=True),
    Issuer("BTGDVTW", "Ban Tuyên giáo và Dân vận Trung ương", party=True),
    Issuer("BTGTW", "Ban Tuyên giáo Trung ương", party=True),
    Issuer("BDVTW", "Ban Dân vận Trung ương", party=True),
    Issuer("UBKTTW", "Ủy ban Kiểm tra Trung ương", party=True),
    Issuer("BKTTW", "Ban Kinh tế Trung ương", party=True),
    Issuer("BNCTW", "Ban Nội chính Trung ương", party=True),
    Issuer("BDNTW", "Ban Đối ngoại Trung ương", party=True),
    Issuer("BCSTW", "Ban Chính sách, chiến lược Trung ương", party=True),
    Issuer("BCĐTW", "Ban Chỉ đạo Trung ương", party=True),
    Issuer("QUTW", "Quân ủy Trung ương", party=True),
    Issuer("TU", "Tỉnh ủy", party=True),
    Issuer("THU", "Thành ủy", party=True),
    Issuer("HU", "Huyện ủy", party=True),
    Issuer("QU", "Quận ủy", party=True),
    Issuer("ĐU", "Đảng ủy", party=True),
    Issuer("BCSĐ", "Ban cán sự đảng", party=True),
    Issuer("DDCP", "Đảng đoàn", party=True),
    Issuer("CP", "Chính phủ", party=False),
    Issuer("TTg", "Thủ tướng Chính phủ", party=False),
    Issuer("QH", "Quốc hội", party=False, legislature=True),
    Issuer("UBTVQH", "Ủy ban Thường vụ Quốc hội", party=False, legislature=True),
    Issuer("UBND", "Ủy ban nhân dân", party=False),
    Issuer("CTUBND", "Chủ tịch Ủy ban nhân dân", party=False),
    Issuer("HĐND", "Hội đồng nhân dân", party=False),
    Issuer("VPCP", "Văn phòng Chính phủ", party=False),
    Issuer("BNV", "Bộ Nội vụ", party=False),
    Issuer("BTC", "Bộ Tài chính", party=False),
    Issuer("BCT", "Bộ Công Thương", party=False),
    Issuer("BQP", "Bộ Quốc phòng", party=False),
    Issuer("BCA", "Bộ Công an", party=False),
    Issuer("BTP", "Bộ Tư pháp", party=False),
    Issuer("BXD", "Bộ Xây dựng", party=False),
    Issuer("BYT", "Bộ Y tế", party=False),
    Issuer("BNG", "Bộ Ngoại giao", party=False),
    Issuer("BGDĐT", "Bộ Giáo dục và Đào tạo", party=False),
    Issuer("BKHCN", "Bộ Khoa học và Công nghệ", party=False),
    Issuer("BNNMT", "Bộ Nông nghiệp và Môi trường", party=False),
    Issuer("BVHTTDL", "Bộ Văn hóa, Thể thao và Du lịch", party=False),
    Issuer("BDTTG", "Bộ Dân tộc và Tôn giáo", party=False),
    Issuer("NHNN", "Ngân hàng Nhà nước Việt Nam", party=False),
    Issuer("KTNN", "Kiểm toán nhà nước", party=False),
    Issuer("TANDTC", "Tòa án nhân dân tối cao", party=False),
    Issuer("VKSNDTC", "Viện kiểm sát nhân dân tối cao", party=False),
)

#: Party issuer key → name; state issuer key → name.
PARTY_ISSUERS: dict[str, str] = {i.key: i.name for i in ISSUERS if i.party}
STATE_ISSUERS: dict[str, str] = {i.key: i.name for i in ISSUERS if not i.party}
#: the legislature codes, longest first ("UBTVQH", "QH")
LEGISLATURES: tuple[str, ...] = tuple(sorted((i.code for i in ISSUERS if i.legislature), key=len, reverse=True))
#: folded names of every issuer (a subject line that is only an issuer's name is not part of the title)
ISSUER_NAMES: frozenset[str] = frozenset(fold(i.name) for i in ISSUERS)

# key → canonical spelling, for the codes whose key lost a Đ or their case ("QD" → "QĐ", "TTG" → "TTg")
_CANONICAL: dict[str, str] = (
    {t.key: t.code for t in DOC_TYPES if t.key != t.code} | {i.key: i.code for i in ISSUERS if i.key != i.code}
)
_BY_NAME: dict[str, DocType] = {fold(name): row for row in DOC_TYPES for name in row.names}


def canonical_code(code: str) -> str:
    """ASCII or lower-case code → its canonical spelling (``qd`` → ``QĐ``, ``ttg`` → ``TTg``, ``nq`` → ``NQ``)."""
    upper = code.upper()
    return _CANONICAL.get(upper, upper)


def type_named(name: str) -> DocType | None:
    """The type a name or alias denotes, in any case and with or without diacritics."""
    return _BY_NAME.get(fold(name))


def types_with_code(code: str) -> tuple[DocType, ...]:
    key = code_key(code)
    return tuple(row for row in DOC_TYPES if row.key == key)


def type_name(code: str, party: bool, title_type: str | None) -> str | None:
    """The name of a type code; a shared code (``QĐ``) is read from the title line, else from the issuer."""
    rows = types_with_code(code)
    if not rows:
        return None
    if len(rows) > 1 and title_type:
        named = type_named(title_type)
        return named.name if named in rows else rows[0].name
    if party:
        return next((row.name for row in rows if row.party), rows[0].name)
    return rows[0].name


def canonical_type_name(name: str) -> str:
    """A type name as written (``NGHỊ QUYẾT``, ``Thông báo kết luận``) → the type's name; unknown names unchanged."""
    row = type_named(name)
    return row.name if row else name


def issuer_base(code: str) -> str:
    """``UBTVQH15`` → ``UBTVQH``, ``QH15`` → ``QH`` (legislature term dropped for the name lookup)."""
    return re.sub(r"\d+$", "", code_key(code))


def is_party_issuer(code: str) -> bool:
    key = code_key(code)
    return key in PARTY_ISSUERS or key.endswith("TW") or key.startswith("BTCTW") or key.startswith("BTG")


def is_legislature(code: str) -> bool:
    return issuer_base(code) in LEGISLATURES


def issuer_name(code: str) -> str | None:
    """``TW`` → ``Trung ương Đảng``, ``QH15`` → ``Quốc hội``; None for an unknown code."""
    key = code_key(code)
    if key in PARTY_ISSUERS:
        return PARTY_ISSUERS[key]
    return STATE_ISSUERS.get(issuer_base(code)) or STATE_ISSUERS.get(key)
