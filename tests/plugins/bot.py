"""The real Telegram bot (PTB Application + real polling loop) against the fake Bot API, on a fresh data dir.

``nqbot`` starts the bot on the session's read-only ``party_engine`` (four Party documents and the user
guide); ``upload_bot`` uses a session engine of its own that upload tests may change. Both stop the bot at
the end of the test. Tests drive users through ``fake`` and wait with ``fake.wait_for`` (no sleeps).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.store import BotStore
from bot.telegram.app import build_application
from bot.telegram.config import BotConfig
from bot.telegram.runner import BackgroundBot
from bot.telegram.services import Services
from index.embedders.base import Embedder
from index.engine import Engine
from tests.fake_telegram import FakeTelegram

pytest_plugins = ["tests.plugins.engine", "tests.plugins.fake_telegram"]

ADMIN_ID = 1001
Message = dict[str, Any]


class BotHarness:
    """One bot process (restartable on the same data dir) and helpers to talk to it."""

    def __init__(self, fake: FakeTelegram, engine: Engine, data_dir: Path, *,
                 settings: dict[str, Any] | None = None, **config: Any) -> None:
        self.fake = fake
        self.engine = engine
        self.data_dir = data_dir
        self.settings_overrides = settings or {}
        self.config_overrides = config
        self.admin = fake.user(ADMIN_ID, "Admin", username="quantri")
        self.runner: BackgroundBot | None = None

    # lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> BotHarness:
        settings = self.engine.settings.model_copy(update={
            "telegram_token": SecretStr(self.fake.token), "admin_ids": [ADMIN_ID], "data_dir": self.data_dir,
            **self.settings_overrides})
        config = BotConfig(poll_timeout=1.0, **self.config_overrides)
        application = build_application(self.engine, settings=settings, config=config,
                                         base_url=self.fake.base_url, base_file_url=self.fake.base_file_url)
        self.runner = BackgroundBot(application, poll_timeout=1.0).start()
        return self

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()
            self.runner = None

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def services(self) -> Services:
        assert self.runner is not None
        svc = self.runner.application.bot_data["services"]
        assert isinstance(svc, Services)
        return svc

    @property
    def store(self) -> BotStore:
        return self.services.store

    # people ------------------------------------------------------------------------------------------
    def member(self, user_id: int, first_name: str = "Member", **kwargs: Any) -> dict[str, Any]:
        """A user with the member role (as if they had redeemed an invite)."""
        user = self.fake.user(user_id, first_name, **kwargs)
        self.store.set_role(user_id, "member", by=ADMIN_ID)
        return user

    # conversation ------------------------------------------------------------------------------------
    def messages(self, chat_id: int, *, thread_id: int | None = None) -> list[Message]:
        return self.fake.bot_messages(chat_id, thread_id=thread_id)

    def last_id(self, chat_id: int) -> int:
        return max((m["message_id"] for m in self.messages(chat_id)), default=0)

    def wait_new(self, chat_id: int, after: int, *, until: Callable[[list[Message]], bool] | None = None,
                 count: int = 1, timeout: float = 60.0, thread_id: int | None = None) -> list[Message]:
        """Bot messages newer than message id ``after`` once ``until`` holds (default: ``count`` of them)."""
        def ready() -> list[Message] | None:
            new = [m for m in self.messages(chat_id, thread_id=thread_id) if m["message_id"] > after]
            if not new:
                return None
            return new if (until(new) if until is not None else len(new) >= count) else None

        return self.fake.wait_for(ready, timeout)

    def ask(self, user: dict[str, Any], text: str, *, chat: dict[str, Any] | None = None,
            thread_id: int | None = None, reply_to: Message | None = None) -> list[Message]:
        """Send ``text`` and return the bot's reply messages (an answer ends with the 👍/👎 keyboard)."""
        chat_id = chat["id"] if chat else user["id"]
        before = self.last_id(chat_id)
        self.fake.send_text(user, text, chat=chat, thread_id=thread_id, reply_to=reply_to)
        return self.wait_new(chat_id, before, until=lambda new: has_button(new[-1], "fb:"), thread_id=thread_id)

    def say(self, user: dict[str, Any], text: str, *, chat: dict[str, Any] | None = None, count: int = 1,
            thread_id: int | None = None) -> list[Message]:
        """Send ``text`` and return the next ``count`` bot messages."""
        chat_id = chat["id"] if chat else user["id"]
        before = self.last_id(chat_id)
        self.fake.send_text(user, text, chat=chat, thread_id=thread_id)
        return self.wait_new(chat_id, before, count=count, thread_id=thread_id)

    def press(self, user: dict[str, Any], message: Message, data: str, *, forged: bool = False) -> str:
        return self.fake.press_button(user, message, data, forged=forged)

    def wait_callback_answer(self, query_id: str) -> dict[str, Any]:
        return self.fake.wait_for(lambda: self.fake.answered_callbacks.get(query_id))


def buttons(message: Message) -> list[tuple[str, str]]:
    """(text, callback_data) of a message's inline keyboard."""
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def has_button(message: Message, prefix: str) -> bool:
    return any(data.startswith(prefix) for _, data in buttons(message))


def button(message: Message, prefix: str) -> str:
    return next(data for _, data in buttons(message) if data.startswith(prefix))


def sent_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    """Every text the bot sent or edited into ``chat_id`` (incl. callback answers), for leak checks."""
    out: list[str] = []
    for _method, params in fake.calls:
        if str(params.get("chat_id")) == str(chat_id):
            out += [str(params.get(k, "")) for k in ("text", "caption")]
    return out


@pytest.fixture
def nqbot(fake_telegram: FakeTelegram, party_engine: Engine, tmp_path: Path) -> Iterator[BotHarness]:
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot").start()
    try:
        yield harness
    finally:
        harness.stop()


@pytest.fixture(scope="session")
def upload_engine(tmp_path_factory: pytest.TempPathFactory, e5_embedder: Embedder,
                  e5_model_dir: Path) -> Iterator[Engine]:
    """An engine upload tests may add documents to (starts with the user guide only)."""
    from tests.corpus import GUIDE
    from tests.plugins.engine import make_settings  # imported late: the module is also a plugin

    settings = make_settings(tmp_path_factory.mktemp("upload-data"), e5_model_dir.parent)
    engine = Engine(settings, embedder=e5_embedder)
    assert engine.ingest_path(GUIDE).status == "added"
    yield engine
    engine.close()


@pytest.fixture
def upload_bot(fake_telegram: FakeTelegram, upload_engine: Engine, tmp_path: Path) -> Iterator[BotHarness]:
    harness = BotHarness(fake_telegram, upload_engine, tmp_path / "bot", progress_interval=0.0,
                         progress_step=1).start()
    try:
        yield harness
    finally:
        harness.stop()
