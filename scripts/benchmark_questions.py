"""Question sets for the benchmark scripts: nqbot's own labelled questions plus the shared datasets' ones."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from documents.text import fold, has_cjk

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: Where the shared corpus and labelled sets usually are (``--shared`` chooses another place).
SHARED = ROOT.parent / "shared"
#: Real Party texts inside the repository (bundled samples and test data), for scripts that need only a few.
PARTY_TEXTS = {p.name: p for p in [*(ROOT / "documents" / "samples").glob("*.txt"),
                                   *(ROOT / "tests" / "data" / "party").glob("*.txt")]}


def add_shared_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shared", type=Path, default=SHARED,
                        help="folder with corpus/ and eval/ (default: ../shared beside the checkout)")


def _lines(path: Path) -> list[str]:
    return [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def positives() -> list[tuple[str, str]]:
    """(question, expected document number) whose answers are in the 14 Party texts (corpus/party)."""
    return [(q, n) for q, n in (line.split("\t") for line in _lines(HERE / "questions" / "party.tsv"))]


def negatives() -> list[str]:
    return _lines(HERE / "questions" / "negatives.txt")


def without_marks(questions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same questions as typed without a Vietnamese keyboard (skips Chinese ones)."""
    return [
        (fold(q), n)
        for q, n in questions
        if fold(q) != q.lower() and not has_cjk(q)
    ]


def legal_questions(shared: Path = SHARED) -> list[str]:
    alqac = json.loads((shared / "eval" / "alqac2023" / "train.json").read_text(encoding="utf-8"))
    lter = json.loads((shared / "eval" / "lter" / "train.json").read_text(encoding="utf-8"))
    return [q["text"] for q in alqac] + [q["statement"] for q in lter]
