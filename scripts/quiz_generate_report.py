"""Questions generated from every document of a library, checked automatically, and a sample for a reader.

    .venv/bin/python scripts/quiz_generate_report.py --data-dir DATA [--sample 30] [--out docs/quiz_sample.md]

DATA is a data directory holding the documents (e.g. after ``nqbot ingest ../shared/corpus/party``). Prints the
questions per document and per kind, and runs every automatic check on every question: Telegram's poll limits
(question ≤ 300, 2–12 options of ≤ 100, explanation ≤ 200 with ≤ 2 line breaks), the quote still the stored text,
the answer span inside the verified quote and equal to the right option, no duplicate options, no wrong option
stated by the cited sentence. Writes ``--sample`` random questions (seeded) to ``--out`` for a person to judge.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from config.settings import Settings  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.quiz.generate import Generator  # noqa: E402
from index.quiz.model import LETTERS, Question  # noqa: E402
from index.quiz.validity import problems  # noqa: E402


def markdown(sample: list[tuple[str, Question]], seed: int) -> str:
    lines = [
        "# Generated questions: a random sample for a reader",
        "",
        f"{len(sample)} questions drawn at random (seed {seed}) from everything `nqbot quiz generate` makes from the "
        "14 Party texts (`scripts/quiz_generate_report.py`). ✓ marks the right option; the explanation is what the "
        "quiz poll shows after answering; the quote is verified against the stored text.",
        "",
    ]
    for n, (label, question) in enumerate(sample, 1):
        evidence = question.evidence
        lines.append(f"## {n}. {label} · {question.kind}")
        lines.append("")
        lines.extend(f"> {line}" for line in question.question.split("\n"))
        lines.append("")
        for i, option in enumerate(question.options):
            lines.append(f"- {'✓' if i == question.correct else ' '} {LETTERS[i]}. {option}")
        lines.append("")
        lines.append(f"Explanation: {question.explanation}")
        if evidence is not None:
            lines.append("")
            lines.append(f"Quote ({evidence.locator}): «{' '.join(evidence.quote.split())}»")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--sample", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="Markdown file for the sample")
    args = parser.parse_args()
    engine = Engine(Settings(data_dir=args.data_dir, models_dir=args.models_dir))
    generator = Generator(engine.catalog)
    started = time.perf_counter()
    everything: list[tuple[str, Question]] = []
    kinds: collections.Counter[str] = collections.Counter()
    failures: collections.Counter[str] = collections.Counter()
    print(f"{'document':<18} {'questions':>9}  kinds")
    for document in sorted(engine.documents(), key=lambda d: d.label):
        questions = generator.generate(document.id)
        per_kind = collections.Counter(q.kind for q in questions)
        kinds.update(per_kind)
        print(f"{document.label:<18} {len(questions):>9}  " + ", ".join(f"{k} {n}" for k, n in per_kind.most_common()))
        for question in questions:
            for problem in problems(question, engine.catalog.source_slice):
                failures[problem.value] += 1
            everything.append((document.label, question))
    seconds = time.perf_counter() - started
    checked = len(everything)
    print(f"total: {checked} questions from {len(engine.documents())} documents in {seconds:.1f} s; "
          + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print(f"automatic checks on all {checked}: " + ("all passed" if not failures else
                                                    ", ".join(f"{k} {n}" for k, n in failures.items())))
    if args.out is not None:
        rng = random.Random(args.seed)
        sample = rng.sample(everything, min(args.sample, len(everything)))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(sample, args.seed), encoding="utf-8")
        print(f"{len(sample)} random questions written to {args.out}")
    engine.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
