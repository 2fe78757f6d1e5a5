"""The FAISS vector store (the only module importing faiss).

Exact inner-product search (vectors are L2-normalised, so scores are cosines) over chunk ids. The file on
disk is named by a generation number that the SQLite catalog commits: ``vectors-<generation>.faiss`` is
written to a temporary name and renamed before the catalog points at it, so a crash at any moment leaves
either the old or the new pair. A missing or stale file is rebuilt from the embeddings kept in SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

_threads = 1


def set_threads(count: int) -> None:
    """OpenMP threads for searches. OpenMP keeps the setting per thread, so every search applies it in the thread
    that searches: a worker thread left at the default hangs inside FAISS when ``OMP_THREAD_LIMIT=1`` is set (as
    tesseract wants), and two such threads searching at once spin forever."""
    global _threads
    _threads = count
    faiss.omp_set_num_threads(count)


class VectorStore:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @classmethod
    def from_arrays(cls, dim: int, ids: np.ndarray, vectors: np.ndarray) -> VectorStore:
        store = cls(dim)
        if len(ids):
            store.add(ids, vectors)
        return store

    @classmethod
    def load(cls, path: Path) -> VectorStore:
        index = faiss.read_index(str(path))
        store = cls(index.d)
        store._index = index
        return store

    def copy(self) -> VectorStore:
        """An independent copy: writers change a copy and swap it in, readers never see half a change."""
        clone = VectorStore(self.dim)
        clone._index = faiss.clone_index(self._index)
        return clone

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self.dim:
            raise ValueError(f"expected vectors of dimension {self.dim}, got {vectors.shape}")
        self._index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Sequence[int]) -> None:
        if len(ids):
            self._index.remove_ids(np.asarray(ids, dtype=np.int64))

    def ids(self) -> np.ndarray:
        if self.size == 0:
            return np.zeros(0, dtype=np.int64)
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if self.size == 0 or k <= 0:
            return []
        faiss.omp_set_num_threads(_threads)  # in this thread (see set_threads)
        scores, ids = self._index.search(
            np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), min(k, self.size)
        )
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def scores_for(self, query: np.ndarray, ids: Sequence[int]) -> dict[int, float]:
        """Cosine of the query with specific stored chunks (for keyword-only hits)."""
        result: dict[int, float] = {}
        for chunk_id in ids:
            try:
                vector = self._index.reconstruct(int(chunk_id))
            except RuntimeError:
                continue
            result[int(chunk_id)] = float(np.dot(vector, query.reshape(-1)))
        return result

    def save(self, path: Path) -> None:
        """Write to a temporary file, fsync, then rename over ``path``."""
        tmp = path.with_name(path.name + ".tmp")
        faiss.write_index(self._index, str(tmp))
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, path)
