"""Passages members saved ("Lưu" under answers and quiz explanations) for revision: the exact quote is kept as
offsets into the stored version, and shown again verified, with its citation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.access import Caller
from bot.store import BotStore
from index.database import now
from index.engine import Engine
from index.rows import DocumentRow

PAGE = 5


class Saving(StrEnum):
    SAVED = "saved"
    ALREADY = "already"
    GONE = "gone"


@dataclass(frozen=True)
class SavedPassage:
    id: int
    document: DocumentRow | None
    locator: str
    #: The verified quote, or "" when its document is no longer in search.
    quote: str
    saved_at: float


class SavedPassages:
    def __init__(self, store: BotStore, engine: Engine) -> None:
        self.store = store
        self.engine = engine

    def save(self, caller: Caller, chunk_id: int, start: int, end: int) -> Saving:
        """Save ``[start, end)`` of the version text, which must lie in the (active, visible) chunk."""
        found = self.engine.passage(chunk_id)
        if found is None or not caller.can_see(found[0]):
            return Saving.GONE
        document, chunks = found
        chunk = next((c for c in chunks if c.id == chunk_id), None)
        if chunk is None or not chunk.start <= start < end <= chunk.end:
            return Saving.GONE
        with self.store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO saved_passages (user_id, document_id, version_id, chunk_id, start, \"end\", saved_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (caller.user_id, document.id, chunk.version_id, chunk_id, start, end, now()))
        return Saving.SAVED if cursor.rowcount == 1 else Saving.ALREADY

    def listing(self, user_id: int, page: int = 0, per_page: int = PAGE) -> tuple[list[SavedPassage], int]:
        """A page of the member's saved passages, newest first, and how many there are."""
        total = self.store.row("SELECT COUNT(*) FROM saved_passages WHERE user_id = ?", (user_id,))
        rows = self.store.rows(
            "SELECT * FROM saved_passages WHERE user_id = ? ORDER BY saved_at DESC, id DESC LIMIT ? OFFSET ?",
            (user_id, per_page, page * per_page))
        out: list[SavedPassage] = []
        for row in rows:
            document = self.engine.document(row["document_id"])
            chunk = self.engine.catalog.chunks([row["chunk_id"]]).get(row["chunk_id"])
            active = document is not None and document.active_version == row["version_id"]
            quote = (self.engine.catalog.source_slice(row["version_id"], row["start"], row["end"]) or "") \
                if active else ""
            out.append(SavedPassage(row["id"], document, chunk.locator if chunk else "", quote, row["saved_at"]))
        return out, int(total[0]) if total else 0

    def delete(self, user_id: int, saved_id: int) -> bool:
        with self.store.transaction() as db:
            return db.execute("DELETE FROM saved_passages WHERE id = ? AND user_id = ?",
                              (saved_id, user_id)).rowcount == 1
