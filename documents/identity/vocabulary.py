"""The words and regex alternations the readers match, each derived from the tables of :mod:`.codes`.

Alternations list longer words first, so that ``Thông báo kết luận`` is preferred to ``Thông báo``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from documents.identity.codes import DOC_TYPES, ISSUERS, DocType, Seen
from documents.text import fold


def alternation(words: Iterable[str], space: str = " ") -> str:
    """A regex alternation of literal ``words``, longest first; a space in a word matches ``space``."""
    unique = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", space) for w in unique)


def _types(seen: Seen) -> tuple[DocType, ...]:
    return tuple(row for row in DOC_TYPES if seen in row.seen)


def _names(seen: Seen) -> list[str]:
    return [name for row in _types(seen) for name in row.names]


#: title-line and self-mention words, as written in running text ("Nghị quyết|Thông báo kết luận|...")
TITLE_WORDS = alternation(_names(Seen.TITLE))
#: the same in upper case, as title lines are set ("NGHỊ QUYẾT")
TITLE_WORDS_UPPER = alternation(name.upper() for name in _names(Seen.TITLE))

#: folded name → type code, for the name a file name starts with ("nghi quyet" → "NQ"), longest first
FILE_PREFIXES: dict[str, str] = {
    word: code
    for word, code in sorted(((fold(n), row.code) for row in _types(Seen.FILE) for n in row.names),
                             key=lambda item: -len(item[0]))
}
#: lower-case ASCII codes read inside the numbers of file names ("57-nq-tw", "25-2025-nd-cp")
FILE_NUMBER_CODES = alternation(row.key.lower() for row in _types(Seen.NUMBER) if row.coded)
#: lower-case ASCII codes read inside numbers typed in questions ("57/nq-tw"; also uncoded ones such as "l")
ASKED_NUMBER_CODES = alternation(row.key.lower() for row in _types(Seen.NUMBER))

#: folded words of questions → type code: names ("nghi quyet") and abbreviations ("nq")
ASKED_TYPES: dict[str, str] = {
    **{fold(name): row.code for row in _types(Seen.ASKED) for name in row.names},
    **{row.key.lower(): row.code for row in _types(Seen.ABBREVIATED)},
}
#: the same as an alternation for folded text, any whitespace inside a name
ASKED_TYPE_WORDS = alternation(ASKED_TYPES, space=r"\s+")

#: Chinese name → type code ("决议" → "NQ")
CHINESE_TYPES: dict[str, str] = {name: row.code for row in DOC_TYPES for name in row.chinese}
CHINESE_TYPE_WORDS = alternation(CHINESE_TYPES)

#: lower-case type names capitalised before a number in titles ("nghị quyết số 57" → "Nghị quyết số 57")
CITED_TYPE_WORDS = alternation(row.name.lower() for row in _types(Seen.CITED))

#: lower-case ministry name → its name ("bộ công thương" → "Bộ Công Thương")
MINISTRIES: dict[str, str] = {i.name.lower(): i.name for i in ISSUERS if i.name.startswith("Bộ ")}
