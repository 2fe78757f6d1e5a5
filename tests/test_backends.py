"""The two storage backends give the same results: keyword scores (FTS5's BM25 in SQLite, the same BM25 computed
in PostgreSQL), dense neighbours (FAISS flat, pgvector HNSW) and the fused ranking, on the same texts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.embedders.base import Embedder
from index.engine import Engine
from index.keywords import query_terms
from tests.corpus import party_path
from tests.plugins.engine import make_settings
from tests.test_store import NOTICE_V1, NOTICE_V2, _write

QUESTIONS = ("Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?", "chuyen doi so trong cac co quan Dang",
             "Quy định 383 về công tác kiểm tra", "mỗi chi bộ cử một đảng viên", "数字化转型")


def test_both_backends_rank_alike(tmp_path: Path, pg_url: str, e5_embedder: Embedder, e5_model_dir: Path) -> None:
    engines = [Engine(make_settings(tmp_path / "sqlite", e5_model_dir.parent), embedder=e5_embedder),
               Engine(make_settings(tmp_path / "pg", e5_model_dir.parent, database_url=pg_url), embedder=e5_embedder)]
    try:
        for engine in engines:  # the same ingests in the same order: the same ids
            engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
            engine.ingest_path(party_path("383-QD-TW.txt"))
            engine.ingest_path(_write(tmp_path / "tb920-v2.txt", NOTICE_V2))  # a version leaves search
        sqlite, postgres = engines
        for question in QUESTIONS:
            terms = query_terms(sqlite.rewrite(question))
            expected = sqlite.catalog.search_terms(terms, 50)
            found = postgres.catalog.search_terms(terms, 50)
            assert [i for i, _ in found] == [i for i, _ in expected], question
            assert [s for _, s in found] == pytest.approx([s for _, s in expected], rel=1e-9)
            assert postgres.catalog.passage_frequencies(terms) == sqlite.catalog.passage_frequencies(terms)
            dense = [(h.chunk_id, h.score) for h in sqlite.retrieve(question, limit=10, mode="dense")]
            assert [(h.chunk_id, pytest.approx(h.score, abs=1e-5))
                    for h in postgres.retrieve(question, limit=10, mode="dense")] == dense
            assert [h.chunk_id for h in postgres.retrieve(question, limit=10)] == \
                [h.chunk_id for h in sqlite.retrieve(question, limit=10)]
        assert postgres.stats() == sqlite.stats()
        assert postgres.restorer.restore("so hoa ho so luu tru") == sqlite.restorer.restore("so hoa ho so luu tru")
    finally:
        for engine in engines:
            engine.close()


def test_the_embedded_default_loads_no_postgresql_driver(tmp_path: Path) -> None:
    """`make run` on SQLite + FAISS needs no PostgreSQL client: the bot, the CLI and the engine start without it."""
    code = ("import sys, bot.cli, bot.telegram.app, bot.telegram.webhook, bot.stores, index.backends\n"
            "from config.settings import Settings\n"
            f"store = bot.stores.open_bot_store(Settings(data_dir={str(tmp_path)!r}, _env_file=None))\n"
            "store.close()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('psycopg', 'psycopg_pool')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).parent.parent, env={**os.environ, "NQBOT_DATABASE_URL": ""})
    assert done.stdout.strip() == "[]"
