"""What an answer is made of: verbatim citations (with validity notices), the closest documents when nothing
answers, a document's card, a section's counted points. Front ends render these; :mod:`index.answer` decides
them."""

from __future__ import annotations

from dataclasses import dataclass, field

from documents.model import Section
from index.rows import DocumentRow
from index.sections import Count


@dataclass(frozen=True)
class Notice:
    """A newer document in the library that replaces, repeals or amends the cited one, with its own words."""

    kind: str
    document_id: int
    doc_number: str | None
    title: str | None
    date: str | None
    quote: str
    locator: str

    def as_json(self) -> dict[str, object]:
        return {"kind": self.kind, "doc_number": self.doc_number, "title": self.title, "date": self.date,
                "quote": self.quote, "locator": self.locator}


@dataclass(frozen=True)
class Citation:
    document_id: int
    chunk_id: int
    doc_number: str | None
    doc_type: str | None
    title: str | None
    date: str | None
    locator: str
    quote: str
    score: float
    source: str
    #: (start, end) of the sentences that answer, relative to ``quote``.
    highlights: tuple[tuple[int, int], ...] = ()
    #: (start, end) of the quote in the stored source text of the document's version.
    offsets: tuple[int, int] = (0, 0)
    #: Newer documents that replace, repeal or amend this one: the quote may no longer be in force.
    notices: tuple[Notice, ...] = ()

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "doc_number": self.doc_number,
            "title": self.title,
            "date": self.date,
            "locator": self.locator,
            "quote": self.quote,
            "score": round(self.score, 4),
            "source": self.source,
        }
        if self.notices:
            data["notices"] = [n.as_json() for n in self.notices]
        return data


@dataclass(frozen=True)
class ClosestDocument:
    document_id: int
    doc_number: str | None
    title: str | None


@dataclass(frozen=True)
class DocumentCard:
    """What a document is: its identity and the top level of its outline."""

    document: DocumentRow
    sections: list[Section]


@dataclass
class Answer:
    question: str
    found: bool
    citations: list[Citation] = field(default_factory=list)
    #: When nothing answers: the documents that came closest, so the user knows where to look.
    closest: list[ClosestDocument] = field(default_factory=list)
    #: Documents the question named ("NQ 57"), resolved; empty when it named none.
    named_documents: list[int] = field(default_factory=list)
    #: Another document than the one named holds a clearly closer passage (listed first in ``closest`` when
    #: nothing is found): the named one gets no benefit of the doubt.
    better_elsewhere: bool = False
    #: Named documents that are not in the index (the user asked about something we do not have).
    unknown_mentions: list[str] = field(default_factory=list)
    #: The evidence score compared with the calibrated threshold.
    evidence: float = 0.0
    #: A broad question about a named document ("NQ 57 nói gì?"): that document's card.
    card: DocumentCard | None = None
    #: "NQ 57 có mấy nhiệm vụ, giải pháp?": the section and its numbered points, read from the structure.
    count: Count | None = None
    #: Not found, but the question named a document: its closest passage ("đoạn gần nhất"), not evidence.
    nearest: Citation | None = None
