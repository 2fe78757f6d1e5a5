"""``nqbot verify`` on a live data directory: clean when whole, and each kind of damage named."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from bot.cli import main
from bot.operations.databases import DataPaths, Level
from bot.operations.verify import verify
from index.catalog import SCHEMA
from index.vectors import VectorStore
from tests.plugins.operations import copy_data


def _codes(data: Path, level: Level | None = None) -> list[str]:
    return [f.code for f in verify(DataPaths.of(data)).findings if level is None or f.level == level]


def _sql(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for statement in statements:
            db.execute(statement)


def test_a_whole_data_directory_is_clean(ops_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert _codes(ops_data) == ["ok_database", "ok_fts", "ok_database", "ok_vectors", "ok_files"]
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(ops_data), "verify"]) == 0
    out = capsys.readouterr().out
    assert f"✓ catalog.sqlite3: lược đồ {SCHEMA.version}, toàn vẹn" in out and "Kiểm tra: không có lỗi." in out


def test_damaged_originals_are_named(ops_data: Path, tmp_path: Path) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    first, second = sorted((data / "files").iterdir())
    raw = bytearray(first.read_bytes())
    raw[len(raw) // 2] ^= 0x20
    first.write_bytes(bytes(raw))
    second.unlink()
    (data / "files" / "stray.txt").write_text("left over")
    report = verify(DataPaths.of(data))
    assert sorted(f.code for f in report.problems) == ["file_hash", "file_missing"]
    assert {f.fields["file"] for f in report.problems} == {first.name, second.name}
    assert "orphans" in _codes(data, Level.NOTE)


def test_stale_or_missing_vectors(ops_data: Path, tmp_path: Path) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    path = next(data.glob("vectors-*.faiss"))
    store = VectorStore.load(path)
    ids = store.ids()
    smaller = VectorStore(store.dim)
    smaller.add(ids[1:], np.ones((len(ids) - 1, store.dim), dtype=np.float32))
    smaller.save(path)
    [problem] = verify(DataPaths.of(data)).problems
    assert problem.code == "vectors_mismatch" and problem.fields["missing"] == 1 and problem.fields["extra"] == 0
    path.unlink()
    assert _codes(data, Level.NOTE) == ["vectors_missing"] and verify(DataPaths.of(data)).clean  # rebuilt on start


def test_a_damaged_keyword_index(ops_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    catalog = data / "catalog.sqlite3"
    # A text changed behind FTS5's back (in its content table): the index no longer matches its content.
    _sql(catalog, "UPDATE chunks_fts_content SET c0 = 'khong phai noi dung nay' "
                  "WHERE id = (SELECT MIN(id) FROM chunks_fts_content)")
    assert "fts" in _codes(data, Level.PROBLEM)
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(data), "verify"]) == 1
    assert "✗ Chỉ mục từ khóa (FTS5) hỏng" in capsys.readouterr().out

    data = copy_data(ops_data, tmp_path / "data2")
    _sql(data / "catalog.sqlite3", "DELETE FROM chunks_fts WHERE rowid = (SELECT MIN(rowid) FROM chunks_fts)")
    assert _codes(data, Level.PROBLEM) == ["fts_rows"]


def test_schema_versions(ops_data: Path, tmp_path: Path) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    _sql(data / "bot.sqlite3", "PRAGMA user_version = 1")
    assert _codes(data, Level.NOTE) == ["schema_old"]
    _sql(data / "catalog.sqlite3", "PRAGMA user_version = 9")
    assert _codes(data, Level.PROBLEM) == ["schema_new"]


def test_a_damaged_database_file(ops_data: Path, tmp_path: Path) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    path = data / "bot.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    raw = bytearray(path.read_bytes())
    for page in range(1, pages):  # scribble over every page but the first (the header stays readable)
        raw[page * page_size + 8: page * page_size + 40] = b"\xff" * 32
    path.write_bytes(bytes(raw))
    assert "integrity" in _codes(data, Level.PROBLEM)
