"""The part of e5's 250,002-piece vocabulary that Vietnamese, Chinese and English text can use.

multilingual-e5-small tokenises with a Unigram model: a text is cut into the best-scoring sequence of pieces
that match its (normalised) characters. A piece made of characters a text does not contain can never match
it, so dropping such pieces changes nothing for that text: the tokenizer pruned here gives every text whose
characters are all :func:`usable` exactly the pieces of the full one (checked on the whole shared corpus, the
evaluation sets and the benchmark questions: 3.56 million tokens, no difference), and the embedding rows of
the dropped pieces are never read. What is dropped: pieces with letters of other scripts (Arabic, Devanagari,
Hangul, Hebrew, Thai, kana…): ~80,000 of the 250,002, and with them ~120 MB of the tokenizer's memory.

A text with letters of a dropped script gets the unknown piece for them instead (its vector moves a little);
the lowest-scoring piece is always kept, so the penalty of an unknown piece is the full tokenizer's.
"""

from __future__ import annotations

import copy
import unicodedata
from typing import Any

#: Scripts whose letters stay (by the first word of the Unicode character name). Non-letters always stay.
KEPT_SCRIPTS = frozenset({"LATIN", "GREEK", "CYRILLIC", "CJK", "COMBINING", "IDEOGRAPHIC", "MODIFIER"})
#: SentencePiece's word-boundary mark (a space, after normalisation).
METASPACE = "\u2581"
#: Pieces before this id are the special tokens (<s>, <pad>, </s>, <unk>).
SPECIALS = 4


def usable(char: str) -> bool:
    """A character of Vietnamese, Chinese or English text (or of text quoted in them: Greek, Cyrillic)."""
    if char == METASPACE or unicodedata.category(char)[0] not in "LM":
        return True
    return unicodedata.name(char, "?").split(" ", 1)[0] in KEPT_SCRIPTS


def prune_tokenizer(tokenizer: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    """(the tokenizer.json of a Unigram tokenizer with only the usable pieces, the kept pieces' old ids in
    order): new id ``i`` is old id ``kept[i]``. Special and added tokens keep working under their new ids."""
    model = tokenizer["model"]
    if model.get("type") != "Unigram":
        raise ValueError("only Unigram tokenizers can be pruned")
    vocab: list[list[Any]] = model["vocab"]
    lowest = min(range(len(vocab)), key=lambda i: vocab[i][1])
    kept = [i for i, (piece, _score) in enumerate(vocab)
            if i < SPECIALS or i == lowest or all(usable(char) for char in piece)]
    new_id = {old: new for new, old in enumerate(kept)}
    pruned = copy.deepcopy(tokenizer)
    pruned["model"]["vocab"] = [vocab[i] for i in kept]
    if model.get("unk_id") is not None:
        pruned["model"]["unk_id"] = new_id[model["unk_id"]]
    for added in pruned.get("added_tokens") or []:
        if added["id"] not in new_id:
            raise ValueError(f"added token {added['content']!r} would be pruned")
        added["id"] = new_id[added["id"]]
    processor = pruned.get("post_processor") or {}
    for special in (processor.get("special_tokens") or {}).values():
        special["ids"] = [new_id[i] for i in special["ids"]]
    return pruned, kept
