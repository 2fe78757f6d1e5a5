"""PostgreSQL for the contract tests: one throwaway server per session (``pgserver``: PostgreSQL 16 with
pgvector, started from Python in a temporary folder, stopped at the end), an empty database per test.

``backend`` parametrises a test over both storage backends: ``None`` (SQLite + FAISS files) or the URL of a fresh
PostgreSQL database; ``library_engine`` is an engine on it (what ``fresh_engine`` is for SQLite alone).
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from bot.store import BotStore
from index.embedders.base import Embedder
from index.engine import Engine
from tests.plugins.engine import make_settings

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The session's server: the URL of its ``postgres`` database (a Unix socket in a temporary folder).

    The folder is not under pytest's own: as root, PostgreSQL runs as the user ``pgserver``, which must be able to
    enter it, and pytest makes ``/tmp/pytest-of-root`` private again whenever a session starts."""
    folder = Path(tempfile.mkdtemp(prefix="nqbot-pg-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs: XDG_RUNTIME_DIR unset under CI
        import pgserver

        server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database (dropped afterwards)."""
    name = f"nqbot_test_{next(_numbers)}"
    _admin(pg_server, f"CREATE DATABASE {name}")
    yield pg_server.replace("/postgres?", f"/{name}?")
    _admin(pg_server, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str | None:
    """``None`` for SQLite, else a fresh PostgreSQL database's URL (``NQBOT_DATABASE_URL``)."""
    if request.param == "sqlite":
        return None
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def library_engine(backend: str | None, tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path) -> Iterator[Engine]:
    engine = Engine(make_settings(tmp_path / "data", e5_model_dir.parent, database_url=backend),
                    embedder=e5_embedder)
    yield engine
    engine.close()


@pytest.fixture
def open_store(backend: str | None, tmp_path: Path) -> Callable[..., BotStore]:
    """Opens the bot store of this test's backend (the same one each call: reopening sees what was written)."""

    def opener(admin_ids: Sequence[int] = ()) -> BotStore:
        if backend is None:
            return BotStore(tmp_path / "bot-store" / "bot.sqlite3", admin_ids=admin_ids)
        from bot.store_postgres import PostgresBotStore

        return PostgresBotStore(backend, admin_ids=admin_ids)

    return opener
