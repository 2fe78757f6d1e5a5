"""Documents in relation to each other: what a document replaces or cites, what replaces or amends it, and
the questions about it ("văn bản nào thay thế Quy định 270?").

Relations are stored per version as their declaring document stated them (:mod:`documents.relations`), with
the target as it was named; they are resolved against the library when read, so a target indexed later is
found at once and a removed document stops counting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from documents.identity import find_mentions, identity_keys, ref_key
from documents.model import DocIdentity, DocRef
from documents.relations import RelationKind
from documents.text import fold
from index.catalog import Catalog
from index.lookup import DocumentLookup
from index.quotes import MAX_QUOTE_CHARS, QuoteMismatch, verify_quote
from index.rows import DocumentRow, RelationRow

#: Kinds that make a cited provision possibly out of date.
OUTDATING = (RelationKind.REPLACES, RelationKind.REPEALS, RelationKind.AMENDS)

# Whether a document is still in force: always a question about what others say of it.
_VALIDITY = re.compile(r"\b(?:het hieu luc|con hieu luc|hieu luc)\b")
# "… bị/được thay thế bởi …": the named document is the object.
_PASSIVE = re.compile(r"\b(?:bi|duoc)\s+$")
# What a question asks about (folded): the relation words and the kinds they mean.
_ASKED: tuple[tuple[re.Pattern[str], tuple[RelationKind, ...]], ...] = (
    (_VALIDITY, (RelationKind.REPLACES, RelationKind.REPEALS)),
    (re.compile(r"\bthay the\b"), (RelationKind.REPLACES,)),
    (re.compile(r"\bbai bo\b"), (RelationKind.REPEALS,)),
    (re.compile(r"\b(?:sua doi|bo sung)\b"), (RelationKind.AMENDS,)),
    (re.compile(r"\b(?:huong dan|trien khai|thuc hien|cu the hoa)\b"), (RelationKind.GUIDES, RelationKind.CONTINUES)),
    (re.compile(r"\bcan cu\b"), (RelationKind.CITES,)),
)
_WHICH = re.compile(r"\b(?:nao|gi|khong|chua|ai)\b")


@dataclass(frozen=True)
class Related:
    """One relation with both ends resolved: ``source`` declares ``kind`` of ``target``."""

    kind: RelationKind
    source: DocumentRow
    #: None when the target is mentioned but not in the library ("được nhắc đến, chưa có trong kho").
    target: DocumentRow | None
    target_text: str
    #: The stating sentence, verbatim from the source's stored text, and where it is.
    quote: str
    locator: str
    offsets: tuple[int, int]
    version_id: int


@dataclass(frozen=True)
class RelationQuestion:
    """A question about relations: which kinds, about which document, in which direction."""

    kinds: tuple[RelationKind, ...]
    mention: DocRef
    #: True: "what does X replace" (X declares); False: "what replaces X" (others declare about X).
    outgoing: bool


class Relations:
    def __init__(self, catalog: Catalog, lookup: DocumentLookup) -> None:
        self.catalog = catalog
        self.lookup = lookup

    def _resolve(self, row: RelationRow, source: DocumentRow | None = None) -> Related | None:
        source = source or self.catalog.document(row.document_id)
        if source is None or source.active_version is None:
            return None
        start, end = row.start, min(row.end, row.start + MAX_QUOTE_CHARS)
        quote = self.catalog.source_slice(row.version_id, start, end) or ""
        try:
            verify_quote(self.catalog.source_slice(row.version_id, start, end), quote, (start, end))
        except QuoteMismatch:
            return None
        matches = self.lookup.match_refs([_ref(row.target_key)])  # only an unambiguous name resolves
        target = self.catalog.document(matches[0]) if len(matches) == 1 and matches[0] != source.id else None
        return Related(RelationKind(row.kind), source, target, row.target_text, quote.strip(), row.locator,
                       (start, end), row.version_id)

    def outgoing(self, document: DocumentRow) -> list[Related]:
        """What ``document`` declares about others (targets not in the library included)."""
        rows = self.catalog.relations_from(document.id)
        return [r for r in (self._resolve(row, document) for row in rows) if r is not None]

    def incoming(self, document: DocumentRow, kinds: Sequence[RelationKind] = tuple(RelationKind)) -> list[Related]:
        """What other active documents declare about ``document``."""
        keys = identity_keys(DocIdentity(number=document.number, doc_type=document.doc_type, issuer=document.issuer))
        return self.incoming_keys(keys, kinds, exclude=document.id)

    def incoming_keys(self, keys: set[str] | Sequence[str], kinds: Sequence[RelationKind],
                      exclude: int | None = None) -> list[Related]:
        found = []
        for row in self.catalog.relations_to(sorted(keys)):
            if row.kind in kinds and row.document_id != exclude:
                related = self._resolve(row)
                if related is not None:
                    found.append(related)
        return found

    def outdating(self, document_id: int) -> list[Related]:
        """Newer documents in the library that replace, repeal or amend ``document_id``."""
        document = self.catalog.document(document_id)
        if document is None or not document.number:
            return []
        return self.incoming(document, OUTDATING)

    def question(self, question: str) -> RelationQuestion | None:
        """The relation a question asks about, when it names a document and a relation ("văn bản nào thay thế
        Quy định 270?", "QĐ 383 thay thế quy định nào?")."""
        folded = fold(question)
        mentions = find_mentions(question)
        if len(mentions) != 1 or not _WHICH.search(folded):
            return None
        for pattern, kinds in _ASKED:
            verb = pattern.search(folded)
            if verb is not None:
                mention = mentions[0]
                outgoing = (mention.span[1] <= verb.start() and pattern is not _VALIDITY
                            and not _PASSIVE.search(folded[:verb.start()]))
                return RelationQuestion(kinds, mention, outgoing=outgoing)
        return None

    def answer(self, asked: RelationQuestion) -> list[Related]:
        """The relations that answer ``asked`` (empty when the library states none)."""
        if asked.outgoing:
            sources = self.lookup.match_refs([asked.mention])
            found = []
            for document_id in sources:
                document = self.catalog.document(document_id)
                if document is not None:
                    found += [r for r in self.outgoing(document) if r.kind in asked.kinds]
            return found
        wanted = ref_key(asked.mention)
        keys = {row.target_key for row in self.catalog.relations_to_number(asked.mention.number)
                if _compatible(wanted, row.target_key)}
        return self.incoming_keys(keys, asked.kinds)


def _parts(key: str) -> list[str]:
    """number, type, issuer, year of a ref key (empty where it has none)."""
    return (key.split("|") + ["", "", ""])[:4]


def _compatible(a: str, b: str) -> bool:
    """Two ref keys that may name the same document: same number; type, issuer and year equal where both say."""
    return all(x == y or not x or not y for x, y in zip(_parts(a), _parts(b), strict=True))


def _ref(key: str) -> DocRef:
    number, type_code, issuer, year = _parts(key)
    return DocRef(number, type_code or None, issuer or None, (0, 0), year or None)
