"""``nqbot restore ARCHIVE``: a backup into an empty data directory.

1. the target must be empty (or not exist) — a restore never mixes with or overwrites live data;
2. the whole archive is checked (:func:`bot.operations.archive.check_archive`): a truncated, damaged or tampered
   archive, or one written by a newer nqbot, is refused here, before anything is written;
3. the members are written into ``<target>/.nqbot-restore.partial`` and checked again while being written;
4. the databases are brought to this nqbot's schemas and the FAISS file is rebuilt from the stored embeddings;
5. everything is renamed into the target, which is then verified (:mod:`bot.operations.verify`).

A failure in 3–5 removes what was written; a restore killed in the middle leaves only the hidden staging
directory, which the next restore removes.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bot.operations.archive import Checked, Manifest, check_archive, extract_archive, fsync_dir
from bot.operations.databases import DataPaths, backend_for, connect, count, database_kinds
from bot.operations.errors import OperationError, Refusal
from bot.operations.verify import Report, verify

log = logging.getLogger("bot.operations")

STAGING = ".nqbot-restore.partial"


@dataclass(frozen=True)
class RestoreResult:
    target: Path
    manifest: Manifest
    seconds: float
    #: counted in the restored databases, as they were in the archive (before any migration)
    counts: dict[str, int]
    report: Report

    @property
    def counts_equal(self) -> bool:
        return self.counts == self.manifest.counts


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise OperationError(Refusal.TARGET_NOT_EMPTY, str(target), path=str(target))
    if target.is_dir() and any(p.name != STAGING for p in target.iterdir()):
        raise OperationError(Refusal.TARGET_NOT_EMPTY, str(target), path=str(target))


def check(archive: Path, target: Path) -> Checked:
    """Everything a restore checks before writing: the target is empty, the archive is whole and known."""
    _check_target(target)
    return check_archive(archive)


def restore(archive: Path, target: Path) -> RestoreResult:
    started = time.perf_counter()
    checked = check(archive, target)
    created = not target.exists()
    target.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = target / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    moved: list[Path] = []
    try:
        staging.mkdir(mode=0o700)
        extract_archive(checked, staging)
        counts = _counts(staging)
        backend_for(DataPaths.of(staging)).install(staging)
        (staging / "files").mkdir(mode=0o700, exist_ok=True)
        for child in sorted(staging.iterdir()):
            os.replace(child, target / child.name)
            moved.append(target / child.name)
        staging.rmdir()
        fsync_dir(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        for path in moved:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        if created:
            shutil.rmtree(target, ignore_errors=True)
        raise
    report = verify(DataPaths.of(target))
    seconds = time.perf_counter() - started
    log.info("restored %s into %s: %d members, %.1f s, %d problems", archive.name, target,
             len(checked.manifest.members), seconds, len(report.problems))
    return RestoreResult(target, checked.manifest, seconds, counts, report)


def _counts(directory: Path) -> dict[str, int]:
    """The manifest's counts, taken again from the extracted databases and files."""
    found: dict[str, int] = {}
    for database in database_kinds():
        path = directory / database.filename
        if path.is_file():
            with closing(connect(path)) as db:
                found.update(count(db, database.counts))
    files = directory / "files"
    found["stored_files"] = sum(1 for p in files.iterdir() if p.is_file()) if files.is_dir() else 0
    return found
