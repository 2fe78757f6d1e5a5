"""Hostile and careless files against the extraction: time, peak RSS and outcome of each.

Generates into ``--out`` (once; kept for later runs): a DOCX whose word/document.xml inflates to 1.1 GB of
text (~1.1 MB on disk), a ~100 KB variant inflating to ~100 MB, a DOCX that stays within the ZIP limits but floods
text, a PDF declaring 1,000,000 pages (object streams, ~2 MB), a 2.5-gigapixel PNG (~300 KB), 200 KB of random
bytes named .txt — and, as controls that must pass, a 60-page resolution as DOCX and PDF and an A4 scan at
300 dpi. Each file is parsed like an upload (``index.prepare.prepare_file``: extraction, identity, passages)
in a fresh subprocess, so the peak RSS is its own (tools it runs, such as pdftotext and tesseract, included).

    .venv/bin/python scripts/hostile_files.py [--out /tmp/nqbot-hostile] [--only bomb-1.1GB.docx ...]
    .venv/bin/python scripts/hostile_files.py --code /tmp/nqbot-old --timeout 90 --memory-mb 4096  # old code
    .venv/bin/python scripts/hostile_files.py --corpus ../shared/corpus/party ../shared/corpus/legal ../shared/seed

``--code`` runs another checkout's code (e.g. ``git archive 854a12c | tar -x -C /tmp/nqbot-old``) on the same
files; ``--timeout`` and ``--memory-mb`` (address-space cap) keep a run of unprotected code from taking the
machine down. ``--corpus`` instead reads every ``*.txt`` under the given folders as UTF-8, UTF-16 (with and
without BOM) and Windows-1258 (where it can encode the text), and reports any that is refused or read
differently from its UTF-8 original.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "documents" / "samples"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
MB = 1024 * 1024
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


# --- generators ----------------------------------------------------------------------------------------


def _sample_text(chars: int) -> str:
    """Real resolution text (the bundled samples), repeated up to ``chars`` characters."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt")))
    return (text * (chars // len(text) + 1))[:chars]


def _docx_parts() -> dict[str, bytes]:
    import io

    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as source:
        return {name: source.read(name) for name in source.namelist()}


SENTENCES = ("<w:p><w:r><w:t>Đảng ủy Khối yêu cầu quán triệt sâu sắc nghị quyết.</w:t></w:r></w:p>" * 64).encode()
# 8 MB runs of one 4-byte syllable (under lxml's 10 MB text-node limit): deflate reaches ~1000:1 on them
RUNS = b"<w:p><w:r><w:t>" + "ơi ".encode() * (2 * MB) + b"</w:t></w:r></w:p>"


def _streamed_docx(path: Path, xml_bytes: int, paragraph: bytes = RUNS) -> None:
    """A valid DOCX whose word/document.xml is ``xml_bytes`` of repeated ``paragraph``, deflated as written."""
    head = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode()
    tail = b"</w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in _docx_parts().items():
            if name != "word/document.xml":
                target.writestr(name, data)
        with target.open("word/document.xml", "w", force_zip64=xml_bytes > 2**31 - 1) as member:
            member.write(head)
            block = paragraph * max(1, MB // len(paragraph))
            written = len(head) + len(tail)
            while written + len(block) <= xml_bytes:
                member.write(block)
                written += len(block)
            member.write(tail)


def bomb_docx(path: Path) -> None:
    _streamed_docx(path, 1100 * 1000 * 1000)


def bomb_100k_docx(path: Path) -> None:
    _streamed_docx(path, 100 * 1000 * 1000)


def flood_docx(path: Path) -> None:
    _streamed_docx(path, 24 * MB, SENTENCES)  # under NQBOT_MAX_UNPACKED_MEMBER_MB: only the text cap stops it


def resolution_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in _sample_text(150_000).split("\n"):
        document.add_paragraph(line)
    document.save(str(path))


def resolution_pdf(path: Path) -> None:
    import fpdf

    pdf = fpdf.FPDF(format="A4")
    pdf.add_font("Serif", fname=str(FONT))
    pdf.set_font("Serif", size=11)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for line in _sample_text(400_000).split("\n"):
        pdf.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
        if pdf.page_no() >= 60:
            break
    pdf.output(str(path))


def million_pages_pdf(path: Path, count: int = 1_000_000, fanout: int = 100) -> None:
    """A valid PDF 1.5 of ``count`` empty pages in a balanced page tree, every object in compressed object
    streams, with a compressed cross-reference stream."""
    objects: list[tuple[int, bytes]] = [(1, b"<</Type/Catalog/Pages 2 0 R>>")]
    next_id = 3
    level = []
    for _ in range(count):
        level.append(next_id)
        next_id += 1
    page_ids = list(level)
    # parents for each level, bottom-up; the root is object 2
    parents: dict[int, int] = {}
    nodes: list[tuple[int, list[int], int]] = []  # (id, kids, pages below)
    below = dict.fromkeys(page_ids, 1)
    while len(level) > fanout:
        upper = []
        for start in range(0, len(level), fanout):
            kids = level[start : start + fanout]
            node = next_id
            next_id += 1
            for kid in kids:
                parents[kid] = node
            below[node] = sum(below[kid] for kid in kids)
            nodes.append((node, kids, below[node]))
            upper.append(node)
        level = upper
    for kid in level:
        parents[kid] = 2
    nodes.append((2, level, sum(below[kid] for kid in level)))
    for node, kids, total in nodes:
        refs = b" ".join(b"%d 0 R" % kid for kid in kids)
        parent = b"/Parent %d 0 R" % parents[node] if node != 2 else b""
        objects.append((node, b"<</Type/Pages%s/Count %d/Kids[%s]>>" % (parent, total, refs)))
    for page in page_ids:
        objects.append((page, b"<</Type/Page/Parent %d 0 R/MediaBox[0 0 595 842]>>" % parents[page]))
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
    for start in range(0, len(objects), 10_000):
        chunk = objects[start : start + 10_000]
        header, body = bytearray(), bytearray()
        for number, data in chunk:
            header += b"%d %d " % (number, len(body))
            body += data + b"\n"
        stream_id = next_id
        next_id += 1
        for index, (number, _) in enumerate(chunk):
            entries[number] = (2, stream_id, index)
        entries[stream_id] = (1, len(out), 0)
        packed = zlib.compress(bytes(header + body), 9)
        out += b"%d 0 obj\n<</Type/ObjStm/N %d/First %d/Length %d/Filter/FlateDecode>>\nstream\n" % (
            stream_id, len(chunk), len(header), len(packed))  # fmt: skip
        out += packed + b"\nendstream\nendobj\n"
    xref_id = next_id
    entries[xref_id] = (1, len(out), 0)
    rows = b"".join(struct.pack(">BIH", *entries.get(i, (0, 0, 0))) for i in range(xref_id + 1))
    packed = zlib.compress(rows, 9)
    offset = len(out)
    out += b"%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Root 1 0 R/Length %d/Filter/FlateDecode>>\nstream\n" % (
        xref_id, xref_id + 1, len(packed))  # fmt: skip
    out += packed + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % offset
    path.write_bytes(bytes(out))


def huge_png(path: Path, side: int = 50_000) -> None:
    """A white 1-bit PNG of ``side`` x ``side`` pixels, written row by row (never held in memory)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = bytearray()
    for _ in range(side):
        idat += packer.compress(row)
    idat += packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b""))


def a4_scan(path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 50)  # ~12 pt at 300 dpi
    image = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(image)
    words, line, y = _sample_text(6000).split(), "", 200
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > 2080:
            draw.text((200, y), line, font=font, fill=0)
            line, y = word, y + 70
            if y > 3300:
                break
        else:
            line = candidate
    image.save(path, dpi=(300, 300))


def garbage_txt(path: Path) -> None:
    path.write_bytes(random.Random(20250601).randbytes(200_000))


FILES: dict[str, Callable[[Path], None]] = {
    "bomb-1.1GB.docx": bomb_docx,
    "bomb-100KB.docx": bomb_100k_docx,
    "flood-within-zip-limits.docx": flood_docx,
    "pages-1M.pdf": million_pages_pdf,
    "pixels-2.5G.png": huge_png,
    "garbage.txt": garbage_txt,
    "control-resolution-60p.docx": resolution_docx,
    "control-resolution-60p.pdf": resolution_pdf,
    "control-scan-a4-300dpi.png": a4_scan,
}


# --- one file in a subprocess --------------------------------------------------------------------------


def child(path: Path) -> None:
    """Parse ``path`` like an upload and print the outcome as one JSON line."""
    from documents.model import ExtractionError
    from index.prepare import prepare_file

    try:
        parsed = prepare_file(path, max_bytes=20 * MB, ocr_languages="vie+chi_sim")
    except ExtractionError as error:
        print(json.dumps({"outcome": f"refused {error.code}: {error.detail}"}))
        return
    text = parsed.extracted
    outcome = f"ok ({text.method}): {len(text.text):,} chars, {len(parsed.chunks):,} passages"
    print(json.dumps({"outcome": outcome + (f", pages {text.pages}" if text.pages else "")}))


def _limit_memory(megabytes: int | None) -> Callable[[], None]:
    def apply() -> None:
        if megabytes:
            resource.setrlimit(resource.RLIMIT_AS, (megabytes * MB, megabytes * MB))

    return apply


def measure(path: Path, code: Path, timeout: float, memory_mb: int | None) -> tuple[float, float, str]:
    """(seconds, peak RSS in MiB, outcome) of ``child(path)`` run with ``code`` on the import path. The peak
    comes from wait4: the child's own, or that of a tool it ran and waited for, whichever is larger."""
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_THREAD_LIMIT": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            [sys.executable, str(Path(__file__).resolve()), "--child", str(path)],
            cwd=str(code), env=env, stdout=out, stderr=err, start_new_session=True,
            preexec_fn=_limit_memory(memory_mb),
        )  # fmt: skip
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if not killed and time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                killed = True
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        lines = out.read().decode("utf-8", "replace").strip().splitlines()
        errors = err.read().decode("utf-8", "replace").strip().splitlines()
    if killed:
        outcome = f"KILLED after {timeout:.0f} s (still running)"
    elif lines:
        outcome = json.loads(lines[-1])["outcome"]
    else:
        outcome = f"CRASHED (exit {proc.returncode}): {(errors[-1:] or [''])[0][:160]}"
    return seconds, usage.ru_maxrss / 1024, outcome


# --- corpus check ----------------------------------------------------------------------------------------

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes | None:
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    try:
        return "".join(out).encode("cp1258")
    except UnicodeEncodeError:
        return None  # Chinese, or characters Windows-1258 lacks


def corpus(folders: list[Path]) -> int:
    from documents.extract import extract_file
    from documents.model import ExtractionError
    from documents.text import nfc

    files = sorted(path for folder in folders for path in folder.rglob("*.txt"))
    counts = {"utf-8": 0, "utf-16 (BOM)": 0, "utf-16-le (no BOM)": 0, "cp1258": 0}
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="nqbot-corpus-") as tmp:
        for path in files:
            text = path.read_text(encoding="utf-8")
            expected = nfc(text)  # what extraction makes of any text (NFC, spaces, line ends)
            variants = {
                "utf-8": path.read_bytes(),
                "utf-16 (BOM)": text.encode("utf-16"),
                "utf-16-le (no BOM)": text.encode("utf-16-le"),
                "cp1258": _cp1258(text),
            }
            for name, data in variants.items():
                if data is None:
                    continue
                copy = Path(tmp, "doc.txt")
                copy.write_bytes(data)
                try:
                    result = extract_file(copy, max_bytes=20 * MB)
                except ExtractionError as error:
                    failures.append(f"{path.name} [{name}]: refused {error.code}: {error.detail}")
                    continue
                if result.text != expected:
                    failures.append(f"{path.name} [{name}]: read differently")
                    continue
                counts[name] += 1
    print(f"{len(files)} files under {', '.join(str(f) for f in folders)}")
    for name, count in counts.items():
        print(f"  {name:20} {count} read back exactly")
    print(f"  refused or changed: {len(failures)}")
    for failure in failures:
        print("   ", failure)
    return 1 if failures else 0


# --- main ----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nqbot-hostile")
    parser.add_argument("--only", nargs="*", choices=sorted(FILES), help="just these files")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose code parses the files")
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed")
    parser.add_argument("--memory-mb", type=int, default=None, help="address-space cap of each run")
    parser.add_argument("--corpus", nargs="+", type=Path, help="check real texts instead (see above)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, os.getcwd())
        child(args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    if args.corpus:
        return corpus(args.corpus)
    args.out.mkdir(parents=True, exist_ok=True)
    names = args.only or list(FILES)
    for name in names:
        path = args.out / name
        if not path.exists():
            started = time.perf_counter()
            FILES[name](path)
            print(f"generated {name} ({path.stat().st_size:,} bytes) in {time.perf_counter() - started:.1f} s")
    print(f"\ncode: {args.code}")
    print(f"{'file':30} {'on disk':>11} {'seconds':>8} {'peak RSS':>9}  outcome")
    for name in names:
        path = args.out / name
        seconds, peak, outcome = measure(path, args.code.resolve(), args.timeout, args.memory_mb)
        size = path.stat().st_size
        print(f"{name:30} {size:>11,} {seconds:>8.1f} {peak:>6.0f} MiB  {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
