"""Section-level answer quality on members' questions about the 14 Party texts (``scripts/questions/sections.tsv``).

    .venv/bin/python scripts/eval_sections.py [--split dev|test|all|holdout|holdout2|holdout3|holdout4] [--data-dir DIR]
        [--rebuild] [--show-misses]

Indexes the 14 Party texts kept in the repository (``documents/samples``, ``tests/data/party``) into DIR (kept
between runs; ``--rebuild`` starts over), asks every question of the split as a member would (``engine.ask``,
threshold on) and prints, per tag and overall:

* top-1 — the first citation's passage contains the gold phrase (the sentence that answers);
* top-3 — one of the first three citations does;
* highlight — the highlighted sentences of the first citation contain the gold phrase (or it is inside them);
* not found — the answer was "not found".

Tune on ``dev`` only; ``test`` is kept untouched until the end. Held-out sets written later, each measured once
and then used for tuning: ``holdout`` (``sections_holdout.tsv``, 80 questions written after the second round of
tuning, which used ``dev`` and ``test``), ``holdout2`` (``sections_holdout2.tsv``, 80 more, written after the
third round, which used ``holdout`` too), ``holdout3`` (after the fourth) and ``holdout4`` (80 questions on facts no
earlier set asks about, written after the fifth round).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_questions import HERE, PARTY_TEXTS  # noqa: E402

from config.settings import Settings  # noqa: E402
from documents.abbreviations import Abbreviations  # noqa: E402
from documents.text import nfc  # noqa: E402
from index.citations import Answer, Citation  # noqa: E402
from index.engine import Engine  # noqa: E402


def load(split: str) -> list[tuple[str, str, str, list[str]]]:
    rows = []
    name = f"sections_{split}.tsv" if split.startswith("holdout") else "sections.tsv"
    for line in (HERE / "questions" / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        question, number, gold, row_split, tags = line.split("\t")
        if split in ("all", row_split):
            rows.append((question, number, nfc(gold), [t for t in tags.split(",") if t]))
    return rows


def _passage(engine: Engine, citation: Citation) -> str:
    chunk = engine.catalog.chunks([citation.chunk_id]).get(citation.chunk_id)
    return chunk.text if chunk else ""


def _highlighted(citation: Citation) -> str:
    return " ".join(citation.quote[s:e] for s, e in citation.highlights)


def score(engine: Engine, answer: Answer, number: str, gold: str) -> tuple[bool, bool, bool]:
    def hit(c: Citation) -> bool:
        return c.doc_number == number and gold in _passage(engine, c)

    cites = answer.citations
    top1 = bool(cites) and hit(cites[0])
    top3 = any(hit(c) for c in cites[:3])
    light = top1 and (gold in _highlighted(cites[0]) or _highlighted(cites[0]) in gold and bool(cites[0].highlights))
    return top1, top3, light


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev",
                        choices=["dev", "test", "all", "holdout", "holdout2", "holdout3", "holdout4"])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/nqbot-sections"))
    parser.add_argument("--models-dir", type=Path, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--no-abbreviations", action="store_true",
                        help="measure without writing abbreviations out (what the abbreviation table adds)")
    args = parser.parse_args()
    if args.rebuild and args.data_dir.exists():
        shutil.rmtree(args.data_dir)
    settings = Settings(data_dir=args.data_dir, models_dir=args.models_dir or Settings().model_cache)
    engine = Engine(settings)
    if not engine.documents():
        for path in sorted(PARTY_TEXTS.values()):
            engine.ingest_path(path)
    engine.warm_up()
    if args.no_abbreviations:
        engine._abbreviations = Abbreviations(shipped=False)  # noqa: SLF001 - a measurement switch
    rows = load(args.split)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    started = time.perf_counter()
    for question, number, gold, tags in rows:
        answer = engine.ask(question)
        top1, top3, light = score(engine, answer, number, gold)
        for tag in ["all", *tags]:
            counts = tally[tag]
            counts[0] += 1
            counts[1] += top1
            counts[2] += top3
            counts[3] += light
            counts[4] += not answer.found
        if args.show_misses and not top1:
            first = answer.citations[0] if answer.citations else None
            where = f"{first.doc_number} {first.locator}" if first else "not found"
            print(f"MISS [{number}] {question}\n     got: {where}")
    seconds = time.perf_counter() - started
    print(f"split {args.split}: {len(rows)} questions, {engine.stats()['chunks']} passages, "
          f"{1000 * seconds / max(len(rows), 1):.0f} ms per question")
    print(f"{'tag':10} {'n':>4} {'top-1':>7} {'top-3':>7} {'highlight':>9} {'not found':>9}")
    for tag in ["all", *sorted(t for t in tally if t != "all")]:
        n, top1, top3, light, missing = tally[tag]
        print(f"{tag:10} {n:4} {top1 / n:7.1%} {top3 / n:7.1%} {light / n:9.1%} {missing / n:9.1%}")
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
