"""Passages embedded in a child process, so the process that asks for them (the serving bot) never holds the
passage model: its memory is given back to the system when the child exits.

The parent starts ``python -m index.embedders.worker SETTINGS`` on the first request and talks to it over
the child's stdin/stdout in pickle frames: the child announces ``("ready", model_id, name, dim)``; for each
``("embed", texts, kind)`` it answers ``("progress", n)`` after every batch, then ``("vectors", array)`` or
``("error", message)``. The child serves until its stdin closes: the parent closes it after ``idle`` seconds
without a request (so a bulk ingest keeps one child for all its files), when it is closed, or when it dies.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np

from index.embedders.base import Progress, Vectors
from index.heap import trim_heap

log = logging.getLogger(__name__)

_ROOT = Path(__file__).resolve().parents[2]


class WorkerError(RuntimeError):
    """The passage worker failed (its message says why) or died."""


class _Gone(WorkerError):
    """The child was gone before it answered anything: the request may be sent again."""


class PassageWorker:
    """An :class:`~index.embedders.base.Embedder` whose model lives in a child process."""

    def __init__(
        self, spec: str, models_dir: Path, *, threads: int, idle: float, query_prompt: str = "query: ",
        passage_prompt: str = "passage: ",
    ) -> None:
        self._config = {"spec": spec, "models_dir": str(models_dir), "threads": threads,
                        "query_prompt": query_prompt, "passage_prompt": passage_prompt}
        self.idle = idle
        self._process: subprocess.Popen[bytes] | None = None
        self._identity: tuple[str, str, int] | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._requests = 0
        self.starts = 0

    # -------------------------------------------------------------------------------------------- identity
    def _ready(self) -> tuple[str, str, int]:
        with self._lock:
            self._ensure()
            self._arm()
            assert self._identity is not None
            return self._identity

    @property
    def model_id(self) -> str:
        return (self._identity or self._ready())[0]

    @property
    def name(self) -> str:
        return (self._identity or self._ready())[1]

    @property
    def dim(self) -> int:
        return (self._identity or self._ready())[2]

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def set_threads(self, n: int) -> None:
        """The child uses the thread count it was started with."""

    # -------------------------------------------------------------------------------------------- lifecycle
    def _ensure(self) -> subprocess.Popen[bytes]:
        """The running child (started if needed); call with the lock held."""
        if self._process is not None and self._process.poll() is None:
            return self._process
        started = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])),
               "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX", "2")}  # fewer half-empty heaps
        process = subprocess.Popen(
            [sys.executable, "-m", "index.embedders.worker", json.dumps(self._config)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
        )
        self._process = process
        message = self._receive(process)
        if message[0] != "ready":
            self._stop(process)
            raise WorkerError(f"passage worker failed to start: {message[1]}")
        self._identity = (message[1], message[2], int(message[3]))
        self.starts += 1
        log.info("passage worker %d ready (%s) in %.1f s", process.pid, message[2], time.perf_counter() - started)
        return process

    @staticmethod
    def _receive(process: subprocess.Popen[bytes]) -> tuple[Any, ...]:
        assert process.stdout is not None
        try:
            message: tuple[Any, ...] = pickle.load(process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as error:
            code = process.wait()
            raise WorkerError(f"passage worker exited (code {code})") from error
        return message

    def _stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process is self._process:
            self._process = None
            log.info("passage worker %d stopped", process.pid)

    def _stop_when_idle(self, request: int) -> None:
        with self._lock:
            if self._process is not None and request == self._requests:  # no request since the timer started
                self._stop(self._process)

    def close(self) -> None:
        """Stop the child now (it is started again by the next request)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._process is not None:
                self._stop(self._process)

    # -------------------------------------------------------------------------------------------- requests
    def _request(self, texts: Sequence[str], kind: str, progress: Progress | None) -> Vectors:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._requests += 1
            try:
                try:
                    return self._exchange(list(texts), kind, progress)
                except _Gone:  # died between requests (killed, out of memory): one new child gets it
                    return self._exchange(list(texts), kind, progress)
            finally:
                self._arm()

    def _arm(self) -> None:
        """Stop the child after ``idle`` seconds without a request; call with the lock held."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.idle, self._stop_when_idle, args=(self._requests,))
        self._timer.daemon = True
        self._timer.start()

    def _exchange(self, texts: list[str], kind: str, progress: Progress | None) -> Vectors:
        process = self._ensure()
        assert process.stdin is not None
        answered = False
        try:
            pickle.dump(("embed", texts, kind), process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            process.stdin.flush()
        except OSError as error:
            self._stop(process)
            raise _Gone("passage worker is gone") from error
        while True:
            try:
                message = self._receive(process)
            except WorkerError as error:
                raise (error if answered else _Gone(str(error))) from error
            answered = True
            if message[0] == "progress":
                if progress is not None:
                    progress(int(message[1]))
            elif message[0] == "vectors":
                vectors: Vectors = np.asarray(message[1], dtype=np.float32)
                return vectors
            else:
                raise WorkerError(str(message[1]))

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        return self._request(texts, "passages", progress)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._request(texts, "queries", None)


# ------------------------------------------------------------------------------------------------ the child
def _send(channel: IO[bytes], message: tuple[Any, ...]) -> None:
    pickle.dump(message, channel, protocol=pickle.HIGHEST_PROTOCOL)
    channel.flush()


def serve(config: dict[str, Any], requests: IO[bytes], replies: IO[bytes]) -> None:
    """The child's loop: load the embedder, then answer requests until ``requests`` ends."""
    from index.embedders import load_embedder

    try:
        embedder = load_embedder(config["spec"], Path(config["models_dir"]), query_prompt=config["query_prompt"],
                                 passage_prompt=config["passage_prompt"])
        embedder.set_threads(int(config["threads"]))
    except Exception as error:  # reported to the parent, which raises it
        _send(replies, ("error", f"{type(error).__name__}: {error}"))
        return
    _send(replies, ("ready", embedder.model_id, embedder.name, embedder.dim))
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return
        _, texts, kind = request
        try:
            if kind == "queries":
                vectors = embedder.embed_queries(texts)
            else:
                vectors = embedder.embed_passages(texts, progress=lambda n: _send(replies, ("progress", n)))
        except Exception as error:
            log.exception("embedding failed")
            _send(replies, ("error", f"{type(error).__name__}: {error}"))
            continue
        _send(replies, ("vectors", vectors))
        del vectors
        _give_back(embedder)


def _give_back(embedder: object) -> None:
    """Between requests: the engine's buffers and the freed heap go back to the system."""
    release = getattr(embedder, "release_memory", None)
    if release is not None:
        release()
    gc.collect()
    trim_heap()


def main() -> None:
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the replies
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(json.loads(sys.argv[1]), sys.stdin.buffer, replies)


if __name__ == "__main__":
    main()
