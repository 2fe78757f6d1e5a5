"""Abbreviations members type and texts write out ("CĐS" ↔ "chuyển đổi số"), both directions.

Two sources: a shipped table of common Party and state abbreviations, and those a text defines itself, either
"(sau đây gọi tắt là UBKT)" / "(viết tắt là UBKT)" or an acronym in brackets right after its full form
("Ủy ban Kiểm tra Trung ương (UBKTTW)"), recognised when its letters are the initials of the words before it.
Keys are folded (no diacritics, ``đ`` → ``d``, lower case, ``&``/``,``/``-``/spaces dropped), so "CDS", "cđs"
and "CĐS" are the same abbreviation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from documents.text import fold

#: abbreviation → full forms, as Party documents write them.
SHIPPED: dict[str, tuple[str, ...]] = {
    "CĐS": ("chuyển đổi số",),
    "KH&CN": ("khoa học và công nghệ", "khoa học, công nghệ"),
    "KHCN": ("khoa học và công nghệ", "khoa học, công nghệ"),
    "ĐMST": ("đổi mới sáng tạo",),
    "KH,CN&ĐMST": ("khoa học, công nghệ, đổi mới sáng tạo",),
    "BCH TW": ("Ban Chấp hành Trung ương",),
    "BCH": ("Ban Chấp hành",),
    "BCHTW": ("Ban Chấp hành Trung ương",),
    "BCT": ("Bộ Chính trị",),
    "BBT": ("Ban Bí thư",),
    "UBKT": ("Ủy ban Kiểm tra",),
    "UBKTTW": ("Ủy ban Kiểm tra Trung ương",),
    "BTCTW": ("Ban Tổ chức Trung ương",),
    "HTCT": ("hệ thống chính trị",),
    "NSNN": ("ngân sách nhà nước",),
    "DNNN": ("doanh nghiệp nhà nước",),
    "GD&ĐT": ("giáo dục và đào tạo",),
    "GDĐT": ("giáo dục và đào tạo",),
    "ĐVHC": ("đơn vị hành chính",),
    "CB,CC,VC": ("cán bộ, công chức, viên chức",),
    "CBCCVC": ("cán bộ, công chức, viên chức",),
    "CBCC": ("cán bộ, công chức",),
    "MTTQ": ("Mặt trận Tổ quốc",),
    "UBND": ("Ủy ban nhân dân",),
    "HĐND": ("Hội đồng nhân dân",),
    "KT-XH": ("kinh tế - xã hội",),
    "KTXH": ("kinh tế - xã hội",),
    "R&D": ("nghiên cứu và phát triển", "nghiên cứu phát triển"),
    "AI": ("trí tuệ nhân tạo",),
    "CNTT": ("công nghệ thông tin",),
    "TTHC": ("thủ tục hành chính",),
    "CQĐP": ("chính quyền địa phương",),
    "ĐBQH": ("đại biểu Quốc hội",),
    "QP-AN": ("quốc phòng, an ninh",),
    "QPAN": ("quốc phòng, an ninh",),
    "XHCN": ("xã hội chủ nghĩa",),
    "CNXH": ("chủ nghĩa xã hội",),
    "CNH, HĐH": ("công nghiệp hóa, hiện đại hóa",),
    "CNH-HĐH": ("công nghiệp hóa, hiện đại hóa",),
    "PCTN": ("phòng, chống tham nhũng",),
    "LLCT": ("lý luận chính trị",),
    "TCCSĐ": ("tổ chức cơ sở đảng",),
    "ĐTN": ("Đoàn Thanh niên",),
    "HTX": ("hợp tác xã",),
    "ĐH-CĐ": ("đại học, cao đẳng",),
    "GDP": ("tổng sản phẩm trong nước",),
    "FDI": ("đầu tư trực tiếp nước ngoài",),
    "TW": ("Trung ương",),
}

#: Abbreviations members type that Party texts write out in full ("SGK", "DTTS"): written out in questions, but
#: not added to a question that has the full form, since no passage would hold them.
TYPED: dict[str, tuple[str, ...]] = {
    "SGK": ("sách giáo khoa",),
    "HS": ("học sinh",),
    "HSSV": ("học sinh, sinh viên",),
    "GV": ("giáo viên",),
    "THPT": ("trung học phổ thông",),
    "THCS": ("trung học cơ sở",),
    "DTTS": ("dân tộc thiểu số",),
    "MTQG": ("mục tiêu quốc gia",),
    "CTMTQG": ("chương trình mục tiêu quốc gia",),
    "NCKH": ("nghiên cứu khoa học",),
    "CSDL": ("cơ sở dữ liệu",),
    "QLNN": ("quản lý nhà nước",),
    "VBQPPL": ("văn bản quy phạm pháp luật",),
    "QPPL": ("quy phạm pháp luật",),
    "PBGDPL": ("phổ biến, giáo dục pháp luật",),
    "DN": ("doanh nghiệp",),
    "DNNVV": ("doanh nghiệp nhỏ và vừa",),
    "BHXH": ("bảo hiểm xã hội",),
    "BHYT": ("bảo hiểm y tế",),
    "BCV": ("báo cáo viên",),
    "BTG": ("Ban Tuyên giáo",),
    "BDV": ("Ban Dân vận",),
    "TGDV": ("Tuyên giáo và Dân vận",),
}

# An all-capitals abbreviation as texts write it ("UBKTTW", "KH&CN", "GD&ĐT", "CB,CC,VC").
_ABBREVIATION = r"[A-ZĐ][A-ZĐ&,\-]{1,11}"
_DEFINED = re.compile(rf"\((?:sau đây )?(?:gọi tắt là|viết tắt là|gọi chung là)\s+({_ABBREVIATION})\)")
_BRACKETED = re.compile(rf"\(({_ABBREVIATION})\)")
_WORD = re.compile(r"[^\W\d_]+")
_LINKS = frozenset({"va", "cac", "cua"})
_MAX_WORDS = 12


def key(abbreviation: str) -> str:
    """The folded form an abbreviation is known by ("KH&CN" → "khcn", "CĐS" → "cds")."""
    return re.sub(r"[\s&,.\-]+", "", fold(abbreviation))


def _full_form(before: str, abbreviation: str) -> str | None:
    """The words right before the brackets whose initials spell ``abbreviation`` (links like "và" may be
    skipped), as written; None when they do not."""
    letters = key(abbreviation)
    words = list(_WORD.finditer(before))[-_MAX_WORDS:]
    for start in range(len(words) - 1, -1, -1):
        span = words[start:]
        initials = "".join(fold(w.group(0))[0] for w in span if fold(w.group(0)) not in _LINKS)
        if initials == letters:
            return before[span[0].start():].strip(" ,;:(")
        if len(initials) > len(letters):
            return None
    return None


def defined_in(text: str) -> dict[str, str]:
    """Abbreviations ``text`` defines, folded key → full form as written."""
    found: dict[str, str] = {}
    for pattern in (_DEFINED, _BRACKETED):
        for match in pattern.finditer(text):
            abbreviation = match.group(1).strip(",-")
            full = _full_form(text[max(0, match.start() - 200):match.start()], abbreviation)
            if full and key(abbreviation) not in found:
                found[key(abbreviation)] = full
    return found


class Abbreviations:
    """The known abbreviations: the shipped table plus those the indexed texts define."""

    def __init__(self, learned: Mapping[str, Iterable[str]] | None = None, *, shipped: bool = True) -> None:
        self.table: dict[str, list[str]] = {}
        for abbreviation, forms in SHIPPED.items() if shipped else ():
            self.table.setdefault(key(abbreviation), []).extend(forms)
        for folded, learned_forms in (learned or {}).items():
            known = self.table.setdefault(folded, [])
            known.extend(f for f in learned_forms if fold(f) not in {fold(k) for k in known})
        self._full = {fold(form): folded for folded, forms in self.table.items() for form in forms}
        for abbreviation, forms in TYPED.items() if shipped else ():
            self.table.setdefault(key(abbreviation), list(forms))
        # "BCH TW" is one abbreviation written as two tokens; otherwise a token may join parts with & , -
        self._tokens = re.compile(r"BCH\s+TW|[^\W_]+(?:[&,\-][^\W_]+)*")

    def expand(self, question: str) -> list[str]:
        """Full forms of the abbreviations a question uses ("CĐS" → "chuyển đổi số"); typed without
        diacritics or in lower case they still count when they are not ordinary words."""
        found: list[str] = []
        for match in self._tokens.finditer(question):
            token = match.group(0)
            folded = key(token)
            forms = self.table.get(folded)
            if not forms:
                continue
            if not token.isupper() and (len(folded) <= 2 or folded in _ORDINARY):
                continue  # "ai", "tw", "bct" typed in lower case are words or too ambiguous
            found.extend(f for f in forms if f not in found)
        return found

    def abbreviate(self, question: str) -> list[str]:
        """Abbreviations of full forms a question writes out ("chuyển đổi số" → "cds")."""
        folded = f" {' '.join(_WORD.findall(fold(question)))} "
        return sorted({abbreviation for full, abbreviation in self._full.items()
                       if f" {' '.join(_WORD.findall(full))} " in folded})

    def rewrite(self, question: str) -> str:
        """The question with its abbreviations written out, and the abbreviations of what it writes out added:
        "NQ 57 về CĐS" → "NQ 57 về chuyển đổi số"; "chuyển đổi số" → "chuyển đổi số (cds)". What retrieval,
        evidence and quote selection read; the member's own wording is kept for display."""
        out: list[str] = []
        position = 0
        for match in self._tokens.finditer(question):
            forms = self.expand(match.group(0))
            if forms:
                out += [question[position:match.start()], forms[0]]
                if len(forms) > 1:
                    out.append(f" ({'; '.join(forms[1:])})")
                position = match.end()
        out.append(question[position:])
        text = "".join(out)
        shorts = [a for a in self.abbreviate(text) if len(a) > 2]
        return f"{text} ({' '.join(shorts)})" if shorts else text


# Folded abbreviations that are also ordinary (diacritic-free) Vietnamese words or too short to trust in
# lower case.
_ORDINARY = frozenset({"ai", "tw", "bct", "htx", "dtn"})
