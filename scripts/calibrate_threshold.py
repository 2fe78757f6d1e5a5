"""Calibrate the evidence threshold below which nqbot answers "not found".

    .venv/bin/python scripts/calibrate_threshold.py [--data-dir DIR]

On the full shared corpus (index it first, e.g. with scripts/bench_ask.py or ``nqbot ingest``), every
labelled question (answer in the corpus, with and without diacritics, and Chinese) and every negative
question (answer in no document) is asked with the threshold off. For each candidate threshold the table
shows the share of positives still answered with the right document first and the false-answer rate on
negatives; the suggested threshold keeps false answers ≤ 5 % with the most positives answered.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_questions import negatives, positives, without_marks  # noqa: E402

from config.settings import Settings  # noqa: E402
from documents.text import has_cjk  # noqa: E402
from index.engine import Engine  # noqa: E402


def calibrate(language: str, scored_pos: list[tuple[float, bool]], scored_neg: list[float], max_false: float) -> None:
    right_top = sum(ok for _, ok in scored_pos)
    print(
        f"\n{language} questions — positives: {len(scored_pos)} (right document first with no threshold: "
        f"{right_top}); negatives: {len(scored_neg)}"
    )
    print(f"{'threshold':>9} {'answered right':>15} {'false answers':>14}")
    best: tuple[float, float, float] | None = None
    for step in range(160, 192):
        threshold = step / 200
        answered = sum(1 for s, ok in scored_pos if ok and s >= threshold) / len(scored_pos)
        false = sum(1 for s in scored_neg if s >= threshold) / len(scored_neg)
        print(f"{threshold:9.3f} {answered:15.1%} {false:14.1%}")
        if false <= max_false and (best is None or answered > best[1]):
            best = (threshold, answered, false)
    if best:
        print(
            f"suggested threshold {best[0]:.3f}: {best[1]:.1%} of positives answered with the right document, "
            f"{best[2]:.1%} false answers on negatives"
        )
    else:
        print(f"no threshold keeps false answers ≤ {max_false:.0%}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--max-false", type=float, default=0.05)
    args = parser.parse_args()
    engine = Engine(Settings(data_dir=args.data_dir, answer_threshold=0.0, answer_threshold_zh=0.0))
    if not engine.documents():
        print("index is empty: run scripts/bench_ask.py or nqbot ingest first", file=sys.stderr)
        return 1
    for language, is_zh in (("Vietnamese", False), ("Chinese", True)):
        pos = [(q, n) for q, n in positives() + without_marks(positives()) if has_cjk(q) == is_zh]
        neg = [q for q in negatives() if has_cjk(q) == is_zh]
        scored_pos: list[tuple[float, bool]] = []
        for question, expected in pos:
            answer = engine.ask(question)
            top = answer.citations[0].doc_number if answer.citations else None
            scored_pos.append((answer.evidence, top == expected))
        scored_neg = [engine.ask(q).evidence for q in neg]
        calibrate(language, scored_pos, scored_neg, args.max_false)
    return 0


if __name__ == "__main__":
    sys.exit(main())
