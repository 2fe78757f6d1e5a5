"""Who issued what: document identity from the letterhead, and loose document mentions in questions.

Canonical forms
---------------
* ``DocIdentity.number`` keeps the document's own spelling: Party ``57-NQ/TW``, ``383-QĐ/TW``, ``07-KL/VPTW``;
  state ``25/2025/NĐ-CP``, ``1678/NQ-UBTVQH15``, ``60/2024/QH15`` (``Đ`` kept, leading zeros kept).
* ``DocRef.type_code`` is upper case *with* ``Đ`` (``"NQ"``, ``"QĐ"``, ``"NĐ"``, ``"CĐ"``);
  ``DocRef.number`` has no leading zeros (``"05"`` → ``"5"``); ``DocRef.issuer_code`` is the code as
  written (``"TW"``, ``"CP"``).
* Matching keys (:func:`ref_key`, :func:`identity_keys`) are ASCII-folded upper case, so ``QD`` == ``QĐ``.

Modules
-------
* :mod:`.codes` — the table of document types and the table of issuer codes; :mod:`.vocabulary` — every word
  list and regex alternation derived from them.
* :mod:`.casing` — sentence case for upper-case headings; :mod:`.lines` — the head as cleaned lines.
* :mod:`.numbers` — written numbers; :mod:`.dates`; :mod:`.filenames`.
* :mod:`.letterheads` — number line, issuing body, signer; :mod:`.titles` — type line, subject, readable title.
* :mod:`.head` — all of the above read once from a text; :mod:`.fields` — :func:`parse_identity`, one function
  per field.
* :mod:`.mentions` — :func:`find_mentions` in questions; :mod:`.keys` — matching a mention to a document.
"""

from __future__ import annotations

from documents.identity.fields import parse_identity
from documents.identity.keys import identity_keys, identity_ref, ref_key, ref_matches
from documents.identity.mentions import find_mentions
from documents.identity.titles import body_start

__all__ = ["body_start", "find_mentions", "identity_keys", "identity_ref", "parse_identity", "ref_key",
           "ref_matches"]
