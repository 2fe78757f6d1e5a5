"""Schema versions of both SQLite files: new files, older files migrated forward, newer files refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import BotStore
from index.catalog import Catalog
from index.catalog_schema import SCHEMA as CATALOG_SCHEMA
from index.database import Database, Schema, SchemaTooNew, statements
from tests.corpus import DATA


def columns(path: Path) -> dict[str, set[tuple[str, str]]]:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: {(c[1], c[2]) for c in db.execute(f"PRAGMA table_info('{t}')")} for t in tables}
    finally:
        db.close()


def _version_0_catalog(path: Path) -> None:
    """A catalog as nqbot 0.1 wrote it: no schema version, ISO timestamps."""
    db = sqlite3.connect(path)
    db.executescript((DATA / "schemas" / "catalog-v1.sql").read_text())
    db.execute("INSERT INTO documents(id, doc_key, number, active_version, created_at, updated_at) "
               "VALUES (1, '57-NQ/TW', '57-NQ/TW', 1, '2025-01-02T03:04:05+00:00', '2025-01-03T00:00:00+00:00')")
    db.execute("INSERT INTO versions(id, document_id, version_no, status, content_hash, source_name, method, "
               "identity, text, created_at) VALUES (1, 1, 1, 'active', 'h', 'a.txt', 'txt', '{}', 'x', "
               "'2025-01-02T03:04:05+00:00')")
    db.commit()
    db.close()


def test_new_catalog_records_its_schema_version(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    assert catalog.schema_version == CATALOG_SCHEMA.version
    assert catalog.migrated_from is None
    catalog.close()


def test_old_catalog_is_migrated_to_the_current_schema(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    _version_0_catalog(old)
    catalog = Catalog(old)
    assert catalog.migrated_from == 0
    assert catalog.schema_version == CATALOG_SCHEMA.version
    document = catalog.document(1)
    assert document is not None and document.updated_at == 1735862400.0  # 2025-01-03T00:00:00Z
    assert catalog.versions(1)[0].created_at == 1735787045.0  # 2025-01-02T03:04:05Z
    catalog.close()
    fresh = tmp_path / "fresh.sqlite3"
    Catalog(fresh).close()
    assert columns(old) == columns(fresh)  # migrating gives exactly the schema a new file gets


def test_a_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    BotStore(path).close()
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(SchemaTooNew) as error:
        BotStore(path)
    assert "99" in str(error.value) and "upgrade nqbot" in str(error.value)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 99
    db.close()


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    Database(path, Schema(1, "CREATE TABLE t(a INTEGER);")).close()
    broken = Schema(3, "", {2: "ALTER TABLE t ADD COLUMN b TEXT;", 3: "ALTER TABLE missing ADD COLUMN c TEXT;"})
    with pytest.raises(sqlite3.OperationalError):
        Database(path, broken)
    assert columns(path) == {"t": {("a", "INTEGER")}}
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()


def test_statements_keep_triggers_whole() -> None:
    script = "CREATE TABLE a(x);\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n  DELETE FROM a;\nEND;\nSELECT 1;"
    assert len(statements(script)) == 3
