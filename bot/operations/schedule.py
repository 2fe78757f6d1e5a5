"""When the daily backup runs: ``NQBOT_BACKUP_AT`` (HH:MM) on the wall clock of ``NQBOT_TIMEZONE``.

A pure function of a moment, so the schedule is tested with any moment (the bot takes "now" from a clock it is
given, see :class:`bot.telegram.config.BotConfig`).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_run(at: time, after: datetime) -> datetime:
    """The first moment strictly after ``after`` whose wall-clock time in ``at.tzinfo`` is ``at``."""
    zone = at.tzinfo
    if not isinstance(zone, ZoneInfo):
        raise ValueError("the backup time needs a time zone")
    local = after.astimezone(zone)
    wall = at.replace(tzinfo=None)
    candidate = datetime.combine(local.date(), wall, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), wall, tzinfo=zone)
    return candidate
