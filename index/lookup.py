"""Documents by the names people give them: "57-NQ/TW", "NQ 57", "nghi quyet so 57", "#12"."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from documents.identity import find_mentions, identity_keys, ref_key
from documents.model import DocIdentity, DocRef
from index.catalog import Catalog
from index.rows import DocumentRow


class DocumentLookup:
    """Matches loose mentions to documents by the identity module's rule; keys cached until the library
    changes (:meth:`forget`)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._lock = threading.Lock()
        self._keys: list[tuple[set[str], int, bool]] | None = None

    def forget(self) -> None:
        with self._lock:
            self._keys = None

    def _doc_keys(self) -> list[tuple[set[str], int, bool]]:
        """(identity match keys, document id, active) of every numbered document."""
        with self._lock:
            if self._keys is None:
                self._keys = [
                    (
                        identity_keys(DocIdentity(number=row.number, doc_type=row.doc_type, issuer=row.issuer,
                                                  title=row.title)),
                        row.id,
                        row.active_version is not None,
                    )
                    for row in self.catalog.documents(include_removed=True)
                    if row.number
                ]
            return self._keys

    def match_refs(self, mentions: Sequence[DocRef], *, include_removed: bool = False) -> list[int]:
        """Document ids matching loose mentions ("NQ 57", "57/NQ-TW", ...), in mention order."""
        found: list[int] = []
        for mention in mentions:
            key = ref_key(mention)
            for keys, document_id, active in self._doc_keys():
                if key in keys and (active or include_removed) and document_id not in found:
                    found.append(document_id)
        return found

    def resolve(self, text: str, *, include_removed: bool = False) -> DocumentRow | None:
        """A document by number as users write it ("57-NQ/TW", "NQ 57"), by key, or by ``#id``."""
        text = text.strip()
        if text.startswith("#") and text[1:].isdigit():
            row = self.catalog.document(int(text[1:])) if len(text) < 19 else None
        else:
            row = self.catalog.document_by_key(text)
            if row is None:
                matches = self.match_refs(find_mentions(text), include_removed=include_removed)
                row = self.catalog.document(matches[0]) if matches else None
        if row is not None and (include_removed or row.active_version is not None):
            return row
        return None
