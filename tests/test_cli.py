"""The ``nqbot`` command line as an admin uses it: batch ingest with bad files, ask, docs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fpdf import FPDF

from bot.cli import main
from tests.test_store import NOTICE_V1


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, e5_model_dir: Path, tmp_path: Path) -> Path:
    monkeypatch.setenv("NQBOT_MODELS_DIR", str(e5_model_dir.parent))
    monkeypatch.setenv("NQBOT_MAX_FILE_MB", "1")
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    return tmp_path / "data"


def _encrypted_pdf(path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="chu", user_password="mat-khau")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="secret")
    pdf.output(str(path))


def test_batch_ingest_indexes_good_files_and_explains_bad_ones(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "tb920.txt").write_text(NOTICE_V1, encoding="utf-8")
    (batch / "hong.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (batch / "rong.txt").write_bytes(b"")
    _encrypted_pdf(batch / "mat-khau.pdf")
    (batch / "qua-lon.txt").write_text("Đảng ủy " * 200_000, encoding="utf-8")

    code = main(["--data-dir", str(cli_env), "ingest", "--quiet", str(batch)])
    out = capsys.readouterr().out
    assert code == 1
    assert "✓ tb920.txt" in out and "920-TB/TU" in out
    assert "hong.pdf" in out and "hỏng" in out
    assert "rong.txt" in out and "không có nội dung" in out
    assert "mat-khau.pdf" in out and "mật khẩu" in out
    assert "qua-lon.txt" in out and "quá lớn (tối đa 1 MB)" in out  # NQBOT_MAX_FILE_MB, not a fixed 20
    assert "1 tệp đã nạp" in out and "4 lỗi" in out

    assert main(["--data-dir", str(cli_env), "docs", "list"]) == 0
    listing = capsys.readouterr().out
    assert "920-TB/TU" in listing and listing.count("\n") == 1


def test_ask_json_and_question_file(
    cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "tb920.txt"
    doc.write_text(NOTICE_V1, encoding="utf-8")
    assert main(["--data-dir", str(cli_env), "ingest", "--quiet", str(doc)]) == 0
    capsys.readouterr()

    assert (
        main(["--data-dir", str(cli_env), "ask", "--json", "Mỗi chi bộ cử ai phụ trách chuyển đổi số?"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["found"] is True
    citation = result["citations"][0]
    assert set(citation) == {"doc_number", "title", "date", "locator", "quote", "score", "source"}
    assert citation["doc_number"] == "920-TB/TU" and citation["date"] == "2025-03-05"
    assert citation["quote"] in NOTICE_V1
    assert "II" in citation["locator"]

    questions = tmp_path / "q.txt"
    questions.write_text(
        "Mỗi chi bộ cử ai phụ trách chuyển đổi số?\nGiá vàng hôm nay bao nhiêu?\n", encoding="utf-8"
    )
    assert main(["--data-dir", str(cli_env), "ask", "--json", "--questions", str(questions)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["question"] for line in lines] == questions.read_text(encoding="utf-8").split("\n")[:2]
    assert [line["found"] for line in lines] == [True, False]


def test_docs_show_history_remove(cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "tb920.txt"
    doc.write_text(NOTICE_V1, encoding="utf-8")
    main(["--data-dir", str(cli_env), "ingest", "--quiet", str(doc)])
    doc.write_text(NOTICE_V1.replace("80%", "90%"), encoding="utf-8")
    main(["--data-dir", str(cli_env), "ingest", "--quiet", str(doc)])
    capsys.readouterr()
    assert main(["--data-dir", str(cli_env), "docs", "show", "TB 920"]) == 0
    shown = capsys.readouterr().out
    assert "920-TB/TU" in shown and "Mục II" in shown
    assert main(["--data-dir", str(cli_env), "docs", "history", "920-TB/TU"]) == 0
    history = capsys.readouterr().out.splitlines()
    assert len(history) == 2 and "đang dùng" in history[0] and "đã thay thế" in history[1]
    assert main(["--data-dir", str(cli_env), "docs", "remove", "920-TB/TU"]) == 0
    assert main(["--data-dir", str(cli_env), "ask", "Mỗi chi bộ cử ai phụ trách chuyển đổi số?"]) == 0
    assert "Không tìm thấy" in capsys.readouterr().out
