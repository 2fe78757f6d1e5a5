"""Build the PTB application (handlers, rate limiter, start-up jobs) and serve it by polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.i18n import t
from bot.telegram import jobs
from bot.telegram.addressing import ADDRESSED
from bot.telegram.commands_menu import publish_commands
from bot.telegram.config import BotConfig
from bot.telegram.handlers import admin, buttons, groups, members, questions, uploads
from bot.telegram.handlers.errors import on_error
from bot.telegram.handlers.study import register_study_handlers
from bot.telegram.quizzing import on_startup as start_study
from bot.telegram.quizzing import resume_runs
from bot.telegram.services import Services, build_services
from bot.telegram.webhook import run_webhook
from config.settings import Settings
from index.engine import Engine

log = logging.getLogger("bot.telegram")

EXPIRE_EVERY = 600.0
#: How often a worker sharing its store with others looks for what a worker that is gone left unfinished.
ADOPT_EVERY = 10.0


class NoTokenError(RuntimeError):
    """``serve`` without ``NQBOT_TELEGRAM_TOKEN``."""


class RedactToken(logging.Filter):
    """Never let the bot token (or the webhook secret) reach a log line: URLs of Bot API calls contain the
    token, and PTB logs the parameters of its calls (setWebhook's secret) at DEBUG."""

    def __init__(self, token: str, *secrets: str) -> None:
        super().__init__()
        self.token = token
        self.secrets = [s for s in (token, *secrets) if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
            if any(secret in message for secret in self.secrets):
                for secret in self.secrets:
                    message = message.replace(secret, "<token>" if secret == self.token else "<secret>")
                record.msg, record.args = message, ()
        return True


def build_application(
    engine: Engine,
    *,
    settings: Settings | None = None,
    config: BotConfig | None = None,
    base_url: str | None = None,
    base_file_url: str | None = None,
) -> Application:
    """The bot on ``engine``: operator settings from ``settings`` (the engine's by default; its data directory
    also holds ``bot.sqlite3``), internal tunables from ``config``."""
    settings = settings or engine.settings
    if settings.telegram_token is None:
        raise NoTokenError("NQBOT_TELEGRAM_TOKEN is not set")
    config = config or BotConfig()
    api = settings.telegram_api_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(base_url or f"{api}/bot")
        .base_file_url(base_file_url or f"{api}/file/bot")
        .local_mode(settings.telegram_local)  # a --local server: getFile answers paths on its disk
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(overall_max_rate=config.overall_max_rate, group_max_rate=config.group_max_rate,
                                     max_retries=config.max_retries))
        .connection_pool_size(64)
        .pool_timeout(30.0)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
        .build()
    )
    application.bot_data["services"] = build_services(engine, settings, config)
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    """The whole bot at a glance: each handler's docstring says what the user gets."""
    new = filters.UpdateType.MESSAGE  # edited messages are not asked again
    private, groups_only = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    register_study_handlers(application)
    command_handlers = {
        "start": members.cmd_start, "help": members.cmd_help, "lang": members.cmd_lang, "docs": members.cmd_docs,
        "doc": members.cmd_doc, "ask": questions.cmd_ask,
        "invite": admin.cmd_invite, "users": admin.cmd_users, "grant": admin.cmd_grant, "revoke": admin.cmd_revoke,
        "remove": admin.cmd_remove, "history": admin.cmd_history, "stats": admin.cmd_stats, "audit": admin.cmd_audit,
        "reindex": admin.cmd_reindex, "downloads": admin.cmd_downloads, "allowgroup": admin.cmd_allowgroup,
        "disallowgroup": admin.cmd_disallowgroup, "groupdocs": admin.cmd_groupdocs,
    }
    for name, callback in command_handlers.items():
        application.add_handler(CommandHandler(name, callback, filters=new))
    application.add_handler(CallbackQueryHandler(buttons.on_button))
    application.add_handler(ChatMemberHandler(groups.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.NEW_CHAT_MEMBERS, groups.on_new_members))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, groups.on_migrate))
    application.add_handler(MessageHandler(new & private & (filters.Document.ALL | filters.PHOTO), uploads.on_upload))
    application.add_handler(MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, questions.on_private_text))
    application.add_handler(MessageHandler(new & groups_only & filters.TEXT & ~filters.COMMAND & ADDRESSED,
                                           questions.on_group_text))
    application.add_handler(MessageHandler(new & filters.COMMAND, members.on_unknown_command))
    application.add_handler(MessageHandler(new & private & ~filters.StatusUpdate.ALL, members.on_private_other))
    application.add_handler(TypeHandler(Update, jobs.track_update), group=1)  # after the handler above ran
    application.add_error_handler(on_error)


async def on_startup(application: Application) -> None:
    svc: Services = application.bot_data["services"]
    me = application.bot.bot
    svc.bot_username, svc.bot_id = me.username, me.id
    await publish_commands(application.bot, await svc.workers.db(svc.store.admin_ids))
    await uploads.tell_uploaders(application, await svc.uploads.recover(), "tg.upload.interrupted")
    if application.job_queue is not None:
        application.job_queue.run_repeating(_expire_job, interval=EXPIRE_EVERY, first=EXPIRE_EVERY,
                                            name="expire-uploads")
        if svc.store.shared:
            application.job_queue.run_repeating(_adopt_job, interval=ADOPT_EVERY, first=ADOPT_EVERY, name="adopt")
    await start_study(application)
    await jobs.start(application, svc, "webhook" if webhook_options(svc.settings) else "polling")
    log.info("bot @%s ready: %d admins", svc.bot_username, len(svc.store.config_admins))


async def _expire_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc: Services = context.application.bot_data["services"]
    svc.asking.limiter.prune()
    svc.asking.followups.prune()
    await uploads.tell_uploaders(context.application, await svc.uploads.expire(), "tg.upload.expired")


async def _adopt_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """With several workers: what a worker that died was doing is taken over by one of the others (its uploads
    fail with a message to the uploader, its quizzes end with their scoreboard, its contest attempts go on)."""
    svc: Services = context.application.bot_data["services"]
    await uploads.tell_uploaders(context.application, await svc.uploads.recover(), "tg.upload.interrupted")
    await resume_runs(context.application)


async def on_shutdown(application: Application) -> None:
    svc: Services = application.bot_data["services"]
    jobs.stop(svc)
    svc.workers.shutdown()
    svc.store.close()


def webhook_options(settings: Settings) -> dict[str, Any] | None:
    """Arguments for ``run_webhook``/``start_webhook`` when webhook mode is configured, else None (polling)."""
    if not settings.webhook_url:
        return None
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": settings.webhook_path,
        "webhook_url": settings.webhook_url.rstrip("/") + "/" + settings.webhook_path,
        "secret_token": settings.webhook_secret.get_secret_value() if settings.webhook_secret else None,
    }


def serve(engine: Engine) -> int:
    """``nqbot serve``: run the bot until interrupted (polling, or a webhook when NQBOT_WEBHOOK_URL is set)."""
    settings = engine.settings
    if settings.telegram_token is None:
        print(t("run.no_token"))
        return 2
    token = settings.telegram_token.get_secret_value()
    redact = RedactToken(token, settings.webhook_secret.get_secret_value() if settings.webhook_secret else "")
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    engine.warm_up()
    application = build_application(engine)
    options = webhook_options(settings)
    if options is not None:
        log.info("serving by webhook on %s:%d (and /healthz)", settings.webhook_listen, settings.webhook_port)
        asyncio.run(_until_signalled(lambda stop: run_webhook(application, options, jobs.health_check(application),
                                                              stop)))
    else:
        log.info("serving by long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


async def _until_signalled(run: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run until SIGINT or SIGTERM (systemd stops a service with SIGTERM)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(stop)
