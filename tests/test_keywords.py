"""Keyword terms, shared by indexing and questions: folded Vietnamese syllables and pairs, Chinese bigrams."""

from __future__ import annotations

from pathlib import Path

from index.embedders.base import Embedder
from index.engine import Engine
from index.keywords import TERMS_VERSION, index_terms, query_terms
from tests.plugins.engine import make_settings
from tests.test_store import NOTICE_V1, _write


def test_vietnamese_terms_are_folded_syllables_and_pairs() -> None:
    terms = query_terms("Đảng ủy là gì?")
    assert terms[:3] == ["dang", "uy", "danguy"] and "la" not in terms and "gi" not in terms
    assert "chuyendoi" in index_terms("chuyển đổi số")


def test_digits_and_latin_next_to_chinese_are_their_own_terms() -> None:
    assert query_terms("第57号决议") == ["第", "57", "号决", "决议"]
    terms = query_terms("2023年上半年发放了多少援助资金？")
    assert terms[:3] == ["2023", "年上", "上半"] and "援助" in terms
    assert all(len(term) <= 4 for term in query_terms("66-NQ/TW决议的目标是什么"))


def test_an_index_built_with_older_terms_is_rebuilt_when_opened(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path
) -> None:
    settings = make_settings(tmp_path / "data", e5_model_dir.parent)
    engine = Engine(settings, embedder=e5_embedder)
    engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    assert engine.catalog.get_meta("terms_version") == TERMS_VERSION
    with engine.catalog.transaction() as db:  # as an older nqbot left it: other terms, no version
        db.execute("UPDATE chunks_fts SET body = 'xyz'")
        db.execute("DELETE FROM meta WHERE key = 'terms_version'")
    assert engine.retrieve("số hóa hồ sơ lưu trữ", limit=3, mode="keyword") == []
    engine.close()
    reopened = Engine(settings, embedder=e5_embedder)
    assert reopened.catalog.get_meta("terms_version") == TERMS_VERSION
    assert reopened.retrieve("số hóa hồ sơ lưu trữ", limit=3, mode="keyword")
    reopened.close()
