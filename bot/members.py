"""What members do for themselves: redeem an invite, choose the interface language (their own, or a study
group's when they are an admin)."""

from __future__ import annotations

import logging

from bot.access import Caller
from bot.i18n import LANGUAGES
from bot.ratelimit import RateLimiter, Verdict
from bot.store import BotStore, RedeemResult
from bot.workers import Workers

log = logging.getLogger("bot.members")


class Members:
    def __init__(self, store: BotStore, workers: Workers, attempts: RateLimiter | None = None) -> None:
        self.store = store
        self.workers = workers
        #: Invite codes tried by people without access (a stranger flooding /start CODE gets silence).
        self.attempts = attempts or RateLimiter(3, 600.0)

    async def redeem(self, caller: Caller, code: str) -> RedeemResult | None:
        """Redeem an invite code; None when someone without access tried too many codes lately (ignored)."""
        if not caller.may_ask and self.attempts.check(caller.user_id) is not Verdict.ALLOW:
            log.info("invite attempt ignored user=%d", caller.user_id)
            return None
        result = await self.workers.db(self.store.redeem_invite, code, caller.user_id)
        log.info("invite redeemed user=%d result=%s", caller.user_id, result)
        return result

    async def set_language(self, caller: Caller, code: str) -> bool:
        """Store the language of the user (private chat) or of the group (admins only); False when not
        allowed. An explicit choice always wins over the Telegram app's language."""
        if code not in LANGUAGES:
            return False
        if caller.is_group:
            if not caller.is_admin:
                return False
            await self.workers.db(self.store.set_chat_lang, caller.chat_id, code)
        else:
            await self.workers.db(self.store.set_user_lang, caller.user_id, code)
        return True
