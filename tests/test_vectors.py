"""The FAISS store searched from worker threads, as the bot does."""

from __future__ import annotations

import threading

import numpy as np

from index.vectors import VectorStore, set_threads


def test_worker_threads_can_search_at_once_under_a_one_thread_openmp_limit() -> None:
    """``OMP_THREAD_LIMIT=1`` (set for tesseract, and by the test run) made FAISS hang in any thread but the one
    that had set its thread count: the bot answers from a pool of worker threads."""
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((12_000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    store = VectorStore.from_arrays(384, np.arange(12_000), vectors)
    set_threads(1)
    found: list[int] = []

    def ask() -> None:
        for i in range(50):
            found.append(store.search(vectors[i], 5)[0][0])

    workers = [threading.Thread(target=ask, daemon=True) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers)
    assert sorted(found) == sorted(list(range(50)) * 2)  # each vector is its own nearest neighbour
