"""How PostgreSQL should rank keyword candidates: FTS5's BM25 computed in SQL (what nqbot does), PostgreSQL's own
``ts_rank`` / ``ts_rank_cd`` over the same ``tsvector``, and ``pg_trgm`` similarity over the folded text (when the
server has the extension, or ``--trgm-url`` names one that has): keyword-only retrieval on ALQAC 2023, quality
and latency.

    NQBOT_DATABASE_URL=postgresql://… .venv/bin/python scripts/compare_pg_keywords.py ../shared/eval/alqac2023

The database must hold the ALQAC laws (``nqbot eval alqac … --index-dir DIR`` on SQLite, then
``nqbot --data-dir DIR migrate --to URL``). Every ranker gets the same terms (the question's keyword terms, very
common ones left out, as retrieval does) and stands in for the keyword side of retrieval, alone and fused with the
dense side (the adaptive fusion tuned on BM25 scores); passages map to articles as ``nqbot eval`` does.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config.settings import Settings  # noqa: E402
from index.catalog_postgres import PostgresCatalog, tsquery_literal  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.evaluation import article_order, chunk_articles, load_alqac, metrics, ranked_articles  # noqa: E402

Ranker = Callable[[list[str]], list[tuple[int, float]]]


def trigram_ranker(catalog: PostgresCatalog, url: str) -> Ranker:
    """``pg_trgm`` on another server (one with contrib modules): the same passages' folded terms as one text each."""
    import psycopg

    connection = psycopg.connect(url, autocommit=True)
    connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    connection.execute("DROP TABLE IF EXISTS trgm_bodies")
    connection.execute("CREATE TABLE trgm_bodies (id BIGINT PRIMARY KEY, body TEXT NOT NULL)")
    rows = catalog._query("SELECT id, array_to_string(tsvector_to_array(terms), ' ') FROM chunks WHERE active")
    with connection.cursor().copy("COPY trgm_bodies (id, body) FROM STDIN") as copy:
        for row in rows:
            copy.write_row((row[0], row[1]))
    connection.execute("CREATE INDEX trgm_bodies_body ON trgm_bodies USING gin (body gin_trgm_ops)")
    connection.execute("ANALYZE trgm_bodies")

    def run(terms: list[str]) -> list[tuple[int, float]]:
        text = " ".join(t for t in terms if t.isascii())  # trigrams of Han bigrams are the bigrams themselves
        found = connection.execute("SELECT id, word_similarity(%s, body) AS s FROM trgm_bodies WHERE %s <%% body "
                                   "ORDER BY s DESC, id LIMIT 40", (text, text)).fetchall()
        return [(int(r[0]), float(r[1])) for r in found]

    return run


def rankers(catalog: PostgresCatalog, trgm_url: str | None = None) -> dict[str, Ranker]:
    def rank(function: str) -> Ranker:
        def run(terms: list[str]) -> list[tuple[int, float]]:
            query = tsquery_literal(terms)
            rows = catalog._query(f"SELECT id, {function}(terms, ?::tsquery) FROM chunks WHERE active AND "
                                  f"terms @@ ?::tsquery ORDER BY 2 DESC, id LIMIT 40", (query, query))
            return [(int(r[0]), float(r[1])) for r in rows]
        return run

    found: dict[str, Ranker] = {"bm25 (FTS5's, in SQL)": lambda terms: PostgresCatalog.search_terms(catalog, terms, 40),
                                "ts_rank": rank("ts_rank"), "ts_rank_cd": rank("ts_rank_cd")}
    if trgm_url:
        found["pg_trgm word_similarity"] = trigram_ranker(catalog, trgm_url)
    elif catalog._one("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'") is not None:
        with catalog.transaction() as db:
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            db.execute("CREATE TABLE IF NOT EXISTS trgm_bodies AS SELECT id, array_to_string(tsvector_to_array("
                       "terms), ' ') AS body FROM chunks WHERE active")
            db.execute("CREATE INDEX IF NOT EXISTS trgm_bodies_body ON trgm_bodies USING gin (body gin_trgm_ops)")

        def trigrams(terms: list[str]) -> list[tuple[int, float]]:
            text = " ".join(terms)
            rows = catalog._query("SELECT id, word_similarity(?, body) AS s FROM trgm_bodies WHERE ? <% body "
                                  "ORDER BY s DESC, id LIMIT 40", (text, text))
            return [(int(r[0]), float(r[1])) for r in rows]

        found["pg_trgm word_similarity"] = trigrams
    else:
        print("pg_trgm: not available on this server (pgserver's build has no contrib modules); see --trgm-url")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("alqac", type=Path)
    parser.add_argument("--models-dir", type=Path, default=ROOT / "data" / "models")
    parser.add_argument("--trgm-url", help="a PostgreSQL server with pg_trgm (e.g. Debian's postgresql-15) to rank "
                        "with trigram similarity; a table trgm_bodies is created there")
    args = parser.parse_args()
    laws, questions = load_alqac(args.alqac / "law.json", args.alqac / "train.json")
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        engine = Engine(Settings(data_dir=Path(scratch), models_dir=args.models_dir))
        catalog = engine.catalog
        assert isinstance(catalog, PostgresCatalog), "set NQBOT_DATABASE_URL"
        names = {d.id: d.title or "" for d in engine.documents()}
        order = article_order(laws)
        print(f"{'ranker':28} {'mode':8} {'Acc@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7} {'p50 ms':>7} {'p95 ms':>7}")
        for name, ranker in rankers(catalog, args.trgm_url).items():
            timings: list[float] = []

            def timed(terms: list[str], limit: int, version_ids: object = None, ranker: Ranker = ranker,
                      timings: list[float] = timings) -> list[tuple[int, float]]:
                started = time.perf_counter()
                hits = ranker(list(terms))
                timings.append(1000 * (time.perf_counter() - started))
                return hits[:limit]

            catalog.search_terms = timed  # type: ignore[method-assign]
            for mode in ("keyword", "hybrid"):
                ranked: list[list[tuple[str, str]]] = []
                for question in questions:
                    hits = engine.retrieve(question.text, limit=40, mode=mode)  # type: ignore[arg-type]
                    ids = [h.chunk_id for h in hits]
                    ranked.append(ranked_articles(ids, chunk_articles(catalog.chunks(ids), names, order)))
                m = metrics(ranked, questions)
                q = statistics.quantiles(timings, n=100)
                print(f"{name:28} {mode:8} {m['Acc@1']:6.3f} {m['Recall@5']:6.3f} {m['Recall@10']:6.3f} "
                      f"{m['MRR@10']:7.3f} {q[49]:7.1f} {q[94]:7.1f}", flush=True)
            del catalog.search_terms
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
