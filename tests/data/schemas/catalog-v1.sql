-- The catalog schema of nqbot 0.1 (before schema versions were recorded): user_version 0.
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(
    id INTEGER PRIMARY KEY,
    doc_key TEXT NOT NULL UNIQUE,
    number TEXT, doc_type TEXT, issuer TEXT, date TEXT, title TEXT,
    active_version INTEGER,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL
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
    created_at TEXT NOT NULL
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
