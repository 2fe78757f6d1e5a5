"""Logging set-up for every nqbot process: readable lines, or one JSON object per line for log collectors.

What is logged anywhere in nqbot: ids (update, chat, user, document, upload), counts, durations, file names and
error types — never a question's text or a document's content; the bot token is masked (see
:class:`bot.telegram.app.RedactToken`).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Libraries that talk too much below WARNING (unless the level is DEBUG).
NOISY = ("httpx", "sentence_transformers", "transformers", "pdfminer", "faiss.loader", "apscheduler")


class JsonFormatter(logging.Formatter):
    """``{"time": …, "level": …, "logger": …, "message": …}`` (and ``exception`` with the traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str, log_format: str) -> None:
    """One handler on stderr in ``log_format`` ('text' or 'json'), like ``logging.basicConfig``: nothing is added
    when someone else (a test runner) already handles the root logger; ours is replaced when called again."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "nqbot", False)]:
        root.removeHandler(old)
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
        handler.nqbot = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    if level != "DEBUG":
        for noisy in NOISY:
            logging.getLogger(noisy).setLevel(logging.WARNING)
