"""What the Telegram bot knows, in SQLite (``data_dir/bot.sqlite3``): users and roles, invites, chats, the
question log with feedback, pending uploads and bot settings.

Synchronous and thread-safe (one connection behind a lock, WAL); the bot calls it off the event loop.
Everything here survives a restart. Roles: ``admin`` and ``member`` grant access, ``revoked`` bars a user
even from allowed groups, ``none`` is a user we have only seen. Admins listed in the settings are admins
whatever the database says.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar, Literal

from bot.audit import Action, AuditEntry, Via
from index.database import Connection, Database, Row, Schema
from index.database import now as _now

Role = Literal["admin", "member", "none", "revoked"]
RedeemResult = Literal["ok", "already", "invalid", "expired", "used_up", "revoked"]
UploadStatus = Literal["parsing", "pending", "indexing", "done", "failed", "cancelled", "expired"]

_CURRENT = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    first_name TEXT NOT NULL DEFAULT '',
    username TEXT,
    role TEXT NOT NULL DEFAULT 'none',
    lang TEXT,
    invited_by INTEGER,
    access_notice_at REAL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS users_username ON users(username COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS invites (
    code TEXT PRIMARY KEY,
    created_by INTEGER NOT NULL,
    uses_left INTEGER NOT NULL,
    max_uses INTEGER NOT NULL,
    expires_at REAL NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS invite_uses (
    code TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS chats (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    allowed INTEGER NOT NULL DEFAULT 0,
    allowed_by INTEGER,
    lang TEXT,
    documents TEXT,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS group_members (
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    asked_at REAL NOT NULL,
    day TEXT NOT NULL,
    text TEXT NOT NULL,
    found INTEGER NOT NULL,
    citations INTEGER NOT NULL,
    document_id INTEGER,
    millis INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS questions_day ON questions(day);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    vote INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (question_id, user_id)
);
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    source_name TEXT NOT NULL,
    path TEXT,
    status TEXT NOT NULL,
    message_id INTEGER,
    document_id INTEGER,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor_id INTEGER,
    via TEXT NOT NULL DEFAULT 'telegram',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
"""

#: Version 2: the admins' audit log.
_AUDIT = """
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    actor_id INTEGER,
    via TEXT NOT NULL DEFAULT 'telegram',
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);
"""

#: Version 3: study sessions — question banks, quizzes and their answers, guided reading and attendance, saved
#: passages, practice boxes, daily questions, contests (see :mod:`bot.study`).
_STUDY = """
CREATE TABLE IF NOT EXISTS quiz_banks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    imported_by INTEGER,
    via TEXT NOT NULL DEFAULT 'telegram',
    questions INTEGER NOT NULL DEFAULT 0,
    backed INTEGER NOT NULL DEFAULT 0,
    imported_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS quiz_questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    origin TEXT NOT NULL,
    kind TEXT NOT NULL,
    bank_id INTEGER,
    label TEXT NOT NULL DEFAULT '',
    document_id INTEGER,
    version_id INTEGER,
    chunk_id INTEGER,
    question TEXT NOT NULL,
    options TEXT NOT NULL,
    correct INTEGER NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    locator TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT '',
    quote_start INTEGER,
    quote_end INTEGER,
    answer_start INTEGER,
    answer_end INTEGER,
    status TEXT NOT NULL DEFAULT 'ok',
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS quiz_questions_document ON quiz_questions(document_id, enabled);
CREATE TABLE IF NOT EXISTS quiz_generated (
    version_id INTEGER PRIMARY KEY,
    questions INTEGER NOT NULL,
    generated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS quiz_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    thread_id INTEGER,
    started_by INTEGER NOT NULL,
    documents TEXT,
    questions TEXT NOT NULL,
    planned INTEGER NOT NULL DEFAULT 0,
    seconds INTEGER,
    session_id INTEGER,
    contest_id INTEGER,
    status TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'vi',
    started_at REAL NOT NULL,
    ended_at REAL
);
CREATE INDEX IF NOT EXISTS quiz_runs_chat ON quiz_runs(chat_id, status);
CREATE TABLE IF NOT EXISTS quiz_rounds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    question_id INTEGER NOT NULL,
    ordinal INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    message_id INTEGER,
    poll_id TEXT UNIQUE,
    opened_at REAL NOT NULL,
    closes_at REAL,
    closed_at REAL
);
CREATE INDEX IF NOT EXISTS quiz_rounds_run ON quiz_rounds(run_id, ordinal);
CREATE TABLE IF NOT EXISTS quiz_answers (
    round_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    choice INTEGER NOT NULL,
    correct INTEGER NOT NULL,
    answered_at REAL NOT NULL,
    PRIMARY KEY (round_id, user_id)
);
CREATE INDEX IF NOT EXISTS quiz_answers_user ON quiz_answers(user_id);
CREATE TABLE IF NOT EXISTS study_hosts (
    chat_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    granted_by INTEGER,
    at REAL NOT NULL,
    PRIMARY KEY (chat_id, user_id)
);
CREATE TABLE IF NOT EXISTS study_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    thread_id INTEGER,
    document_id INTEGER NOT NULL,
    host_id INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    lang TEXT NOT NULL DEFAULT 'vi',
    started_at REAL NOT NULL,
    ended_at REAL
);
CREATE INDEX IF NOT EXISTS study_sessions_chat ON study_sessions(chat_id, status);
CREATE TABLE IF NOT EXISTS study_attendance (
    session_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (session_id, user_id)
);
CREATE TABLE IF NOT EXISTS study_questions (
    session_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    question_id INTEGER NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS study_questions_session ON study_questions(session_id);
CREATE TABLE IF NOT EXISTS saved_passages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    document_id INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    chunk_id INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    saved_at REAL NOT NULL,
    UNIQUE (user_id, version_id, start, end)
);
CREATE TABLE IF NOT EXISTS practice_boxes (
    user_id INTEGER NOT NULL,
    question_id INTEGER NOT NULL,
    box INTEGER NOT NULL,
    due_step INTEGER NOT NULL,
    right INTEGER NOT NULL DEFAULT 0,
    wrong INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL,
    PRIMARY KEY (user_id, question_id)
);
CREATE TABLE IF NOT EXISTS daily_quizzes (
    chat_id INTEGER NOT NULL,
    thread_id INTEGER NOT NULL DEFAULT 0,
    at TEXT NOT NULL,
    documents TEXT,
    created_by INTEGER NOT NULL,
    last_day TEXT,
    last_round INTEGER,
    created_at REAL NOT NULL,
    PRIMARY KEY (chat_id, thread_id)
);
CREATE TABLE IF NOT EXISTS contests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    created_by INTEGER NOT NULL,
    documents TEXT,
    questions TEXT NOT NULL,
    seconds INTEGER,
    deadline REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS contest_attempts (
    contest_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    run_id INTEGER NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    PRIMARY KEY (contest_id, user_id)
);
"""

SCHEMA = Schema(version=3, create=_CURRENT + _STUDY, migrations={2: _AUDIT, 3: _STUDY})

#: What a backup's manifest counts in this database (name → query; a table an older file lacks is skipped).
COUNTS = {
    "users": "SELECT COUNT(*) FROM users",
    "members": "SELECT COUNT(*) FROM users WHERE role IN ('admin', 'member')",
    "questions": "SELECT COUNT(*) FROM questions",
    "feedback": "SELECT COUNT(*) FROM feedback",
    "groups": "SELECT COUNT(*) FROM chats WHERE allowed = 1",
    "audit": "SELECT COUNT(*) FROM audit",
    "quiz_questions": "SELECT COUNT(*) FROM quiz_questions",
    "quiz_answers": "SELECT COUNT(*) FROM quiz_answers",
    "contest_attempts": "SELECT COUNT(*) FROM contest_attempts",
    "study_sessions": "SELECT COUNT(*) FROM study_sessions",
}


INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are sometimes typed
#: SQLite's INTEGER is signed 64-bit: a larger number in a query raises OverflowError.
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def store_path(data_dir: Path) -> Path:
    """Where the bot store of a data directory lives."""
    return data_dir / "bot.sqlite3"


def parse_id(text: str) -> int | None:
    """A positive id as typed or sent back by a button (ASCII digits, within SQLite's range), else None."""
    text = text.strip()
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


@dataclass(frozen=True)
class UserRow:
    id: int
    first_name: str
    username: str | None
    role: Role
    lang: str | None
    invited_by: int | None
    created_at: float

    @property
    def display(self) -> str:
        return f"@{self.username}" if self.username else (self.first_name or str(self.id))


@dataclass(frozen=True)
class Invite:
    code: str
    created_by: int
    uses_left: int
    max_uses: int
    expires_at: float


@dataclass(frozen=True)
class ChatRow:
    id: int
    kind: str
    title: str
    allowed: bool
    lang: str | None
    #: Document ids a study group is restricted to; ``None`` = every document.
    documents: tuple[int, ...] | None


@dataclass(frozen=True)
class QuestionRow:
    id: int
    chat_id: int
    user_id: int
    asked_at: float
    text: str
    found: bool
    citations: int
    document_id: int | None


@dataclass(frozen=True)
class UploadRow:
    id: int
    user_id: int
    chat_id: int
    source_name: str
    path: str | None
    status: UploadStatus
    message_id: int | None
    document_id: int | None
    error: str | None
    created_at: float


@dataclass(frozen=True)
class DayCount:
    day: str
    questions: int
    not_found: int


@dataclass(frozen=True)
class StatsReport:
    days: list[DayCount]
    total: int
    not_found: int
    up_votes: int
    down_votes: int
    #: (question id, question text, found) of the latest 👎, newest first.
    downvoted: list[tuple[int, str, bool]]
    users: int
    members: int
    admins: int
    groups: int

    @property
    def not_found_rate(self) -> float:
        return self.not_found / self.total if self.total else 0.0


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


class BotStore(Database):
    #: Whether several worker processes share this store (PostgreSQL); SQLite's is one process's.
    shared: ClassVar[bool] = False

    def __init__(self, path: Path, *, admin_ids: Iterable[int] = ()) -> None:
        super().__init__(path, SCHEMA)
        self._record_admins(admin_ids)

    def _record_admins(self, admin_ids: Iterable[int]) -> None:
        """The admins the settings name are admins in the store too."""
        self.config_admins = frozenset(admin_ids)
        with self.transaction() as db:
            for admin in self.config_admins:
                now = _now()
                db.execute(
                    "INSERT INTO users (id, role, created_at, updated_at) VALUES (?, 'admin', ?, ?) "
                    "ON CONFLICT(id) DO UPDATE SET role = 'admin'",
                    (admin, now, now),
                )

    # reads for the study records (bot/study), which share this connection ------------------------------
    def rows(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        return self._query(sql, params)

    def row(self, sql: str, params: Sequence[object] = ()) -> Row | None:
        return self._one(sql, params)

    # users --------------------------------------------------------------------------------------------
    def _user(self, row: Row) -> UserRow:
        role: Role = "admin" if row["id"] in self.config_admins else row["role"]
        return UserRow(row["id"], row["first_name"], row["username"], role, row["lang"], row["invited_by"],
                       row["created_at"])

    def touch_user(self, user_id: int, first_name: str = "", username: str | None = None) -> UserRow:
        """Record (or refresh the name of) a user we have seen; returns the stored row. Someone seen before
        under the same name costs one read, no write (strangers may send a lot)."""
        row = self._one("SELECT * FROM users WHERE id = ?", (user_id,))
        if row is not None and row["first_name"] == first_name and row["username"] == username:
            return self._user(row)
        now = _now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users (id, first_name, username, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, "
                "username = excluded.username, updated_at = excluded.updated_at",
                (user_id, first_name, username, now, now),
            )
            row = db.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return self._user(row)

    def user(self, user_id: int) -> UserRow | None:
        row = self._one("SELECT * FROM users WHERE id = ?", (user_id,))
        return self._user(row) if row else None

    def find_user(self, text: str) -> UserRow | None:
        """A user by numeric id or ``@username`` (as typed by an admin)."""
        text = text.strip()
        if text[:1].isdigit():
            user_id = parse_id(text)
            return self.user(user_id) if user_id is not None else None
        row = self._one("SELECT * FROM users WHERE lower(username) = lower(?)", (text.lstrip("@"),))
        return self._user(row) if row else None

    def role(self, user_id: int) -> Role:
        if user_id in self.config_admins:
            return "admin"
        row = self._one("SELECT role FROM users WHERE id = ?", (user_id,))
        return row["role"] if row else "none"

    def is_admin(self, user_id: int) -> bool:
        return self.role(user_id) == "admin"

    def set_role(self, user_id: int, role: Role, *, by: int | None = None) -> None:
        now = _now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users (id, role, invited_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET role = excluded.role, updated_at = excluded.updated_at, "
                "invited_by = COALESCE(users.invited_by, excluded.invited_by), access_notice_at = NULL",
                (user_id, role, by, now, now),
            )

    def set_user_lang(self, user_id: int, lang: str) -> None:
        now = _now()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO users (id, lang, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at",
                (user_id, lang, now, now),
            )

    def users(self, roles: Sequence[Role] = ("admin", "member", "revoked")) -> list[UserRow]:
        rows = [self._user(r) for r in self._query("SELECT * FROM users ORDER BY created_at, id")]
        return [u for u in rows if u.role in roles]

    def admin_ids(self) -> list[int]:
        return [u.id for u in self.users(("admin",))]

    def has_group_access(self, user_id: int) -> bool:
        """Seen (asking or joining) in a group that is currently allowed."""
        row = self._one(
            "SELECT 1 FROM group_members m JOIN chats c ON c.id = m.chat_id WHERE m.user_id = ? AND c.allowed = 1",
            (user_id,),
        )
        return row is not None

    def record_group_member(self, chat_id: int, user_id: int) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO group_members (chat_id, user_id, seen_at) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id, user_id) DO UPDATE SET seen_at = excluded.seen_at",
                (chat_id, user_id, _now()),
            )

    def access_notice_due(self, user_id: int, interval: float) -> bool:
        """True (and remember it) when the "how to get access" notice was not sent in the last ``interval``.
        While it is not due this is one read."""
        if not self._notice_due(self._one("SELECT access_notice_at FROM users WHERE id = ?", (user_id,)), interval):
            return False
        now = _now()
        with self.transaction() as db:  # checked again: two updates of one person may race here
            if not self._notice_due(db.execute("SELECT access_notice_at FROM users WHERE id = ?",
                                               (user_id,)).fetchone(), interval):
                return False
            db.execute(
                "INSERT INTO users (id, access_notice_at, created_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET access_notice_at = excluded.access_notice_at",
                (user_id, now, now, now),
            )
        return True

    @staticmethod
    def _notice_due(row: Row | None, interval: float) -> bool:
        last = row["access_notice_at"] if row else None
        return last is None or _now() - last >= interval

    # invites ------------------------------------------------------------------------------------------
    def create_invite(self, created_by: int, *, uses: int = 1, ttl: timedelta = timedelta(days=7)) -> Invite:
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
        expires = _now() + ttl.total_seconds()
        with self.transaction() as db:
            db.execute(
                "INSERT INTO invites (code, created_by, uses_left, max_uses, expires_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (code, created_by, uses, uses, expires, _now()),
            )
        return Invite(code, created_by, uses, uses, expires)

    def redeem_invite(self, code: str, user_id: int) -> RedeemResult:
        code = code.strip().upper()
        now = _now()
        with self.transaction() as db:
            user = db.execute("SELECT role FROM users WHERE id = ?", (user_id,)).fetchone()
            role = "admin" if user_id in self.config_admins else (user["role"] if user else "none")
            invite = db.execute("SELECT * FROM invites WHERE code = ?", (code,)).fetchone()
            if invite is None:
                return "invalid"
            if role in ("admin", "member"):
                return "already"
            if role == "revoked":
                return "revoked"
            if invite["expires_at"] < now:
                return "expired"
            if invite["uses_left"] <= 0:
                return "used_up"
            db.execute("UPDATE invites SET uses_left = uses_left - 1 WHERE code = ?", (code,))
            db.execute("INSERT INTO invite_uses (code, user_id, at) VALUES (?, ?, ?)", (code, user_id, now))
            db.execute(
                "INSERT INTO users (id, role, invited_by, created_at, updated_at) VALUES (?, 'member', ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET role = 'member', invited_by = excluded.invited_by, "
                "updated_at = excluded.updated_at",
                (user_id, invite["created_by"], now, now),
            )
        return "ok"

    # chats --------------------------------------------------------------------------------------------
    @staticmethod
    def _chat(row: Row) -> ChatRow:
        documents = tuple(json.loads(row["documents"])) if row["documents"] is not None else None
        return ChatRow(row["id"], row["kind"], row["title"], bool(row["allowed"]), row["lang"], documents)

    def chat(self, chat_id: int) -> ChatRow | None:
        row = self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return self._chat(row) if row else None

    def touch_chat(self, chat_id: int, kind: str, title: str) -> ChatRow:
        """Record (or refresh the title of) a chat; one read when nothing changed."""
        row = self._one("SELECT * FROM chats WHERE id = ?", (chat_id,))
        if row is not None and row["kind"] == kind and row["title"] == title:
            return self._chat(row)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO chats (id, kind, title, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, title = excluded.title",
                (chat_id, kind, title, _now()),
            )
            row = db.execute("SELECT * FROM chats WHERE id = ?", (chat_id,)).fetchone()
        return self._chat(row)

    def _update_chat(self, chat_id: int, column: str, value: object, by: int | None = None) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO chats (id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING", (chat_id, _now()))
            db.execute(f"UPDATE chats SET {column} = ?, updated_at = ? WHERE id = ?", (value, _now(), chat_id))
            if by is not None:
                db.execute("UPDATE chats SET allowed_by = ? WHERE id = ?", (by, chat_id))

    def set_chat_allowed(self, chat_id: int, allowed: bool, *, by: int | None = None) -> None:
        self._update_chat(chat_id, "allowed", int(allowed), by)

    def set_chat_lang(self, chat_id: int, lang: str) -> None:
        self._update_chat(chat_id, "lang", lang)

    def set_chat_documents(self, chat_id: int, documents: Sequence[int] | None) -> None:
        self._update_chat(chat_id, "documents", None if documents is None else json.dumps(list(documents)))

    def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup (new id): keep its permission, language, documents and members."""
        with self.transaction() as db:
            row = db.execute("SELECT * FROM chats WHERE id = ?", (old_id,)).fetchone()
            if row is None:
                return
            db.execute(
                "INSERT INTO chats (id, kind, title, allowed, allowed_by, lang, documents, updated_at) "
                "VALUES (?, 'supergroup', ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET allowed = excluded.allowed, "
                "allowed_by = excluded.allowed_by, lang = excluded.lang, documents = excluded.documents",
                (new_id, row["title"], row["allowed"], row["allowed_by"], row["lang"], row["documents"], _now()),
            )
            db.execute("UPDATE group_members SET chat_id = ? WHERE chat_id = ? AND user_id NOT IN "
                       "(SELECT user_id FROM group_members WHERE chat_id = ?)", (new_id, old_id, new_id))
            db.execute("UPDATE chats SET allowed = 0 WHERE id = ?", (old_id,))

    def allowed_groups(self) -> list[ChatRow]:
        return [self._chat(r) for r in self._query("SELECT * FROM chats WHERE allowed = 1 ORDER BY id")]

    # questions and feedback ---------------------------------------------------------------------------
    def log_question(
        self, *, chat_id: int, user_id: int, text: str, found: bool, citations: int,
        document_id: int | None, millis: int,
    ) -> int:
        now = _now()
        with self.transaction() as db:
            row = db.execute(
                "INSERT INTO questions (chat_id, user_id, asked_at, day, text, found, citations, document_id, "
                "millis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (chat_id, user_id, now, _day(now), text, int(found), citations, document_id, millis),
            ).fetchone()
            return int(row[0])

    def question(self, question_id: int) -> QuestionRow | None:
        row = self._one("SELECT * FROM questions WHERE id = ?", (question_id,))
        if row is None:
            return None
        return QuestionRow(row["id"], row["chat_id"], row["user_id"], row["asked_at"], row["text"],
                           bool(row["found"]), row["citations"], row["document_id"])

    def set_feedback(self, question_id: int, user_id: int, vote: int) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO feedback (question_id, user_id, vote, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(question_id, user_id) DO UPDATE SET vote = excluded.vote, at = excluded.at",
                (question_id, user_id, 1 if vote > 0 else -1, _now()),
            )

    def feedback(self, question_id: int) -> dict[int, int]:
        return {r["user_id"]: r["vote"] for r in self._query(
            "SELECT user_id, vote FROM feedback WHERE question_id = ?", (question_id,))}

    def stats(self, days: int = 7, downvoted: int = 10) -> StatsReport:
        since = _day(_now() - (days - 1) * 86400)
        per_day = [DayCount(r["day"], r["n"], r["nf"]) for r in self._query(
            "SELECT day, COUNT(*) AS n, SUM(1 - found) AS nf FROM questions WHERE day >= ? GROUP BY day "
            "ORDER BY day", (since,))]
        totals = self._one("SELECT COUNT(*) AS n, COALESCE(SUM(1 - found), 0) AS nf FROM questions")
        votes = self._one("SELECT COALESCE(SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), 0) AS up, "
                          "COALESCE(SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END), 0) AS down "
                          "FROM feedback")
        down = [(r["id"], r["text"], bool(r["found"])) for r in self._query(
            "SELECT q.id, q.text, q.found FROM feedback f JOIN questions q ON q.id = f.question_id "
            "WHERE f.vote < 0 ORDER BY f.at DESC LIMIT ?", (downvoted,))]
        users = self.users(("admin", "member", "none", "revoked"))
        assert totals is not None and votes is not None
        return StatsReport(
            days=per_day, total=totals["n"], not_found=totals["nf"], up_votes=votes["up"],
            down_votes=votes["down"], downvoted=down, users=len(users),
            members=sum(u.role == "member" for u in users), admins=sum(u.role == "admin" for u in users),
            groups=len(self.allowed_groups()),
        )

    # uploads ------------------------------------------------------------------------------------------
    @staticmethod
    def _upload(row: Row) -> UploadRow:
        return UploadRow(row["id"], row["user_id"], row["chat_id"], row["source_name"], row["path"],
                         row["status"], row["message_id"], row["document_id"], row["error"], row["created_at"])

    def create_upload(self, user_id: int, chat_id: int, source_name: str) -> int:
        now = _now()
        with self.transaction() as db:
            row = db.execute(
                "INSERT INTO uploads (user_id, chat_id, source_name, status, created_at, updated_at) "
                "VALUES (?, ?, ?, 'parsing', ?, ?) RETURNING id", (user_id, chat_id, source_name, now, now)).fetchone()
            return int(row[0])

    def upload(self, upload_id: int) -> UploadRow | None:
        row = self._one("SELECT * FROM uploads WHERE id = ?", (upload_id,))
        return self._upload(row) if row else None

    def update_upload(self, upload_id: int, **fields: object) -> None:
        allowed = {"path", "status", "message_id", "document_id", "error"}
        if not fields or set(fields) - allowed:
            raise ValueError(f"cannot update upload fields {sorted(set(fields) - allowed)}")
        columns = ", ".join(f"{name} = ?" for name in fields)
        with self.transaction() as db:
            db.execute(f"UPDATE uploads SET {columns}, updated_at = ? WHERE id = ?",
                       (*fields.values(), _now(), upload_id))

    def claim_upload(self, upload_id: int, expected: UploadStatus, new: UploadStatus) -> bool:
        """Move an upload from ``expected`` to ``new`` status; False when someone else got there first."""
        with self.transaction() as db:
            cursor = db.execute("UPDATE uploads SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
                                (new, _now(), upload_id, expected))
            return cursor.rowcount == 1

    def keep_upload_file(self, upload_id: int, path: Path) -> None:
        """The downloaded file of an upload, for another worker to confirm (SQLite: one process; the file on
        disk is enough)."""

    def fetch_upload_file(self, upload_id: int, target: Path) -> bool:
        """Write an upload's file kept by :meth:`keep_upload_file` to ``target``; False when there is none."""
        return False

    def drop_upload_file(self, upload_id: int) -> None:
        """Forget an upload's kept file (indexed, cancelled, expired or failed)."""

    def stale_uploads(self, older_than: float) -> list[UploadRow]:
        """Uploads still waiting (parsing/pending) that were created before ``older_than`` (epoch seconds)."""
        return [self._upload(r) for r in self._query(
            "SELECT * FROM uploads WHERE status IN ('parsing', 'pending') AND created_at < ?", (older_than,))]

    def own_run(self, db: Connection, run_id: int) -> None:
        """Record, in the transaction that creates it, that this process runs quiz run ``run_id`` (SQLite: one
        process, nothing to record)."""

    def adopt_runs(self, run_ids: Sequence[int]) -> list[int]:
        """Of these running quiz runs, the ones this process takes over because the process that ran them is
        gone: with SQLite, all of them (a run still running when the bot starts was cut short by its stop)."""
        return list(run_ids)

    def interrupted_uploads(self) -> list[UploadRow]:
        """Uploads that were being parsed or indexed when the bot stopped."""
        return [self._upload(r) for r in self._query(
            "SELECT * FROM uploads WHERE status IN ('parsing', 'indexing')")]

    # audit log ----------------------------------------------------------------------------------------
    def audit(self, actor_id: int | None, action: Action, target: str = "", detail: str = "", *,
              via: Via = "telegram") -> None:
        """Record an admin action (ids, numbers, names; never question or document text)."""
        with self.transaction() as db:
            db.execute("INSERT INTO audit (at, actor_id, via, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       (_now(), actor_id, via, action.value, target, detail))

    def audit_log(self, limit: int = 20) -> list[AuditEntry]:
        """The newest ``limit`` entries, newest first, with the actor's name when known."""
        rows = self._query(
            "SELECT a.*, u.username, u.first_name FROM audit a LEFT JOIN users u ON u.id = a.actor_id "
            "ORDER BY a.at DESC, a.id DESC LIMIT ?", (limit,))
        return [AuditEntry(r["id"], r["at"], r["actor_id"],
                           f"@{r['username']}" if r["username"] else (r["first_name"] or ""), r["via"],
                           Action(r["action"]), r["target"], r["detail"]) for r in rows]

    # settings -----------------------------------------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._one("SELECT value FROM settings WHERE key = ?", (key,))
        return row["value"] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    @property
    def downloads_enabled(self) -> bool:
        return self.get_setting("downloads", "off") == "on"

    def set_downloads(self, enabled: bool) -> None:
        self.set_setting("downloads", "on" if enabled else "off")
