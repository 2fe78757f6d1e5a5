"""Put the diacritics back into a question typed without them, using the indexed texts' own words.

``nghi quyet 57 ve chuyen doi so`` → ``nghị quyết 57 về chuyển đổi số``. The keyword index does not need
this (it is diacritic-free), but the dense embedder reads unmarked Vietnamese poorly. Every ingest records
how often each folded syllable and syllable pair was spelled which way (table ``vocabulary``); a question is
restored by the most frequent spelling chain (Viterbi over syllable-pair counts).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from documents.text import canonical_tones, fold
from index.database import Connection

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_MAX_FORMS = 4
# Question words that documents rarely contain, so the vocabulary may not know them.
_SEED = {
    "gi": "gì",
    "nao": "nào",
    "the": "thế",
    "sao": "sao",
    "bao": "bao",
    "nhieu": "nhiêu",
    "khong": "không",
    "la": "là",
    "co": "có",
    "duoc": "được",
    "nhung": "những",
    "cua": "của",
    "ve": "về",
    "cho": "cho",
    "toi": "tôi",
    "ai": "ai",
    "dau": "đâu",
    "khi": "khi",
    "phai": "phải",
    "lam": "làm",
    "nhu": "như",
}


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(canonical_tones(text))]


class DiacriticRestorer:
    """Reads the catalog's vocabulary through a connection of its own (WAL readers do not wait for the
    catalog's lock, which the parallel keyword search holds while the question is restored and embedded), or
    through ``read`` (folded key → the JSON of its spellings, or None) when the catalog is not an SQLite file."""

    def __init__(self, catalog_path: Path | None = None, *, read: Callable[[str], str | None] | None = None) -> None:
        self._db = (sqlite3.connect(f"file:{catalog_path}?mode=ro", uri=True, check_same_thread=False)
                    if read is None else None)
        self._read = read or self._read_file
        self._lock = threading.Lock()
        self._forms = lru_cache(maxsize=50_000)(self._lookup)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def _read_file(self, folded: str) -> str | None:
        assert self._db is not None
        with self._lock:
            row = self._db.execute("SELECT forms FROM vocabulary WHERE folded = ?", (folded,)).fetchone()
        return str(row[0]) if row else None

    def forget(self) -> None:
        """Drop cached spellings (after an ingest changed the vocabulary)."""
        self._forms.cache_clear()

    @staticmethod
    def record(db: Connection, texts: Iterable[str]) -> None:
        """Add the spellings in ``texts`` to the vocabulary (inside the ingest transaction)."""
        counts: dict[str, Counter[str]] = {}
        for text in texts:
            words = _words(text)
            for i, word in enumerate(words):
                counts.setdefault(fold(word), Counter())[word] += 1
                if i:
                    pair = f"{words[i - 1]} {word}"
                    counts.setdefault(fold(pair), Counter())[pair] += 1
        keys = list(counts)
        for offset in range(0, len(keys), 500):
            batch = keys[offset : offset + 500]
            marks = ",".join("?" * len(batch))
            for row in db.execute(f"SELECT folded, forms FROM vocabulary WHERE folded IN ({marks})", batch):
                counts[row[0]].update(json.loads(row[1]))
        db.executemany(
            "INSERT INTO vocabulary(folded, forms) VALUES (?, ?) "
            "ON CONFLICT(folded) DO UPDATE SET forms = excluded.forms",
            [
                (key, json.dumps(dict(counter.most_common(_MAX_FORMS)), ensure_ascii=False))
                for key, counter in counts.items()
            ],
        )

    def _lookup(self, folded: str) -> tuple[tuple[str, int], ...]:
        forms = self._read(folded)
        if forms is None:
            return ((_SEED[folded], 1),) if folded in _SEED else ()
        return tuple(json.loads(forms).items())

    def restore(self, text: str) -> str:
        """``text`` with each unmarked Vietnamese word replaced by its most likely marked spelling."""
        matches = list(_WORD.finditer(text))
        if not matches:
            return text
        words = [m.group(0).lower() for m in matches]
        options: list[list[tuple[str, float]]] = []
        for word in words:
            forms = self._forms(word)
            total = sum(c for _, c in forms) or 1
            options.append([(f, math.log(c / total)) for f, c in forms] or [(word, 0.0)])
        # Viterbi: best[i][form] = (score, back-pointer)
        best: list[dict[str, tuple[float, str | None]]] = [{f: (s, None) for f, s in options[0]}]
        for i in range(1, len(words)):
            layer: dict[str, tuple[float, str | None]] = {}
            for form, unigram in options[i]:
                candidates = []
                for previous, (score, _) in best[i - 1].items():
                    pair = dict(self._forms(f"{fold(previous)} {fold(form)}"))
                    bonus = math.log(1 + pair.get(f"{previous} {form}", 0))
                    candidates.append((score + unigram + 2.0 * bonus, previous))
                layer[form] = max(candidates)
            best.append(layer)
        form = max(best[-1].items(), key=lambda item: item[1][0])[0]
        chosen = [form]
        for i in range(len(words) - 1, 0, -1):
            back = best[i][chosen[-1]][1]
            chosen.append(back or words[i - 1])
        chosen.reverse()
        out: list[str] = []
        position = 0
        for match, form in zip(matches, chosen, strict=True):
            original = match.group(0)
            if fold(form) != fold(original):
                form = original
            elif original[:1].isupper():
                form = (
                    form.upper() if original.isupper() and len(original) > 1 else form[:1].upper() + form[1:]
                )
            out.append(text[position : match.start()])
            out.append(form)
            position = match.end()
        out.append(text[position:])
        return "".join(out)
