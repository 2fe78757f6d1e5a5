"""Member commands: /start (and invite codes), /help, /lang, /docs, /doc; other private messages."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import LANGUAGES, t
from bot.telegram.access import Caller
from bot.telegram.handlers.common import caller_of, deny, member_caller, reply
from bot.telegram.keyboards import document_keyboard, documents_keyboard, language_keyboard
from bot.telegram.render import (
    DocFilter,
    document_card_messages,
    documents_page,
    esc,
    parse_doc_filter,
    th,
    type_code,
)
from bot.telegram.services import Services, services
from index.rows import DocumentRow

log = logging.getLogger("bot.telegram.members")


def help_html(caller: Caller, username: str) -> str:
    parts = [th("tg.help.group" if caller.is_group else "tg.help.private", caller.lang, bot=esc(username))]
    if caller.is_admin:
        parts.append(th("tg.help.admin", caller.lang))
    return "\n\n".join(parts)


async def cmd_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await caller_of(update, context)
    if caller is None:
        return
    svc = services(context)
    code = context.args[0] if context.args else ""
    if code and not caller.is_group:
        result = await svc.workers.db(svc.store.redeem_invite, code, caller.user_id)
        log.info("invite redeemed user=%d result=%s", caller.user_id, result)
        if result == "ok":
            caller = await caller_of(update, context) or caller
            await reply(update, context, caller,
                        th("tg.invite.accepted", caller.lang) + "\n\n" + help_html(caller, svc.bot_username))
            return
        if result != "already":
            await reply(update, context, caller, th(f"tg.invite.{result}", caller.lang))
            return
    if not caller.may_ask:
        await deny(update, context, caller, always=True)
        return
    name = esc(update.effective_user.first_name if update.effective_user else "")
    await reply(update, context, caller,
                th("tg.start.welcome", caller.lang, name=name) + "\n\n" + help_html(caller, svc.bot_username))


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await caller_of(update, context)
    if caller is None:
        return
    if not caller.may_ask:
        await deny(update, context, caller, always=not caller.is_group)
        return
    await reply(update, context, caller, help_html(caller, services(context).bot_username))


async def set_language(svc: Services, caller: Caller, code: str) -> bool:
    """Store the language of the user (private) or the group; False when not allowed."""
    if caller.is_group:
        if not caller.is_admin:
            return False
        await svc.workers.db(svc.store.set_chat_lang, caller.chat_id, code)
    else:
        await svc.workers.db(svc.store.set_user_lang, caller.user_id, code)
    return True


async def cmd_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await member_caller(update, context)
    if caller is None:
        return
    svc = services(context)
    code = (context.args[0].lower() if context.args else "")[:2]
    if code not in LANGUAGES:
        await reply(update, context, caller, th("tg.lang.choose", caller.lang), keyboard=language_keyboard())
        return
    if not await set_language(svc, caller, code):
        await reply(update, context, caller, th("tg.lang.group_admin_only", caller.lang))
        return
    key = "tg.lang.group_set" if caller.is_group else "tg.lang.set"
    await reply(update, context, caller, th(key, code, language=esc(t(f"tg.lang.name.{code}", code))))


def visible_documents(svc: Services, caller: Caller) -> list[DocumentRow]:
    rows = svc.engine.documents()
    scope = caller.scope
    return rows if scope is None else [r for r in rows if r.id in scope]


def docs_view(svc: Services, caller: Caller, page: int, flt: DocFilter) -> tuple[str, object]:
    rows = visible_documents(svc, caller)
    html, shown, pages = documents_page(rows, page, flt, caller.lang)
    codes = sorted({type_code(r.doc_type) for r in rows if r.doc_type})
    return html, documents_keyboard(shown, pages, flt, codes, caller.lang)


async def cmd_docs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await member_caller(update, context)
    if caller is None:
        return
    svc = services(context)
    flt = parse_doc_filter(context.args or [])
    html, keyboard = await svc.workers.ask(docs_view, svc, caller, 0, flt)
    await reply(update, context, caller, html, keyboard=keyboard)  # type: ignore[arg-type]


async def cmd_doc(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await member_caller(update, context)
    if caller is None:
        return
    svc = services(context)
    number = " ".join(context.args or []).strip()
    if not number:
        await reply(update, context, caller, th("tg.doc.usage", caller.lang))
        return
    document = await svc.workers.ask(svc.engine.resolve, number)
    scope = caller.scope
    if document is None or (scope is not None and document.id not in scope):
        await reply(update, context, caller, th("docs.not_found", caller.lang, number=esc(number)))
        return
    versions = await svc.workers.ask(svc.engine.versions, document.id)
    sections = await svc.workers.ask(svc.engine.outline, document.id)
    downloads = caller.is_admin or await svc.workers.db(lambda: svc.store.downloads_enabled)
    card = document_card_messages(document, versions, sections, svc.settings.zone, caller.lang)
    keyboard = document_keyboard(document.id, caller.lang, downloads=downloads)
    await reply(update, context, caller, card, keyboard=keyboard)


async def on_private_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice, photos from members…: say what the bot understands."""
    caller = await member_caller(update, context)
    if caller is None:
        return
    await reply(update, context, caller, th("tg.only_text", caller.lang))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    caller = await caller_of(update, context)
    if caller is None:
        return
    if not caller.may_ask:
        if not caller.is_group:
            await deny(update, context, caller)
        return
    if not caller.is_group:
        await reply(update, context, caller, th("tg.unknown_command", caller.lang))
