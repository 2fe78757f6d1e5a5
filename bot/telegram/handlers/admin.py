"""Admin commands: invites and roles, documents (remove, history, reindex), statistics, downloads, groups."""

from __future__ import annotations

from bot.admin import MAX_AUDIT_ENTRIES, MAX_INVITE_DAYS, MAX_INVITE_USES
from bot.groups import Missing
from bot.i18n import t
from bot.render_text import document_label
from bot.store import Role
from bot.telegram.commands_menu import publish_admin_commands, withdraw_admin_commands
from bot.telegram.render import audit_messages, esc, history_messages, stats_messages, th, users_messages
from bot.telegram.sending import edit_html
from bot.telegram.turn import Turn, for_admins, for_group_admins
from index.rows import DocumentRow


def int_arg(args: list[str], index: int, default: int, low: int, high: int) -> int | None:
    """The ``index``-th argument as a number in ``low..high`` (``default`` when absent), else None."""
    if len(args) <= index:
        return default
    text = args[index]
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 6 else None
    return value if value is not None and low <= value <= high else None


def role_arg(args: list[str]) -> Role | None:
    """``/grant USER [member|admin]``: the role asked for (member by default), else None."""
    word = args[1].lower() if len(args) > 1 else "member"
    return "admin" if word == "admin" else "member" if word == "member" else None


async def document_argument(turn: Turn, usage_key: str, *, include_removed: bool = False) -> DocumentRow | None:
    """The document a command names (``/remove 57-NQ/TW``); replies with usage or "not found" otherwise."""
    number = " ".join(turn.args).strip()
    if not number:
        await turn.say(usage_key)
        return None
    document = await turn.svc.workers.ask(turn.svc.engine.resolve, number, include_removed=include_removed)
    if document is None:
        await turn.say("docs.not_found", number=esc(number))
    return document


@for_admins
async def cmd_invite(turn: Turn) -> None:
    """/invite [USES] [DAYS]: an invite code and t.me link (one use, valid 7 days, by default)."""
    uses, days = int_arg(turn.args, 0, 1, 1, MAX_INVITE_USES), int_arg(turn.args, 1, 7, 1, MAX_INVITE_DAYS)
    if uses is None or days is None:
        await turn.say("tg.invite.usage")
        return
    invite = await turn.svc.admin.invite(turn.caller, uses=uses, days=days)
    link = f"https://t.me/{turn.svc.bot_username}?start={invite.code}"
    await turn.say("tg.invite.created", code=f"<code>{invite.code}</code>", link=esc(link), uses=uses, days=days)


@for_admins
async def cmd_users(turn: Turn) -> None:
    """/users: everyone with a role (admins, members, revoked)."""
    await turn.reply(users_messages(await turn.svc.workers.db(turn.svc.store.users), turn.lang))


@for_admins
async def cmd_grant(turn: Turn) -> None:
    """/grant USER [member|admin]: gives access (USER: a numeric id, or the @username of someone the bot saw)."""
    role = role_arg(turn.args)
    if not turn.args or role is None:
        await turn.say("tg.grant.usage")
        return
    user_id = await turn.svc.admin.grant(turn.caller, turn.args[0], role)
    if user_id is None:
        await turn.say("tg.user.not_found", user=esc(turn.args[0]))
        return
    if role == "admin":
        await publish_admin_commands(turn.context.bot, user_id)
    await turn.say("tg.grant.done", user=esc(turn.args[0]), role=esc(t(f"tg.role.{role}", turn.lang)))


@for_admins
async def cmd_revoke(turn: Turn) -> None:
    """/revoke USER: takes access away (not from admins listed in the server settings)."""
    if not turn.args:
        await turn.say("tg.revoke.usage")
        return
    result = await turn.svc.admin.revoke(turn.caller, turn.args[0])
    if result == "not_found":
        await turn.say("tg.user.not_found", user=esc(turn.args[0]))
    elif result == "config_admin":
        await turn.say("tg.revoke.config_admin")
    else:
        if result.was_admin:
            await withdraw_admin_commands(turn.context.bot, result.user_id)
        await turn.say("tg.revoke.done", user=esc(turn.args[0]))


@for_admins
async def cmd_remove(turn: Turn) -> None:
    """/remove NUMBER: takes a document out of search (its version history is kept)."""
    document = await document_argument(turn, "tg.remove.usage")
    if document is not None:
        await turn.svc.admin.remove(turn.caller, document)
        await turn.say("docs.removed", number=esc(document.label))


@for_admins
async def cmd_history(turn: Turn) -> None:
    """/history NUMBER: every version of a document, removed ones included."""
    document = await document_argument(turn, "tg.history.usage", include_removed=True)
    if document is not None:
        versions = await turn.svc.workers.ask(turn.svc.engine.versions, document.id)
        await turn.reply(history_messages(document, versions, turn.lang, turn.svc.settings.zone))


@for_admins
async def cmd_stats(turn: Turn) -> None:
    """/stats: questions per day, not-found rate, feedback, people, the library's size."""
    report = await turn.svc.workers.db(turn.svc.store.stats)
    index_stats = await turn.svc.workers.ask(turn.svc.engine.stats)
    await turn.reply(stats_messages(report, index_stats, turn.lang))


@for_admins
async def cmd_audit(turn: Turn) -> None:
    """/audit [N]: the last N admin actions (20 by default), newest first."""
    limit = int_arg(turn.args, 0, 20, 1, MAX_AUDIT_ENTRIES)
    if limit is None:
        await turn.say("tg.audit.usage")
        return
    entries = await turn.svc.admin.audit_log(limit)
    await turn.reply(audit_messages(entries, turn.lang, turn.svc.settings.zone))


@for_admins
async def cmd_reindex(turn: Turn) -> None:
    """/reindex: re-embeds every passage, with a progress message."""
    status = await turn.say("tg.reindex.started")

    async def show(done: int, total: int) -> None:
        await edit_html(status, th("tg.reindex.progress", turn.lang, done=done, total=total,
                                   percent=int(100 * done / total) if total else 0))

    count = await turn.svc.admin.reindex(turn.caller, show)
    await edit_html(status, th("tg.reindex.failed", turn.lang) if count is None
                    else th("reindex.done", turn.lang, chunks=count))


@for_admins
async def cmd_downloads(turn: Turn) -> None:
    """/downloads [on|off]: may members download original files? (shows the setting without an argument)"""
    choice = turn.args[0].lower() if turn.args else ""
    if choice in ("on", "off"):
        await turn.svc.admin.set_downloads(turn.caller, choice == "on")
    enabled = await turn.svc.admin.downloads()
    await turn.say("tg.downloads.on" if enabled else "tg.downloads.off")


@for_group_admins
async def cmd_allowgroup(turn: Turn) -> None:
    """/allowgroup (in a group): everyone in the group may ask the bot there."""
    await turn.svc.groups.allow(turn.caller)
    await turn.say("tg.group.allowed", bot=esc(turn.svc.bot_username))


@for_group_admins
async def cmd_disallowgroup(turn: Turn) -> None:
    """/disallowgroup (in a group): the bot stops answering there."""
    await turn.svc.groups.disallow(turn.caller)
    await turn.say("tg.group.disallowed")


@for_group_admins
async def cmd_groupdocs(turn: Turn) -> None:
    """/groupdocs [NUMBER…|all] (in a group): restricts the group's questions to some documents, or shows them."""
    groups = turn.svc.groups
    scope = await (groups.set_documents(turn.caller, turn.args) if turn.args else groups.documents(turn.caller))
    if isinstance(scope, Missing):
        await turn.say("tg.groupdocs.missing", numbers=esc(", ".join(scope.numbers)))
    elif scope is None:
        await turn.say("tg.groupdocs.all")
    else:
        names = "\n".join(f"• {esc(document_label(r.number, r.doc_type, r.title))}" for r in scope)
        await turn.reply(th("tg.groupdocs.set", turn.lang) + "\n" + names)
