"""Adding, replacing, removing and re-embedding documents: every change goes through one generation write
(:mod:`index.generations`), so readers see the library before or after a change, never in between."""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import numpy as np

from config.settings import Settings
from documents.abbreviations import defined_in
from documents.extract.limits import Limits
from documents.model import DocIdentity, ExtractionError, ParsedDocument
from documents.relations import find_relations
from documents.text import one_line
from index.catalog import Catalog
from index.embedding import Embedders, ProgressFn
from index.generations import Generations
from index.keywords import TERMS_VERSION, index_terms
from index.prepare import doc_key, embedding_text, prepare_file
from index.rows import DocumentRow, RelationRow
from index.vectors import VectorStore

log = logging.getLogger(__name__)

#: Changes whenever :func:`documents.relations.find_relations` (or :func:`documents.abbreviations.defined_in`)
#: finds something else in the same text: a catalog
#: built with another version has its relations recomputed from the stored texts when it is opened.
RELATIONS_VERSION = "1"


class _Located(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def locator(self) -> str: ...


def relation_rows(text: str, identity: DocIdentity, chunks: Sequence[_Located]) -> list[RelationRow]:
    """The relations a version's text declares, each with the locator of the passage its sentence is in."""
    rows = []
    for relation in find_relations(text, identity):
        locator = next((c.locator for c in chunks if c.start <= relation.start < c.end), "")
        rows.append(RelationRow(relation.kind, relation.target_key, relation.target_text, relation.start,
                                relation.end, locator))
    return rows


class IngestStatus(StrEnum):
    ADDED = "added"
    REPLACED = "replaced"
    UNCHANGED = "unchanged"
    FAILED = "failed"


class DocumentExists(RuntimeError):
    """Ingest without ``replace`` of a document whose number is already indexed."""

    def __init__(self, document: DocumentRow) -> None:
        super().__init__(document.doc_key)
        self.document = document


@dataclass
class IngestReport:
    source_name: str
    status: IngestStatus
    document: DocumentRow | None = None
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    error_code: str | None = None
    error_detail: str = ""
    seconds: float = 0.0


class Library:
    """The write side of the engine: files in, documents out."""

    def __init__(self, settings: Settings, catalog: Catalog, generations: Generations, embedders: Embedders) -> None:
        self.settings = settings
        self.catalog = catalog
        self.generations = generations
        self.embedders = embedders
        self.files_dir = settings.data_dir / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)

    def parse(self, path: Path, source_name: str | None = None) -> ParsedDocument:
        """Read, identify and chunk a file (raises :class:`ExtractionError` for files that cannot be read)."""
        return prepare_file(
            path,
            source_name=one_line(source_name or path.name) or "file",
            max_bytes=self.settings.max_file_mb * 1024 * 1024,
            ocr_languages=self.settings.ocr_languages,
            limits=Limits.from_settings(self.settings),
        )

    def existing(self, parsed: ParsedDocument) -> DocumentRow | None:
        """The indexed document this file would replace, if any."""
        row = self.catalog.document_by_key(doc_key(parsed.identity, parsed.source_name))
        return row if row and row.active_version is not None else None

    def ingest_path(
        self, path: Path, *, source_name: str | None = None, replace: bool = True, progress: ProgressFn | None = None
    ) -> IngestReport:
        """Parse and index one file; a file that cannot be read gives a ``failed`` report, not an exception."""
        started = time.perf_counter()
        name = one_line(source_name or path.name) or "file"
        try:
            parsed = self.parse(path, name)
        except ExtractionError as error:
            return IngestReport(name, IngestStatus.FAILED, error_code=error.code, error_detail=error.detail,
                                seconds=time.perf_counter() - started)
        report = self.ingest(parsed, path=path, replace=replace, progress=progress)
        report.seconds = time.perf_counter() - started
        return report

    def ingest(
        self, parsed: ParsedDocument, *, path: Path | None = None, replace: bool = True,
        progress: ProgressFn | None = None,
    ) -> IngestReport:
        with self.catalog.ingest_lock():  # one ingest at a time, across workers too
            return self._ingest(parsed, path=path, replace=replace, progress=progress)

    def _ingest(
        self, parsed: ParsedDocument, *, path: Path | None, replace: bool, progress: ProgressFn | None,
    ) -> IngestReport:
        same = self.catalog.active_version_with_hash(parsed.content_hash)
        if same is not None:
            return IngestReport(parsed.source_name, IngestStatus.UNCHANGED, same, same.chunk_count, parsed.warnings)
        if not parsed.chunks:
            return IngestReport(parsed.source_name, IngestStatus.FAILED, error_code="empty", error_detail="no passages")
        key = doc_key(parsed.identity, parsed.source_name)
        previous = self.catalog.document_by_key(key)
        replacing = previous is not None and previous.active_version is not None
        if replacing and not replace:
            assert previous is not None
            raise DocumentExists(previous)
        self.embedders.check()
        texts = [embedding_text(parsed.identity.title, c.heading, c.text) for c in parsed.chunks]
        vectors = self.embedders.embed_passages(texts, progress)
        stored = self._store_original(path, parsed) if path is not None else None
        document_id = self._commit(parsed, key, vectors, stored)
        document = self.catalog.document(document_id)
        status = IngestStatus.REPLACED if replacing else IngestStatus.ADDED
        log.info("indexed document %d (%s): %d chunks", document_id, status, len(parsed.chunks))
        return IngestReport(parsed.source_name, status, document, len(parsed.chunks), parsed.warnings)

    def _store_original(self, path: Path, parsed: ParsedDocument) -> str:
        target = self.files_dir / f"{parsed.content_hash}{path.suffix.lower()}"
        if not target.exists():
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        self.catalog.keep_original(target)
        return target.name

    def _commit(self, parsed: ParsedDocument, key: str, vectors: np.ndarray, stored: str | None) -> int:
        with self.generations.write(model_id=self.embedders.model_id) as change:
            db = change.db
            document_id = self.catalog.upsert_document(db, key, parsed.identity)
            old_ids = self.catalog.deactivate(db, document_id, "superseded")
            version_id = self.catalog.add_version(
                db, document_id, content_hash=parsed.content_hash, source_name=parsed.source_name,
                stored_file=stored, method=parsed.extracted.method, warnings=parsed.warnings,
                identity=parsed.identity, text=parsed.extracted.text,
            )
            bodies = [index_terms(f"{c.heading}\n{c.text}") for c in parsed.chunks]
            ids = self.catalog.add_chunks(db, version_id, parsed.chunks, bodies, vectors)
            self.catalog.add_outline(db, version_id, parsed.outline)
            self.catalog.activate(db, document_id, version_id)
            relations = relation_rows(parsed.extracted.text, parsed.identity, parsed.chunks)
            self.catalog.set_relations(db, version_id, relations)
            self.catalog.set_abbreviations(db, version_id, defined_in(parsed.extracted.text))
            self.catalog.record_vocabulary(db, [c.text for c in parsed.chunks])
            change.store.remove(old_ids)
            change.store.add(np.array(ids, dtype=np.int64), vectors)
        return document_id

    def remove(self, document_id: int) -> bool:
        """Take a document out of search (its versions stay as history); False when it was not in search."""
        removed = False
        with self.generations.write() as change:
            ids = self.catalog.deactivate(change.db, document_id, "removed")
            if ids:
                change.store.remove(ids)
                removed = True
            else:
                change.abandon()
        if removed:
            log.info("removed document %d", document_id)
        return removed

    def upgrade(self) -> None:
        """Bring derived data (keyword terms, relations) up to this version of nqbot, from the stored texts."""
        self.upgrade_keywords()
        self.upgrade_relations()

    def upgrade_relations(self) -> int:
        """Recompute every active version's relations and defined abbreviations when they were found by another
        version of their readers; returns the versions recomputed (0 when current)."""
        if self.catalog.get_meta("relations_version") == RELATIONS_VERSION:
            return 0
        versions = self.catalog.active_versions()
        with self.generations.write() as change:
            for _, version_id, identity_json in versions:
                identity = DocIdentity(**json.loads(identity_json))
                chunks = self.catalog.neighbours(version_id, 0, 1 << 30)
                text = self.catalog.version_text(version_id)
                self.catalog.set_relations(change.db, version_id, relation_rows(text, identity, chunks))
                self.catalog.set_abbreviations(change.db, version_id, defined_in(text))
            self.catalog.set_meta(change.db, "relations_version", RELATIONS_VERSION)
        if versions:
            log.info("relations recomputed for %d documents", len(versions))
        return len(versions)

    def upgrade_keywords(self) -> int:
        """Rebuild the keyword index when it was built by another version of :func:`index_terms`; returns the
        passages re-indexed (0 when it was current)."""
        if self.catalog.get_meta("terms_version") == TERMS_VERSION:
            return 0
        count = 0
        with self.generations.write() as change:
            count = self.catalog.rebuild_keywords(change.db)
            self.catalog.set_meta(change.db, "terms_version", TERMS_VERSION)
        if count:
            log.info("keyword index rebuilt for terms version %s: %d passages", TERMS_VERSION, count)
        return count

    def reindex(self, progress: ProgressFn | None = None) -> int:
        """Re-embed every active passage with the configured embedder; returns the passage count."""
        with self.catalog.ingest_lock():
            return self._reindex(progress)

    def _reindex(self, progress: ProgressFn | None) -> int:
        rows = self.catalog.active_chunk_texts()
        texts = [embedding_text(title, heading, text) for _, heading, text, title in rows]
        vectors = self.embedders.embed_passages(texts, progress)
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        dim = vectors.shape[1] if len(rows) else self.embedders.dim
        fresh = VectorStore.from_arrays(dim, ids, vectors)
        with self.generations.write(model_id=self.embedders.model_id, fresh=fresh) as change:
            if sorted(r[0] for r in change.db.execute(
                    "SELECT c.id FROM chunks c JOIN documents d ON d.active_version = c.version_id")) != list(ids):
                raise RuntimeError("the library changed while re-embedding; run reindex again")
            self.catalog.set_embeddings(change.db, ids.tolist(), vectors)
        return len(rows)
