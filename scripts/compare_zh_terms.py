"""Chinese keyword terms: character bigrams (what nqbot indexes) against jieba word segmentation.

    pip install jieba    # only for this comparison; nqbot itself does not use it
    .venv/bin/python scripts/compare_zh_terms.py ../shared/seed/*.txt tests/data/zh/bao-cao-hoc-tap-zh.txt

Chunks the Chinese documents into paragraph-sized passages (≤ 250 characters, so that there are
distractors), builds two in-memory FTS5 indexes (bigrams; jieba's search-mode words), runs the questions of
``scripts/questions/zh_keyword.tsv`` (a question and a phrase of the passage that answers it) and prints
top-1 accuracy and MRR@10 of each.

Measured (18 questions, 14 passages): bigrams top-1 0.944, MRR@10 0.954; jieba the same. So nqbot keeps
character bigrams and does not depend on jieba.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from documents.chunking import split_document  # noqa: E402
from documents.text import nfc  # noqa: E402
from index.keywords import fts_query, index_terms, query_terms  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent / "questions" / "zh_keyword.tsv"


def _jieba() -> tuple[Callable[[str], str], Callable[[str], list[str]]]:
    import jieba  # type: ignore[import-not-found]

    jieba.setLogLevel(60)
    stop = set("的了是在和与什么吗呢哪些如何怎么怎样多少谁哪天有几个？，。、")

    def words(text: str) -> list[str]:
        return [w for w in jieba.lcut_for_search(text) if w.strip() and w not in stop]

    return (lambda text: " ".join(words(text))), (lambda text: list(dict.fromkeys(words(text))))


def _evaluate(passages: list[str], questions: list[tuple[str, str]],
              body: Callable[[str], str], terms: Callable[[str], list[str]]) -> tuple[float, float]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE f USING fts5(body, tokenize = 'unicode61')")
    db.executemany("INSERT INTO f(rowid, body) VALUES (?, ?)", [(i, body(p)) for i, p in enumerate(passages)])
    top1 = mrr = 0.0
    for question, gold in questions:
        ranked = [r[0] for r in db.execute("SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT 10",
                                           (fts_query(terms(question)),))]
        rank = next((i for i, rowid in enumerate(ranked, 1) if gold in passages[rowid]), None)
        top1 += rank == 1
        mrr += 1 / rank if rank else 0.0
    return top1 / len(questions), mrr / len(questions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("documents", nargs="+", type=Path)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    args = parser.parse_args()
    passages = [c.text for path in args.documents
                for c in split_document(nfc(path.read_text(encoding="utf-8")), max_chars=250, min_chars=80)[0]]
    lines = [line.split("\t") for line in args.questions.read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    questions = [(q, gold) for q, gold in lines if any(gold in p for p in passages)]
    print(f"{len(passages)} passages, {len(questions)} questions")
    for name, (body, terms) in {"character bigrams": (index_terms, query_terms), "jieba words": _jieba()}.items():
        top1, mrr = _evaluate(passages, questions, body, terms)
        print(f"{name:18} top-1 {top1:.3f}  MRR@10 {mrr:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
