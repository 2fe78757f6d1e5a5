"""Document identity from real letterheads, and loose mentions in questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from documents.identity import find_mentions, identity_keys, parse_identity, ref_key, ref_matches
from documents.model import DocIdentity, DocRef
from tests.corpus import legal_files, legal_path, party_files, party_path, read

# Labelled by reading each Party text (see tests/corpus.py). None: the text does not state its own date
# (body-only copies); the date is then not guessed from meeting dates ("Tại phiên họp ngày ...").
PARTY_EXPECTED: dict[str, tuple[str, str, str, str | None]] = {
    # file: (type, issuer, date, title start)
    "57-NQ-TW.txt": ("Nghị quyết", "Bộ Chính trị", "2024-12-22", "Nghị quyết về đột phá phát triển khoa học"),
    "66-NQ-TW.txt": ("Nghị quyết", "Bộ Chính trị", None, "Nghị quyết 66-NQ/TW"),
    "71-NQ-TW.txt": ("Nghị quyết", "Bộ Chính trị", None, "Nghị quyết 71-NQ/TW"),
    "127-KL-TW.txt": ("Kết luận", "Bộ Chính trị, Ban Bí thư", None, "Kết luận 127-KL/TW"),
    "155-KL-TW.txt": ("Kết luận", "Bộ Chính trị, Ban Bí thư", None,
                      "Kết luận của Bộ Chính trị, Ban Bí thư về một số nhiệm vụ trọng tâm"),
    "383-QD-TW.txt": ("Quy định", "Ban Bí thư", "2025-11-19",
                      "Quy định về phông lưu trữ Đảng Cộng sản Việt Nam"),
    "384-QD-TW.txt": ("Quy định", "Ban Bí thư", "2025-11-19", "Quy định về kết nối, chia sẻ dữ liệu"),
    "45-HD-BTCTW.txt": ("Hướng dẫn", "Ban Tổ chức Trung ương", "2025-11-21",
                        "Hướng dẫn một số nội dung Quy định số 377-QĐ/TW"),
    "07-KL-VPTW.txt": ("Kết luận", "Văn phòng Trung ương Đảng", "2025-12-01",
                       "Kết luận của đồng chí Chánh Văn phòng Trung ương Đảng"),
    "75-TB-TW.txt": ("Thông báo", "Bộ Chính trị", "2025-03-07",
                     "Thông báo kết luận của Bộ Chính trị về điều chỉnh"),
    "81-TB-TW.txt": ("Thông báo", "Bộ Chính trị", "2025-07-18",
                     "Thông báo kết luận của Bộ Chính trị về chủ trương đầu tư xây dựng trường học"),
    "1147-QD-BTGDVTW.txt": ("Quyết định", "Ban Tuyên giáo và Dân vận Trung ương", "2025-12-01",
                            "Quyết định ban hành quy chế bồi dưỡng, giảng dạy"),
    "40-HD-BTGDVTW.txt": ("Hướng dẫn", "Ban Tuyên giáo và Dân vận Trung ương", None,
                          "Hướng dẫn xây dựng, kiện toàn đội ngũ báo cáo viên"),
    "37-HD-BTGDVTW.txt": ("Hướng dẫn", "Ban Tuyên giáo và Dân vận Trung ương", "2025-11-19",
                          "Hướng dẫn về việc đổi mới, nâng cao chất lượng"),
}


def expected_number(filename: str) -> str:
    """``57-NQ-TW.txt`` → ``57-NQ/TW``; ``383-QD-TW.txt`` → ``383-QĐ/TW``."""
    num, code, issuer = Path(filename).stem.split("-", 2)
    return f"{num}-{code.replace('QD', 'QĐ')}/{issuer}"


def test_party_table_covers_every_file() -> None:
    assert {p.name for p in party_files()} == set(PARTY_EXPECTED)


@pytest.mark.parametrize("name", sorted(PARTY_EXPECTED))
def test_party_identity(name: str) -> None:
    identity = parse_identity(read(party_path(name)), name)
    print(f"{name}: {identity}")
    doc_type, issuer, date, title = PARTY_EXPECTED[name]
    assert identity.number == expected_number(name)
    assert identity.doc_type == doc_type
    assert identity.issuer == issuer
    assert identity.date == date
    assert identity.title is not None and identity.title.startswith(title)


def test_party_identity_ignores_misleading_file_name() -> None:
    """The letterhead wins; the file name only fills gaps."""
    identity = parse_identity(read(party_path("57-NQ-TW.txt")), "upload.txt")
    assert (identity.number, identity.doc_type, identity.date) == ("57-NQ/TW", "Nghị quyết", "2024-12-22")


def test_body_only_party_document_from_first_sentence() -> None:
    identity = parse_identity(read(party_path("75-TB-TW.txt")), "thong-bao.txt")
    assert identity.number == "75-TB/TW"
    assert identity.date == "2025-03-07"
    assert identity.issuer == "Bộ Chính trị"


LEGAL_EXPECTED = {
    "nghi_dinh__25-2025-nd-cp.txt": ("25/2025/NĐ-CP", "Nghị định", "Chính phủ", "2025-02-21"),
    "nghi_quyet__1678-nq-ubtvqh15.txt": ("1678/NQ-UBTVQH15", "Nghị quyết", "Ủy ban Thường vụ Quốc hội", None),
    "luat-du-lieu.txt": ("60/2024/QH15", "Luật", "Quốc hội", None),
    "luat-can-bo-cong-chuc.txt": ("80/2025/QH15", "Luật", "Quốc hội", "2025-06-24"),
    "Cong_dien__217-CD-TTg-2025.txt": ("217/CĐ-TTg", "Công điện", "Thủ tướng Chính phủ", "2025-11-16"),
    "Quyet_dinh__030-2025.txt": ("030/2025/QĐ-UBND", "Quyết định", "Ủy ban nhân dân tỉnh Đắk Lắk",
                                 "2025-11-19"),
    "Chi_thi__010-CT-UBND-2025.txt": ("010/CT-UBND", "Chỉ thị", "Ủy ban nhân dân tỉnh Đắk Lắk", "2025-11-17"),
    "Thong_tu__23-2025.txt": ("23/2025/TT-BTP", "Thông tư", "Bộ Tư pháp", "2025-11-20"),
    "Van_ban_hop_nhat__57-VBHN-BCT-2025.txt": ("57/VBHN-BCT", "Văn bản hợp nhất", "Bộ Công Thương",
                                               "2025-11-26"),
    "Thong_bao__623-TB-VPCP-2025.txt": ("623/TB-VPCP", "Thông báo", "Văn phòng Chính phủ", "2025-11-15"),
    "Nghi_quyet__380-NQ-CP-2025.txt": ("380/NQ-CP", "Nghị quyết", "Chính phủ", "2025-11-25"),
    "Nghi_dinh__296-2025.txt": ("296/2025/NĐ-CP", "Nghị định", "Chính phủ", None),  # no letterhead: file name
    # no letterhead: number and date from the first sentence
    "nghi_quyet__5-2025-nq-cp.txt": ("05/2025/NQ-CP", "Nghị quyết", "Chính phủ", "2025-09-09"),
}


@pytest.mark.parametrize("name", sorted(LEGAL_EXPECTED))
def test_legal_identity(name: str) -> None:
    identity = parse_identity(read(legal_path(name)), name)
    print(f"{name}: {identity}")
    assert (identity.number, identity.doc_type, identity.issuer, identity.date) == LEGAL_EXPECTED[name]
    assert identity.title


def test_legal_titles() -> None:
    assert parse_identity(read(legal_path("luat-du-lieu.txt")), "luat-du-lieu.txt").title == "Luật Dữ liệu"
    title = parse_identity(read(legal_path("nghi_quyet__1678-nq-ubtvqh15.txt")), "x.txt").title
    assert title == "Nghị quyết về việc sắp xếp các đơn vị hành chính cấp xã của tỉnh Nghệ An năm 2025"
    title = parse_identity(read(legal_path("Chi_thi__010-CT-UBND-2025.txt")), "x.txt").title or ""
    assert title.startswith("Chỉ thị về việc nâng cao trách nhiệm")
    assert title.endswith("trên địa bàn tỉnh Đắk Lắk")


def test_every_real_document_gets_a_title() -> None:
    paths = party_files() + legal_files()
    identities = [parse_identity(read(p), p.name) for p in paths]
    assert all(i.title for i in identities)
    numbered = sum(1 for i in identities if i.number)
    print(f"{len(paths)} documents, {numbered} with a number")
    assert numbered >= 0.9 * len(paths)


def test_no_number_document_still_gets_a_title() -> None:
    text = "KẾ HOẠCH\n\nTUYÊN TRUYỀN KỶ NIỆM NGÀY THÀNH LẬP ĐẢNG\n\nThực hiện chỉ đạo của cấp trên..."
    identity = parse_identity(text, "ke-hoach.docx")
    assert identity.number is None
    assert identity.doc_type == "Kế hoạch"
    assert identity.title == "Kế hoạch tuyên truyền kỷ niệm ngày thành lập Đảng"
    bare = parse_identity("Một văn bản không có tiêu đề.", "bao_cao-tong_ket.pdf")
    assert bare.number is None and bare.title == "Bao cao tong ket"


PROVINCIAL = """ĐẢNG BỘ TỈNH NGHỆ AN
TỈNH ỦY
*
Số 920-TB/TU

Nghệ An, ngày 05 tháng 3 năm 2025

THÔNG BÁO
Kết luận của Ban Thường vụ Tỉnh ủy về việc sắp xếp tổ chức bộ máy các cơ quan đảng

Tại hội nghị ngày 03/3/2025, sau khi nghe Ban Tổ chức Tỉnh ủy báo cáo, Ban Thường vụ Tỉnh ủy kết luận như sau:
1. Thống nhất chủ trương.
"""


def test_synthetic_provincial_letterhead() -> None:
    identity = parse_identity(PROVINCIAL, "tb920.pdf")
    assert identity == DocIdentity(
        number="920-TB/TU", doc_type="Thông báo", issuer="Tỉnh ủy Nghệ An", date="2025-03-05",
        title="Thông báo kết luận của Ban Thường vụ Tỉnh ủy về việc sắp xếp tổ chức bộ máy các cơ quan đảng",
    )
    short = PROVINCIAL.replace("ĐẢNG BỘ TỈNH NGHỆ AN\nTỈNH ỦY", "TỈNH ỦY NGHỆ AN")
    assert parse_identity(short, "x.txt").issuer == "Tỉnh ủy Nghệ An"


def test_ascii_file_name_restores_d() -> None:
    identity = parse_identity("Nội dung không có tiêu đề.", "383-QD-TW.txt")
    assert identity.number == "383-QĐ/TW" and identity.doc_type == "Quy định"
    assert parse_identity("...", "nghi_dinh__25-2025-nd-cp.txt").number == "25/2025/NĐ-CP"
    assert parse_identity("...", "Cong_dien__217-CD-TTg-2025.txt").number == "217/CĐ-TTg"


def test_parse_identity_reads_only_the_head_of_a_long_text() -> None:
    text = read(party_path("57-NQ-TW.txt"))
    line = "\nMột dòng nội dung dài của văn bản, ngày 1/1/2025, Nghị quyết số 12-NQ/TW."
    long_text = text + line * 10_000
    identity = parse_identity(long_text, "57-NQ-TW.txt")
    assert identity.number == "57-NQ/TW"


# --- mentions ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("NQ 57 nói gì về chuyển đổi số?", ("57", "NQ", None)),
        ("nq57", ("57", "NQ", None)),
        ("Theo nghị quyết số 57 thì sao", ("57", "NQ", None)),
        ("nghi quyet 57 noi gi", ("57", "NQ", None)),
        ("Nghị quyết 57-NQ/TW về khoa học", ("57", "NQ", "TW")),
        ("57/NQ-TW", ("57", "NQ", "TW")),
        ("57-NQ-TW", ("57", "NQ", "TW")),
        ("KL 127 yêu cầu gì", ("127", "KL", None)),
        ("kết luận số 127", ("127", "KL", None)),
        ("quy định 383 về lưu trữ", ("383", "QĐ", None)),
        ("qd 383", ("383", "QĐ", None)),
        ("Quyết định số 1147-QĐ/BTGDVTW", ("1147", "QĐ", "BTGDVTW")),
        ("hướng dẫn 45", ("45", "HD", None)),
        ("chỉ thị 05", ("5", "CT", None)),
        ("CT 05", ("5", "CT", None)),
        ("thông báo 75", ("75", "TB", None)),
        ("TB 75", ("75", "TB", None)),
        ("Thông báo kết luận số 75-TB/TW", ("75", "TB", "TW")),
        ("nghị định 25/2025", ("25", "NĐ", None)),
        ("Nghị định số 25/2025/NĐ-CP quy định gì", ("25", "NĐ", "CP")),
        ("nghi dinh 25/2025/nd-cp", ("25", "NĐ", "CP")),
        ("Nghị quyết 1678/NQ-UBTVQH15", ("1678", "NQ", "UBTVQH15")),
        ("07-KL/VPTW", ("7", "KL", "VPTW")),
        ("60/2024/QH15", ("60", None, "QH15")),
        ("第57号决议的内容是什么", ("57", "NQ", None)),
        ("57-NQ/TW号决议", ("57", "NQ", "TW")),
        ("关于第5号指示", ("5", "CT", None)),
    ],
)
def test_find_mentions(question: str, expected: tuple[str, str | None, str | None]) -> None:
    refs = find_mentions(question)
    assert [(r.number, r.type_code, r.issuer_code) for r in refs] == [expected]
    start, end = refs[0].span
    assert 0 <= start < end <= len(question)


def test_find_mentions_lists_and_several() -> None:
    refs = find_mentions("So sánh nghị quyết 57 và 66, kết luận 127")
    assert [(r.number, r.type_code) for r in refs] == [("57", "NQ"), ("66", "NQ"), ("127", "KL")]


@pytest.mark.parametrize(
    "question",
    ["Mục tiêu đến năm 2030 là gì?", "sau 10 năm thực hiện", "Điều 5 quy định gì", "khoản 2 điều 3",
     "mục 3 của văn bản", "tỷ lệ 57% đảng viên", "ngày 22/12/2024", "Hội nghị Trung ương 11 khóa XIII",
     "chi bộ 5 có 30 đảng viên", "Nghị quyết Trung ương 4 khóa XII", "2030, đạt mục tiêu"],
)
def test_find_mentions_negatives(question: str) -> None:
    assert find_mentions(question) == []


def test_keys_and_matching_rule() -> None:
    nq57 = DocIdentity(number="57-NQ/TW", doc_type="Nghị quyết")
    qd383 = DocIdentity(number="383-QĐ/TW", doc_type="Quy định")
    nd25 = DocIdentity(number="25/2025/NĐ-CP", doc_type="Nghị định")
    assert identity_keys(nq57) == {"57||", "57|NQ|", "57||TW", "57|NQ|TW"}
    assert ref_key(DocRef("383", "QĐ", "TW")) == "383|QD|TW"
    for question, identity in (("NQ 57", nq57), ("qd 383", qd383), ("QĐ 383", qd383),
                               ("nghị định 25/2025", nd25), ("57/NQ-TW", nq57)):
        assert ref_matches(find_mentions(question)[0], identity), question
    assert not ref_matches(DocRef("57", "KL"), nq57)
    assert not ref_matches(DocRef("57", "NQ", "TU"), nq57)
    assert ref_matches(DocRef("57"), nq57)
    assert identity_keys(DocIdentity(title="no number")) == set()


def test_stored_numbers_round_trip() -> None:
    """Every parsed number is itself a mention of its own document (the engine relies on this)."""
    for path in party_files() + legal_files():
        identity = parse_identity(read(path), path.name)
        if identity.number:
            refs = find_mentions(identity.number)
            assert refs, identity.number
            assert ref_matches(refs[0], identity), identity.number


# --- dates ---------------------------------------------------------------------------------------------
LETTERHEAD_DATED = "BỘ CHÍNH TRỊ\nSố 12-NQ/TW\nHà Nội, ngày {day} tháng {month} năm {year}\nNGHỊ QUYẾT\nVỀ MỘT VẤN ĐỀ\n"
MENTION_DATED = "Bộ Chính trị đã ký Nghị quyết số 12-NQ/TW ngày {day}/{month}/{year} của Bộ Chính trị về một vấn đề.\n"


@pytest.mark.parametrize(
    ("day", "month", "year", "expected"),
    [
        ("22", "12", "2024", "2024-12-22"),
        ("29", "2", "2024", "2024-02-29"),  # leap year
        ("31", "02", "2025", None),
        ("29", "2", "2025", None),
        ("31", "4", "2025", None),
        ("30", "4", "2025", "2025-04-30"),
        ("0", "4", "2025", None),
        ("5", "13", "2025", None),
    ],
)
def test_dates_are_real_calendar_dates(day: str, month: str, year: str, expected: str | None) -> None:
    for template in (LETTERHEAD_DATED, MENTION_DATED):
        identity = parse_identity(template.format(day=day, month=month, year=year), "x.txt")
        assert identity.number == "12-NQ/TW"
        assert identity.date == expected, template


def test_a_decision_answers_to_the_name_of_what_it_issues() -> None:
    """Members call the regulation a decision issues by the decision's number: "quy chế 1147", "qc 1147"."""
    decision = DocIdentity(number="1147-QĐ/BTGDVTW", doc_type="Quyết định", issuer="Ban Tuyên giáo và Dân vận",
                           title="Quyết định ban hành quy chế bồi dưỡng, giảng dạy của trung tâm chính trị xã")
    for question in ("quy chế 1147: chấm phúc tra lệch bao nhiêu điểm", "qc 1147 doi tuong ap dung la ai",
                     "QĐ 1147 ban hành quy chế gì"):
        (mention,) = find_mentions(question)
        assert ref_key(mention) in identity_keys(decision), question
    regulation = DocIdentity(number="383-QĐ/TW", doc_type="Quy định", issuer="Ban Bí thư",
                             title="Quy định về phông lưu trữ Đảng Cộng sản Việt Nam")
    assert ref_key(find_mentions("quy chế 383")[0]) not in identity_keys(regulation)
