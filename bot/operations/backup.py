"""``nqbot backup``: one archive of everything that cannot be recomputed, kept ``--keep N`` deep, and the
automatic backup taken before a schema upgrade.

In the archive: both databases as consistent snapshots (:meth:`Backend.snapshot`), the stored originals the
catalog snapshot refers to, and a manifest (:mod:`bot.operations.archive`). Not in it: the FAISS file (rebuilt
from the embeddings stored in the catalog), converted models, pending uploads, and the settings file or
environment (it holds the bot token: keep it apart).

One backup at a time per destination (an ``flock`` on ``.nqbot-backup.lock``, released by the kernel even after
``kill -9``); leftovers of a killed backup (``.*.partial`` files, ``.*.staging`` directories) are removed by the
next one.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from bot.operations.archive import SUFFIX, ArchiveWriter, Manifest
from bot.operations.databases import DataPaths, backend_for, pending_migrations
from bot.operations.errors import OperationError, Refusal
from config.settings import Settings

log = logging.getLogger("bot.operations")

LOCK_NAME = ".nqbot-backup.lock"
PREFIX = "nqbot"
PRE_UPGRADE_PREFIX = "nqbot-pre-upgrade"
#: Archives that ``--keep`` rotates: ``nqbot-20250301T200000Z.tar.gz`` (``-2`` … when two share a second).
#: Pre-upgrade backups (``nqbot-pre-upgrade-…``) and any other file are never deleted.
ROTATED = re.compile(r"nqbot-(\d{8}T\d{6}Z)(?:-(\d+))?\.tar\.gz")
#: Nice value of the thread that writes a backup: questions win the CPU (the drill: p95 under backups).
NICENESS = 10
#: gzip level: 1 costs half the CPU time of 6 for a 9 % larger archive (embeddings hardly compress).
COMPRESSLEVEL = 1
#: Share of one core a backup may use while it compresses (a lower thread priority alone did not spare the bot's
#: answers on 2 shared vCPUs; pausing does, at the price of a longer backup).
PACE = 0.35

T = TypeVar("T")


def default_backup_dir(settings: Settings) -> Path:
    return settings.backup_dir or settings.data_dir / "backups"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    seconds: float
    manifest: Manifest
    #: older archives deleted by ``keep``
    removed: list[Path] = field(default_factory=list)

    @property
    def files(self) -> int:
        return sum(1 for m in self.manifest.members if m.name.startswith("files/"))


@contextmanager
def _locked(dest: Path) -> Iterator[None]:
    with open(dest / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise OperationError(Refusal.BUSY, str(dest), path=str(dest)) from error
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _clean_leftovers(dest: Path) -> int:
    """Remove what killed backups left behind (called under the lock: no backup is running)."""
    removed = 0
    for path in dest.glob(".*"):
        if path.name.endswith(".partial") and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
        elif path.name.endswith(".staging") and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    if removed:
        log.warning("removed %d leftovers of an interrupted backup in %s", removed, dest)
    return removed


def _archive_path(dest: Path, prefix: str, moment: float) -> Path:
    stamp = datetime.fromtimestamp(moment, UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = dest / f"{prefix}-{stamp}{SUFFIX}", 1
    while path.exists():
        n += 1
        path = dest / f"{prefix}-{stamp}-{n}{SUFFIX}"
    return path


def rotate(dest: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` rotated archives in ``dest``; returns what was deleted."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    found = []
    for path in dest.iterdir():
        match = ROTATED.fullmatch(path.name)
        if match and path.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), path))
    found.sort()
    old = [path for _, path in found[:-keep]]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup(paths: DataPaths, dest: Path, *, keep: int | None = None, prefix: str = PREFIX,
           clock: Callable[[], float] = time.time, compresslevel: int = COMPRESSLEVEL,
           on_member: Callable[[str], None] | None = None, pace: float | None = PACE) -> BackupResult:
    """Write one archive of the data directory ``paths`` into ``dest`` (created when missing)."""
    started = time.perf_counter()
    if not paths.catalog.is_file():
        raise OperationError(Refusal.NOTHING_TO_BACK_UP, str(paths.data_dir), path=str(paths.data_dir))
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    backend = backend_for(paths)
    with _locked(dest):
        _clean_leftovers(dest)
        final = _archive_path(dest, prefix, clock())
        staging = dest / f".{final.name}.staging"
        staging.mkdir(mode=0o700)
        writer: ArchiveWriter | None = None
        try:
            snapshots = backend.snapshot(staging)
            writer = ArchiveWriter(final, compresslevel=compresslevel, pace=pace)
            for snapshot in snapshots:
                writer.add_file(snapshot.kind.filename, snapshot.path)
                if on_member:
                    on_member(snapshot.kind.filename)
            catalog = next(s for s in snapshots if s.kind.name == "catalog")
            warnings = []
            for name, _digest in backend.stored_files(catalog.path):
                source = paths.files / name
                if not source.is_file():
                    warnings.append(f"missing original files/{name}")
                    continue
                writer.add_file(f"files/{name}", source)
                if on_member:
                    on_member(f"files/{name}")
            generation, model_id = _meta(catalog.path)
            counts: dict[str, int] = {}
            for snapshot in snapshots:
                counts.update(snapshot.counts)
            counts["stored_files"] = sum(1 for m in writer.members if m.name.startswith("files/"))
            manifest = Manifest(created_at=clock(), backend=backend.name,
                                schemas={s.kind.name: s.schema_version for s in snapshots}, counts=counts,
                                members=list(writer.members), generation=generation, model_id=model_id,
                                warnings=warnings)
            path = writer.finish(manifest)
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        removed = rotate(dest, keep) if keep is not None else []
    size = path.stat().st_size
    seconds = time.perf_counter() - started
    if warnings:
        log.warning("backup %s: %d stored originals missing from the data directory", path.name, len(warnings))
    log.info("backup written: %s (%d members, %d bytes, %.1f s; %d older removed)", path.name,
             len(manifest.members) + 1, size, seconds, len(removed))
    return BackupResult(path, size, seconds, manifest, removed)


def _meta(catalog: Path) -> tuple[int | None, str | None]:
    with closing(sqlite3.connect(catalog)) as db:
        rows = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'model_id')").fetchall())
    generation = rows.get("generation")
    return (int(generation) if generation is not None else None), rows.get("model_id")


def upgrade(paths: DataPaths, dest: Path, clock: Callable[[], float] = time.time) -> BackupResult | None:
    """When a database of ``paths`` has an older schema than this nqbot's: back the data directory up as
    ``nqbot-pre-upgrade-<time>.tar.gz`` (never rotated away), then migrate every database forward (each in one
    transaction). Returns the backup, or None when everything was current. A failed backup migrates nothing."""
    pending = pending_migrations(paths)
    if not pending:
        return None
    log.info("schema upgrade pending (%s): backing up first",
             ", ".join(f"{k.filename} {found}→{k.schema.version}" for k, found in pending))
    result = backup(paths, dest, prefix=PRE_UPGRADE_PREFIX, clock=clock)
    backend_for(paths).migrate()
    log.info("schemas upgraded after backup %s", result.path.name)
    return result


def in_background(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run ``fn`` in a thread of its own at a lower CPU priority (Linux sets nice values per thread) and return
    its result or raise its exception: a backup beside the running bot must not slow its answers."""
    outcome: list[object] = []

    def run() -> None:
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), NICENESS))
        except OSError:
            log.debug("backup thread keeps its priority")
        try:
            outcome.append(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            outcome.append(error)

    thread = threading.Thread(target=run, name="nqbot-backup")
    thread.start()
    thread.join()
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result  # type: ignore[return-value]
