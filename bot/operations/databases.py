"""The storage backend of a data directory: which databases it has, how each is copied consistently while nqbot
runs, what it counts, how a copy is installed, and how the live files are checked.

Today the backend is SQLite: ``catalog.sqlite3`` (documents, versions, passages with their embeddings, keyword
index) and ``bot.sqlite3`` (users, roles, questions, audit log, bot settings), next to ``files/`` (stored
originals) and ``vectors-<generation>.faiss`` (a cache rebuilt from the embeddings). :class:`Backend` is what
the backup, restore and verify commands ask of a backend; a PostgreSQL backend (issue 9) would snapshot with
``pg_dump``, install with ``pg_restore`` and check with its own queries, while the archive format, the stored
originals and the manifest stay the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from bot.operations.errors import OperationError, Refusal
from index.database import Schema

#: Magic header of every SQLite 3 file; ``PRAGMA user_version`` is the big-endian integer at offset 60.
SQLITE_MAGIC = b"SQLite format 3\x00"
USER_VERSION_OFFSET = 60


@dataclass(frozen=True)
class DatabaseKind:
    """One of the data directory's databases: its name in manifests, file name, current schema and counts."""

    name: str
    filename: str
    schema: Schema
    counts: Mapping[str, str]
    #: A data directory always has it (the bot store appears only once the bot has run).
    required: bool


def database_kinds() -> tuple[DatabaseKind, ...]:
    """The databases of a data directory, with the schemas of this nqbot (read at call time)."""
    from bot import store
    from index import catalog

    return (
        DatabaseKind("catalog", "catalog.sqlite3", catalog.SCHEMA, catalog.COUNTS, required=True),
        DatabaseKind("bot", "bot.sqlite3", store.SCHEMA, store.COUNTS, required=False),
    )


def kind(name: str) -> DatabaseKind | None:
    return next((k for k in database_kinds() if k.name == name), None)


@dataclass(frozen=True)
class DataPaths:
    """Where a data directory's parts are (the bot may keep its store in another directory than the catalog)."""

    data_dir: Path
    catalog: Path
    bot: Path
    files: Path

    @classmethod
    def of(cls, data_dir: Path) -> DataPaths:
        return cls(data_dir, data_dir / "catalog.sqlite3", data_dir / "bot.sqlite3", data_dir / "files")

    def database(self, name: str) -> Path:
        return self.catalog if name == "catalog" else self.bot


@dataclass(frozen=True)
class Snapshot:
    """A consistent copy of one database, ready to be archived."""

    kind: DatabaseKind
    path: Path
    schema_version: int
    counts: dict[str, int]


class Level(StrEnum):
    PROBLEM = "problem"  # something is wrong: `nqbot verify` exits 1
    NOTE = "note"  # worth knowing, repairs itself or is harmless
    OK = "ok"  # a check that passed, with its figures


@dataclass(frozen=True)
class Finding:
    """One result of a check; its message is ``ops.verify.<code>`` with ``fields``."""

    level: Level
    code: str
    fields: dict[str, object] = field(default_factory=dict)


class Backend(Protocol):
    """What backup, restore and verify need from where the databases live."""

    name: str

    def snapshot(self, staging: Path) -> list[Snapshot]:
        """Consistent copies of every database that exists, written under ``staging`` (the bot may be running)."""
        ...

    def stored_files(self, catalog_copy: Path) -> list[tuple[str, str]]:
        """(file name under ``files/``, content hash) of every stored original the catalog copy refers to."""
        ...

    def migrate(self) -> None:
        """Bring every database to this nqbot's schema (each in one transaction)."""
        ...

    def install(self, target: Path) -> None:
        """Databases extracted into ``target``: bring them to this nqbot's schemas, rebuild the caches."""
        ...

    def check(self) -> list[Finding]:
        """Integrity of the live databases (not the files or the vectors: see :mod:`bot.operations.verify`)."""
        ...


# SQLite ------------------------------------------------------------------------------------------------
def header_version(head: bytes) -> int | None:
    """``user_version`` from the first 100 bytes of an SQLite file; None when they are not an SQLite header."""
    if len(head) < USER_VERSION_OFFSET + 4 or not head.startswith(SQLITE_MAGIC):
        return None
    return int.from_bytes(head[USER_VERSION_OFFSET:USER_VERSION_OFFSET + 4], "big")


def connect(path: Path) -> sqlite3.Connection:
    """A plain connection to an existing file (never creates one)."""
    if not path.is_file():
        raise OperationError(Refusal.NOT_FOUND, str(path), path=str(path))
    return sqlite3.connect(path, isolation_level=None)


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def has_tables(db: sqlite3.Connection) -> bool:
    return bool(db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0])


def count(db: sqlite3.Connection, queries: Mapping[str, str]) -> dict[str, int]:
    """Each count whose tables exist in this file (an older schema may lack some)."""
    found: dict[str, int] = {}
    for name, sql in queries.items():
        try:
            found[name] = int(db.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:
            continue
    return found


def pending_migrations(paths: DataPaths) -> list[tuple[DatabaseKind, int]]:
    """(database, its schema version) of each existing database older than this nqbot's schema."""
    older = []
    for database in database_kinds():
        path = paths.database(database.name)
        if not path.is_file():
            continue
        with closing(connect(path)) as db:
            found = schema_version(db)
            if found < database.schema.version and has_tables(db):
                older.append((database, found))
    return older


class SqliteBackend:
    """The embedded default: SQLite files in the data directory, copied with SQLite's online backup API."""

    name = "sqlite"

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths

    def snapshot(self, staging: Path) -> list[Snapshot]:
        if not self.paths.catalog.is_file():
            raise OperationError(Refusal.NOTHING_TO_BACK_UP, str(self.paths.data_dir), path=str(self.paths.data_dir))
        copies = []
        for database in database_kinds():
            source = self.paths.database(database.name)
            if source.is_file():
                copies.append(self._copy(database, source, staging / database.filename))
        return copies

    @staticmethod
    def _copy(database: DatabaseKind, source: Path, target: Path) -> Snapshot:
        """SQLite's online backup API in one step: one read transaction, so the copy is one consistent state;
        in WAL mode the bot keeps reading and writing meanwhile."""
        with closing(connect(source)) as src, closing(sqlite3.connect(target, isolation_level=None)) as dst:
            dst.execute("PRAGMA synchronous=OFF")  # a scratch copy: no fsync (the archive is synced once, whole)
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file: no -wal beside it in the archive
            result = dst.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise OperationError(Refusal.CORRUPT, f"{source.name}: {result}", member=source.name)
            return Snapshot(database, target, schema_version(dst), count(dst, database.counts))

    def stored_files(self, catalog_copy: Path) -> list[tuple[str, str]]:
        with closing(connect(catalog_copy)) as db:
            rows = db.execute("SELECT stored_file, MIN(content_hash) FROM versions WHERE stored_file IS NOT NULL "
                              "GROUP BY stored_file ORDER BY stored_file").fetchall()
        return [(str(name), str(digest)) for name, digest in rows]

    def migrate(self) -> None:
        from bot.store import BotStore
        from index.catalog import Catalog

        if self.paths.catalog.is_file():
            Catalog(self.paths.catalog).close()  # opening a Database migrates it (index.database)
        if self.paths.bot.is_file():
            BotStore(self.paths.bot).close()

    def install(self, target: Path) -> None:
        from index.catalog import Catalog
        from index.generations import Generations

        SqliteBackend(DataPaths.of(target)).migrate()
        catalog = Catalog(target / "catalog.sqlite3")
        try:
            Generations(catalog, target).vectors()  # rebuilds vectors-<generation>.faiss from the embeddings
        finally:
            catalog.close()

    def check(self) -> list[Finding]:
        findings: list[Finding] = []
        for database in database_kinds():
            path = self.paths.database(database.name)
            if not path.is_file():
                if database.required:
                    findings.append(Finding(Level.PROBLEM, "missing_database", {"file": path.name}))
                continue
            with closing(connect(path)) as db:
                findings += self._check_file(database, path, db)
                if database.name == "catalog":
                    findings += self._check_catalog(db)
        return findings

    @staticmethod
    def _check_file(database: DatabaseKind, path: Path, db: sqlite3.Connection) -> list[Finding]:
        found, known = schema_version(db), database.schema.version
        findings = []
        if found > known:
            findings.append(Finding(Level.PROBLEM, "schema_new", {"file": path.name, "found": found, "known": known}))
        elif found < known and has_tables(db):
            findings.append(Finding(Level.NOTE, "schema_old", {"file": path.name, "found": found, "known": known}))
        try:
            problems = [str(r[0]) for r in db.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as error:  # damaged beyond what the check itself can read
            problems = [str(error)]
        if problems != ["ok"]:
            findings.append(Finding(Level.PROBLEM, "integrity", {"file": path.name, "detail": "; ".join(problems)}))
        else:
            findings.append(Finding(Level.OK, "ok_database", {"file": path.name, "version": found}))
        return findings

    @staticmethod
    def _check_catalog(db: sqlite3.Connection) -> list[Finding]:
        """The keyword index (FTS5 ``integrity-check``, and exactly the passages in search) and the embeddings."""
        findings = []
        active = int(db.execute("SELECT COUNT(*) FROM chunks c JOIN documents d ON d.active_version = c.version_id")
                     .fetchone()[0])
        try:
            # A command, not a change: FTS5 compares its index with its content and raises on any difference.
            db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as error:
            findings.append(Finding(Level.PROBLEM, "fts", {"detail": str(error)}))
        else:
            indexed = int(db.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0])
            stray = int(db.execute(
                "SELECT COUNT(*) FROM chunks_fts f WHERE NOT EXISTS (SELECT 1 FROM chunks c JOIN documents d "
                "ON d.active_version = c.version_id WHERE c.id = f.rowid)").fetchone()[0])
            if indexed != active or stray:
                findings.append(Finding(Level.PROBLEM, "fts_rows", {"indexed": indexed, "active": active}))
            else:
                findings.append(Finding(Level.OK, "ok_fts", {"count": indexed}))
        dim_row = db.execute("SELECT value FROM meta WHERE key = 'dim'").fetchone()
        if dim_row is not None:
            bad = int(db.execute(
                "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.active_version = c.version_id "
                "WHERE c.embedding IS NULL OR length(c.embedding) != ?", (int(dim_row[0]) * 4,)).fetchone()[0])
            if bad:
                findings.append(Finding(Level.PROBLEM, "embeddings", {"count": bad}))
        return findings


def backend_for(paths: DataPaths) -> Backend:
    """The backend of a data directory (SQLite; PostgreSQL arrives with issue 9)."""
    return SqliteBackend(paths)
