"""A fake Telegram Bot API server for tests (HTTP on 127.0.0.1, real wire format, Telegram's rules)."""

from .fake import FakeTelegram
from .rules import ApiError, parse_html, utf16_len
from .state import UploadedFile

__all__ = ["ApiError", "FakeTelegram", "UploadedFile", "parse_html", "utf16_len"]
