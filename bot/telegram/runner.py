"""Run the real application with its real polling loop in a background thread (tests, load script).

``serve`` uses ``Application.run_polling``, which owns the main thread and signals; this runner does the same
steps (initialize, post_init, start, start_polling … stop, shutdown) on its own event loop so that the
caller (synchronous test code) keeps control.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.telegram.jobs import health_check
from bot.telegram.webhook import run_webhook


class BackgroundBot:
    def __init__(self, application: Application, *, poll_interval: float = 0.0,
                 poll_timeout: float = 1.0, webhook: dict[str, Any] | None = None) -> None:
        self.application = application
        self.webhook = webhook  # webhook_options(); None = long polling
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None

    def start(self, timeout: float = 60.0) -> BackgroundBot:
        self._thread = threading.Thread(target=self._main, name="nqbot-telegram", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the bot did not start")
        if self._error is not None:
            raise RuntimeError("the bot failed to start") from self._error
        return self

    def stop(self, timeout: float = 60.0) -> None:
        if self.loop is None or self._stop is None or self._thread is None:
            return
        self.loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError("the bot did not stop")
        if self._error is not None:
            raise RuntimeError("the bot stopped with an error") from self._error

    def call(self, coroutine: Any, timeout: float = 30.0) -> Any:
        """Run a coroutine on the bot's loop from another thread and return its result."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as error:  # noqa: BLE001 - reported to the thread that called start/stop
            self._error = error
            self._ready.set()

    async def _run(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        app = self.application
        if self.webhook is not None:  # our webhook server (updates and /healthz), as `nqbot serve` runs it
            await run_webhook(app, self.webhook, health_check(app), self._stop, ready=self._ready.set)
            return
        await app.initialize()
        try:
            if app.post_init is not None:
                await app.post_init(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=self.poll_interval,
                                            timeout=timedelta(seconds=self.poll_timeout),
                                            allowed_updates=Update.ALL_TYPES)
            self._ready.set()
            await self._stop.wait()
            await app.updater.stop()
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
        finally:
            await app.shutdown()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
