"""The admins' audit log: the bot store's schema version 2 (and the migration of version-1 files), entries
written by the command line (actor ``cli``) and read back with ``nqbot audit``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.audit import Action
from bot.cli import main
from bot.render_text import audit_line
from bot.store import SCHEMA, BotStore, store_path
from config.settings import Settings
from tests.test_database import columns
from tests.test_store import NOTICE_V1

#: ``bot.sqlite3`` as nqbot wrote it at schema version 1 (before the audit log).
VERSION_1 = """
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
"""


def test_a_version_1_store_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    old = tmp_path / "old" / "bot.sqlite3"
    old.parent.mkdir()
    db = sqlite3.connect(old)
    db.executescript(VERSION_1)
    db.execute("INSERT INTO users (id, first_name, username, role, lang, created_at, updated_at) "
               "VALUES (7, 'Lan', 'lan_dv', 'member', 'zh', 1.0, 1.0)")
    db.execute("INSERT INTO settings (key, value) VALUES ('downloads', 'on')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    store = BotStore(old)
    assert (store.migrated_from, store.schema_version) == (1, SCHEMA.version) and SCHEMA.version >= 2
    user = store.user(7)
    assert user is not None and (user.role, user.lang, user.username) == ("member", "zh", "lan_dv")
    assert store.downloads_enabled
    store.audit(7, Action.GRANT, "@x (8)", "member")
    assert [e.action for e in store.audit_log()] == [Action.GRANT]
    store.close()
    fresh = tmp_path / "fresh.sqlite3"
    BotStore(fresh).close()
    assert columns(old) == columns(fresh)  # migrating gives exactly the schema a new file gets


def test_audit_log_newest_first_with_names(open_store: Callable[..., BotStore]) -> None:
    store = open_store([1])
    store.touch_user(1, "Quản trị", "quantri")
    store.audit(1, Action.INVITE, "ABCDEFGH23", "uses=1 days=7")
    store.audit(1, Action.GRANT, "@thu_cb (5)", "member")
    store.audit(None, Action.REMOVE, "57-NQ/TW", "#1", via="cli")
    entries = store.audit_log(2)
    assert [e.action for e in entries] == [Action.REMOVE, Action.GRANT]
    assert entries[0].actor == "cli" and entries[1].actor == "@quantri (1)"
    zone = Settings(_env_file=None).zone  # type: ignore[call-arg]
    assert audit_line(entries[1], "vi", zone).endswith(" | @quantri (1) | cấp quyền | @thu_cb (5) | thành viên")
    assert audit_line(entries[1], "en", zone).endswith(" | @quantri (1) | granted access | @thu_cb (5) | member")
    store.close()


@pytest.fixture
def cli_data(monkeypatch: pytest.MonkeyPatch, e5_model_dir: Path, tmp_path: Path) -> Path:
    monkeypatch.setenv("NQBOT_MODELS_DIR", str(e5_model_dir.parent))
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    return tmp_path / "data"


def test_cli_actions_reach_the_bots_audit_log(cli_data: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "tb920.txt"
    doc.write_text(NOTICE_V1, encoding="utf-8")
    assert main(["--data-dir", str(cli_data), "ingest", "--quiet", str(doc)]) == 0
    assert not store_path(cli_data).exists()  # no bot here: the command line does not create its store
    assert main(["--data-dir", str(cli_data), "audit"]) == 0
    assert "bot.sqlite3" in capsys.readouterr().out
    BotStore(store_path(cli_data)).close()  # the bot has run on this data directory
    doc.write_text(NOTICE_V1.replace("80%", "90%"), encoding="utf-8")
    assert main(["--data-dir", str(cli_data), "ingest", "--quiet", str(doc)]) == 0
    assert main(["--data-dir", str(cli_data), "docs", "remove", "920-TB/TU"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(cli_data), "audit", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].endswith(" | cli | gỡ văn bản | 920-TB/TU | #1")
    assert lines[1].endswith(" | cli | nạp tệp | 920-TB/TU | tb920.txt replaced")
    assert "80%" not in "\n".join(lines) and "Nghệ An" not in "\n".join(lines)  # no document text
