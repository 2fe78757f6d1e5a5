"""The one error of the operations commands: a code (a message key ``ops.error.<code>``) and its fields."""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    """Why a backup, restore or check could not be done. Each has a message ``ops.error.<value>``."""

    NOT_FOUND = "not_found"  # the archive (or data directory) does not exist
    NOT_AN_ARCHIVE = "not_an_archive"  # not a gzip file at all
    TRUNCATED = "truncated"  # the archive ends early
    CORRUPT = "corrupt"  # compressed data, a tar header or a checksum does not match
    NO_MANIFEST = "no_manifest"  # a complete gzip/tar stream without MANIFEST.json
    BAD_MANIFEST = "bad_manifest"  # MANIFEST.json unreadable, of another format, or its own checksum is wrong
    UNEXPECTED_MEMBER = "unexpected_member"  # a member nqbot never writes (path tricks, links, devices …)
    MISSING_MEMBER = "missing_member"  # the manifest lists a member the archive lacks
    TOO_NEW = "too_new"  # written by a newer nqbot: a database schema or the archive format is newer
    TARGET_NOT_EMPTY = "target_not_empty"  # restore only into an empty data directory
    NOTHING_TO_BACK_UP = "nothing_to_back_up"  # the data directory has no catalog
    BUSY = "busy"  # another backup into the same directory is running
    UNSUPPORTED = "unsupported"  # the configured backend cannot do this (see the message)
    POSTGRES_BACKEND = "postgres_backend"  # backup/restore/verify of files, but the library is in PostgreSQL
    NO_LIBRARY = "no_library"  # migrate: the data directory has no catalog
    DATABASE_NOT_EMPTY = "database_not_empty"  # migrate only into an empty database
    DATABASE = "database"  # the database refused or could not be reached (the message says why)


class OperationError(RuntimeError):
    """A backup, restore or check refused or failed, with a code the front ends translate."""

    def __init__(self, code: Refusal, detail: str = "", **fields: object) -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail
        self.fields = {"detail": detail, **fields}

    def message(self, lang: str = "vi") -> str:
        """What the operator reads (``ops.error.<code>`` in ``lang``)."""
        from bot.i18n import t

        return t(f"ops.error.{self.code.value}", lang, **self.fields)


def failure_message(error: BaseException, lang: str = "vi") -> str:
    """Any failure of a backup or restore as one line for the operator (no traceback, no document text)."""
    from bot.i18n import t

    if isinstance(error, OperationError):
        return error.message(lang)
    if isinstance(error, OSError):
        return t("ops.error.io", lang, detail=f"{error.strerror or type(error).__name__}: {error.filename or ''}")
    return type(error).__name__
