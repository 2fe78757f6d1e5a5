"""The thread pools that keep CPU and disk work off the event loop (questions, parsing, ingesting, the store)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from index.heap import trim_heap

T = TypeVar("T")


class Workers:
    """Separate pools so that a long ingest never delays questions, and questions never delay the store."""

    def __init__(self, question_workers: int) -> None:
        self.questions = ThreadPoolExecutor(question_workers, thread_name_prefix="nqbot-ask")
        self.parse = ThreadPoolExecutor(1, thread_name_prefix="nqbot-parse")
        self.ingest = ThreadPoolExecutor(1, thread_name_prefix="nqbot-ingest")  # ingests one at a time
        self.store = ThreadPoolExecutor(2, thread_name_prefix="nqbot-store")
        self.ingest_jobs = 0

    @staticmethod
    async def _run(pool: ThreadPoolExecutor, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, functools.partial(fn, *args, **kwargs))

    async def ask(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._run(self.questions, fn, *args, **kwargs)

    async def parse_file(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._run(self.parse, fn, *args, **kwargs)

    async def db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._run(self.store, fn, *args, **kwargs)

    async def index(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.ingest_jobs += 1
        try:
            return await self._run(self.ingest, fn, *args, **kwargs)
        finally:
            self.ingest_jobs -= 1
            with contextlib.suppress(RuntimeError):  # shutting down
                self.ingest.submit(trim_heap)

    def shutdown(self) -> None:
        for pool in (self.questions, self.parse, self.ingest, self.store):
            pool.shutdown(wait=True, cancel_futures=True)
