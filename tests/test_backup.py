"""Backups and restores of a real data directory: what an archive holds, a restore that gives the same answers,
archives refused before anything is written, rotation, and backups that are interrupted or run beside writers."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import threading
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main
from bot.operations.archive import MANIFEST, check_archive
from bot.operations.backup import LOCK_NAME, backup, rotate
from bot.operations.databases import DataPaths
from bot.operations.errors import OperationError, Refusal
from bot.operations.restore import restore
from bot.store import SCHEMA as bot_schema
from bot.store import BotStore
from index.catalog import SCHEMA as catalog_schema
from index.catalog import Catalog
from index.database import Schema
from index.embedders.base import Embedder
from index.engine import Engine
from tests.plugins.engine import make_settings
from tests.plugins.operations import QUESTIONS, copy_data

ROOT = Path(__file__).resolve().parents[1]


def _citations(engine: Engine) -> list[list[tuple[int, str, str]]]:
    return [[(c.chunk_id, c.locator, c.quote) for c in engine.ask(q).citations] for q in QUESTIONS]


def _archive(dest: Path) -> Path:
    archives = sorted(dest.glob("*.tar.gz"))
    assert len(archives) == 1, archives
    return archives[0]


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def test_an_archive_holds_both_databases_the_originals_and_a_manifest(ops_data: Path, tmp_path: Path) -> None:
    result = backup(DataPaths.of(ops_data), tmp_path / "backups")
    assert result.path.parent == tmp_path / "backups" and result.path.name.startswith("nqbot-")
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [LOCK_NAME, result.path.name]
    assert result.path.stat().st_mode & 0o777 == 0o600
    members = _members(result.path)
    originals = sorted(p.name for p in (ops_data / "files").iterdir())
    assert sorted(members) == sorted([MANIFEST, "catalog.sqlite3", "bot.sqlite3",
                                      *(f"files/{name}" for name in originals)])
    assert not any(name.endswith(".faiss") or "models" in name for name in members)  # recomputable
    manifest = json.loads(members[MANIFEST])
    assert manifest["format"] == "nqbot-backup" and manifest["backend"] == "sqlite"
    assert manifest["schemas"] == {"catalog": catalog_schema.version, "bot": bot_schema.version}
    counts = manifest["counts"]
    assert {k: counts[k] for k in ("documents", "documents_in_search", "versions", "users", "members", "questions",
                                   "feedback", "groups", "audit", "stored_files")} == {
        "documents": 2, "documents_in_search": 2, "versions": 2, "users": 4, "members": 4,
        "questions": len(QUESTIONS), "feedback": len(QUESTIONS), "groups": 0, "audit": 1, "stored_files": 2}
    assert counts["passages"] == counts["passages_in_search"]
    assert manifest["counts"]["passages"] > 10
    listed = {m["name"]: m for m in manifest["members"]}
    assert set(listed) == set(members) - {MANIFEST}
    for name, data in members.items():
        if name != MANIFEST:
            assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert check_archive(result.path).manifest.counts == manifest["counts"]


def test_restore_into_an_empty_directory_gives_the_same_answers(
    ops_data: Path, tmp_path: Path, e5_embedder: Embedder, e5_model_dir: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = Engine(make_settings(copy_data(ops_data, tmp_path / "live"), e5_model_dir.parent), embedder=e5_embedder)
    before = _citations(source)
    source.close()
    archive = backup(DataPaths.of(tmp_path / "live"), tmp_path / "backups").path

    target = tmp_path / "restored"
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(target), "restore", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "Đã khôi phục vào" in out and "Số lượng khớp" in out and "Kiểm tra: không có lỗi." in out
    generation = json.loads(_members(archive)[MANIFEST])["generation"]
    assert sorted(p.name for p in target.iterdir()) == ["bot.sqlite3", "catalog.sqlite3", "files",
                                                       f"vectors-{generation}.faiss"]
    assert main(["--data-dir", str(target), "verify"]) == 0
    restored = Engine(make_settings(target, e5_model_dir.parent), embedder=e5_embedder)
    assert _citations(restored) == before and any(before)
    restored.close()
    store = BotStore(target / "bot.sqlite3")
    assert store.downloads_enabled and store.role(2001) == "member"
    assert [entry.action.value for entry in store.audit_log()] == ["restore", "grant"]
    store.close()


def _write_archive(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _newer_schema_archive(ops_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An archive as a future nqbot (catalog schema 4) writes it."""
    from index import catalog

    data = copy_data(ops_data, tmp_path / "future")
    future = Schema(4, catalog.SCHEMA.create + "CREATE TABLE IF NOT EXISTS summaries(document_id INTEGER);",
                    {**catalog.SCHEMA.migrations, 4: "CREATE TABLE summaries(document_id INTEGER);"})
    with monkeypatch.context() as patch:
        patch.setattr(catalog, "SCHEMA", future)
        Catalog(data / "catalog.sqlite3").close()
        return backup(DataPaths.of(data), tmp_path / "future-backups").path


def _damaged(kind: str, good: Path, tmp_path: Path, ops_data: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    raw = good.read_bytes()
    damaged = tmp_path / f"{kind}.tar.gz"
    if kind == "truncated":
        damaged.write_bytes(raw[: len(raw) // 2])
    elif kind == "flipped":
        middle = len(raw) // 2
        damaged.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0x01]) + raw[middle + 1:])
    elif kind == "newer":
        return _newer_schema_archive(ops_data, tmp_path, monkeypatch)
    elif kind == "not_gzip":
        damaged.write_bytes(b"PK\x03\x04" + raw[4:200])
    elif kind in ("manifest_edited", "path_trick", "no_manifest", "member_missing"):
        members = _members(good)
        manifest = json.loads(members[MANIFEST])
        if kind == "manifest_edited":  # a count changed by hand: the manifest's own checksum no longer matches
            manifest["counts"]["users"] = 99
            members[MANIFEST] = json.dumps(manifest).encode()
        elif kind == "path_trick":
            members = {"../../etc/cron.d/evil": b"* * * * * root true\n", **members}
        elif kind == "no_manifest":
            del members[MANIFEST]
        else:
            del members["bot.sqlite3"]
        _write_archive(damaged, members)
    return damaged


#: kind of damage → (the refusals it may give, words of the message). A flipped byte is found by gzip's CRC, by
#: deflate itself, by a tar header checksum or by a member's SHA-256, depending on where it falls.
REFUSALS = {
    "truncated": ({Refusal.TRUNCATED}, "bị cắt cụt"),
    "flipped": ({Refusal.CORRUPT, Refusal.TRUNCATED}, "Không ghi gì"),
    "newer": ({Refusal.TOO_NEW}, "phiên bản nqbot mới hơn tạo (catalog.sqlite3: 4, phiên bản này biết đến 3)"),
    "not_gzip": ({Refusal.NOT_AN_ARCHIVE}, "không phải bản sao lưu"),
    "manifest_edited": ({Refusal.BAD_MANIFEST}, "không hợp lệ"),
    "path_trick": ({Refusal.UNEXPECTED_MEMBER}, "../../etc/cron.d/evil"),
    "no_manifest": ({Refusal.NO_MANIFEST}, "MANIFEST.json"),
    "member_missing": ({Refusal.MISSING_MEMBER}, "bot.sqlite3"),
}


@pytest.fixture(scope="module")
def good_archive(ops_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return backup(DataPaths.of(ops_data), tmp_path_factory.mktemp("good")).path


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_a_bad_archive_is_refused_with_a_clear_message_and_nothing_written(
    kind: str, good_archive: Path, ops_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    archive = _damaged(kind, good_archive, tmp_path, ops_data, monkeypatch)
    codes, words = REFUSALS[kind]
    target = tmp_path / "new-data"
    with pytest.raises(OperationError) as error:
        restore(archive, target)
    assert error.value.code in codes
    assert not target.exists()
    empty = tmp_path / "empty-data"
    empty.mkdir()
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(empty), "restore", str(archive)]) == 2
    message = capsys.readouterr().err
    assert words in message and "Không ghi gì" in message and "Traceback" not in message
    assert list(empty.iterdir()) == []


def test_restore_refuses_a_directory_that_is_not_empty(good_archive: Path, tmp_path: Path) -> None:
    target = tmp_path / "live"
    target.mkdir()
    (target / "catalog.sqlite3").write_bytes(b"precious")
    with pytest.raises(OperationError) as error:
        restore(good_archive, target)
    assert error.value.code == Refusal.TARGET_NOT_EMPTY
    assert [p.name for p in target.iterdir()] == ["catalog.sqlite3"]
    assert (target / "catalog.sqlite3").read_bytes() == b"precious"


def test_check_only_writes_nothing(good_archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(tmp_path / "new"), "restore", "--check", str(good_archive)]) == 0
    assert "Bản sao lưu hợp lệ" in capsys.readouterr().out
    assert not (tmp_path / "new").exists()


def test_keep_rotates_only_regular_archives(ops_data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    dest.mkdir()
    (dest / "nqbot-pre-upgrade-20240101T000000Z.tar.gz").write_bytes(b"kept")
    (dest / "notes.txt").write_text("kept")
    moments = iter([1_700_000_000.0, 1_700_000_000.0, 1_700_000_000.0, 1_700_086_400.0, 1_700_086_400.0,
                    1_700_172_800.0, 1_700_172_800.0])
    paths = [backup(DataPaths.of(ops_data), dest, keep=2, clock=lambda: next(moments)).path for _ in range(3)]
    remaining = sorted(p.name for p in dest.glob("*.tar.gz"))
    assert remaining == sorted([paths[1].name, paths[2].name, "nqbot-pre-upgrade-20240101T000000Z.tar.gz"])
    assert (dest / "notes.txt").exists()
    assert rotate(dest, 1) == [paths[1]]


def test_a_backup_interrupted_midway_leaves_no_complete_looking_file(ops_data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    seen: list[str] = []
    copied = tmp_path / "copy-of-partial.tar.gz"

    def interrupt(member: str) -> None:
        seen.append(member)
        partials = list(dest.glob(".*.partial"))
        assert len(partials) == 1 and not list(dest.glob("*.tar.gz"))  # only a hidden .partial, while writing
        if len(seen) == 3:
            copied.write_bytes(partials[0].read_bytes())  # as a kill -9 would leave it
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        backup(DataPaths.of(ops_data), dest, on_member=interrupt)
    assert sorted(p.name for p in dest.iterdir()) == [LOCK_NAME]  # the partial file and the staging dir are gone
    with pytest.raises(OperationError) as error:  # even renamed, what a killed backup leaves is refused
        check_archive(copied)
    assert error.value.code in (Refusal.TRUNCATED, Refusal.NO_MANIFEST)


KILLED = """
import os, sys, time
from pathlib import Path
from bot.operations.backup import backup
from bot.operations.databases import DataPaths
def pause(member):
    if member.startswith("files/"):
        print("MIDWAY", flush=True)
        time.sleep(600)
backup(DataPaths.of(Path(sys.argv[1])), Path(sys.argv[2]), on_member=pause)
"""


def test_kill_9_midway_then_the_next_backup_cleans_up(ops_data: Path, tmp_path: Path) -> None:
    dest = tmp_path / "backups"
    child = subprocess.Popen([sys.executable, "-c", KILLED, str(ops_data), str(dest)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout is not None and child.stdout.readline().strip() == "MIDWAY"
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    left = sorted(p.name for p in dest.iterdir())
    assert not [name for name in left if name.endswith(".tar.gz")]  # nothing that looks complete
    assert any(name.endswith(".partial") for name in left) and any(name.endswith(".staging") for name in left)
    result = backup(DataPaths.of(ops_data), dest)  # the lock died with the process; leftovers are removed
    assert sorted(p.name for p in dest.iterdir()) == [LOCK_NAME, result.path.name]
    check_archive(result.path)


def test_a_backup_while_the_bot_writes_is_consistent(ops_data: Path, tmp_path: Path) -> None:
    data = copy_data(ops_data, tmp_path / "live")
    store = BotStore(data / "bot.sqlite3")
    stop = threading.Event()
    written = [0]

    def ask_forever() -> None:
        while not stop.is_set():
            store.log_question(chat_id=2001, user_id=2001, text="câu hỏi", found=True, citations=1,
                               document_id=None, millis=1)
            written[0] += 1

    writer = threading.Thread(target=ask_forever)
    writer.start()
    try:
        while written[0] < 20:
            stop.wait(0.01)
        result = backup(DataPaths.of(data), tmp_path / "backups")
    finally:
        stop.set()
        writer.join()
        store.close()
    questions = result.manifest.counts["questions"]
    assert len(QUESTIONS) + 20 <= questions <= len(QUESTIONS) + written[0]
    restored = restore(result.path, tmp_path / "restored")
    assert restored.counts_equal and restored.report.clean
    with closing(sqlite3.connect(tmp_path / "restored" / "bot.sqlite3")) as db:
        assert db.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == questions + 0


def test_one_backup_at_a_time(ops_data: Path, tmp_path: Path) -> None:
    import fcntl

    dest = tmp_path / "backups"
    dest.mkdir()
    with open(dest / LOCK_NAME, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        with pytest.raises(OperationError) as error:
            backup(DataPaths.of(ops_data), dest)
    assert error.value.code == Refusal.BUSY
    assert sorted(p.name for p in dest.iterdir()) == [LOCK_NAME]


def test_nothing_to_back_up_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(tmp_path / "empty"), "backup", str(tmp_path / "b")]) == 2
    assert "không có gì để sao lưu" in capsys.readouterr().err


def test_backup_command_prints_counts_and_records_the_outcome(
    ops_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = copy_data(ops_data, tmp_path / "live")
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(data), "backup", "--keep", "3"]) == 0
    out = capsys.readouterr().out
    archive = _archive(data / "backups")  # NQBOT_BACKUP_DIR unset: <data dir>/backups
    assert f"Đã sao lưu: {archive}" in out and "questions 4" in out and "stored_files 2" in out
    store = BotStore(data / "bot.sqlite3")
    assert store.audit_log(1)[0].action.value == "backup" and store.audit_log(1)[0].target == archive.name
    assert json.loads(store.get_setting("last_backup") or "{}")["file"] == archive.name
    store.close()


def test_backups_run_at_a_lower_cpu_priority(tmp_path: Path) -> None:
    from bot.operations.backup import NICENESS, in_background

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert in_background(niceness) >= NICENESS and niceness() < NICENESS  # only the backup's own thread
    with pytest.raises(OperationError):
        in_background(backup, DataPaths.of(tmp_path / "no-data"), tmp_path / "b")
    assert not (tmp_path / "b").exists()


def test_a_paced_backup_pauses_in_proportion_to_its_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """A backup beside the bot uses about a third of a core: after each slice of work it sleeps twice as long."""
    from bot.operations import archive

    clock = [0.0]
    slept: list[float] = []
    monkeypatch.setattr(archive.time, "perf_counter", lambda: clock[0])
    monkeypatch.setattr(archive.time, "sleep", lambda seconds: slept.append(seconds))
    pace = archive.Pace(1 / 3)
    clock[0] = 0.01
    pace.step()
    assert slept == []  # less than a slice of work: no pause yet
    clock[0] = 0.06
    pace.step()
    assert slept == [pytest.approx(0.12)]
    assert archive.Pace(None).share is None and archive.Pace(1.0).step() is None
