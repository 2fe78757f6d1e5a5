"""The same library on both backends answers the same: questions asked of an SQLite data directory and of the
PostgreSQL database ``nqbot migrate`` copied it into, citations compared.

    .venv/bin/python scripts/compare_backends.py --data-dir DIR --database-url URL [--models-dir DIR] [--n 50]

Questions: the first ``--n`` of ``scripts/questions/sections.tsv`` (members' questions, as the operations drill
uses). A question counts as the same when it is answered (or not) on both with the same citations: chunk id,
document number, locator and quote, in order. Prints each difference and the totals; exit code 1 when any.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from ops_drill import section_questions  # noqa: E402

Cited = list[tuple[int, str, str, str]]


def citations(data: Path, models: Path, url: str | None, questions: list[str]) -> list[tuple[bool, Cited]]:
    from config.settings import Settings
    from index.engine import Engine

    engine = Engine(Settings(data_dir=data, models_dir=models, database_url=url, _env_file=None))  # type: ignore[call-arg]
    try:
        answers = [engine.ask(q) for q in questions]
        return [(a.found, [(c.chunk_id, c.doc_number or "", c.locator, c.quote) for c in a.citations])
                for a in answers]
    finally:
        engine.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="the SQLite data directory (only read)")
    parser.add_argument("--database-url", required=True, help="the PostgreSQL database migrated from it")
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models")
    parser.add_argument("--n", type=int, default=50)
    args = parser.parse_args()
    questions = section_questions()[: args.n]
    sqlite = citations(args.data_dir, args.models_dir, None, questions)
    with tempfile.TemporaryDirectory(prefix="nqbot-compare-") as scratch:  # the worker's own (empty) data directory
        postgres = citations(Path(scratch), args.models_dir, args.database_url, questions)
    same = 0
    for question, a, b in zip(questions, sqlite, postgres, strict=True):
        if a == b:
            same += 1
            continue
        print(json.dumps({"question": question, "sqlite": a, "postgresql": b}, ensure_ascii=False))
    answered = sum(1 for found, _ in sqlite if found)
    print(f"same answers: {same}/{len(questions)} (answered on SQLite: {answered}, "
          f"on PostgreSQL: {sum(1 for found, _ in postgres if found)})")
    return 0 if same == len(questions) else 1


if __name__ == "__main__":
    sys.exit(main())
