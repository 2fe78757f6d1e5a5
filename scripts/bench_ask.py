"""In-process ``ask`` latency over ≥ 200 questions on the full shared corpus, plus peak RSS.

    .venv/bin/python scripts/bench_ask.py [--data-dir DIR] [--shared ../shared]

Indexes SHARED/corpus/party and SHARED/corpus/legal into DIR first if DIR is empty (or use
``nqbot --data-dir DIR ingest ...`` beforehand). Prints p50/p95/p99 latency with the model loaded
(start-up excluded), answered/not-found counts, and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_questions import add_shared_argument, legal_questions, negatives, positives, without_marks  # noqa: E402

from config.settings import Settings  # noqa: E402
from index.engine import Engine  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    add_shared_argument(parser)
    args = parser.parse_args()
    engine = Engine(Settings(data_dir=args.data_dir))
    if not engine.documents():
        for folder in ("party", "legal"):
            for path in sorted((args.shared / "corpus" / folder).glob("*.txt")):
                engine.ingest_path(path)
    started = time.perf_counter()
    engine.warm_up()
    print(
        f"documents: {len(engine.documents())}, passages: {engine.stats()['chunks']}, "
        f"start-up: {time.perf_counter() - started:.1f} s"
    )
    pos = positives()
    groups = {
        "members' questions": [q for q, _ in pos],
        "the same without diacritics": [q for q, _ in without_marks(pos)],
        "off-corpus questions": negatives(),
        "ALQAC/LTER legal statements": legal_questions(args.shared),
    }
    timings: list[float] = []
    found = 0
    for name, questions in groups.items():
        group: list[float] = []
        for question in questions:
            t0 = time.perf_counter()
            answer = engine.ask(question)
            group.append((time.perf_counter() - t0) * 1000)
            found += answer.found
        q = statistics.quantiles(group, n=100)
        print(f"  {name:30} n={len(group):3}  p50 {q[49]:6.1f}  p95 {q[94]:6.1f} ms")
        timings.extend(group)
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"questions: {len(timings)} (answered {found}, not found {len(timings) - found})")
    print(f"ask latency ms: p50 {q[49]:.1f}  p95 {q[94]:.1f}  p99 {q[98]:.1f}  max {timings[-1]:.1f}")
    print(f"peak RSS: {rss:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
