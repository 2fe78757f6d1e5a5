"""How much one file may unpack, yield and cost before it is refused (decompression bombs, absurd files).

The defaults equal the settings' defaults (``NQBOT_MAX_UNPACKED_MB`` …); :meth:`Limits.from_settings` builds them
from :class:`config.settings.Settings` (or anything with the same attributes). Each ``check_*`` raises an
:class:`~documents.model.ExtractionError` whose code names the limit that was exceeded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

MB = 1024 * 1024


class LimitSettings(Protocol):
    max_unpacked_mb: int
    max_unpacked_member_mb: int


@dataclass(frozen=True)
class Limits:
    unpacked_bytes: int = 100 * MB  # all members of a ZIP container together, uncompressed
    member_bytes: int = 25 * MB  # one member (word/document.xml, …), uncompressed

    @classmethod
    def from_settings(cls, settings: LimitSettings) -> Limits:
        return cls(
            unpacked_bytes=settings.max_unpacked_mb * MB,
            member_bytes=settings.max_unpacked_member_mb * MB,
        )


DEFAULT_LIMITS = Limits()
