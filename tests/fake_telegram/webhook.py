"""Webhook delivery as Telegram does it: pending updates are POSTed to the URL set with ``setWebhook``.

What nqbot's several-worker set-up relies on, modelled here:

* up to ``max_connections`` requests at once (Telegram's default is 40), each update to one of them;
* the ``X-Telegram-Bot-Api-Secret-Token`` header when ``setWebhook`` gave a secret token;
* an update is delivered when the answer is a 2xx; any other status, a refused or broken connection or no
  answer within ``timeout`` counts as a failure, and the update is sent again after ``retry_after`` seconds,
  until a 2xx (Telegram keeps trying for about a day, backing off; a drill needs no back-off);
* the URL is taken as given (``https://`` with a self-signed certificate is accepted: ``verify=False``).

Every attempt is recorded (:attr:`WebhookDelivery.attempts`): update id, HTTP status or error name, seconds.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import httpx

from .state import TelegramState


@dataclass(frozen=True)
class Attempt:
    update_id: int
    outcome: str  # "200", "502", "ConnectError", …
    seconds: float
    at: float


class WebhookDelivery:
    def __init__(self, state: TelegramState, *, max_connections: int = 40, retry_after: float = 1.0,
                 timeout: float = 60.0) -> None:
        self.state = state
        self.max_connections = max_connections
        self.retry_after = retry_after
        self.timeout = timeout
        self.attempts: list[Attempt] = []
        #: update_id → when it was first offered, and when a 2xx acknowledged it.
        self.first_sent: dict[int, float] = {}
        self.delivered: dict[int, float] = {}
        self._in_flight: set[int] = set()
        self._not_before: dict[int, float] = {}
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"fake-webhook-{i}", daemon=True)
                         for i in range(max_connections)]

    def start(self) -> WebhookDelivery:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        with self.state.cond:
            self.state.cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def _next(self) -> tuple[str, str, dict[str, Any]] | None:
        """(url, secret, update) of the next update due, waiting for one (None when stopping)."""
        with self.state.cond:
            while not self._stop.is_set():
                now = time.monotonic()
                if self.state.webhook_url:
                    for update in self.state.pending:
                        uid = update["update_id"]
                        if uid not in self._in_flight and self._not_before.get(uid, 0.0) <= now:
                            self._in_flight.add(uid)
                            self.first_sent.setdefault(uid, time.time())
                            return self.state.webhook_url, self.state.webhook_secret, json.loads(json.dumps(update))
                self.state.cond.wait(0.05)
        return None

    def _run(self) -> None:
        with httpx.Client(verify=False, timeout=self.timeout, trust_env=False) as client:  # noqa: S501
            while (job := self._next()) is not None:
                url, secret, update = job
                uid = update["update_id"]
                headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                started = time.monotonic()
                try:
                    response = client.post(url, json=update, headers=headers)
                    outcome = str(response.status_code)
                    ok = 200 <= response.status_code < 300
                except httpx.HTTPError as error:
                    outcome, ok = type(error).__name__, False
                with self.state.cond:
                    self.attempts.append(Attempt(uid, outcome, time.monotonic() - started, time.time()))
                    self._in_flight.discard(uid)
                    if ok:
                        self.delivered[uid] = time.time()
                        self.state.pending = [u for u in self.state.pending if u["update_id"] != uid]
                    else:
                        self._not_before[uid] = time.monotonic() + self.retry_after
                    self.state.touch()

    def failures(self) -> list[Attempt]:
        with self.state.cond:
            return [a for a in self.attempts if not a.outcome.startswith("2")]
