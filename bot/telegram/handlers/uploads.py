"""Admin uploads: download → parse → preview with Confirm / Replace / Cancel → index with progress.

The downloaded file lives in ``uploads/<id>/`` and the upload's state in the bot store, so a pending preview
survives a restart (the file is parsed again on confirm). Previews expire after ``BotConfig.upload_ttl``.
Ingests run one at a time in the ingest pool; a failure leaves the index as it was.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import time
from pathlib import Path

from telegram import CallbackQuery, Message, Update
from telegram.ext import Application, ContextTypes

from bot.telegram.callbacks import Callback
from bot.telegram.handlers.common import caller_of, deny, edit_html, reply
from bot.telegram.keyboards import upload_keyboard
from bot.telegram.progress import ThrottledProgress
from bot.telegram.render import esc, ingest_done_html, preview_html, progress_html, th
from bot.telegram.services import Services, services
from documents.extract import SUPPORTED_SUFFIXES
from documents.model import ExtractionError, ParsedDocument
from index.engine import DocumentExists, IngestReport

log = logging.getLogger("bot.telegram.uploads")

_MIME_SUFFIX = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/msword": ".doc",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "text/html": ".html",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/tiff": ".tif",
}
_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name safe to store (no paths), keeping Vietnamese letters."""
    cleaned = _UNSAFE.sub("_", Path(name).name).strip(" .") or "upload"
    return cleaned[-120:]


def upload_name(file_name: str | None, mime_type: str | None, fallback: str) -> str | None:
    """The name to store an upload under, or None when neither suffix nor MIME type is supported."""
    name = file_name or fallback
    suffix = Path(name).suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return safe_name(name)
    mapped = _MIME_SUFFIX.get((mime_type or "").lower())
    return safe_name(name + mapped) if mapped else None


async def on_upload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    caller = await caller_of(update, context)
    if caller is None or message is None:
        return
    if not caller.may_ask:
        await deny(update, context, caller)
        return
    if not caller.is_admin:
        log.info("upload refused (not admin) user=%d", caller.user_id)
        await reply(update, context, caller, th("tg.upload.not_admin", caller.lang))
        return
    svc = services(context)
    if message.document is not None:
        file_id, size = message.document.file_id, message.document.file_size
        name = upload_name(message.document.file_name, message.document.mime_type, "document")
    elif message.photo:
        photo = message.photo[-1]
        file_id, size = photo.file_id, photo.file_size
        name = f"photo-{photo.file_unique_id}.jpg"
    else:
        return
    if name is None:
        await reply(update, context, caller, th("error.unsupported", caller.lang), quote=True)
        return
    if size is not None and size > svc.max_file_bytes:
        log.info("upload refused (too large) user=%d bytes=%d", caller.user_id, size)
        await reply(update, context, caller, th("error.too_large", caller.lang, limit=svc.settings.max_file_mb),
                    quote=True)
        return
    upload_id = await svc.workers.db(svc.store.create_upload, caller.user_id, caller.chat_id, name)
    log.info("upload %d received user=%d bytes=%s", upload_id, caller.user_id, size)
    status = (await reply(update, context, caller, th("tg.upload.reading", caller.lang, name=esc(name)),
                          quote=True))[0]
    await svc.workers.db(svc.store.update_upload, upload_id, message_id=status.message_id)
    target = svc.config.uploads_dir / str(upload_id) / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(target)
        await svc.workers.db(svc.store.update_upload, upload_id, path=str(target))
        parsed = await svc.workers.parse_file(svc.engine.parse, target, name)
    except ExtractionError as error:
        log.info("upload %d not readable: %s", upload_id, error.code)
        await _fail(svc, upload_id, status, th(f"error.{error.code}", caller.lang, limit=svc.settings.max_file_mb))
        return
    except Exception:
        log.exception("upload %d failed while downloading or parsing", upload_id)
        await _fail(svc, upload_id, status, th("tg.upload.failed", caller.lang))
        return
    await _show_preview(svc, upload_id, parsed, status, caller.lang)


async def _show_preview(svc: Services, upload_id: int, parsed: ParsedDocument, message: Message, lang: str) -> None:
    existing = await svc.workers.ask(svc.engine.existing, parsed)
    svc.parsed[upload_id] = parsed
    await svc.workers.db(svc.store.update_upload, upload_id, status="pending")
    log.info("upload %d parsed: chunks=%d warnings=%d exists=%s", upload_id, len(parsed.chunks),
             len(parsed.warnings), existing is not None)
    await edit_html(message, preview_html(upload_id, parsed, existing, lang),
                    upload_keyboard(upload_id, lang, exists=existing is not None))


async def _fail(svc: Services, upload_id: int, message: Message, html: str) -> None:
    await svc.workers.db(svc.store.update_upload, upload_id, status="failed")
    _discard_files(svc, upload_id)
    await edit_html(message, html)


def _discard_files(svc: Services, upload_id: int) -> None:
    svc.parsed.pop(upload_id, None)
    shutil.rmtree(svc.config.uploads_dir / str(upload_id), ignore_errors=True)


async def on_upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE, callback: Callback,
                           query: CallbackQuery) -> None:
    caller = await caller_of(update, context)
    message = query.message
    if caller is None or not isinstance(message, Message):
        await query.answer()
        return
    svc = services(context)
    lang = caller.lang
    if not caller.is_admin:
        await query.answer(th("tg.admin.only", lang), show_alert=True)
        return
    upload_id, action = callback.int_arg(0), callback.arg(1)
    upload = await svc.workers.db(svc.store.upload, upload_id)
    if upload is None:
        await query.answer(th("tg.upload.unknown", lang), show_alert=True)
        return
    if action == "no":
        if await svc.workers.db(svc.store.claim_upload, upload_id, "pending", "cancelled"):
            _discard_files(svc, upload_id)
            log.info("upload %d cancelled by user=%d", upload_id, caller.user_id)
            await query.answer()
            await edit_html(message, th("tg.upload.cancelled", lang, name=esc(upload.source_name)))
        else:
            await query.answer(th("tg.upload.already_handled", lang), show_alert=True)
        return
    if not await svc.workers.db(svc.store.claim_upload, upload_id, "pending", "indexing"):
        await query.answer(th("tg.upload.already_handled", lang), show_alert=True)
        return
    await query.answer()
    parsed = svc.parsed.pop(upload_id, None)
    path = Path(upload.path) if upload.path else None
    if parsed is None:  # the bot restarted since the preview: parse the stored file again
        if path is None or not path.exists():
            await svc.workers.db(svc.store.update_upload, upload_id, status="expired")
            await edit_html(message, th("tg.upload.expired", lang, name=esc(upload.source_name)))
            return
        try:
            parsed = await svc.workers.parse_file(svc.engine.parse, path, upload.source_name)
        except ExtractionError as error:
            await _fail(svc, upload_id, message, th(f"error.{error.code}", lang, limit=svc.settings.max_file_mb))
            return
    await index_upload(svc, upload_id, parsed, path, message, lang, replace=action == "rep")


async def index_upload(svc: Services, upload_id: int, parsed: ParsedDocument, path: Path | None, message: Message,
                       lang: str, *, replace: bool) -> None:
    name = parsed.source_name
    if svc.workers.ingest_jobs:
        await edit_html(message, th("tg.upload.queued", lang, name=esc(name)))
    else:
        await edit_html(message, progress_html(name, 0, len(parsed.chunks), lang))
    loop = asyncio.get_running_loop()
    progress = ThrottledProgress(loop, interval=svc.config.progress_interval, step=svc.config.progress_step)

    async def show(done: int, total: int) -> None:
        await edit_html(message, progress_html(name, done, total, lang))

    started = time.perf_counter()
    task = asyncio.ensure_future(svc.workers.index(svc.engine.ingest, parsed, path=path, replace=replace,
                                                   progress=progress))
    try:
        await progress.follow(task, show)
        report: IngestReport = task.result()
    except DocumentExists as exists:  # another upload indexed the same number meanwhile
        svc.parsed[upload_id] = parsed
        await svc.workers.db(svc.store.update_upload, upload_id, status="pending")
        await edit_html(message, preview_html(upload_id, parsed, exists.document, lang),
                        upload_keyboard(upload_id, lang, exists=True))
        return
    except Exception:
        log.exception("upload %d: indexing failed; the index is unchanged", upload_id)
        await _fail(svc, upload_id, message, th("tg.upload.failed", lang))
        return
    if report.status == "failed":
        code = report.error_code or "corrupt"
        await _fail(svc, upload_id, message, th(f"error.{code}", lang, limit=svc.settings.max_file_mb))
        return
    document_id = report.document.id if report.document else None
    await svc.workers.db(svc.store.update_upload, upload_id, status="done", document_id=document_id)
    _discard_files(svc, upload_id)  # the engine keeps its own copy of the original
    log.info("upload %d indexed: status=%s document=%s chunks=%d edits=%d seconds=%.1f", upload_id,
             report.status, document_id, report.chunks, progress.edits, time.perf_counter() - started)
    await edit_html(message, ingest_done_html(report.status, report.document, report.chunks, lang))


async def expire_uploads(application: Application) -> None:
    """Tell admins about previews that waited too long (or were cut short by a restart) and drop their files."""
    svc: Services = application.bot_data["services"]
    cutoff = time.time() - svc.config.upload_ttl
    stale = await svc.workers.db(svc.store.stale_uploads, cutoff)
    for upload in stale:
        if upload.id in svc.parsed and upload.status == "parsing":
            continue
        await svc.workers.db(svc.store.update_upload, upload.id, status="expired")
        _discard_files(svc, upload.id)
        await _notify(application, upload.chat_id, upload.message_id, upload.user_id, "tg.upload.expired",
                      upload.source_name)


async def recover_uploads(application: Application) -> None:
    """At start-up: uploads that were being read or indexed when the bot stopped failed; say so."""
    svc: Services = application.bot_data["services"]
    for upload in await svc.workers.db(svc.store.interrupted_uploads):
        await svc.workers.db(svc.store.update_upload, upload.id, status="failed")
        _discard_files(svc, upload.id)
        await _notify(application, upload.chat_id, upload.message_id, upload.user_id, "tg.upload.interrupted",
                      upload.source_name)


async def _notify(application: Application, chat_id: int, message_id: int | None, user_id: int,
                  key: str, name: str) -> None:
    svc: Services = application.bot_data["services"]
    user = await svc.workers.db(svc.store.user, user_id)
    lang = (user.lang if user else None) or "vi"
    html = th(key, lang, name=esc(name))
    try:
        if message_id is not None:
            await application.bot.edit_message_text(html, chat_id, message_id, parse_mode="HTML")
        else:
            await application.bot.send_message(chat_id, html, parse_mode="HTML")
    except Exception as error:  # noqa: BLE001 - the message may be gone; the state is already recorded
        log.warning("could not tell chat %d about upload state: %s", chat_id, type(error).__name__)
