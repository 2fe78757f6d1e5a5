"""Who may do what, decided from the bot store (runs in the store's thread pool).

* Admins: the ids in ``Settings.admin_ids`` plus users granted ``admin``.
* Members: users who redeemed an invite code or were granted ``member``; they may ask in private chat.
* Allowed groups: anyone in the group may ask there (when addressing the bot). People the bot has seen in an
  allowed group (asking, or joining it) may also ask in private chat, for as long as the group stays allowed.
* ``revoked`` users get nothing, not even in allowed groups. Everyone else gets one short notice on how to
  get access per :class:`AccessNotices` interval, and nothing else.
* What a caller may read (:meth:`Caller.can_see`) and download (:meth:`Caller.may_download`) is decided here
  and nowhere else.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.i18n import DEFAULT_LANG, normalise_lang
from bot.store import BotStore, ChatRow, Role
from index.rows import DocumentRow

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
    #: The admins' /downloads switch (members may download originals when on).
    downloads_enabled: bool = False

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

    def can_see(self, document: DocumentRow) -> bool:
        """The document is in search (not removed) and within this chat's documents."""
        scope = self.scope
        return document.active_version is not None and (scope is None or document.id in scope)

    def may_download(self) -> bool:
        """The one download rule, for answers, /doc and the download button: admins always may download
        originals; everyone else who may ask, when downloads are on."""
        return self.may_ask and (self.is_admin or self.downloads_enabled)


def resolve_caller(
    store: BotStore, *, user_id: int, first_name: str, username: str | None, chat_id: int, chat_kind: str,
    chat_title: str = "", thread_id: int | None = None, language_code: str | None = None,
) -> Caller:
    """The caller behind an update. The interface language is the group's, or the user's own choice (/lang),
    else their Telegram app's language. People without access cost one or two reads (see ``touch_user``)."""
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
        return Caller(user_id, user.role, lang, chat_id, chat_kind, thread_id, chat, reason,
                      reason == "ok" and store.downloads_enabled)
    lang = user.lang or normalise_lang(language_code)
    if user.role in ("admin", "member"):
        reason = "ok"
    elif user.role == "revoked":
        reason = "revoked"
    else:
        reason = "ok" if store.has_group_access(user_id) else "unknown"
    return Caller(user_id, user.role, lang, chat_id, chat_kind, thread_id, None, reason,
                  reason == "ok" and store.downloads_enabled)


class AccessNotices:
    """Someone without access hears how to get it at most once per ``interval`` seconds, whatever they send
    (``/start`` and ``/help`` included); then the bot stays silent. Per person in private chats (remembered in
    the store, so across restarts), per group for groups that are not enabled."""

    def __init__(self, store: BotStore, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.store = store
        self.interval = interval
        self._clock = clock
        self._groups: dict[int, float] = {}
        self._lock = threading.Lock()

    def due(self, caller: Caller) -> bool:
        """True when the notice should be sent now (and remember that it was)."""
        if caller.reason != "group_not_allowed":
            return self.store.access_notice_due(caller.user_id, self.interval)
        return self._group_due(caller.chat_id)

    def _group_due(self, chat_id: int) -> bool:
        now = self._clock()
        with self._lock:
            last = self._groups.get(chat_id)
            if last is not None and now - last < self.interval:
                return False
            self._groups[chat_id] = now
            return True

    def forget_group(self, chat_id: int) -> None:
        """The group was enabled: should it be disabled again, the next message hears why at once."""
        with self._lock:
            self._groups.pop(chat_id, None)
