"""Question banks as tables (CSV, XLSX) and records (JSON)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from documents.banks import Bank, BankQuestion
from documents.extract.archive import SafeZip
from documents.extract.limits import Limits
from documents.model import ExtractionError
from documents.text import fold, nfc

LETTERS = "abcdefghijkl"
_QUESTION_HEADERS = ("cau hoi", "noi dung cau hoi", "noi dung", "question", "cau")
_ANSWER_HEADERS = ("dap an dung", "dap an chinh xac", "dap an", "da", "answer", "correct", "key", "tra loi")
_DOCUMENT_HEADERS = ("van ban", "so hieu", "can cu", "document", "nguon")
_OPTION_PREFIXES = ("phuong an ", "dap an ", "lua chon ", "option ", "pa ", "")


def _clean(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return nfc(str(cell)).strip()


def _option_letter(header: str) -> int | None:
    folded = fold(header).strip(" .:")
    for prefix in _OPTION_PREFIXES:
        if folded.startswith(prefix) and len(folded) == len(prefix) + 1 and folded[-1] in LETTERS:
            return LETTERS.index(folded[-1])
    return None


def _answer(cell: str, options: Sequence[str]) -> int | None:
    """``B`` / ``b`` / ``2`` (1-based) / the right option's text → its 0-based index."""
    text = fold(cell).strip(" .)")
    if len(text) == 1 and text in LETTERS:
        return LETTERS.index(text)
    if text.isdigit() and 1 <= int(text) <= len(options):
        return int(text) - 1
    matches = [i for i, o in enumerate(options) if fold(o).strip() == text]
    return matches[0] if matches else None


def from_rows(rows: Iterable[Sequence[object]], bank: Bank, first_row: int = 1) -> None:
    """Rows under a header (``Câu hỏi``, ``A``…, ``Đáp án``), or ``question, A, B, C, D, answer`` without one."""
    iterator = iter(rows)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    options: dict[int, int] = {}
    number = first_row
    pending: list[list[str]] = []
    for raw in iterator:
        cells = [_clean(c) for c in raw]
        if not any(cells):
            number += 1
            continue
        folded = [fold(c).strip(" .:") for c in cells]
        if header is None and not pending:
            found_options = {i: letter for i, c in enumerate(cells) if (letter := _option_letter(c)) is not None}
            question = next((i for i, c in enumerate(folded) if c in _QUESTION_HEADERS), None)
            if question is not None and len(found_options) >= 2:
                header = cells
                columns["question"] = question
                answer = next((i for i, c in enumerate(folded) if c in _ANSWER_HEADERS and i not in found_options),
                              None)
                if answer is not None:
                    columns["answer"] = answer
                document = next((i for i, c in enumerate(folded) if c in _DOCUMENT_HEADERS), None)
                if document is not None:
                    columns["document"] = document
                options = {letter: i for i, letter in found_options.items()}
                number += 1
                continue
            header = []  # no header: question, options…, answer
        if not columns:
            filled = [c for c in cells if c]
            if len(filled) < 3:
                number += 1
                continue
            text, *rest = filled
            answer_cell = rest[-1] if len(rest) >= 3 and len(fold(rest[-1])) <= 2 else ""
            choices = rest[:-1] if answer_cell else rest
            bank.add(BankQuestion(f"#{number}", text, tuple(choices), _answer(answer_cell, choices)
                                  if answer_cell else None))
        else:
            text = cells[columns["question"]] if columns["question"] < len(cells) else ""
            choices = [cells[options[k]] for k in sorted(options) if options[k] < len(cells) and cells[options[k]]]
            answer_cell = cells[columns["answer"]] if "answer" in columns and columns["answer"] < len(cells) else ""
            named = cells[columns["document"]] if "document" in columns and columns["document"] < len(cells) else ""
            bank.add(BankQuestion(f"#{number}", text, tuple(choices),
                                  _answer(answer_cell, choices) if answer_cell else None, named))
        number += 1


def read_csv(path: Path, bank: Bank, limits: Limits) -> None:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16", "cp1258"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExtractionError("not_text", "CSV in an unknown encoding")
    limits.check_text(len(text))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    from_rows(csv.reader(io.StringIO(text), dialect), bank)


def read_xlsx(path: Path, bank: Bank, limits: Limits) -> None:
    """The first worksheet (sizes checked by SafeZip first: openpyxl inflates every part it reads)."""
    import zipfile

    from openpyxl import load_workbook

    with SafeZip(path, limits) as archive:
        if "xl/workbook.xml" not in archive.names():
            raise ExtractionError("unsupported", "ZIP file that is not a workbook")
        archive.verify()
    try:
        workbook = load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ExtractionError("corrupt", "workbook cannot be read") from exc
    try:
        sheet = workbook.worksheets[0]
        from_rows(sheet.iter_rows(values_only=True), bank)
    finally:
        workbook.close()


def _record(item: Any, number: int, bank: Bank) -> None:
    if not isinstance(item, dict):
        bank.add(BankQuestion(f"#{number}", "", (), None))
        return
    options = item.get("options")
    if not isinstance(options, list):
        options = [item[k] for k in ("A", "B", "C", "D", "E", "F") if k in item]
    options = [_clean(o) for o in options]
    answer: Any = item.get("correct", item.get("answer"))
    correct: int | None
    if isinstance(answer, bool) or answer is None:
        correct = None
    elif isinstance(answer, int):
        correct = answer
    else:
        correct = _answer(_clean(answer), options)
    label = _clean(item.get("label") or item.get("id") or f"#{number}")
    bank.add(BankQuestion(label, _clean(item.get("question")), tuple(options), correct,
                          _clean(item.get("doc_number") or item.get("document") or "")))


def read_json(path: Path, bank: Bank) -> None:
    """A JSON list of objects, or one object per line (JSONL)."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
        items = data if isinstance(data, list) else data.get("questions", []) if isinstance(data, dict) else []
    except json.JSONDecodeError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise ExtractionError("corrupt", "not JSON") from exc
    for number, item in enumerate(items, 1):
        _record(item, number, bank)
