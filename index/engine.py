"""The core that front ends call: ingest files, answer questions, manage documents.

Synchronous and thread-safe: questions may be asked from several threads while one ingest runs; ingests are
serialised. Writes go to SQLite in one transaction and to a new FAISS file renamed into place before that
transaction commits (see :mod:`index.vectors`), so a crash or kill at any point leaves the previous state.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from config.settings import Settings
from documents.extract.limits import Limits
from documents.identity import find_mentions, identity_keys, ref_key
from documents.model import DocIdentity, DocRef, ExtractionError, ParsedDocument, Section
from documents.text import canonical_tones, has_cjk, has_vietnamese_marks
from index.answer import (
    Answer,
    Citation,
    ClosestDocument,
    QuoteMismatch,
    select_quote,
    term_coverage,
    verify_quote,
)
from index.catalog import Catalog
from index.embedders import known_model_id, load_embedder
from index.embedders.base import Embedder, EmbedderMismatch
from index.keywords import index_terms
from index.prepare import doc_key, embedding_text, prepare_file
from index.restore import DiacriticRestorer
from index.retrieval import Hit, Mode, keyword_candidates, search
from index.rows import ChunkRow, DocumentRow, VersionRow
from index.vectors import VectorStore, set_threads

log = logging.getLogger(__name__)

#: Evidence = best dense similarity + COVERAGE_WEIGHT × share of the question's words found in the best
#: passages; calibrated with scripts/calibrate_threshold.py (dense alone separated answerable from
#: off-corpus questions worse: 87 % answered at 0 % false answers against 94 % at 2.4 %).
COVERAGE_WEIGHT = 0.05
#: Further citations must be within this dense similarity of the best passage.
CITATION_SPREAD = 0.04
#: A follow-up question stays with the previous document when its passages are this close to the best.
FOLLOW_UP_MARGIN = 0.05

ProgressFn = Callable[[int, int], None]  # (done, total) passages embedded


class QuestionError(ValueError):
    """A question that cannot be asked: ``code`` is ``empty`` or ``too_long``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class DocumentExists(RuntimeError):
    """Ingest without ``replace`` of a document whose number is already indexed."""

    def __init__(self, document: DocumentRow) -> None:
        super().__init__(document.doc_key)
        self.document = document


@dataclass
class IngestReport:
    source_name: str
    status: str  # "added" | "replaced" | "unchanged" | "failed"
    document: DocumentRow | None = None
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    error_code: str | None = None
    error_detail: str = ""
    seconds: float = 0.0


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.data_dir = settings.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / "files").mkdir(exist_ok=True)
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self._embedder = embedder
        self._query_embedder: Embedder | None = None
        # Keyword search (SQLite) runs on the other core while the question is embedded.
        self._keyword_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nqbot-keyword")
        self._write_lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._store: VectorStore | None = None
        self.restorer = DiacriticRestorer(self.catalog.path)
        self._keys: list[tuple[set[str], int, bool]] | None = None
        set_threads(settings.query_threads)

    # set-up -------------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._load_lock:
            if self._embedder is None:
                self._embedder = load_embedder(
                    self.settings.embedder,
                    self.settings.model_cache,
                    query_prompt=self.settings.query_prompt,
                    passage_prompt=self.settings.passage_prompt,
                )
                self._embedder.set_threads(self.settings.query_threads)
            return self._embedder

    @property
    def model_id(self) -> str:
        """The vector space of the configured embedder (without loading it when that is known)."""
        if self._embedder is not None:
            return self._embedder.model_id
        return known_model_id(self.settings.embedder) or self.embedder.model_id

    @property
    def query_embedder(self) -> Embedder:
        """What embeds questions: the ``query_embedder`` backend when it shares the index's vector space."""
        if self._query_embedder is None:
            spec = self.settings.query_embedder
            if spec and known_model_id(spec) == self.model_id:
                with self._load_lock:
                    if self._query_embedder is None:
                        self._query_embedder = load_embedder(spec, self.settings.model_cache)
            else:
                self._query_embedder = self.embedder
            self._query_embedder.set_threads(self.settings.query_threads)
        return self._query_embedder

    def check_embedder(self) -> None:
        """Raise :class:`EmbedderMismatch` when the index was built by another embedder."""
        built_with = self.catalog.get_meta("model_id")
        if built_with and built_with != self.model_id and self.catalog.stats()["chunks"]:
            raise EmbedderMismatch(
                f"the index was built with '{built_with}' but the configured embedder is "
                f"'{self.model_id}'; run `nqbot reindex` to rebuild it with the configured one"
            )

    @property
    def store(self) -> VectorStore:
        with self._load_lock:
            if self._store is None:
                self._store = self._open_store()
            return self._store

    def _vectors_path(self, generation: int) -> Path:
        return self.data_dir / f"vectors-{generation}.faiss"

    def _open_store(self) -> VectorStore:
        generation = int(self.catalog.get_meta("generation") or 0)
        path = self._vectors_path(generation)
        ids, vectors = self.catalog.active_embeddings()
        store: VectorStore | None = None
        if path.exists():
            try:
                store = VectorStore.load(path)
            except RuntimeError:
                log.warning("vector file %s unreadable; rebuilding from the catalog", path.name)
        if store is None or store.size != len(ids) or not np.array_equal(np.sort(store.ids()), ids):
            dim = vectors.shape[1] if len(ids) else int(self.catalog.get_meta("dim") or 384)
            store = VectorStore.from_arrays(dim, ids, vectors)
            if len(ids):
                store.save(path)
                log.info("rebuilt vector index: %d vectors", store.size)
        for stale in self.data_dir.glob("vectors-*.faiss*"):
            if stale != path:
                stale.unlink(missing_ok=True)
        return store

    def warm_up(self) -> None:
        """Load the model and the vectors now rather than on the first question."""
        self.check_embedder()
        _ = self.store
        self.query_embedder.embed_queries(["khởi động"])

    def close(self) -> None:
        self._keyword_pool.shutdown(wait=True)
        self.restorer.close()
        self.catalog.close()

    # ingest -------------------------------------------------------------------------------------------
    def parse(self, path: Path, source_name: str | None = None) -> ParsedDocument:
        return prepare_file(
            path,
            source_name=source_name,
            max_bytes=self.settings.max_file_mb * 1024 * 1024,
            ocr_languages=self.settings.ocr_languages,
            limits=Limits.from_settings(self.settings),
        )

    def existing(self, parsed: ParsedDocument) -> DocumentRow | None:
        """The indexed document this file would replace, if any."""
        row = self.catalog.document_by_key(doc_key(parsed.identity, parsed.source_name))
        return row if row and row.active_version is not None else None

    def ingest_path(
        self,
        path: Path,
        *,
        source_name: str | None = None,
        replace: bool = True,
        progress: ProgressFn | None = None,
    ) -> IngestReport:
        """Parse and index one file; a file that cannot be read gives a ``failed`` report, not an exception."""
        started = time.perf_counter()
        name = source_name or path.name
        try:
            parsed = self.parse(path, name)
        except ExtractionError as error:
            return IngestReport(
                name,
                "failed",
                error_code=error.code,
                error_detail=error.detail,
                seconds=time.perf_counter() - started,
            )
        report = self.ingest(parsed, path=path, replace=replace, progress=progress)
        report.seconds = time.perf_counter() - started
        return report

    def ingest(
        self,
        parsed: ParsedDocument,
        *,
        path: Path | None = None,
        replace: bool = True,
        progress: ProgressFn | None = None,
    ) -> IngestReport:
        same = self.catalog.active_version_with_hash(parsed.content_hash)
        if same is not None:
            return IngestReport(parsed.source_name, "unchanged", same, same.chunk_count, parsed.warnings)
        if not parsed.chunks:
            return IngestReport(parsed.source_name, "failed", error_code="empty", error_detail="no passages")
        key = doc_key(parsed.identity, parsed.source_name)
        previous = self.catalog.document_by_key(key)
        if previous is not None and previous.active_version is not None and not replace:
            raise DocumentExists(previous)
        self.check_embedder()
        texts = [embedding_text(parsed.identity.title, c.heading, c.text) for c in parsed.chunks]
        vectors = self._embed_passages(texts, progress)
        stored = self._store_original(path, parsed) if path is not None else None
        with self._write_lock:
            document = self._commit(parsed, key, vectors, stored)
        status = "replaced" if previous is not None and previous.active_version is not None else "added"
        log.info("indexed document %d (%s): %d chunks", document.id, status, len(parsed.chunks))
        return IngestReport(parsed.source_name, status, document, len(parsed.chunks), parsed.warnings)

    def _embed_passages(self, texts: list[str], progress: ProgressFn | None) -> np.ndarray:
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, len(texts))

        embedder = self.embedder
        embedder.set_threads(self.settings.ingest_threads)
        try:
            return embedder.embed_passages(texts, progress=step)
        finally:
            embedder.set_threads(self.settings.query_threads)

    def _store_original(self, path: Path, parsed: ParsedDocument) -> str | None:
        target = self.data_dir / "files" / f"{parsed.content_hash}{path.suffix.lower()}"
        if not target.exists():
            tmp = target.with_name(target.name + ".tmp")
            shutil.copyfile(path, tmp)
            tmp.replace(target)
        return target.name

    def _commit(
        self, parsed: ParsedDocument, key: str, vectors: np.ndarray, stored: str | None
    ) -> DocumentRow:
        generation = int(self.catalog.get_meta("generation") or 0) + 1
        new_path = self._vectors_path(generation)
        store = self.store.copy()
        try:
            with self.catalog.transaction() as db:
                document_id = Catalog.upsert_document(db, key, parsed.identity)
                old_ids = Catalog.deactivate(db, document_id, "superseded")
                version_id = Catalog.add_version(
                    db,
                    document_id,
                    content_hash=parsed.content_hash,
                    source_name=parsed.source_name,
                    stored_file=stored,
                    method=parsed.extracted.method,
                    warnings=parsed.warnings,
                    identity=parsed.identity,
                    text=parsed.extracted.text,
                )
                bodies = [index_terms(f"{c.heading}\n{c.text}") for c in parsed.chunks]
                ids = Catalog.add_chunks(db, version_id, parsed.chunks, bodies, vectors)
                Catalog.add_outline(db, version_id, parsed.outline)
                Catalog.activate(db, document_id, version_id)
                DiacriticRestorer.record(db, [c.text for c in parsed.chunks])
                store.remove(old_ids)
                store.add(np.array(ids, dtype=np.int64), vectors)
                Catalog.set_meta(db, "generation", str(generation))
                Catalog.set_meta(db, "model_id", self.embedder.model_id)
                Catalog.set_meta(db, "dim", str(store.dim))
                store.save(new_path)  # renamed into place before the catalog commits
        except BaseException:
            new_path.unlink(missing_ok=True)
            raise
        self._swap_store(store, generation)
        document = self.catalog.document(document_id)
        assert document is not None
        return document

    def _swap_store(self, store: VectorStore, generation: int) -> None:
        with self._load_lock:
            self._store = store
            self.restorer.forget()
            self._keys = None
        for stale in self.data_dir.glob("vectors-*.faiss"):
            if stale != self._vectors_path(generation):
                stale.unlink(missing_ok=True)

    def remove(self, document_id: int) -> bool:
        """Take a document out of search (its versions stay as history)."""
        with self._write_lock:
            generation = int(self.catalog.get_meta("generation") or 0) + 1
            store = self.store.copy()
            new_path = self._vectors_path(generation)
            try:
                with self.catalog.transaction() as db:
                    ids = Catalog.deactivate(db, document_id, "removed")
                    if not ids:
                        return False
                    store.remove(ids)
                    Catalog.set_meta(db, "generation", str(generation))
                    store.save(new_path)
            except BaseException:
                new_path.unlink(missing_ok=True)
                raise
            self._swap_store(store, generation)
        log.info("removed document %d", document_id)
        return True

    def reindex(self, progress: ProgressFn | None = None) -> int:
        """Re-embed every active passage with the configured embedder; returns the passage count."""
        with self._write_lock:
            rows = self.catalog.active_chunk_texts()
            texts = [embedding_text(title, heading, text) for _, heading, text, title in rows]
            vectors = self._embed_passages(texts, progress)
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            generation = int(self.catalog.get_meta("generation") or 0) + 1
            store = VectorStore.from_arrays(
                vectors.shape[1] if len(rows) else self.embedder.dim, ids, vectors
            )
            new_path = self._vectors_path(generation)
            try:
                with self.catalog.transaction() as db:
                    db.executemany(
                        "UPDATE chunks SET embedding = ? WHERE id = ?",
                        [(v.astype(np.float32).tobytes(), int(i)) for i, v in zip(ids, vectors, strict=True)],
                    )
                    Catalog.set_meta(db, "generation", str(generation))
                    Catalog.set_meta(db, "model_id", self.embedder.model_id)
                    Catalog.set_meta(db, "dim", str(store.dim))
                    store.save(new_path)
            except BaseException:
                new_path.unlink(missing_ok=True)
                raise
            self._swap_store(store, generation)
        return len(rows)

    # documents ----------------------------------------------------------------------------------------
    def documents(self) -> list[DocumentRow]:
        return self.catalog.documents()

    def document(self, document_id: int) -> DocumentRow | None:
        return self.catalog.document(document_id)

    def _doc_keys(self) -> list[tuple[set[str], int, bool]]:
        """(identity match keys, document id, active) of every numbered document; cached until a write."""
        with self._load_lock:
            if self._keys is None:
                self._keys = [
                    (
                        identity_keys(
                            DocIdentity(number=row.number, doc_type=row.doc_type, issuer=row.issuer)
                        ),
                        row.id,
                        row.active_version is not None,
                    )
                    for row in self.catalog.documents(include_removed=True)
                    if row.number
                ]
            return self._keys

    def match_refs(self, mentions: Sequence[DocRef], *, include_removed: bool = False) -> list[int]:
        """Document ids matching loose mentions ("NQ 57", "57/NQ-TW", ...), by the identity module's rule."""
        found: list[int] = []
        for mention in mentions:
            key = ref_key(mention)
            for keys, document_id, active in self._doc_keys():
                if key in keys and (active or include_removed) and document_id not in found:
                    found.append(document_id)
        return found

    def resolve(self, text: str, *, include_removed: bool = False) -> DocumentRow | None:
        """A document by number as users write it ("57-NQ/TW", "NQ 57"), by key, or by ``#id``."""
        text = text.strip()
        if text.startswith("#") and text[1:].isdigit():
            return self.catalog.document(int(text[1:]))
        row = self.catalog.document_by_key(text)
        if row is None:
            matches = self.match_refs(find_mentions(text), include_removed=include_removed)
            row = self.catalog.document(matches[0]) if matches else None
        if row is not None and (include_removed or row.active_version is not None):
            return row
        return None

    def versions(self, document_id: int) -> list[VersionRow]:
        return self.catalog.versions(document_id)

    def outline(self, document_id: int) -> list[Section]:
        row = self.catalog.document(document_id)
        if row is None or row.active_version is None:
            return []
        return self.catalog.outline(row.active_version)

    def passage(self, chunk_id: int, *, radius: int = 0) -> tuple[DocumentRow, list[ChunkRow]] | None:
        """A chunk with ``radius`` neighbours on each side (the "surrounding section")."""
        chunk = self.catalog.chunks([chunk_id]).get(chunk_id)
        if chunk is None:
            return None
        document = self.catalog.document(chunk.document_id)
        if document is None:
            return None
        return document, self.catalog.neighbours(chunk.version_id, chunk.ordinal, radius)

    def source_file(self, document_id: int) -> Path | None:
        row = self.catalog.document(document_id)
        if row is None or row.active_version is None:
            return None
        for version in self.catalog.versions(document_id):
            if version.id == row.active_version and version.stored_file:
                path = self.data_dir / "files" / version.stored_file
                return path if path.exists() else None
        return None

    def stats(self) -> dict[str, int]:
        return self.catalog.stats()

    # questions ----------------------------------------------------------------------------------------
    def dense_query(self, question: str) -> str:
        """The text embedded for a question: one tone style; diacritics restored when typed without."""
        text = canonical_tones(question)
        if not has_cjk(text) and not has_vietnamese_marks(text):
            text = self.restorer.restore(text)
        return text

    def embed_question(self, question: str) -> np.ndarray:
        return self.query_embedder.embed_queries([self.dense_query(question)])[0]

    def retrieve(
        self,
        question: str,
        *,
        limit: int,
        mode: Mode = "hybrid",
        document_ids: Sequence[int] | None = None,
        vector: np.ndarray | None = None,
    ) -> list[Hit]:
        """Ranked chunks for a question (no threshold, no quotes) — what evaluation measures.

        ``vector`` is the question's embedding when the caller has it already (a follow-up searches twice).
        """
        allowed_chunks: list[int] | None = None
        allowed_versions: list[int] | None = None
        if document_ids is not None:
            allowed_versions = [
                d.active_version
                for d in map(self.catalog.document, document_ids)
                if d is not None and d.active_version is not None
            ]
            allowed_chunks = self.catalog.chunk_ids(allowed_versions)
        keyword = None
        if mode != "dense":
            keyword = self._keyword_pool.submit(keyword_candidates, self.catalog, question, allowed_versions)
        if mode != "keyword" and vector is None:
            vector = self.embed_question(question)
        return search(
            self.catalog,
            self.store,
            question,
            vector,
            limit=limit,
            mode=mode,
            allowed_chunks=allowed_chunks,
            allowed_versions=allowed_versions,
            keyword=keyword.result() if keyword is not None else None,
        )

    def ask(
        self,
        question: str,
        *,
        documents: Sequence[int] | None = None,
        context_document: int | None = None,
        k: int | None = None,
    ) -> Answer:
        """Answer with verbatim quotes, or ``found=False`` and the closest documents.

        ``documents`` restricts the search (``--doc``, a study group's documents). A question that names a
        document ("theo NQ 57 ...") is restricted to it; a follow-up without a name prefers
        ``context_document`` (the previous answer's document).
        """
        question = question.strip()
        if not question or not any(ch.isalnum() for ch in question):
            raise QuestionError("empty")
        if len(question) > self.settings.max_question_chars:
            raise QuestionError("too_long")
        self.check_embedder()
        k = k or self.settings.top_k
        mentions = find_mentions(question)
        named = self.match_refs(mentions)
        unknown = (
            [m.number + (f"-{m.type_code}" if m.type_code else "") for m in mentions]
            if mentions and not named
            else []
        )
        scope: list[int] | None = list(documents) if documents is not None else None
        if named:
            scope = [d for d in named if scope is None or d in scope] or scope
        limit = max(10, k * 3)
        if context_document is not None and not named and scope is None:  # a follow-up searches twice
            vector = self.embed_question(question)
            hits = self._prefer(self.retrieve(question, limit=limit, vector=vector), question, vector, context_document)
        else:
            hits = self.retrieve(question, limit=limit, document_ids=scope)
        chunks = self.catalog.chunks([h.chunk_id for h in hits])
        best = max((h.dense or 0.0 for h in hits[:5]), default=0.0)
        evidence = best + COVERAGE_WEIGHT * term_coverage(question, [chunks[h.chunk_id] for h in hits[:3]
                                                                      if h.chunk_id in chunks])
        answer = Answer(
            question=question, found=False, named_documents=named, unknown_mentions=unknown, evidence=evidence
        )
        threshold = self.settings.answer_threshold_zh if has_cjk(question) else self.settings.answer_threshold
        if evidence >= threshold:
            floor = best - CITATION_SPREAD
            for hit in hits:
                if len(answer.citations) >= k:
                    break
                chunk = chunks.get(hit.chunk_id)
                if chunk is None or (hit.dense or 0.0) < floor:
                    continue
                citation = self._cite(question, chunk, hit)
                if citation is not None:
                    answer.citations.append(citation)
            answer.found = bool(answer.citations)
        if not answer.found:
            answer.closest = self._closest(hits, chunks)
        log.info(
            "question answered: found=%s citations=%d best=%.3f", answer.found, len(answer.citations), best
        )
        return answer

    def _prefer(self, hits: list[Hit], question: str, vector: np.ndarray, document_id: int) -> list[Hit]:
        """A follow-up: passages of the previous answer's document go first when they are nearly as close."""
        best = max((h.dense or 0.0 for h in hits), default=0.0)
        merged = {h.chunk_id: h for h in hits}
        for hit in self.retrieve(question, limit=len(hits), document_ids=[document_id], vector=vector):
            if (hit.dense or 0.0) >= best - FOLLOW_UP_MARGIN:
                merged[hit.chunk_id] = replace(hit, score=hit.score + 1.0)
        return sorted(merged.values(), key=lambda h: -h.score)

    def _cite(self, question: str, chunk: ChunkRow, hit: Hit) -> Citation | None:
        document = self.catalog.document(chunk.document_id)
        if document is None:
            return None
        start, end, marks = select_quote(question, chunk.text)
        quote = chunk.text[start:end]
        offsets = (chunk.start + start, chunk.start + end)
        try:
            verify_quote(self.catalog.source_slice(chunk.version_id, *offsets), quote, offsets)
        except QuoteMismatch:
            log.error("quote verification failed for chunk %d", chunk.id)
            return None
        return Citation(
            document_id=document.id,
            chunk_id=chunk.id,
            doc_number=document.number,
            doc_type=document.doc_type,
            title=document.title,
            date=document.date,
            locator=chunk.locator,
            quote=quote,
            score=hit.dense or 0.0,
            source=document.source_name,
            highlights=tuple((s - start, e - start) for s, e in marks),
            offsets=offsets,
        )

    def _closest(self, hits: list[Hit], chunks: dict[int, ChunkRow]) -> list[ClosestDocument]:
        closest: list[ClosestDocument] = []
        for hit in hits:
            chunk = chunks.get(hit.chunk_id)
            if chunk is None or any(c.document_id == chunk.document_id for c in closest):
                continue
            document = self.catalog.document(chunk.document_id)
            if document is not None:
                closest.append(ClosestDocument(document.id, document.number, document.title))
            if len(closest) == 3:
                break
        return closest
