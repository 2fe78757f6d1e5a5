"""What the catalog returns: plain rows shared by the engine and both front ends (no database types here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DocumentRow:
    id: int
    doc_key: str
    number: str | None
    doc_type: str | None
    issuer: str | None
    date: str | None
    title: str | None
    active_version: int | None
    chunk_count: int = 0
    version_no: int = 0
    source_name: str = ""
    #: Epoch seconds (UTC), like every timestamp nqbot stores.
    updated_at: float = 0.0

    @property
    def label(self) -> str:
        """What a citation shows first: the number, or the title for documents without one."""
        return self.number or self.title or self.doc_key


@dataclass(frozen=True)
class VersionRow:
    id: int
    document_id: int
    version_no: int
    status: str
    content_hash: str
    source_name: str
    stored_file: str | None
    method: str
    warnings: list[str]
    created_at: float
    chunk_count: int


@dataclass(frozen=True)
class ChunkRow:
    id: int
    version_id: int
    document_id: int
    ordinal: int
    locator: str
    heading: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class RelationRow:
    """A relation a document's active version declares to another document (see :mod:`documents.relations`)."""

    kind: str
    #: ``documents.identity.ref_key`` of the target, as it was named.
    target_key: str
    #: The target as written ("Quy định số 270-QĐ/TW").
    target_text: str
    #: The stating sentence: offsets into the declaring version's text, and its locator.
    start: int
    end: int
    locator: str
    version_id: int = 0
    document_id: int = 0
