"""Engines on real Party texts, built once per session (ingesting costs seconds per document)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from index.embedders.base import Embedder
from index.engine import Engine
from tests.corpus import GUIDE, party_path

PARTY_SUBSET = ("57-NQ-TW.txt", "71-NQ-TW.txt", "127-KL-TW.txt", "383-QD-TW.txt")


def make_settings(data_dir: Path, models_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, models_dir=models_dir, _env_file=None, **overrides)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def party_engine(
    tmp_path_factory: pytest.TempPathFactory, e5_embedder: Embedder, e5_model_dir: Path
) -> Iterator[Engine]:
    """A read-only engine with four real Party documents and the bundled user guide."""
    settings = make_settings(tmp_path_factory.mktemp("party-data"), e5_model_dir.parent)
    engine = Engine(settings, embedder=e5_embedder)
    for name in PARTY_SUBSET:
        report = engine.ingest_path(party_path(name))
        assert report.status == "added", report
    assert engine.ingest_path(GUIDE).status == "added"
    yield engine
    engine.close()


@pytest.fixture
def fresh_engine(tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path) -> Iterator[Engine]:
    engine = Engine(make_settings(tmp_path / "data", e5_model_dir.parent), embedder=e5_embedder)
    yield engine
    engine.close()
