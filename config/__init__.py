"""Settings for nqbot (pydantic-settings, ``NQBOT_`` environment variables or ``.env``)."""

from config.settings import Settings, get_settings

__all__ = ["Settings", "get_settings"]
