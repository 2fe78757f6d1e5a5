"""Hostile and careless input: missing paths, decompression bombs, absurd page and pixel counts, binary garbage.

Every hostile file is generated here, small on disk; the limits are lowered where a realistic bomb would be big.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from documents.extract import extract_file
from documents.model import ExtractionError

MAX = 20_000_000


def code_of(path: Path, **kwargs: object) -> str:
    with pytest.raises(ExtractionError) as info:
        extract_file(path, max_bytes=MAX, **kwargs)  # type: ignore[arg-type]
    return info.value.code


# --- paths -------------------------------------------------------------------------------------------


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    assert code_of(tmp_path / "khong-co.pdf") == "not_found"
    assert code_of(tmp_path / "no-dir" / "x.txt") == "not_found"


def test_directory_is_not_found(tmp_path: Path) -> None:
    folder = tmp_path / "folder.txt"
    folder.mkdir()
    assert code_of(folder) == "not_found"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_not_found(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Nghị quyết", encoding="utf-8")
    path.chmod(0)
    try:
        assert code_of(path) == "not_found"
    finally:
        path.chmod(0o600)


def test_unopenable_file_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_text("Nghị quyết", encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert code_of(path) == "not_found"


def test_every_error_code_has_a_message_in_every_language() -> None:
    from bot.i18n import LANGUAGES, catalog

    for lang in LANGUAGES:
        missing = [code for code in ExtractionError.CODES if f"error.{code}" not in catalog(lang)]
        assert missing == [], (lang, missing)
