"""Retrieval quality on labelled legal datasets (ALQAC 2023, VLSP-style LTER).

Each law becomes one document whose text is its articles in order ("Điều N. …"); the chunker's locators
start with "Điều N", which maps a retrieved passage back to the article. The dataset is indexed into a
throwaway data directory with the configured embedder, then every question is run keyword-only, dense-only
and hybrid, and Acc@1, Recall@5, Recall@10 and MRR@10 are computed over articles.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from config.settings import Settings
from documents.chunking import split_document
from documents.model import DocIdentity, Extracted, ParsedDocument
from documents.text import nfc
from index.embedders.base import Embedder
from index.rows import ChunkRow

#: A passage's articles: "Điều 29", or "Điều 29–45" when short articles share a passage.
_ARTICLE = re.compile(r"^Điều\s+(\d+\w*)(?:\s*[–-]\s*(\d+\w*))?")
MODES = ("keyword", "dense", "hybrid")


@dataclass(frozen=True)
class Law:
    law_id: str
    articles: list[tuple[str, str]]  # (article id, text)


@dataclass(frozen=True)
class Question:
    text: str
    gold: frozenset[tuple[str, str]]  # (law id, article id)


def load_alqac(law_path: Path, questions_path: Path) -> tuple[list[Law], list[Question]]:
    laws = [
        Law(law["id"], [(a["id"], a["text"]) for a in law["articles"]])
        for law in json.loads(law_path.read_text(encoding="utf-8"))
    ]
    questions = [
        Question(q["text"], frozenset((g["law_id"], g["article_id"]) for g in q["relevant_articles"]))
        for q in json.loads(questions_path.read_text(encoding="utf-8"))
    ]
    return laws, questions


def load_lter(passages_path: Path, questions_path: Path) -> tuple[list[Law], list[Question]]:
    laws = [
        Law(law["id"], [(a["id"], a["text"]) for a in law["articles"]])
        for law in json.loads(passages_path.read_text(encoding="utf-8"))
    ]
    questions = [
        Question(q["statement"], frozenset((g["law_id"], g["article_id"]) for g in q["legal_passages"]))
        for q in json.loads(questions_path.read_text(encoding="utf-8"))
    ]
    return laws, questions


def law_document(law: Law) -> ParsedDocument:
    text = nfc("\n\n".join(f"Điều {article_id}. {body}" for article_id, body in law.articles))
    chunks, outline = split_document(text)
    return ParsedDocument(
        source_name=law.law_id,
        extracted=Extracted(text=text, method="dataset"),
        identity=DocIdentity(title=law.law_id, doc_type="Luật"),
        chunks=chunks,
        outline=outline,
        content_hash=f"dataset:{law.law_id}:{len(text)}",
    )


def passage_articles(locator: str, order: list[str]) -> list[str]:
    """The articles a passage holds, from its locator: one, or every article from the first to the last of a
    range in the law's own order ("Điều 29–45" of a law whose articles 30–44 were left out is 29 and 45)."""
    match = _ARTICLE.match(locator)
    if match is None:
        return []
    first, last = match.group(1), match.group(2)
    if last is None or first not in order or last not in order:
        return [first]
    return order[order.index(first): order.index(last) + 1]


def article_order(laws: Sequence[Law]) -> dict[str, list[str]]:
    """Each law's article ids in the order of its text."""
    return {law.law_id: [article for article, _ in law.articles] for law in laws}


def chunk_articles(chunks: Mapping[int, ChunkRow], names: Mapping[int, str],
                   order: Mapping[str, list[str]]) -> dict[int, list[tuple[str, str]]]:
    """For each passage, the (law id, article id) pairs it holds (``names``: document id → law id; ``order``:
    :func:`article_order`)."""
    out: dict[int, list[tuple[str, str]]] = {}
    for chunk_id, chunk in chunks.items():
        law_id = names.get(chunk.document_id, "")
        out[chunk_id] = [(law_id, article) for article in passage_articles(chunk.locator, order.get(law_id, []))]
    return out


def ranked_articles(chunk_ids: Sequence[int], articles: Mapping[int, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """The articles of passages in rank order, each once (where it first appears)."""
    out: list[tuple[str, str]] = []
    for chunk_id in chunk_ids:
        for key in articles.get(chunk_id, []):
            if key not in out:
                out.append(key)
    return out


def metrics(ranked: list[list[tuple[str, str]]], questions: list[Question]) -> dict[str, float]:
    acc1 = r5 = r10 = mrr = 0.0
    for articles, question in zip(ranked, questions, strict=True):
        gold = question.gold
        acc1 += 1.0 if articles[:1] and articles[0] in gold else 0.0
        r5 += len(gold & set(articles[:5])) / len(gold)
        r10 += len(gold & set(articles[:10])) / len(gold)
        mrr += next((1.0 / (i + 1) for i, a in enumerate(articles[:10]) if a in gold), 0.0)
    n = max(len(questions), 1)
    return {"Acc@1": acc1 / n, "Recall@5": r5 / n, "Recall@10": r10 / n, "MRR@10": mrr / n}


def evaluate_dataset(
    settings: Settings,
    embedder: Embedder,
    laws: list[Law],
    questions: list[Question],
    *,
    limit: int | None = None,
    index_dir: Path | None = None,
) -> dict[str, dict[str, float]]:
    """Acc@1, Recall@5, Recall@10, MRR@10 per mode. The dataset is indexed into ``index_dir`` when given (and
    reused when it already holds it), else into a throwaway directory."""
    from index.engine import Engine  # the engine imports this package's siblings; keep the cycle lazy

    questions = questions[:limit] if limit else questions
    with tempfile.TemporaryDirectory(prefix="nqbot-eval-") as tmp:
        engine = Engine(settings.model_copy(update={"data_dir": index_dir or Path(tmp)}), embedder=embedder)
        try:
            names = {d.id: d.title or "" for d in engine.documents()}
            order = article_order(laws)
            if not names:
                for law in laws:
                    report = engine.ingest(law_document(law))
                    if report.document is not None:
                        names[report.document.id] = law.law_id
            results: dict[str, dict[str, float]] = {}
            for mode in MODES:
                ranked: list[list[tuple[str, str]]] = []
                for question in questions:
                    hits = engine.retrieve(question.text, limit=40, mode=mode)  # type: ignore[arg-type]
                    ids = [h.chunk_id for h in hits]
                    ranked.append(ranked_articles(ids, chunk_articles(engine.catalog.chunks(ids), names, order)))
                results[mode] = metrics(ranked, questions)
            return results
        finally:
            engine.close()
