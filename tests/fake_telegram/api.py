"""Bot API methods: one handler per method, taking decoded params and returning the ``result`` value.

Handlers raise :class:`ApiError` to refuse a request the way Telegram would.
"""

from __future__ import annotations

import mimetypes
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from . import rules
from .builders import (
    chat_full_info_json,
    document_json,
    file_json,
    photo_size_json,
    private_chat_json,
    strip_reply,
)
from .rules import ApiError, bad_request
from .state import ChatState, PollState, StoredFile, StoredMessage, TelegramState, UploadedFile

Handler = Callable[[dict[str, Any]], Any]


def _telegram_method_names() -> frozenset[str]:
    """Official Bot API method names (lower-cased), taken from PTB's camelCase aliases."""
    try:
        from telegram import Bot
    except ImportError:  # pragma: no cover - PTB is a dependency of the project
        return frozenset()
    return frozenset(
        name.lower()
        for name in dir(Bot)
        if name[:1].islower() and any(c.isupper() for c in name) and callable(getattr(Bot, name, None))
    )


KNOWN_METHODS = _telegram_method_names()


def _int(
    params: dict[str, Any], name: str, *, required: bool = False, empty: str | None = None
) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(empty or f"{name} is empty")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None
    return value


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


class BotApi:
    def __init__(self, state: TelegramState, bot_user: dict[str, Any], me: dict[str, Any]) -> None:
        self.state = state
        self.bot_user = bot_user
        self.me = me
        self.handlers: dict[str, Handler] = {
            "getme": lambda p: dict(self.me),
            "logout": lambda p: True,
            "close": lambda p: True,
            "getupdates": self.get_updates,
            "setwebhook": self.set_webhook,
            "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "sendmessage": self.send_message,
            "senddocument": lambda p: self.send_media(p, "document"),
            "sendphoto": lambda p: self.send_media(p, "photo"),
            "sendpoll": self.send_poll,
            "stoppoll": self.stop_poll,
            "editmessagetext": self.edit_message_text,
            "editmessagecaption": self.edit_message_caption,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "deletemessage": self.delete_message,
            "answercallbackquery": self.answer_callback_query,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "sendchataction": self.send_chat_action,
            "getfile": self.get_file,
            "getchat": self.get_chat,
            "setmydescription": lambda p: self._setting("description", p.get("description")),
            "setmyshortdescription": lambda p: self._setting("short_description", p.get("short_description")),
            "setmyname": lambda p: self._setting("name", p.get("name")),
            "getmydescription": lambda p: {"description": self.state.bot_settings.get("description", "")},
            "getmyshortdescription": lambda p: {
                "short_description": self.state.bot_settings.get("short_description", "")
            },
            "getmyname": lambda p: {"name": self.state.bot_settings.get("name", self.bot_user["first_name"])},
            "setchatmenubutton": lambda p: self._setting("menu_button", p.get("menu_button")),
            "getchatmenubutton": lambda p: self.state.bot_settings.get("menu_button", {"type": "commands"}),
        }

    def dispatch(self, method: str, params: dict[str, Any]) -> Any:
        handler = self.handlers.get(method.lower())
        if handler is None:
            if method.lower() in KNOWN_METHODS:
                raise bad_request(f"method {method} is not implemented by the fake Telegram server")
            raise ApiError("Not Found", 404)
        return handler(params)

    # ---- helpers --------------------------------------------------------------------------------------
    def _setting(self, key: str, value: Any) -> bool:
        with self.state.lock:
            self.state.bot_settings[key] = value
        return True

    def resolve_chat(self, params: dict[str, Any], *, for_sending: bool = True) -> ChatState:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise bad_request("chat_id is empty")
        st = self.state
        chat: ChatState | None = None
        if isinstance(raw, str) and raw.startswith("@"):
            chat = next((c for c in st.chats.values() if c.chat.get("username") == raw[1:]), None)
        else:
            chat_id = _int(params, "chat_id")
            assert chat_id is not None
            chat = st.chats.get(chat_id)
            if chat is None and chat_id in st.users and for_sending:
                raise ApiError("Forbidden: bot can't initiate conversation with a user", 403)
        if chat is None:
            raise bad_request("chat not found")
        if chat.chat["type"] == "private":
            if chat.id in st.blocked and for_sending:
                raise ApiError("Forbidden: bot was blocked by the user", 403)
            if not chat.bot_can_write and for_sending:
                raise ApiError("Forbidden: bot can't initiate conversation with a user", 403)
        return chat

    def _thread(self, chat: ChatState, params: dict[str, Any]) -> int | None:
        thread = _int(params, "message_thread_id")
        if thread is not None and (not chat.forum or thread not in chat.topics):
            raise bad_request("message thread not found")
        return thread

    def _reply_target(self, chat: ChatState, params: dict[str, Any]) -> StoredMessage | None:
        rp = params.get("reply_parameters")
        quote: str | None = None
        if rp is not None:
            if not isinstance(rp, dict):
                raise bad_request("can't parse reply parameters JSON object")
            mid = _int(rp, "message_id", required=True, empty="message_id in reply_parameters is empty")
            allow = _bool(rp, "allow_sending_without_reply")
            target_chat = chat
            if rp.get("chat_id") not in (None, chat.id):
                target_chat = self.resolve_chat({"chat_id": rp["chat_id"]}, for_sending=False)
            quote = rp.get("quote")
        else:
            mid = _int(params, "reply_to_message_id")
            allow = _bool(params, "allow_sending_without_reply")
            target_chat = chat
        if mid is None:
            return None
        target = target_chat.messages.get(mid)
        if target is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        if quote is not None:
            body = target.message.get("text", target.message.get("caption", ""))
            if not isinstance(quote, str) or not quote or quote not in body:
                raise bad_request("QUOTE_TEXT_INVALID")
        return target

    def _new_bot_message(self, chat: ChatState, params: dict[str, Any]) -> tuple[dict[str, Any], int | None]:
        thread = self._thread(chat, params)
        target = self._reply_target(chat, params)
        if thread is None and target is not None and target.thread_id is not None:
            thread = target.thread_id
        message: dict[str, Any] = {
            "message_id": chat.allocate_message_id(),
            "from": dict(self.bot_user),
            "chat": dict(chat.chat),
            "date": int(time.time()),
        }
        if thread is not None:
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
        if target is not None:
            message["reply_to_message"] = strip_reply(target.message)
            if target.message["chat"]["id"] != chat.id:
                del message["reply_to_message"]
                message["external_reply"] = {"origin": {"type": "chat", "date": target.message["date"]}}
        elif thread is not None and thread in chat.messages:
            message["reply_to_message"] = strip_reply(chat.messages[thread].message)
        return message, thread

    def _store_bot_message(
        self,
        chat: ChatState,
        message: dict[str, Any],
        thread: int | None,
        html: str | None,
        markup: dict[str, Any] | None,
        document: tuple[str, bytes] | None = None,
    ) -> dict[str, Any]:
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        chat.messages[message["message_id"]] = StoredMessage(
            message=message,
            from_bot=True,
            html=html,
            reply_markup=markup,
            thread_id=thread,
            document=document,
        )
        return message

    def _editable(self, params: dict[str, Any]) -> tuple[ChatState, StoredMessage]:
        if params.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.resolve_chat(params)
        mid = _int(params, "message_id", required=True, empty="message identifier is not specified")
        assert mid is not None
        stored = chat.messages.get(mid)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        return chat, stored

    @staticmethod
    def _apply_markup(stored: StoredMessage, markup: dict[str, Any] | None) -> None:
        stored.reply_markup = markup
        if markup is not None and "inline_keyboard" in markup:
            stored.message["reply_markup"] = markup
        else:
            stored.message.pop("reply_markup", None)

    # ---- updates / webhook ----------------------------------------------------------------------------
    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int(params, "offset")
        limit = _int(params, "limit")
        limit = 100 if limit is None else min(max(limit, 1), 100)
        raw_timeout = params.get("timeout") or 0
        try:
            timeout = float(raw_timeout)
        except (TypeError, ValueError):
            raise bad_request("invalid timeout specified") from None
        allowed = params.get("allowed_updates")
        if allowed is not None and (
            not isinstance(allowed, list) or not all(isinstance(a, str) for a in allowed)
        ):
            raise bad_request("can't parse allowed_updates JSON array")
        return self.state.get_updates(offset, limit, timeout, allowed)

    def set_webhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if url and not str(url).startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        with self.state.cond:
            self.state.webhook_url = str(url)
            self.state.webhook_secret = str(params.get("secret_token") or "")
            if _bool(params, "drop_pending_updates"):
                self.state.pending.clear()
            self.state.touch()
        return True

    def delete_webhook(self, params: dict[str, Any]) -> bool:
        with self.state.cond:
            self.state.webhook_url = ""
            if _bool(params, "drop_pending_updates"):
                self.state.pending.clear()
            self.state.touch()
        return True

    def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            return {
                "url": self.state.webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self.state.pending),
            }

    # ---- sending --------------------------------------------------------------------------------------
    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            chat = self.resolve_chat(params)
            raw = params.get("text")
            if raw is None or raw == "":
                raise ApiError(rules.TEXT_EMPTY)
            text, entities = rules.formatted_text(raw, params.get("parse_mode"), params.get("entities"))
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            message, thread = self._new_bot_message(chat, params)
            message["text"] = text
            if entities:
                message["entities"] = entities
            return self._store_bot_message(chat, message, thread, str(raw), markup)

    def _input_file(self, params: dict[str, Any], kind: str) -> tuple[StoredFile, bool]:
        """The file a send* method refers to: (file, freshly uploaded?)."""
        value = params.get(kind)
        if isinstance(value, str) and value.startswith("file://"):
            value = self._local_file(value)
        if isinstance(value, UploadedFile):
            if len(value.data) > (rules.MAX_LOCAL_FILE_BYTES if self.state.local_dir else rules.MAX_UPLOAD_BYTES):
                raise ApiError("Request Entity Too Large", 413)
            if not value.data:
                raise bad_request("file must be non-empty")
            name = value.filename or ("photo.jpg" if kind == "photo" else "document")
            mime = value.content_type
            if not mime or mime == "application/octet-stream":
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
            ext = "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
            width, height = _image_size(value.data) if kind == "photo" else (0, 0)
            stored = self.state.add_file(
                value.data,
                "photos" if kind == "photo" else "documents",
                file_name=name if kind == "document" else None,
                mime_type=mime if kind == "document" else None,
                extension=ext if kind == "document" else ".jpg",
                width=width,
                height=height,
            )
            return stored, True
        if isinstance(value, str) and value in self.state.files:
            return self.state.files[value], False
        if value in (None, ""):
            raise bad_request(f"there is no {kind} in the request")
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _local_file(self, uri: str) -> UploadedFile:
        """``file:///abs/path``: only a ``--local`` server reads files from its disk (the cloud refuses)."""
        path = Path(unquote(urlsplit(uri).path))
        if self.state.local_dir is None or not path.is_absolute() or not path.is_file():
            raise bad_request("wrong file identifier/HTTP URL specified")
        return UploadedFile(path.name, path.read_bytes(), "application/octet-stream")

    def send_media(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        with self.state.lock:
            chat = self.resolve_chat(params)
            raw_caption = params.get("caption")
            caption, entities = rules.formatted_text(
                raw_caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
            )
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            stored_file, _ = self._input_file(params, kind)
            message, thread = self._new_bot_message(chat, params)
            document: tuple[str, bytes] | None = None
            if kind == "document":
                message["document"] = document_json(stored_file)
                document = (stored_file.file_name or "document", stored_file.data)
            else:
                message["photo"] = [photo_size_json(stored_file)]
            if caption:
                message["caption"] = caption
                if entities:
                    message["caption_entities"] = entities
            return self._store_bot_message(
                chat, message, thread, None if raw_caption is None else str(raw_caption), markup, document
            )

    # ---- polls ----------------------------------------------------------------------------------------
    @staticmethod
    def _poll_text(raw: Any, parse_mode: Any, entities: Any, what: str, limit: int, *, empty_ok: bool = False) -> str:
        """A poll text after entity parsing, within ``limit`` characters (UTF-16 units, as Telegram counts)."""
        if raw is None or raw == "":
            if empty_ok:
                return ""
            raise bad_request(f"poll {what} must be non-empty")
        text, _ = rules.formatted_text(raw, parse_mode, entities, caption=True)
        if not text.strip() and not empty_ok:
            raise bad_request(f"poll {what} must be non-empty")
        if rules.utf16_len(text) > limit:
            raise bad_request(f"poll {what} length must not exceed {limit}")
        return text

    def send_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            chat = self.resolve_chat(params)
            question = self._poll_text(params.get("question"), params.get("question_parse_mode"),
                                       params.get("question_entities"), "question", rules.MAX_POLL_QUESTION)
            raw_options = params.get("options")
            if not isinstance(raw_options, list):
                raise bad_request("can't parse options JSON object")
            if len(raw_options) < rules.MIN_POLL_OPTIONS:
                raise bad_request(f"poll must have at least {rules.MIN_POLL_OPTIONS} option")
            if len(raw_options) > rules.MAX_POLL_OPTIONS:
                raise bad_request(f"poll can't have more than {rules.MAX_POLL_OPTIONS} options")
            options = []
            for option in raw_options:
                text = option.get("text") if isinstance(option, dict) else option
                parse_mode = option.get("text_parse_mode") if isinstance(option, dict) else None
                options.append(self._poll_text(text, parse_mode, None, "options", rules.MAX_POLL_OPTION))
            kind = params.get("type") or "regular"
            if kind not in ("regular", "quiz"):
                raise bad_request("wrong poll type specified")
            multiple = _bool(params, "allows_multiple_answers")
            correct = params.get("correct_option_ids")
            if correct is None and params.get("correct_option_id") not in (None, ""):
                correct = [_int(params, "correct_option_id")]
            if isinstance(correct, str):
                correct = [int(c) for c in correct.strip("[]").split(",") if c.strip()]
            correct = list(correct or [])
            explanation = None
            if kind == "quiz":
                if multiple:
                    raise bad_request("quiz can't have multiple answers")
                if len(correct) != 1 or not all(isinstance(c, int) and 0 <= c < len(options) for c in correct):
                    raise bad_request("wrong correct option id specified")
                if params.get("explanation") not in (None, ""):
                    explanation = self._poll_text(params.get("explanation"), params.get("explanation_parse_mode"),
                                                  params.get("explanation_entities"), "explanation",
                                                  rules.MAX_POLL_EXPLANATION)
                    if explanation.count("\n") > rules.MAX_POLL_EXPLANATION_LINE_FEEDS:
                        raise bad_request("poll explanation can't contain more than 2 line feeds")
            elif correct:
                raise bad_request("correct option can be specified only for quizzes")
            elif params.get("explanation"):
                raise bad_request("explanation can be specified only for quizzes")
            open_period = _int(params, "open_period")
            close_date = _int(params, "close_date")
            if open_period is not None and close_date is not None:
                raise bad_request("can't specify both open_period and close_date")
            if open_period is not None:
                if not rules.MIN_OPEN_PERIOD <= open_period <= rules.MAX_OPEN_PERIOD:
                    raise bad_request("wrong poll open_period specified")
                close_date = int(time.time()) + open_period
            anonymous = True if params.get("is_anonymous") in (None, "") else _bool(params, "is_anonymous")
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            message, thread = self._new_bot_message(chat, params)
            poll = PollState(self.state.next_poll_id(), chat.id, message["message_id"], question, options, kind,
                             anonymous, multiple, correct, explanation, close_date,
                             stopped=_bool(params, "is_closed"))
            self.state.polls[poll.id] = poll
            message["poll"] = poll.json()
            return self._store_bot_message(chat, message, thread, None, markup)

    def stop_poll(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            chat = self.resolve_chat(params, for_sending=False)
            mid = _int(params, "message_id", required=True, empty="message identifier is not specified")
            stored = chat.messages.get(mid or 0)
            poll = self.state.polls.get(stored.message["poll"]["id"]) if stored and "poll" in stored.message else None
            if stored is None or poll is None or not stored.from_bot:
                raise bad_request("message with poll to stop not found")
            if poll.closed:
                raise bad_request("poll has already been closed")
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            poll.stopped = True
            stored.message["poll"] = poll.json()
            self._apply_markup(stored, markup)
            self.state.push_update("poll", poll.json(for_bot=True))
            return poll.json()

    # ---- editing --------------------------------------------------------------------------------------
    def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            _, stored = self._editable(params)
            raw = params.get("text")
            if raw is None or raw == "":
                raise ApiError(rules.TEXT_EMPTY)
            text, entities = rules.formatted_text(raw, params.get("parse_mode"), params.get("entities"))
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            if markup is not None and "inline_keyboard" not in markup:
                raise bad_request("reply markup must be an InlineKeyboardMarkup")
            msg = stored.message
            if "text" not in msg:
                raise bad_request("there is no text in the message to edit")
            if (
                msg["text"] == text
                and msg.get("entities", []) == entities
                and msg.get("reply_markup") == markup
            ):
                raise ApiError(rules.NOT_MODIFIED)
            msg["text"] = text
            if entities:
                msg["entities"] = entities
            else:
                msg.pop("entities", None)
            msg["edit_date"] = int(time.time())
            stored.html = str(raw)
            self._apply_markup(stored, markup)  # omitting reply_markup removes the inline keyboard
            return dict(msg)

    def edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            _, stored = self._editable(params)
            raw = params.get("caption")
            caption, entities = rules.formatted_text(
                raw, params.get("parse_mode"), params.get("caption_entities"), caption=True
            )
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            msg = stored.message
            if not any(k in msg for k in ("document", "photo", "video", "audio", "animation", "voice")):
                raise bad_request("there is no caption in the message to edit")
            if (
                msg.get("caption", "") == caption
                and msg.get("caption_entities", []) == entities
                and msg.get("reply_markup") == markup
            ):
                raise ApiError(rules.NOT_MODIFIED)
            msg.pop("caption", None)
            msg.pop("caption_entities", None)
            if caption:
                msg["caption"] = caption
                if entities:
                    msg["caption_entities"] = entities
            msg["edit_date"] = int(time.time())
            stored.html = None if raw is None else str(raw)
            self._apply_markup(stored, markup)
            return dict(msg)

    def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            _, stored = self._editable(params)
            markup = rules.validate_reply_markup(params.get("reply_markup"))
            if markup is not None and "inline_keyboard" not in markup:
                raise bad_request("reply markup must be an InlineKeyboardMarkup")
            if stored.message.get("reply_markup") == markup:
                raise ApiError(rules.NOT_MODIFIED)
            stored.message["edit_date"] = int(time.time())
            self._apply_markup(stored, markup)
            return dict(stored.message)

    def delete_message(self, params: dict[str, Any]) -> bool:
        with self.state.lock:
            chat = self.resolve_chat(params, for_sending=False)
            mid = _int(params, "message_id", required=True, empty="message identifier is not specified")
            if mid is None or mid not in chat.messages:
                raise bad_request("message to delete not found")
            del chat.messages[mid]
            return True

    # ---- callback queries, commands, actions ----------------------------------------------------------
    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        with self.state.lock:
            query_id = params.get("callback_query_id")
            query = self.state.callbacks.get(str(query_id)) if query_id else None
            if query is None or query.answered:
                raise bad_request("query is too old and response timeout expired or query ID is invalid")
            text = params.get("text")
            if text is not None and len(str(text)) > rules.MAX_CALLBACK_ANSWER_TEXT:
                raise bad_request("MESSAGE_TOO_LONG")
            if params.get("url"):
                raise bad_request("URL_INVALID")
            query.answered = True
            query.answer = dict(params)  # keeps callback_query_id: never an empty (falsy) dict
            return True

    def _command_key(self, params: dict[str, Any]) -> tuple[tuple[str, int | str | None, int | None], str]:
        language = params.get("language_code")
        if not rules.language_code_ok(language):
            raise bad_request("invalid language code specified")
        return rules.scope_key(params.get("scope")), language or ""

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        with self.state.lock:
            commands = rules.validate_commands(params.get("commands"))
            key = self._command_key(params)
            if commands:
                self.state.commands[key] = commands
            else:
                self.state.commands.pop(key, None)
            return True

    def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        with self.state.lock:
            return [dict(c) for c in self.state.commands.get(self._command_key(params), [])]

    def delete_my_commands(self, params: dict[str, Any]) -> bool:
        with self.state.lock:
            self.state.commands.pop(self._command_key(params), None)
            return True

    def send_chat_action(self, params: dict[str, Any]) -> bool:
        with self.state.lock:
            chat = self.resolve_chat(params)
            action = params.get("action")
            if not action:
                raise bad_request("action is empty")
            if action not in rules.CHAT_ACTIONS:
                raise bad_request("wrong parameter action in request")
            self._thread(chat, params)
            self.state.chat_actions.setdefault(chat.id, []).append(str(action))
            return True

    # ---- files, chats ---------------------------------------------------------------------------------
    def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            file_id = params.get("file_id")
            if not file_id:
                raise bad_request("file_id is empty")
            stored = self.state.files.get(str(file_id))
            if stored is None:
                raise bad_request("invalid file_id")
            limit = rules.MAX_LOCAL_FILE_BYTES if self.state.local_dir is not None else rules.MAX_GETFILE_BYTES
            if stored.file_size > limit:
                raise bad_request("file is too big")
            return file_json(stored)

    def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            chat = self.resolve_chat(params, for_sending=False)
            if chat.chat["type"] == "private" and not chat.bot_can_write:
                raise bad_request("chat not found")
            info = chat_full_info_json(chat.chat)
            if chat.chat["type"] == "private":
                info.update(private_chat_json(self.state.users[chat.id]))
            return info


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        import io

        from PIL import Image

        with Image.open(io.BytesIO(data)) as img:
            return int(img.width), int(img.height)
    except Exception:
        return 1, 1
