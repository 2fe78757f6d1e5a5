"""How the index changes without ever being half-changed, and how every process sees the newest state.

The catalog (SQLite) is the source of truth; the FAISS file is a cache of its embeddings, named by the
generation the catalog commits: ``vectors-<generation>.faiss``.

**Writes** go through :meth:`Generations.write`, the one place that does copy → transaction → save → swap:
inside ``BEGIN IMMEDIATE`` (which serialises writers across processes) the vectors of the committed
generation are copied, the caller changes catalog rows and vectors together, the new FAISS file is written
and renamed into place, then the catalog commits the new generation number. A crash or kill at any point
leaves the previous pair; a file of an uncommitted generation is never read.

**Reads** call :meth:`Generations.vectors` before each question: it reads the committed generation (one
indexed row) and, when another process (``nqbot ingest`` while the bot runs) committed a newer one, loads it
and tells the caches that depend on the library (``on_change``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.catalog import Catalog
from index.database import Connection
from index.vectors import VectorStore

log = logging.getLogger(__name__)

DEFAULT_DIM = 384


@dataclass
class Change:
    """What a write may touch: the open transaction and a private copy of the vectors."""

    db: Connection
    store: VectorStore
    generation: int
    abandoned: bool = False

    def abandon(self) -> None:
        """Nothing to change after all: roll back and keep the current generation."""
        self.abandoned = True


class Generations:
    """The vectors of the committed generation, reloaded when it moves, and the one way to write."""

    def __init__(
        self, catalog: Catalog, data_dir: Path, on_change: Callable[[], None] = lambda: None, *,
        approximate_from: int = 0,
    ) -> None:
        self.catalog = catalog
        self.data_dir = data_dir
        #: Library size from which searches are approximate (0: always exact); see VectorStore.fitted.
        self.approximate_from = approximate_from
        self._on_change = on_change
        self._lock = threading.RLock()
        self._write_lock = threading.Lock()
        self._store: VectorStore | None = None
        self._generation = -1

    def path(self, generation: int) -> Path:
        return self.data_dir / f"vectors-{generation}.faiss"

    def committed(self) -> int:
        return int(self.catalog.get_meta("generation") or 0)

    @property
    def loaded(self) -> int:
        """The generation whose vectors this process holds (-1 before the first load)."""
        return self._generation

    def vectors(self) -> VectorStore:
        """The vectors of the newest committed generation (reloaded when another process wrote)."""
        generation = self.committed()
        with self._lock:
            if self._store is None or generation != self._generation:
                self._store = self._load(generation)
                if self._generation >= 0:
                    log.info("library generation %d → %d: reloaded", self._generation, generation)
                self._generation = generation
                self._on_change()
            return self._store

    def _load(self, generation: int) -> VectorStore:
        """The FAISS file of ``generation``, or the vectors rebuilt from the catalog when it is missing,
        unreadable or does not hold exactly the active chunks."""
        path = self.path(generation)
        ids, vectors = self.catalog.active_embeddings()
        store: VectorStore | None = None
        if path.exists():
            try:
                store = VectorStore.load(path)
            except RuntimeError:
                log.warning("vector file %s unreadable; rebuilding from the catalog", path.name)
        if store is None or store.size != len(ids) or not np.array_equal(np.sort(store.ids()), ids):
            dim = vectors.shape[1] if len(ids) else int(self.catalog.get_meta("dim") or DEFAULT_DIM)
            store = VectorStore.from_arrays(dim, ids, vectors).fitted(self.approximate_from)
            if len(ids):
                store.save(path)
                log.info("rebuilt vector index: %d vectors", store.size)
        return store

    @contextmanager
    def write(self, *, model_id: str | None = None, fresh: VectorStore | None = None) -> Iterator[Change]:
        """One atomic change of catalog and vectors (see the module docstring).

        The body changes ``change.db`` and ``change.store`` (a copy of the committed vectors, or ``fresh``
        when given); ``change.abandon()`` rolls everything back and keeps the current generation. ``model_id``
        is recorded when the change embedded passages (with that model).
        """
        new_path: Path | None = None
        with self._write_lock:
            try:
                with self.catalog.transaction() as db:
                    row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
                    committed = int(row[0]) if row else 0
                    current = self.vectors()  # inside the transaction: no other writer can commit meanwhile
                    change = Change(db, fresh if fresh is not None else current.copy(), committed + 1)
                    new_path = self.path(change.generation)
                    yield change
                    if change.abandoned:
                        raise _Abandoned
                    change.store = change.store.fitted(self.approximate_from)
                    Catalog.set_meta(db, "generation", str(change.generation))
                    if model_id is not None:
                        Catalog.set_meta(db, "model_id", model_id)
                    Catalog.set_meta(db, "dim", str(change.store.dim))
                    change.store.save(new_path)  # renamed into place before the catalog commits
            except _Abandoned:
                return
            except BaseException:
                if new_path is not None:
                    new_path.unlink(missing_ok=True)
                raise
            self._swap(change)

    def _swap(self, change: Change) -> None:
        with self._lock:
            self._store = change.store
            self._generation = change.generation
            self._on_change()
        for stale in self.data_dir.glob("vectors-*.faiss*"):
            number = stale.name.removeprefix("vectors-").split(".", 1)[0]
            if number.isdigit() and int(number) < change.generation:
                stale.unlink(missing_ok=True)


class _Abandoned(Exception):
    """Internal: leaves an abandoned write's transaction by rolling it back."""
