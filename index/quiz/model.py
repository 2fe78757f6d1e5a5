"""A multiple-choice question and the passage that backs its answer."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

#: Telegram's limits for quiz polls (sendPoll): longer questions are sent as a message with buttons instead.
MAX_POLL_QUESTION = 300
MAX_POLL_OPTION = 100
MIN_OPTIONS, MAX_OPTIONS = 2, 12
MAX_EXPLANATION = 200
MAX_EXPLANATION_BREAKS = 2
LETTERS = "ABCDEFGHIJKL"


@dataclass(frozen=True)
class Evidence:
    """Where the answer stands: a verbatim quote of a stored version's text and the answer span inside it."""

    document_id: int
    version_id: int
    chunk_id: int
    doc_number: str | None
    locator: str
    quote: str
    #: Offsets of the quote in the version's text.
    start: int
    end: int
    #: The answer span, relative to ``quote``.
    answer_start: int
    answer_end: int

    @property
    def answer(self) -> str:
        return self.quote[self.answer_start:self.answer_end]

    def as_json(self) -> dict[str, object]:
        return {"doc_number": self.doc_number, "locator": self.locator, "quote": self.quote,
                "start": self.start, "end": self.end, "answer_start": self.answer_start,
                "answer_end": self.answer_end, "document_id": self.document_id, "version_id": self.version_id,
                "chunk_id": self.chunk_id}


@dataclass(frozen=True)
class Question:
    question: str
    options: tuple[str, ...]
    correct: int
    #: What the question asks about (a :class:`documents.facts.FactKind`, ``title``, ``date``, ``number``,
    #: ``source``; ``imported`` for banks).
    kind: str
    explanation: str = ""
    evidence: Evidence | None = None
    meta: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """A content hash: the same question generated or imported twice is stored once."""
        data = json.dumps([self.question, list(self.options), self.correct], ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]

    @property
    def fits_poll(self) -> bool:
        """Within Telegram's quiz poll limits (else it is sent as a message with A/B/C… buttons)."""
        return (len(self.question) <= MAX_POLL_QUESTION and MIN_OPTIONS <= len(self.options) <= MAX_OPTIONS
                and all(1 <= len(o) <= MAX_POLL_OPTION for o in self.options))

    def as_json(self) -> dict[str, object]:
        """The ``nqbot quiz generate --json`` object (plus ``kind`` and the ``answer`` span)."""
        evidence = self.evidence
        return {
            "question": self.question, "options": list(self.options), "correct": self.correct,
            "explanation": self.explanation, "doc_number": evidence.doc_number if evidence else None,
            "locator": evidence.locator if evidence else "", "quote": evidence.quote if evidence else "",
            "kind": self.kind, "answer": evidence.answer if evidence else "",
        }
