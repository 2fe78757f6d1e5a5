"""PostgreSQL, the backend for several workers (``NQBOT_DATABASE_URL=postgresql://…``): connections, transactions
and schema versions, the same interface as :class:`index.database.Database` offers over SQLite.

* **Statements** are the stores' own, written once for both backends: ``?`` placeholders become ``%s`` here,
  rows answer by position and by column name like ``sqlite3.Row``, and sums come back as ``int`` (not
  ``Decimal``). Only what PostgreSQL does differently (keyword search, vectors, a few upserts) is written again
  in the backend's own module.
* **Connections** come from a pool (every thread may query at once, unlike one SQLite connection behind a lock);
  a thread inside :meth:`PostgresDatabase.transaction` reads through its transaction, as it would in SQLite.
* **Schemas**: every table lives in the PostgreSQL schema ``nqbot``; ``nqbot.schema_versions`` holds each
  store's version (the ``PRAGMA user_version`` of SQLite). nqbot creates its tables in an empty database,
  migrates older ones forward, refuses a newer one (:class:`index.database.SchemaTooNew`) and refuses a database
  with tables it did not create (:class:`UnrecognisedDatabase`): a wrong URL never writes into someone else's
  data. Workers starting at once create the schema one at a time (an advisory lock).
* **Advisory locks** (:class:`Lock`) serialise what must run once across workers: schema changes, ingests.

The URL is a libpq URI (``postgresql://user:password@host/db``, ``postgresql://user@/db?host=/run/postgresql``);
its password never reaches a log or a message (:func:`redact`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from enum import IntEnum
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Loader
from psycopg.rows import RowMaker
from psycopg_pool import ConnectionPool

from config.database_url import redact
from index.database import DatabaseUnavailable, Schema, SchemaTooNew, UnrecognisedDatabase
from index.database import Row as AnyRow

SCHEMA_NAME = "nqbot"
#: The first key of every advisory lock nqbot takes ("nq"): other applications' locks never collide with ours.
LOCK_NAMESPACE = 0x6E71
MIN_SERVER = 150000
POOL_SIZE = 8
#: HNSW candidates examined per search (pgvector's default, 40, is below the 50 candidates retrieval asks for). On
#: the full corpus (12,238 passages, 300 questions) 400 gives recall@10 0.996 and recall@50 0.994 of an exact search
#: in 3.2 ms (100: 0.961 / 0.934 in 1.0 ms; an exact scan: 24 ms).
EF_SEARCH = 400


class Lock(IntEnum):
    """Second keys of nqbot's advisory locks."""

    SCHEMA = 1
    INGEST = 2
    GENERATION = 3


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """An SQLite-style statement (``?`` placeholders) as psycopg reads it (``%s``; a literal ``%`` doubled)."""
    out: list[str] = []
    quote: str | None = None
    for char in sql:
        if quote is not None:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "?":
            out.append("%s")
            continue
        out.append("%%" if char == "%" else char)
    return "".join(out)


class Row(tuple[Any, ...]):
    """A result row by position or by column name, like ``sqlite3.Row``."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    names: dict[str, int] = {}
    for i, column in enumerate(cursor.description or []):
        names.setdefault(column.name, i)  # the first of equal names, as sqlite3.Row answers
    return lambda values: Row(values, names)


class _Numeric(Loader):
    """``numeric`` (what ``SUM`` of integers gives) as int when whole, else float — as SQLite returns it."""

    def load(self, data: Any) -> int | float:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


class Transaction:
    """An open transaction with the SQLite connection's interface (``execute``, ``executemany``)."""

    def __init__(self, connection: psycopg.Connection[Row]) -> None:
        self.connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self.connection.execute(translate(sql), tuple(parameters))

    def executemany(self, sql: str, parameters: Any) -> Any:
        cursor = self.connection.cursor()
        cursor.executemany(translate(sql), [tuple(p) for p in parameters])
        return cursor

    def script(self, sql: str) -> None:
        """Several statements at once (schema scripts; no parameters, no translation)."""
        self.connection.execute(sql.encode())


def _configure(connection: psycopg.Connection[Any]) -> None:
    connection.row_factory = _rows
    connection.adapters.register_loader("numeric", _Numeric)
    connection.execute(f"SET search_path TO {SCHEMA_NAME}, public")
    connection.execute(f"SET hnsw.ef_search = {EF_SEARCH}")


def open_pool(url: str, *, max_size: int = POOL_SIZE) -> ConnectionPool:
    """A pool of configured connections; raises :class:`DatabaseUnavailable` (password never in it) when the
    server cannot be reached within 10 seconds."""
    pool: ConnectionPool = ConnectionPool(
        url, min_size=1, max_size=max_size, open=False, configure=_configure,
        kwargs={"autocommit": True}, check=ConnectionPool.check_connection, name="nqbot",
    )
    try:
        pool.open(wait=True, timeout=10.0)
    except Exception as error:  # noqa: BLE001 - libpq's message may hold the host, never the password
        pool.close()
        raise DatabaseUnavailable(f"cannot connect to {redact(url)}: {type(error).__name__}") from None
    return pool


class PostgresDatabase:
    """One store's tables in PostgreSQL behind the interface of :class:`index.database.Database`."""

    #: Which store's version row this is (``catalog``, ``bot``).
    store = ""

    def __init__(self, url: str, schema: Schema, *, pool: ConnectionPool | None = None) -> None:
        self.url = url
        self.location = redact(url)
        self._local = threading.local()
        self._own_pool = pool is None
        self._pool = pool if pool is not None else open_pool(url)
        try:
            self.migrated_from = self._upgrade(schema)
        except BaseException:
            self.close()
            raise

    # set-up --------------------------------------------------------------------------------------------
    def prepare(self, db: Transaction) -> None:
        """What the store needs before its tables (extensions); runs under the schema lock."""

    def _upgrade(self, schema: Schema) -> int | None:
        with self.transaction() as db:
            assert isinstance(db, Transaction)
            server = int(db.execute("SHOW server_version_num").fetchone()[0])
            if server < MIN_SERVER:
                raise DatabaseUnavailable(f"{self.location} runs PostgreSQL {server // 10000}; nqbot needs 15 or newer")
            db.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_NAMESPACE, Lock.SCHEMA))
            self._recognise(db)
            self.prepare(db)
            db.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA_NAME}")
            db.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_NAME}.schema_versions("
                       "store TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at DOUBLE PRECISION NOT NULL)")
            row = db.execute(f"SELECT version FROM {SCHEMA_NAME}.schema_versions WHERE store = ?",
                             (self.store,)).fetchone()
            found = int(row[0]) if row else 0
            if found > schema.version:
                raise SchemaTooNew(self.location, found, schema.version)  # type: ignore[arg-type]
            if found == schema.version:
                return None
            if found == 0:
                db.script(schema.create)
            else:
                for step in range(found + 1, schema.version + 1):
                    db.script(schema.migrations[step])
            db.execute(
                f"INSERT INTO {SCHEMA_NAME}.schema_versions(store, version, updated_at) "
                "VALUES (?, ?, extract(epoch FROM now())) ON CONFLICT(store) DO UPDATE "
                "SET version = excluded.version, updated_at = excluded.updated_at", (self.store, schema.version))
            return found or None

    def _recognise(self, db: Transaction) -> None:
        """Refuse a database nqbot did not create: tables (other than extensions') and no version table."""
        ours = db.execute("SELECT to_regclass(?)", (f"{SCHEMA_NAME}.schema_versions",)).fetchone()[0]
        if ours is not None:
            return
        foreign = [r[0] for r in db.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_%' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
            "AND d.classid = 'pg_class'::regclass AND d.deptype = 'e') ORDER BY 1 LIMIT 6")]
        if foreign:
            shown = ", ".join(foreign[:5]) + (", …" if len(foreign) > 5 else "")
            raise UnrecognisedDatabase(
                f"{self.location} holds tables nqbot did not create ({shown}); point NQBOT_DATABASE_URL at an empty "
                "database or at one nqbot created")

    @property
    def schema_version(self) -> int:
        row = self._one(f"SELECT version FROM {SCHEMA_NAME}.schema_versions WHERE store = ?", (self.store,))
        return int(row[0]) if row else 0

    def close(self) -> None:
        if self._own_pool:
            self._pool.close()

    # statements ----------------------------------------------------------------------------------------
    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Row]]:
        """This thread's transaction's connection, or one from the pool for as long as the block runs."""
        current: psycopg.Connection[Row] | None = getattr(self._local, "connection", None)
        if current is not None:
            yield current
            return
        with self._pool.connection() as connection:
            yield connection  # type: ignore[misc]

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """BEGIN … COMMIT on one connection; an exception rolls back. Reads of this thread meanwhile see it."""
        if getattr(self._local, "connection", None) is not None:
            raise RuntimeError("a transaction is already open in this thread")
        with self._pool.connection() as connection, connection.transaction():
            self._local.connection = connection
            try:
                yield Transaction(connection)  # type: ignore[arg-type]
            finally:
                self._local.connection = None

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[AnyRow]:
        with self.connection() as connection:
            return list(connection.execute(translate(sql), tuple(params)).fetchall())

    def _one(self, sql: str, params: Sequence[object] = ()) -> AnyRow | None:
        with self.connection() as connection:
            return connection.execute(translate(sql), tuple(params)).fetchone()

    @contextmanager
    def advisory_lock(self, key: Lock) -> Iterator[None]:
        """Hold a session advisory lock (waiting for it) while the block runs: one holder across all workers."""
        with self._pool.connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_NAMESPACE, int(key)))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, int(key)))


def session_lock(url: str, namespace: int, key: int) -> psycopg.Connection[Any]:
    """A connection of its own that holds the advisory lock ``(namespace, key)`` until it is closed or the
    process dies (PostgreSQL releases it at once, ``kill -9`` included)."""
    connection = psycopg.connect(url, autocommit=True)
    connection.execute("SELECT pg_advisory_lock(%s, %s)", (namespace, key))
    return connection


def sqlite_to_postgres(script: str) -> str:
    """A table script written for SQLite in PostgreSQL's types: integers as BIGINT (Telegram ids do not fit 32
    bits), auto-numbered keys as identities, REAL as DOUBLE PRECISION, BLOB as BYTEA; ``COLLATE NOCASE`` dropped
    (PostgreSQL compares ``lower()``)."""
    out = re.sub(r"INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", script)
    out = re.sub(r"\bid INTEGER PRIMARY KEY\b", "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", out)
    out = re.sub(r"\bINTEGER\b", "BIGINT", out)
    out = re.sub(r"\bREAL\b", "DOUBLE PRECISION", out)
    out = re.sub(r"\bBLOB\b", "BYTEA", out)
    out = re.sub(r"\(username COLLATE NOCASE\)", "(lower(username))", out)
    out = re.sub(r"(?m)^(\s+)(end|right|full) ", r'\1"\2" ', out)
    return re.sub(r"\bstart, end\b", 'start, "end"', out)
