"""A self-hosted Bot API server (NQBOT_TELEGRAM_API_URL) started with ``--local``: getFile answers a path on the
server's disk, which the bot reads directly (nothing is fetched over HTTP), and files up to the server's
2000 MB are accepted within NQBOT_MAX_FILE_MB. The cloud Bot API keeps its 20 MB limit, said up front."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import BotHarness, button
from tests.test_telegram_admin import notice, upload, wait_edited

MB = 1024 * 1024


@pytest.fixture
def local_telegram(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeTelegram]:
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    fake = FakeTelegram(local_dir=tmp_path / "telegram-bot-api")
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def test_a_local_server_lifts_the_20_mb_limit(local_telegram: FakeTelegram, upload_engine: Engine,
                                              tmp_path: Path) -> None:
    fake = local_telegram
    bot = BotHarness(fake, upload_engine, tmp_path / "bot", progress_interval=0.0, progress_step=1,
                     settings={"telegram_api_url": fake.api_root, "max_file_mb": 100}).start()
    try:
        assert bot.runner is not None and bot.runner.application.bot.local_mode
        preview = upload(bot, "tb-970.txt", notice(970, "công tác đối ngoại nhân dân"), file_size=25 * MB)
        assert "Số hiệu: 970-TB/TU" in preview["html"]
        assert [c for c in fake.calls if c[0] == "getFile"] and fake.http_downloads == []  # read from disk
        bot.press(bot.admin, preview, button(preview, "up:"))
        wait_edited(bot, preview, "✅ Đã nạp")
        member = bot.member(5030)
        replies = bot.ask(member, "Theo TB 970 đến hết năm nào văn bản về công tác đối ngoại nhân dân được ký số?")
        assert "970-TB/TU" in replies[0]["html"]
        before = bot.last_id(bot.admin["id"])
        fake.send_document(bot.admin, "lon.pdf", b"%PDF-1.4", mime_type="application/pdf", file_size=150 * MB)
        (refused,) = bot.wait_new(bot.admin["id"], before)
        assert refused["html"] == "Tệp quá lớn (tối đa 100 MB)."  # NQBOT_MAX_FILE_MB still applies
        (help_,) = bot.say(bot.admin, "/help")
        assert "tối đa 100 MB" in help_["html"]
    finally:
        bot.stop()
    assert fake.rejected == []


def test_the_cloud_bot_api_keeps_its_20_mb_limit(fake_telegram: FakeTelegram, upload_engine: Engine,
                                                 tmp_path: Path) -> None:
    fake = fake_telegram
    bot = BotHarness(fake, upload_engine, tmp_path / "bot", settings={"max_file_mb": 100}).start()
    try:
        assert bot.runner is not None and not bot.runner.application.bot.local_mode
        before = bot.last_id(bot.admin["id"])
        fake.send_document(bot.admin, "tb.txt", notice(971), mime_type="text/plain", file_size=25 * MB)
        (refused,) = bot.wait_new(bot.admin["id"], before)
        assert refused["html"] == "Tệp quá lớn (tối đa 20 MB)."  # said up front, not a failed download
        (help_,) = bot.say(bot.admin, "/help")
        assert "tối đa 20 MB" in help_["html"]
    finally:
        bot.stop()
    assert not [c for c in fake.calls if c[0] == "getFile"]
    assert fake.rejected == []


def test_a_self_hosted_api_url_means_local_mode() -> None:
    from config.settings import Settings

    def local(**values: object) -> bool:
        return Settings(_env_file=None, **values).telegram_local  # type: ignore[call-arg, arg-type]

    assert not local() and not local(telegram_api_url="https://api.telegram.org/")
    assert local(telegram_api_url="http://127.0.0.1:8081") and local(telegram_api_url="https://tg.example.org")
