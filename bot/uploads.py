"""Admin uploads, as a state machine: received → read (downloaded and parsed) → preview → confirmed (indexed)
or cancelled; a preview that waits too long expires, and one cut short by a restart fails.

The downloaded file lives in ``<data_dir>/uploads/<id>/`` and the upload's state in the bot store, so a
pending preview survives a restart (the file is parsed again on confirm). Ingests run one at a time in the
ingest pool; a failure leaves the index as it was. Nothing here knows about Telegram: the front end passes in
how to fetch the file and how to show progress.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Literal, Protocol

from bot.access import Caller
from bot.audit import Action
from bot.progress import ThrottledProgress
from bot.store import BotStore, UploadRow
from bot.workers import Workers
from documents.extract import SUPPORTED_SUFFIXES
from documents.model import ExtractionError, ParsedDocument
from index.database import now
from index.engine import DocumentExists, Engine, IngestReport
from index.rows import DocumentRow

log = logging.getLogger("bot.uploads")

MB = 1024 * 1024
#: The largest file a bot may download from the cloud Bot API (getFile), and from a ``--local`` server.
BOT_API_FILE_MB = 20
LOCAL_BOT_API_FILE_MB = 2000


def upload_limit_mb(max_file_mb: int, local_server: bool) -> int:
    """The largest upload accepted: the settings' limit, within what the Bot API server hands out."""
    return min(max_file_mb, LOCAL_BOT_API_FILE_MB if local_server else BOT_API_FILE_MB)

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


class Refusal(StrEnum):
    """Why a file is not even downloaded."""

    NOT_ADMIN = "not_admin"
    UNSUPPORTED = "unsupported"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class Preview:
    """A read file waiting for the admin's Confirm / Replace / Cancel (``existing``: what it would replace)."""

    upload_id: int
    parsed: ParsedDocument
    existing: DocumentRow | None


@dataclass(frozen=True)
class Failed:
    """The upload failed and its file is gone; ``code`` is an extraction error code, or ``failed``."""

    code: str


@dataclass(frozen=True)
class Claimed:
    """A preview an admin confirmed: it is now this caller's to index."""

    upload: UploadRow
    replace: bool


@dataclass(frozen=True)
class Cancelled:
    name: str


@dataclass(frozen=True)
class Expired:
    name: str


@dataclass(frozen=True)
class Indexed:
    report: IngestReport


Unclaimed = Literal["not_admin", "unknown", "already_handled"]
Fetch = Callable[[Path], Awaitable[None]]


class IndexingView(Protocol):
    """How the front end shows an ingest: waiting behind another one, then progress."""

    async def queued(self) -> None: ...

    async def progress(self, done: int, total: int) -> None: ...


class Uploads:
    def __init__(self, engine: Engine, store: BotStore, workers: Workers, directory: Path, *, limit_mb: int,
                 ttl: float, progress_interval: float = 1.5, progress_step: int = 25) -> None:
        self.engine = engine
        self.store = store
        self.workers = workers
        self.directory = directory
        #: The largest file accepted: the settings' limit, within what the Bot API server hands out.
        self.limit_mb = limit_mb
        self.ttl = ttl
        self.progress_interval = progress_interval
        self.progress_step = progress_step
        #: Parsed files waiting for an admin's confirmation (re-parsed from disk after a restart).
        self.parsed: dict[int, ParsedDocument] = {}

    def refusal(self, caller: Caller, name: str | None, size: int | None) -> Refusal | None:
        """Why this file is refused before downloading it (None: accept it). ``name`` is None when the file
        type is not supported (see :func:`upload_name`)."""
        refusal = None
        if not caller.is_admin:
            refusal = Refusal.NOT_ADMIN
        elif name is None:
            refusal = Refusal.UNSUPPORTED
        elif size is not None and size > self.limit_mb * MB:
            refusal = Refusal.TOO_LARGE
        if refusal is not None:
            log.info("upload refused (%s) user=%d bytes=%s", refusal, caller.user_id, size)
        return refusal

    async def receive(self, caller: Caller, name: str, size: int | None) -> int:
        """Record a new upload; its id."""
        upload_id = await self.workers.db(self.store.create_upload, caller.user_id, caller.chat_id, name)
        log.info("upload %d received user=%d bytes=%s", upload_id, caller.user_id, size)
        return upload_id

    async def read(self, upload_id: int, name: str, message_id: int, fetch: Fetch) -> Preview | Failed:
        """Download (``fetch`` writes the file to the path it is given) and parse; ``message_id`` is where the
        front end shows this upload's state."""
        await self.workers.db(self.store.update_upload, upload_id, message_id=message_id)
        target = self.directory / str(upload_id) / name
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            await fetch(target)
            await self.workers.db(self.store.keep_upload_file, upload_id, target)
            await self.workers.db(self.store.update_upload, upload_id, path=str(target))
            parsed = await self.workers.parse_file(self.engine.parse, target, name)
        except ExtractionError as error:
            log.info("upload %d not readable: %s", upload_id, error.code)
            return await self._fail(upload_id, error.code)
        except Exception:
            log.exception("upload %d failed while downloading or parsing", upload_id)
            return await self._fail(upload_id, "failed")
        return await self._preview(upload_id, parsed)

    async def claim(self, caller: Caller, upload_id: int, action: str) -> Claimed | Cancelled | Unclaimed:
        """An admin pressed Confirm (``ok``), Replace (``rep``) or Cancel (``no``) under a preview."""
        if not caller.is_admin:
            return "not_admin"
        upload = await self.workers.db(self.store.upload, upload_id)
        if upload is None:
            return "unknown"
        if action == "no":
            if not await self.workers.db(self.store.claim_upload, upload_id, "pending", "cancelled"):
                return "already_handled"
            await self._discard(upload_id)
            log.info("upload %d cancelled by user=%d", upload_id, caller.user_id)
            await self.workers.db(self.store.audit, caller.user_id, Action.UPLOAD_CANCELLED, upload.source_name,
                                  f"#{upload_id}")
            return Cancelled(upload.source_name)
        if not await self.workers.db(self.store.claim_upload, upload_id, "pending", "indexing"):
            return "already_handled"
        await self.workers.db(self.store.audit, caller.user_id, Action.UPLOAD_CONFIRMED, upload.source_name,
                              f"#{upload_id}" + (" replace" if action == "rep" else ""))
        return Claimed(upload, replace=action == "rep")

    async def index(self, claimed: Claimed, view: IndexingView) -> Indexed | Preview | Failed | Expired:
        """Index a confirmed upload. A document with the same number indexed meanwhile (by another admin)
        brings the preview back, now offering to replace it."""
        upload = claimed.upload
        parsed = self.parsed.pop(upload.id, None)
        path = Path(upload.path) if upload.path else None
        if path is not None and not path.exists():  # read by another worker: its file is in the shared store
            local = self.directory / str(upload.id) / path.name
            path = local if await self.workers.db(self.store.fetch_upload_file, upload.id, local) else None
        if parsed is None:  # the bot restarted (or another worker read it) since the preview: parse it again
            if path is None or not path.exists():
                await self.workers.db(self.store.update_upload, upload.id, status="expired")
                return Expired(upload.source_name)
            try:
                parsed = await self.workers.parse_file(self.engine.parse, path, upload.source_name)
            except ExtractionError as error:
                return await self._fail(upload.id, error.code)
        return await self._ingest(upload.id, parsed, path, claimed.replace, view)

    async def _ingest(self, upload_id: int, parsed: ParsedDocument, path: Path | None, replace: bool,
                      view: IndexingView) -> Indexed | Preview | Failed:
        if self.workers.ingest_jobs:
            await view.queued()
        else:
            await view.progress(0, len(parsed.chunks))
        progress = ThrottledProgress(asyncio.get_running_loop(), interval=self.progress_interval,
                                     step=self.progress_step)
        started = time.perf_counter()
        task = asyncio.ensure_future(self.workers.index(self.engine.ingest, parsed, path=path, replace=replace,
                                                        progress=progress))
        try:
            await progress.follow(task, view.progress)
            report: IngestReport = task.result()
        except DocumentExists:  # another upload indexed the same number meanwhile
            return await self._preview(upload_id, parsed)
        except Exception:
            log.exception("upload %d: indexing failed; the index is unchanged", upload_id)
            return await self._fail(upload_id, "failed")
        if report.status == "failed":
            return await self._fail(upload_id, report.error_code or "corrupt")
        document_id = report.document.id if report.document else None
        await self.workers.db(self.store.update_upload, upload_id, status="done", document_id=document_id)
        await self._discard(upload_id)  # the engine keeps its own copy of the original
        log.info("upload %d indexed: status=%s document=%s chunks=%d edits=%d seconds=%.1f", upload_id,
                 report.status, document_id, report.chunks, progress.edits, time.perf_counter() - started)
        return Indexed(report)

    async def expire(self) -> list[UploadRow]:
        """Previews that waited longer than ``ttl``: expired, their files dropped (the front end says so)."""
        stale = await self.workers.db(self.store.stale_uploads, now() - self.ttl)
        expired: list[UploadRow] = []
        for upload in stale:
            if upload.id in self.parsed and upload.status == "parsing":
                continue
            await self.workers.db(self.store.update_upload, upload.id, status="expired")
            await self._discard(upload.id)
            expired.append(upload)
        return expired

    async def recover(self) -> list[UploadRow]:
        """Uploads that were being read or indexed when the bot stopped (with several workers: by a worker that
        is gone) failed; each is claimed once, so its uploader hears it from one worker."""
        failed = []
        for upload in await self.workers.db(self.store.interrupted_uploads):
            if await self.workers.db(self.store.claim_upload, upload.id, upload.status, "failed"):
                await self._discard(upload.id)
                failed.append(upload)
        return failed

    async def _preview(self, upload_id: int, parsed: ParsedDocument) -> Preview:
        existing = await self.workers.ask(self.engine.existing, parsed)
        self.parsed[upload_id] = parsed
        await self.workers.db(self.store.update_upload, upload_id, status="pending")
        log.info("upload %d parsed: chunks=%d warnings=%d exists=%s", upload_id, len(parsed.chunks),
                 len(parsed.warnings), existing is not None)
        return Preview(upload_id, parsed, existing)

    async def _fail(self, upload_id: int, code: str) -> Failed:
        await self.workers.db(self.store.update_upload, upload_id, status="failed")
        await self._discard(upload_id)
        return Failed(code)

    async def _discard(self, upload_id: int) -> None:
        self.parsed.pop(upload_id, None)
        shutil.rmtree(self.directory / str(upload_id), ignore_errors=True)
        await self.workers.db(self.store.drop_upload_file, upload_id)
