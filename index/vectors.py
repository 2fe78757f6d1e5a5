"""The FAISS vector store (the only module importing faiss).

Inner-product search (vectors are L2-normalised, so scores are cosines) over chunk ids: exact (a flat index)
up to a configurable size, approximate above it (an inverted-file index, :meth:`VectorStore.fitted`), whose
recall@10 against exact search is ≥ 0.99 at 100k and 1M passages (``scripts/bench_vectors.py``). The file on
disk is named by a generation number that the SQLite catalog commits: ``vectors-<generation>.faiss`` is
written to a temporary name and renamed before the catalog points at it, so a crash at any moment leaves
either the old or the new pair. A missing or stale file is rebuilt from the embeddings kept in SQLite.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import faiss
import numpy as np

#: Inverted lists of the approximate index: about ``LISTS_PER_ROOT × √n`` of them, a power of two between the
#: bounds; a query scans ``PROBES`` of them, at least ``1 / PROBE_SHARE``. Chosen with scripts/bench_vectors.py:
#: questions lie far from the passages' clusters, so recall@10 ≥ 0.99 takes many lists (at 100k passages and
#: 1,024 lists, 256 gave 0.994 and 128 gave 0.977; at 1M and 2,048 lists, 256 gave 0.993).
LISTS_PER_ROOT = 4.0
MIN_LISTS, MAX_LISTS = 256, 2048
PROBES = 256
PROBE_SHARE = 8
#: Vectors per list used to train the list centroids (k-means on a sample).
TRAIN_PER_LIST = 40

_threads = 1


def set_threads(count: int) -> None:
    """OpenMP threads for searches. OpenMP keeps the setting per thread, so every search applies it in the thread
    that searches: a worker thread left at the default hangs inside FAISS when ``OMP_THREAD_LIMIT=1`` is set (as
    tesseract wants), and two such threads searching at once spin forever."""
    global _threads
    _threads = count
    faiss.omp_set_num_threads(count)


def lists_for(count: int) -> int:
    """How many inverted lists an approximate index of ``count`` vectors has (fewer for a tiny one: each list
    needs ``TRAIN_PER_LIST`` vectors to train on)."""
    target = LISTS_PER_ROOT * math.sqrt(max(count, 1))
    lists = int(min(MAX_LISTS, max(MIN_LISTS, 2 ** round(math.log2(target)))))
    return max(1, min(lists, count // TRAIN_PER_LIST))


def probes_for(lists: int) -> int:
    """How many lists a query scans."""
    return min(lists, max(PROBES, lists // PROBE_SHARE))


class VectorStore:
    def __init__(self, dim: int) -> None:
        self.dim = dim
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def approximate(self) -> bool:
        """True for the inverted-file index, False for exact search."""
        return isinstance(self._index, faiss.IndexIVF)

    @property
    def lists(self) -> int:
        """Inverted lists of the approximate index (0 for exact search)."""
        return int(self._index.nlist) if self.approximate else 0

    @classmethod
    def approximate_from(cls, dim: int, ids: np.ndarray, vectors: np.ndarray, *, seed: int = 1) -> VectorStore:
        """An inverted-file index of ``vectors``: list centroids trained by k-means on a sample of them."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        lists = lists_for(len(vectors))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
        sample = vectors
        if len(vectors) > TRAIN_PER_LIST * lists:
            rows = np.random.default_rng(seed).choice(len(vectors), TRAIN_PER_LIST * lists, replace=False)
            sample = vectors[np.sort(rows)]
        index.cp.max_points_per_centroid = TRAIN_PER_LIST
        limit = os.environ.get("OMP_THREAD_LIMIT", "")
        threads = min(_threads, int(limit)) if limit.isdigit() and int(limit) > 0 else _threads
        faiss.omp_set_num_threads(threads)  # in this thread (see set_threads); above the limit k-means never ends
        index.train(sample)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]  # remove, reconstruct by id
        index.add_with_ids(vectors, np.ascontiguousarray(ids, dtype=np.int64))
        store = cls(dim)
        store._index = index
        store._probe()
        return store

    def _probe(self) -> None:
        if self.approximate:
            self._index.nprobe = probes_for(self._index.nlist)

    def _lists(self, with_vectors: bool) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors or an empty array) read from the inverted lists."""
        lists = self._index.invlists
        ids, vectors = [np.zeros(0, np.int64)], [np.zeros((0, self.dim), np.float32)]
        for number in range(self._index.nlist):
            count = lists.list_size(number)
            if count:
                ids.append(faiss.rev_swig_ptr(lists.get_ids(number), count).astype(np.int64))
                if with_vectors:
                    codes = faiss.rev_swig_ptr(lists.get_codes(number), count * self.dim * 4)
                    vectors.append(np.frombuffer(codes.tobytes(), dtype=np.float32).reshape(count, self.dim))
        return np.concatenate(ids), np.concatenate(vectors)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) of everything stored, in storage order."""
        if self.approximate:
            return self._lists(with_vectors=True)
        count = self.size
        vectors = self._index.index.reconstruct_n(0, count) if count else np.zeros((0, self.dim), np.float32)
        return self.ids(), np.asarray(vectors, dtype=np.float32).reshape(count, self.dim)

    def fitted(self, approximate_from: int) -> VectorStore:
        """This store, or the same vectors in the kind of index their number calls for: approximate from
        ``approximate_from`` vectors on (0: never), exact again below half of that (no flapping around the
        limit), and an approximate index re-trained once it holds four times what its lists were made for."""
        size = self.size
        if self.approximate:
            wanted = approximate_from > 0 and size >= approximate_from // 2
            if wanted and lists_for(size) < 2 * self.lists:
                return self
        else:
            wanted = 0 < approximate_from <= size
            if not wanted:
                return self
        ids, vectors = self.arrays()
        if wanted:
            return VectorStore.approximate_from(self.dim, ids, vectors)
        return VectorStore.from_arrays(self.dim, ids, vectors)

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
        store._probe()
        return store

    def copy(self) -> VectorStore:
        """An independent copy: writers change a copy and swap it in, readers never see half a change."""
        clone = VectorStore(self.dim)
        clone._index = faiss.clone_index(self._index)
        clone._probe()
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
        if self.approximate:
            return self._lists(with_vectors=False)[0]
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
