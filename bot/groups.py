"""Study groups: enabling the bot in a group (by an admin's command, or by an admin adding the bot), the
documents a group studies, people joining, a group becoming a supergroup.

A group is allowed when a bot admin adds the bot to it (or runs /allowgroup in it); when anyone else adds the
bot, the group stays disabled. Removing the bot from a group disallows the group.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.access import AccessNotices, Caller
from bot.audit import Action
from bot.store import BotStore, ChatRow
from bot.workers import Workers
from index.engine import Engine
from index.rows import DocumentRow

log = logging.getLogger("bot.groups")

#: ``/groupdocs all`` (and its Vietnamese spellings) lifts the restriction.
ALL_WORDS = ("all", "tatca", "tất")


def group_label(chat_id: int, chat: ChatRow | None) -> str:
    """How the audit log names a group: ``Chi bộ học tập (-100123)``."""
    return f"{chat.title} ({chat_id})" if chat is not None and chat.title else str(chat_id)


@dataclass(frozen=True)
class Missing:
    """Numbers ``/groupdocs`` could not resolve (nothing was changed)."""

    numbers: list[str]


@dataclass(frozen=True)
class Person:
    user_id: int
    first_name: str
    username: str | None


class StudyGroups:
    def __init__(self, engine: Engine, store: BotStore, workers: Workers, notices: AccessNotices) -> None:
        self.engine = engine
        self.store = store
        self.workers = workers
        self.notices = notices

    async def allow(self, caller: Caller) -> None:
        await self.workers.db(self.store.set_chat_allowed, caller.chat_id, True, by=caller.user_id)
        self.notices.forget_group(caller.chat_id)
        log.info("group %d allowed by user=%d", caller.chat_id, caller.user_id)
        await self._audit(caller.user_id, Action.ALLOW_GROUP, group_label(caller.chat_id, caller.chat))

    async def disallow(self, caller: Caller) -> None:
        await self.workers.db(self.store.set_chat_allowed, caller.chat_id, False, by=caller.user_id)
        log.info("group %d disallowed by user=%d", caller.chat_id, caller.user_id)
        await self._audit(caller.user_id, Action.DISALLOW_GROUP, group_label(caller.chat_id, caller.chat))

    async def set_documents(self, caller: Caller, numbers: Sequence[str]) -> list[DocumentRow] | None | Missing:
        """Restrict the group's questions to ``numbers`` (``all``: no restriction). The documents now in
        scope (None = every document), or what could not be found."""
        if numbers and numbers[0].lower() in ALL_WORDS:
            await self.workers.db(self.store.set_chat_documents, caller.chat_id, None)
            log.info("group %d restriction lifted by user=%d", caller.chat_id, caller.user_id)
            await self._audit(caller.user_id, Action.GROUP_DOCS, group_label(caller.chat_id, caller.chat), "all")
            return None
        found: dict[int, DocumentRow] = {}
        missing: list[str] = []
        for number in numbers:
            document = await self.workers.ask(self.engine.resolve, number)
            if document is None:
                missing.append(number)
            else:
                found.setdefault(document.id, document)
        if missing or not found:
            return Missing(missing or list(numbers))
        await self.workers.db(self.store.set_chat_documents, caller.chat_id, list(found))
        log.info("group %d restricted to %d documents by user=%d", caller.chat_id, len(found), caller.user_id)
        await self._audit(caller.user_id, Action.GROUP_DOCS, group_label(caller.chat_id, caller.chat),
                          ", ".join(d.label for d in found.values()))
        return list(found.values())

    async def documents(self, caller: Caller) -> list[DocumentRow] | None:
        """The documents the group is restricted to (None = every document)."""
        scope = caller.scope
        if scope is None:
            return None
        rows = [await self.workers.ask(self.engine.document, i) for i in scope]
        return [row for row in rows if row is not None]

    async def bot_added(self, chat_id: int, kind: str, title: str, by: int) -> ChatRow:
        """The bot joined a group: enabled when an admin added it. The group as it now stands."""
        chat = await self.workers.db(self.store.touch_chat, chat_id, kind, title)
        if not await self.workers.db(self.store.is_admin, by):
            log.info("added to group %d by non-admin user=%d", chat_id, by)
            return chat
        await self.workers.db(self.store.set_chat_allowed, chat_id, True, by=by)
        log.info("added to group %d by admin user=%d: allowed", chat_id, by)
        await self._audit(by, Action.ALLOW_GROUP, group_label(chat_id, chat), "bot added")
        return replace(chat, allowed=True)

    async def bot_removed(self, chat_id: int, kind: str, title: str, by: int) -> None:
        chat = await self.workers.db(self.store.touch_chat, chat_id, kind, title)
        await self.workers.db(self.store.set_chat_allowed, chat_id, False)
        log.info("removed from group %d by user=%d: disallowed", chat_id, by)
        if chat.allowed:
            await self._audit(by, Action.DISALLOW_GROUP, group_label(chat_id, chat), "bot removed")

    async def joined(self, chat_id: int, people: Sequence[Person]) -> None:
        """People joining an allowed group become group members (they may then ask in private too)."""
        chat = await self.workers.db(self.store.chat, chat_id)
        if chat is None or not chat.allowed:
            return
        for person in people:
            await self.workers.db(self.store.touch_user, person.user_id, person.first_name, person.username)
            await self.workers.db(self.store.record_group_member, chat_id, person.user_id)

    async def _audit(self, actor_id: int, action: Action, target: str, detail: str = "") -> None:
        await self.workers.db(self.store.audit, actor_id, action, target, detail)

    async def migrated(self, old_id: int, new_id: int) -> None:
        """A group upgraded to a supergroup gets a new id; its settings move with it."""
        await self.workers.db(self.store.migrate_chat, old_id, new_id)
        log.info("group %d migrated to %d", old_id, new_id)
