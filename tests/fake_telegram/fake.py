"""``FakeTelegram``: the test driver around the fake Bot API server (synchronous and thread-safe)."""

from __future__ import annotations

import copy
import json
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from .api import BotApi
from .builders import (
    bot_user_json,
    detect_entities,
    document_json,
    get_me_json,
    group_chat_json,
    photo_size_json,
    private_chat_json,
    strip_reply,
    user_json,
)
from .rules import ApiError, inline_callback_datas
from .server import FakeTelegramServer
from .state import CallbackState, ChatState, StoredMessage, TelegramState
from .webhook import WebhookDelivery

T = TypeVar("T")


class FakeTelegram:
    """A Telegram Bot API server on 127.0.0.1 with a driver for tests.

    Point PTB at it with ``Bot(token, base_url=fake.base_url, base_file_url=fake.base_file_url)``.
    Driver methods are synchronous; from async code call the blocking ones (``wait_for``,
    ``wait_messages``) through ``asyncio.to_thread`` so the bot's event loop keeps running.
    """

    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "nqbot_test_bot", bot_id: int = 900000001,
        *, local_dir: Path | None = None,
    ) -> None:
        """``local_dir`` makes it a self-hosted server started with ``--local``: files are kept there and
        getFile answers their absolute path (the bot reads them from disk; /file/ URLs are not served),
        ``file://`` URIs are accepted when sending, and files may be up to 2000 MB."""
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_user = bot_user_json(bot_id, bot_username, "NQ Bot")
        self._state = TelegramState(local_dir)
        #: file_path of every file fetched over HTTP (/file/bot<token>/<path>).
        self.http_downloads: list[str] = []
        self._api = BotApi(self._state, self.bot_user, get_me_json(bot_id, bot_username, "NQ Bot"))
        self._server: FakeTelegramServer | None = None
        self.webhook: WebhookDelivery | None = None

    # ---- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._server is not None:
            return
        self._state.stopping = False
        self._server = FakeTelegramServer(self._on_request, self._on_file)
        self._server.thread.start()

    def deliver_webhooks(self, *, max_connections: int = 40, retry_after: float = 1.0,
                         timeout: float = 60.0) -> WebhookDelivery:
        """POST pending updates to the URL the bot set with ``setWebhook``, retrying until a 2xx, as Telegram does
        (see :mod:`tests.fake_telegram.webhook`); stopped with the server."""
        if self.webhook is None:
            self.webhook = WebhookDelivery(self._state, max_connections=max_connections, retry_after=retry_after,
                                           timeout=timeout).start()
        return self.webhook

    def stop(self) -> None:
        if self.webhook is not None:
            self.webhook.stop()
            self.webhook = None
        server, self._server = self._server, None
        if server is None:
            return
        with self._state.cond:
            self._state.stopping = True  # long polls return at once
            self._state.touch()
        server.shutdown()
        server.server_close()
        server.thread.join(timeout=5)

    def __enter__(self) -> FakeTelegram:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def api_root(self) -> str:
        """What an operator would set as NQBOT_TELEGRAM_API_URL for this server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def local(self) -> bool:
        return self._state.local_dir is not None

    # ---- actors ---------------------------------------------------------------------------------------
    def user(
        self,
        user_id: int,
        first_name: str = "User",
        *,
        username: str | None = None,
        language_code: str | None = "vi",
    ) -> dict[str, Any]:
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user = user_json(user_id, first_name, username=username, language_code=language_code)
        with self._state.lock:
            self._state.users[user_id] = user
        return dict(user)

    def group(
        self,
        chat_id: int,
        title: str = "Group",
        *,
        forum: bool = False,
        members: Sequence[dict[str, Any]] = (),
    ) -> dict[str, Any]:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = group_chat_json(chat_id, title, forum=forum)
        with self._state.lock:
            state = ChatState(chat=chat, members={self.bot_id})
            for member in members:
                self._register(member)
                state.members.add(int(member["id"]))
            self._state.chats[chat_id] = state
            self._state.touch()
        return dict(chat)

    def create_topic(self, chat: dict[str, Any], name: str) -> int:
        with self._state.lock:
            state = self._chat_state(chat)
            if not state.forum:
                raise AssertionError(f"chat {state.id} is not a forum")
            mid = state.allocate_message_id()
            service = {
                "message_id": mid,
                "from": self._any_member(state),
                "chat": dict(state.chat),
                "date": int(time.time()),
                "message_thread_id": mid,
                "is_topic_message": True,
                "forum_topic_created": {"name": name, "icon_color": 7322096},
            }
            state.messages[mid] = StoredMessage(message=service, from_bot=False, thread_id=mid)
            state.topics[mid] = name
            self._state.touch()
            return mid

    def block_bot(self, user: dict[str, Any]) -> None:
        with self._state.lock:
            self._state.blocked.add(int(user["id"]))
            self._state.touch()

    def unblock_bot(self, user: dict[str, Any]) -> None:
        with self._state.lock:
            self._state.blocked.discard(int(user["id"]))
            self._state.touch()

    # ---- incoming updates -----------------------------------------------------------------------------
    def send_text(
        self,
        user: dict[str, Any],
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        if not text:
            raise ValueError("Telegram clients cannot send an empty text")
        with self._state.lock:
            state, message, thread = self._user_message(user, chat, reply_to, thread_id)
            message["text"] = text
            entities = detect_entities(text)
            if entities:
                message["entities"] = entities
            return self._deliver(state, message, thread)

    def send_document(
        self,
        user: dict[str, Any],
        filename: str,
        data: bytes,
        *,
        mime_type: str = "application/octet-stream",
        chat: dict[str, Any] | None = None,
        caption: str | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """``file_size`` (extension) reports a different size than ``len(data)``, e.g. to test > 20 MB."""
        with self._state.lock:
            state, message, thread = self._user_message(user, chat, None, None)
            ext = "." + filename.rsplit(".", 1)[1].lower() if "." in filename else ""
            stored = self._state.add_file(
                data, "documents", file_name=filename, mime_type=mime_type, extension=ext, size=file_size
            )
            message["document"] = document_json(stored)
            if caption:
                message["caption"] = caption
                entities = detect_entities(caption)
                if entities:
                    message["caption_entities"] = entities
            return self._deliver(state, message, thread)

    def send_photo(
        self, user: dict[str, Any], data: bytes, *, chat: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        from .api import _image_size

        with self._state.lock:
            state, message, thread = self._user_message(user, chat, None, None)
            width, height = _image_size(data)
            stored = self._state.add_file(data, "photos", extension=".jpg", width=width, height=height)
            message["photo"] = [photo_size_json(stored)]
            return self._deliver(state, message, thread)

    def press_button(
        self, user: dict[str, Any], message: dict[str, Any], callback_data: str, *, forged: bool = False
    ) -> str:
        """Press a button of ``message``; ``forged`` sends ``callback_data`` although no button of the message
        carries it (a modified client, or a button as an older version of the bot made it)."""
        with self._state.lock:
            self._check_not_blocked(user)
            state = self._chat_state(message["chat"])
            stored = state.messages.get(int(message["message_id"]))
            if stored is None:
                raise AssertionError(f"message {message['message_id']} no longer exists in chat {state.id}")
            current = stored.message.get("reply_markup")
            datas = inline_callback_datas(current)
            if callback_data not in datas and not forged:
                raise AssertionError(
                    f"no button with callback_data {callback_data!r} on message "
                    f"{stored.message['message_id']} (current buttons: {datas})"
                )
            query_id = self._state.next_callback_id()
            self._state.callbacks[query_id] = CallbackState(
                query_id, dict(user), state.id, stored.message["message_id"], callback_data
            )
            payload = {
                "id": query_id,
                "from": dict(user),
                "message": copy.deepcopy(stored.message),
                "chat_instance": str(abs(hash((state.id, self.bot_id))) % 10**18),
                "data": callback_data,
            }
            self._state.push_update("callback_query", payload)
            return query_id

    def answer_poll(self, user: dict[str, Any], message: dict[str, Any], option_ids: Sequence[int]) -> None:
        """``user`` votes in the poll of ``message`` as a Telegram client would: only in an open poll of a chat
        they are in, once for a quiz; the bot gets a ``poll_answer`` update (non-anonymous polls) and a ``poll``
        update with the new counts."""
        with self._state.lock:
            self._check_not_blocked(user)
            state = self._chat_state(message["chat"])
            stored = state.messages.get(int(message["message_id"]))
            if stored is None or "poll" not in stored.message:
                raise AssertionError(f"message {message['message_id']} is not a poll in chat {state.id}")
            poll = self._state.polls[stored.message["poll"]["id"]]
            if poll.closed:
                raise AssertionError(f"poll {poll.id} is closed")
            options = list(option_ids)
            if not options or len(set(options)) != len(options) or not all(0 <= o < len(poll.options) for o in options):
                raise AssertionError(f"no such options {options} in poll {poll.id}")
            if len(options) > 1 and not poll.allows_multiple_answers:
                raise AssertionError(f"poll {poll.id} takes one answer")
            uid = int(user["id"])
            if poll.type == "quiz" and uid in poll.votes:
                raise AssertionError("a quiz answer cannot be changed")
            self._register(user)
            state.members.add(uid)
            poll.votes[uid] = options
            stored.message["poll"] = poll.json()
            if not poll.is_anonymous:
                self._state.push_update("poll_answer", {
                    "poll_id": poll.id, "user": dict(user), "option_ids": options,
                    "option_persistent_ids": [f"{poll.id}-{o}" for o in options]})
            self._state.push_update("poll", poll.json(for_bot=True))

    def polls(self, chat_id: int) -> list[dict[str, Any]]:
        """The polls the bot sent to ``chat_id`` (Bot API Poll objects plus ``message_id``, ``votes``)."""
        with self._state.lock:
            return [{**poll.json(), "message_id": poll.message_id, "chat_id": poll.chat_id,
                     "votes": {u: list(v) for u, v in poll.votes.items()}}
                    for poll in self._state.polls.values() if poll.chat_id == chat_id]

    # ---- observing ------------------------------------------------------------------------------------
    @property
    def calls(self) -> list[tuple[str, dict[str, Any]]]:
        with self._state.lock:
            return list(self._state.calls)

    @property
    def rejected(self) -> list[dict[str, Any]]:
        """Requests refused by a rule (not the ones injected with fail_next: see ``injected``)."""
        with self._state.lock:
            return list(self._state.rejected)

    @property
    def injected(self) -> list[dict[str, Any]]:
        """Requests answered with a failure queued by ``fail_next``."""
        with self._state.lock:
            return list(self._state.injected)

    @property
    def answered_callbacks(self) -> dict[str, dict[str, Any]]:
        with self._state.lock:
            return {q.id: dict(q.answer) for q in self._state.callbacks.values() if q.answer is not None}

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (through a getUpdates offset)."""
        with self._state.lock:
            return copy.deepcopy(self._state.pending)

    def bot_messages(self, chat_id: int, *, thread_id: int | None = None) -> list[dict[str, Any]]:
        with self._state.lock:
            state = self._state.chats.get(chat_id)
            if state is None:
                return []
            out = []
            for stored in state.messages.values():
                if stored.from_bot and (thread_id is None or stored.thread_id == thread_id):
                    item = copy.deepcopy(stored.message)
                    item["html"] = stored.html
                    item["reply_markup"] = copy.deepcopy(stored.reply_markup)
                    out.append(item)
            return out

    def wait_for(self, predicate: Callable[[], T | None | bool], timeout: float = 30.0) -> T:
        deadline = time.monotonic() + timeout
        while True:
            with self._state.cond:
                version = self._state.version
            result = predicate()
            if result:
                return result  # type: ignore[return-value]
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"condition not met within {timeout:g}s\n{self.dump()}")
            with self._state.cond:
                # woken by any change of the fake; the cap covers predicates on state outside the fake
                if self._state.version == version:
                    self._state.cond.wait(timeout=min(remaining, 0.05))

    def wait_messages(
        self, chat_id: int, count: int, *, timeout: float = 30.0, thread_id: int | None = None
    ) -> list[dict[str, Any]]:
        def enough() -> list[dict[str, Any]] | None:
            messages = self.bot_messages(chat_id, thread_id=thread_id)
            return messages if len(messages) >= count else None

        return self.wait_for(enough, timeout)

    def chat_actions(self, chat_id: int) -> list[str]:
        with self._state.lock:
            return list(self._state.chat_actions.get(chat_id, []))

    def commands(
        self, *, language_code: str | None = None, scope_type: str = "default"
    ) -> list[dict[str, Any]]:
        with self._state.lock:
            for (scope, lang), commands in self._state.commands.items():
                if scope[0] == scope_type and lang == (language_code or ""):
                    return [dict(c) for c in commands]
            return []

    def uploaded_documents(self, chat_id: int) -> list[tuple[str, bytes]]:
        with self._state.lock:
            state = self._state.chats.get(chat_id)
            if state is None:
                return []
            return [s.document for s in state.messages.values() if s.from_bot and s.document is not None]

    def fail_next(
        self,
        method: str,
        *,
        error_code: int = 429,
        description: str = "Too Many Requests: retry after 1",
        retry_after: int | None = 1,
    ) -> None:
        """Answer the next call of ``method`` with this error (retry_after is only sent with 429)."""
        error = ApiError(description, error_code, retry_after=retry_after if error_code == 429 else None)
        with self._state.lock:
            self._state.failures.setdefault(method.lower(), deque()).append(error)

    def dump(self, last: int = 20) -> str:
        with self._state.lock:
            lines = [f"last {last} calls:"]
            for method, params in self._state.calls[-last:]:
                lines.append(f"  {method} {_short(params)}")
            lines.append("rejected:")
            for r in self._state.rejected[-last:]:
                lines.append(f"  {r['method']}: {r['description']} {_short(r['params'])}")
            return "\n".join(lines)

    # ---- internals ------------------------------------------------------------------------------------
    def _register(self, user: dict[str, Any]) -> None:
        self._state.users.setdefault(int(user["id"]), dict(user))

    def _check_not_blocked(self, user: dict[str, Any]) -> None:
        if int(user["id"]) in self._state.blocked:
            raise AssertionError(f"user {user['id']} has blocked the bot; call unblock_bot first")

    def _chat_state(self, chat: dict[str, Any]) -> ChatState:
        state = self._state.chats.get(int(chat["id"]))
        if state is None:
            raise AssertionError(f"unknown chat {chat['id']}")
        return state

    def _any_member(self, state: ChatState) -> dict[str, Any]:
        for uid in sorted(state.members):
            if uid in self._state.users:
                return dict(self._state.users[uid])
        return user_json(1, "Admin")

    def _user_message(
        self,
        user: dict[str, Any],
        chat: dict[str, Any] | None,
        reply_to: dict[str, Any] | None,
        thread_id: int | None,
    ) -> tuple[ChatState, dict[str, Any], int | None]:
        self._check_not_blocked(user)
        self._register(user)
        if chat is None:
            uid = int(user["id"])
            state = self._state.chats.get(uid)
            if state is None:
                state = ChatState(chat=private_chat_json(self._state.users[uid]), members={uid, self.bot_id})
                self._state.chats[uid] = state
        else:
            state = self._chat_state(chat)
            state.members.add(int(user["id"]))
        target: StoredMessage | None = None
        if reply_to is not None:
            target = state.messages.get(int(reply_to["message_id"]))
            if target is None or int(reply_to["chat"]["id"]) != state.id:
                raise AssertionError(f"message {reply_to['message_id']} does not exist in chat {state.id}")
        if thread_id is not None and thread_id not in state.topics:
            raise AssertionError(f"chat {state.id} has no topic {thread_id}")
        if thread_id is None and target is not None:
            thread_id = target.thread_id
        message: dict[str, Any] = {
            "message_id": state.allocate_message_id(),
            "from": dict(user),
            "chat": dict(state.chat),
            "date": int(time.time()),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if target is not None:
            message["reply_to_message"] = strip_reply(target.message)
        elif thread_id is not None:
            message["reply_to_message"] = strip_reply(state.messages[thread_id].message)
        return state, message, thread_id

    def _deliver(self, state: ChatState, message: dict[str, Any], thread: int | None) -> dict[str, Any]:
        state.messages[message["message_id"]] = StoredMessage(
            message=message, from_bot=False, thread_id=thread
        )
        self._state.push_update("message", message)
        return copy.deepcopy(message)

    def _on_request(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        st = self._state
        with st.cond:
            st.calls.append((method, params))
            st.touch()
            if token != self.token:
                error = ApiError("Unauthorized", 401)
                st.rejected.append({"method": method, "params": params, "description": error.description})
                return 401, error.payload()
            queue = st.failures.get(method.lower())
            if queue:
                error = queue.popleft()
                st.injected.append({"method": method, "params": params, "description": error.description})
                return error.error_code, error.payload()
        try:
            result = self._api.dispatch(method, params)
        except ApiError as error:
            with st.cond:
                if error.record:
                    st.rejected.append({"method": method, "params": params, "description": error.description})
                st.touch()
            return error.error_code, error.payload()
        with st.cond:
            result = json.loads(json.dumps(result))  # a snapshot, serialised outside the lock
            st.touch()
        return 200, {"ok": True, "result": result}

    def _on_file(self, token: str, file_path: str) -> bytes | None:
        if token != self.token or self.local:  # a --local server hands files over by path only
            return None
        with self._state.lock:
            self.http_downloads.append(file_path)
            stored = self._state.files_by_path.get(file_path)
            return None if stored is None else stored.data


def _short(params: dict[str, Any], width: int = 300) -> str:
    text = repr(params)
    return text if len(text) <= width else text[: width - 3] + "..."
