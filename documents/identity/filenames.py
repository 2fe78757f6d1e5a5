"""What a file name says: a document number, a type, or at least a readable title.

File names are ASCII and lower case (``nghi_dinh__25-2025-nd-cp.txt``, ``Cong_dien__217-CD-TTg-2025.txt``,
``383-QD-TW.txt``); codes get their ``Đ`` and case back (``QĐ``, ``TTg``).
"""

from __future__ import annotations

import re
from pathlib import PurePath

from documents.identity.codes import DOC_TYPES, canonical_code, code_key
from documents.identity.numbers import Parts, format_number
from documents.identity.vocabulary import FILE_NUMBER_CODES, FILE_PREFIXES
from documents.text import fold

_STATE_YEAR = re.compile(
    rf"(?:^|[_-])(\d{{1,5}})-((?:19|20)\d\d)-({FILE_NUMBER_CODES})-([a-z0-9]+)(?:$|[_-])", re.I
)
_NUMBER = re.compile(
    rf"(?:^|[_-])(\d{{1,5}})-({FILE_NUMBER_CODES})-([a-z0-9]+?)(?:-((?:19|20)\d\d))?(?:$|[_-])", re.I
)
_BARE = re.compile(r"^(\d{1,5})-((?:19|20)\d\d)$")
#: type code → its only issuer ("NĐ" → "CP"): a bare "296-2025" of such a type is still a full number
_SOLE_ISSUER = {row.code: row.issuer for row in DOC_TYPES if row.issuer}


def _type_prefix(stem: str, prefix: str) -> str | None:
    """The type code of the words a file name starts with (``nghi_quyet__…`` → ``NQ``)."""
    code = FILE_PREFIXES.get(fold(prefix.replace("_", " ")).strip())
    if code is not None:
        return code
    dashed = fold(stem).replace("_", "-")
    return next((code for words, code in FILE_PREFIXES.items() if dashed.startswith(words.replace(" ", "-"))), None)


def from_filename(filename: str) -> tuple[str | None, str | None]:
    """(canonical number or None, type code hint or None) from a file name."""
    stem = PurePath(filename).stem if filename else ""
    prefix, _, rest = stem.partition("__")
    if not rest:
        prefix, rest = "", stem
    type_hint = _type_prefix(stem, prefix)
    match = _STATE_YEAR.search(rest)
    if match:
        num, year, t, iss = match.groups()
        return format_number(Parts(num, year, canonical_code(t), canonical_code(iss))), type_hint or canonical_code(t)
    match = _NUMBER.search(rest)
    if match:
        num, t, iss, _year = match.groups()
        issuer = canonical_code(iss)
        if code_key(iss).startswith("UBTVQH"):  # the term as written ("UBTVQH15")
            issuer = "UBTVQH" + iss[6:]
        return format_number(Parts(num, None, canonical_code(t), issuer)), type_hint or canonical_code(t)
    match = _BARE.match(rest)
    if match and type_hint in _SOLE_ISSUER:
        return f"{match.group(1)}/{match.group(2)}/{type_hint}-{_SOLE_ISSUER[type_hint]}", type_hint
    return None, type_hint


def clean_filename(filename: str) -> str:
    """A file name as a last-resort title: ``bao_cao-tong_ket.pdf`` → ``Bao cao tong ket``."""
    stem = PurePath(filename).stem if filename else ""
    stem = re.sub(r"_[0-9a-f]{6}$", "", stem)
    words = re.sub(r"[_\-]+", " ", stem).strip()
    return words[:1].upper() + words[1:]
