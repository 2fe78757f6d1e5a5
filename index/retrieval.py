"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 BM25) candidates fused by weighted reciprocal rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index.catalog import Catalog
from index.keywords import fts_query, query_terms
from index.vectors import VectorStore

Mode = Literal["hybrid", "dense", "keyword"]
RRF_K = 60
CANDIDATES = 50


@dataclass(frozen=True)
class Hit:
    chunk_id: int
    score: float  # fused score (mode-dependent scale); only the order matters
    dense: float | None  # cosine with the question, when known
    keyword_rank: int | None
    dense_rank: int | None


def fuse(
    dense: Sequence[tuple[int, float]],
    keyword: Sequence[tuple[int, float]],
    *,
    dense_weight: float = 1.0,
    keyword_weight: float = 1.0,
    k: int = RRF_K,
) -> list[tuple[int, float]]:
    """Weighted reciprocal rank fusion of two ranked lists of (id, score)."""
    fused: dict[int, float] = {}
    for weight, ranked in ((dense_weight, dense), (keyword_weight, keyword)):
        for rank, (chunk_id, _) in enumerate(ranked):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda item: -item[1])


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
    dense_weight: float = 1.0,
    keyword_weight: float = 1.0,
) -> list[Hit]:
    """Top ``limit`` chunks for the question; ``allowed_*`` restrict the search to some documents."""
    dense: list[tuple[int, float]] = []
    keyword: list[tuple[int, float]] = []
    if mode != "keyword" and query_vector is not None:
        if allowed_chunks is not None:
            scored = store.scores_for(query_vector, allowed_chunks)
            dense = sorted(scored.items(), key=lambda item: -item[1])[:CANDIDATES]
        else:
            dense = store.search(query_vector, CANDIDATES)
    if mode != "dense":
        keyword = catalog.keyword_search(fts_query(query_terms(question)), CANDIDATES, allowed_versions)
    if mode == "dense":
        ranked = dense
    elif mode == "keyword":
        ranked = keyword
    else:
        ranked = fuse(dense, keyword, dense_weight=dense_weight, keyword_weight=keyword_weight)
    dense_scores = dict(dense)
    dense_ranks = {cid: i for i, (cid, _) in enumerate(dense)}
    keyword_ranks = {cid: i for i, (cid, _) in enumerate(keyword)}
    top = ranked[:limit]
    missing = [cid for cid, _ in top if cid not in dense_scores]
    if missing and query_vector is not None:
        dense_scores.update(store.scores_for(query_vector, missing))
    return [
        Hit(cid, score, dense_scores.get(cid), keyword_ranks.get(cid), dense_ranks.get(cid))
        for cid, score in top
    ]
