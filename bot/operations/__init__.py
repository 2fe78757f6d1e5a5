"""Operations: what an office needs to run nqbot for years — backups, restores, checks, upgrades and health.

* :mod:`bot.operations.archive` — the backup archive format (members, manifest, checksums), written atomically
  and read in two passes: everything is checked before anything is written;
* :mod:`bot.operations.databases` — the storage backend: today SQLite files in the data directory (online backup
  API, ``PRAGMA user_version``); a PostgreSQL backend (issue 9) implements the same small :class:`Backend`;
* :mod:`bot.operations.backup` — ``nqbot backup``, rotation, and the automatic backup before a schema upgrade;
* :mod:`bot.operations.restore` — ``nqbot restore`` into an empty data directory;
* :mod:`bot.operations.verify` — ``nqbot verify``: integrity of a live data directory;
* :mod:`bot.operations.health` — the bot's status row, ``/healthz`` and ``nqbot status``;
* :mod:`bot.operations.schedule` — when the daily backup runs (``NQBOT_BACKUP_AT`` in ``NQBOT_TIMEZONE``).

Everything here raises :class:`bot.operations.errors.OperationError` with a code; the CLI and the Telegram bot
turn it into a message. Logs name files, ids and counts, never a question or a document's text.
"""
