"""Webhook mode with ``GET /healthz`` on the same port.

python-telegram-bot's own webhook server (``Updater.start_webhook``) serves exactly one route and offers no way
to add another; its documentation's answer is the "custom webhook" set-up: build the application as usual, run
a web server of your own, and put the updates it receives into ``application.update_queue`` (PTB's
``customwebhookbot`` examples). This is that server, on tornado (PTB's webhook extra already brings it in):

* ``POST /<path>`` — an update from Telegram, accepted only as JSON with the secret token header when one is
  set (compared in constant time); the update is queued, the answer is an empty 200 at once (with PostgreSQL:
  recorded in the shared inbox first, so that another worker handles it if this one dies, see
  :mod:`bot.telegram.inbox`);
* ``GET /healthz`` — the bot's health as JSON: 200 when the engine can answer, 503 when it cannot
  (:func:`bot.operations.health.bot_health`).

Nothing of a request body is logged (it holds the member's question).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import Application, ExtBot
from tornado.httpserver import HTTPServer

from bot.telegram.inbox import Inbox, InboxDispatcher, payload_of

log = logging.getLogger("bot.telegram.webhook")

HEALTH_PATH = "/healthz"
#: A health probe that takes longer than this is itself a failure (503).
HEALTH_TIMEOUT = 10.0

HealthFn = Callable[[], Awaitable[tuple[bool, dict[str, Any]]]]


class _UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, bot_application: Application, secret_token: str | None,
                   dispatcher: InboxDispatcher | None = None) -> None:
        self.bot_application = bot_application
        self.secret_token = secret_token
        self.dispatcher = dispatcher

    async def post(self) -> None:
        content_type = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if self.secret_token is not None:
            given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
            if not hmac.compare_digest(given.encode(), self.secret_token.encode()):
                log.warning("webhook request with a wrong or missing secret token refused")
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        if self.dispatcher is not None:  # several workers: recorded in the inbox first (see bot.telegram.inbox)
            try:
                payload = payload_of(self.request.body)
            except Exception as error:  # noqa: BLE001 - any unreadable body is the sender's problem: 400
                log.warning("webhook request with an unreadable update refused: %s", type(error).__name__)
                raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
            await self.dispatcher.receive(payload)  # a database error: 500, and Telegram sends it again
            self.set_status(HTTPStatus.OK)
            return
        try:
            update = Update.de_json(json.loads(self.request.body), self.bot_application.bot)
        except Exception as error:  # noqa: BLE001 - any unreadable body is the sender's problem: 400
            log.warning("webhook request with an unreadable update refused: %s", type(error).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from error
        bot = self.bot_application.bot
        if isinstance(bot, ExtBot):
            bot.insert_callback_data(update)
        await self.bot_application.update_queue.put(update)
        self.set_status(HTTPStatus.OK)

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:  # tornado would log the request
        if not isinstance(value, tornado.web.HTTPError):
            log.error("webhook handler failed: %s", type(value).__name__)


class _HealthHandler(tornado.web.RequestHandler):
    def initialize(self, health: HealthFn) -> None:
        self.health = health

    async def get(self) -> None:
        try:
            ok, body = await asyncio.wait_for(self.health(), HEALTH_TIMEOUT)
        except TimeoutError:
            ok, body = False, {"status": "unavailable", "error": "timeout"}
        self.set_status(HTTPStatus.OK if ok else HTTPStatus.SERVICE_UNAVAILABLE)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body, ensure_ascii=False))


class _Quiet(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        """No access log: URLs and bodies are nobody's business (our handlers log what matters)."""


class WebhookServer:
    """The HTTP server of webhook mode: Telegram's updates and ``/healthz`` on one port."""

    def __init__(self, application: Application, *, listen: str, port: int, url_path: str,
                 secret_token: str | None, health: HealthFn, dispatcher: InboxDispatcher | None = None) -> None:
        path = "/" + url_path.strip("/")
        if path == HEALTH_PATH:
            raise ValueError(f"the webhook path cannot be {HEALTH_PATH}")
        app = _Quiet([
            (HEALTH_PATH, _HealthHandler, {"health": health}),
            (rf"{path}/?", _UpdateHandler, {"bot_application": application, "secret_token": secret_token,
                                             "dispatcher": dispatcher}),
        ])
        self.listen, self.port = listen, port
        self._server = HTTPServer(app)

    async def start(self) -> None:
        self._server.listen(self.port, address=self.listen)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()


def _dispatcher(application: Application) -> InboxDispatcher | None:
    """With PostgreSQL (several workers), updates go through the shared inbox."""
    services = application.bot_data.get("services")
    if services is None or services.settings.database_url_value is None:
        return None  # one worker on SQLite: python-telegram-bot's own update queue
    from bot.store_postgres import PostgresBotStore  # psycopg is imported only when PostgreSQL is used

    store = services.store
    if isinstance(store, PostgresBotStore):
        log.info("webhook worker %d: updates go through the shared inbox", store.worker)
        return InboxDispatcher(application, Inbox(store))
    return None


async def run_webhook(application: Application, options: dict[str, Any], health: HealthFn,
                      stop: asyncio.Event, ready: Callable[[], None] = lambda: None) -> None:
    """The application's whole life in webhook mode: initialize, post_init, start, serve, register the webhook
    with Telegram, wait for ``stop``, then shut down in reverse (what ``Application.run_webhook`` does)."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        dispatcher = _dispatcher(application)
        server = WebhookServer(application, listen=options["listen"], port=options["port"],
                               url_path=options["url_path"], secret_token=options.get("secret_token"),
                               health=health, dispatcher=dispatcher)
        await server.start()
        reclaim = asyncio.create_task(dispatcher.reclaim(stop)) if dispatcher is not None else None
        try:
            await application.bot.set_webhook(url=options["webhook_url"], allowed_updates=Update.ALL_TYPES,
                                              secret_token=options.get("secret_token"))
            ready()
            await stop.wait()
        finally:
            await server.stop()
            if dispatcher is not None and reclaim is not None:
                await reclaim
                await dispatcher.drain()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
