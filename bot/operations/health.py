"""Is the bot healthy? The status row the bot keeps, ``GET /healthz`` (webhook mode) and ``nqbot status``.

The bot holds a :class:`BotStatus` in memory (the last update it processed, when it started, its mode, the
next scheduled backup) and writes it every ``status_interval`` seconds into its store's ``settings`` table
(key ``status``), and once more when it stops; the last backup's outcome is kept under ``last_backup``. Both are
ids, times and counts only.

``/healthz`` asks the running engine (:func:`probe`): 200 with the library generation, the documents in search,
the last update processed and its age; 503 when the engine cannot answer (the catalog or the vectors cannot be
read, the index was built by another model, the question embedder fails). ``nqbot status`` prints the same from
the data directory and the status row, for deployments without a webhook.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import closing
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.operations.databases import DataPaths, connect, schema_version

if TYPE_CHECKING:
    from bot.store import BotStore
    from index.engine import Engine

STATUS_KEY = "status"
BACKUP_KEY = "last_backup"
#: A status row whose heartbeat is older than this many intervals belongs to a bot that stopped answering.
STALE_AFTER_INTERVALS = 3


@dataclass
class BotStatus:
    """What the running bot knows about itself (thread-safe; updated on every update it processes)."""

    mode: str = "polling"
    pid: int = field(default_factory=os.getpid)
    started_at: float = field(default_factory=time.time)
    interval: float = 30.0
    last_update_id: int | None = None
    last_update_at: float | None = None
    heartbeat_at: float | None = None
    stopped_at: float | None = None
    next_backup_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def saw(self, update_id: int, at: float) -> None:
        with self._lock:
            if self.last_update_id is None or update_id >= self.last_update_id:
                self.last_update_id, self.last_update_at = update_id, at

    def to_json(self) -> str:
        with self._lock:
            data = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> BotStatus:
        data = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and not k.startswith("_")}
        return cls(**known)

    def save(self, store: BotStore) -> None:
        store.set_setting(STATUS_KEY, self.to_json())


@dataclass(frozen=True)
class BackupOutcome:
    """The last scheduled or command-line backup: when, and the archive or the error code."""

    at: float
    ok: bool
    file: str = ""
    size: int = 0
    seconds: float = 0.0
    error: str = ""

    def save(self, store: BotStore) -> None:
        store.set_setting(BACKUP_KEY, json.dumps(asdict(self)))

    @classmethod
    def from_json(cls, text: str) -> BackupOutcome:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class State(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"
    NOT_RESPONDING = "not_responding"  # no heartbeat for a while, and it did not say it stopped
    NEVER_RAN = "never_ran"


def state_of(status: BotStatus | None, now: float) -> State:
    if status is None:
        return State.NEVER_RAN
    if status.stopped_at is not None and status.stopped_at >= (status.heartbeat_at or status.started_at):
        return State.STOPPED
    last = status.heartbeat_at or status.started_at
    return State.RUNNING if now - last <= STALE_AFTER_INTERVALS * status.interval else State.NOT_RESPONDING


@dataclass(frozen=True)
class Health:
    """What ``/healthz`` answers and ``nqbot status`` prints."""

    ok: bool
    generation: int | None = None
    documents: int | None = None
    last_update_id: int | None = None
    last_update_at: float | None = None
    now: float = field(default_factory=time.time)
    state: State = State.RUNNING
    mode: str = ""
    started_at: float | None = None
    schemas: dict[str, int] = field(default_factory=dict)
    next_backup_at: float | None = None
    last_backup: BackupOutcome | None = None
    error: str = ""

    @property
    def last_update_age(self) -> float | None:
        return None if self.last_update_at is None else max(0.0, self.now - self.last_update_at)

    def to_json(self, zone: ZoneInfo) -> dict[str, Any]:
        def stamp(value: float | None) -> str | None:
            return None if value is None else datetime.fromtimestamp(value, zone).isoformat(timespec="seconds")

        age = self.last_update_age
        data: dict[str, Any] = {
            "status": "ok" if self.ok else "unavailable", "state": self.state.value, "mode": self.mode or None,
            "generation": self.generation, "documents": self.documents, "last_update_id": self.last_update_id,
            "last_update_at": stamp(self.last_update_at), "last_update_age_s": None if age is None else round(age, 1),
            "started_at": stamp(self.started_at), "schemas": self.schemas or None,
            "next_backup_at": stamp(self.next_backup_at),
        }
        if self.last_backup is not None:
            data["last_backup"] = {"at": stamp(self.last_backup.at), "ok": self.last_backup.ok,
                                   "file": self.last_backup.file or None, "size": self.last_backup.size or None,
                                   "error": self.last_backup.error or None}
        if self.error:
            data["error"] = self.error
        return {k: v for k, v in data.items() if v is not None}


def probe(engine: Engine) -> tuple[int, int]:
    """(generation, documents in search) — or the exception that keeps the engine from answering."""
    engine.check_embedder()
    engine.generations.vectors()  # the vectors of the committed generation load (or are rebuilt)
    engine.embed_question("kiểm tra")  # the question embedder works
    return engine.generations.loaded, int(engine.catalog.stats()["documents"])


def bot_health(engine: Engine, status: BotStatus, now: float) -> Health:
    """The running bot's health (``/healthz``); ``ok`` is False when the engine cannot answer."""
    common = {"last_update_id": status.last_update_id, "last_update_at": status.last_update_at, "now": now,
              "mode": status.mode, "started_at": status.started_at, "next_backup_at": status.next_backup_at}
    try:
        generation, documents = probe(engine)
    except Exception as error:  # noqa: BLE001 - reported as 503 with the error's type
        return Health(ok=False, error=type(error).__name__, **common)  # type: ignore[arg-type]
    return Health(ok=True, generation=generation, documents=documents, **common)  # type: ignore[arg-type]


def read_status(paths: DataPaths, now: float) -> Health:
    """``nqbot status``: the data directory's library and the bot's status row (read only; the bot may run)."""
    schemas: dict[str, int] = {}
    generation = documents = None
    status: BotStatus | None = None
    last_backup: BackupOutcome | None = None
    error = ""
    try:
        with closing(connect(paths.catalog)) as db:
            schemas["catalog"] = schema_version(db)
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            generation = int(row[0]) if row else 0
            documents = int(db.execute("SELECT COUNT(*) FROM documents WHERE active_version IS NOT NULL")
                            .fetchone()[0])
    except Exception as failure:  # noqa: BLE001 - no catalog, unreadable file: reported, not raised
        error = f"catalog: {type(failure).__name__}"
    if paths.bot.is_file():
        with closing(connect(paths.bot)) as db:
            schemas["bot"] = schema_version(db)
            status, last_backup = _status_rows(db)
    state = state_of(status, now)
    return Health(ok=not error and state == State.RUNNING, generation=generation, documents=documents,
                  last_update_id=status.last_update_id if status else None,
                  last_update_at=status.last_update_at if status else None, now=now, state=state,
                  mode=status.mode if status else "", started_at=status.started_at if status else None,
                  schemas=schemas, next_backup_at=status.next_backup_at if status else None,
                  last_backup=last_backup, error=error)


def _status_rows(db: sqlite3.Connection) -> tuple[BotStatus | None, BackupOutcome | None]:
    try:
        rows = dict(db.execute("SELECT key, value FROM settings WHERE key IN (?, ?)", (STATUS_KEY, BACKUP_KEY)))
    except sqlite3.OperationalError:
        return None, None
    status = BotStatus.from_json(rows[STATUS_KEY]) if STATUS_KEY in rows else None
    backup = BackupOutcome.from_json(rows[BACKUP_KEY]) if BACKUP_KEY in rows else None
    return status, backup

