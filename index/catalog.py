"""The SQLite catalog: documents, their versions, chunks (with embeddings) and the FTS5 keyword index.

SQLite is the source of truth. Chunk embeddings are stored here too, so the FAISS file is a cache that can
always be rebuilt; only chunks of a document's active version are in the keyword index and the FAISS index.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import ClassVar

import numpy as np

from documents.model import Chunk, DocIdentity, Section
from index.catalog_schema import COUNTS, SCHEMA
from index.database import Connection, Database, Row, now
from index.keywords import fts_query, index_terms
from index.restore import DiacriticRestorer
from index.rows import ChunkRow, DocumentRow, RelationRow, VersionRow

#: A term is too common to search for only when it is in more passages than this (and than the share given).
MIN_COMMON_PASSAGES = 200


__all__ = ["COUNTS", "SCHEMA", "Catalog"]


class Catalog(Database):
    """The catalog database (thread-safe: one connection serialised by a lock)."""

    #: Whether several processes share this catalog through a database server (PostgreSQL) rather than files.
    shared: ClassVar[bool] = False

    def __init__(self, path: Path) -> None:
        super().__init__(path, SCHEMA)
        self._passages: tuple[str, int] | None = None

    # meta ---------------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0]["value"] if rows else None

    @staticmethod
    def set_meta(db: Connection, key: str, value: str) -> None:
        db.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = ?",
            (key, value, value),
        )

    # documents ----------------------------------------------------------------------------------------
    _DOC_SELECT = """
        SELECT d.*, v.version_no, v.source_name,
               (SELECT COUNT(*) FROM chunks c WHERE c.version_id = d.active_version) AS chunk_count
        FROM documents d LEFT JOIN versions v ON v.id = d.active_version
    """

    @staticmethod
    def _doc(row: Row) -> DocumentRow:
        return DocumentRow(
            id=row["id"],
            doc_key=row["doc_key"],
            number=row["number"],
            doc_type=row["doc_type"],
            issuer=row["issuer"],
            date=row["date"],
            title=row["title"],
            active_version=row["active_version"],
            chunk_count=row["chunk_count"] or 0,
            version_no=row["version_no"] or 0,
            source_name=row["source_name"] or "",
            updated_at=row["updated_at"],
        )

    def documents(self, *, include_removed: bool = False) -> list[DocumentRow]:
        where = "" if include_removed else " WHERE d.active_version IS NOT NULL"
        rows = self._query(self._DOC_SELECT + where + " ORDER BY d.date DESC NULLS LAST, d.id DESC")
        return [self._doc(r) for r in rows]

    def document(self, document_id: int) -> DocumentRow | None:
        rows = self._query(self._DOC_SELECT + " WHERE d.id = ?", (document_id,))
        return self._doc(rows[0]) if rows else None

    def document_by_key(self, doc_key: str) -> DocumentRow | None:
        rows = self._query(self._DOC_SELECT + " WHERE d.doc_key = ?", (doc_key,))
        return self._doc(rows[0]) if rows else None

    def active_version_with_hash(self, content_hash: str) -> DocumentRow | None:
        rows = self._query(
            self._DOC_SELECT + " WHERE v.content_hash = ? AND v.status = 'active'", (content_hash,)
        )
        return self._doc(rows[0]) if rows else None

    # versions -----------------------------------------------------------------------------------------
    def versions(self, document_id: int) -> list[VersionRow]:
        rows = self._query(
            """SELECT v.*, (SELECT COUNT(*) FROM chunks c WHERE c.version_id = v.id) AS chunk_count
               FROM versions v WHERE v.document_id = ? ORDER BY v.version_no DESC""",
            (document_id,),
        )
        return [
            VersionRow(
                id=r["id"],
                document_id=r["document_id"],
                version_no=r["version_no"],
                status=r["status"],
                content_hash=r["content_hash"],
                source_name=r["source_name"],
                stored_file=r["stored_file"],
                method=r["method"],
                warnings=json.loads(r["warnings"]),
                created_at=r["created_at"],
                chunk_count=r["chunk_count"],
            )
            for r in rows
        ]

    def source_slice(self, version_id: int, start: int, end: int) -> str | None:
        """``text[start:end]`` of a stored version, read in SQLite (no need to load a whole document)."""
        row = self._one("SELECT substr(text, ?, ?) FROM versions WHERE id = ?", (start + 1, end - start, version_id))
        return str(row[0]) if row else None

    def version_text(self, version_id: int) -> str:
        rows = self._query("SELECT text FROM versions WHERE id = ?", (version_id,))
        return str(rows[0]["text"]) if rows else ""

    def outline(self, version_id: int) -> list[Section]:
        rows = self._query(
            "SELECT locator, title, start, level FROM outline WHERE version_id = ? ORDER BY ordinal",
            (version_id,),
        )
        return [Section(r["locator"], r["title"], r["start"], r["level"]) for r in rows]

    # writes (inside a transaction) -------------------------------------------------------------------
    @staticmethod
    def upsert_document(db: Connection, doc_key: str, identity: DocIdentity) -> int:
        stamp = now()
        row = db.execute("SELECT id FROM documents WHERE doc_key = ?", (doc_key,)).fetchone()
        values = (identity.number, identity.doc_type, identity.issuer, identity.date, identity.title, stamp)
        if row:
            db.execute(
                "UPDATE documents SET number=?, doc_type=?, issuer=?, date=?, title=?, updated_at=? WHERE id=?",
                (*values, row["id"]),
            )
            return int(row["id"])
        row = db.execute(
            """INSERT INTO documents(doc_key, number, doc_type, issuer, date, title, updated_at, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (doc_key, *values, stamp),
        ).fetchone()
        return int(row[0])

    @staticmethod
    def add_version(
        db: Connection,
        document_id: int,
        *,
        content_hash: str,
        source_name: str,
        stored_file: str | None,
        method: str,
        warnings: Sequence[str],
        identity: DocIdentity,
        text: str,
    ) -> int:
        last = db.execute(
            "SELECT COALESCE(MAX(version_no), 0) AS n FROM versions WHERE document_id = ?", (document_id,)
        ).fetchone()["n"]
        row = db.execute(
            """INSERT INTO versions(document_id, version_no, status, content_hash, source_name, stored_file,
                                    method, warnings, identity, text, created_at)
               VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            (
                document_id,
                last + 1,
                content_hash,
                source_name,
                stored_file,
                method,
                json.dumps(list(warnings)),
                json.dumps(identity.__dict__, ensure_ascii=False),
                text,
                now(),
            ),
        ).fetchone()
        return int(row[0])

    @staticmethod
    def add_chunks(
        db: Connection,
        version_id: int,
        chunks: Sequence[Chunk],
        keyword_bodies: Sequence[str],
        embeddings: np.ndarray,
    ) -> list[int]:
        ids: list[int] = []
        for chunk, body, vector in zip(chunks, keyword_bodies, embeddings, strict=True):
            row = db.execute(
                """INSERT INTO chunks(version_id, ordinal, locator, heading, start, "end", text, embedding)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                (
                    version_id,
                    chunk.ordinal,
                    chunk.locator,
                    chunk.heading,
                    chunk.start,
                    chunk.end,
                    chunk.text,
                    np.asarray(vector, dtype=np.float32).tobytes(),
                ),
            ).fetchone()
            chunk_id = int(row[0])
            db.execute("INSERT INTO chunks_fts(rowid, body) VALUES (?, ?)", (chunk_id, body))
            ids.append(chunk_id)
        return ids

    @staticmethod
    def add_outline(db: Connection, version_id: int, outline: Sequence[Section]) -> None:
        db.executemany(
            "INSERT INTO outline(version_id, ordinal, locator, title, start, level) VALUES (?, ?, ?, ?, ?, ?)",
            [(version_id, i, s.locator, s.title, s.start, s.level) for i, s in enumerate(outline)],
        )

    @staticmethod
    def set_relations(db: Connection, version_id: int, relations: Sequence[RelationRow]) -> None:
        db.execute("DELETE FROM relations WHERE version_id = ?", (version_id,))
        db.executemany(
            "INSERT INTO relations(version_id, kind, target_key, target_text, start, \"end\", locator) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(version_id, r.kind, r.target_key, r.target_text, r.start, r.end, r.locator) for r in relations],
        )

    @staticmethod
    def set_abbreviations(db: Connection, version_id: int, defined: dict[str, str]) -> None:
        db.execute("DELETE FROM abbreviations WHERE version_id = ?", (version_id,))
        db.executemany("INSERT INTO abbreviations(version_id, short, \"full\") VALUES (?, ?, ?)",
                       [(version_id, short, full) for short, full in defined.items()])

    @staticmethod
    def deactivate(db: Connection, document_id: int, status: str) -> list[int]:
        """Take the document's active version out of search; returns its chunk ids."""
        row = db.execute("SELECT active_version FROM documents WHERE id = ?", (document_id,)).fetchone()
        if not row or row["active_version"] is None:
            return []
        version_id = row["active_version"]
        ids = [r["id"] for r in db.execute("SELECT id FROM chunks WHERE version_id = ?", (version_id,))]
        db.executemany("DELETE FROM chunks_fts WHERE rowid = ?", [(i,) for i in ids])
        db.execute("UPDATE versions SET status = ? WHERE id = ?", (status, version_id))
        db.execute(
            "UPDATE documents SET active_version = NULL, updated_at = ? WHERE id = ?", (now(), document_id)
        )
        return ids

    @staticmethod
    def set_embeddings(db: Connection, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Replace the stored embeddings of chunks (re-embedding)."""
        db.executemany(
            "UPDATE chunks SET embedding = ? WHERE id = ?",
            [(v.astype(np.float32).tobytes(), int(i)) for i, v in zip(ids, vectors, strict=True)],
        )

    @staticmethod
    def rebuild_keywords(db: Connection) -> int:
        """Index every active chunk's keyword terms anew (see :func:`index.keywords.index_terms`); the count."""
        rows = db.execute(
            "SELECT c.id, c.heading, c.text FROM chunks c JOIN documents d ON d.active_version = c.version_id"
        ).fetchall()
        db.execute("DELETE FROM chunks_fts")
        db.executemany("INSERT INTO chunks_fts(rowid, body) VALUES (?, ?)",
                       [(r[0], index_terms(f"{r[1]}\n{r[2]}")) for r in rows])
        return len(rows)

    @staticmethod
    def record_vocabulary(db: Connection, texts: Sequence[str]) -> None:
        """Add the spellings of ``texts`` to the diacritic restorer's vocabulary (see :mod:`index.restore`)."""
        DiacriticRestorer.record(db, texts)

    def ingest_lock(self) -> AbstractContextManager[None]:
        """Held while one ingest embeds and commits. SQLite: nothing (one process ingests; SQLite's write lock
        serialises the commits of others)."""
        return nullcontext()

    def keep_original(self, path: Path) -> None:
        """A stored original was written to ``files/`` (SQLite: that file is the only copy)."""

    def fetch_original(self, name: str, target: Path) -> bool:
        """Write a stored original that this machine's ``files/`` lacks to ``target``; False when unknown."""
        return False

    def restorer(self) -> DiacriticRestorer:
        """The diacritic restorer over this catalog's vocabulary (a read-only connection of its own)."""
        return DiacriticRestorer(self.path)

    @staticmethod
    def activate(db: Connection, document_id: int, version_id: int) -> None:
        db.execute(
            "UPDATE documents SET active_version = ?, updated_at = ? WHERE id = ?",
            (version_id, now(), document_id),
        )

    # reads for retrieval ------------------------------------------------------------------------------
    def _indexed_passages(self) -> int:
        """Rows of the keyword index, cached per index generation (counting FTS5 rows scans the index)."""
        generation = self.get_meta("generation") or "0"
        if self._passages is None or self._passages[0] != generation:
            row = self._one("SELECT COUNT(*) FROM chunks_fts")
            self._passages = (generation, int(row[0]) if row else 0)
        return self._passages[1]

    def selective_terms(self, terms: Sequence[str], max_share: float) -> list[str]:
        """``terms`` minus those in more than ``max_share`` of the indexed passages.

        Such terms weigh little in BM25 (their pairs with neighbours still count) but make FTS5 score most of
        the index: dropping them cuts keyword search from ~19 to ~6 ms on the 12k-passage corpus.
        """
        if not terms:
            return []
        # Only a large index needs the saving; in a small one "common" terms are just the few passages' words.
        limit = max(max_share * self._indexed_passages(), MIN_COMMON_PASSAGES)
        frequency = self.passage_frequencies(terms)
        kept = [term for term in terms if frequency.get(term, 0) <= limit]
        return kept or list(terms)

    def passage_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """How many indexed passages hold each keyword term (absent terms are left out)."""
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        rows = self._query(f"SELECT term, doc FROM chunks_vocab WHERE term IN ({marks})", list(terms))
        return {r[0]: int(r[1]) for r in rows}

    def term_weights(self, terms: Sequence[str]) -> dict[str, float]:
        """Inverse passage frequency of each term, log(1 + N / (1 + df)): rare words weigh more."""
        total = self._indexed_passages()
        frequency = self.passage_frequencies(terms)
        return {term: math.log(1 + total / (1 + frequency.get(term, 0))) for term in terms}

    def rarity(self, terms: Sequence[str]) -> dict[str, float]:
        """Each term's :meth:`term_weights` as a share of the largest possible one (a term in no passage): 1 for
        the rarest, near 0 for a word every passage has; comparable between small and large libraries."""
        top = math.log(1 + self._indexed_passages())
        return {term: weight / top for term, weight in self.term_weights(terms).items()} if top else {}

    def search_terms(
        self, terms: Sequence[str], limit: int, version_ids: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """(chunk id, BM25 score — higher is better) for active chunks holding any of the keyword terms."""
        return self.keyword_search(fts_query(list(terms)), limit, version_ids)

    def keyword_search(
        self, match: str, limit: int, version_ids: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """(chunk id, bm25 score — higher is better) for active chunks matching the FTS5 expression."""
        if not match:
            return []
        # bm25() takes per-column weights, not k1/b: FTS5 fixes k1 = 1.2 and b = 0.75 (its documentation).
        if version_ids is None:
            sql = "SELECT rowid, -bm25(chunks_fts) AS s FROM chunks_fts WHERE chunks_fts MATCH ? "
            params: list[object] = [match]
        else:
            marks = ",".join("?" * len(version_ids))
            sql = (
                "SELECT f.rowid, -bm25(chunks_fts) AS s FROM chunks_fts f JOIN chunks c ON c.id = f.rowid "
                f"WHERE chunks_fts MATCH ? AND c.version_id IN ({marks}) "
            )
            params = [match, *version_ids]
        sql += "ORDER BY bm25(chunks_fts) LIMIT ?"
        params.append(limit)
        return [(int(r[0]), float(r[1])) for r in self._query(sql, params)]

    def keyword_ids(self) -> set[int]:
        """The chunk ids in the keyword index (for checks: exactly the chunks in search)."""
        return {int(r[0]) for r in self._query("SELECT rowid FROM chunks_fts")}

    def chunks(self, chunk_ids: Sequence[int]) -> dict[int, ChunkRow]:
        """The chunks among ``chunk_ids`` that belong to a document's active version (never withdrawn text)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self._query(
            f"""SELECT c.id, c.version_id, d.id, c.ordinal, c.locator, c.heading, c.start, c.end, c.text
                FROM chunks c JOIN documents d ON d.active_version = c.version_id WHERE c.id IN ({marks})""",
            list(chunk_ids),
        )
        return {r["id"]: ChunkRow(*r) for r in rows}

    def chunk_ids(self, version_ids: Sequence[int]) -> list[int]:
        if not version_ids:
            return []
        marks = ",".join("?" * len(version_ids))
        return [
            r[0]
            for r in self._query(f"SELECT id FROM chunks WHERE version_id IN ({marks})", list(version_ids))
        ]

    def chunk_at(self, version_id: int, offset: int) -> ChunkRow | None:
        """The chunk of an active version whose text contains ``offset``."""
        rows = self._query(
            """SELECT c.id, c.version_id, d.id, c.ordinal, c.locator, c.heading, c.start, c.end, c.text
               FROM chunks c JOIN documents d ON d.active_version = c.version_id
               WHERE c.version_id = ? AND c.start <= ? AND ? < c.end ORDER BY c.ordinal LIMIT 1""",
            (version_id, offset, offset),
        )
        return ChunkRow(*rows[0]) if rows else None

    def neighbours(self, version_id: int, ordinal: int, radius: int) -> list[ChunkRow]:
        rows = self._query(
            """SELECT c.id, c.version_id, v.document_id, c.ordinal, c.locator, c.heading, c.start, c.end, c.text
               FROM chunks c JOIN versions v ON v.id = c.version_id
               WHERE c.version_id = ? AND c.ordinal BETWEEN ? AND ? ORDER BY c.ordinal""",
            (version_id, ordinal - radius, ordinal + radius),
        )
        return [ChunkRow(*r) for r in rows]

    def active_embeddings(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids int64, vectors float32) of every active chunk — to rebuild the FAISS index."""
        rows = self._query(
            """SELECT c.id, c.embedding FROM chunks c JOIN documents d ON d.active_version = c.version_id
               ORDER BY c.id"""
        )
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        if not rows:
            return ids, np.zeros((0, 0), dtype=np.float32)
        vectors = np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])
        return ids, vectors

    def active_chunk_texts(self) -> list[tuple[int, str, str, str]]:
        """(chunk id, heading, text, document title) of active chunks — for re-embedding."""
        rows = self._query(
            """SELECT c.id, c.heading, c.text, COALESCE(d.title, '') FROM chunks c
               JOIN documents d ON d.active_version = c.version_id ORDER BY c.id"""
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    _RELATION_SELECT = """SELECT r.kind, r.target_key, r.target_text, r.start, r.end, r.locator, r.version_id,
               d.id AS document_id FROM relations r JOIN documents d ON d.active_version = r.version_id"""

    @staticmethod
    def _relation(row: Row) -> RelationRow:
        return RelationRow(row["kind"], row["target_key"], row["target_text"], row["start"], row["end"],
                           row["locator"], row["version_id"], row["document_id"])

    def relations_from(self, document_id: int) -> list[RelationRow]:
        """What the document's active version declares about others, in text order."""
        rows = self._query(self._RELATION_SELECT + " WHERE d.id = ? ORDER BY r.start", (document_id,))
        return [self._relation(r) for r in rows]

    def relations_to(self, target_keys: Sequence[str]) -> list[RelationRow]:
        """What active documents declare about a document known by any of ``target_keys`` (see
        :func:`documents.identity.identity_keys`)."""
        if not target_keys:
            return []
        marks = ",".join("?" * len(target_keys))
        rows = self._query(self._RELATION_SELECT + f" WHERE r.target_key IN ({marks}) "
                           "ORDER BY d.date DESC NULLS LAST, d.id", list(target_keys))
        return [self._relation(r) for r in rows]

    def relations_to_number(self, number: str) -> list[RelationRow]:
        """Relations of active documents whose target has this number (whatever its type and issuer)."""
        rows = self._query(self._RELATION_SELECT + " WHERE r.target_key LIKE ?", (number.replace("%", "") + "|%",))
        return [self._relation(r) for r in rows]

    def abbreviations(self) -> dict[str, list[str]]:
        """Abbreviations the active versions define: folded abbreviation → full forms."""
        found: dict[str, list[str]] = {}
        for row in self._query("SELECT a.short, a.full FROM abbreviations a "
                               "JOIN documents d ON d.active_version = a.version_id ORDER BY a.short"):
            forms = found.setdefault(row[0], [])
            if row[1] not in forms:
                forms.append(row[1])
        return found

    def active_versions(self) -> list[tuple[int, int, str]]:
        """(document id, active version id, identity JSON) of every document in search."""
        rows = self._query("SELECT d.id, v.id, v.identity FROM documents d JOIN versions v ON v.id = d.active_version")
        return [(r[0], r[1], r[2]) for r in rows]

    def stats(self) -> dict[str, int]:
        rows = self._query(
            """SELECT (SELECT COUNT(*) FROM documents WHERE active_version IS NOT NULL) AS documents,
                      (SELECT COUNT(*) FROM chunks c JOIN documents d ON d.active_version = c.version_id)
                      AS chunks,
                      (SELECT COUNT(*) FROM versions) AS versions"""
        )
        return dict(rows[0])
