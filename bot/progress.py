"""Progress of a long job (ingest, reindex) reported from a worker thread and shown by throttled edits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


def edit_due(now: float, last_edit: float, percent: int, last_percent: int, *, interval: float,
             step: int) -> bool:
    """Edit when progress moved and either ``step`` percent passed or ``interval`` seconds did."""
    if percent <= last_percent:
        return False
    return percent - last_percent >= step or now - last_edit >= interval


class ThrottledProgress:
    """Call it from any thread with ``(done, total)``; :meth:`follow` edits the message on the loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, *, interval: float = 1.5, step: int = 25) -> None:
        self._loop = loop
        self._event = asyncio.Event()
        self._latest = (0, 0)
        self.interval = interval
        self.step = step
        self.edits = 0

    def __call__(self, done: int, total: int) -> None:
        self._latest = (done, total)
        self._loop.call_soon_threadsafe(self._event.set)

    async def follow(self, job: Awaitable[object], show: Callable[[int, int], Awaitable[None]]) -> None:
        """Until ``job`` finishes, show progress when due (the job's result/exception stay with the caller)."""
        task = asyncio.ensure_future(job)
        last_edit, last_percent = time.monotonic(), 0
        while not task.done():
            waiter = asyncio.ensure_future(self._event.wait())
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            self._event.clear()
            done, total = self._latest
            percent = int(100 * done / total) if total else 0
            if task.done() and percent >= 100:
                break
            now = time.monotonic()
            if edit_due(now, last_edit, percent, last_percent, interval=self.interval, step=self.step):
                last_edit, last_percent = now, percent
                self.edits += 1
                await show(done, total)
        await asyncio.wait({task})
