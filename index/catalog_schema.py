"""The catalog's tables, as a new file gets them, and the migrations that bring an older file up to them."""

from __future__ import annotations

from index.database import Schema

#: Version 3: relations between documents (what each version replaces, amends, guides, cites …) and the
#: abbreviations each text defines.
_RELATIONS = """
CREATE TABLE IF NOT EXISTS relations(
    version_id INTEGER NOT NULL REFERENCES versions(id),
    kind TEXT NOT NULL,
    target_key TEXT NOT NULL,
    target_text TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    locator TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS relations_version ON relations(version_id);
CREATE INDEX IF NOT EXISTS relations_target ON relations(target_key);
CREATE TABLE IF NOT EXISTS abbreviations(
    version_id INTEGER NOT NULL REFERENCES versions(id),
    short TEXT NOT NULL,
    full TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS abbreviations_version ON abbreviations(version_id);
"""

_CURRENT = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    id INTEGER PRIMARY KEY,
    doc_key TEXT NOT NULL UNIQUE,
    number TEXT, doc_type TEXT, issuer TEXT, date TEXT, title TEXT,
    active_version INTEGER,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS versions(
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    version_no INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'superseded', 'removed')),
    content_hash TEXT NOT NULL,
    source_name TEXT NOT NULL,
    stored_file TEXT,
    method TEXT NOT NULL,
    warnings TEXT NOT NULL DEFAULT '[]',
    identity TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS versions_hash ON versions(content_hash);
CREATE TABLE IF NOT EXISTS chunks(
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions(id),
    ordinal INTEGER NOT NULL,
    locator TEXT NOT NULL,
    heading TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL,
    embedding BLOB
);
CREATE INDEX IF NOT EXISTS chunks_version ON chunks(version_id, ordinal);
CREATE TABLE IF NOT EXISTS outline(
    version_id INTEGER NOT NULL REFERENCES versions(id),
    ordinal INTEGER NOT NULL,
    locator TEXT NOT NULL, title TEXT NOT NULL, start INTEGER NOT NULL, level INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outline_version ON outline(version_id, ordinal);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
CREATE TABLE IF NOT EXISTS vocabulary(
    folded TEXT PRIMARY KEY, forms TEXT NOT NULL
);
""" + _RELATIONS


#: Version 2: timestamps as epoch seconds (REAL), like the bot store, instead of ISO text.
_TIMESTAMPS_AS_EPOCH = """
ALTER TABLE documents RENAME COLUMN created_at TO created_iso;
ALTER TABLE documents RENAME COLUMN updated_at TO updated_iso;
ALTER TABLE documents ADD COLUMN created_at REAL NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN updated_at REAL NOT NULL DEFAULT 0;
UPDATE documents SET created_at = COALESCE(unixepoch(created_iso), 0), updated_at = COALESCE(unixepoch(updated_iso), 0);
ALTER TABLE documents DROP COLUMN created_iso;
ALTER TABLE documents DROP COLUMN updated_iso;
ALTER TABLE versions RENAME COLUMN created_at TO created_iso;
ALTER TABLE versions ADD COLUMN created_at REAL NOT NULL DEFAULT 0;
UPDATE versions SET created_at = COALESCE(unixepoch(created_iso), 0);
ALTER TABLE versions DROP COLUMN created_iso;
"""


SCHEMA = Schema(version=3, create=_CURRENT, migrations={2: _TIMESTAMPS_AS_EPOCH, 3: _RELATIONS})

#: What a backup's manifest counts in this database (name → query; see :mod:`bot.operations.databases`).
COUNTS = {
    "documents": "SELECT COUNT(*) FROM documents",
    "documents_in_search": "SELECT COUNT(*) FROM documents WHERE active_version IS NOT NULL",
    "versions": "SELECT COUNT(*) FROM versions",
    "passages": "SELECT COUNT(*) FROM chunks",
    "passages_in_search": "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.active_version = c.version_id",
}
