"""Structure-aware chunking: locators, offsets, coverage and size on synthetic and real texts."""

from __future__ import annotations

import re
import statistics

import pytest

from documents.chunking import roman_value, split_document
from documents.model import Chunk
from documents.text import nfc
from tests.corpus import legal_files, party_files, party_path, read

PARTY = """BAN CHẤP HÀNH TRUNG ƯƠNG
ĐẢNG CỘNG SẢN VIỆT NAM

Số: 99-NQ/TW
Hà Nội, ngày 1 tháng 2 năm 2025

NGHỊ QUYẾT
về một chủ đề thử nghiệm

Đoạn mở đầu nêu bối cảnh của nghị quyết.

I- TÌNH HÌNH VÀ NGUYÊN NHÂN

1. Kết quả đạt được trong thời gian qua rất đáng ghi nhận. {long1}

2. Hạn chế, yếu kém còn tồn tại. {long1}

II. QUAN ĐIỂM CHỈ ĐẠO

1. Quan điểm thứ nhất ngắn.

2. Mục tiêu

a) Đến năm 2030, tỉ lệ đạt 80%. {long2}

b) Đến năm 2035, tỉ lệ đạt 90%. {long2}

c) Tầm nhìn đến năm 2045. {long2}

- Gạch đầu dòng trong điểm c.

III – NHIỆM VỤ, GIẢI PHÁP

1. Nhiệm vụ thứ nhất.
2. Nhiệm vụ thứ hai.
3. Nhiệm vụ thứ ba.
2030, các mục tiêu trên phải hoàn thành.
"""
LONG1 = "Câu văn mô tả chi tiết nội dung của mục này. " * 14
LONG2 = "Câu văn giải thích chỉ tiêu và lộ trình thực hiện. " * 7

LEGAL = """QUỐC HỘI

LUẬT
THỬ NGHIỆM

Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;

Chương I

QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh

Luật này quy định về việc thử nghiệm.

Điều 2. Đối tượng áp dụng

Luật này áp dụng đối với mọi cơ quan.

Chương II
NỘI DUNG CHÍNH

Mục 1. QUY ĐỊNH CỤ THỂ

Điều 32. Quyền và nghĩa vụ

1. Cơ quan có các quyền sau đây: {long}

a) Quyền thứ nhất. {long}

b) Quyền thứ hai. {long}

2. Cơ quan có nghĩa vụ tuân thủ. {long}

3. Chính phủ quy định chi tiết Điều này; khoản 2 Điều 5 được áp dụng. {long}

Điều 33. Hiệu lực thi hành

Luật này có hiệu lực từ ngày 01 tháng 7 năm 2025.
"""
LONG_LEGAL = "Nội dung quy định chi tiết được trình bày rõ ràng. " * 9


def _chunks(text: str, **kwargs: int) -> list[Chunk]:
    chunks, _ = split_document(text, **kwargs)
    return chunks


def _check_invariants(text: str, chunks: list[Chunk], max_chars: int = 1200) -> None:
    previous_end = 0
    covered = bytearray(len(text))
    for i, chunk in enumerate(chunks):
        assert chunk.ordinal == i
        assert chunk.text == text[chunk.start:chunk.end]
        assert chunk.start >= previous_end, f"overlap at {chunk.locator}"
        assert chunk.text and not chunk.text[0].isspace() and not chunk.text[-1].isspace()
        assert len(chunk.text) + len(chunk.heading) <= max_chars, chunk.locator
        assert chunk.locator
        covered[chunk.start:chunk.end] = b"\x01" * (chunk.end - chunk.start)
        previous_end = chunk.end
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not missing, f"uncovered text at {missing[0]}: {text[missing[0]:missing[0] + 40]!r}"


def test_party_locators() -> None:
    text = nfc(PARTY.format(long1=LONG1, long2=LONG2))
    chunks, outline = split_document(text)
    _check_invariants(text, chunks)
    by_locator = {c.locator: c for c in chunks}
    assert chunks[0].locator == "Phần mở đầu" and chunks[0].text.startswith("BAN CHẤP HÀNH")
    assert chunks[0].text.endswith("bối cảnh của nghị quyết.")
    assert by_locator["Mục I, điểm 1"].text.startswith("I- TÌNH HÌNH VÀ NGUYÊN NHÂN\n\n1. Kết quả")
    assert by_locator["Mục I, điểm 2"].heading == "I- TÌNH HÌNH VÀ NGUYÊN NHÂN"
    assert by_locator["Mục II, điểm 2.a"].text.startswith("2. Mục tiêu\n\na) Đến năm 2030")
    point_b = by_locator["Mục II, điểm 2.b"]
    assert point_b.text.startswith("b) Đến năm 2035")
    assert point_b.heading == "II. QUAN ĐIỂM CHỈ ĐẠO › 2. Mục tiêu"
    assert by_locator["Mục II, điểm 2.c"].text.endswith("- Gạch đầu dòng trong điểm c.")
    assert by_locator["Mục II, điểm 1"].text == "II. QUAN ĐIỂM CHỈ ĐẠO\n\n1. Quan điểm thứ nhất ngắn."
    # a small section is one chunk; "2030, ..." is not a heading
    last = by_locator["Mục III"]
    assert last.text.startswith("III – NHIỆM VỤ, GIẢI PHÁP") and last.text.endswith("phải hoàn thành.")
    assert [(s.locator, s.level) for s in outline] == [
        ("Mục I", 1), ("Mục II", 1), ("Mục II, điểm 2", 2), ("Mục III", 1)]
    assert outline[1].title == "II. QUAN ĐIỂM CHỈ ĐẠO"


def test_legal_locators() -> None:
    text = nfc(LEGAL.format(long=LONG_LEGAL))
    chunks, outline = split_document(text)
    _check_invariants(text, chunks)
    locators = [c.locator for c in chunks]
    assert locators == ["Phần mở đầu", "Điều 1–2", "Điều 32, khoản 1", "Điều 32, khoản 1, điểm a",
                        "Điều 32, khoản 1, điểm b", "Điều 32, khoản 2", "Điều 32, khoản 3", "Điều 33"]
    assert chunks[1].text.startswith("Chương I\n\nQUY ĐỊNH CHUNG\n\nĐiều 1.")
    assert chunks[2].text.startswith("Chương II\nNỘI DUNG CHÍNH\n\nMục 1. QUY ĐỊNH CỤ THỂ\n\nĐiều 32.")
    assert chunks[2].text.endswith(LONG_LEGAL.strip())  # khoản 1 up to its first point
    assert chunks[3].text.startswith("a) Quyền thứ nhất.")
    assert chunks[3].heading.startswith(
        "Chương II NỘI DUNG CHÍNH › Mục 1. QUY ĐỊNH CỤ THỂ › Điều 32. Quyền và nghĩa vụ › 1. Cơ quan có"
    )
    assert chunks[7].heading == "Chương II NỘI DUNG CHÍNH › Mục 1. QUY ĐỊNH CỤ THỂ"
    assert "khoản 2 Điều 5" in chunks[6].text  # a reference inside a sentence is not a heading
    assert [(s.locator, s.title, s.level) for s in outline] == [
        ("Chương I", "Chương I QUY ĐỊNH CHUNG", 1),
        ("Điều 1", "Điều 1. Phạm vi điều chỉnh", 2),
        ("Điều 2", "Điều 2. Đối tượng áp dụng", 2),
        ("Chương II", "Chương II NỘI DUNG CHÍNH", 1),
        ("Chương II, Mục 1", "Mục 1. QUY ĐỊNH CỤ THỂ", 2),
        ("Điều 32", "Điều 32. Quyền và nghĩa vụ", 3),
        ("Điều 33", "Điều 33. Hiệu lực thi hành", 3),
    ]
    assert text[outline[5].start:].startswith("Điều 32.")


def test_whole_article_when_it_fits() -> None:
    text = nfc(LEGAL.format(long="ngắn."))
    locators = [c.locator for c in _chunks(text)]
    assert locators == ["Phần mở đầu", "Điều 1–2", "Điều 32–33"]


def test_big_unit_is_split_with_continuation_locators() -> None:
    body = " ".join(f"Câu số {i} nói về một nội dung quan trọng của nghị quyết." for i in range(200))
    text = f"I. NỘI DUNG\n\n1. Điểm rất dài. {body}\n\n2. Điểm ngắn."
    chunks = _chunks(text, max_chars=600)
    _check_invariants(text, chunks, max_chars=600)
    assert chunks[0].locator == "Mục I, điểm 1"
    assert {c.locator for c in chunks[1:-1]} == {"Mục I, điểm 1 (tiếp)"}
    assert chunks[-1].locator == "Mục I, điểm 2"
    assert all(c.text.endswith(".") for c in chunks)  # cut at sentence ends


def test_unbreakable_text_is_cut_by_size() -> None:
    text = "x" * 5000
    chunks = _chunks(text, max_chars=1000)
    _check_invariants(text, chunks, max_chars=1000)
    assert len(chunks) == 5 and chunks[1].locator == "Phần mở đầu (tiếp)"


@pytest.mark.parametrize(
    "line",
    ["2030, các mục tiêu phải hoàn thành.", "22/12/2024 là ngày ký.", "100. Con số không phải mục.",
     "Điều 5 của Luật quy định", "XVII.", "Vi phạm bị xử lý.", "1.000 đảng viên tham gia."],
)
def test_not_headings(line: str) -> None:
    text = f"I. MỤC MỘT\n\nNội dung.\n\n{line}\n\nNội dung tiếp."
    _, outline = split_document(text)
    assert [s.locator for s in outline] == ["Mục I"]


def test_roman_numerals_and_separators() -> None:
    assert [roman_value(r) for r in ("I", "IV", "IX", "XIV", "XX", "ABC")] == [1, 4, 9, 14, 20, 0]
    text = "I- MỘT\n\na.\n\nII. HAI\n\nb.\n\nIII – BA\n\nc.\n\nIV: BỐN\n\nd."
    _, outline = split_document(text)
    assert [s.locator for s in outline] == ["Mục I", "Mục II", "Mục III", "Mục IV"]


def test_markdown_and_emphasis_prefixes() -> None:
    text = "## I- MỤC TIÊU\n\n#### 1. Điểm một\n\nNội dung.\n\n**Điều 16*. *Truy cập**\n\nNội dung điều."
    chunks, outline = split_document(text, max_chars=60, min_chars=10)
    assert [s.locator for s in outline][:2] == ["Mục I", "Mục I, điểm 1"]
    assert "Điều 16" in [s.locator for s in outline]


def test_empty_text() -> None:
    assert split_document("") == ([], [])
    assert split_document(" \n\n ") == ([], [])


def test_invariants_on_all_real_documents() -> None:
    paths = party_files() + legal_files()
    texts = [read(p) for p in paths]
    results = [split_document(text) for text in texts]
    sizes = []
    for path, text, (chunks, _outline) in zip(paths, texts, results, strict=True):
        assert chunks, path.name
        _check_invariants(text, chunks)
        sizes.extend(len(c.text) for c in chunks)
    print(f"{len(paths)} documents, {len(sizes)} chunks, mean {statistics.mean(sizes):.0f} chars, "
          f"max {max(sizes)}")


def test_legal_article_chunks_start_with_dieu() -> None:
    """Every chunk inside an article is located as "Điều N..." (evaluation maps chunks back to articles)."""
    paths = [p for p in legal_files() if p.name.startswith(("luat-", "nghi_dinh__"))]
    assert len(paths) >= 10
    for path in paths:
        text = read(path)
        chunks, outline = split_document(text)
        regions = []  # (start, end) of each article: up to the next outline entry at the same or higher level
        for i, section in enumerate(outline):
            if section.locator.startswith("Điều "):
                end = next((s.start for s in outline[i + 1:] if s.level <= section.level), len(text))
                regions.append((section.start, end))
        assert regions, path.name
        for chunk in chunks:
            if any(a < chunk.end and chunk.start < b for a, b in regions):
                assert re.match(r"^Điều \d+", chunk.locator), (path.name, chunk.locator)


def test_party_documents_have_party_locators() -> None:
    text = read(party_path("57-NQ-TW.txt"))
    chunks, outline = split_document(text)
    locators = [c.locator for c in chunks]
    assert locators[0] == "Phần mở đầu"
    assert "Mục I, điểm 2" in locators and "Mục III, điểm 7" in locators
    assert [s.locator for s in outline if s.level == 1] == ["Mục I", "Mục II", "Mục III", "Mục IV"]
    goal = next(c for c in chunks if c.locator == "Mục II, điểm 2")
    assert goal.text.startswith("2. Tầm nhìn đến năm 2045") and goal.heading == "II- MỤC TIÊU"
