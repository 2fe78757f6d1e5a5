"""Accuracy of ``nqbot quiz check`` on labelled multiple-choice questions (one JSON object per line with
``question``, ``options``, ``answer`` — the 0-based gold option — and ``split``).

    .venv/bin/python scripts/eval_quiz_check.py --data-dir DATA [--split dev|test|all] [--sweep] [-v]
        [FILE ...]   (default: scripts/questions/quiz_check.jsonl)

The data directory must hold the documents the questions are about (e.g. ``nqbot ingest ../shared/corpus/party``).
Prints correct among decided, undecided share, and (``--sweep``) the same over a grid of the two thresholds —
tune on ``dev`` only, then report ``test`` once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def decide(supports: list[float], min_support: float, min_margin: float) -> int | None:
    ranked = sorted(range(len(supports)), key=lambda i: -supports[i])
    if not ranked or supports[ranked[0]] < min_support:
        return None
    if len(ranked) > 1 and supports[ranked[0]] - supports[ranked[1]] < min_margin:
        return None
    return ranked[0]


def summary(rows: list[tuple[dict, list[float]]], min_support: float, min_margin: float) -> tuple[int, int, int]:
    decided = correct = 0
    for row, supports in rows:
        choice = decide(supports, min_support, min_margin)
        if choice is not None:
            decided += 1
            correct += choice == row["answer"]
    return len(rows), decided, correct


def main() -> int:
    from config.settings import Settings
    from index.engine import Engine
    from index.quiz.solve import MIN_MARGIN, MIN_SUPPORT, Solver

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, default=[ROOT / "scripts" / "questions" / "quiz_check.jsonl"])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--split", default="dev", help="dev, test or all")
    parser.add_argument("--sweep", action="store_true", help="accuracy over a grid of thresholds")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every wrong or undecided question")
    args = parser.parse_args()
    rows = [json.loads(line) for path in args.files for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = [r for r in rows if args.split == "all" or r.get("split", "dev") == args.split]
    engine = Engine(Settings(data_dir=args.data_dir, models_dir=args.models_dir))
    solver = Solver(engine)
    results = []
    started = time.perf_counter()
    for row in rows:
        verdict = solver.solve(row["question"], row["options"])
        results.append((row, list(verdict.supports)))
        if args.verbose and verdict.choice != row["answer"]:
            mark = "?" if verdict.choice is None else "✗"
            print(f"{mark} {row.get('doc_number', '')} {row['question'][:90]}")
            print("   gold", row["answer"], row["options"][row["answer"]], "| choice", verdict.choice,
                  "| supports", [round(s, 2) for s in verdict.supports])
            if verdict.evidence is not None:
                print("   evidence:", verdict.evidence.quote[:160].replace("\n", " "))
    seconds = time.perf_counter() - started
    total, decided, correct = summary(results, MIN_SUPPORT, MIN_MARGIN)
    print(f"split {args.split}: {total} questions, decided {decided} ({100 * decided / total:.1f} %), "
          f"correct among decided {correct}/{decided} = {100 * correct / max(decided, 1):.1f} %, "
          f"undecided {total - decided} ({100 * (total - decided) / total:.1f} %), "
          f"correct overall {100 * correct / total:.1f} %; {1000 * seconds / total:.0f} ms per question")
    if args.sweep:
        for support in (0.1, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
            line = []
            for margin in (0.0, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2):
                total, decided, correct = summary(results, support, margin)
                accuracy, undecided = 100 * correct / max(decided, 1), 100 * (total - decided) / total
                line.append(f"{margin:.2f}:{accuracy:5.1f}/{undecided:4.1f}")
            print(f"support {support:.2f}  " + "  ".join(line))
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
