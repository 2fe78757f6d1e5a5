"""Webhook mode: the same application served by PTB's webhook server instead of long polling."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
from pydantic import SecretStr

from bot.telegram.app import build_application, webhook_options
from bot.telegram.config import BotConfig
from bot.telegram.runner import BackgroundBot
from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import ADMIN_ID


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_polling_is_the_default(party_engine: Engine) -> None:
    assert webhook_options(party_engine.settings) is None


def test_webhook_receives_updates_and_refuses_a_wrong_secret(
    fake_telegram: FakeTelegram, party_engine: Engine, tmp_path: Path
) -> None:
    port = _free_port()
    settings = party_engine.settings.model_copy(update={
        "telegram_token": SecretStr(fake_telegram.token), "admin_ids": [ADMIN_ID],
        "webhook_url": "https://nqbot.example.org/", "webhook_listen": "127.0.0.1", "webhook_port": port,
        "webhook_path": "hook", "webhook_secret": SecretStr("s3cret-token"), "data_dir": tmp_path,
    })
    options = webhook_options(settings)
    assert options is not None and options["webhook_url"] == "https://nqbot.example.org/hook"
    application = build_application(party_engine, settings=settings, config=BotConfig(),
                                    base_url=fake_telegram.base_url, base_file_url=fake_telegram.base_file_url)
    runner = BackgroundBot(application, webhook=options).start()
    try:
        admin = fake_telegram.user(ADMIN_ID, "Admin")
        fake_telegram.send_text(admin, "Nghị quyết 57 đặt mục tiêu gì đến năm 2030?")
        update = fake_telegram.pending_updates[-1]
        url = f"http://127.0.0.1:{port}/hook"
        refused = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
        assert refused.status_code == 403
        accepted = httpx.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"})
        assert accepted.status_code == 200
        reply = fake_telegram.wait_messages(ADMIN_ID, 1)[0]
        assert "57-NQ/TW" in reply["text"]
    finally:
        runner.stop()
    assert any(method == "setWebhook" for method, _ in fake_telegram.calls)
    assert fake_telegram.rejected == []
