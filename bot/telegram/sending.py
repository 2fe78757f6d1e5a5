"""Sending and editing HTML messages (the keyboard under the last part, link previews off)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def send_html(bot: Bot, chat_id: int, messages: Sequence[str], *, thread_id: int | None = None,
                    reply_to: int | None = None, keyboard: InlineKeyboardMarkup | None = None) -> list[Message]:
    """Send ``messages`` in order (the keyboard goes under the last one; the first one quotes ``reply_to``)."""
    sent: list[Message] = []
    for index, text in enumerate(messages):
        quote = None
        if reply_to is not None and index == 0:
            quote = ReplyParameters(reply_to, allow_sending_without_reply=True)
        sent.append(await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, message_thread_id=thread_id, reply_parameters=quote,
            reply_markup=keyboard if index == len(messages) - 1 else None, link_preview_options=NO_PREVIEW,
        ))
    return sent


async def edit_html(message: Message, html: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Edit a message we sent; "message is not modified" is not an error."""
    try:
        await message.edit_text(html, parse_mode=ParseMode.HTML, reply_markup=keyboard,
                                link_preview_options=NO_PREVIEW)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
