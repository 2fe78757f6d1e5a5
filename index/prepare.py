"""A file on disk → a :class:`ParsedDocument` (extract, identify, chunk), without touching the index."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from documents.chunking import split_document
from documents.extract import extract_file
from documents.extract.limits import DEFAULT_LIMITS, Limits
from documents.identity import parse_identity
from documents.model import DocIdentity, ParsedDocument
from documents.text import canonical_tones, fold, has_cjk

_UNSAFE_KEY = re.compile(r"[^\w.-]+")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Issuers whose numbering restarts in every province/district: their number alone names no single document
# (71/2025/QĐ-UBND exists in Bắc Ninh and in Hà Nội), so the issuer is part of the key.
_LOCAL_ISSUERS = re.compile(r"[-/](?:UBND|HĐND|HDND|TU|HU|TP|QU|ĐU|DU)$")


def doc_key(identity: DocIdentity, source_name: str) -> str:
    """Documents are the same document when they share a number (and, for local issuers, the issuer);
    without a number, when they share a file name."""
    if identity.number:
        if identity.issuer and _LOCAL_ISSUERS.search(identity.number):
            return f"{identity.number} @ {fold(identity.issuer)}"
        return identity.number
    return "file:" + _UNSAFE_KEY.sub("-", Path(source_name).stem.lower()).strip("-")


def prepare_file(
    path: Path, *, source_name: str | None = None, max_bytes: int, ocr_languages: str, max_chars: int = 1200,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedDocument:
    """Parse ``path``; raises :class:`documents.model.ExtractionError` for files that cannot be read."""
    name = source_name or path.name
    extracted = extract_file(path, max_bytes=max_bytes, ocr_languages=ocr_languages, limits=limits)
    identity = parse_identity(extracted.text, name)
    if cjk_share(extracted.text) > 0.3:  # ~0.6 tokens per Han character against ~0.3 per Latin one
        max_chars = max_chars // 2
    chunks, outline = split_document(extracted.text, max_chars=max_chars, min_chars=min(200, max_chars // 3))
    warnings = list(extracted.warnings)
    if not identity.number:
        warnings.append("identity_not_found")
    return ParsedDocument(
        source_name=name,
        extracted=extracted,
        identity=identity,
        chunks=chunks,
        outline=outline,
        warnings=warnings,
        content_hash=content_hash(path.read_bytes()),
    )


def cjk_share(text: str) -> float:
    """Share of Han characters among the letters of ``text``."""
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    return sum(1 for ch in letters if has_cjk(ch)) / len(letters) if letters else 0.0


def embedding_text(title: str | None, heading: str, text: str) -> str:
    """What the dense index sees for a passage: its headings as context, one tone-mark style."""
    parts = [part for part in (heading, text) if part]
    if title and not heading:
        parts.insert(0, title)
    return canonical_tones("\n".join(parts))
