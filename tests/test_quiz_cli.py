"""``nqbot quiz …`` as automated checks and admins use it: generate (JSON lines), check, import, list, show,
disable/enable, export-results."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from bot.cli import main
from tests.corpus import SAMPLES, read
from tests.test_cli import cli_env  # noqa: F401
from tests.test_quiz import BANK


def test_quiz_commands(cli_env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    data = ["--data-dir", str(cli_env)]
    assert main([*data, "ingest", "--quiet", str(SAMPLES / "57-NQ-TW.txt")]) == 0
    text = read(SAMPLES / "57-NQ-TW.txt")
    capsys.readouterr()

    assert main([*data, "quiz", "generate", "57-NQ/TW", "--json", "--n", "6"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 6
    for item in lines:
        assert isinstance(item["question"], str) and isinstance(item["options"], list)
        assert isinstance(item["correct"], int) and 0 <= item["correct"] < len(item["options"])
        assert item["doc_number"] == "57-NQ/TW" and item["locator"] and len(item["explanation"]) <= 200
        assert item["quote"] in text and item["answer"] in item["quote"]
        assert item["options"][item["correct"]] in item["quote"]

    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in [
        {"question": "Theo Nghị quyết 57-NQ/TW, đến năm 2030 quy mô kinh tế số đạt tối thiểu bao nhiêu % GDP?",
         "options": ["20%", "25%", "30%", "35%"], "answer": 2},
        {"question": "Thủ đô của nước Pháp là thành phố nào?", "options": ["Paris", "Lyon", "Nice", "Lille"]},
    ]), encoding="utf-8")
    assert main([*data, "quiz", "check", str(questions), "--json"]) == 0
    checked = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [c["choice"] for c in checked] == [2, None]
    assert checked[0]["citations"][0]["doc_number"] == "57-NQ/TW" and "30% GDP" in checked[0]["citations"][0]["quote"]
    assert checked[0]["citations"][0]["quote"] in text and checked[1]["citations"] == []

    assert main([*data, "quiz", "import", str(BANK)]) == 0
    report = capsys.readouterr().out
    assert "đọc được 6 câu, 2 câu có căn cứ" in report
    assert re.search(r"Không tìm thấy căn cứ trong văn bản \(đã tắt, chờ xem lại\): Câu 3, Câu 4, Câu 5, Câu 6",
                     report)
    assert "Câu 7: không có đáp án" in report

    assert main([*data, "quiz", "list", "--unsupported"]) == 0
    listing = capsys.readouterr().out
    assert listing.count("off unsupported") == 4 and "4/4 câu hỏi." in listing
    first = int(re.search(r"#(\d+)", listing).group(1))  # type: ignore[union-attr]
    assert main([*data, "quiz", "show", str(first)]) == 0
    assert "Không tìm thấy căn cứ trong văn bản." in capsys.readouterr().out
    assert main([*data, "quiz", "list", "57-NQ/TW", "--limit", "1000"]) == 0
    generated = re.findall(r"#(\d+)\s+on ", capsys.readouterr().out)
    assert len(generated) >= 20
    assert main([*data, "quiz", "disable", generated[0]]) == 0
    assert "Đã tắt 1 câu hỏi." in capsys.readouterr().out
    assert main([*data, "quiz", "enable", str(first)]) == 1  # no passage backs it: stays disabled
    assert main([*data, "audit"]) == 0
    audit = capsys.readouterr().out
    assert "nhập ngân hàng câu hỏi" in audit and "tắt câu hỏi" in audit

    out = tmp_path / "results.csv"
    assert main([*data, "quiz", "export-results", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0][:3] == ["answered_at", "run", "kind"] and len(rows) == 1
    assert main([*data, "quiz", "export-results", "--contest", "1", str(tmp_path / "contest.xlsx")]) == 0
    assert (tmp_path / "contest.xlsx").read_bytes()[:2] == b"PK"
