"""Choose the hybrid fusion by measurement on ALQAC 2023 and LTER.

    .venv/bin/python scripts/tune_fusion.py [--index-dir DIR] [--dataset alqac lter] [--fold]

Indexes each dataset once into DIR/<dataset> (kept between runs), collects every question's dense and keyword
candidate lists once the way ``nqbot ask`` does (abbreviations written out, diacritics restored for the dense
side, very common keyword terms left out), then scores fusion variants offline: reciprocal rank fusion with
several k and weights, fixed convex combinations, and the adaptive mix.

The adaptive mix's normalisation and constants are *chosen* here, on the even-numbered questions of every
dataset given: the variant whose smallest margin over the better single side (dense or keyword, on each set's
even half) is largest, ties broken by the sum of the margins. The odd-numbered questions are the held-out half.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_questions import add_shared_argument  # noqa: E402

from config.settings import Settings  # noqa: E402
from documents.text import fold  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import (  # noqa: E402
    Question,
    article_order,
    chunk_articles,
    law_document,
    load_alqac,
    load_lter,
    metrics,
    ranked_articles,
)
from index.keywords import query_terms  # noqa: E402
from index.retrieval import (  # noqa: E402
    ADAPTIVE_BASE,
    ADAPTIVE_LENGTH,
    ADAPTIVE_TERMS,
    keyword_candidates,
    min_max,
    share_of_best,
)

Ranked = list[tuple[int, float]]
Normalise = Callable[[Ranked], dict[int, float]]
Fusion = Callable[[Ranked, Ranked, int], list[int]]
NORMALISATIONS: dict[str, Normalise] = {"min-max": min_max, "share-of-best": share_of_best}


@dataclass
class Collected:
    """One dataset's questions with their candidate lists and the article each candidate passage holds."""

    questions: list[Question]
    candidates: list[tuple[Ranked, Ranked, int]]  # dense, keyword, number of keyword terms
    article: dict[int, list[tuple[str, str]]]

    def mrr(self, fusion: Fusion, half: int | None = None) -> float:
        chosen = [i for i in range(len(self.questions)) if half is None or i % 2 == half]
        ranked = [ranked_articles(fusion(*self.candidates[i]), self.article) for i in chosen]
        return metrics(ranked, [self.questions[i] for i in chosen])["MRR@10"]


def rrf(k: float, wd: float, wk: float) -> Fusion:
    def fusion(dense: Ranked, keyword: Ranked, _terms: int) -> list[int]:
        scores: dict[int, float] = {}
        for weight, ranked in ((wd, dense), (wk, keyword)):
            for rank, (cid, _) in enumerate(ranked):
                scores[cid] = scores.get(cid, 0.0) + weight / (k + rank + 1)
        return sorted(scores, key=lambda c: -scores[c])

    return fusion


def convex(weight: Callable[[int], float], keyword_norm: Normalise) -> Fusion:
    """Dense cosines min-max normalised, keyword scores by ``keyword_norm``, mixed with the dense weight."""

    def fusion(dense: Ranked, keyword: Ranked, terms: int) -> list[int]:
        d, kw, w = min_max(dense), keyword_norm(keyword), weight(terms)
        return sorted(d.keys() | kw.keys(), key=lambda c: -(w * d.get(c, 0.0) + (1 - w) * kw.get(c, 0.0)))

    return fusion


def adaptive(base: float, length: float, keyword_norm: Normalise) -> Fusion:
    def weight(terms: int) -> float:
        return min(0.95, max(0.0, base - length * math.log(max(terms, 1) / ADAPTIVE_TERMS)))

    return convex(weight, keyword_norm)


def collect(dataset: str, index_dir: Path, shared: Path, folded: bool) -> Collected:
    if dataset == "alqac":
        laws, questions = load_alqac(shared / "eval/alqac2023/law.json", shared / "eval/alqac2023/train.json")
    else:
        laws, questions = load_lter(shared / "eval/lter/legal_passages.json", shared / "eval/lter/train.json")
    engine = Engine(Settings(data_dir=index_dir / dataset, models_dir=Settings().model_cache))
    try:
        if not engine.documents():
            for law in laws:
                engine.ingest(law_document(law))
        names = {d.id: d.title or "" for d in engine.documents()}
        store = engine.generations.vectors()
        candidates = []
        for question in questions:
            text = fold(question.text) if folded else question.text
            dense = store.search(engine.embedders.embed_question(text), 50)
            keyword = keyword_candidates(engine.catalog, engine.rewrite(text), None)
            candidates.append((dense, keyword, len(query_terms(text))))
        ids = [c for d, k, _ in candidates for c, _ in d + k]
        article = chunk_articles(engine.catalog.chunks(ids), names, article_order(laws))
    finally:
        engine.close()
    return Collected(questions, candidates, article)


def choose(sets: dict[str, Collected]) -> tuple[str, float, float]:
    """The adaptive mix with the largest smallest even-half margin over the better single side."""
    single = {name: max(c.mrr(lambda d, k, n: [i for i, _ in d], 0), c.mrr(lambda d, k, n: [i for i, _ in k], 0))
              for name, c in sets.items()}
    best: tuple[tuple[float, float], tuple[str, float, float]] | None = None
    for norm in NORMALISATIONS:
        for base in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
            for length in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
                fusion = adaptive(base, length, NORMALISATIONS[norm])
                margins = [c.mrr(fusion, 0) - single[name] for name, c in sets.items()]
                key = (round(min(margins), 6), round(sum(margins), 6))
                if best is None or key > best[0]:
                    best = (key, (norm, base, length))
    assert best is not None
    return best[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/nqbot-tune"))
    parser.add_argument("--dataset", nargs="+", choices=["alqac", "lter"], default=["alqac", "lter"])
    parser.add_argument("--fold", action="store_true", help="ask the questions without diacritics")
    add_shared_argument(parser)
    args = parser.parse_args()
    sets = {name: collect(name, args.index_dir, args.shared, args.fold) for name in args.dataset}
    variants: dict[str, Fusion] = {
        "dense": lambda d, k, n: [c for c, _ in d],
        "keyword": lambda d, k, n: [c for c, _ in k],
    }
    for k in (10, 30, 60):
        for wd, wk in ((1, 1), (1, 0.7), (0.7, 1), (1, 0.5)):
            variants[f"rrf k={k} wd={wd} wk={wk}"] = rrf(k, wd, wk)
    for alpha in (0.4, 0.5, 0.6, 0.7):
        variants[f"convex a={alpha}"] = convex(lambda _n, alpha=alpha: alpha, min_max)
    norm, base, length = choose(sets)
    variants[f"chosen: {norm} b={base} l={length}"] = adaptive(base, length, NORMALISATIONS[norm])
    variants["nqbot (index.retrieval)"] = adaptive(ADAPTIVE_BASE, ADAPTIVE_LENGTH, share_of_best)
    print(f"{'MRR@10':34}" + "".join(f"{name:>8} {'even':>6} {'odd':>6}" for name in sets))
    for name, fusion in variants.items():
        print(f"{name:34}" + "".join(f"{c.mrr(fusion):8.3f} {c.mrr(fusion, 0):6.3f} {c.mrr(fusion, 1):6.3f}"
                                     for c in sets.values()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
