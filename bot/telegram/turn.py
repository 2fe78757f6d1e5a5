"""One update being handled (:class:`Turn`), and the decorators that admit it to a handler.

Every registered handler takes a :class:`Turn` and is wrapped by one of ``for_anyone``, ``for_members``,
``for_admins`` or ``for_group_admins``: the decorator finds out who is asking (:class:`bot.access.Caller`),
sends the access notice or "admins only" to whoever may not use the handler, and passes the rest on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, replace
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.access import Caller, resolve_caller
from bot.telegram.render import th
from bot.telegram.sending import send_html
from bot.telegram.services import Services, services

log = logging.getLogger("bot.telegram")

#: The notice someone gets when they may not ask here, by reason.
NOTICES = {"group_not_allowed": "tg.group.not_allowed", "revoked": "tg.access.revoked",
           "unknown": "tg.access.denied"}


@dataclass(frozen=True)
class Turn:
    """An update, the caller behind it, and the services: what every handler gets."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    caller: Caller
    svc: Services

    @property
    def lang(self) -> str:
        return self.caller.lang

    @property
    def args(self) -> list[str]:
        return list(self.context.args or [])

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    async def send(self, messages: Sequence[str], *, reply_to: int | None = None,
                   keyboard: InlineKeyboardMarkup | None = None) -> list[Message]:
        """Send HTML messages to the caller's chat (and forum topic)."""
        return await send_html(self.context.bot, self.caller.chat_id, messages, thread_id=self.caller.thread_id,
                               reply_to=reply_to, keyboard=keyboard)

    async def reply(self, html: str | Sequence[str], *, keyboard: InlineKeyboardMarkup | None = None,
                    quote: bool | None = None) -> list[Message]:
        """Answer the update's message; in groups the reply quotes the asker."""
        quote = self.caller.is_group if quote is None else quote
        reply_to = self.message.message_id if quote and self.message is not None else None
        return await self.send([html] if isinstance(html, str) else list(html), reply_to=reply_to,
                               keyboard=keyboard)

    async def send_files(self, files: Sequence[tuple[str, bytes]]) -> None:
        """Send files (name, content) to the caller's chat (and forum topic), one message each."""
        for name, data in files:
            await self.context.bot.send_document(self.caller.chat_id, InputFile(data, filename=name),
                                                 message_thread_id=self.caller.thread_id)

    async def say(self, key: str, /, **fields: str | int | float) -> Message:
        """Reply with one catalog message in the caller's language (``fields`` already HTML)."""
        return (await self.reply(th(key, self.lang, **fields)))[0]

    async def notice_due(self) -> bool:
        """May the caller, who may not ask here, hear why now? (once per interval: see AccessNotices)"""
        due = await self.svc.workers.db(self.svc.notices.due, self.caller)
        if not due:
            log.info("access notice suppressed user=%d chat=%d", self.caller.user_id, self.caller.chat_id)
        return due

    async def deny(self) -> None:
        """The one short notice someone without access gets when it is due; silence otherwise."""
        if await self.notice_due():
            caller = self.caller
            log.info("access denied user=%d chat=%d reason=%s", caller.user_id, caller.chat_id, caller.reason)
            await self.say(NOTICES[caller.reason])

    async def refreshed(self) -> Turn:
        """The same turn with the caller read again (after their role changed)."""
        caller = await caller_of(self.update, self.svc)
        return replace(self, caller=caller) if caller is not None else self

    @contextlib.asynccontextmanager
    async def typing(self) -> AsyncIterator[None]:
        """Show "typing…" while the body runs (Telegram shows it for ~5 s, so it is repeated)."""
        async def keep_typing() -> None:
            while True:
                with contextlib.suppress(TelegramError):
                    await self.context.bot.send_chat_action(self.caller.chat_id, ChatAction.TYPING,
                                                            message_thread_id=self.caller.thread_id)
                await asyncio.sleep(self.svc.config.typing_interval)

        task = asyncio.create_task(keep_typing())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def caller_of(update: Update, svc: Services) -> Caller | None:
    """The user and chat behind an update (recorded in the store); None for updates without a person."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or user.is_bot:
        return None
    message = update.effective_message
    thread_id = message.message_thread_id if message is not None and message.is_topic_message else None
    return await svc.workers.db(
        resolve_caller, svc.store, user_id=user.id, first_name=user.first_name or "", username=user.username,
        chat_id=chat.id, chat_kind=chat.type, chat_title=chat.title or "", thread_id=thread_id,
        language_code=user.language_code,
    )


TurnHandler = Callable[[Turn], Awaitable[None]]
PtbHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
Admit = Callable[[Turn], Awaitable[bool]]


def _admitting(admit: Admit) -> Callable[[TurnHandler], PtbHandler]:
    def decorate(handler: TurnHandler) -> PtbHandler:
        @functools.wraps(handler)
        async def run(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            svc = services(context)
            caller = await caller_of(update, svc)
            if caller is not None:
                turn = Turn(update, context, caller, svc)
                if await admit(turn):
                    await handler(turn)

        return run

    return decorate


async def _anyone(turn: Turn) -> bool:
    return True


async def _members(turn: Turn) -> bool:
    if turn.caller.may_ask:
        return True
    await turn.deny()
    return False


async def _admins(turn: Turn) -> bool:
    if turn.caller.is_admin:
        return True
    if turn.caller.may_ask:
        await turn.say("tg.admin.only")
    else:
        await turn.deny()
    return False


async def _group_admins(turn: Turn) -> bool:
    """Admins, in a group (told to go there in private); others are told as for admin commands in private and
    ignored quietly in groups."""
    if not turn.caller.is_group:
        if await _admins(turn):
            await turn.say("tg.group.run_in_group")
        return False
    return turn.caller.is_admin


#: Anyone the bot can identify; the handler decides what strangers get.
for_anyone = _admitting(_anyone)
#: People who may ask here (members, admins, allowed groups); the access notice for others.
for_members = _admitting(_members)
#: Admins; "admins only" for members, the access notice for others.
for_admins = _admitting(_admins)
#: Group settings: admins, in the group itself.
for_group_admins = _admitting(_group_admins)


def command_text(message: Message | None) -> str:
    """The text after ``/command`` (keeping line breaks), or the whole text for a plain message."""
    if message is None or not message.text:
        return ""
    text = message.text
    if text.startswith("/"):
        parts = text.split(maxsplit=1)
        return parts[1].strip() if len(parts) > 1 else ""
    return text.strip()
