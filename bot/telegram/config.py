"""Internal tunables of the Telegram front end: rate limits, intervals, pool sizes, polling.

Everything an operator sets (token, admins, data directory, error chat, API server) is in
:class:`config.settings.Settings`; these are fixed for production and overridden by tests and the load
script (short poll timeouts, progress on every step).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BotConfig:
    question_limit: int = 5
    question_period: float = 30.0
    followup_ttl: float = 600.0
    #: Someone without access gets the "how to get access" notice at most once per this many seconds.
    access_notice_interval: float = 600.0
    #: …and may try this many invite codes per that interval (answers to further tries are silence).
    invite_attempts: int = 3
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
    #: The status row (``nqbot status``) is written this often.
    status_interval: float = 30.0
    #: Where the bot reads the time (epoch seconds): tests run the backup schedule on a clock of their own.
    clock: Callable[[], float] = time.time
