"""documents.extract and documents.legacy_fonts on files generated at test time (nothing from ../shared)."""

from __future__ import annotations

import re
import shutil
import struct
import unicodedata
import zipfile
from pathlib import Path

import pytest

from documents import legacy_fonts
from documents.extract import SUPPORTED_SUFFIXES, extract_file
from documents.extract.quality import measure
from documents.model import ExtractionError
from documents.text import fold
from tests.corpus import legal_files, party_files

MAX = 20_000_000
FONTS = Path("/usr/share/fonts/truetype/dejavu")
TITLE = "Nghị quyết số 99-NQ/ĐU của Đảng ủy Khối các cơ quan tỉnh"
BODY = (
    "Đảng ủy Khối yêu cầu các tổ chức cơ sở đảng quán triệt sâu sắc nghị quyết, xây dựng kế hoạch "
    "thực hiện cụ thể và báo cáo kết quả trước ngày 15 tháng 12 năm 2025."
)
CLOSING = "Mỗi đảng viên phải gương mẫu, giữ gìn phẩm chất đạo đức, lối sống; thường xuyên tự phê bình."
CHINESE = "越南共产党中央委员会关于加强党的建设的决议。各级党组织要认真学习贯彻，按时报告结果。"

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword not installed")


def squash(text: str) -> str:
    """Folded, whitespace-free form for tolerant comparison."""
    return re.sub(r"\s+", "", fold(text))


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def code_of(path: Path, max_bytes: int = MAX) -> str:
    with pytest.raises(ExtractionError) as info:
        extract_file(path, max_bytes=max_bytes)
    return info.value.code


# --- plain text --------------------------------------------------------------------------------------


def test_txt_utf8_utf16_and_nfd(tmp_path: Path) -> None:
    text = f"{TITLE}\n\n{BODY}\n"
    utf8 = extract_file(write(tmp_path, "a.txt", text.encode("utf-8")), max_bytes=MAX)
    bom = extract_file(write(tmp_path, "b.txt", b"\xef\xbb\xbf" + text.encode("utf-8")), max_bytes=MAX)
    utf16 = extract_file(write(tmp_path, "c.txt", text.encode("utf-16")), max_bytes=MAX)
    nfd = extract_file(write(tmp_path, "d.txt", unicodedata.normalize("NFD", text).encode()), max_bytes=MAX)
    expected = f"{TITLE}\n\n{BODY}"
    for result in (utf8, bom, utf16, nfd):
        assert result.text == expected
        assert result.method == "txt"
    assert unicodedata.is_normalized("NFC", nfd.text)


def test_txt_cp1258(tmp_path: Path) -> None:
    tones = "\u0300\u0301\u0303\u0309\u0323"
    decomposed = ""
    for ch in BODY:  # Windows-1258 stores base letters (with ă â ê ô ơ ư) followed by a tone mark
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        decomposed += base + "".join(c for c in parts if c in tones)
    result = extract_file(write(tmp_path, "w.txt", decomposed.encode("cp1258")), max_bytes=MAX)
    assert result.text == BODY


@pytest.mark.parametrize("encoding,codec", [("tcvn3", "latin-1"), ("vni", "cp1252")])
def test_txt_legacy_font_bytes(tmp_path: Path, encoding: legacy_fonts.Encoding, codec: str) -> None:
    source = f"{BODY}\n{CLOSING}"
    data = legacy_fonts.encode(source, encoding).encode(codec)
    result = extract_file(write(tmp_path, f"{encoding}.txt", data), max_bytes=MAX)
    assert "legacy_font_converted" in result.warnings
    # TCVN3 has no toned capitals ("Đảng" survives: Đ has its own code, "Mỗi" → "mỗi" would not)
    assert result.text.lower() == source.lower()
    assert "Đảng ủy Khối" in result.text


def test_markdown_headings(tmp_path: Path) -> None:
    md = f"# {TITLE}\n\n## Điều 1. Phạm vi\n\n{BODY}\n\n- **Điểm a)** {CLOSING}\n"
    result = extract_file(write(tmp_path, "nq.md", md.encode()), max_bytes=MAX)
    assert result.method == "md"
    lines = result.text.split("\n")
    assert lines[0] == TITLE
    assert "Điều 1. Phạm vi" in lines
    assert f"- **Điểm a)** {CLOSING}" in lines  # everything but heading markers stays verbatim


def test_chinese_txt(tmp_path: Path) -> None:
    result = extract_file(write(tmp_path, "zh.txt", CHINESE.encode()), max_bytes=MAX)
    assert result.text == CHINESE


# --- DOCX --------------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=2, cols=3)
    for r, row in enumerate([("STT", "Nội dung", "Thời hạn"), ("1", "Kiểm tra chi bộ", "Quý IV")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph(BODY)
    legacy = document.add_paragraph().add_run(legacy_fonts.encode("Ban Thường vụ Đảng ủy Khối", "tcvn3"))
    legacy.font.name = ".VnTime"
    path = tmp_path / "nq.docx"
    document.save(str(path))

    result = extract_file(path, max_bytes=MAX)
    lines = result.text.split("\n")
    assert result.method == "docx"
    assert lines[:4] == [TITLE, "STT | Nội dung | Thời hạn", "1 | Kiểm tra chi bộ | Quý IV", BODY]
    assert lines[4] == "Ban Thường vụ Đảng ủy Khối"  # converted through the run's font name
    assert "legacy_font_converted" in result.warnings


def test_docx_truncated_is_corrupt(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(BODY)
    full = tmp_path / "full.docx"
    document.save(str(full))
    assert code_of(write(tmp_path, "cut.docx", full.read_bytes()[:600])) == "corrupt"
    assert code_of(write(tmp_path, "junk.docx", b"PK\x03\x04" + bytes(range(256)) * 4)) == "corrupt"


def test_zip_that_is_not_docx_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert code_of(path) == "unsupported"


# --- PDF ---------------------------------------------------------------------------------------------


def _fpdf() -> object:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_font("Sans", fname=str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("Serif", fname=str(FONTS / "DejaVuSerif.ttf"))
    pdf.add_page()
    return pdf


def test_pdf_two_fonts_mixed_within_lines(tmp_path: Path) -> None:
    pdf = _fpdf()
    for paragraph in (TITLE, BODY, CLOSING):
        for i, word in enumerate(paragraph.split(" ")):
            pdf.set_font("Serif" if i % 2 else "Sans", size=12)  # type: ignore[attr-defined]
            pdf.write(7, word + " ")  # type: ignore[attr-defined]
        pdf.ln(10)  # type: ignore[attr-defined]
    path = tmp_path / "mixed.pdf"
    pdf.output(str(path))  # type: ignore[attr-defined]

    result = extract_file(path, max_bytes=MAX)
    assert result.method in ("pdftotext", "pdf-text")
    assert result.pages == 1
    assert "ocr" not in result.warnings
    assert squash(result.text) == squash(TITLE + BODY + CLOSING)
    assert "Đảng ủy Khối" in result.text  # diacritics intact, not only the folded form


def test_pdf_encrypted(tmp_path: Path) -> None:
    pdf = _fpdf()
    pdf.set_font("Sans", size=12)  # type: ignore[attr-defined]
    pdf.write(7, BODY)  # type: ignore[attr-defined]
    pdf.set_encryption(owner_password="chu-so-huu", user_password="mat-khau")  # type: ignore[attr-defined]
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))  # type: ignore[attr-defined]
    assert code_of(path) == "encrypted"


def test_pdf_corrupt(tmp_path: Path) -> None:
    junk = b"%PDF-1.7\n" + bytes((i * 37 + 11) % 256 for i in range(4000))
    assert code_of(write(tmp_path, "bad.pdf", junk)) == "corrupt"
    assert code_of(write(tmp_path, "fake.pdf", b"not a pdf at all\x00\x01\x02")) == "corrupt"


def test_pdf_chooser_prefers_complete_clean_text() -> None:
    from documents.extract.pdf import choose

    cid = "Ngh(cid:12) quy(cid:34)t c(cid:5)a (cid:7)(cid:8)ng (cid:9)y Kh(cid:3)i"
    assert choose(cid, TITLE) == (TITLE, "pdftotext")
    assert choose(TITLE, "Ngh quy t c a ng y Kh i") == (TITLE, "pdf-text")  # dropped letters lose
    assert choose(TITLE, TITLE)[1] == "pdftotext"  # tie
    assert choose(TITLE, None) == (TITLE, "pdf-text")


# --- OCR ---------------------------------------------------------------------------------------------

OCR_LINES = ("Nghị quyết của Đảng ủy Khối", "tăng cường kiểm tra giám sát")
OCR_WORDS = ("nghi", "quyet", "dang", "khoi", "tang", "cuong", "kiem", "tra", "giam", "sat")


def _scan(path: Path, fmt: str) -> Path:
    image_mod = pytest.importorskip("PIL.Image")
    draw_mod = pytest.importorskip("PIL.ImageDraw")
    font_mod = pytest.importorskip("PIL.ImageFont")
    font = font_mod.truetype(str(FONTS / "DejaVuSans.ttf"), 44)
    image = image_mod.new("L", (1100, 190), 255)
    draw = draw_mod.Draw(image)
    for i, line in enumerate(OCR_LINES):
        draw.text((30, 25 + i * 75), line, font=font, fill=0)
    image.save(path, fmt, resolution=300.0)
    return path


def _assert_ocr(text: str) -> None:
    found = [word for word in OCR_WORDS if word in fold(text).split()]
    assert len(found) >= len(OCR_WORDS) - 2, (found, text)


@needs_tesseract
def test_ocr_png(tmp_path: Path) -> None:
    result = extract_file(_scan(tmp_path / "scan.png", "PNG"), max_bytes=MAX, ocr_languages="vie")
    assert result.method == "ocr"
    assert "ocr" in result.warnings
    _assert_ocr(result.text)


@needs_tesseract
def test_ocr_image_only_pdf(tmp_path: Path) -> None:
    result = extract_file(_scan(tmp_path / "scan.pdf", "PDF"), max_bytes=MAX)  # default vie+chi_sim
    assert result.method == "ocr"
    assert result.pages == 1
    assert "ocr" in result.warnings
    _assert_ocr(result.text)


# --- legacy Word .doc --------------------------------------------------------------------------------


def _ole(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors, every stream ≥ 4096 bytes so no mini stream)."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    body, fat, starts = b"", [fat_sector], []
    for data in streams.values():
        data += b"\0" * (-len(data) % 512)
        first, count = len(fat), len(data) // 512
        starts.append(first)
        fat += [first + i + 1 for i in range(count - 1)] + [end]
        body += data
    directory_sector = len(fat)
    fat.append(end)
    entries = [("Root Entry", 5, 1, free, end, 0)]
    names = list(streams)
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries.append((name, 2, free, right, starts[i], len(streams[name])))
    directory = b""
    for name, kind, child, right, start, size in entries:
        raw = name.encode("utf-16-le") + b"\0\0"
        directory += (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(raw), kind, 1, free, right, child)
            + bytes(36)
            + struct.pack("<III", start, size, 0)
        )
    directory = directory.ljust(512, b"\0")
    assert len(fat) <= 128
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, directory_sector, 0, 4096, end, 0, end, 0)
        + struct.pack("<I", 0)
        + b"\xff" * (108 * 4)
    )
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    return header + fat_bytes + body + directory


def word97(paragraphs: list[str], *, encrypted: bool = False) -> bytes:
    """Word 97 binary: FIB + UTF-16 text in WordDocument, a one-piece table (Clx) in 1Table."""
    text = "\r".join(paragraphs) + "\r"
    fc_text = 0x800
    fib = bytearray(fc_text)
    struct.pack_into("<HH", fib, 0, 0xA5EC, 0x00C1)  # wIdent, nFib (Word 97)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | (0x0100 if encrypted else 0))  # fWhichTblStm, fEncrypted
    struct.pack_into("<II", fib, 0x18, fc_text, fc_text + 2 * len(text))  # fcMin, fcMac
    struct.pack_into("<H", fib, 0x20, 14)  # csw
    struct.pack_into("<H", fib, 0x3E, 22)  # cslw
    struct.pack_into("<I", fib, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", fib, 0x98, 0x5D)  # cbRgFcLcb
    plc = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, fc_text, 0)  # CPs + one PCD (Unicode)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    # An empty style sheet (STSH: cbStshi, then an STSHI declaring no styles): without one antiword reads past
    # a one-byte buffer and crashes now and then.
    stsh = struct.pack("<H", 18) + struct.pack("<HHHHHH", 0, 10, 0, 0, 0, 0) + b"\0" * 6
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))  # fcClx, lcbClx
    struct.pack_into("<II", fib, 0xA2, len(clx), len(stsh))  # fcStshf, lcbStshf
    word = bytes(fib) + text.encode("utf-16-le")
    return _ole({"WordDocument": word.ljust(4096, b"\0"), "1Table": (clx + stsh).ljust(4096, b"\0")})


@needs_antiword
def test_doc_word97(tmp_path: Path) -> None:
    result = extract_file(write(tmp_path, "nq.doc", word97([TITLE, BODY, CHINESE])), max_bytes=MAX)
    assert result.method == "antiword"
    lines = [line for line in result.text.split("\n") if line]
    assert lines == [TITLE, BODY, CHINESE]


@needs_antiword
def test_doc_encrypted(tmp_path: Path) -> None:
    assert code_of(write(tmp_path, "locked.doc", word97([BODY], encrypted=True))) == "encrypted"


def test_encrypted_docx_container(tmp_path: Path) -> None:
    data = _ole({"EncryptionInfo": b"\x04\x00" * 2048, "EncryptedPackage": b"\x00" * 4096})
    assert code_of(write(tmp_path, "locked.docx", data)) == "encrypted"


# --- HTML --------------------------------------------------------------------------------------------


def test_html_main_text_only(tmp_path: Path) -> None:
    html = f"""<!DOCTYPE html><html><head><title>Trang tin</title>
<style>body {{ color: red }}</style><script>var tracking = "Quảng cáo";</script></head>
<body><header><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a></header>
<nav><ul><li>Giới thiệu</li><li>Liên hệ</li></ul></nav>
<article><h1>{TITLE}</h1>
<p>{BODY.replace("và", "&amp;", 1).replace("&amp;", "và", 1)}</p>
<p>Đảng viên &amp; quần chúng&nbsp;cùng thực hiện.<br>{CLOSING}</p></article>
<aside>Bài viết liên quan</aside><footer>Bản quyền © 2025 Cổng thông tin</footer>
<form><input name="q"><button>Tìm kiếm</button></form></body></html>"""
    result = extract_file(write(tmp_path, "tin.html", html.encode()), max_bytes=MAX)
    assert result.method == "html"
    assert result.text.split("\n") == [TITLE, BODY, "Đảng viên & quần chúng cùng thực hiện.", CLOSING]


def test_html_without_article_uses_densest_block(tmp_path: Path) -> None:
    html = f"""<html><body><div class="menu"><p>Trang chủ</p><p>Liên hệ</p></div>
<div class="content"><p>{TITLE}</p><p>{BODY}</p></div></body></html>"""
    result = extract_file(write(tmp_path, "x.htm", html.encode()), max_bytes=MAX)
    assert result.text.split("\n") == [TITLE, BODY]


# --- refusals ----------------------------------------------------------------------------------------


def test_empty_and_blank(tmp_path: Path) -> None:
    assert code_of(write(tmp_path, "empty.txt", b"")) == "empty"
    assert code_of(write(tmp_path, "blank.txt", b" \n\t\n")) == "empty"
    assert code_of(write(tmp_path, "empty.pdf", b"")) == "empty"


def test_too_large_is_checked_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", BODY.encode() * 10)
    assert code_of(path, max_bytes=100) == "too_large"


def test_unsupported(tmp_path: Path) -> None:
    assert code_of(write(tmp_path, "x.bin", bytes(range(256)) * 8)) == "unsupported"
    assert code_of(write(tmp_path, "x.rtf", b"{\\rtf1\\ansi Xin chao}")) == "unsupported"
    assert ".pdf" in SUPPORTED_SUFFIXES and ".doc" in SUPPORTED_SUFFIXES


def test_missing_tool_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from documents.extract import tools

    monkeypatch.setattr(tools, "available", lambda tool: False)
    assert code_of(write(tmp_path, "nq.doc", word97([BODY]))) == "tool_missing"


# --- quality score -----------------------------------------------------------------------------------


def test_quality_score_penalises_garbage() -> None:
    good = measure(BODY).score
    assert good > 0.95
    assert measure("Ngh(cid:12) quy(cid:34)t s(cid:5) 99 (cid:7)(cid:8)(cid:9)").score < 0.5
    assert measure("\ufffd\ufffd\ufffd ab \ue012\ue013").score < 0.5
    assert measure("Nghi\u0323 quy\u0302e\u0301t").score > 0.95  # NFD input is fine after NFC
    assert measure("Ngh \u0323i quy \u0301et").score < good  # tone marks that lost their vowel


# --- legacy fonts ------------------------------------------------------------------------------------


def _real_sentences(limit: int = 60) -> list[str]:
    sentences: list[str] = []
    for path in party_files():
        for line in path.read_text(encoding="utf-8").split("\n"):
            words = line.split()
            if 8 <= len(words) <= 60 and not any(ch in legacy_fonts.TCVN3_TO_UNICODE for ch in line):
                sentences.append(line.strip())
                break
        if len(sentences) >= limit:
            break
    return sentences


def test_legacy_tables_are_complete() -> None:
    letters = {
        unicodedata.normalize("NFC", base + tone)
        for base in "aăâeêioôơuưy"
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    } - set("aeiouy") | {"đ"}
    assert len(letters) == 67
    for table in (legacy_fonts.UNICODE_TO_VNI, legacy_fonts.UNICODE_TO_TCVN3):
        assert all(letter in table and letter.upper() in table for letter in letters)
    assert legacy_fonts.decode("§¶ng", "tcvn3") == "Đảng"
    assert legacy_fonts.decode("Ñaûng", "vni") == "Đảng"
    assert legacy_fonts.decode("®¶ng", "tcvn3", upper=True) == "ĐẢNG"


def test_legacy_round_trip_on_real_sentences() -> None:
    sentences = _real_sentences()
    assert len(sentences) >= 5
    text = "\n".join(sentences)
    for encoding in ("tcvn3", "vni"):
        converted, found = legacy_fonts.convert(legacy_fonts.encode(text, encoding))
        assert found == encoding
        if encoding == "tcvn3":  # no toned capitals in TCVN3
            assert converted.lower() == text.lower()
        else:
            assert converted == text


def test_legacy_leaves_unicode_corpus_untouched() -> None:
    paths = party_files() + legal_files()
    assert paths
    converted = [p.name for p in paths if legacy_fonts.detect(p.read_text(encoding="utf-8")) is not None]
    assert converted == []


def test_legacy_leaves_other_languages_untouched() -> None:
    samples = [
        "Straße, Größe, schön, über, Mädchen — für die Prüfung µm § 5 ¶ 3",
        "Café crème, déjà vu, naïve, français, garçon, où est la bibliothèque? " * 5,
        "Số hiệu § 12; nhiệt độ 25 °C; 5 µm; ½ số lượng; © 2025",
        CHINESE,
    ]
    for sample in samples:
        assert legacy_fonts.convert(sample) == (sample, None)
