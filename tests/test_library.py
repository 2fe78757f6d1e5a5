"""What every process sees of the library: changes made elsewhere, withdrawn text, hostile names and input."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from index.embedders.base import Embedder
from index.engine import Engine
from tests.plugins.engine import make_settings
from tests.test_store import NOTICE_V1, NOTICE_V2, _assert_consistent, _write

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?"


def _cli(data_dir: Path, models_dir: Path, *args: str, url: str | None = None) -> subprocess.CompletedProcess[str]:
    """``nqbot`` in another process, as an operator runs it while the bot serves."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NQBOT_MODELS_DIR": str(models_dir)}
    if url is not None:
        env["NQBOT_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "bot.cli", "--data-dir", str(data_dir), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)


def test_a_removal_by_another_process_is_seen_before_the_next_question(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, backend: str | None
) -> None:
    serving = Engine(make_settings(tmp_path / "data", e5_model_dir.parent, database_url=backend),
                     embedder=e5_embedder)
    serving.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    assert serving.ask(QUESTION).found

    removed = _cli(tmp_path / "data", e5_model_dir.parent, "docs", "remove", "920-TB/TU", url=backend)
    assert removed.returncode == 0, removed.stderr

    answer = serving.ask(QUESTION)
    assert not answer.found and not answer.citations  # no passage of the removed document is cited
    assert serving.resolve("920-TB/TU") is None
    assert all(c.doc_number != "920-TB/TU" for c in answer.closest)
    _assert_consistent(serving)
    serving.close()


def test_a_document_ingested_by_another_process_is_searchable_at_once(
    tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, backend: str | None
) -> None:
    settings = make_settings(tmp_path / "data", e5_model_dir.parent, database_url=backend)
    serving = Engine(settings, embedder=e5_embedder)
    assert not serving.ask(QUESTION).found  # empty library; the vectors of generation 0 are loaded
    writer = Engine(settings, embedder=e5_embedder)  # its own catalog connection and vectors, as a process has
    writer.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    hits = serving.retrieve(QUESTION, limit=3, mode="dense")
    assert hits and serving.catalog.chunks([hits[0].chunk_id])  # dense search sees the new passages
    answer = serving.ask(QUESTION)
    assert answer.found and "80%" in answer.citations[0].quote
    writer.ingest_path(_write(tmp_path / "tb920-v2.txt", NOTICE_V2))  # a new version replaces it
    answer = serving.ask(QUESTION)
    assert answer.found and "95%" in answer.citations[0].quote and "80%" not in answer.citations[0].quote
    _assert_consistent(serving)
    writer.close()
    serving.close()


def test_withdrawn_text_is_not_readable_through_passage_ids(library_engine: Engine, tmp_path: Path) -> None:
    library_engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    old = library_engine.ask(QUESTION).citations[0].chunk_id
    assert library_engine.passage(old) is not None
    library_engine.ingest_path(_write(tmp_path / "tb920-v2.txt", NOTICE_V2))
    assert library_engine.passage(old) is None  # superseded
    assert library_engine.passage(old, radius=8) is None
    current = library_engine.ask(QUESTION).citations[0].chunk_id
    document = library_engine.resolve("920-TB/TU")
    assert document is not None and library_engine.passage(current) is not None
    library_engine.remove(document.id)
    assert library_engine.passage(current) is None  # removed
    assert library_engine.catalog.chunks([old, current]) == {}


def test_keyword_scores_do_not_depend_on_a_document_filter(library_engine: Engine, tmp_path: Path) -> None:
    report = library_engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    assert report.document is not None and report.document.active_version is not None
    match = '"so" OR "hoa" OR "hoso"'
    everywhere = dict(library_engine.catalog.keyword_search(match, 10))
    filtered = dict(library_engine.catalog.keyword_search(match, 10, [report.document.active_version]))
    assert everywhere and everywhere == pytest.approx(filtered)


def test_a_keyword_search_error_is_raised_not_hidden_as_no_result(fresh_engine: Engine, tmp_path: Path) -> None:
    """Errors become messages at the edges: the catalog must not turn a failed search into "not found"."""
    fresh_engine.ingest_path(_write(tmp_path / "tb920.txt", NOTICE_V1))
    with pytest.raises(sqlite3.OperationalError):
        fresh_engine.catalog.keyword_search("AND OR", 10)


def test_bidi_controls_do_not_hide_a_document_mention(party_engine: Engine) -> None:
    plain = party_engine.ask("Nghị quyết 57 đặt mục tiêu gì đến năm 2030?")
    hidden = party_engine.ask("Nghị quyết \u2066\u202e57\u202c\u2069 đặt mục tiêu gì đến năm 2030?")
    assert plain.named_documents and hidden.named_documents == plain.named_documents
    assert hidden.question == "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?"


def test_hostile_file_names_are_cleaned_before_they_are_shown_or_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, e5_model_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NQBOT_MODELS_DIR", str(e5_model_dir.parent))
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    name = "bao\x1b[2J\x1b[31mcao\nmoi\u202e.txt"
    _write(folder / name, "Báo cáo của chi bộ về việc học tập nghị quyết trong quý một năm nay.\n" * 3)
    assert main(["--data-dir", str(tmp_path / "data"), "ingest", "--quiet", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "bao[2J[31mcao moi.txt" in out
    engine = Engine(make_settings(tmp_path / "data", e5_model_dir.parent))
    [document] = engine.documents()
    assert document.source_name == "bao[2J[31mcao moi.txt"
    assert document.title is not None and "\x1b" not in document.title and "\n" not in document.title
    engine.close()
