"""Adding, replacing, removing and re-adding documents keeps the catalog and its vectors consistent, even when killed;
the same contract on both backends (``library_engine``: SQLite + FAISS, PostgreSQL + pgvector)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from index.embedders.base import Embedder, EmbedderMismatch
from index.engine import DocumentExists, Engine
from tests.plugins.engine import make_settings

NOTICE_V1 = """TỈNH ỦY NGHỆ AN
Số 920-TB/TU
Nghệ An, ngày 05 tháng 3 năm 2025

THÔNG BÁO
Kết luận của Ban Thường vụ Tỉnh ủy về công tác chuyển đổi số trong các cơ quan Đảng

I. KẾT QUẢ ĐẠT ĐƯỢC
1. Các cơ quan Đảng đã hoàn thành việc số hóa 80% hồ sơ lưu trữ.
2. Hệ thống họp trực tuyến đã kết nối đến 100% đảng ủy cấp xã.

II. NHIỆM VỤ THỜI GIAN TỚI
1. Đến hết năm 2025, hoàn thành kho dữ liệu văn bản điện tử của Tỉnh ủy.
2. Mỗi chi bộ cử một đảng viên phụ trách chuyển đổi số.
"""

NOTICE_V2 = NOTICE_V1.replace("80% hồ sơ", "95% hồ sơ").replace("hết năm 2025", "tháng 6 năm 2026")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _assert_consistent(engine: Engine) -> None:
    """FAISS holds exactly the embeddings of active chunks, and the keyword index the same chunk ids."""
    ids, _ = engine.catalog.active_embeddings()
    assert np.array_equal(np.sort(engine.store.ids()), ids)
    assert engine.catalog.keyword_ids() == set(ids.tolist())


def test_reingesting_identical_bytes_is_a_no_op(library_engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path / "tb920.txt", NOTICE_V1)
    first = library_engine.ingest_path(path)
    again = library_engine.ingest_path(path)
    assert (first.status, again.status) == ("added", "unchanged")
    assert again.document is not None and first.document is not None
    assert again.document.id == first.document.id
    assert len(library_engine.versions(first.document.id)) == 1
    _assert_consistent(library_engine)


def test_same_number_becomes_a_new_version_and_the_old_leaves_search(
    library_engine: Engine, tmp_path: Path
) -> None:
    library_engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    report = library_engine.ingest_path(_write(tmp_path / "tb920-sua.txt", NOTICE_V2))
    assert report.status == "replaced"
    assert report.document is not None and report.document.number == "920-TB/TU"
    versions = library_engine.versions(report.document.id)
    assert [(v.version_no, v.status) for v in versions] == [(2, "active"), (1, "superseded")]
    answer = library_engine.ask("Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?")
    assert answer.found
    quotes = " ".join(c.quote for c in answer.citations)
    assert "95%" in quotes and "80%" not in quotes
    assert len(library_engine.documents()) == 1
    _assert_consistent(library_engine)


def test_replace_can_be_refused(library_engine: Engine, tmp_path: Path) -> None:
    library_engine.ingest_path(_write(tmp_path / "a.txt", NOTICE_V1))
    parsed = library_engine.parse(_write(tmp_path / "b.txt", NOTICE_V2))
    assert library_engine.existing(parsed) is not None
    with pytest.raises(DocumentExists):
        library_engine.ingest(parsed, replace=False)


def test_remove_takes_a_document_out_of_search_and_keeps_history(
    library_engine: Engine, tmp_path: Path
) -> None:
    report = library_engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    assert report.document is not None
    assert library_engine.ask("kho dữ liệu văn bản điện tử của Tỉnh ủy hoàn thành khi nào?").found
    assert library_engine.remove(report.document.id)
    assert library_engine.documents() == []
    assert not library_engine.ask("kho dữ liệu văn bản điện tử của Tỉnh ủy hoàn thành khi nào?").found
    assert [v.status for v in library_engine.versions(report.document.id)] == ["removed"]
    assert library_engine.resolve("920-TB/TU") is None
    assert library_engine.resolve("920-TB/TU", include_removed=True) is not None
    _assert_consistent(library_engine)
    # re-adding the same bytes after removal brings it back
    assert library_engine.ingest_path(tmp_path / "tb920.txt").status in {"added", "replaced"}
    assert library_engine.ask("kho dữ liệu văn bản điện tử của Tỉnh ủy hoàn thành khi nào?").found
    _assert_consistent(library_engine)


def test_state_survives_reopening(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, backend: str | None
) -> None:
    settings = make_settings(tmp_path / "data", e5_model_dir.parent, database_url=backend)
    engine = Engine(settings, embedder=e5_embedder)
    engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    before = [c.chunk_id for c in engine.ask("Mỗi chi bộ cử ai phụ trách chuyển đổi số?").citations]
    engine.close()
    reopened = Engine(settings, embedder=e5_embedder)
    after = [c.chunk_id for c in reopened.ask("Mỗi chi bộ cử ai phụ trách chuyển đổi số?").citations]
    assert before and before == after
    _assert_consistent(reopened)
    reopened.close()


def test_missing_vector_file_is_rebuilt_from_the_catalog(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path
) -> None:
    settings = make_settings(tmp_path / "data", e5_model_dir.parent)
    engine = Engine(settings, embedder=e5_embedder)
    engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    engine.close()
    for path in (tmp_path / "data").glob("vectors-*.faiss"):
        path.unlink()
    reopened = Engine(settings, embedder=e5_embedder)
    assert reopened.ask("Mỗi chi bộ cử ai phụ trách chuyển đổi số?").found
    _assert_consistent(reopened)
    reopened.close()


def test_index_built_by_another_embedder_is_a_clear_error(library_engine: Engine, tmp_path: Path) -> None:
    library_engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    with library_engine.catalog.transaction() as db:
        db.execute("UPDATE meta SET value = 'some-other-model' WHERE key = 'model_id'")
    with pytest.raises(EmbedderMismatch, match="nqbot reindex"):
        library_engine.ask("chuyển đổi số")
    assert library_engine.reindex() > 0
    assert library_engine.ask("Mỗi chi bộ cử ai phụ trách chuyển đổi số?").found


KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from config.settings import Settings
    from index import vectors
    from index.engine import Engine

    data_dir, models_dir, doc, point, url = sys.argv[1:6]
    if point == "before_commit":
        from index import generations_postgres
        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        generations_postgres.ensure_vector_index = die
    elif point == "after_vectors_saved":
        original = vectors.VectorStore.save
        def save_then_die(self, path):
            original(self, path)
            os.kill(os.getpid(), signal.SIGKILL)
        vectors.VectorStore.save = save_then_die
    elif point == "while_embedding":
        from index.embedding import Embedders
        def die(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGKILL)
        Embedders.embed_passages = die
    settings = Settings(data_dir=Path(data_dir), models_dir=Path(models_dir), database_url=url or None,
                        _env_file=None)
    Engine(settings).ingest_path(Path(doc))
    """
)


@pytest.mark.parametrize("point", ["while_embedding", "after_vectors_saved"])
def test_killed_ingest_leaves_the_previous_state(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, point: str
) -> None:
    _killed_ingest(tmp_path, e5_embedder, e5_model_dir, point, None)


@pytest.mark.parametrize("point", ["while_embedding", "before_commit"])
def test_killed_ingest_leaves_the_previous_state_in_postgresql(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, point: str, pg_url: str
) -> None:
    _killed_ingest(tmp_path, e5_embedder, e5_model_dir, point, pg_url)


def _killed_ingest(tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, point: str, url: str | None) -> None:
    settings = make_settings(tmp_path / "data", e5_model_dir.parent, database_url=url)
    engine = Engine(settings, embedder=e5_embedder)
    engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    engine.close()
    root = Path(__file__).resolve().parents[1]
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            KILLER,
            str(tmp_path / "data"),
            str(e5_model_dir.parent),
            str(_write(tmp_path / "tb920-v2.txt", NOTICE_V2)),
            point,
            url or "",
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    reopened = Engine(settings, embedder=e5_embedder)
    rows = reopened.documents()
    assert len(rows) == 1 and rows[0].version_no == 1
    answer = reopened.ask("Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?")
    assert answer.found and "80%" in " ".join(c.quote for c in answer.citations)
    _assert_consistent(reopened)
    # and the store still accepts the new version afterwards
    assert reopened.ingest_path(tmp_path / "tb920-v2.txt").status == "replaced"
    _assert_consistent(reopened)
    reopened.close()


def test_same_local_number_from_two_provinces_are_two_documents(library_engine: Engine, tmp_path: Path) -> None:
    template = """ỦY BAN NHÂN DÂN
TỈNH {province}

Số: 71/2025/QĐ-UBND
{province_title}, ngày 10 tháng 11 năm 2025

QUYẾT ĐỊNH
Ban hành quy chế tiếp nhận kiến nghị của cử tri tỉnh {province_title}

Điều 1. Ban hành kèm theo Quyết định này quy chế tiếp nhận kiến nghị của cử tri tỉnh {province_title}.
Điều 2. Quyết định có hiệu lực kể từ ngày ký.
"""
    first = library_engine.ingest_path(
        _write(tmp_path / "a.txt", template.format(province="BẮC NINH", province_title="Bắc Ninh")))
    second = library_engine.ingest_path(
        _write(tmp_path / "b.txt", template.format(province="NGHỆ AN", province_title="Nghệ An")))
    assert (first.status, second.status) == ("added", "added")
    assert len(library_engine.documents()) == 2
    _assert_consistent(library_engine)
