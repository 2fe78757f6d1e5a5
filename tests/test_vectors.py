"""The vector store: exact search up to the configured size, an approximate index above it that finds what
exact search finds, and both kinds behave the same to the rest of nqbot (add, remove, scores, files, searches
from worker threads)."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from index.vectors import VectorStore, lists_for, probes_for, set_threads

DIM = 64


@pytest.fixture(autouse=True)
def one_thread() -> None:
    """As the engine runs FAISS (NQBOT_QUERY_THREADS=1)."""
    set_threads(1)


def _clustered(count: int, seed: int, centres: int = 300) -> np.ndarray:
    """Unit vectors around random centres, like embeddings of texts on a few hundred topics."""
    rng = np.random.default_rng(seed)
    centre = rng.standard_normal((centres, DIM)).astype(np.float32)
    vectors = centre[rng.integers(0, centres, count)] + 0.35 * rng.standard_normal((count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _store(count: int, approximate: bool, seed: int = 1) -> tuple[VectorStore, np.ndarray, np.ndarray]:
    vectors = _clustered(count, seed)
    ids = np.arange(count, dtype=np.int64) * 3 + 7  # chunk ids are not positions
    maker = VectorStore.approximate_from if approximate else VectorStore.from_arrays
    return maker(DIM, ids, vectors), ids, vectors


def test_approximate_search_finds_what_exact_search_finds() -> None:
    exact, ids, vectors = _store(20_000, approximate=False)
    approximate = VectorStore.approximate_from(DIM, ids, vectors)
    assert approximate.approximate and approximate.lists == lists_for(20_000)
    queries = _clustered(200, seed=2)
    found = [
        len({i for i, _ in approximate.search(q, 10)} & {i for i, _ in exact.search(q, 10)}) / 10 for q in queries
    ]
    assert float(np.mean(found)) >= 0.99
    best, score = approximate.search(queries[0], 1)[0]
    assert score == pytest.approx(float(vectors[(best - 7) // 3] @ queries[0]), abs=1e-5)  # a true cosine


def test_the_switch_happens_at_the_configured_size_and_back_below_half() -> None:
    flat, _, _ = _store(2_000, approximate=False)
    assert flat.fitted(0) is flat  # 0: always exact
    assert flat.fitted(2_001) is flat
    switched = flat.fitted(2_000)
    assert switched.approximate and not flat.approximate
    assert np.array_equal(np.sort(switched.ids()), np.sort(flat.ids()))
    assert switched.fitted(3_000) is switched  # 2,000 ≥ half of 3,000: no flapping around the limit
    back = switched.fitted(5_000)
    assert not back.approximate and back.size == 2_000
    assert not switched.fitted(0).approximate


def test_an_approximate_index_is_retrained_when_it_has_grown_fourfold() -> None:
    small, _, _ = _store(4_000, approximate=True)
    lists = small.lists
    vectors = _clustered(16_000, seed=3)
    small.add(np.arange(10**6, 10**6 + 16_000, dtype=np.int64), vectors)
    grown = small.fitted(1_000)
    assert grown is not small and grown.lists == lists_for(20_000) >= 2 * lists
    assert grown.fitted(1_000) is grown


def test_approximate_store_removes_scores_copies_and_saves_like_the_exact_one(tmp_path: Path) -> None:
    store, ids, vectors = _store(3_000, approximate=True)
    store.remove([int(ids[0]), int(ids[1])])
    assert store.size == 2_998 and int(ids[0]) not in set(store.ids().tolist())
    scores = store.scores_for(vectors[5], [int(ids[5]), int(ids[0])])
    assert list(scores) == [int(ids[5])] and scores[int(ids[5])] == pytest.approx(1.0, abs=1e-5)
    copy = store.copy()
    copy.remove([int(ids[2])])
    assert (store.size, copy.size) == (2_998, 2_997)
    store.save(tmp_path / "vectors.faiss")
    loaded = VectorStore.load(tmp_path / "vectors.faiss")
    assert loaded.approximate and loaded.size == 2_998
    assert loaded.search(vectors[9], 1)[0][0] == int(ids[9])
    assert loaded._index.nprobe == probes_for(loaded.lists)
    loaded_ids, loaded_vectors = loaded.arrays()
    order = np.argsort(loaded_ids)
    assert np.array_equal(loaded_ids[order], ids[2:]) and np.allclose(loaded_vectors[order], vectors[2:])


def test_training_keeps_within_the_openmp_thread_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under OMP_THREAD_LIMIT=1 (as the tests and OCR run), k-means on more threads never finished."""
    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    set_threads(2)
    store, _, _ = _store(2_000, approximate=True)
    assert store.approximate


def test_a_tiny_library_can_be_approximate_too() -> None:
    """A configured limit of a few passages must not break k-means (one list per 40 vectors at least)."""
    store, ids, vectors = _store(30, approximate=False)
    tiny = store.fitted(10)
    assert tiny.approximate and tiny.lists == 1
    assert tiny.search(vectors[4], 1)[0][0] == int(ids[4])


@pytest.mark.parametrize("approximate", [False, True])
def test_worker_threads_can_search_at_once_under_a_one_thread_openmp_limit(approximate: bool) -> None:
    """``OMP_THREAD_LIMIT=1`` (set for tesseract, and by the test run) made FAISS hang in any thread but the one
    that had set its thread count: the bot answers from a pool of worker threads."""
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((12_000, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    maker = VectorStore.approximate_from if approximate else VectorStore.from_arrays
    store = maker(384, np.arange(12_000), vectors)
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
