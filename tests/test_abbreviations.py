"""Abbreviations members type and texts write out, both directions, shipped and learned from the texts."""

from __future__ import annotations

from pathlib import Path

from documents.abbreviations import Abbreviations, defined_in, key
from index.engine import Engine
from tests.test_store import _write


def test_keys_ignore_marks_case_and_joiners() -> None:
    assert key("CĐS") == key("cds") == key("CDS") == "cds"
    assert key("KH&CN") == key("KH CN") == "khcn"
    assert key("CB,CC,VC") == "cbccvc"


def test_questions_have_their_abbreviations_written_out() -> None:
    known = Abbreviations()
    assert known.rewrite("NQ 57 về CĐS đặt mục tiêu gì") == "NQ 57 về chuyển đổi số đặt mục tiêu gì (cds)"
    assert "ngân sách nhà nước" in known.rewrite("tong chi NSNN cho KH&CN")
    assert known.rewrite("BCH TW họp mấy lần").startswith("Ban Chấp hành Trung ương họp mấy lần")
    assert known.rewrite("cds la gi").startswith("chuyển đổi số")  # typed in lower case, unambiguous
    assert known.rewrite("ai là trưởng ban?") == "ai là trưởng ban?"  # an ordinary word, not "AI"


def test_full_forms_bring_their_abbreviations_for_the_keyword_side() -> None:
    assert Abbreviations().rewrite("chuyen doi so quoc gia").endswith("(cds)")


def test_acronyms_defined_by_the_text_are_learned() -> None:
    text = ("Phát triển khoa học, công nghệ và đổi mới sáng tạo (KH,CN&ĐMST) là đột phá; "
            "các hợp tác xã nông nghiệp (sau đây gọi tắt là HTXNN) được hỗ trợ.")
    assert defined_in(text) == {"khcndmst": "khoa học, công nghệ và đổi mới sáng tạo",
                                "htxnn": "hợp tác xã nông nghiệp"}
    learned = {short: [full] for short, full in defined_in(text).items()}
    assert Abbreviations(learned).rewrite("HTXNN được hỗ trợ gì?").startswith("hợp tác xã nông nghiệp")


def test_an_abbreviated_question_finds_the_written_out_passage(fresh_engine: Engine, tmp_path: Path) -> None:
    _write(tmp_path / "tb.txt", """TỈNH ỦY NGHỆ AN
Số 921-TB/TU

THÔNG BÁO
về ngân sách cho chuyển đổi số

1. Ngân sách nhà nước dành cho chuyển đổi số năm 2026 tăng 20% so với năm 2025.
2. Các hợp tác xã nông nghiệp (sau đây gọi tắt là HTXNN) được hỗ trợ đào tạo kỹ năng số.
3. Mỗi chi bộ tổ chức sinh hoạt chuyên đề về đạo đức công vụ mỗi quý một lần.
""")
    fresh_engine.ingest_path(tmp_path / "tb.txt")
    answer = fresh_engine.ask("NSNN cho CĐS năm 2026 tăng bao nhiêu?")
    assert answer.found and "20%" in answer.citations[0].quote
    assert answer.question == "NSNN cho CĐS năm 2026 tăng bao nhiêu?"  # the member's wording is kept
    hits = fresh_engine.retrieve("HTXNN duoc ho tro gi", limit=1, mode="keyword")
    assert hits and "hợp tác xã" in fresh_engine.catalog.chunks([hits[0].chunk_id])[hits[0].chunk_id].text


def test_abbreviations_members_type_but_texts_never_use_are_only_written_out() -> None:
    known = Abbreviations()
    assert known.rewrite("bao gio cap SGK mien phi cho HS vung DTTS") == (
        "bao gio cap sách giáo khoa mien phi cho học sinh vung dân tộc thiểu số")
    assert known.rewrite("sách giáo khoa miễn phí") == "sách giáo khoa miễn phí"  # no "(sgk)" a passage lacks
    assert known.rewrite("KL 07 VPTW về văn thư").startswith("KL 07 VPTW")  # an issuer in a number stays


def test_a_question_in_school_abbreviations_finds_the_passage(party_engine: Engine) -> None:
    answer = party_engine.ask("nq71 nam nao cap SGK mien phi cho tat ca HS")
    assert answer.found and "miễn phí sách giáo khoa cho tất cả học sinh" in answer.citations[0].quote
