"""Message catalogs: every user-facing string lives in ``bot/locales/<lang>.json`` (vi is the default).

``t("key", lang, **fields)`` formats the message; a key missing in zh/en falls back to vi, and a key missing
everywhere is a programming error (tests check that all catalogs have the same keys).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["vi", "zh", "en"]
LANGUAGES: tuple[Lang, ...] = ("vi", "zh", "en")
DEFAULT_LANG: Lang = "vi"
_DIR = Path(__file__).with_name("locales")


@cache
def catalog(lang: str) -> dict[str, str]:
    data = json.loads((_DIR / f"{lang}.json").read_text(encoding="utf-8"))
    return {key: value for key, value in data.items() if not key.startswith("_")}


def normalise_lang(code: str | None) -> Lang:
    """A Telegram ``language_code`` or user choice → one of our languages (vi by default)."""
    code = (code or "").lower()
    if code.startswith("zh"):
        return "zh"
    if code.startswith("en"):
        return "en"
    return DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, /, **fields: object) -> str:
    text = catalog(normalise_lang(lang)).get(key) or catalog(DEFAULT_LANG)[key]
    return text.format(**fields) if fields else text
