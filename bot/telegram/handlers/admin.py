"""Admin commands: invites and roles, documents (remove, history, reindex), statistics, downloads, groups."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.i18n import t
from bot.render_text import document_label
from bot.telegram.access import Caller
from bot.telegram.commands_menu import publish_admin_commands, withdraw_admin_commands
from bot.telegram.handlers.common import caller_of, deny, edit_html, reply, require_admin
from bot.telegram.progress import ThrottledProgress
from bot.telegram.render import esc, history_messages, stats_messages, th, users_messages
from bot.telegram.services import services
from index.rows import DocumentRow

log = logging.getLogger("bot.telegram.admin")

MAX_INVITE_USES = 1000
MAX_INVITE_DAYS = 365


def _int_arg(args: list[str], index: int, default: int, low: int, high: int) -> int | None:
    if len(args) <= index:
        return default
    try:
        value = int(args[index])
    except ValueError:
        return None
    return value if low <= value <= high else None


async def cmd_invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/invite [uses] [days]: a code and a t.me link; one use and 7 days by default."""
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    args = context.args or []
    uses = _int_arg(args, 0, 1, 1, MAX_INVITE_USES)
    days = _int_arg(args, 1, 7, 1, MAX_INVITE_DAYS)
    if uses is None or days is None:
        await reply(update, context, caller, th("tg.invite.usage", caller.lang))
        return
    invite = await svc.workers.db(svc.store.create_invite, caller.user_id, uses=uses, ttl=timedelta(days=days))
    link = f"https://t.me/{svc.bot_username}?start={invite.code}"
    log.info("invite created by user=%d uses=%d days=%d", caller.user_id, uses, days)
    await reply(update, context, caller, th("tg.invite.created", caller.lang, code=f"<code>{invite.code}</code>",
                                            link=esc(link), uses=uses, days=days))


async def cmd_users(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    users = await svc.workers.db(svc.store.users)
    await reply(update, context, caller, users_messages(users, caller.lang))


async def cmd_grant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/grant USER [member|admin] — USER is a numeric id or @username the bot has seen."""
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    args = context.args or []
    role = args[1].lower() if len(args) > 1 else "member"
    if not args or role not in ("member", "admin"):
        await reply(update, context, caller, th("tg.grant.usage", caller.lang))
        return
    target = await svc.workers.db(svc.store.find_user, args[0])
    if target is None and args[0].lstrip("-").isdigit():
        target_id = int(args[0])
    elif target is None:
        await reply(update, context, caller, th("tg.user.not_found", caller.lang, user=esc(args[0])))
        return
    else:
        target_id = target.id
    await svc.workers.db(svc.store.set_role, target_id, role, by=caller.user_id)
    log.info("role %s granted to user=%d by user=%d", role, target_id, caller.user_id)
    if role == "admin":
        await publish_admin_commands(context.bot, target_id)
    await reply(update, context, caller, th("tg.grant.done", caller.lang, user=esc(args[0]),
                                            role=esc(t(f"tg.role.{role}", caller.lang))))


async def cmd_revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    args = context.args or []
    if not args:
        await reply(update, context, caller, th("tg.revoke.usage", caller.lang))
        return
    target = await svc.workers.db(svc.store.find_user, args[0])
    if target is None:
        await reply(update, context, caller, th("tg.user.not_found", caller.lang, user=esc(args[0])))
        return
    if target.id in svc.store.config_admins:
        await reply(update, context, caller, th("tg.revoke.config_admin", caller.lang))
        return
    was_admin = target.role == "admin"
    await svc.workers.db(svc.store.set_role, target.id, "revoked")
    log.info("access revoked for user=%d by user=%d", target.id, caller.user_id)
    if was_admin:
        await withdraw_admin_commands(context.bot, target.id)
    await reply(update, context, caller, th("tg.revoke.done", caller.lang, user=esc(args[0])))


async def document_argument(
    update: Update, context: ContextTypes.DEFAULT_TYPE, caller: Caller, usage_key: str, *,
    include_removed: bool = False,
) -> DocumentRow | None:
    """The document a command names (``/remove 57-NQ/TW``); replies with usage or "not found" otherwise."""
    svc = services(context)
    number = " ".join(context.args or []).strip()
    if not number:
        await reply(update, context, caller, th(usage_key, caller.lang))
        return None
    document = await svc.workers.ask(svc.engine.resolve, number, include_removed=include_removed)
    if document is None:
        await reply(update, context, caller, th("docs.not_found", caller.lang, number=esc(number)))
    return document


async def cmd_remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    document = await document_argument(update, context, caller, "tg.remove.usage")
    if document is None:
        return
    await svc.workers.index(svc.engine.remove, document.id)
    log.info("document %d removed by user=%d", document.id, caller.user_id)
    await reply(update, context, caller, th("docs.removed", caller.lang, number=esc(document.label)))


async def cmd_history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    document = await document_argument(update, context, caller, "tg.history.usage", include_removed=True)
    if document is None:
        return
    versions = await svc.workers.ask(svc.engine.versions, document.id)
    await reply(update, context, caller, history_messages(document, versions, caller.lang, svc.settings.zone))


async def cmd_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    report = await svc.workers.db(svc.store.stats)
    index_stats = await svc.workers.ask(svc.engine.stats)
    await reply(update, context, caller, stats_messages(report, index_stats, caller.lang))


async def cmd_reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    status: Message = (await reply(update, context, caller, th("tg.reindex.started", caller.lang)))[0]
    progress = ThrottledProgress(asyncio.get_running_loop(), interval=svc.config.progress_interval,
                                 step=svc.config.progress_step)

    async def show(done: int, total: int) -> None:
        await edit_html(status, th("tg.reindex.progress", caller.lang, done=done, total=total,
                                   percent=int(100 * done / total) if total else 0))

    task = asyncio.ensure_future(svc.workers.index(svc.engine.reindex, progress))
    await progress.follow(task, show)
    try:
        count = task.result()
    except Exception:
        log.exception("reindex failed; the index is unchanged")
        await edit_html(status, th("tg.reindex.failed", caller.lang))
        return
    log.info("reindex done by user=%d chunks=%d", caller.user_id, count)
    await edit_html(status, th("reindex.done", caller.lang, chunks=count))


async def cmd_downloads(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/downloads on|off: may members download the original files?"""
    caller = await require_admin(update, context)
    if caller is None:
        return
    svc = services(context)
    arg = (context.args[0].lower() if context.args else "")
    if arg in ("on", "off"):
        await svc.workers.db(svc.store.set_downloads, arg == "on")
        log.info("downloads %s by user=%d", arg, caller.user_id)
    enabled = await svc.workers.db(lambda: svc.store.downloads_enabled)
    await reply(update, context, caller, th("tg.downloads.on" if enabled else "tg.downloads.off", caller.lang))


async def cmd_allowgroup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await caller_of(update, context)
    if caller is None:
        return
    if not caller.is_admin:  # quietly ignored in groups for members; the access notice for others
        if not caller.is_group:
            await (reply(update, context, caller, th("tg.admin.only", caller.lang)) if caller.may_ask
                   else deny(update, context, caller))
        return
    if not caller.is_group:
        await reply(update, context, caller, th("tg.group.run_in_group", caller.lang))
        return
    svc = services(context)
    await svc.workers.db(svc.store.set_chat_allowed, caller.chat_id, True, by=caller.user_id)
    svc.group_notices.pop(caller.chat_id, None)
    log.info("group %d allowed by user=%d", caller.chat_id, caller.user_id)
    await reply(update, context, caller, th("tg.group.allowed", caller.lang, bot=esc(svc.bot_username)))


async def cmd_disallowgroup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await caller_of(update, context)
    if caller is None or not caller.is_admin:
        return
    if not caller.is_group:
        await reply(update, context, caller, th("tg.group.run_in_group", caller.lang))
        return
    svc = services(context)
    await svc.workers.db(svc.store.set_chat_allowed, caller.chat_id, False, by=caller.user_id)
    log.info("group %d disallowed by user=%d", caller.chat_id, caller.user_id)
    await reply(update, context, caller, th("tg.group.disallowed", caller.lang))


async def cmd_groupdocs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/groupdocs NUMBER… | all — restrict a study group's questions to some documents (or show them)."""
    caller = await caller_of(update, context)
    if caller is None or not caller.is_admin:
        return
    if not caller.is_group:
        await reply(update, context, caller, th("tg.group.run_in_group", caller.lang))
        return
    svc = services(context)
    args = context.args or []
    if args and args[0].lower() in ("all", "tatca", "tất"):
        await svc.workers.db(svc.store.set_chat_documents, caller.chat_id, None)
        await reply(update, context, caller, th("tg.groupdocs.all", caller.lang))
        return
    if args:
        ids: list[int] = []
        missing: list[str] = []
        for number in args:
            document = await svc.workers.ask(svc.engine.resolve, number)
            if document is None:
                missing.append(number)
            elif document.id not in ids:
                ids.append(document.id)
        if missing or not ids:
            await reply(update, context, caller, th("tg.groupdocs.missing", caller.lang,
                                                    numbers=esc(", ".join(missing) or " ".join(args))))
            return
        await svc.workers.db(svc.store.set_chat_documents, caller.chat_id, ids)
        log.info("group %d restricted to %d documents by user=%d", caller.chat_id, len(ids), caller.user_id)
        scope: list[int] | None = ids
    else:
        chat = await svc.workers.db(svc.store.chat, caller.chat_id)
        scope = list(chat.documents) if chat and chat.documents is not None else None
    if scope is None:
        await reply(update, context, caller, th("tg.groupdocs.all", caller.lang))
        return
    rows = [await svc.workers.ask(svc.engine.document, i) for i in scope]
    names = "\n".join(f"• {esc(document_label(r.number, r.doc_type, r.title))}" for r in rows if r is not None)
    await reply(update, context, caller, th("tg.groupdocs.set", caller.lang) + "\n" + names)
