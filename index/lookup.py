"""Documents by the names people give them: "57-NQ/TW", "NQ 57", "nghi quyet so 57", "#12"."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

from documents.glossary import bridge
from documents.identity import find_mentions, identity_keys, ref_key
from documents.model import DocIdentity, DocRef
from documents.text import fold
from index.catalog import Catalog
from index.rows import DocumentRow

#: A document described by its subject instead of its number: "nghị quyết về đột phá phát triển giáo dục",
#: "政治局关于科技、创新和数字化转型的决议" (folded Vietnamese type words; Chinese ones with the subject before).
_DESCRIBED_VI = re.compile(r"\b(nghi quyet|chi thi|ket luan|quy dinh|huong dan|thong bao|quy che)\b(?:[^?]*?)\bve\b")
_DESCRIBED_ZH = re.compile(r"关于(?P<subject>.+?)的(决议|指示|结论|规定|通知|条例)")
_TYPE_OF = {"nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị", "ket luan": "Kết luận", "quy dinh": "Quy định",
            "huong dan": "Hướng dẫn", "thong bao": "Thông báo", "quy che": "Quyết định", "决议": "Nghị quyết",
            "指示": "Chỉ thị", "结论": "Kết luận", "规定": "Quy định", "通知": "Thông báo", "条例": "Quyết định"}
#: A described document is named when this share of its title's words is in the question, and no other
#: document of its type comes within TITLE_LEAD of it.
TITLE_SHARE = 0.6
TITLE_LEAD = 0.2


def _words(text: str) -> set[str]:
    """The folded words of ``text`` that carry meaning (not "về", "và", "của" nor numbers)."""
    return {w for w in re.findall(r"[^\W\d_]+", fold(text)) if w not in {"ve", "va", "cua", "cac", "trong"}}


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

    def by_title(self, question: str, rewrite: Callable[[str], str] = lambda text: text) -> list[int]:
        """The document a question describes by its subject and type instead of its number ("nghị quyết về
        đột phá phát triển giáo dục và đào tạo", "关于科技、创新和数字化转型的决议"), when one title clearly
        matches (:data:`TITLE_SHARE`, :data:`TITLE_LEAD`); else none."""
        chinese = _DESCRIBED_ZH.search(question)
        if chinese is not None:
            doc_type = _TYPE_OF[chinese.group(2)]
            words = _words(" ".join(bridge(chinese.group("subject"))))
        else:
            described = _DESCRIBED_VI.search(fold(question))
            if described is None:
                return []
            doc_type = _TYPE_OF[described.group(1)]
            words = _words(rewrite(question))
        shares: list[tuple[float, int]] = []
        for row in self.catalog.documents():
            if row.doc_type != doc_type or not row.title or row.active_version is None:
                continue
            title = _words(row.title) - _words(f"{row.doc_type} {row.number or ''}")
            if len(title) >= 3:
                shares.append((len(title & words) / len(title), row.id))
        shares.sort(reverse=True)
        if not shares or shares[0][0] < TITLE_SHARE or len(shares) > 1 and shares[1][0] > shares[0][0] - TITLE_LEAD:
            return []
        return [shares[0][1]]
