"""The bot store in PostgreSQL: :class:`bot.store.BotStore`'s statements over a pool of connections, its tables
translated from the SQLite schema (one list of columns for both backends), plus what several workers must
share and one process kept in memory before: rate-limit windows, follow-up context, group access notices,
pending uploads' files and the webhook's update inbox (:mod:`bot.shared`)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from bot.store import _CURRENT, _STUDY, BotStore, UploadRow, UploadStatus
from index.database import Connection, Schema
from index.postgres import LOCK_NAMESPACE, PostgresDatabase, session_lock, sqlite_to_postgres

#: First key of the workers' liveness locks (the second is the worker's id).
WORKER_NAMESPACE = LOCK_NAMESPACE + 1

#: What several workers share (SQLite keeps these in the bot's memory: it is one process).
_SHARED = """
CREATE TABLE IF NOT EXISTS rate_windows (
    scope TEXT NOT NULL,
    key BIGINT NOT NULL,
    times TEXT NOT NULL,
    warned INTEGER NOT NULL DEFAULT 0,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE TABLE IF NOT EXISTS followups (
    chat_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    document_id BIGINT NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
CREATE TABLE IF NOT EXISTS group_notices (
    chat_id BIGINT PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS upload_files (
    upload_id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    content BYTEA NOT NULL
);
CREATE TABLE IF NOT EXISTS upload_owners (
    upload_id BIGINT PRIMARY KEY,
    worker BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS run_owners (
    run_id BIGINT PRIMARY KEY,
    worker BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS inbox (
    update_id BIGINT PRIMARY KEY,
    payload TEXT NOT NULL,
    worker BIGINT NOT NULL,
    state TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    done_at DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS inbox_state ON inbox(state, worker);
"""

#: Version 1: SQLite's version 3 and the shared state.
SCHEMA = Schema(version=1, create=sqlite_to_postgres(_CURRENT + _STUDY) + _SHARED)

#: The tables ``nqbot migrate`` copies (in this order: none refers to a later one).
TABLES = ("users", "invites", "invite_uses", "chats", "group_members", "questions", "feedback", "uploads",
          "settings", "audit", "quiz_banks", "quiz_questions", "quiz_generated", "quiz_runs", "quiz_rounds",
          "quiz_answers", "study_hosts", "study_sessions", "study_attendance", "study_questions", "saved_passages",
          "practice_boxes", "daily_quizzes", "contests", "contest_attempts")


class PostgresBotStore(PostgresDatabase, BotStore):
    """The bot store of one worker: ``worker`` is this process's id, alive while it holds its advisory lock (on a
    connection of its own: PostgreSQL releases it the moment the process dies, ``kill -9`` included)."""

    store = "bot"
    shared = True

    def __init__(self, url: str, *, admin_ids: Iterable[int] = ()) -> None:
        PostgresDatabase.__init__(self, url, SCHEMA)
        self.worker = secrets.randbelow(2**31 - 1) + 1
        self._life = session_lock(url, WORKER_NAMESPACE, self.worker)
        self._record_admins(admin_ids)

    def close(self) -> None:
        life = getattr(self, "_life", None)  # not there when the database was refused
        if life is not None and not life.closed:
            life.close()
        PostgresDatabase.close(self)

    def worker_alive(self, worker: int) -> bool:
        """Whether the worker ``worker`` still runs (holds its lock)."""
        if worker == self.worker:
            return True
        with self.connection() as connection:
            taken = connection.execute("SELECT pg_try_advisory_lock(%s, %s)", (WORKER_NAMESPACE, worker)).fetchone()
            if taken is not None and taken[0]:
                connection.execute("SELECT pg_advisory_unlock(%s, %s)", (WORKER_NAMESPACE, worker))
                return False
        return True

    # uploads: files and owners ----------------------------------------------------------------------------
    def keep_upload_file(self, upload_id: int, path: Path) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO upload_files (upload_id, name, content) VALUES (?, ?, ?) ON CONFLICT(upload_id) "
                       "DO UPDATE SET name = excluded.name, content = excluded.content",
                       (upload_id, path.name, path.read_bytes()))

    def fetch_upload_file(self, upload_id: int, target: Path) -> bool:
        row = self._one("SELECT content FROM upload_files WHERE upload_id = ?", (upload_id,))
        if row is None:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes(row[0]))
        return True

    def drop_upload_file(self, upload_id: int) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM upload_files WHERE upload_id = ?", (upload_id,))

    def _own(self, upload_id: int) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO upload_owners (upload_id, worker) VALUES (?, ?) ON CONFLICT(upload_id) "
                       "DO UPDATE SET worker = excluded.worker", (upload_id, self.worker))

    def create_upload(self, user_id: int, chat_id: int, source_name: str) -> int:
        upload_id = BotStore.create_upload(self, user_id, chat_id, source_name)
        self._own(upload_id)
        return upload_id

    def claim_upload(self, upload_id: int, expected: UploadStatus, new: UploadStatus) -> bool:
        claimed = BotStore.claim_upload(self, upload_id, expected, new)
        if claimed:
            self._own(upload_id)
        return claimed

    def own_run(self, db: Connection, run_id: int) -> None:
        db.execute("INSERT INTO run_owners (run_id, worker) VALUES (?, ?)", (run_id, self.worker))

    def adopt_runs(self, run_ids: Sequence[int]) -> list[int]:
        """Runs whose worker is gone (or never recorded), each taken over by exactly one worker: the owner is
        swapped only if it is still the dead one, so two survivors never both adopt a run."""
        adopted = []
        for run_id in run_ids:
            row = self._one("SELECT worker FROM run_owners WHERE run_id = ?", (run_id,))
            with self.transaction() as db:
                if row is None:
                    taken = db.execute("INSERT INTO run_owners (run_id, worker) VALUES (?, ?) ON CONFLICT(run_id) "
                                       "DO NOTHING RETURNING run_id", (run_id, self.worker)).fetchone()
                elif int(row["worker"]) != self.worker and not self.worker_alive(int(row["worker"])):
                    taken = db.execute("UPDATE run_owners SET worker = ? WHERE run_id = ? AND worker = ? "
                                       "RETURNING run_id", (self.worker, run_id, int(row["worker"]))).fetchone()
                else:
                    taken = None
            if taken is not None:
                adopted.append(run_id)
        return adopted

    def interrupted_uploads(self) -> list[UploadRow]:
        """Uploads being read or indexed by a worker that is gone (not those another worker is busy with)."""
        rows = self._query("SELECT u.*, o.worker AS owner FROM uploads u LEFT JOIN upload_owners o "
                           "ON o.upload_id = u.id WHERE u.status IN ('parsing', 'indexing')")
        return [self._upload(r) for r in rows if r["owner"] is None or not self.worker_alive(int(r["owner"]))]
