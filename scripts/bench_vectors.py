"""Exact (flat) against approximate (inverted-file) vector search at 100k and 1M synthetic passages.

    .venv/bin/python scripts/bench_vectors.py [--data-dir DIR] [--sizes 100000 1000000] [--threads 1]

The synthetic passages keep the shape of real ones: each is a real passage vector of DIR's library (the full
shared corpus, ~12k) moved by Gaussian noise with the covariance of the real vectors, then normalised, so
the set is as anisotropic as e5's vectors are and as clustered as a library of many versions of similar
texts; the nearest-neighbour cosines of real and synthetic passages are printed to compare. Queries are
the ~300 benchmark questions (``scripts/benchmark_questions.py``) embedded by the configured question
embedder. For each size: build time, index memory, p50/p95 single-query search latency (top 10 of 50
candidates, as retrieval asks) and recall@10 against exact search, for the probe counts around the default.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark_questions import add_shared_argument, legal_questions, negatives, positives  # noqa: E402

from config.settings import Settings  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.retrieval import CANDIDATES  # noqa: E402
from index.vectors import VectorStore, probes_for, set_threads  # noqa: E402


def synthetic(real: np.ndarray, count: int, noise: float, seed: int = 7) -> np.ndarray:
    """``count`` unit vectors: random real vectors plus covariance-shaped noise (see the module docstring)."""
    rng = np.random.default_rng(seed)
    centred = real - real.mean(axis=0)
    # Noise with the real covariance: random combinations of centred real vectors, scaled to unit variance.
    out = np.empty((count, real.shape[1]), dtype=np.float32)
    for start in range(0, count, 100_000):
        n = min(100_000, count - start)
        mix = rng.standard_normal((n, 64)).astype(np.float32) / 8.0
        basis = centred[rng.integers(0, len(real), 64)]
        block = real[rng.integers(0, len(real), n)] + noise * (mix @ basis)
        out[start : start + n] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def nearest_cosines(vectors: np.ndarray, sample: int = 500) -> float:
    """Median cosine of a vector to its nearest other vector (on a sample)."""
    rows = vectors[:sample]
    scores = rows @ vectors.T
    scores[np.arange(len(rows)), np.arange(len(rows))] = -1
    return float(np.median(scores.max(axis=1)))


def timed_search(store: VectorStore, queries: np.ndarray) -> tuple[list[list[int]], float, float]:
    results, times = [], []
    for query in queries:
        t0 = time.perf_counter()
        hits = store.search(query, CANDIDATES)
        times.append((time.perf_counter() - t0) * 1000)
        results.append([chunk for chunk, _ in hits[:10]])
    q = statistics.quantiles(times, n=100)
    return results, q[49], q[94]


def recall(found: list[list[int]], truth: list[list[int]]) -> float:
    return statistics.fmean(len(set(f) & set(t)) / len(t) for f, t in zip(found, truth, strict=True))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads (the engine uses 1)")
    parser.add_argument("--noise", type=float, default=0.5,
                        help="noise scale (0.5: nearest neighbours as close as in the real library)")
    add_shared_argument(parser)
    args = parser.parse_args()
    engine = Engine(Settings(data_dir=args.data_dir))
    _, real = engine.catalog.active_embeddings()
    questions = [q for q, _ in positives()] + negatives() + legal_questions(args.shared)
    queries = np.stack([engine.embed_question(q) for q in questions]).astype(np.float32)
    set_threads(args.threads)
    print(f"real passages: {len(real)}, queries: {len(queries)}, FAISS threads: {args.threads}")
    print(f"median nearest-neighbour cosine: real {nearest_cosines(real):.3f}, "
          f"synthetic {nearest_cosines(synthetic(real, len(real), args.noise)):.3f} (at the real library's size)")
    for size in args.sizes:
        vectors = synthetic(real, size, args.noise)
        ids = np.arange(size, dtype=np.int64)
        before = rss_mb()
        t0 = time.perf_counter()
        flat = VectorStore.from_arrays(vectors.shape[1], ids, vectors)
        flat_build = time.perf_counter() - t0
        flat_mb = rss_mb() - before
        truth, p50, p95 = timed_search(flat, queries)
        print(f"\n{size:,} passages")
        print(f"  flat        build {flat_build:6.1f} s  memory {flat_mb:6.0f} MiB  search p50 {p50:6.2f} ms"
              f"  p95 {p95:6.2f} ms  recall@10 1.000")
        before = rss_mb()
        t0 = time.perf_counter()
        ivf = VectorStore.approximate_from(vectors.shape[1], ids, vectors)
        ivf_build = time.perf_counter() - t0
        ivf_mb = rss_mb() - before
        default = probes_for(ivf.lists)
        for probes in sorted({max(1, default // 2), default, default * 2}):
            ivf._index.nprobe = probes
            found, p50, p95 = timed_search(ivf, queries)
            mark = " (default)" if probes == default else ""
            print(f"  ivf {ivf.lists:4d}/{probes:<4d} build {ivf_build:6.1f} s  memory {ivf_mb:6.0f} MiB  search p50 "
                  f"{p50:6.2f} ms  p95 {p95:6.2f} ms  recall@10 {recall(found, truth):.3f}{mark}")
        del flat, ivf, vectors
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
