"""Health: ``GET /healthz`` on the webhook's port (real HTTP on 127.0.0.1, the real application against the fake Bot
API), the status row a polling bot keeps, and ``nqbot status``."""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.cli import main
from bot.logs import NOISY
from bot.operations.databases import DataPaths
from bot.operations.health import BackupOutcome, BotStatus, State, read_status, state_of
from bot.store import SCHEMA as bot_schema
from bot.store import BotStore
from bot.telegram.app import RedactToken, build_application, webhook_options
from bot.telegram.config import BotConfig
from bot.telegram.runner import BackgroundBot
from index.catalog import SCHEMA as catalog_schema
from index.embedders.base import Embedder
from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import ADMIN_ID, BotHarness
from tests.plugins.engine import make_settings
from tests.plugins.operations import copy_data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _webhook_bot(fake: FakeTelegram, engine: Engine, data_dir: Path) -> tuple[BackgroundBot, str, str]:
    port = _free_port()
    settings = engine.settings.model_copy(update={
        "telegram_token": SecretStr(fake.token), "admin_ids": [ADMIN_ID], "webhook_url": "https://nqbot.example.org",
        "webhook_listen": "127.0.0.1", "webhook_port": port, "webhook_path": "hook",
        "webhook_secret": SecretStr("s3cret"), "data_dir": data_dir})
    application = build_application(engine, settings=settings, config=BotConfig(),
                                    base_url=fake.base_url, base_file_url=fake.base_file_url)
    runner = BackgroundBot(application, webhook=webhook_options(settings)).start()
    return runner, f"http://127.0.0.1:{port}/healthz", f"http://127.0.0.1:{port}/hook"


def test_healthz_answers_the_library_and_the_last_update(fake_telegram: FakeTelegram, party_engine: Engine,
                                                         tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # what production runs at, with the libraries configure_logging quietens
    for name in NOISY:
        caplog.set_level(logging.WARNING, logger=name)
    runner, health, hook = _webhook_bot(fake_telegram, party_engine, tmp_path / "bot")
    try:
        first = httpx.get(health)
        assert first.status_code == 200 and first.headers["content-type"].startswith("application/json")
        body = first.json()
        assert body["status"] == "ok" and body["mode"] == "webhook"
        assert body["generation"] == party_engine.generations.committed() and body["documents"] == 5
        assert "last_update_id" not in body

        admin = fake_telegram.user(ADMIN_ID, "Admin")
        fake_telegram.send_text(admin, "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?")
        update = fake_telegram.pending_updates[-1]
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret"}
        assert httpx.post(hook, json=update, headers=headers).status_code == 200
        fake_telegram.wait_messages(ADMIN_ID, 1)

        def seen() -> dict[str, Any] | None:
            answer = httpx.get(health).json()
            return answer if answer.get("last_update_id") == update["update_id"] else None

        body = fake_telegram.wait_for(seen)
        assert body["last_update_age_s"] >= 0 and body["last_update_at"].endswith("+07:00")
        assert httpx.post(health, json={}).status_code == 405  # /healthz is read-only
        assert httpx.get(hook).status_code == 405  # and the webhook takes only POSTs
        assert httpx.post(hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 403
        assert httpx.post(hook, content=b"{", headers={**headers, "Content-Type": "application/json"}
                          ).status_code == 400
    finally:
        runner.stop()
    assert fake_telegram.rejected == []
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "s3cret" not in logged and "mục tiêu gì" not in logged and fake_telegram.token not in logged
    record = logging.LogRecord("telegram", logging.DEBUG, __file__, 1, "setWebhook %s", ({"secret": "s3cret"},), None)
    RedactToken(fake_telegram.token, "s3cret").filter(record)  # what `nqbot serve` puts on every handler
    assert record.getMessage() == "setWebhook {'secret': '<secret>'}"


def test_healthz_is_503_when_the_engine_cannot_answer(fake_telegram: FakeTelegram, ops_data: Path, tmp_path: Path,
                                                      e5_embedder: Embedder, e5_model_dir: Path) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    engine = Engine(make_settings(data, e5_model_dir.parent), embedder=e5_embedder)
    runner, health, _ = _webhook_bot(fake_telegram, engine, data)
    try:
        assert httpx.get(health).status_code == 200
        with engine.catalog.transaction() as db:  # the index now says another model built it
            model_id = db.execute("SELECT value FROM meta WHERE key = 'model_id'").fetchone()[0]
            db.execute("UPDATE meta SET value = 'another-model' WHERE key = 'model_id'")
        answer = httpx.get(health)
        assert answer.status_code == 503
        assert answer.json()["status"] == "unavailable" and answer.json()["error"] == "EmbedderMismatch"
        with engine.catalog.transaction() as db:
            db.execute("UPDATE meta SET value = ? WHERE key = 'model_id'", (model_id,))
        assert httpx.get(health).status_code == 200
    finally:
        runner.stop()
        engine.close()


def test_a_polling_bot_keeps_its_status_row(fake_telegram: FakeTelegram, party_engine: Engine,
                                            tmp_path: Path) -> None:
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot", status_interval=0.05).start()
    paths = DataPaths(tmp_path / "bot", party_engine.catalog.path, tmp_path / "bot" / "bot.sqlite3",
                      party_engine.library.files_dir)
    try:
        status = read_status(paths, time.time())
        assert status.state == State.RUNNING and status.mode == "polling" and status.ok
        assert status.last_update_id is None and status.documents == 5
        asked_at = time.time()
        harness.ask(harness.admin, "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?")
        row = fake_telegram.wait_for(lambda: (s := read_status(paths, time.time())).last_update_id and s)
        assert row.last_update_at is not None and row.last_update_at >= asked_at
        assert row.generation == party_engine.generations.committed()
    finally:
        harness.stop()
    assert read_status(paths, time.time()).state == State.STOPPED


def test_status_command(ops_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    data = copy_data(ops_data, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    assert main(["--data-dir", str(data), "status"]) == 1
    assert "chưa từng chạy" in capsys.readouterr().out

    now = time.time()
    store = BotStore(data / "bot.sqlite3")
    BotStatus(mode="polling", started_at=now - 3600, heartbeat_at=now - 5, interval=30, last_update_id=8123,
              last_update_at=now - 42, next_backup_at=now + 7200).save(store)
    BackupOutcome(now - 600, True, "nqbot-20250301T200000Z.tar.gz", 52_300_000, 8.1).save(store)
    store.close()
    assert main(["--data-dir", str(data), "status"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Bot đang chạy (polling, khởi động")
    assert out[1].startswith("Kho văn bản: thế hệ ") and "2 văn bản đang được tìm kiếm" in out[1]
    assert out[2].startswith("Cập nhật cuối đã xử lý: #8123") and "(42 giây trước)" in out[2]
    assert out[3].startswith("Lần sao lưu tới:")
    assert out[4].startswith("Lần sao lưu gần nhất:") and "nqbot-20250301T200000Z.tar.gz (52.3 MB)" in out[4]
    assert main(["--data-dir", str(data), "status", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["status"] == "ok" and body["state"] == "running" and body["last_update_id"] == 8123
    assert body["documents"] == 2 and body["schemas"] == {"catalog": catalog_schema.version,
                                                           "bot": bot_schema.version}
    assert 40 <= body["last_update_age_s"] <= 600

    with closing(sqlite3.connect(data / "bot.sqlite3")) as db:  # the heartbeat stops without a goodbye
        row = json.loads(db.execute("SELECT value FROM settings WHERE key = 'status'").fetchone()[0])
        row["heartbeat_at"] = now - 3600
        db.execute("UPDATE settings SET value = ? WHERE key = 'status'", (json.dumps(row),))
        db.commit()
    assert main(["--data-dir", str(data), "status"]) == 1
    assert "KHÔNG phản hồi" in capsys.readouterr().out


def test_states_from_heartbeats() -> None:
    status = BotStatus(started_at=1000.0, heartbeat_at=1000.0, interval=30.0)
    assert state_of(None, 1000.0) == State.NEVER_RAN
    assert state_of(status, 1089.0) == State.RUNNING
    assert state_of(status, 1091.0) == State.NOT_RESPONDING
    status.stopped_at = 1050.0
    assert state_of(status, 5000.0) == State.STOPPED
    status.saw(7, 1.0)
    status.saw(5, 2.0)  # an older update handled later does not go back in time
    assert (status.last_update_id, status.last_update_at) == (7, 1.0)
    assert BotStatus.from_json(status.to_json()).last_update_id == 7
