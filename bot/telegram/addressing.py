"""Whether a group message is addressed to the bot (a mention of it, or a reply to it), and the question in it.

In groups the bot reads every message but answers only these; :data:`ADDRESSED` lets the registration table
say so, so that other messages cost nothing.
"""

from __future__ import annotations

from telegram import Message, MessageEntity
from telegram.ext import filters


def addressed_question(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The question in a group message addressed to the bot (mention or reply), else None."""
    text = message.text or ""
    spans = [(entity.offset, entity.offset + entity.length) for entity, value in
             message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items()
             if _is_bot(entity, value, bot_username, bot_id)]
    replied = message.reply_to_message
    to_bot = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == bot_id
        and replied.forum_topic_created is None
    )
    if not spans and not to_bot:
        return None
    encoded = text.encode("utf-16-le")  # entity offsets are in UTF-16 units
    for start, end in sorted(spans, reverse=True):
        encoded = encoded[: start * 2] + " ".encode("utf-16-le") + encoded[end * 2:]
    return " ".join(encoded.decode("utf-16-le").split())


def _is_bot(entity: MessageEntity, value: str, bot_username: str, bot_id: int) -> bool:
    if entity.type == MessageEntity.MENTION:
        return value.lstrip("@").lower() == bot_username.lower()
    return entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id


class _Addressed(filters.MessageFilter):
    """Group messages that mention the bot or reply to it."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        return addressed_question(message, bot.username, bot.id) is not None


ADDRESSED = _Addressed(name="ADDRESSED")
