"""The core that front ends call: a small façade over the parts of the index.

* :mod:`index.ingest` — files in, documents out (add, replace, remove, re-embed);
* :mod:`index.generations` — how writes stay crash-safe, and how every process sees the newest library;
* :mod:`index.answer` — how an answer is decided (evidence, threshold, citations, follow-ups);
* :mod:`index.retrieval` — hybrid search; :mod:`index.lookup` — documents by the names people use;
* :mod:`index.embedding` — which models embed passages and questions.

Synchronous and thread-safe: questions may be asked from several threads while one ingest runs; writes are
serialised (also across processes: by SQLite's write lock, or PostgreSQL's advisory locks).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from config.settings import Settings
from documents.abbreviations import Abbreviations
from documents.glossary import bridge
from documents.model import ParsedDocument, Section
from documents.text import has_cjk
from index.answer import Answer, Answerer, QuestionError
from index.backends import open_catalog, open_generations
from index.embedders.base import Embedder
from index.embedding import Embedders, ProgressFn
from index.ingest import DocumentExists, IngestReport, IngestStatus, Library
from index.lookup import DocumentLookup
from index.related import Related, Relations
from index.retrieval import Hit, Mode, Retriever
from index.rows import ChunkRow, DocumentRow, VersionRow
from index.vectors import VectorStore, set_threads

__all__ = ["DocumentExists", "Engine", "IngestReport", "IngestStatus", "ProgressFn", "QuestionError"]


class Engine:
    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.data_dir = settings.data_dir
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = open_catalog(settings)
        self.restorer = self.catalog.restorer()
        self.lookup = DocumentLookup(self.catalog)
        self.generations = open_generations(self.catalog, self.data_dir, self._library_changed,
                                            approximate_from=settings.approximate_from)
        self._abbreviations: Abbreviations | None = None
        self.embedders = Embedders(settings, self.catalog, self.restorer, embedder, rewrite=self.rewrite)
        self.retriever = Retriever(self.catalog, self.generations, self.embedders.embed_question, self.rewrite)
        self.library = Library(settings, self.catalog, self.generations, self.embedders)
        self.relations_index = Relations(self.catalog, self.lookup)
        self.answerer = Answerer(settings, self.catalog, self.retriever, self.lookup, self.relations_index,
                                 self.embedders.embed_question, self.rewrite)
        set_threads(settings.query_threads)
        self.library.upgrade()

    def _library_changed(self) -> None:
        """A new generation (written here or by another process): drop what was derived from the old one."""
        self.restorer.forget()
        self.lookup.forget()
        self._abbreviations = None

    @property
    def abbreviations(self) -> Abbreviations:
        """The shipped abbreviations and those the indexed texts define (rebuilt after a library change)."""
        known = self._abbreviations
        if known is None:
            known = self._abbreviations = Abbreviations(self.catalog.abbreviations())
        return known

    def rewrite(self, question: str) -> str:
        """A question as retrieval reads it: abbreviations written out (see :mod:`documents.abbreviations`), and
        for a Chinese question the Vietnamese terms of its words (see :mod:`documents.glossary`)."""
        text = self.abbreviations.rewrite(question)
        if has_cjk(question):
            terms = bridge(question)
            if terms:
                text = f"{text} ({'; '.join(terms)})"
        return text

    # set-up -------------------------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        return self.embedders.passages

    @property
    def query_embedder(self) -> Embedder:
        return self.embedders.questions

    @property
    def model_id(self) -> str:
        return self.embedders.model_id

    @property
    def store(self) -> VectorStore:
        """The vectors of the newest committed generation."""
        return self.generations.vectors()

    def check_embedder(self) -> None:
        self.embedders.check()

    def warm_up(self) -> None:
        """Load the model and the vectors now rather than on the first question."""
        self.embedders.check()
        self.generations.vectors()
        self.embedders.questions.embed_queries(["khởi động"])

    def close(self) -> None:
        self.embedders.close()
        self.retriever.close()
        self.restorer.close()
        self.catalog.close()

    # writes -------------------------------------------------------------------------------------------
    def parse(self, path: Path, source_name: str | None = None) -> ParsedDocument:
        return self.library.parse(path, source_name)

    def existing(self, parsed: ParsedDocument) -> DocumentRow | None:
        return self.library.existing(parsed)

    def ingest_path(
        self, path: Path, *, source_name: str | None = None, replace: bool = True, progress: ProgressFn | None = None
    ) -> IngestReport:
        return self.library.ingest_path(path, source_name=source_name, replace=replace, progress=progress)

    def ingest(
        self, parsed: ParsedDocument, *, path: Path | None = None, replace: bool = True,
        progress: ProgressFn | None = None,
    ) -> IngestReport:
        return self.library.ingest(parsed, path=path, replace=replace, progress=progress)

    def remove(self, document_id: int) -> bool:
        return self.library.remove(document_id)

    def reindex(self, progress: ProgressFn | None = None) -> int:
        return self.library.reindex(progress)

    # documents ----------------------------------------------------------------------------------------
    def documents(self) -> list[DocumentRow]:
        return self.catalog.documents()

    def document(self, document_id: int) -> DocumentRow | None:
        return self.catalog.document(document_id)

    def resolve(self, text: str, *, include_removed: bool = False) -> DocumentRow | None:
        return self.lookup.resolve(text, include_removed=include_removed)

    def versions(self, document_id: int) -> list[VersionRow]:
        return self.catalog.versions(document_id)

    def outline(self, document_id: int) -> list[Section]:
        row = self.catalog.document(document_id)
        if row is None or row.active_version is None:
            return []
        return self.catalog.outline(row.active_version)

    def passage(self, chunk_id: int, *, radius: int = 0) -> tuple[DocumentRow, list[ChunkRow]] | None:
        """An active chunk with ``radius`` neighbours on each side (the "surrounding section"); None for
        unknown chunks and for chunks of removed or superseded versions."""
        chunk = self.catalog.chunks([chunk_id]).get(chunk_id)
        document = self.catalog.document(chunk.document_id) if chunk is not None else None
        if chunk is None or document is None or document.active_version != chunk.version_id:
            return None
        return document, self.catalog.neighbours(chunk.version_id, chunk.ordinal, radius)

    def source_file(self, document_id: int) -> Path | None:
        row = self.catalog.document(document_id)
        if row is None or row.active_version is None:
            return None
        for version in self.catalog.versions(document_id):
            if version.id == row.active_version and version.stored_file:
                path = self.library.files_dir / version.stored_file
                if not path.exists():  # another worker stored it (PostgreSQL keeps a copy)
                    self.catalog.fetch_original(version.stored_file, path)
                return path if path.exists() else None
        return None

    def relations(self, document_id: int) -> tuple[list[Related], list[Related]]:
        """(what the document declares about others, what active documents declare about it)."""
        document = self.catalog.document(document_id)
        if document is None:
            return [], []
        incoming = self.relations_index.incoming(document) if document.number else []
        return self.relations_index.outgoing(document), incoming

    def stats(self) -> dict[str, int]:
        return self.catalog.stats()

    # questions ----------------------------------------------------------------------------------------
    def dense_query(self, question: str) -> str:
        return self.embedders.dense_query(question)

    def embed_question(self, question: str) -> np.ndarray:
        return self.embedders.embed_question(question)

    def retrieve(
        self, question: str, *, limit: int, mode: Mode = "hybrid", document_ids: Sequence[int] | None = None,
        vector: np.ndarray | None = None,
    ) -> list[Hit]:
        return self.retriever.retrieve(question, limit=limit, mode=mode, document_ids=document_ids, vector=vector)

    def ask(
        self, question: str, *, documents: Sequence[int] | None = None, context_document: int | None = None,
        k: int | None = None,
    ) -> Answer:
        """See :meth:`index.answer.Answerer.ask`."""
        self.answerer.clean(question)  # a refused question costs nothing more
        self.embedders.check()
        return self.answerer.ask(question, documents=documents, context_document=context_document, k=k)
