"""The admins' audit log: who did what to whom or which document, and when — kept in ``bot.sqlite3`` next to the
rest of the bot's state, written by the Telegram bot and by the command line (actor ``cli``).

Entries name users by id, documents by number, groups by id and title, uploads by id and file name; never a
question or any document text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

#: Who acted: an admin in Telegram, the command line, or the bot's own schedule (daily backups).
Via = Literal["telegram", "cli", "schedule"]


class Action(StrEnum):
    GRANT = "grant"
    REVOKE = "revoke"
    INVITE = "invite"
    REMOVE = "remove"
    ALLOW_GROUP = "allow_group"
    DISALLOW_GROUP = "disallow_group"
    DOWNLOADS = "downloads"
    GROUP_DOCS = "groupdocs"
    UPLOAD_CONFIRMED = "upload_confirmed"
    UPLOAD_CANCELLED = "upload_cancelled"
    REINDEX = "reindex"
    INGEST = "ingest"
    QUIZ_IMPORT = "quiz_import"
    QUIZ_ENABLE = "quiz_enable"
    QUIZ_DISABLE = "quiz_disable"
    HOST = "host"
    DAILY = "daily"
    CONTEST_OPEN = "contest_open"
    CONTEST_CLOSE = "contest_close"
    EXPORT = "export"
    BACKUP = "backup"
    RESTORE = "restore"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    #: The Telegram user who acted; None for the command line.
    actor_id: int | None
    #: ``@username`` or first name of that user when the bot knows it.
    actor_name: str
    via: Via
    action: Action
    target: str
    detail: str

    @property
    def actor(self) -> str:
        if self.via == "schedule":
            return "schedule"
        if self.via == "cli" or self.actor_id is None:
            return "cli"
        return f"{self.actor_name} ({self.actor_id})" if self.actor_name else str(self.actor_id)
