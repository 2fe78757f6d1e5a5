"""Knobs of the Telegram front end that are not (yet) in :class:`config.settings.Settings`.

Defaults are what production uses; tests and the load script pass their own (short poll timeouts, a data
directory per test).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class BotConfig:
    #: Where ``bot.sqlite3`` and ``uploads/`` live (the engine's data_dir by default).
    data_dir: Path
    question_limit: int = 5
    question_period: float = 30.0
    followup_ttl: float = 600.0
    #: An unknown user gets the "how to get access" notice at most once per this many seconds (and on /start).
    access_notice_interval: float = 600.0
    #: Pending upload previews expire after this many seconds.
    upload_ttl: float = 24 * 3600.0
    question_workers: int = 2
    progress_interval: float = 1.5
    progress_step: int = 25
    typing_interval: float = 4.5
    #: Outgoing flood control (Telegram's limits; AIORateLimiter).
    overall_max_rate: float = 30.0
    group_max_rate: float = 20.0
    max_retries: int = 3
    poll_interval: float = 0.0
    poll_timeout: float = 10.0
    #: Optional chat (e.g. the admins' group) told about unexpected errors, without question text.
    error_chat_id: int | None = None

    @property
    def store_path(self) -> Path:
        return self.data_dir / "bot.sqlite3"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"
