"""callback_data of inline buttons: short ``kind:arg:arg`` strings with ids only (never titles), ≤ 64 bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MAX_BYTES = 64

Kind = Literal[
    "pa",  # whole passage: chunk id
    "se",  # surrounding section: chunk id
    "ol",  # outline: document id
    "dl",  # download the original: document id
    "fb",  # feedback: question id, "u" | "d"
    "dp",  # documents page: page, type code, year
    "up",  # upload: upload id, "ok" | "rep" | "no"
    "ln",  # language: vi | zh | en
]
KINDS: tuple[str, ...] = ("pa", "se", "ol", "dl", "fb", "dp", "up", "ln")


@dataclass(frozen=True)
class Callback:
    kind: str
    args: tuple[str, ...] = ()

    def int_arg(self, index: int = 0) -> int:
        return int(self.args[index])

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default


def encode(kind: Kind, *args: object) -> str:
    data = ":".join([kind, *(str(a) for a in args)])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data too long ({len(data.encode('utf-8'))} bytes)")
    if any(":" in str(a) for a in args):
        raise ValueError("callback arguments cannot contain ':'")
    return data


def decode(data: str | None) -> Callback | None:
    """The parsed button, or None for data this bot never produced."""
    if not data:
        return None
    kind, *args = data.split(":")
    if kind not in KINDS:
        return None
    callback = Callback(kind, tuple(args))
    try:
        if kind in ("pa", "se", "ol", "dl", "fb", "up"):
            callback.int_arg(0)
        if kind == "dp":
            int(callback.arg(0, "0"))
    except (ValueError, IndexError):
        return None
    return callback
