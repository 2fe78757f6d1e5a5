"""Question sets for the benchmark scripts: nqbot's own labelled questions plus the shared datasets' ones."""

from __future__ import annotations

import json
from pathlib import Path

from documents.text import fold

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"


def _lines(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def positives() -> list[tuple[str, str]]:
    """(question, expected document number) whose answers are in ../shared/corpus/party."""
    return [(q, n) for q, n in (line.split("\t") for line in _lines(HERE / "questions" / "party.tsv"))]


def negatives() -> list[str]:
    return _lines(HERE / "questions" / "negatives.txt")


def without_marks(questions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same questions as typed without a Vietnamese keyboard (skips Chinese ones)."""
    return [
        (fold(q), n)
        for q, n in questions
        if fold(q) != q.lower() and not any("\u4e00" <= c <= "\u9fff" for c in q)
    ]


def legal_questions() -> list[str]:
    alqac = json.loads((SHARED / "eval" / "alqac2023" / "train.json").read_text(encoding="utf-8"))
    lter = json.loads((SHARED / "eval" / "lter" / "train.json").read_text(encoding="utf-8"))
    return [q["text"] for q in alqac] + [q["statement"] for q in lter]
