"""Validation rules of the Bot API as the fake enforces them.

The HTML parser is a port of the relevant part of TDLib's ``parse_html`` (``MessageEntity.cpp``), which is
what the Bot API server runs, so error texts and offsets match what Telegram answers.  It is deliberately
*stricter* than Telegram in one point: a bare ``&`` that does not start an entity is rejected (Telegram keeps
it literally, but its documentation requires escaping it, and bots that rely on the leniency break as soon as
the ``&`` happens to be followed by ``lt;``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MAX_TEXT_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_TEXT = 200
MAX_INLINE_BUTTONS = 100
MAX_COMMANDS = 100
# Polls (sendPoll): question and options in characters after entity parsing, the quiz explanation likewise.
MAX_POLL_QUESTION = 300
MIN_POLL_OPTIONS, MAX_POLL_OPTIONS = 2, 12
MAX_POLL_OPTION = 100
MAX_POLL_EXPLANATION = 200
MAX_POLL_EXPLANATION_LINE_FEEDS = 2
MIN_OPEN_PERIOD, MAX_OPEN_PERIOD = 5, 2_628_000
MAX_GETFILE_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
#: A self-hosted Bot API server started with ``--local``: files both ways up to 2000 MB.
MAX_LOCAL_FILE_BYTES = 2000 * 1024 * 1024

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")

# Button fields that give an inline keyboard button its action (exactly one is required).
INLINE_BUTTON_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

TEXT_EMPTY = "Bad Request: message text is empty"
TEXT_TOO_LONG = "Bad Request: message is too long"
CAPTION_TOO_LONG = "Bad Request: message caption is too long"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class ApiError(Exception):
    """A refusal of the Bot API: becomes ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self,
        description: str,
        error_code: int = 400,
        *,
        retry_after: int | None = None,
        migrate_to_chat_id: int | None = None,
        record: bool = True,
    ) -> None:
        super().__init__(description)
        self.record = record  # False: not a mistake of the bot, kept out of FakeTelegram.rejected
        self.description = description
        self.error_code = error_code
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": False, "error_code": self.error_code, "description": self.description}
        parameters: dict[str, int] = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            out["parameters"] = parameters
        return out


def bad_request(detail: str) -> ApiError:
    return ApiError(f"Bad Request: {detail}", 400)


def utf16_len(s: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram length limit and entity offset."""
    return len(s.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------------

_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
}
_SPACES = " \t\r\n\f\v"


class EntityParseError(ApiError):
    def __init__(self, detail: str) -> None:
        super().__init__(f"Bad Request: can't parse entities: {detail}", 400)


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    byte_offset: int
    expandable: bool = False


class _Cursor:
    """Byte-level cursor over UTF-8 text with a NUL sentinel, as in TDLib."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw + b"\0"
        self.i = 0

    def ch(self, k: int = 0) -> int:
        j = self.i + k
        return self.raw[j] if j < len(self.raw) else 0


def _is_space(c: int) -> bool:
    return c != 0 and chr(c) in _SPACES


def _decode_entity(raw: bytes, pos: int) -> tuple[int, int]:
    """TDLib's decode_html_entity: (code point or 0, position after the entity)."""
    if raw[pos] != ord("&"):
        return 0, pos
    end = pos + 1
    res = 0
    if raw[end] == ord("#"):
        end += 1
        if raw[end] == ord("x"):
            end += 1
            while chr(raw[end]) in "0123456789abcdefABCDEF" and raw[end] != 0:
                res = res * 16 + int(chr(raw[end]), 16)
                end += 1
                if res >= 0x10FFFF:
                    return 0, pos
        else:
            while ord("0") <= raw[end] <= ord("9"):
                res = res * 10 + raw[end] - ord("0")
                end += 1
                if res >= 0x10FFFF:
                    return 0, pos
        if res == 0 or res >= 0x10FFFF or 0xD800 <= res <= 0xDFFF:
            return 0, pos
    else:
        while chr(raw[end]).isascii() and chr(raw[end]).isalpha():
            end += 1
        name = raw[pos + 1 : end]
        named = {b"lt": ord("<"), b"gt": ord(">"), b"amp": ord("&"), b"quot": ord('"')}
        if name not in named:
            return 0, pos
        res = named[name]
    if raw[end] == ord(";"):
        end += 1
    return res, end


def parse_html(html: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, Bot API MessageEntity dicts), raising EntityParseError."""
    cur = _Cursor(html.encode("utf-8"))
    raw = cur.raw
    size = len(raw) - 1
    out = bytearray()
    utf16 = 0
    open_tags: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []

    def emit_char(code_point: int) -> None:
        nonlocal utf16
        out.extend(chr(code_point).encode("utf-8"))
        utf16 += 2 if code_point > 0xFFFF else 1

    while cur.i < size:
        c = raw[cur.i]
        if c == ord("&"):
            code_point, end = _decode_entity(raw, cur.i)
            if code_point:
                emit_char(code_point)
                cur.i = end
                continue
            if strict_ampersand:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {cur.i}; write it as &amp; '
                    "(the fake is stricter than Telegram here, as Telegram's documentation requires)"
                )
        if c != ord("<"):
            # copy one whole UTF-8 sequence
            length = 1 if c < 0x80 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            chunk = bytes(raw[cur.i : cur.i + length])
            out.extend(chunk)
            utf16 += 2 if length == 4 else 1
            cur.i += length
            continue

        begin = cur.i
        cur.i += 1
        if raw[cur.i] != ord("/"):
            name_begin = cur.i
            while not _is_space(raw[cur.i]) and raw[cur.i] != ord(">") and raw[cur.i] != 0:
                cur.i += 1
            if raw[cur.i] == 0:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = raw[name_begin : cur.i].decode("utf-8", "replace").lower()
            if tag not in _SUPPORTED_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            expandable = False
            while raw[cur.i] != ord(">"):
                while raw[cur.i] != 0 and _is_space(raw[cur.i]):
                    cur.i += 1
                if raw[cur.i] == ord(">"):
                    break
                attr_begin = cur.i
                while not _is_space(raw[cur.i]) and raw[cur.i] not in (ord("="), ord(">"), 0):
                    cur.i += 1
                attr = raw[attr_begin : cur.i].decode("utf-8", "replace")
                if not attr:
                    raise EntityParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
                while raw[cur.i] != 0 and _is_space(raw[cur.i]):
                    cur.i += 1
                if raw[cur.i] != ord("="):
                    if tag == "blockquote" and attr == "expandable":
                        expandable = True
                        if raw[cur.i] == 0:
                            raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                        continue
                    raise EntityParseError(
                        f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                        f"at byte offset {begin}"
                    )
                cur.i += 1
                while raw[cur.i] != 0 and _is_space(raw[cur.i]):
                    cur.i += 1
                if raw[cur.i] == 0:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value = bytearray()
                if raw[cur.i] not in (ord("'"), ord('"')):
                    token_begin = cur.i
                    while chr(raw[cur.i]).isascii() and (
                        chr(raw[cur.i]).isalnum() or chr(raw[cur.i]) in ".-"
                    ):
                        if raw[cur.i] == 0:
                            break
                        cur.i += 1
                    value.extend(raw[token_begin : cur.i].lower())
                    if not _is_space(raw[cur.i]) and raw[cur.i] != ord(">"):
                        raise EntityParseError(f"Unexpected end of name token at byte offset {token_begin}")
                else:
                    quote = raw[cur.i]
                    cur.i += 1
                    while raw[cur.i] != quote and raw[cur.i] != 0:
                        if raw[cur.i] == ord("&"):
                            code_point, end = _decode_entity(raw, cur.i)
                            if code_point:
                                value.extend(chr(code_point).encode("utf-8"))
                                cur.i = end
                                continue
                        value.append(raw[cur.i])
                        cur.i += 1
                    if raw[cur.i] == quote:
                        cur.i += 1
                if raw[cur.i] == 0:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                text_value = value.decode("utf-8", "replace")
                if tag == "a" and attr == "href":
                    argument = text_value
                elif tag == "code" and attr == "class" and text_value.startswith("language-"):
                    argument = text_value[len("language-") :]
                elif tag == "span" and attr == "class" and text_value.startswith("tg-"):
                    argument = text_value[len("tg-") :]
                elif tag == "tg-emoji" and attr == "emoji-id":
                    argument = text_value
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            if tag == "tg-emoji" and not argument.isdigit():
                raise EntityParseError("Invalid custom emoji identifier specified")
            open_tags.append(_OpenTag(tag, argument, utf16, len(out), expandable))
            cur.i += 1  # skip '>'
            continue

        # end tag
        if not open_tags:
            raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
        cur.i += 1
        name_begin = cur.i
        while not _is_space(raw[cur.i]) and raw[cur.i] != ord(">") and raw[cur.i] != 0:
            cur.i += 1
        end_name = raw[name_begin : cur.i].decode("utf-8", "replace").lower()
        while _is_space(raw[cur.i]):
            cur.i += 1
        if raw[cur.i] != ord(">"):
            raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
        cur.i += 1
        top = open_tags.pop()
        if end_name and end_name != top.name:
            raise EntityParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", found "</{end_name}>"'
            )
        length = utf16 - top.utf16_offset
        if length <= 0:
            continue
        entity: dict[str, Any] = {"offset": top.utf16_offset, "length": length}
        if top.name in _SIMPLE_TAG_TYPES:
            entity["type"] = _SIMPLE_TAG_TYPES[top.name]
            if top.name == "code" and top.argument:
                entity["_language"] = top.argument
        elif top.name == "a":
            url = top.argument or out[top.byte_offset :].decode("utf-8", "replace")
            if url.startswith("tg://user?id="):
                entity["type"] = "text_mention"
                entity["user"] = {"id": int(url.split("=", 1)[1] or 0), "is_bot": False, "first_name": ""}
            else:
                entity["type"] = "text_link"
                entity["url"] = url
        elif top.name == "pre":
            last = entities[-1] if entities else None
            if (
                last is not None
                and last["type"] == "code"
                and last["offset"] == entity["offset"]
                and last["length"] == entity["length"]
            ):
                entities.pop()
                entity["type"] = "pre"
                if last.get("_language"):
                    entity["language"] = last["_language"]
            else:
                entity["type"] = "pre"
        elif top.name == "blockquote":
            entity["type"] = "expandable_blockquote" if top.expandable else "blockquote"
        elif top.name == "tg-emoji":
            entity["type"] = "custom_emoji"
            entity["custom_emoji_id"] = top.argument
        entities.append(entity)

    if open_tags:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{open_tags[-1].name}"')
    for e in entities:
        e.pop("_language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.decode("utf-8"), entities


def strip_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims leading/trailing whitespace of message texts; entities are shifted and clipped."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    out: list[dict[str, Any]] = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            out.append({**e, "offset": start, "length": end - start})
    return stripped, out


def validate_entities(text: str, entities: Any) -> list[dict[str, Any]]:
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    total = utf16_len(text)
    for e in entities:
        if not isinstance(e.get("type"), str) or not isinstance(e.get("offset"), int):
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        if not isinstance(e.get("length"), int) or e["offset"] < 0 or e["offset"] + e["length"] > total:
            raise bad_request("can't parse entities: entity beyond the end of the text")
    return [dict(e) for e in entities]


def formatted_text(
    text: Any, parse_mode: Any, entities: Any, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    """Apply parse_mode/entities, trim and check the length limit; returns (plain text, entities)."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    if entities is not None:
        plain, ents = text, validate_entities(text, entities)
    elif parse_mode in (None, ""):
        plain, ents = text, []
    elif str(parse_mode).lower() == "html":
        plain, ents = parse_html(text)
    elif str(parse_mode).lower() in ("markdownv2", "markdown"):
        raise EntityParseError(
            f"parse_mode {parse_mode} is not supported by the fake Telegram server; use HTML"
        )
    else:
        raise bad_request("unsupported parse_mode")
    plain, ents = strip_text(plain, ents)
    limit = MAX_CAPTION_UTF16 if caption else MAX_TEXT_UTF16
    if not caption and not plain:
        raise ApiError(TEXT_EMPTY)
    if utf16_len(plain) > limit:
        raise ApiError(CAPTION_TOO_LONG if caption else TEXT_TOO_LONG)
    return plain, ents


# --------------------------------------------------------------------------------------------------------
# Keyboards, commands
# --------------------------------------------------------------------------------------------------------


def validate_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Check a reply_markup object; returns it (normalised) or None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        count = 0
        for row in rows:
            for button in row:
                count += 1
                validate_inline_button(button)
        if count > MAX_INLINE_BUTTONS:
            raise bad_request("reply markup is too long")
        return {"inline_keyboard": [[dict(b) for b in row] for row in rows if row]}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
        for row in rows:
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request('can\'t find field "inline_keyboard"')


def validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str):
        raise bad_request('can\'t parse inline keyboard button: Field "text" must be of type String')
    if not text.strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    actions = [a for a in INLINE_BUTTON_ACTIONS if a in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the optional fields must be used, got "
            + ", ".join(actions)
        )
    action = actions[0]
    if action == "callback_data":
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    elif action == "url":
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"^(https?|tg)://[^\s/$.?#][^\s]*$", url, re.I):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def inline_callback_datas(markup: Mapping[str, Any] | None) -> list[str]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [b["callback_data"] for row in markup["inline_keyboard"] for b in row if "callback_data" in b]


def validate_commands(commands: Any) -> list[dict[str, str]]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    out: list[dict[str, str]] = []
    for cmd in commands:
        if not isinstance(cmd, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        name, description = cmd.get("command"), cmd.get("description")
        if not isinstance(name, str) or not COMMAND_RE.fullmatch(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        out.append({"command": name, "description": description})
    return out


def scope_key(scope: Any) -> tuple[str, int | str | None, int | None]:
    if scope is None:
        return ("default", None, None)
    if not isinstance(scope, dict) or not isinstance(scope.get("type"), str):
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return (kind, None, None)
    if kind in ("chat", "chat_administrators"):
        return (kind, scope.get("chat_id"), None)
    if kind == "chat_member":
        return (kind, scope.get("chat_id"), scope.get("user_id"))
    raise bad_request("unsupported bot command scope type")


def language_code_ok(code: Any) -> bool:
    return code in (None, "") or (isinstance(code, str) and re.fullmatch(r"[a-z]{2}", code) is not None)


def sequence_of_dicts(value: Any) -> Sequence[dict[str, Any]]:
    return value if isinstance(value, list) and all(isinstance(v, dict) for v in value) else []
