"""What the scripts that run the real bot in a child process share: its log set-up (warnings to stderr, ERROR
records counted: a run must end with none) and a free local port for a fake server or a webhook."""

from __future__ import annotations

import logging
import socket


class ErrorCounter(logging.Handler):
    """Counts the records at ERROR and above that reach the root logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def count_errors() -> ErrorCounter:
    """Warnings and above to stderr, and a handler counting the ERROR records."""
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    return counter


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
