"""Hostile and careless input: missing paths, decompression bombs, absurd page and pixel counts, binary garbage.

Every hostile file is generated here, small on disk; the limits are lowered where a realistic bomb would be big.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import zipfile
from pathlib import Path

import pytest

from documents.extract import archive, extract_file
from documents.extract.limits import MB, Limits
from documents.model import ExtractionError

MAX = 20_000_000
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
BODY = "Đảng ủy Khối yêu cầu các tổ chức cơ sở đảng quán triệt sâu sắc nghị quyết và báo cáo kết quả."


def code_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(ExtractionError) as info:
        extract_file(path, max_bytes=MAX, **kwargs)  # type: ignore[arg-type]
    return info.value.code


# --- paths -------------------------------------------------------------------------------------------


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    assert code_of(tmp_path / "khong-co.pdf") == "not_found"
    assert code_of(tmp_path / "no-dir" / "x.txt") == "not_found"


def test_directory_is_not_found(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert code_of(folder) == "not_found"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Nghị quyết", encoding="utf-8")
    path.chmod(0)
    try:
        assert code_of(path) == "not_found"
    finally:
        path.chmod(0o600)


def test_unopenable_file_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Nghị quyết", encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert code_of(path) == "not_found"


def _docx_template() -> dict[str, bytes]:
    """The members of an ordinary python-docx document."""
    docx = pytest.importorskip("docx")
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph(BODY)
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {name: source.read(name) for name in source.namelist()}


def _paragraphs(count: int) -> bytes:
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = f"<w:p><w:r><w:t>{BODY}</w:t></w:r></w:p>".encode()
    return f"<w:document {ns}><w:body>".encode() + paragraph * count + b"</w:body></w:document>"


def bomb_docx(path: Path, document_xml: bytes, extra: dict[str, bytes] | None = None) -> Path:
    """A valid DOCX whose word/document.xml is ``document_xml`` (highly compressible: small on disk)."""
    members = {**_docx_template(), "word/document.xml": document_xml, **(extra or {})}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in members.items():
            target.writestr(name, data)
    return path


def test_docx_member_that_inflates_past_the_limit_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import docx

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx must not see a bomb")

    path = bomb_docx(tmp_path / "bomb.docx", _paragraphs(30_000))  # 4.6 MB of XML, ~20 KB on disk
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(docx, "Document", never)
    assert code_of(path, limits=Limits(member_bytes=2 * MB)) == "unpacked_too_large"


def test_docx_members_that_add_up_past_the_limit_are_refused(tmp_path: Path) -> None:
    media = {f"word/media/blank{i}.bin": bytes(600_000) for i in range(4)}  # 2.4 MB together, 10 KB on disk
    path = bomb_docx(tmp_path / "sum.docx", _paragraphs(10), media)
    assert code_of(path, limits=Limits(unpacked_bytes=2 * MB, member_bytes=MB)) == "unpacked_too_large"
    assert "Đảng ủy Khối" in extract_file(path, max_bytes=MAX, limits=Limits(unpacked_bytes=4 * MB)).text


def test_docx_that_lies_about_its_sizes_is_not_parsed(tmp_path: Path) -> None:
    path = bomb_docx(tmp_path / "liar.docx", _paragraphs(30_000))
    name = b"word/document.xml"
    with zipfile.ZipFile(path) as source:
        local = source.getinfo(name.decode()).header_offset
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, local + 22, 1000)  # both headers declare 1,000 bytes: within every limit
    struct.pack_into("<I", data, central + 24, 1000)
    path.write_bytes(bytes(data))
    assert code_of(path, limits=Limits(member_bytes=2 * MB)) == "corrupt"  # inflating stops at 1,000; CRC fails


def test_zip_with_too_many_members_is_refused_before_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_MEMBERS", 20)
    extra = {f"customXml/item{i}.xml": b"<x/>" for i in range(25)}
    path = bomb_docx(tmp_path / "many.docx", _paragraphs(3), extra)
    assert code_of(path) == "unpacked_too_large"
    monkeypatch.setattr(archive, "MAX_MEMBERS", 10_000)
    monkeypatch.setattr(archive, "MAX_DIRECTORY_BYTES", 1000)  # a directory bigger than its member count says
    assert code_of(path) == "unpacked_too_large"


def test_zip64_end_record_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "z64.zip"
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)  # makes zipfile write ZIP64 end records
    with zipfile.ZipFile(path, "w") as target:
        for i in range(5):
            target.writestr(f"m{i}.xml", b"<x/>")
    monkeypatch.undo()
    with path.open("rb") as handle:
        count, size = archive.directory_size(handle) or (0, 0)
    assert count == 5 and 5 * 46 < size < 1000


def test_safe_zip_reader_counts_what_it_inflates(tmp_path: Path) -> None:
    path = tmp_path / "bank.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        target.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 40_000 + b"</sst>")
    with archive.SafeZip(path, Limits(unpacked_bytes=MB, member_bytes=MB)) as reader:
        assert reader.names() == ["xl/sharedStrings.xml"]
        assert len(reader.read("xl/sharedStrings.xml")) == 680_011
        with pytest.raises(ExtractionError) as info:
            reader.read("xl/sharedStrings.xml")  # twice: more than 1 MB inflated in all
        assert info.value.code == "unpacked_too_large"
        with pytest.raises(ExtractionError) as missing:
            reader.read("xl/workbook.xml")
        assert missing.value.code == "corrupt"


def test_ordinary_docx_passes_the_default_limits(tmp_path: Path) -> None:
    path = bomb_docx(tmp_path / "long.docx", _paragraphs(3000))  # ~300,000 characters, a long resolution
    result = extract_file(path, max_bytes=MAX)
    assert result.method == "docx" and len(result.text) > 250_000


def test_limits_default_to_the_settings_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from config.settings import Settings

    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(f"NQBOT_{name.upper()}", raising=False)
    assert Limits.from_settings(Settings()) == Limits()
    monkeypatch.setenv("NQBOT_MAX_UNPACKED_MB", "7")
    assert Limits.from_settings(Settings()).unpacked_bytes == 7 * MB


# --- text length -------------------------------------------------------------------------------------


def test_text_longer_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text((BODY + "\n") * 40, encoding="utf-8")  # ~3,800 characters
    assert code_of(path, limits=Limits(text_chars=2000)) == "text_too_long"
    assert extract_file(path, max_bytes=MAX, limits=Limits(text_chars=5000)).text.startswith(BODY)


def test_docx_text_flood_within_the_zip_limits_is_refused(tmp_path: Path) -> None:
    path = bomb_docx(tmp_path / "flood.docx", _paragraphs(3000))  # 300,000 characters from ~10 KB
    assert code_of(path, limits=Limits(text_chars=100_000)) == "text_too_long"


def _pdf(path: Path, pages: list[str]) -> Path:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_font("Sans", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    for text in pages:
        pdf.add_page()
        pdf.set_font("Sans", size=4)
        pdf.multi_cell(0, 2, text)
    pdf.output(str(path))
    return path


def test_pdf_page_with_too_much_text_is_refused(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "dense.pdf", [BODY, " ".join([BODY] * 40)])  # page 2: ~3,900 characters
    assert code_of(path, limits=Limits(page_chars=2000)) == "page_too_long"
    assert code_of(path, limits=Limits(text_chars=3000)) == "text_too_long"
    assert extract_file(path, max_bytes=MAX).pages == 2


def test_tool_output_is_capped() -> None:
    import sys

    from documents.extract import tools

    script = "import sys; sys.stdout.write('a' * 300000); sys.stderr.write('loi'); sys.exit(3)"
    result = tools.run([sys.executable, "-c", script], timeout=60)
    assert (result.returncode, len(result.stdout), result.stderr) == (3, 300_000, "loi")
    with pytest.raises(ExtractionError) as info:
        tools.run([sys.executable, "-c", "while True: print('x' * 1000)"], timeout=60, max_output=100_000)
    assert info.value.code == "text_too_long"
    with pytest.raises(ExtractionError) as page:
        tools.run([sys.executable, "-c", script], timeout=60, max_output=1000, too_long="page_too_long")
    assert page.value.code == "page_too_long"


# --- pages and pixels --------------------------------------------------------------------------------


def many_pages_pdf(path: Path, count: int, declared: int | None = None) -> Path:
    """A valid PDF of ``count`` empty pages (~50 bytes each); its page tree says ``declared`` (default: count)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + i} 0 R" for i in range(count))
    objects.append(f"<< /Type /Pages /Count {declared or count} /Kids [{kids}] >>".encode())
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_pdf_with_too_many_pages_is_refused_before_pages_are_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pdfplumber

    path = many_pages_pdf(tmp_path / "pages.pdf", 600)
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(pdfplumber.PDF, "pages", property(lambda self: pytest.fail("pages built")))
    assert code_of(path) == "too_many_pages"  # default limit
    assert code_of(many_pages_pdf(tmp_path / "six.pdf", 6), limits=Limits(pages=5)) == "too_many_pages"
    liar = many_pages_pdf(tmp_path / "liar.pdf", 600, declared=1)  # the page tree understates its pages
    assert code_of(liar) == "too_many_pages"
    from documents.extract import pdf

    monkeypatch.setattr(pdf, "_declared_pages", lambda path: None)  # without poppler's pdfinfo: pdfminer counts
    assert code_of(path) == "too_many_pages"
    assert code_of(liar) == "too_many_pages"


def _png(path: Path, width: int, height: int) -> Path:
    from PIL import Image

    Image.new("1", (width, height), 1).save(path, "PNG")  # 1 bit per pixel, white: tiny once compressed
    return path


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import Image

    from documents.extract import tools

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored after the test

    def refuse(args: list[str], **kwargs: object) -> object:
        raise AssertionError(f"{args[0]} must not run on a refused image")

    monkeypatch.setattr(tools, "run", refuse)


@pytest.mark.usefixtures("no_tesseract")
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_image_with_too_many_pixels_is_refused_before_ocr(tmp_path: Path) -> None:
    huge = _png(tmp_path / "huge.png", 12_000, 10_000)  # 120 megapixels, ~20 KB on disk
    assert huge.stat().st_size < 100_000
    assert code_of(huge) == "image_too_large"  # default limit (80 megapixels)
    small = _png(tmp_path / "small.png", 1500, 1000)
    assert code_of(small, limits=Limits(image_pixels=1_000_000)) == "image_too_large"  # Pillow only warns here
    assert code_of(small, limits=Limits(image_pixels=500_000)) == "image_too_large"  # Pillow's own guard


@pytest.mark.usefixtures("no_tesseract")
def test_tiff_with_more_frames_than_the_ocr_limit_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    frames = [Image.new("L", (200, 100), 255) for _ in range(4)]
    path = tmp_path / "scan.tif"
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:])
    assert code_of(path, limits=Limits(ocr_pages=3)) == "too_many_ocr_pages"


@needs_tesseract
def test_scanned_pdf_with_more_pages_than_the_ocr_limit_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    pages = [Image.new("L", (850, 1100), 255) for _ in range(3)]
    for page in pages:
        page.paste(0, (100, 100, 700, 300))  # an image on every page, no text layer: every page needs OCR
    path = tmp_path / "scan.pdf"
    pages[0].save(path, "PDF", resolution=100.0, save_all=True, append_images=pages[1:])
    assert code_of(path, limits=Limits(ocr_pages=2)) == "too_many_ocr_pages"


def test_pdf_pages_too_large_to_render_get_a_lower_resolution() -> None:
    from documents.extract.ocr import DPI, render_dpi

    assert render_dpi(595, 842, 80_000_000) == DPI  # A4
    assert render_dpi(2384, 3370, 80_000_000) < DPI  # A0
    for width, height in ((2384, 3370), (14_400, 14_400), (200_000, 200_000)):
        dpi = render_dpi(width, height, 80_000_000)
        assert (width / 72 * dpi) * (height / 72 * dpi) <= 80_000_000


# --- binary garbage named .txt ---------------------------------------------------------------------------


def _random_bytes(size: int, seed: int = 7) -> bytes:
    import random

    return random.Random(seed).randbytes(size)


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_binary_garbage_named_txt_is_refused(tmp_path: Path, prefix: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(prefix + _random_bytes(20_000))
    assert code_of(path) == "not_text"
    small = tmp_path / "small.md"
    small.write_bytes(_random_bytes(200, seed=3))
    assert code_of(small) == "not_text"


def test_binary_garbage_named_html_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(_random_bytes(20_000))
    assert code_of(path) == "not_text"


def test_real_texts_in_every_encoding_still_pass(tmp_path: Path) -> None:
    import unicodedata

    from documents.extract.plain import decode
    from tests.corpus import legal_files, party_files

    tones = "\u0300\u0301\u0303\u0309\u0323"

    def cp1258(text: str) -> bytes:  # Windows-1258 stores base letters followed by a tone mark
        out = []
        for ch in text:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out.append(base + "".join(c for c in parts if c in tones))
        return "".join(out).encode("cp1258", "replace")

    paths = party_files() + legal_files()[:6]  # the whole shared corpus: scripts/hostile_files.py --corpus
    assert paths
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for data in (text.encode(), text.encode("utf-16"), text.encode("utf-16-le"), cp1258(text)):
            decoded, _ = decode(data)
            assert unicodedata.normalize("NFC", decoded) == unicodedata.normalize("NFC", text), path.name


def test_chinese_utf16_without_bom_and_dos_padding(tmp_path: Path) -> None:
    chinese = "越南共产党中央委员会关于加强党的建设的决议。各级党组织要认真学习贯彻，按时报告结果。" * 3
    path = tmp_path / "zh.txt"
    path.write_bytes(chinese.encode("utf-16-le"))  # too few NUL bytes for the UTF-16 pattern
    assert extract_file(path, max_bytes=MAX).text == chinese
    dos = tmp_path / "dos.txt"
    dos.write_bytes(BODY.encode("utf-8") + b"\r\n\x1a")
    assert extract_file(dos, max_bytes=MAX).text.startswith(BODY)  # accepted (the ^Z is kept as before)


def test_every_error_code_has_a_message_in_every_language() -> None:
    from bot.i18n import LANGUAGES, catalog

    for lang in LANGUAGES:
        missing = [code for code in ExtractionError.CODES if f"error.{code}" not in catalog(lang)]
        assert missing == [], (lang, missing)
