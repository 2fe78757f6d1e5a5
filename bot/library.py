"""What a caller may read: the documents of their chat, passages and sections of documents still in search,
outlines, document cards, and original files under the one download rule (:meth:`Caller.may_download`).

A removed or superseded document is "no longer available" here, whatever the engine still keeps as history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.access import Caller
from bot.workers import Workers
from documents.chunking import CONTINUED, HEADING_SEP
from documents.model import Section
from index.engine import Engine
from index.related import Related
from index.rows import ChunkRow, DocumentRow, VersionRow

log = logging.getLogger("bot.library")

#: Neighbours looked at on each side for "the surrounding section".
SECTION_RADIUS = 8
#: The section view stops after this many characters.
SECTION_MAX_CHARS = 12000


def section_chunks(chunks: list[ChunkRow], chunk_id: int, max_chars: int = SECTION_MAX_CHARS) -> list[ChunkRow]:
    """The neighbouring chunks under the clicked chunk's outermost heading (its section), grown outwards from it
    up to ``max_chars``; with no heading, the chunk and its direct neighbours."""
    index = next((i for i, c in enumerate(chunks) if c.id == chunk_id), None)
    if index is None:
        return chunks

    def section(chunk: ChunkRow) -> str:  # a continuation passage adds its point's title to the heading
        return chunk.heading.rsplit(HEADING_SEP, 1)[0] if chunk.locator.endswith(CONTINUED) else chunk.heading

    heading = section(chunks[index])
    if not heading:
        return chunks[max(index - 1, 0):index + 2]
    lo = hi = index
    total = len(chunks[index].text)
    grown = True
    while grown:
        grown = False
        for candidate in (hi + 1, lo - 1):
            if 0 <= candidate < len(chunks) and section(chunks[candidate]) == heading \
                    and candidate in (lo - 1, hi + 1) and total + len(chunks[candidate].text) <= max_chars:
                total += len(chunks[candidate].text)
                lo, hi = min(lo, candidate), max(hi, candidate)
                grown = True
    return chunks[lo:hi + 1]


@dataclass(frozen=True)
class Passage:
    document: DocumentRow
    chunks: list[ChunkRow]
    section: bool


@dataclass(frozen=True)
class Card:
    """``/doc``: a document, its versions and outline, and whether the caller may download the original."""

    document: DocumentRow
    versions: list[VersionRow]
    sections: list[Section]
    downloadable: bool
    #: (what it declares about other documents, what other documents declare about it)
    relations: tuple[list[Related], list[Related]] = ([], [])


@dataclass(frozen=True)
class Original:
    document: DocumentRow
    path: Path


NoOriginal = Literal["disabled", "missing"]


class Library:
    def __init__(self, engine: Engine, workers: Workers) -> None:
        self.engine = engine
        self.workers = workers

    def visible(self, caller: Caller) -> list[DocumentRow]:
        """The documents in search that the caller's chat may use (blocking: call it in a worker)."""
        return [row for row in self.engine.documents() if caller.can_see(row)]

    async def find(self, caller: Caller, number: str) -> DocumentRow | None:
        """A document by number as users write it, if the caller may see it."""
        document = await self.workers.ask(self.engine.resolve, number)
        return document if document is not None and caller.can_see(document) else None

    async def card(self, caller: Caller, number: str) -> Card | None:
        document = await self.find(caller, number)
        if document is None:
            return None
        versions = await self.workers.ask(self.engine.versions, document.id)
        sections = await self.workers.ask(self.engine.outline, document.id)
        relations = await self.workers.ask(self.engine.relations, document.id)
        return Card(document, versions, sections, caller.may_download(), relations)

    async def passage(self, caller: Caller, chunk_id: int, *, section: bool) -> Passage | None:
        """The clicked passage (or its section) while its version is the one in search, else None."""
        found = await self.workers.ask(self.engine.passage, chunk_id, radius=SECTION_RADIUS if section else 0)
        if found is None:
            return None
        document, chunks = found
        clicked = next((c for c in chunks if c.id == chunk_id), None)
        if clicked is None or clicked.version_id != document.active_version or not caller.can_see(document):
            return None
        shown = section_chunks(chunks, chunk_id) if section else [clicked]
        log.info("passage shown chunk=%d section=%s chunks=%d", chunk_id, section, len(shown))
        return Passage(document, shown, section)

    async def outline(self, caller: Caller, document_id: int) -> tuple[DocumentRow, list[Section]] | None:
        document = await self.workers.ask(self.engine.document, document_id)
        if document is None or not caller.can_see(document):
            return None
        return document, await self.workers.ask(self.engine.outline, document.id)

    async def original(self, caller: Caller, document_id: int) -> Original | NoOriginal:
        """The stored original file, when the caller may download and the document is still in search."""
        if not caller.may_download():
            return "disabled"
        document = await self.workers.ask(self.engine.document, document_id)
        if document is None or not caller.can_see(document):
            return "missing"
        path = await self.workers.ask(self.engine.source_file, document_id)
        if path is None:
            return "missing"
        log.info("original sent document=%d user=%d", document_id, caller.user_id)
        return Original(document, path)
