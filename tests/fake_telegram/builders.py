"""Bot API JSON objects (User, Chat, Message, Document, PhotoSize, ...) as Telegram sends them."""

from __future__ import annotations

import re
from typing import Any

from .rules import utf16_len


def user_json(
    user_id: int,
    first_name: str,
    *,
    username: str | None = None,
    language_code: str | None = None,
    is_bot: bool = False,
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def bot_user_json(bot_id: int, username: str, first_name: str) -> dict[str, Any]:
    return {"id": bot_id, "is_bot": True, "first_name": first_name, "username": username}


def get_me_json(bot_id: int, username: str, first_name: str) -> dict[str, Any]:
    return {
        **bot_user_json(bot_id, username, first_name),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def private_chat_json(user: dict[str, Any]) -> dict[str, Any]:
    chat: dict[str, Any] = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    for key in ("last_name", "username"):
        if user.get(key):
            chat[key] = user[key]
    return chat


def group_chat_json(chat_id: int, title: str, *, forum: bool) -> dict[str, Any]:
    supergroup = forum or chat_id <= -1_000_000_000_000
    chat: dict[str, Any] = {"id": chat_id, "type": "supergroup" if supergroup else "group", "title": title}
    if forum:
        chat["is_forum"] = True
    return chat


def chat_full_info_json(chat: dict[str, Any]) -> dict[str, Any]:
    return {
        **chat,
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def document_json(file: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": len(file.data) if file.size is None else file.size,
    }
    if file.file_name:
        doc["file_name"] = file.file_name
    if file.mime_type:
        doc["mime_type"] = file.mime_type
    return doc


def photo_size_json(file: Any) -> dict[str, Any]:
    return {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": len(file.data) if file.size is None else file.size,
        "width": file.width,
        "height": file.height,
    }


def file_json(file: Any, *, with_path: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": len(file.data) if file.size is None else file.size,
    }
    if with_path:
        out["file_path"] = file.file_path
    return out


_COMMAND_RE = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?!\w)")
_URL_RE = re.compile(r"(?<![\w/])https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]", re.IGNORECASE)
_HASHTAG_RE = re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram's clients/servers attach to a plain user text (commands, mentions, URLs)."""
    found: list[tuple[int, int, str]] = []
    for regex, kind in (
        (_COMMAND_RE, "bot_command"),
        (_MENTION_RE, "mention"),
        (_URL_RE, "url"),
        (_HASHTAG_RE, "hashtag"),
    ):
        for m in regex.finditer(text):
            if any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            found.append((m.start(), m.end(), kind))
    found.sort()
    return [
        {"type": kind, "offset": utf16_len(text[:s]), "length": utf16_len(text[s:e])} for s, e, kind in found
    ]


def strip_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A message as nested in reply_to_message / callback queries: without its own reply_to_message."""
    return {k: v for k, v in message.items() if k != "reply_to_message"}
