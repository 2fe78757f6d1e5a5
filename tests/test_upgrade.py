"""Upgrades: a data directory written by this release, opened by a next release whose schemas changed (simulated
by the next schema versions of both databases), is backed up automatically, then migrated in place — same
documents, same answers; a failed backup changes nothing; a newer data directory is refused."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot import store
from bot.cli import main
from bot.operations.archive import check_archive
from bot.operations.databases import DataPaths
from bot.operations.restore import restore
from index import catalog
from index.database import Schema
from index.embedders.base import Embedder
from index.engine import Engine
from tests.plugins.engine import make_settings
from tests.plugins.operations import QUESTIONS, copy_data


def _next(schema: Schema, change: str) -> Schema:
    """The schema after one more release: new files get ``change`` too, older files are migrated by it."""
    return Schema(schema.version + 1, schema.create + change, {**schema.migrations, schema.version + 1: change})


def _version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def _columns(path: Path, table: str) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [row[1] for row in db.execute(f"PRAGMA table_info('{table}')")]


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, e5_model_dir: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("NQBOT_MODELS_DIR", str(e5_model_dir.parent))
    monkeypatch.delenv("NQBOT_BACKUP_DIR", raising=False)
    monkeypatch.chdir(tmp_path)


def _answers(data: Path, embedder: Embedder, models: Path) -> list[list[tuple[int, str]]]:
    engine = Engine(make_settings(data, models), embedder=embedder)
    try:
        return [[(c.chunk_id, c.quote) for c in engine.ask(q).citations] for q in QUESTIONS]
    finally:
        engine.close()


def test_this_release_s_data_directory_opens_after_a_schema_change(
    ops_data: Path, tmp_path: Path, cli_env: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], e5_embedder: Embedder, e5_model_dir: Path,
) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    before = _answers(data, e5_embedder, e5_model_dir.parent)
    old_catalog, old_bot = catalog.SCHEMA.version, store.SCHEMA.version
    monkeypatch.setattr(catalog, "SCHEMA", _next(catalog.SCHEMA, "\nALTER TABLE documents ADD COLUMN summary TEXT;"))
    monkeypatch.setattr(store, "SCHEMA", _next(store.SCHEMA, "\nCREATE TABLE IF NOT EXISTS notes(user_id INTEGER);"))

    assert main(["--data-dir", str(data), "docs", "list"]) == 0  # any command that opens the catalog
    captured = capsys.readouterr()
    assert "127-KL/TW" in captured.out
    assert "đã tự động sao lưu trước" in captured.err
    [first] = sorted((data / "backups").glob("nqbot-pre-upgrade-*.tar.gz"))
    manifest = check_archive(first).manifest
    assert manifest.schemas == {"catalog": old_catalog, "bot": old_bot}  # taken before the migration
    assert _version(data / "catalog.sqlite3") == old_catalog + 1  # both databases migrated after the backup
    assert _version(data / "bot.sqlite3") == old_bot + 1
    assert "summary" in _columns(data / "catalog.sqlite3", "documents")
    assert _answers(data, e5_embedder, e5_model_dir.parent) == before

    assert main(["--data-dir", str(data), "audit"]) == 0  # current now: no second backup
    assert "cấp quyền" in capsys.readouterr().out
    assert len(list((data / "backups").glob("*.tar.gz"))) == 1

    restored = restore(first, tmp_path / "restored")  # the pre-upgrade backup restores into the new release
    assert restored.counts_equal and restored.report.clean
    assert _version(tmp_path / "restored" / "catalog.sqlite3") == old_catalog + 1
    assert _answers(tmp_path / "restored", e5_embedder, e5_model_dir.parent) == before


def test_no_migration_without_its_backup(ops_data: Path, tmp_path: Path, cli_env: None,
                                         monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    (tmp_path / "not-a-directory").write_text("")
    monkeypatch.setenv("NQBOT_BACKUP_DIR", str(tmp_path / "not-a-directory"))
    monkeypatch.setattr(catalog, "SCHEMA", _next(catalog.SCHEMA, "\nALTER TABLE documents ADD COLUMN summary TEXT;"))
    assert main(["--data-dir", str(data), "docs", "list"]) == 2
    assert "không sao lưu trước được" in capsys.readouterr().err
    assert _version(data / "catalog.sqlite3") == catalog.SCHEMA.version - 1  # untouched


def test_a_newer_data_directory_is_refused_untouched(ops_data: Path, tmp_path: Path, cli_env: None,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    with closing(sqlite3.connect(data / "catalog.sqlite3")) as db:
        db.execute("PRAGMA user_version = 99")
        db.commit()
    assert main(["--data-dir", str(data), "docs", "list"]) == 2
    err = capsys.readouterr().err
    assert "phiên bản nqbot mới hơn" in err and "99" in err and "Traceback" not in err
    assert _version(data / "catalog.sqlite3") == 99
    assert not (data / "backups").exists()
    assert DataPaths.of(data).catalog.is_file()
