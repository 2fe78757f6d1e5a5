"""Webhook updates across several workers: each answered once, even when the worker that received it dies.

With PostgreSQL, a worker's webhook first records the update in ``inbox`` (one row per ``update_id``), then
answers Telegram 200 and handles it; the row says which worker has it and becomes ``done`` when it was handled.

* An update Telegram sends again (it retries until it gets a 2xx; a proxy retries on the other worker when the
  first one's connection breaks) is handled only if nobody has: ``done`` rows and rows of a living worker are
  acknowledged and skipped.
* A worker that dies (``kill -9``, a crash, the machine) leaves ``working`` rows; it held an advisory lock for
  its life (:meth:`bot.store_postgres.PostgresBotStore.worker_alive`), which PostgreSQL releases at once, so
  the other workers see within :data:`RECLAIM_EVERY` seconds that it is gone, take its rows over (one of them:
  the update is atomic) and handle them.

What is left: a worker killed between sending its reply and marking the row done (a few milliseconds) has its
update handled again — Telegram's API has no idempotent send. Without the inbox, an update whose worker died
after answering 200 was lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, ExtBot

if TYPE_CHECKING:  # psycopg is imported only when PostgreSQL is used
    from bot.store_postgres import PostgresBotStore


log = logging.getLogger("bot.telegram.inbox")

#: Seconds between two looks for updates that a dead worker left.
RECLAIM_EVERY = 1.0
#: Handled updates are kept this long (Telegram gives up retrying an update after about a day).
KEEP_DONE = 2 * 86400.0


class Inbox:
    """The ``inbox`` table (synchronous; call it off the event loop)."""

    def __init__(self, store: PostgresBotStore) -> None:
        self.store = store

    def accept(self, update_id: int, payload: str) -> bool:
        """Record an update received by this worker; True when this worker is now to handle it."""
        with self.store.transaction() as db:
            new = db.execute("INSERT INTO inbox (update_id, payload, worker, state, received_at) "
                             "VALUES (?, ?, ?, 'working', ?) ON CONFLICT DO NOTHING RETURNING update_id",
                             (update_id, payload, self.store.worker, time.time())).fetchone()
        if new is not None:
            return True
        row = self.store.row("SELECT state, worker FROM inbox WHERE update_id = ?", (update_id,))
        if row is None or row["state"] == "done" or self.store.worker_alive(int(row["worker"])):
            return False
        return self._take(update_id, int(row["worker"]))

    def _take(self, update_id: int, worker: int) -> bool:
        with self.store.transaction() as db:
            taken = db.execute("UPDATE inbox SET worker = ? WHERE update_id = ? AND worker = ? AND state = 'working' "
                               "RETURNING update_id", (self.store.worker, update_id, worker)).fetchone() is not None
        if taken:
            log.warning("took over 1 updates of worker %d, which is gone (sent again)", worker)
        return taken

    def done(self, update_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE inbox SET state = 'done', done_at = ? WHERE update_id = ?", (time.time(), update_id))

    def orphans(self) -> list[str]:
        """Take over the updates of workers that died before handling them; their payloads."""
        workers = [int(r[0]) for r in self.store.rows(
            "SELECT DISTINCT worker FROM inbox WHERE state = 'working' AND worker <> ?", (self.store.worker,))]
        taken: list[str] = []
        for worker in workers:
            if self.store.worker_alive(worker):
                continue
            with self.store.transaction() as db:
                rows = db.execute("UPDATE inbox SET worker = ? WHERE state = 'working' AND worker = ? "
                                  "RETURNING update_id, payload", (self.store.worker, worker)).fetchall()
            if rows:
                log.warning("took over %d updates of worker %d, which is gone", len(rows), worker)
            taken += [r[1] for r in sorted(rows, key=lambda r: r[0])]
        return taken

    def prune(self) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM inbox WHERE state = 'done' AND done_at < ?", (time.time() - KEEP_DONE,))


class InboxDispatcher:
    """Handles the updates the inbox gives this worker, and looks for orphans while the webhook runs."""

    def __init__(self, application: Application, inbox: Inbox) -> None:
        self.application = application
        self.inbox = inbox
        self._tasks: set[asyncio.Task[None]] = set()

    async def receive(self, payload: str) -> None:
        """An update that reached this worker's webhook (raises when the database cannot record it: the webhook
        then answers 500 and Telegram sends the update again)."""
        update = self._update(payload)
        if await asyncio.to_thread(self.inbox.accept, update.update_id, payload):
            self._start(update)

    def _update(self, payload: str) -> Update:
        update = Update.de_json(json.loads(payload), self.application.bot)
        bot = self.application.bot
        if isinstance(bot, ExtBot):
            bot.insert_callback_data(update)
        return update

    def _start(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(self, update: Update) -> None:
        try:
            await self.application.process_update(update)
        finally:
            await asyncio.to_thread(self.inbox.done, update.update_id)

    async def reclaim(self, stop: asyncio.Event) -> None:
        """Until ``stop``: every :data:`RECLAIM_EVERY` seconds, handle what dead workers left."""
        rounds = 0
        while not stop.is_set():
            try:
                for payload in await asyncio.to_thread(self.inbox.orphans):
                    self._start(self._update(payload))
                rounds += 1
                if rounds % 600 == 0:
                    await asyncio.to_thread(self.inbox.prune)
            except Exception as error:  # noqa: BLE001 - the database may be away for a moment: try again
                log.warning("inbox: could not look for orphaned updates: %s", type(error).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RECLAIM_EVERY)

    async def drain(self, timeout: float = 30.0) -> None:
        """Let the updates being handled finish (at shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    @property
    def handling(self) -> int:
        return len(self._tasks)


def payload_of(body: bytes) -> str:
    """The request body as the text stored in the inbox (checked to be a JSON object with an update_id)."""
    data: Any = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
        raise ValueError("not an update")
    return body.decode("utf-8")
