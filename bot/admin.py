"""What admins do besides uploads and group settings: invites, roles, removing documents, the download switch,
rebuilding the index, reading the audit log. Every change is recorded in the audit log."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from bot.access import Caller
from bot.audit import Action, AuditEntry
from bot.progress import ThrottledProgress
from bot.store import BotStore, Invite, Role, parse_id
from bot.workers import Workers
from index.engine import Engine
from index.rows import DocumentRow

log = logging.getLogger("bot.admin")

MAX_INVITE_USES = 1000
MAX_INVITE_DAYS = 365
MAX_AUDIT_ENTRIES = 200

Show = Callable[[int, int], Awaitable[None]]


@dataclass(frozen=True)
class Revoked:
    user_id: int
    was_admin: bool


NotRevoked = Literal["not_found", "config_admin"]


class Admin:
    def __init__(self, engine: Engine, store: BotStore, workers: Workers, *, progress_interval: float = 1.5,
                 progress_step: int = 25) -> None:
        self.engine = engine
        self.store = store
        self.workers = workers
        self.progress_interval = progress_interval
        self.progress_step = progress_step

    async def invite(self, caller: Caller, *, uses: int, days: int) -> Invite:
        invite = await self.workers.db(self.store.create_invite, caller.user_id, uses=uses, ttl=timedelta(days=days))
        log.info("invite created by user=%d uses=%d days=%d", caller.user_id, uses, days)
        await self._audit(caller, Action.INVITE, invite.code, f"uses={uses} days={days}")
        return invite

    async def grant(self, caller: Caller, who: str, role: Role) -> int | None:
        """Give ``who`` (a user the bot has seen, by id or @username; or any numeric id, for people who have
        not written to the bot yet) the role; the user id, or None when ``who`` is unknown."""
        target = await self.workers.db(self.store.find_user, who)
        user_id = target.id if target is not None else parse_id(who)
        if user_id is None:
            return None
        await self.workers.db(self.store.set_role, user_id, role, by=caller.user_id)
        log.info("role %s granted to user=%d by user=%d", role, user_id, caller.user_id)
        await self._audit(caller, Action.GRANT, user_label(who, user_id), role)
        return user_id

    async def revoke(self, caller: Caller, who: str) -> Revoked | NotRevoked:
        target = await self.workers.db(self.store.find_user, who)
        if target is None:
            return "not_found"
        if target.id in self.store.config_admins:
            return "config_admin"
        await self.workers.db(self.store.set_role, target.id, "revoked")
        log.info("access revoked for user=%d by user=%d", target.id, caller.user_id)
        await self._audit(caller, Action.REVOKE, user_label(who, target.id), target.role)
        return Revoked(target.id, target.role == "admin")

    async def remove(self, caller: Caller, document: DocumentRow) -> None:
        await self.workers.index(self.engine.remove, document.id)
        log.info("document %d removed by user=%d", document.id, caller.user_id)
        await self._audit(caller, Action.REMOVE, document.label, f"#{document.id}")

    async def downloads(self) -> bool:
        return await self.workers.db(lambda: self.store.downloads_enabled)

    async def set_downloads(self, caller: Caller, enabled: bool) -> None:
        await self.workers.db(self.store.set_downloads, enabled)
        log.info("downloads %s by user=%d", "on" if enabled else "off", caller.user_id)
        await self._audit(caller, Action.DOWNLOADS, "on" if enabled else "off")

    async def reindex(self, caller: Caller, show: Show) -> int | None:
        """Re-embed every passage, showing progress; the passage count, or None when it failed (the previous
        index stays in use)."""
        progress = ThrottledProgress(asyncio.get_running_loop(), interval=self.progress_interval,
                                     step=self.progress_step)
        task = asyncio.ensure_future(self.workers.index(self.engine.reindex, progress))
        await progress.follow(task, show)
        try:
            count = task.result()
        except Exception:
            log.exception("reindex failed; the index is unchanged")
            await self._audit(caller, Action.REINDEX, detail="failed")
            return None
        log.info("reindex done by user=%d chunks=%d", caller.user_id, count)
        await self._audit(caller, Action.REINDEX, detail=str(count))
        return count

    async def _audit(self, caller: Caller, action: Action, target: str = "", detail: str = "") -> None:
        await self.workers.db(self.store.audit, caller.user_id, action, target, detail)

    async def audit_log(self, limit: int) -> list[AuditEntry]:
        return await self.workers.db(self.store.audit_log, limit)


def user_label(typed: str, user_id: int) -> str:
    """How the audit log names a user an admin typed: ``@thu_cb (778)``, or just the id."""
    typed = typed.strip()
    return f"{typed} ({user_id})" if typed != str(user_id) else typed
