"""One SQLite file behind a lock: connection set-up, transactions and schema versions, shared by both stores.

Both databases (the catalog and the bot store) carry their schema version in ``PRAGMA user_version``. A new
file gets the current schema at once; an older file is migrated forward, step by step, in one transaction;
a file written by a newer nqbot is refused (:class:`SchemaTooNew`) rather than misread. Timestamps are
stored the same way in both files: seconds since the epoch (UTC) as REAL, from :func:`now`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


class Row(Protocol):
    """A result row, by position or by column name (``sqlite3.Row``, or :class:`index.postgres.Row`)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What the stores read from a statement: SQLite's cursor, or psycopg's."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """An open transaction (``sqlite3.Connection``, or :class:`index.postgres.Transaction`): statements use
    ``?`` placeholders and the SQL both backends read (``INSERT … ON CONFLICT``, ``RETURNING id``)."""

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Any, /) -> Any: ...


def now() -> float:
    """The timestamp format of both databases: epoch seconds (UTC)."""
    return time.time()


class SchemaTooNew(RuntimeError):
    """The database was written by a newer nqbot (its schema version is above the one this code knows)."""

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"{path} has schema version {found}, newer than this nqbot knows ({known}); upgrade nqbot"
        )
        self.path, self.found, self.known = path, found, known


class UnrecognisedDatabase(RuntimeError):
    """The database holds tables nqbot did not create (or an nqbot schema without its version table)."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or lacks what nqbot needs (server version, pgvector)."""


@dataclass(frozen=True)
class Schema:
    """The current schema of a database and the steps that bring an older file up to it.

    ``migrations[n]`` turns a version ``n - 1`` file into version ``n``; ``version`` is the highest step.
    Version 1 is the schema files had before versions were recorded (``user_version`` 0 with tables in it).
    """

    version: int
    create: str
    migrations: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [n for n in range(2, self.version + 1) if n not in self.migrations]
        if missing:
            raise ValueError(f"no migration to schema version(s) {missing}")


def statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (triggers with inner ``;`` stay whole)."""
    found: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            if pending.strip():
                found.append(pending.strip())
            pending = ""
    if pending.strip():
        found.append(pending.strip())
    return found


class Database:
    """WAL-mode SQLite with one connection serialised by a lock (safe to share between threads)."""

    def __init__(self, path: Path, schema: Schema) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self.migrated_from = self._upgrade(schema)
        except BaseException:
            self._db.close()
            raise

    def _upgrade(self, schema: Schema) -> int | None:
        """Bring the file to ``schema.version``; returns the version it had when it was older, else None."""
        with self.transaction() as db:
            found = int(db.execute("PRAGMA user_version").fetchone()[0])
            if found > schema.version:
                raise SchemaTooNew(self.path, found, schema.version)
            if found == schema.version:
                return None
            empty = db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
            if found == 0 and empty:
                for statement in statements(schema.create):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {schema.version}")
                return None
            start = max(found, 1)
            for step in range(start + 1, schema.version + 1):
                for statement in statements(schema.migrations[step]):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {schema.version}")
            return found

    @property
    def schema_version(self) -> int:
        row = self._one("PRAGMA user_version")
        return int(row[0]) if row else 0

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """BEGIN IMMEDIATE … COMMIT; any exception (or a kill) leaves the previous state."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")

    def _query(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        with self._lock:
            return list(self._db.execute(sql, params).fetchall())

    def _one(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self._db.execute(sql, params).fetchone()
            return row
