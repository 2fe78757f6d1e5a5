"""What every handler needs: the engine, the bot store, settings, and the use cases built on them."""

from __future__ import annotations

from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.access import AccessNotices
from bot.admin import Admin
from bot.asking import Asking
from bot.followup import FollowUps
from bot.groups import StudyGroups
from bot.library import Library
from bot.members import Members
from bot.operations.health import BotStatus
from bot.ratelimit import RateLimiter
from bot.shared import SharedAccessNotices, SharedFollowUps, SharedRateLimiter
from bot.store import BotStore
from bot.stores import open_bot_store
from bot.study.services import StudyServices, build_study_services
from bot.telegram.config import BotConfig
from bot.uploads import Uploads, upload_limit_mb
from bot.workers import Workers
from config.settings import Settings
from index.engine import Engine


@dataclass
class Services:
    engine: Engine
    store: BotStore
    settings: Settings
    config: BotConfig
    workers: Workers
    notices: AccessNotices
    asking: Asking
    library: Library
    members: Members
    uploads: Uploads
    admin: Admin
    groups: StudyGroups
    study: StudyServices
    bot_username: str = ""
    bot_id: int = 0
    #: What /healthz and `nqbot status` report (last update processed, mode, next backup).
    status: BotStatus = field(default_factory=BotStatus)


def build_services(engine: Engine, settings: Settings, config: BotConfig) -> Services:
    store = open_bot_store(settings)
    if store.get_setting("downloads", "") == "":  # the setting is the default; /downloads on|off overrides it
        store.set_downloads(settings.members_may_download)
    workers = Workers(config.question_workers)
    if settings.database_url_value is not None:  # several workers: what one process kept in memory is shared
        notices: AccessNotices = SharedAccessNotices(store, config.access_notice_interval)
        questions_limit: RateLimiter = SharedRateLimiter(store, "questions", config.question_limit,
                                                         config.question_period)
        invites: RateLimiter = SharedRateLimiter(store, "invites", config.invite_attempts,
                                                 config.access_notice_interval)
        followups: FollowUps = SharedFollowUps(store, config.followup_ttl)
    else:
        notices = AccessNotices(store, config.access_notice_interval)
        questions_limit = RateLimiter(config.question_limit, config.question_period)
        invites = RateLimiter(config.invite_attempts, config.access_notice_interval)
        followups = FollowUps(config.followup_ttl)
    return Services(
        engine=engine, store=store, settings=settings, config=config, workers=workers, notices=notices,
        asking=Asking(engine, store, workers, questions_limit, followups),
        library=Library(engine, workers),
        members=Members(store, workers, invites),
        uploads=Uploads(engine, store, workers, settings.data_dir / "uploads",
                        limit_mb=upload_limit_mb(settings.max_file_mb, settings.telegram_local),
                        ttl=config.upload_ttl, progress_interval=config.progress_interval,
                        progress_step=config.progress_step),
        admin=Admin(engine, store, workers, progress_interval=config.progress_interval,
                    progress_step=config.progress_step),
        groups=StudyGroups(engine, store, workers, notices),
        study=build_study_services(engine, store, settings, questions_limit),
    )


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    svc = context.application.bot_data["services"]
    assert isinstance(svc, Services)
    return svc
