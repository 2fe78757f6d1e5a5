"""``nqbot migrate --to postgresql://…``: copy an SQLite + FAISS installation into PostgreSQL, and prove by counts
that nothing was lost.

The source is a data directory as the bot leaves it (``catalog.sqlite3``, ``bot.sqlite3``, ``files/``); it is only
read (an older one is first backed up and brought up to date, as any command does). The target must be an empty
database (or one nqbot created and nothing wrote into yet): nqbot creates its tables there, copies every row with
its id (so chunk ids, question ids and the buttons that name them stay valid), turns each passage's stored
embedding into a pgvector value and its text into the keyword terms FTS5 had, counts terms, builds the HNSW index
last, and copies the stored originals into the database. The FAISS file is not read: the embeddings in
``catalog.sqlite3`` are the source of truth.

Then both sides are counted with the same queries (the backup manifest's counts) and any difference is reported;
the command exits 1 when there is one."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.operations.databases import DataPaths
from bot.operations.errors import OperationError, Refusal
from index import catalog as sqlite_catalog
from index.keywords import TERMS_VERSION, index_terms

log = logging.getLogger("bot.operations.migrate")

#: Catalog tables copied as they are (column for column), in an order that respects their references.
CATALOG_TABLES = ("meta", "documents", "versions", "outline", "vocabulary", "relations", "abbreviations")

ProgressFn = Callable[[str, int], None]


@dataclass
class MigrateResult:
    #: name → (SQLite count, PostgreSQL count), for the catalog's and the bot store's counts.
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    files: int = 0
    seconds: float = 0.0

    @property
    def equal(self) -> bool:
        return all(source == target for source, target in self.counts.values())


def _rows(db: sqlite3.Connection, sql: str) -> Iterable[tuple[Any, ...]]:
    cursor = db.execute(sql)
    while batch := cursor.fetchmany(2000):
        yield from batch


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def _quoted(columns: Sequence[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _copy(connection: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with connection.cursor().copy(f"COPY nqbot.{table} ({_quoted(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _reset_identity(connection: Any, table: str) -> None:
    """After rows were copied with their ids, new rows get the next ids."""
    connection.execute(f"SELECT setval(pg_get_serial_sequence('nqbot.{table}', 'id'), "
                       f"COALESCE((SELECT MAX(id) FROM nqbot.{table}), 0) + 1, false)")


def _chunks(db: sqlite3.Connection) -> Iterable[tuple[Any, ...]]:
    from index.catalog_postgres import tsvector_literal, vector_literal

    active = {r[0] for r in db.execute("SELECT active_version FROM documents WHERE active_version IS NOT NULL")}
    for row in _rows(db, 'SELECT id, version_id, ordinal, locator, heading, start, "end", text, embedding '
                         "FROM chunks ORDER BY id"):
        terms, length = tsvector_literal(index_terms(f"{row[4]}\n{row[7]}"))
        vector = vector_literal(np.frombuffer(row[8], dtype=np.float32)) if row[8] is not None else None
        yield (*row[:8], vector, terms, length, row[1] in active)


def migrate(paths: DataPaths, url: str, *, progress: ProgressFn = lambda step, count: None) -> MigrateResult:
    """Copy ``paths`` into the PostgreSQL database at ``url`` (see the module docstring)."""
    from bot.store import COUNTS as BOT_COUNTS
    from bot.store_postgres import TABLES as BOT_TABLES
    from bot.store_postgres import PostgresBotStore
    from index.catalog_postgres import PostgresCatalog, ensure_vector_index

    started = time.perf_counter()
    if not paths.catalog.is_file():
        raise OperationError(Refusal.NO_LIBRARY, str(paths.data_dir))
    catalog = PostgresCatalog(url)
    store = PostgresBotStore(url)
    result = MigrateResult()
    try:
        if catalog._one("SELECT COUNT(*) FROM documents")[0] or store._one("SELECT COUNT(*) FROM users")[0]:  # type: ignore[index]
            raise OperationError(Refusal.DATABASE_NOT_EMPTY, catalog.location)
        with closing(sqlite3.connect(f"file:{paths.catalog}?mode=ro", uri=True)) as source, \
                catalog.transaction() as db:
            connection = db.connection
            connection.execute("DELETE FROM nqbot.meta")
            for table in CATALOG_TABLES:
                columns = _columns(source, table)
                progress(table, _copy(connection, table, columns,
                                      _rows(source, f"SELECT {_quoted(columns)} FROM {table}")))
            columns = ["id", "version_id", "ordinal", "locator", "heading", "start", "end", "text", "embedding",
                       "terms", "length", "active"]
            progress("chunks", _copy(connection, "chunks", columns, _chunks(source)))
            connection.execute("INSERT INTO nqbot.term_passages(term, passages) SELECT u.lexeme, COUNT(*) "
                               "FROM nqbot.chunks c, unnest(c.terms) u WHERE c.active GROUP BY u.lexeme")
            connection.execute("INSERT INTO nqbot.meta(key, value) VALUES ('terms_version', %s) "
                               "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (TERMS_VERSION,))
            for table in ("documents", "versions", "chunks"):
                _reset_identity(connection, table)
            dim = source.execute("SELECT value FROM meta WHERE key = 'dim'").fetchone()
            if dim is not None:
                ensure_vector_index(db, int(dim[0]))
                progress("vector index", int(dim[0]))
            stored = [r[0] for r in source.execute("SELECT DISTINCT stored_file FROM versions "
                                                    "WHERE stored_file IS NOT NULL")]
        for name in stored:
            path = paths.files / name
            if path.is_file():
                catalog.keep_file(name, path.read_bytes())
                result.files += 1
        progress("files", result.files)
        if paths.bot.is_file():
            with closing(sqlite3.connect(f"file:{paths.bot}?mode=ro", uri=True)) as source, \
                    store.transaction() as db:
                connection = db.connection
                present = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                connection.execute("DELETE FROM nqbot.users")
                for table in BOT_TABLES:
                    if table not in present:
                        continue
                    columns = _columns(source, table)
                    progress(table, _copy(connection, table, columns,
                                          _rows(source, f"SELECT {_quoted(columns)} FROM {table}")))
                    if "id" in columns and _identity(connection, table):
                        _reset_identity(connection, table)
        result.counts = _compare(paths, catalog, store, sqlite_catalog.COUNTS, BOT_COUNTS)
    finally:
        store.close()
        catalog.close()
    result.seconds = time.perf_counter() - started
    log.info("migrated to %s: %d counts compared, equal=%s, %d files, %.1f s", catalog.location,
             len(result.counts), result.equal, result.files, result.seconds)
    return result


def _identity(connection: Any, table: str) -> bool:
    row = connection.execute("SELECT pg_get_serial_sequence(%s, 'id')", (f"nqbot.{table}",)).fetchone()
    return row is not None and row[0] is not None


def _compare(paths: DataPaths, catalog: Any, store: Any, catalog_counts: dict[str, str],
             bot_counts: dict[str, str]) -> dict[str, tuple[int, int]]:
    counts: dict[str, tuple[int, int]] = {}
    for path, target, queries in ((paths.catalog, catalog, catalog_counts), (paths.bot, store, bot_counts)):
        if not path.is_file():
            continue
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as source:
            for name, sql in queries.items():
                try:
                    before = int(source.execute(sql).fetchone()[0])
                except sqlite3.OperationalError:  # a table an older file lacks
                    continue
                counts[name] = (before, int(target._one(sql)[0]))
    vectors = int(catalog._one("SELECT COUNT(*) FROM chunks c JOIN documents d ON d.active_version = c.version_id "
                               "WHERE c.active AND c.embedding IS NOT NULL")[0])
    counts["vectors_in_search"] = (counts.get("passages_in_search", (vectors, vectors))[0], vectors)
    counts["stored_files"] = (_stored_files(paths), int(catalog._one("SELECT COUNT(*) FROM files")[0]))
    return counts


def _stored_files(paths: DataPaths) -> int:
    with closing(sqlite3.connect(f"file:{paths.catalog}?mode=ro", uri=True)) as db:
        names = [r[0] for r in db.execute("SELECT DISTINCT stored_file FROM versions WHERE stored_file IS NOT NULL")]
    return sum(1 for name in names if (paths.files / name).is_file())


def counts_json(result: MigrateResult) -> str:
    return json.dumps({"equal": result.equal, "seconds": round(result.seconds, 1), "files": result.files,
                       "counts": {k: {"sqlite": a, "postgresql": b} for k, (a, b) in result.counts.items()}},
                      ensure_ascii=False)
