"""What ``NQBOT_DATABASE_URL`` names, and how it may be shown: a PostgreSQL URL never reaches a log or a message
with its password in it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url or "").scheme in ("postgresql", "postgres")


def redact(url: str) -> str:
    """The URL with its password (in the authority or as ``password=``) replaced by ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        credentials, host = netloc.rsplit("@", 1)
        if ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        netloc = f"{credentials}@{host}"
    query = re.sub(r"(^|&)password=[^&]*", r"\1password=***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
