"""Who may do what, decided from the bot store (runs in the store's thread pool).

* Admins: the ids in ``Settings.admin_ids`` plus users granted ``admin``.
* Members: users who redeemed an invite code or were granted ``member``; they may ask in private chat.
* Allowed groups: anyone in the group may ask there (when addressing the bot). People the bot has seen in an
  allowed group (asking, or joining it) may also ask in private chat, for as long as the group stays allowed.
* ``revoked`` users get nothing, not even in allowed groups. Everyone else gets one short notice on how to
  get access, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.i18n import DEFAULT_LANG
from bot.store import BotStore, ChatRow, Role

Reason = Literal["ok", "unknown", "revoked", "group_not_allowed"]
GROUP_KINDS = ("group", "supergroup")


@dataclass(frozen=True)
class Caller:
    user_id: int
    role: Role
    lang: str
    chat_id: int
    chat_kind: str
    thread_id: int | None
    chat: ChatRow | None
    reason: Reason

    @property
    def may_ask(self) -> bool:
        return self.reason == "ok"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_group(self) -> bool:
        return self.chat_kind in GROUP_KINDS

    @property
    def scope(self) -> list[int] | None:
        """Documents questions in this chat are restricted to (None = all)."""
        if self.chat is None or self.chat.documents is None:
            return None
        return list(self.chat.documents)


def resolve_caller(
    store: BotStore, *, user_id: int, first_name: str, username: str | None, chat_id: int, chat_kind: str,
    chat_title: str = "", thread_id: int | None = None,
) -> Caller:
    user = store.touch_user(user_id, first_name, username)
    if chat_kind in GROUP_KINDS:
        chat = store.touch_chat(chat_id, chat_kind, chat_title)
        lang = chat.lang or DEFAULT_LANG
        if user.role == "revoked":
            reason: Reason = "revoked"
        elif not chat.allowed:
            reason = "group_not_allowed"
        else:
            reason = "ok"
            store.record_group_member(chat_id, user_id)
        return Caller(user_id, user.role, lang, chat_id, chat_kind, thread_id, chat, reason)
    lang = user.lang or DEFAULT_LANG
    if user.role in ("admin", "member"):
        reason = "ok"
    elif user.role == "revoked":
        reason = "revoked"
    else:
        reason = "ok" if store.has_group_access(user_id) else "unknown"
    return Caller(user_id, user.role, lang, chat_id, chat_kind, thread_id, None, reason)
