"""Generations in PostgreSQL: the same contract as :mod:`index.generations` without a vector file.

A write is one PostgreSQL transaction that changes the catalog's rows (vectors included: they are a column of
``chunks``, indexed by HNSW) and commits the next generation number; writers of every worker and the CLI take
their turn on an advisory lock. Readers search the database itself, so a committed change is in every
worker's next search; :meth:`PostgresGenerations.vectors` still reads the committed generation before each
question, to drop what a worker derived from the old library (document names, abbreviations, spellings).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from index.catalog_postgres import PostgresCatalog, PostgresVectors, ensure_vector_index
from index.generations import DEFAULT_DIM, Change, Generations
from index.postgres import LOCK_NAMESPACE, Lock
from index.vectors import VectorStore

log = logging.getLogger(__name__)


class _Abandoned(Exception):
    """Internal: rolls an abandoned write's transaction back."""


class PostgresGenerations(Generations):
    def __init__(self, catalog: PostgresCatalog, on_change: Callable[[], None] = lambda: None) -> None:
        super().__init__(catalog, Path("."), on_change)
        self.catalog: PostgresCatalog = catalog
        self._vectors = PostgresVectors(catalog, self._dim())

    def _dim(self) -> int:
        return int(self.catalog.get_meta("dim") or DEFAULT_DIM)

    def vectors(self) -> VectorStore:
        """The database's vectors; the first call after another worker committed tells the caches."""
        generation = self.committed()
        with self._lock:
            if generation != self._generation:
                if self._generation >= 0:
                    log.info("library generation %d → %d", self._generation, generation)
                    self._vectors = PostgresVectors(self.catalog, self._dim())
                self._generation = generation
                self._on_change()
            return self._vectors  # type: ignore[return-value]

    @contextmanager
    def write(self, *, model_id: str | None = None, fresh: VectorStore | None = None) -> Iterator[Change]:
        """One transaction: the body changes ``change.db``; the generation moves when it commits."""
        try:
            with self._write_lock, self.catalog.transaction() as db:
                db.execute("SELECT pg_advisory_xact_lock(?, ?)", (LOCK_NAMESPACE, Lock.GENERATION))
                row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
                committed = int(row[0]) if row else 0
                vectors = PostgresVectors(self.catalog, self._vectors.dim)
                if fresh is not None:
                    vectors.dim = fresh.dim
                change = Change(db, vectors, committed + 1)  # type: ignore[arg-type]
                yield change
                if change.abandoned:
                    raise _Abandoned
                self.catalog.set_meta(db, "generation", str(change.generation))
                if model_id is not None:
                    self.catalog.set_meta(db, "model_id", model_id)
                self.catalog.set_meta(db, "dim", str(vectors.dim))
                ensure_vector_index(db, vectors.dim)
        except _Abandoned:
            return
        with self._lock:
            self._vectors = vectors
            self._generation = change.generation
            self._on_change()
