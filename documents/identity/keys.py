"""Matching keys: a question's :class:`DocRef` matches a document when its key is one of the document's.

A ref matches when the numbers are equal, and (the ref has no type code or the type codes are equal), and (the
ref has no issuer code or the issuer codes are equal), and (the ref has no year or the years are equal: state
numbers restart every year, 36/2023/QĐ-UBND is not 36/2025/QĐ-UBND): exactly
``ref_key(ref) in identity_keys(identity)``. Keys are folded upper ASCII, so ``QD`` == ``QĐ``.
"""

from __future__ import annotations

import re

from documents.identity.codes import DOC_TYPES, code_key, type_named
from documents.identity.mentions import find_mentions
from documents.model import DocIdentity, DocRef
from documents.text import fold


def identity_ref(identity: DocIdentity) -> DocRef | None:
    """The document's own number as a :class:`DocRef` (None without a number)."""
    if not identity.number:
        return None
    refs = find_mentions(identity.number)
    if not refs:
        return None
    ref = refs[0]
    if ref.type_code is None and identity.doc_type:
        row = type_named(identity.doc_type)
        if row and row.coded:  # "76/2025/UBTVQH15" is a Nghị quyết: NQ
            ref = DocRef(ref.number, row.code, ref.issuer_code, ref.span, ref.year)
    return ref


def ref_key(ref: DocRef) -> str:
    """``number|TYPE|ISSUER`` with the parts the ref has, folded (``57|QD|TW``, ``57|NQ|``, ``57||TW``), and
    ``|YEAR`` when it has one (``36|QD|UBND|2023``)."""
    key = "|".join((ref.number, code_key(ref.type_code or ""), code_key(ref.issuer_code or "")))
    return f"{key}|{ref.year}" if ref.year else key


_ISSUES = re.compile(r"\bban hanh (?:kem theo )?(?P<name>[a-z ]+)")


def issued_types(title: str) -> list[str]:
    """Type codes of what a decision issues ("Quyết định ban hành quy chế bồi dưỡng …" → ``["QC"]``): members
    call the regulation by the decision's number ("quy chế 1147")."""
    found = _ISSUES.search(fold(title))
    if found is None:
        return []
    name = found.group("name")
    return [t.code for t in DOC_TYPES if name.startswith(fold(t.name) + " ") or name == fold(t.name)]


def identity_keys(identity: DocIdentity) -> set[str]:
    """Every :func:`ref_key` that should match this document (see the module docstring for the rule)."""
    ref = identity_ref(identity)
    if ref is None:
        return set()
    issuer_key = code_key(ref.issuer_code or "")
    keys = {f"{ref.number}||"}
    if issuer_key:
        keys.add(f"{ref.number}||{issuer_key}")
    for type_key in {code_key(code) for code in [ref.type_code or "", *issued_types(identity.title or "")] if code}:
        keys.add(f"{ref.number}|{type_key}|")
        if issuer_key:
            keys.add(f"{ref.number}|{type_key}|{issuer_key}")
    if ref.year:
        keys |= {f"{key}|{ref.year}" for key in keys}
    return keys


def ref_matches(ref: DocRef, identity: DocIdentity) -> bool:
    return ref_key(ref) in identity_keys(identity)
