"""Choose the hybrid fusion by measurement on a labelled dataset (ALQAC 2023 by default).

    .venv/bin/python scripts/tune_fusion.py [--index-dir DIR] [--dataset alqac|lter]

Indexes the dataset once into DIR (kept between runs), collects the dense and keyword candidate lists of
every question once, then scores fusion variants offline: reciprocal rank fusion with several k and
weights, a convex combination of min-max-normalised scores, and nqbot's adaptive mix (whose constants were
chosen on the even-numbered questions of both sets: the odd-numbered ones are the held-out half).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_questions import add_shared_argument  # noqa: E402

from config.settings import Settings  # noqa: E402
from documents.text import fold  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import (  # noqa: E402
    article_order,
    chunk_articles,
    law_document,
    load_alqac,
    load_lter,
    metrics,
    ranked_articles,
)
from index.keywords import fts_query, query_terms  # noqa: E402
from index.retrieval import adaptive_weight, fuse  # noqa: E402

Ranked = list[tuple[int, float]]


def rrf(k: float, wd: float, wk: float) -> Callable[[Ranked, Ranked], list[int]]:
    def fuse(dense: Ranked, keyword: Ranked) -> list[int]:
        scores: dict[int, float] = {}
        for weight, ranked in ((wd, dense), (wk, keyword)):
            for rank, (cid, _) in enumerate(ranked):
                scores[cid] = scores.get(cid, 0.0) + weight / (k + rank + 1)
        return sorted(scores, key=lambda c: -scores[c])

    return fuse


def convex(alpha: float) -> Callable[[Ranked, Ranked], list[int]]:
    def norm(ranked: Ranked) -> dict[int, float]:
        if not ranked:
            return {}
        hi, lo = ranked[0][1], ranked[-1][1]
        return {c: (s - lo) / (hi - lo or 1.0) for c, s in ranked}

    def fuse(dense: Ranked, keyword: Ranked) -> list[int]:
        d, kw = norm(dense), norm(keyword)
        ids = set(d) | set(kw)
        return sorted(ids, key=lambda c: -(alpha * d.get(c, 0.0) + (1 - alpha) * kw.get(c, 0.0)))

    return fuse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/nqbot-tune"))
    parser.add_argument("--dataset", choices=["alqac", "lter"], default="alqac")
    parser.add_argument("--depth", type=int, default=50)
    parser.add_argument("--fold", action="store_true", help="ask the questions without diacritics")
    parser.add_argument("--max-term-share", type=float, default=1.0, help="drop keyword terms above this df share")
    parser.add_argument("--no-restore", action="store_true", help="do not restore diacritics for the dense query")
    parser.add_argument("--dump", type=Path, help="also write the candidate lists to this pickle file")
    add_shared_argument(parser)
    args = parser.parse_args()
    shared = args.shared
    if args.dataset == "alqac":
        laws, questions = load_alqac(shared / "eval/alqac2023/law.json", shared / "eval/alqac2023/train.json")
    else:
        laws, questions = load_lter(shared / "eval/lter/legal_passages.json", shared / "eval/lter/train.json")
    data_dir = args.index_dir / args.dataset
    engine = Engine(Settings(data_dir=data_dir, models_dir=Settings().model_cache))
    if not engine.documents():
        for law in laws:
            engine.ingest(law_document(law))
    names = {d.id: d.title or "" for d in engine.documents()}
    collected: list[tuple[Ranked, Ranked]] = []
    lengths: list[int] = []
    for question in questions:
        text = fold(question.text) if args.fold else question.text
        dense_text = text if args.no_restore else engine.dense_query(text)
        vector = engine.query_embedder.embed_queries([dense_text])[0]
        dense = engine.store.search(vector, args.depth)
        terms = engine.catalog.selective_terms(query_terms(text), args.max_term_share)
        keyword = engine.catalog.keyword_search(fts_query(terms), args.depth)
        collected.append((dense, keyword))
        lengths.append(len(query_terms(text)))
    article = chunk_articles(engine.catalog.chunks([c for d, k in collected for c, _ in d + k]), names,
                             article_order(laws))
    if args.dump:
        with args.dump.open("wb") as handle:
            pickle.dump({"collected": collected, "article": article,
                         "gold": [sorted(q.gold) for q in questions]}, handle)

    def evaluate(fuse: Callable[[Ranked, Ranked, int], list[int]], half: int | None = None) -> dict[str, float]:
        chosen = [i for i in range(len(collected)) if half is None or i % 2 == half]
        ranked = [ranked_articles(fuse(*collected[i], lengths[i]), article) for i in chosen]
        return metrics(ranked, [questions[i] for i in chosen])

    variants: dict[str, Callable[[Ranked, Ranked, int], list[int]]] = {
        "dense": lambda d, k, n: [c for c, _ in d],
        "keyword": lambda d, k, n: [c for c, _ in k],
    }
    for k in (10, 30, 60):
        for wd, wk in ((1, 1), (1, 0.7), (0.7, 1), (1, 0.5)):
            fused = rrf(k, wd, wk)
            variants[f"rrf k={k} wd={wd} wk={wk}"] = lambda d, kw, n, fused=fused: fused(d, kw)
    for alpha in (0.4, 0.5, 0.55, 0.6, 0.7):
        fused = convex(alpha)
        variants[f"convex a={alpha}"] = lambda d, kw, n, fused=fused: fused(d, kw)
    variants["adaptive (nqbot)"] = lambda d, kw, n: [c for c, _ in fuse(d, kw, dense_weight=adaptive_weight(kw, n))]
    print(f"{'variant':28} {'Acc@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'MRR even':>8} {'MRR odd':>7}")
    for name, fuse_variant in variants.items():
        m = evaluate(fuse_variant)
        even, odd = evaluate(fuse_variant, 0)["MRR@10"], evaluate(fuse_variant, 1)["MRR@10"]
        print(f"{name:28} {m['Acc@1']:6.3f} {m['Recall@5']:6.3f} {m['Recall@10']:6.3f} {m['MRR@10']:7.3f}"
              f" {even:8.3f} {odd:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
