"""The daily backup (``NQBOT_BACKUP_AT``): when it runs, on a clock the test sets, through the bot's real JobQueue;
its archive, audit entry and status; and the admins told when it fails."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.operations.archive import check_archive
from bot.operations.schedule import next_run
from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import ADMIN_ID, BotHarness

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
AT_3 = time(3, 0, tzinfo=HCM)


def test_next_run_is_the_next_wall_clock_time_in_the_zone() -> None:
    assert next_run(AT_3, datetime(2025, 3, 1, 2, 59, tzinfo=HCM)) == datetime(2025, 3, 1, 3, 0, tzinfo=HCM)
    assert next_run(AT_3, datetime(2025, 3, 1, 3, 0, tzinfo=HCM)) == datetime(2025, 3, 2, 3, 0, tzinfo=HCM)
    assert next_run(AT_3, datetime(2025, 3, 1, 23, 30, tzinfo=HCM)) == datetime(2025, 3, 2, 3, 0, tzinfo=HCM)
    assert next_run(AT_3, datetime(2025, 12, 31, 4, 0, tzinfo=HCM)) == datetime(2026, 1, 1, 3, 0, tzinfo=HCM)
    # 20:30 UTC is 03:30 the next day in Hồ Chí Minh City (UTC+7): tomorrow's run is the day after
    assert next_run(AT_3, datetime(2025, 3, 1, 20, 30, tzinfo=UTC)) == datetime(2025, 3, 3, 3, 0, tzinfo=HCM)
    assert next_run(AT_3, datetime(2025, 3, 1, 19, 0, tzinfo=UTC)) == datetime(2025, 3, 2, 3, 0, tzinfo=HCM)


class Clock:
    """The bot's time, set by the test."""

    def __init__(self, moment: datetime) -> None:
        self.now = moment.timestamp()

    def __call__(self) -> float:
        return self.now


def test_the_bot_backs_up_at_the_set_time(fake_telegram: FakeTelegram, party_engine: Engine, tmp_path: Path) -> None:
    clock = Clock(datetime(2025, 3, 1, 2, 59, 59, 800_000, tzinfo=HCM))  # 0.2 s before the backup
    backups = tmp_path / "backups"
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot", clock=clock,
                         settings={"backup_at": "03:00", "backup_dir": backups, "backup_keep": 2}).start()
    try:
        archive = fake_telegram.wait_for(lambda: next(iter(backups.glob("*.tar.gz")), None))
        assert archive.name == "nqbot-20250228T195959Z.tar.gz"  # named by the bot's clock (UTC)
        tomorrow = datetime(2025, 3, 2, 3, 0, tzinfo=HCM).timestamp()
        fake_telegram.wait_for(lambda: harness.services.status.next_backup_at == tomorrow)
        entry = fake_telegram.wait_for(lambda: next(iter(harness.store.audit_log(1)), None))
        assert (entry.action.value, entry.actor, entry.target) == ("backup", "schedule", archive.name)
        outcome = json.loads(harness.store.get_setting("last_backup") or "{}")
        assert outcome["ok"] and outcome["file"] == archive.name
        manifest = check_archive(archive).manifest
        assert manifest.counts["documents_in_search"] == 5 and "bot" in manifest.schemas
        assert harness.messages(ADMIN_ID) == []  # a good backup is quiet
    finally:
        harness.stop()


def test_a_failed_backup_is_told_to_the_admins(fake_telegram: FakeTelegram, party_engine: Engine,
                                               tmp_path: Path) -> None:
    clock = Clock(datetime(2025, 3, 1, 2, 59, 59, 800_000, tzinfo=HCM))
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the backup directory should be")
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot", clock=clock,
                         settings={"backup_at": "03:00", "backup_dir": blocked})
    fake_telegram.send_text(harness.admin, "/start")  # Telegram lets a bot write only to who wrote to it
    harness.start()
    try:
        message = fake_telegram.wait_for(lambda: next(
            (m for m in harness.messages(ADMIN_ID) if "Sao lưu" in m["text"]), None))
        assert message["text"].startswith("⚠️ Sao lưu định kỳ thất bại: Lỗi đọc/ghi đĩa:")
        assert str(blocked) in message["text"]
        tomorrow = datetime(2025, 3, 2, 3, 0, tzinfo=HCM).timestamp()
        fake_telegram.wait_for(lambda: harness.services.status.next_backup_at == tomorrow)  # tried again tomorrow
        entry = fake_telegram.wait_for(lambda: next(iter(harness.store.audit_log(1)), None))
        assert entry.action.value == "backup" and entry.detail.startswith("failed")
        assert not json.loads(harness.store.get_setting("last_backup") or "{}")["ok"]
    finally:
        harness.stop()
    assert fake_telegram.rejected == []
