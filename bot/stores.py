"""Which backend holds the bot's state: ``<data_dir>/bot.sqlite3`` (the default), or the PostgreSQL database of
``NQBOT_DATABASE_URL`` (with the library, shared by several workers)."""

from __future__ import annotations

from bot.store import BotStore, store_path
from config.settings import Settings


def open_bot_store(settings: Settings, *, admin_ids: bool = True) -> BotStore:
    ids = settings.admin_ids if admin_ids else ()
    url = settings.database_url_value
    if url is not None:
        from bot.store_postgres import PostgresBotStore

        return PostgresBotStore(url, admin_ids=ids)
    return BotStore(store_path(settings.data_dir), admin_ids=ids)


def bot_store_exists(settings: Settings) -> bool:
    """Whether the bot has a store yet (always, with PostgreSQL: its tables are created on first use)."""
    return settings.database_url_value is not None or store_path(settings.data_dir).exists()
