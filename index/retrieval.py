"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 BM25) candidates, fused.

The fusion was chosen by measurement (``scripts/tune_fusion.py`` on ALQAC 2023 and LTER): a convex
combination of normalised scores beat reciprocal rank fusion at every k and weighting tried (ALQAC MRR@10
0.906 against at best 0.894). Dense cosines are min-max normalised within the candidate list; BM25 scores are
divided by the best one, which keeps how far the keyword side's runners-up fall behind its winner. The dense
weight adapts to the question's length (:func:`adaptive_weight`). Both choices were made on the even-numbered
questions of both sets only; the hybrid is above the better of its two sides on both sets and both halves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index.catalog import Catalog
from index.generations import Generations
from index.keywords import query_terms
from index.vectors import VectorStore

Mode = Literal["hybrid", "dense", "keyword"]
CANDIDATES = 50
#: Keyword terms found in more than this share of passages are left out of the FTS5 query.
MAX_TERM_SHARE = 0.1
DENSE_WEIGHT = 0.5
#: Adaptive fusion (see :func:`adaptive_weight`): dense weight = BASE − LENGTH × ln(terms / TERMS).
ADAPTIVE_BASE = 0.5
ADAPTIVE_LENGTH = 0.5
ADAPTIVE_TERMS = 20


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    score: float  # fused score (mode-dependent scale); only the order matters
    dense: float | None  # cosine with the question, when known
    keyword: float | None = None  # BM25 as a share of the keyword side's best candidate, when a candidate


def min_max(ranked: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Scores mapped to [0, 1] within the candidate list (best → 1, last candidate → 0): for cosines, which
    crowd into a narrow band."""
    if not ranked:
        return {}
    scores = [score for _, score in ranked]
    high, low = max(scores), min(scores)
    return {chunk_id: (score - low) / (high - low or 1.0) for chunk_id, score in ranked}


def share_of_best(ranked: Sequence[tuple[int, float]]) -> dict[int, float]:
    """Scores as a share of the best one (best → 1): for BM25, whose runners-up may all be far behind the
    winner or all close to it, and that difference is worth keeping."""
    if not ranked:
        return {}
    high = max(score for _, score in ranked)
    return {chunk_id: score / high if high > 0 else 0.0 for chunk_id, score in ranked}


def adaptive_weight(terms: int) -> float:
    """The dense side's weight for a question of ``terms`` keyword terms: more for short questions, less for
    long ones (a long statement shares many exact words with its article); chosen on the even-numbered
    questions of ALQAC and LTER only (``scripts/tune_fusion.py``)."""
    weight = ADAPTIVE_BASE - ADAPTIVE_LENGTH * math.log(max(terms, 1) / ADAPTIVE_TERMS)
    return min(0.95, max(0.0, weight))


def fuse(
    dense: Sequence[tuple[int, float]], keyword: Sequence[tuple[int, float]], *, dense_weight: float = DENSE_WEIGHT
) -> list[tuple[int, float]]:
    """Convex combination of the two candidate lists' normalised scores (missing → 0)."""
    d, k = min_max(dense), share_of_best(keyword)
    fused = {cid: dense_weight * d.get(cid, 0.0) + (1 - dense_weight) * k.get(cid, 0.0) for cid in d.keys() | k.keys()}
    return sorted(fused.items(), key=lambda item: -item[1])


def keyword_candidates(
    catalog: Catalog,
    question: str,
    allowed_versions: Sequence[int] | None = None,
    max_term_share: float = MAX_TERM_SHARE,
) -> list[tuple[int, float]]:
    """BM25 candidates from the FTS5 index (question words and very common terms left out)."""
    terms = catalog.selective_terms(query_terms(question), max_term_share)
    return catalog.search_terms(terms, CANDIDATES, allowed_versions)


def search(
    catalog: Catalog,
    store: VectorStore,
    question: str,
    query_vector: np.ndarray | None,
    *,
    limit: int,
    mode: Mode = "hybrid",
    allowed_chunks: Sequence[int] | None = None,
    allowed_versions: Sequence[int] | None = None,
    dense_weight: float | None = None,
    keyword: list[tuple[int, float]] | None = None,
) -> list[Hit]:
    """Top ``limit`` chunks for the question; ``allowed_*`` restrict the search to some documents.

    ``keyword`` are the keyword candidates when the caller computed them already (in parallel with the
    question's embedding); otherwise they are computed here.
    """
    dense: list[tuple[int, float]] = []
    if mode != "keyword" and query_vector is not None:
        if allowed_chunks is not None:
            scored = store.scores_for(query_vector, allowed_chunks)
            dense = sorted(scored.items(), key=lambda item: -item[1])[:CANDIDATES]
        else:
            dense = store.search(query_vector, CANDIDATES)
    if mode == "dense":
        keyword = []
    elif keyword is None:
        keyword = keyword_candidates(catalog, question, allowed_versions)
    if mode == "dense":
        ranked = dense
    elif mode == "keyword":
        ranked = keyword
    else:
        weight = adaptive_weight(len(query_terms(question))) if dense_weight is None else dense_weight
        ranked = fuse(dense, keyword, dense_weight=weight)
    dense_scores = dict(dense)
    keyword_shares = share_of_best(keyword)
    top = ranked[:limit]
    missing = [cid for cid, _ in top if cid not in dense_scores]
    if missing and query_vector is not None:
        dense_scores.update(store.scores_for(query_vector, missing))
    return [Hit(cid, score, dense_scores.get(cid), keyword_shares.get(cid)) for cid, score in top]


class Retriever:
    """Ranked passages for a question over the current generation; keyword search (SQLite) runs on the other
    core while the question is embedded."""

    def __init__(
        self, catalog: Catalog, generations: Generations, embed_question: Callable[[str], np.ndarray],
        rewrite: Callable[[str], str] = lambda text: text,
    ) -> None:
        self.catalog = catalog
        self.generations = generations
        self.embed_question = embed_question
        self.rewrite = rewrite
        self._keyword_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nqbot-keyword")

    def close(self) -> None:
        self._keyword_pool.shutdown(wait=True)

    def _versions(self, document_ids: Sequence[int]) -> list[int]:
        """The active versions of ``document_ids`` (removed documents left out)."""
        return [d.active_version for d in map(self.catalog.document, document_ids)
                if d is not None and d.active_version is not None]

    def closest(self, vector: np.ndarray, document_ids: Sequence[int] | None = None) -> tuple[int, float] | None:
        """The closest passage by meaning in the library (or in ``document_ids``): (chunk id, similarity)."""
        store = self.generations.vectors()
        if document_ids is None:
            found = store.search(vector, 1)
            return found[0] if found else None
        scored = store.scores_for(vector, self.catalog.chunk_ids(self._versions(document_ids)))
        return max(scored.items(), key=lambda item: item[1], default=None)

    def retrieve(
        self,
        question: str,
        *,
        limit: int,
        mode: Mode = "hybrid",
        document_ids: Sequence[int] | None = None,
        vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """Ranked chunks for a question (no threshold, no quotes) — what evaluation measures.

        ``vector`` is the question's embedding when the caller has it already (a follow-up searches twice).
        """
        store = self.generations.vectors()
        allowed_chunks: list[int] | None = None
        allowed_versions: list[int] | None = None
        if document_ids is not None:
            allowed_versions = self._versions(document_ids)
            allowed_chunks = self.catalog.chunk_ids(allowed_versions)
        keyword = None
        if mode != "dense":
            keyword = self._keyword_pool.submit(keyword_candidates, self.catalog, self.rewrite(question),
                                                allowed_versions)
        if mode != "keyword" and vector is None:
            vector = self.embed_question(question)
        return search(
            self.catalog,
            store,
            question,
            vector,
            limit=limit,
            mode=mode,
            allowed_chunks=allowed_chunks,
            allowed_versions=allowed_versions,
            keyword=keyword.result() if keyword is not None else None,
        )
