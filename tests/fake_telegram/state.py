"""The fake's world: users, chats, topics, messages, files, callback queries and the update queue.

Everything is guarded by one re-entrant lock; ``cond`` (on that lock) is notified on every change so
long-polling requests and ``FakeTelegram.wait_for`` wake up without sleeping.
"""

from __future__ import annotations

import copy
import itertools
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .rules import ApiError

FILE_PATH_ROOT = "fake-tg-files"

# Update types delivered when allowed_updates was never given (or given as an empty list).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {len(self.data)} bytes, {self.content_type!r})"


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None  # reported size; defaults to len(data) (lets tests fake a 25 MB file cheaply)
    width: int = 0
    height: int = 0

    @property
    def file_size(self) -> int:
        return len(self.data) if self.size is None else self.size


@dataclass
class StoredMessage:
    message: dict[str, Any]  # Bot API Message JSON, current state (after edits)
    from_bot: bool
    html: str | None = None  # text/caption exactly as the bot sent it (before entity parsing)
    reply_markup: dict[str, Any] | None = None  # any markup the bot sent (inline or reply keyboard)
    thread_id: int | None = None
    document: tuple[str, bytes] | None = None  # (filename, bytes) of a document the bot sent


@dataclass
class ChatState:
    chat: dict[str, Any]
    members: set[int] = field(default_factory=set)
    topics: dict[int, str] = field(default_factory=dict)
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_message_id: int = 1
    bot_can_write: bool = True  # private chats: only once the user has written to the bot

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    @property
    def forum(self) -> bool:
        return bool(self.chat.get("is_forum"))

    def allocate_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid


@dataclass
class PollState:
    """A poll the bot sent: its settings, who voted what, and whether it is closed (stopPoll, or its
    open_period/close_date ran out)."""

    id: str
    chat_id: int
    message_id: int
    question: str
    options: list[str]
    type: str
    is_anonymous: bool
    allows_multiple_answers: bool
    correct_option_ids: list[int]
    explanation: str | None
    close_date: int | None
    stopped: bool = False
    votes: dict[int, list[int]] = field(default_factory=dict)

    @property
    def closed(self) -> bool:
        return self.stopped or (self.close_date is not None and time.time() >= self.close_date)

    def json(self, *, for_bot: bool = True) -> dict[str, Any]:
        counts = [0] * len(self.options)
        for chosen in self.votes.values():
            for option in chosen:
                counts[option] += 1
        poll: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "options": [{"text": text, "voter_count": n, "persistent_id": f"{self.id}-{i}"}
                        for i, (text, n) in enumerate(zip(self.options, counts, strict=True))],
            "total_voter_count": len(self.votes),
            "is_closed": self.closed,
            "is_anonymous": self.is_anonymous,
            "type": self.type,
            "allows_multiple_answers": self.allows_multiple_answers,
            "allows_revoting": self.type != "quiz",  # Bot API 9.6: a quiz answer is final
            "members_only": False,  # Bot API 10.0
        }
        if self.type == "quiz" and for_bot:  # only the poll's sender sees the right answer before voting
            poll["correct_option_ids"] = list(self.correct_option_ids)  # Bot API 9.6: no more correct_option_id
            if self.explanation:
                poll["explanation"] = self.explanation
        if self.close_date is not None:
            poll["close_date"] = self.close_date
        return poll


@dataclass
class CallbackState:
    id: str
    user: dict[str, Any]
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: dict[str, Any] | None = None


class TelegramState:
    def __init__(self, local_dir: Path | None = None) -> None:
        #: ``--local`` server flavour: files live on disk under this directory and getFile answers their
        #: absolute path (None: the cloud Bot API, files fetched over HTTP from /file/bot<token>/<path>).
        self.local_dir = local_dir
        self.lock = threading.RLock()
        self.cond = threading.Condition(self.lock)
        self.version = 0
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.blocked: set[int] = set()
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackState] = {}
        self.polls: dict[str, PollState] = {}
        self.commands: dict[tuple[tuple[str, int | str | None, int | None], str], list[dict[str, str]]] = {}
        self.chat_actions: dict[int, list[str]] = {}
        self.bot_settings: dict[str, Any] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self.pending: list[dict[str, Any]] = []
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.poll_generation = 0
        self.stopping = False
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.rejected: list[dict[str, Any]] = []
        self.injected: list[dict[str, Any]] = []
        self.failures: dict[str, deque[ApiError]] = {}
        self._update_ids = itertools.count(100_000_001)
        self._file_counter = itertools.count(1)
        self._callback_ids = itertools.count(4_000_000_000_000_000_001)
        self._poll_ids = itertools.count(5_800_000_000_000_000_001)
        self._file_root = f"{FILE_PATH_ROOT}/{secrets.token_hex(8)}"

    # ---- change notification --------------------------------------------------------------------------
    def touch(self) -> None:
        with self.cond:
            self.version += 1
            self.cond.notify_all()

    # ---- updates --------------------------------------------------------------------------------------
    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            update = {"update_id": next(self._update_ids), kind: copy.deepcopy(payload)}
            self.pending.append(update)
            self.touch()
            return update

    def confirm(self, offset: int | None) -> None:
        if offset is None:
            return
        if offset < 0:
            self.pending = self.pending[offset:] if -offset < len(self.pending) else self.pending
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        self.pending = [u for u in self.pending if _update_kind(u) in self.allowed_updates]
        return copy.deepcopy(self.pending[:limit])

    def get_updates(
        self, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        with self.cond:
            if self.webhook_url:
                raise ApiError(
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                    409,
                )
            self.poll_generation += 1
            generation = self.poll_generation
            self.cond.notify_all()  # an older long poll still waiting is terminated (409), as on Telegram
            if allowed is not None:
                self.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
            self.confirm(offset)
            deadline = time.monotonic() + max(timeout, 0.0)
            while True:
                if generation != self.poll_generation:
                    raise ApiError(
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                        409,
                        record=False,  # PTB's shutdown always does this to its own cancelled long poll
                    )
                batch = self.deliverable(limit)
                if batch or self.stopping:
                    return batch
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self.cond.wait(remaining)

    # ---- files ----------------------------------------------------------------------------------------
    def add_file(
        self,
        data: bytes,
        kind: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        extension: str = "",
        size: int | None = None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        with self.lock:
            n = next(self._file_counter)
            if self.local_dir is not None:  # the server's own disk: getFile answers the absolute path
                local = self.local_dir / kind / f"file_{n}{extension}"
                local.parent.mkdir(parents=True, exist_ok=True)
                local.write_bytes(data)
                path = str(local.resolve())
            else:
                path = f"{self._file_root}/{kind}/file_{n}{extension}"
                # PTB reads getFile's file_path from disk when it exists relative to the working directory.
                assert not Path(path).exists(), f"fake file path {path} collides with a local path"
            stored = StoredFile(
                file_id=f"FAKE{kind[:3].upper()}{n:04d}{secrets.token_hex(12)}",
                file_unique_id=f"U{n:04d}{secrets.token_hex(4)}",
                data=data,
                file_path=path,
                kind=kind,
                file_name=file_name,
                mime_type=mime_type,
                size=size,
                width=width,
                height=height,
            )
            self.files[stored.file_id] = stored
            self.files_by_path[path] = stored
            return stored

    def next_callback_id(self) -> str:
        return str(next(self._callback_ids))

    def next_poll_id(self) -> str:
        return str(next(self._poll_ids))


def _update_kind(update: dict[str, Any]) -> str:
    return next(k for k in update if k != "update_id")
