"""Several webhook workers on one PostgreSQL database: each update answered once, a dead worker's updates taken
over, an upload read by one worker confirmed on another, one ingest at a time (the script
``scripts/drill_workers.py`` does the same with real processes, a reverse proxy and ``kill -9``)."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from bot.access import resolve_caller
from bot.store_postgres import PostgresBotStore
from bot.study.results import Results, RunKind
from bot.telegram.app import ADOPT_EVERY, build_application, webhook_options
from bot.telegram.config import BotConfig
from bot.telegram.inbox import Inbox
from bot.telegram.runner import BackgroundBot
from bot.uploads import Claimed, Indexed, Preview, Uploads
from bot.workers import Workers
from index.embedders.base import Embedder
from index.engine import Engine
from tests.corpus import party_path
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import ADMIN_ID
from tests.plugins.engine import make_settings
from tests.test_store import NOTICE_V1, _write

QUESTION = "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?"
_databases = itertools.count(1)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def shared_url(pg_server: str) -> Iterator[str]:
    """One database for the module's workers, with 57-NQ/TW in it."""
    name = f"nqbot_workers_{next(_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # type: ignore[arg-type]
    yield pg_server.replace("/postgres?", f"/{name}?")
    with psycopg.connect(pg_server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def worker_engines(shared_url: str, tmp_path_factory: pytest.TempPathFactory, e5_embedder: Embedder,
                   e5_model_dir: Path) -> Iterator[list[Engine]]:
    """Two workers' engines (each its own data directory, as on two machines) on the shared database."""
    engines = [Engine(make_settings(tmp_path_factory.mktemp(f"worker{i}"), e5_model_dir.parent,
                                    database_url=shared_url), embedder=e5_embedder) for i in range(2)]
    assert engines[0].ingest_path(party_path("57-NQ-TW.txt")).status == "added"
    yield engines
    for engine in engines:
        engine.close()


class Worker:
    """A webhook worker (the real application, its own webhook server) on one engine."""

    def __init__(self, fake: FakeTelegram, engine: Engine) -> None:
        self.port = _free_port()
        settings = engine.settings.model_copy(update={
            "telegram_token": SecretStr(fake.token), "admin_ids": [ADMIN_ID], "webhook_url": "https://nqbot.test/",
            "webhook_listen": "127.0.0.1", "webhook_port": self.port, "webhook_path": "hook"})
        options = webhook_options(settings)
        application = build_application(engine, settings=settings, config=BotConfig(),
                                        base_url=fake.base_url, base_file_url=fake.base_file_url)
        self.runner = BackgroundBot(application, webhook=options).start()

    @property
    def store(self) -> PostgresBotStore:
        store = self.runner.application.bot_data["services"].store
        assert isinstance(store, PostgresBotStore)
        return store

    def post(self, update: dict[str, Any]) -> int:
        import httpx

        return httpx.post(f"http://127.0.0.1:{self.port}/hook", json=update, trust_env=False).status_code

    def stop(self) -> None:
        self.runner.stop()


@pytest.fixture
def workers(fake_telegram: FakeTelegram, worker_engines: list[Engine], shared_url: str) -> Iterator[list[Worker]]:
    with psycopg.connect(shared_url, autocommit=True) as connection:  # each test's fake numbers updates anew
        if connection.execute("SELECT to_regclass('nqbot.inbox')").fetchone()[0] is not None:  # type: ignore[index]
            connection.execute("DELETE FROM nqbot.inbox")
    started = [Worker(fake_telegram, engine) for engine in worker_engines]
    yield started
    for worker in started:
        worker.stop()


def test_an_update_sent_to_both_workers_is_answered_once(fake_telegram: FakeTelegram, workers: list[Worker]) -> None:
    admin = fake_telegram.user(ADMIN_ID, "Admin")
    fake_telegram.send_text(admin, QUESTION)
    update = fake_telegram.pending_updates[-1]
    # Telegram retries, and a proxy retries on the other worker: the same update arrives three times
    statuses = [workers[0].post(update), workers[1].post(update), workers[0].post(update)]
    assert statuses == [200, 200, 200]
    reply = fake_telegram.wait_messages(ADMIN_ID, 1)[0]
    assert "57-NQ/TW" in reply["text"]
    time.sleep(1.5)
    assert len(fake_telegram.bot_messages(ADMIN_ID)) == 1


def test_the_updates_of_a_dead_worker_are_answered_by_another(
    fake_telegram: FakeTelegram, workers: list[Worker]
) -> None:
    admin = fake_telegram.user(ADMIN_ID, "Admin")
    fake_telegram.send_text(admin, QUESTION)
    update = fake_telegram.pending_updates[-1]
    store = workers[1].store
    gone = 2**31 - 7  # a worker id nobody holds: it died after recording the update
    with store.transaction() as db:
        db.execute("INSERT INTO inbox (update_id, payload, worker, state, received_at) VALUES (?, ?, ?, 'working', ?)",
                   (update["update_id"], json.dumps(update), gone, time.time()))
    reply = fake_telegram.wait_messages(ADMIN_ID, 1, timeout=15)[0]  # taken over within a second or two
    assert "57-NQ/TW" in reply["text"]
    row = fake_telegram.wait_for(lambda: store.row(
        "SELECT state, worker FROM inbox WHERE update_id = ? AND state = 'done'", (update["update_id"],)))
    assert row["worker"] in {w.store.worker for w in workers}
    assert workers[0].post(update) == 200  # sent again later: acknowledged, not answered again
    time.sleep(1.5)
    assert len(fake_telegram.bot_messages(ADMIN_ID)) == 1


def test_a_worker_is_alive_while_its_process_holds_its_lock(shared_url: str) -> None:
    first, second = PostgresBotStore(shared_url), PostgresBotStore(shared_url)
    try:
        assert second.worker_alive(first.worker) and first.worker_alive(second.worker)
        inbox = Inbox(first)
        assert inbox.accept(777, '{"update_id": 777}') and not Inbox(second).accept(777, '{"update_id": 777}')
        first.close()  # the process is gone
        assert not second.worker_alive(first.worker)
        assert Inbox(second).orphans() == ['{"update_id": 777}'] and Inbox(second).orphans() == []
    finally:
        first.close()
        second.close()


def test_a_quiz_run_is_taken_over_once_when_its_worker_is_gone(shared_url: str) -> None:
    first, second, third = (PostgresBotStore(shared_url, admin_ids=[ADMIN_ID]) for _ in range(3))
    try:
        run = Results(first).create_run(RunKind.GROUP, chat_id=-100777, thread_id=None, started_by=ADMIN_ID,
                                        documents=None, questions=[], seconds=30)
        assert second.adopt_runs([run.id]) == []  # its worker is alive: a restart elsewhere leaves it alone
        first.close()
        assert second.adopt_runs([run.id]) == [run.id]
        assert third.adopt_runs([run.id]) == [] and second.adopt_runs([run.id]) == []  # taken over once
    finally:
        for store in (first, second, third):
            store.close()


def test_a_group_quiz_of_a_dead_worker_is_ended_by_another_with_its_scoreboard(
    fake_telegram: FakeTelegram, workers: list[Worker], shared_url: str
) -> None:
    group = fake_telegram.group(-100888, "Chi bộ 1")
    gone = PostgresBotStore(shared_url, admin_ids=[ADMIN_ID])  # the worker that ran the quiz
    run = Results(gone).create_run(RunKind.GROUP, chat_id=group["id"], thread_id=None, started_by=ADMIN_ID,
                                   documents=None, questions=[], seconds=30)
    time.sleep(1.0)
    assert fake_telegram.bot_messages(group["id"]) == []  # while it lives, nobody else touches its quiz
    gone.close()  # kill -9: its lock is released
    notice = fake_telegram.wait_messages(group["id"], 1, timeout=30)[0]
    assert "gián đoạn" in notice["text"]
    time.sleep(ADOPT_EVERY + 1)
    assert len(fake_telegram.bot_messages(group["id"])) == 1  # one worker took it over, once
    status = workers[0].store.row("SELECT status FROM quiz_runs WHERE id = ?", (run.id,))
    assert status is not None and status["status"] == "interrupted"


def test_an_upload_read_by_one_worker_is_indexed_by_another(
    worker_engines: list[Engine], shared_url: str, tmp_path: Path
) -> None:
    stores = [PostgresBotStore(shared_url, admin_ids=[ADMIN_ID]) for _ in range(2)]
    pool = Workers(1)
    try:
        flows = [Uploads(engine, store, pool, tmp_path / f"uploads-{i}", limit_mb=20, ttl=60.0)
                 for i, (engine, store) in enumerate(zip(worker_engines, stores, strict=True))]
        admins = [resolve_caller(store, user_id=ADMIN_ID, first_name="A", username=None, chat_id=ADMIN_ID,
                                 chat_kind="private") for store in stores]

        async def fetch(target: Path) -> None:
            target.write_text(NOTICE_V1, encoding="utf-8")

        async def scenario() -> None:
            upload_id = await flows[0].receive(admins[0], "tb920.txt", 100)
            assert isinstance(await flows[0].read(upload_id, "tb920.txt", 5, fetch), Preview)
            (tmp_path / "uploads-0").rename(tmp_path / "elsewhere")  # worker 0's disk is not worker 1's
            claimed = await flows[1].claim(admins[1], upload_id, "ok")
            assert isinstance(claimed, Claimed)

            class View:
                async def queued(self) -> None: ...

                async def progress(self, done: int, total: int) -> None: ...

            indexed = await flows[1].index(claimed, View())
            assert isinstance(indexed, Indexed) and indexed.report.status == "added"

        asyncio.run(scenario())
        answer = worker_engines[0].ask("Tỉnh ủy đã số hóa bao nhiêu phần trăm hồ sơ lưu trữ?")  # the other worker
        assert answer.found and "80%" in answer.citations[0].quote
        assert stores[0].row("SELECT COUNT(*) FROM upload_files")[0] == 0  # type: ignore[index]
    finally:
        pool.shutdown()
        for store in stores:
            store.close()


def test_one_ingest_at_a_time_across_workers(worker_engines: list[Engine], tmp_path: Path) -> None:
    """Two workers ingest at once: the second waits for the first (an advisory lock), both land."""
    order: list[str] = []
    first, second = worker_engines
    original = first.embedders.embed_passages

    def slow(texts: list[str], progress: Any = None) -> Any:
        order.append("first embeds")
        time.sleep(1.0)
        order.append("first embedded")
        return original(texts, progress)

    first.embedders.embed_passages = slow  # type: ignore[method-assign]
    notice = NOTICE_V1.replace("920-TB/TU", "921-TB/TU")
    try:
        thread = threading.Thread(target=first.ingest_path, args=(_write(tmp_path / "a.txt", notice),))
        thread.start()
        while not order:
            time.sleep(0.01)
        second_notice = NOTICE_V1.replace("920-TB/TU", "922-TB/TU")
        report = second.ingest_path(_write(tmp_path / "b.txt", second_notice))
        order.append("second done")
        thread.join()
    finally:
        del first.embedders.embed_passages
    assert order == ["first embeds", "first embedded", "second done"] and report.status == "added"
    assert {d.number for d in second.documents()} >= {"921-TB/TU", "922-TB/TU"}
