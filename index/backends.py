"""Which storage backend holds the library, chosen once from the settings.

* SQLite + FAISS (the default, nothing to install): ``<data_dir>/catalog.sqlite3`` and ``vectors-<n>.faiss``;
* PostgreSQL + pgvector when ``NQBOT_DATABASE_URL`` is a ``postgresql://`` URL: one database shared by several
  workers (:mod:`index.catalog_postgres`, :mod:`index.generations_postgres`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from config.settings import Settings
from index.catalog import Catalog
from index.generations import Generations


def open_catalog(settings: Settings) -> Catalog:
    url = settings.database_url_value
    if url is not None:
        from index.catalog_postgres import PostgresCatalog

        return PostgresCatalog(url)
    return Catalog(settings.data_dir / "catalog.sqlite3")


def open_generations(
    catalog: Catalog, data_dir: Path, on_change: Callable[[], None], *, approximate_from: int = 0
) -> Generations:
    """The write path and vectors of ``catalog``'s backend; ``approximate_from`` (NQBOT_APPROXIMATE_FROM) is
    FAISS's switch to an approximate index (pgvector's HNSW index is approximate at any size)."""
    if catalog.shared:
        from index.catalog_postgres import PostgresCatalog
        from index.generations_postgres import PostgresGenerations

        assert isinstance(catalog, PostgresCatalog)
        return PostgresGenerations(catalog, on_change)
    return Generations(catalog, data_dir, on_change=on_change, approximate_from=approximate_from)
