"""Message catalogs: every user-facing string lives in ``bot/locales/<lang>.json`` (vi is the default).

``t("key", lang, **fields)`` formats the message; a key missing in zh/en falls back to vi, and a key missing
everywhere is a programming error (tests check that all catalogs have the same keys).

Counts are written as ICU plural blocks, ``{count, plural, one {# file} other {# files}}`` (``#`` is the
number): English picks ``one`` for 1 and ``other`` otherwise; Vietnamese and Chinese do not inflect, so their
catalogs just write ``{count} tệp`` (a block there would always take ``other``).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["vi", "zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("vi", "zh", "en")
DEFAULT_LANG: Lang = "vi"
_DIR = Path(__file__).with_name("locales")
_PLURAL = re.compile(r"\{(\w+), plural,")
_BRANCH = re.compile(r"\s*(\w+)\s*\{")


@cache
def catalog(lang: str) -> dict[str, str]:
    data = json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def normalise_lang(code: str | None) -> Lang:
    """A Telegram ``language_code`` (``zh-hans``, ``en-US``…) or a user's choice → one of our languages; any
    other language → vi."""
    primary = re.split(r"[-_]", (code or "").strip().lower(), maxsplit=1)[0]
    return "zh" if primary == "zh" else "en" if primary == "en" else DEFAULT_LANG


def plural_category(lang: str, count: object) -> str:
    """CLDR plural category of ``count``: English has ``one`` and ``other``; Vietnamese and Chinese only
    ``other``."""
    return "one" if normalise_lang(lang) == "en" and count == 1 else "other"


def plural_blocks(text: str) -> list[tuple[int, int, str, dict[str, str]]]:
    """Each ``{name, plural, category {text} …}`` block: (start, end, name, branches)."""
    blocks: list[tuple[int, int, str, dict[str, str]]] = []
    for match in _PLURAL.finditer(text):
        branches: dict[str, str] = {}
        position = match.end()
        while (branch := _BRANCH.match(text, position)) is not None:
            depth, end = 1, branch.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0)
                end += 1
            branches[branch.group(1)] = text[branch.end():end - 1]
            position = end
        closing = text.index("}", position)
        blocks.append((match.start(), closing + 1, match.group(1), branches))
    return blocks


def template(key: str, lang: str, fields: Mapping[str, object]) -> str:
    """The catalog text of ``key`` with its plural blocks resolved for ``fields`` (a ``str.format`` template)."""
    text = catalog(normalise_lang(lang)).get(key) or catalog(DEFAULT_LANG)[key]
    for start, end, name, branches in reversed(plural_blocks(text)):
        chosen = branches.get(plural_category(lang, fields[name]), branches["other"])
        text = text[:start] + chosen.replace("#", "{" + name + "}") + text[end:]
    return text


def placeholders(text: str) -> set[str]:
    """The fields a catalog text uses (plural blocks included)."""
    names: set[str] = set()
    for start, end, name, branches in reversed(plural_blocks(text)):
        names.add(name)
        text = text[:start] + " ".join(branches.values()).replace("#", "") + text[end:]
    return names | {field.split(":")[0].split("!")[0] for _, field, _, _ in string.Formatter().parse(text) if field}


def t(key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
    text = template(key, lang, fields)
    return text.format(**fields) if fields else text
