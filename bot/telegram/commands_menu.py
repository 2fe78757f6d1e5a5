"""The command menus published with setMyCommands: members, groups and (per chat) admins, in vi/zh/en."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
)
from telegram.error import TelegramError

from bot.i18n import DEFAULT_LANG, LANGUAGES, t

log = logging.getLogger(__name__)

MEMBER_COMMANDS = ("start", "help", "docs", "doc", "ask", "lang", "quiz", "stopquiz", "progress", "scores", "saved",
                   "contest")
GROUP_COMMANDS = ("ask", "docs", "doc", "help", "lang", "quiz", "stopquiz", "scores", "study", "endstudy", "daily")
ADMIN_ONLY_COMMANDS = (
    "invite", "users", "grant", "revoke", "remove", "history", "stats", "audit", "reindex", "downloads",
    "allowgroup", "disallowgroup", "groupdocs", "host", "questions", "question", "qenable", "qdisable", "export",
)
ADMIN_COMMANDS = MEMBER_COMMANDS + ADMIN_ONLY_COMMANDS


def commands(names: Iterable[str], lang: str) -> list[BotCommand]:
    return [BotCommand(name, t(f"tg.cmd.{name}", lang)) for name in names]


def _codes() -> list[tuple[str | None, str]]:
    """(language_code for Telegram, our language): the default list is Vietnamese."""
    return [(None, DEFAULT_LANG)] + [(code, code) for code in LANGUAGES]


async def publish_commands(bot: Bot, admin_ids: Iterable[int]) -> None:
    scopes: list[tuple[BotCommandScope, tuple[str, ...]]] = [
        (BotCommandScopeAllPrivateChats(), MEMBER_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    ]
    for scope, names in scopes:
        for code, lang in _codes():
            await bot.set_my_commands(commands(names, lang), scope=scope, language_code=code)
    for code, lang in _codes():
        await bot.set_my_commands(commands(MEMBER_COMMANDS, lang), language_code=code)
    for admin in admin_ids:
        await publish_admin_commands(bot, admin)


async def publish_admin_commands(bot: Bot, admin_id: int) -> None:
    """The admin menu in the admin's private chat (a chat scope takes precedence over the defaults)."""
    try:
        for code, lang in _codes():
            await bot.set_my_commands(commands(ADMIN_COMMANDS, lang), scope=BotCommandScopeChat(admin_id),
                                      language_code=code)
    except TelegramError as error:  # e.g. an admin who never opened a chat with the bot
        log.warning("admin commands not set for user %d: %s", admin_id, type(error).__name__)


async def withdraw_admin_commands(bot: Bot, admin_id: int) -> None:
    try:
        for code, _ in _codes():
            await bot.delete_my_commands(scope=BotCommandScopeChat(admin_id), language_code=code)
    except TelegramError as error:
        log.warning("admin commands not removed for user %d: %s", admin_id, type(error).__name__)
