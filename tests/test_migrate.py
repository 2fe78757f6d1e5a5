"""``nqbot migrate --to postgresql://…``: an SQLite installation copied into PostgreSQL answers the same; refusals."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from bot.audit import Action
from bot.cli import main
from bot.store import BotStore, store_path
from bot.store_postgres import PostgresBotStore
from config.database_url import redact
from index.catalog import Catalog
from index.database import UnrecognisedDatabase
from index.embedders.base import Embedder
from index.engine import Engine
from tests.corpus import party_path
from tests.plugins.engine import make_settings
from tests.test_store import NOTICE_V1, NOTICE_V2, _write

QUESTIONS = ("Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?", "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?",
             "nghi quyet 57 ve chuyen doi so", "Mỗi chi bộ cử ai phụ trách chuyển đổi số?")


def _answers(engine: Engine) -> list[list[tuple[int, str]]]:
    return [[(c.chunk_id, c.quote) for c in engine.ask(q).citations] for q in QUESTIONS]


def test_migrate_copies_everything_and_answers_the_same(
    tmp_path: Path, pg_url: str, e5_embedder: Embedder, e5_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    sqlite = Engine(make_settings(data, e5_model_dir.parent), embedder=e5_embedder)
    sqlite.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    sqlite.ingest_path(_write(tmp_path / "tb920-v2.txt", NOTICE_V2))  # history: a superseded version
    sqlite.ingest_path(party_path("57-NQ-TW.txt"))
    before = _answers(sqlite)
    sqlite.close()
    store = BotStore(store_path(data), admin_ids=[7])
    store.set_role(8, "member", by=7)
    question = store.log_question(chat_id=8, user_id=8, text="q", found=True, citations=1, document_id=1, millis=5)
    store.set_feedback(question, 8, 1)
    store.audit(7, Action.GRANT, "8")
    store.close()

    code = main(["--data-dir", str(data), "migrate", "--to", pg_url, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["equal"], out
    counts = out["counts"]
    assert counts["versions"] == {"sqlite": 3, "postgresql": 3} and counts["users"]["postgresql"] == 2
    assert counts["passages_in_search"]["postgresql"] == counts["vectors_in_search"]["postgresql"] > 0
    assert counts["stored_files"]["postgresql"] == 3

    postgres = Engine(make_settings(tmp_path / "elsewhere", e5_model_dir.parent, database_url=pg_url),
                      embedder=e5_embedder)
    try:
        assert _answers(postgres) == before  # same passages (same ids), same quotes
        document = postgres.resolve("57-NQ/TW")
        assert document is not None
        original = postgres.source_file(document.id)  # another machine: fetched from the database
        assert original is not None and original.read_bytes() == party_path("57-NQ-TW.txt").read_bytes()
        added = postgres.ingest_path(_write(tmp_path / "tb921.txt", NOTICE_V1.replace("920-TB", "921-TB")))
        assert added.status == "added" and added.document is not None and added.document.id == 3  # ids go on
    finally:
        postgres.close()
    bot = PostgresBotStore(pg_url, admin_ids=[7])
    try:
        assert bot.role(8) == "member" and bot.feedback(question) == {8: 1}
        assert bot.log_question(chat_id=8, user_id=8, text="q2", found=False, citations=0, document_id=None,
                                millis=1) == question + 1
    finally:
        bot.close()

    assert main(["--data-dir", str(data), "migrate", "--to", pg_url]) == 2  # not into a library
    assert "nqbot" in capsys.readouterr().err


def test_a_database_nqbot_did_not_create_is_refused(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(UnrecognisedDatabase, match="public.invoices"):
        PostgresBotStore(pg_url)
    with psycopg.connect(pg_url, autocommit=True) as connection:
        assert connection.execute("SELECT to_regclass('nqbot.users')").fetchone() == (None,)  # nothing written


def test_a_newer_schema_is_refused_and_passwords_never_shown(pg_url: str, capsys: pytest.CaptureFixture[str],
                                                               tmp_path: Path) -> None:
    PostgresBotStore(pg_url).close()
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute("UPDATE nqbot.schema_versions SET version = 99 WHERE store = 'bot'")
    with pytest.raises(Exception, match="newer than this nqbot"):
        PostgresBotStore(pg_url)
    assert redact("postgresql://nqbot:s3cret@db.example/nqbot") == "postgresql://nqbot:***@db.example/nqbot"
    assert redact("postgresql://u@/db?host=/run/postgresql&password=s3cret") == \
        "postgresql://u@/db?host=/run/postgresql&password=***"
    url = "postgresql://nqbot:s3cret@127.0.0.1:1/nqbot?connect_timeout=1"
    Catalog(tmp_path / "catalog.sqlite3").close()
    assert main(["--data-dir", str(tmp_path), "migrate", "--to", url]) == 2
    err = capsys.readouterr().err
    assert "s3cret" not in err and "cannot connect" in err
