"""Question banks of 40+ questions written as committees circulate them — DOCX, TXT and XLSX — read back and
imported: are they parsed without loss, and which questions does no passage back?

    .venv/bin/python scripts/quiz_banks.py --data-dir DATA [--out /tmp/nqbot-banks] [--count 36]

The banks are made from the labelled contest questions (``scripts/questions/quiz_check.jsonl``), plus questions
on things the texts do not say (they must be reported "không tìm thấy căn cứ") and questions whose marked
answer is wrong (reported as disagreeing with the documents). Each format mixes the usual layouts: options one
per line or on one line, ``Đáp án: B`` lines, ``*`` before the right option, an answer key at the end, a header
row with ``Câu hỏi / Phương án A… / Đáp án`` columns. DATA must hold the documents (``nqbot ingest …``); the
imports go to a scratch bot store, not DATA's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

LETTERS = "ABCD"
OFF_CORPUS = [
    ("Chủ tịch Hồ Chí Minh đọc bản Tuyên ngôn Độc lập tại Quảng trường Ba Đình vào năm nào?",
     ["1930", "1945", "1954", "1975"], 1),
    ("Sông nào dài nhất chảy qua lãnh thổ Việt Nam?", ["Sông Hồng", "Sông Đà", "Sông Mê Kông", "Sông Đồng Nai"], 2),
    ("Đỉnh núi cao nhất Việt Nam là đỉnh nào?", ["Fansipan", "Pu Si Lung", "Bạch Mã", "Ngọc Linh"], 0),
    ("Thủ đô của nước Pháp là thành phố nào?", ["Paris", "Lyon", "Marseille", "Nice"], 0),
]


def source_questions(count: int, seed: int) -> list[tuple[str, list[str], int, str]]:
    """(question, options, right option, what the documents should say: backed | unsupported | disagrees)."""
    rows = [json.loads(line) for line in (ROOT / "scripts" / "questions" / "quiz_check.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(seed)
    picked = rng.sample(rows, count)
    out = [(r["question"], list(r["options"]), int(r["answer"]), "backed") for r in picked]
    for r in picked[:2]:  # marked with a wrong answer: the documents disagree
        out.append((r["question"], list(r["options"]), (int(r["answer"]) + 1) % len(r["options"]), "disagrees"))
    out += [(q, o, a, "unsupported") for q, o, a in OFF_CORPUS]
    return out


def numbered_lines(questions: list[tuple[str, list[str], int, str]]) -> list[str]:
    """Câu N. … with the layouts banks use, rotating over the questions; some answers in a key at the end."""
    lines = ["NGÂN HÀNG CÂU HỎI CUỘC THI TÌM HIỂU CÁC NGHỊ QUYẾT, QUY ĐỊNH, KẾT LUẬN CỦA ĐẢNG", ""]
    key: list[str] = []
    for n, (question, options, right, _) in enumerate(questions, 1):
        layout = n % 4
        lines.append(f"Câu {n}{'.' if layout != 1 else ':'} {question}")
        if layout == 2:
            lines.append("   ".join(f"{LETTERS[i]}. {o}" for i, o in enumerate(options)))
        else:
            for i, option in enumerate(options):
                mark = "*" if layout == 3 and i == right else ""
                letter = LETTERS[i].lower() + ")" if layout == 1 else LETTERS[i] + "."
                lines.append(f"{mark}{letter} {option}")
        if layout in (0, 2):
            lines.append(f"Đáp án: {LETTERS[right]}")
        elif layout == 1:
            key.append(f"{n}-{LETTERS[right]}")
        lines.append("")
    lines += ["ĐÁP ÁN", ", ".join(key)]
    return lines


def write_txt(questions: list[tuple[str, list[str], int, str]], path: Path) -> None:
    path.write_text("\n".join(numbered_lines(questions)) + "\n", encoding="utf-8")


def write_docx(questions: list[tuple[str, list[str], int, str]], path: Path) -> None:
    import docx

    document = docx.Document()
    for line in numbered_lines(questions):
        document.add_paragraph(line)
    document.save(str(path))


def write_xlsx(questions: list[tuple[str, list[str], int, str]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Câu hỏi"
    sheet.append(["STT", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Phương án D", "Đáp án đúng"])
    for n, (question, options, right, _) in enumerate(questions, 1):
        sheet.append([n, question, *options, LETTERS[right]])
    workbook.save(path)


def main() -> int:
    from bot.store import BotStore
    from bot.study.bank import QuestionBank
    from config.settings import Settings
    from documents.banks import read_bank
    from index.engine import Engine

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "nqbot-banks")
    parser.add_argument("--count", type=int, default=36, help="labelled questions per bank")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    questions = source_questions(args.count, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    engine = Engine(Settings(data_dir=args.data_dir, models_dir=args.models_dir))
    status = 0
    for suffix, write in (("docx", write_docx), ("txt", write_txt), ("xlsx", write_xlsx)):
        path = args.out / f"ngan-hang-cau-hoi.{suffix}"
        write(questions, path)
        bank = read_bank(path)
        read = [(q.question, list(q.options), q.correct) for q in bank.questions]
        lossless = read == [(q, o, a) for q, o, a, _ in questions] and not bank.flaws
        with tempfile.TemporaryDirectory() as scratch:
            store = BotStore(Path(scratch) / "bot.sqlite3")
            started = time.perf_counter()
            report = QuestionBank(store, engine).import_bank(bank, via="cli")
            seconds = time.perf_counter() - started
            store.close()
        kinds = {q.label: questions[i][3] for i, q in enumerate(bank.questions)}
        found = {label: "unsupported" for label in report.unsupported} | \
            {label: "disagrees" for label in report.disagrees}
        as_expected = sum(found.get(label, "backed") == kind for label, kind in kinds.items())
        missed = [label for label, kind in kinds.items() if kind == "backed" and label in found]
        print(f"{path.name}: {path.stat().st_size} bytes, {len(bank.questions)} questions read of {len(questions)} "
              f"written — {'without loss' if lossless else 'LOSSY'}; imported in {seconds:.1f} s: "
              f"{report.backed} backed by a passage; reported without one («không tìm thấy căn cứ»): "
              f"{', '.join(report.unsupported)}; reported as disagreeing with the documents: "
              f"{', '.join(report.disagrees)}; {as_expected}/{len(kinds)} as expected (labelled questions left "
              f"for review: {', '.join(missed) or 'none'})")
        status |= 0 if lossless else 1
    engine.close()
    return status


if __name__ == "__main__":
    sys.exit(main())
