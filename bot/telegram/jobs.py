"""What the bot does on its own (JobQueue): keep its status row fresh, and back up daily at ``NQBOT_BACKUP_AT``.

Times come from ``BotConfig.clock``, so tests run the schedule on a clock they set. The daily backup runs in
a thread (the event loop keeps answering), keeps ``NQBOT_BACKUP_KEEP`` archives, is written to the audit log,
and when it fails every admin (and ``NQBOT_ERROR_CHAT_ID``) is told why.
"""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.audit import Action
from bot.i18n import DEFAULT_LANG
from bot.operations.backup import BackupResult, backup, default_backup_dir, in_background
from bot.operations.databases import DataPaths
from bot.operations.errors import failure_message
from bot.operations.health import BACKUP_KEY, BackupOutcome, BotStatus, bot_health
from bot.operations.schedule import next_run
from bot.telegram.render import th
from bot.telegram.services import Services, services
from bot.telegram.webhook import HealthFn

log = logging.getLogger("bot.telegram.jobs")


async def track_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember the last update processed (for /healthz and `nqbot status`); the user gets nothing."""
    if isinstance(update, Update):
        svc = services(context)
        svc.status.saw(update.update_id, svc.config.clock())


async def start(application: Application, svc: Services, mode: str) -> None:
    """On start-up: a fresh status row, its heartbeat, and the first scheduled backup."""
    now = svc.config.clock()
    svc.status = BotStatus(mode=mode, started_at=now, heartbeat_at=now, interval=svc.config.status_interval)
    await svc.workers.db(svc.status.save, svc.store)
    if application.job_queue is None:
        return
    application.job_queue.run_repeating(_heartbeat, interval=svc.config.status_interval,
                                        first=svc.config.status_interval, name="status")
    if svc.settings.backup_time is not None and svc.settings.database_url_value is not None:
        log.warning("NQBOT_BACKUP_AT is ignored with PostgreSQL: back the database up with pg_dump")
    elif svc.settings.backup_time is not None:
        schedule_backup(application, svc, after=now)


def stop(svc: Services) -> None:
    """On shutdown: the status row says the bot stopped (rather than went silent)."""
    svc.status.stopped_at = svc.config.clock()
    svc.status.save(svc.store)


async def _heartbeat(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    svc.status.heartbeat_at = svc.config.clock()
    await svc.workers.db(svc.status.save, svc.store)


def schedule_backup(application: Application, svc: Services, *, after: float) -> None:
    """Queue the next daily backup: the first ``NQBOT_BACKUP_AT`` strictly after ``after`` (and now)."""
    at = svc.settings.backup_time
    if at is None or application.job_queue is None:
        return
    now = svc.config.clock()
    moment = next_run(at, datetime.fromtimestamp(max(after, now), UTC)).timestamp()
    svc.status.next_backup_at = moment
    application.job_queue.run_once(_backup_job, when=max(0.0, moment - now), data=moment, name="backup")
    log.info("next backup at %s", datetime.fromtimestamp(moment, svc.settings.zone).isoformat(timespec="minutes"))


def backup_paths(svc: Services) -> DataPaths:
    """The running bot's data: its engine's catalog and files, its own store."""
    return DataPaths(svc.settings.data_dir, svc.engine.catalog.path, svc.store.path, svc.engine.library.files_dir)


async def _backup_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    assert context.job is not None
    scheduled = float(context.job.data)  # type: ignore[arg-type]
    try:
        result = await asyncio.to_thread(in_background, backup, backup_paths(svc), default_backup_dir(svc.settings),
                                         keep=svc.settings.backup_keep, clock=svc.config.clock)
    except Exception as error:  # noqa: BLE001 - every failure is reported to the admins, then tomorrow again
        log.error("scheduled backup failed: %s", failure_message(error, DEFAULT_LANG))
        await svc.workers.db(_record_failure, svc, error)
        await _tell_admins(context, svc, error)
    else:
        await svc.workers.db(_record_success, svc, result)
    finally:
        schedule_backup(context.application, svc, after=scheduled)


def _record_success(svc: Services, result: BackupResult) -> None:
    svc.store.audit(None, Action.BACKUP, result.path.name, f"{result.size / 1e6:.1f} MB", via="schedule")
    BackupOutcome(svc.config.clock(), True, result.path.name, result.size, result.seconds).save(svc.store)


def _record_failure(svc: Services, error: Exception) -> None:
    code = getattr(getattr(error, "code", None), "value", type(error).__name__)
    svc.store.audit(None, Action.BACKUP, "", f"failed: {code}", via="schedule")
    BackupOutcome(svc.config.clock(), False, error=str(code)).save(svc.store)


async def _tell_admins(context: ContextTypes.DEFAULT_TYPE, svc: Services, error: Exception) -> None:
    admins = await svc.workers.db(svc.store.users, ("admin",))
    chats = [(admin.id, admin.lang or DEFAULT_LANG) for admin in admins]
    if svc.settings.error_chat_id is not None:
        chats.append((svc.settings.error_chat_id, DEFAULT_LANG))
    for chat_id, lang in chats:
        text = th("tg.backup.failed", lang, reason=html.escape(failure_message(error, lang)))
        try:
            await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as send_error:
            log.warning("backup failure not delivered to chat %d: %s", chat_id, type(send_error).__name__)


def health_check(application: Application) -> HealthFn:
    """``/healthz`` of this application: the engine probed in the store's thread pool (never on the loop)."""

    async def health() -> tuple[bool, dict[str, object]]:
        svc: Services = application.bot_data["services"]
        now = svc.config.clock()
        result = await svc.workers.db(bot_health, svc.engine, svc.status, now)
        body = result.to_json(svc.settings.zone)
        raw = await svc.workers.db(svc.store.get_setting, BACKUP_KEY)
        if raw:
            outcome = BackupOutcome.from_json(raw)
            body["last_backup"] = {"at": datetime.fromtimestamp(outcome.at, svc.settings.zone).isoformat(
                timespec="seconds"), "ok": outcome.ok, **({"file": outcome.file} if outcome.ok else
                                                           {"error": outcome.error})}
        return result.ok, body

    return health
