"""``nqbot verify``: is a live data directory whole? Reads only (the bot may be running).

* both databases: ``PRAGMA integrity_check``, their schema versions (older: migrated on the next start; newer:
  this nqbot cannot open them);
* the catalog's keyword index: FTS5 ``integrity-check``, and it holds exactly the passages in search; every
  passage in search has an embedding of the index's dimension;
* ``vectors-<generation>.faiss``: exactly the ids of the passages in search, of that dimension (a missing file
  is only a note: it is rebuilt from the catalog on start);
* ``files/``: every stored original a version names exists and its SHA-256 is the version's content hash;
  files nobody names are a note.
"""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.operations.databases import DataPaths, Finding, Level, backend_for, connect, kind, schema_version


@dataclass(frozen=True)
class Report:
    findings: list[Finding]

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level == Level.PROBLEM]

    @property
    def clean(self) -> bool:
        return not self.problems


def verify(paths: DataPaths) -> Report:
    findings = backend_for(paths).check()
    catalog = kind("catalog")
    if paths.catalog.is_file() and catalog is not None:
        with closing(connect(paths.catalog)) as db:
            if schema_version(db) <= catalog.schema.version:
                findings += _check_vectors(paths.data_dir, db)
                findings += _check_files(paths.files, db)
    return Report(findings)


def _check_vectors(data_dir: Path, db: sqlite3.Connection) -> list[Finding]:
    from index.vectors import VectorStore

    meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('generation', 'dim')").fetchall())
    generation = int(meta.get("generation") or 0)
    active = np.array([r[0] for r in db.execute(
        "SELECT c.id FROM chunks c JOIN documents d ON d.active_version = c.version_id ORDER BY c.id")],
        dtype=np.int64)
    path = data_dir / f"vectors-{generation}.faiss"
    if not path.exists():
        if len(active):
            return [Finding(Level.NOTE, "vectors_missing", {"file": path.name})]
        return []
    try:
        store = VectorStore.load(path)
    except RuntimeError as error:
        return [Finding(Level.PROBLEM, "vectors_unreadable", {"file": path.name, "detail": str(error)[:200]})]
    ids = np.sort(store.ids())
    dim = int(meta["dim"]) if meta.get("dim") else store.dim
    if len(ids) != len(active) or not np.array_equal(ids, active) or store.dim != dim:
        missing = len(np.setdiff1d(active, ids))
        extra = len(np.setdiff1d(ids, active))
        return [Finding(Level.PROBLEM, "vectors_mismatch", {"file": path.name, "vectors": len(ids),
                                                            "active": len(active), "missing": missing,
                                                            "extra": extra})]
    return [Finding(Level.OK, "ok_vectors", {"file": path.name, "count": len(ids)})]


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def _check_files(files: Path, db: sqlite3.Connection) -> list[Finding]:
    findings: list[Finding] = []
    named: dict[str, tuple[str, int]] = {}
    for stored, digest, document in db.execute(
            "SELECT stored_file, content_hash, document_id FROM versions WHERE stored_file IS NOT NULL ORDER BY id"):
        named.setdefault(str(stored), (str(digest), int(document)))
    bad = 0
    for name, (digest, document) in named.items():
        path = files / name
        if not path.is_file():
            findings.append(Finding(Level.PROBLEM, "file_missing", {"file": name, "document": document}))
            bad += 1
        elif _sha256(path) != digest:
            findings.append(Finding(Level.PROBLEM, "file_hash", {"file": name, "document": document}))
            bad += 1
    if not bad:
        findings.append(Finding(Level.OK, "ok_files", {"count": len(named)}))
    orphans = [p for p in files.iterdir() if p.is_file() and p.name not in named] if files.is_dir() else []
    if orphans:
        findings.append(Finding(Level.NOTE, "orphans", {"count": len(orphans)}))
    return findings
