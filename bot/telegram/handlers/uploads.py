"""Admin uploads in Telegram: a file sent in private → "reading…" → preview with Confirm / Replace / Cancel →
progress → done. The state machine itself is :class:`bot.uploads.Uploads`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, CallbackQuery, Message
from telegram.ext import Application

from bot.i18n import DEFAULT_LANG
from bot.store import UploadRow
from bot.telegram.callbacks import Callback
from bot.telegram.keyboards import upload_keyboard
from bot.telegram.render import esc, preview_html, progress_html, th, upload_state_html
from bot.telegram.sending import edit_html
from bot.telegram.services import Services
from bot.telegram.turn import Turn, for_members
from bot.uploads import Cancelled, Expired, Failed, Fetch, Indexed, Preview, Refusal, upload_name

log = logging.getLogger("bot.telegram.uploads")

#: What a refused file gets (catalog key, quote the file?).
REFUSALS = {Refusal.NOT_ADMIN: ("tg.upload.not_admin", False), Refusal.UNSUPPORTED: ("error.unsupported", True),
            Refusal.TOO_LARGE: ("error.too_large", True)}
UNCLAIMED = {"not_admin": "tg.admin.only", "unknown": "tg.upload.unknown",
             "already_handled": "tg.upload.already_handled"}


@dataclass(frozen=True)
class IncomingFile:
    file_id: str
    name: str | None
    size: int | None


def incoming_file(message: Message | None) -> IncomingFile | None:
    """The document or (largest) photo of a message, named as it will be stored (None: unsupported type)."""
    if message is not None and message.document is not None:
        document = message.document
        return IncomingFile(document.file_id, upload_name(document.file_name, document.mime_type, "document"),
                            document.file_size)
    if message is not None and message.photo:
        photo = message.photo[-1]
        return IncomingFile(photo.file_id, f"photo-{photo.file_unique_id}.jpg", photo.file_size)
    return None


def downloader(bot: Bot, file_id: str) -> Fetch:
    async def fetch(target: Path) -> None:
        telegram_file = await bot.get_file(file_id)
        await telegram_file.download_to_drive(target)

    return fetch


@for_members
async def on_upload(turn: Turn) -> None:
    """A file or photo sent in private: admins get a preview to confirm; others hear who may add documents."""
    incoming, uploads = incoming_file(turn.message), turn.svc.uploads
    if incoming is None:
        return
    refusal = uploads.refusal(turn.caller, incoming.name, incoming.size)
    if refusal is not None or incoming.name is None:
        key, quote = REFUSALS[refusal or Refusal.UNSUPPORTED]
        await turn.reply(th(key, turn.lang, limit=uploads.limit_mb), quote=quote)
        return
    upload_id = await uploads.receive(turn.caller, incoming.name, incoming.size)
    status = (await turn.reply(th("tg.upload.reading", turn.lang, name=esc(incoming.name)), quote=True))[0]
    outcome = await uploads.read(upload_id, incoming.name, status.message_id,
                                 downloader(turn.context.bot, incoming.file_id))
    await show_upload(status, outcome, turn.lang, uploads.limit_mb)


async def on_upload_button(turn: Turn, callback: Callback, query: CallbackQuery) -> None:
    """✅ / 🔁 / ✖️ under a preview: index it (with progress) or cancel it."""
    message, uploads = query.message, turn.svc.uploads
    if not isinstance(message, Message):
        await query.answer()
        return
    claim = await uploads.claim(turn.caller, callback.int_arg(0), callback.arg(1))
    if isinstance(claim, str):
        await query.answer(th(UNCLAIMED[claim], turn.lang), show_alert=True)
        return
    await query.answer()
    outcome = claim if isinstance(claim, Cancelled) else \
        await uploads.index(claim, MessageProgress(message, claim.upload.source_name, turn.lang))
    await show_upload(message, outcome, turn.lang, uploads.limit_mb)


@dataclass(frozen=True)
class MessageProgress:
    """An ingest shown in the upload's status message."""

    message: Message
    name: str
    lang: str

    async def queued(self) -> None:
        await edit_html(self.message, th("tg.upload.queued", self.lang, name=esc(self.name)))

    async def progress(self, done: int, total: int) -> None:
        await edit_html(self.message, progress_html(self.name, done, total, self.lang))


async def show_upload(message: Message, outcome: Preview | Failed | Indexed | Expired | Cancelled, lang: str,
                      limit_mb: int) -> None:
    """The upload's status message edited to its new state (a preview gets its buttons)."""
    if isinstance(outcome, Preview):
        await edit_html(message, preview_html(outcome.upload_id, outcome.parsed, outcome.existing, lang),
                        upload_keyboard(outcome.upload_id, lang, exists=outcome.existing is not None))
    else:
        await edit_html(message, upload_state_html(outcome, lang, limit_mb))


async def tell_uploaders(application: Application, uploads: list[UploadRow], key: str) -> None:
    """Uploads that expired or were cut short by a restart: each admin's status message says so."""
    svc: Services = application.bot_data["services"]
    for upload in uploads:
        user = await svc.workers.db(svc.store.user, upload.user_id)
        html = th(key, (user.lang if user else None) or DEFAULT_LANG, name=esc(upload.source_name))
        try:
            if upload.message_id is not None:
                await application.bot.edit_message_text(html, upload.chat_id, upload.message_id, parse_mode="HTML")
            else:
                await application.bot.send_message(upload.chat_id, html, parse_mode="HTML")
        except Exception as error:  # noqa: BLE001 - the message may be gone; the state is already recorded
            log.warning("could not tell chat %d about upload %d: %s", upload.chat_id, upload.id,
                                    type(error).__name__)
