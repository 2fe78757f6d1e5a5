"""Member commands: /start (and invite codes), /help, /lang, /docs, /doc; other private messages."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.access import Caller
from bot.i18n import LANGUAGES
from bot.library import Library
from bot.store import RedeemResult
from bot.study.commands import contest_link
from bot.telegram.handlers.contests import take as take_contest
from bot.telegram.keyboards import document_keyboard, documents_keyboard, language_keyboard
from bot.telegram.render import (
    DocFilter,
    document_card_messages,
    documents_page,
    esc,
    lang_name,
    parse_doc_filter,
    th,
    type_code,
)
from bot.telegram.turn import Turn, for_anyone, for_members


def help_html(turn: Turn) -> str:
    caller = turn.caller
    parts = [th("tg.help.group" if caller.is_group else "tg.help.private", caller.lang,
                bot=esc(turn.svc.bot_username))]
    if caller.is_admin:
        parts.append(th("tg.help.admin", caller.lang, limit=turn.svc.uploads.limit_mb))
    return "\n\n".join(parts)


def welcome_html(turn: Turn) -> str:
    user = turn.update.effective_user
    return th("tg.start.welcome", turn.lang, name=esc(user.first_name if user else "")) + "\n\n" + help_html(turn)


@for_anyone
async def cmd_start(turn: Turn) -> None:
    """/start [CODE]: redeems an invite code; a welcome and how to ask (the access notice for others)."""
    code = turn.args[0] if turn.args and not turn.caller.is_group else ""
    contest_id = contest_link(code)
    if contest_id is not None and turn.caller.may_ask:  # t.me/<bot>?start=contest12: take the contest
        await take_contest(turn, contest_id)
        return
    result = await turn.svc.members.redeem(turn.caller, code) if code else "already"
    if result is not None:  # None: someone without access who tried too many codes lately
        await greet(turn, result)


async def greet(turn: Turn, result: RedeemResult) -> None:
    """After /start: the code accepted (and how to ask), or refused; the welcome; the access notice."""
    if result == "ok":
        turn = await turn.refreshed()
        await turn.reply(th("tg.invite.accepted", turn.lang) + "\n\n" + help_html(turn))
    elif result != "already":
        await turn.say(f"tg.invite.{result}")
    elif turn.caller.may_ask:
        await turn.reply(welcome_html(turn))
    else:
        await turn.deny()


@for_anyone
async def cmd_help(turn: Turn) -> None:
    """/help: how to ask and the commands (admins see theirs too); the access notice for others."""
    if turn.caller.may_ask:
        await turn.reply(help_html(turn))
    else:
        await turn.deny()


@for_members
async def cmd_lang(turn: Turn) -> None:
    """/lang [vi|zh|en]: sets the interface language (a group's: admins only), or offers the choice."""
    code = (turn.args[0].lower() if turn.args else "")[:2]
    if code not in LANGUAGES:
        await turn.reply(th("tg.lang.choose", turn.lang), keyboard=language_keyboard())
    elif not await turn.svc.members.set_language(turn.caller, code):
        await turn.say("tg.lang.group_admin_only")
    else:
        await turn.reply(th("tg.lang.group_set" if turn.caller.is_group else "tg.lang.set", code,
                            language=esc(lang_name(code))))


def docs_view(library: Library, caller: Caller, page: int, flt: DocFilter) -> tuple[str, InlineKeyboardMarkup | None]:
    """One page of the documents the caller may see, with page and type buttons (blocking: run in a worker)."""
    rows = library.visible(caller)
    html, shown, pages = documents_page(rows, page, flt, caller.lang)
    codes = sorted({type_code(r.doc_type) for r in rows if r.doc_type})
    return html, documents_keyboard(shown, pages, flt, codes, caller.lang)


@for_members
async def cmd_docs(turn: Turn) -> None:
    """/docs [TYPE] [YEAR]: the documents this chat may ask about, a page at a time."""
    html, keyboard = await turn.svc.workers.ask(docs_view, turn.svc.library, turn.caller, 0,
                                                parse_doc_filter(turn.args))
    await turn.reply(html, keyboard=keyboard)


@for_members
async def cmd_doc(turn: Turn) -> None:
    """/doc NUMBER: a document's details, version and outline, with outline (and download) buttons."""
    number = " ".join(turn.args).strip()
    if not number:
        await turn.say("tg.doc.usage")
        return
    card = await turn.svc.library.card(turn.caller, number)
    if card is None:
        await turn.say("docs.not_found", number=esc(number))
        return
    await turn.reply(document_card_messages(card.document, card.versions, card.sections, turn.svc.settings.zone,
                                            turn.lang, relations=card.relations),
                     keyboard=document_keyboard(card.document.id, turn.lang, downloads=card.downloadable))


@for_members
async def on_private_other(turn: Turn) -> None:
    """Stickers, voice, locations…: says the bot only answers typed questions."""
    await turn.say("tg.only_text")


@for_anyone
async def on_unknown_command(turn: Turn) -> None:
    """Any other /command: pointed to /help in private; ignored in groups."""
    if turn.caller.is_group:
        return
    if turn.caller.may_ask:
        await turn.say("tg.unknown_command")
    else:
        await turn.deny()
