"""The ``nqbot`` command line: ingest, ask, chat, docs, reindex, audit, eval, serve, run; and the operations
commands backup, restore, verify, status (:mod:`bot.operations.cli`), which do not load the engine."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from bot.audit import Action
from bot.i18n import DEFAULT_LANG, t
from bot.logs import configure_logging
from bot.operations import cli as operations
from bot.operations.errors import OperationError, failure_message
from bot.render_text import (
    answer_json,
    answer_text,
    audit_line,
    display_date,
    display_time,
    document_line,
    relation_lines,
)
from bot.store import BotStore
from bot.stores import bot_store_exists, open_bot_store
from bot.study.cli import add_commands as add_quiz_commands
from config.settings import Settings
from documents.extract import SUPPORTED_SUFFIXES
from documents.text import one_line
from index.database import DatabaseUnavailable, SchemaTooNew, UnrecognisedDatabase
from index.embedders.base import EmbedderMismatch
from index.engine import Engine, IngestReport, IngestStatus, QuestionError

log = logging.getLogger("nqbot")
SAMPLES = Path(__file__).resolve().parents[1] / "documents" / "samples"


def _files(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path


def _report_line(report: IngestReport, max_file_mb: int) -> str:
    status = t(f"ingest.{report.status}")
    if report.status == IngestStatus.FAILED:
        return f"✗ {report.source_name}: {status} — {t(f'error.{report.error_code}', limit=max_file_mb)}"
    doc = report.document
    identity = ""
    if doc is not None:
        identity = " | ".join(
            p
            for p in (doc.number or t("ingest.no_identity"), doc.doc_type or "", display_date(doc.date))
            if p
        )
    warnings = f" ⚠ {', '.join(report.warnings)}" if report.warnings else ""
    return f"✓ {report.source_name}: {status} → {identity}; {report.chunks} đoạn{warnings}"


def cmd_ingest(engine: Engine, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    files = list(_files([Path(p) for p in args.paths]))
    started = time.perf_counter()
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "failed": 0}
    chunks = 0
    with tqdm(total=len(files), unit="tệp", disable=args.quiet or not sys.stderr.isatty()) as bar:
        for path in files:
            bar.set_postfix_str(one_line(path.name, 40))
            report = engine.ingest_path(path, source_name=path.name)
            counts[report.status] += 1
            if report.status in (IngestStatus.ADDED, IngestStatus.REPLACED):
                chunks += report.chunks
                _audit(engine, Action.INGEST, report.document.label if report.document else report.source_name,
                       f"{report.source_name} {report.status}")
            bar.write(_report_line(report, engine.settings.max_file_mb))
            bar.update(1)
    seconds = time.perf_counter() - started
    print(
        t(
            "ingest.summary",
            ok=counts["added"] + counts["replaced"],
            unchanged=counts["unchanged"],
            failed=counts["failed"],
            chunks=chunks,
            seconds=seconds,
        )
    )
    if chunks:
        print(f"{chunks / seconds:.1f} đoạn/giây")
    return 1 if counts["failed"] else 0


def _doc_scope(engine: Engine, numbers: Sequence[str] | None) -> list[int] | None:
    if not numbers:
        return None
    scope: list[int] = []
    for number in numbers:
        row = engine.resolve(number)
        if row is None:
            raise SystemExit(t("docs.not_found", number=number))
        scope.append(row.id)
    return scope


def _ask_one(engine: Engine, question: str, args: argparse.Namespace, scope: list[int] | None) -> int:
    try:
        answer = engine.ask(question, documents=scope, k=args.k)
    except QuestionError as error:
        message = t(f"error.question_{error.code}", limit=engine.settings.max_question_chars)
        if args.json:
            print(
                json.dumps(
                    {
                        "question": question,
                        "found": False,
                        "answer": message,
                        "citations": [],
                        "error": error.code,
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(message)
        return 2
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False))
    else:
        print(answer_text(answer))
    return 0


def cmd_ask(engine: Engine, args: argparse.Namespace) -> int:
    scope = _doc_scope(engine, args.doc)
    if args.questions:
        status = 0
        for line in Path(args.questions).read_text(encoding="utf-8").splitlines():
            if line.strip():
                status = max(status, _ask_one(engine, line.strip(), args, scope))
        return status
    if not args.question:
        raise SystemExit("nqbot ask: give a question or --questions FILE")
    return _ask_one(engine, " ".join(args.question), args, scope)


def cmd_chat(engine: Engine, args: argparse.Namespace) -> int:
    from bot.terminal import chat

    return chat(engine)


def cmd_docs(engine: Engine, args: argparse.Namespace) -> int:
    if args.action == "list":
        rows = engine.documents()
        if not rows:
            print(t("docs.empty"))
        for listed in rows:
            print(document_line(listed))
        return 0
    if not args.number:
        raise SystemExit(f"nqbot docs {args.action}: give a document number")
    row = engine.resolve(args.number, include_removed=args.action == "history")
    if row is None:
        print(t("docs.not_found", number=args.number))
        return 1
    if args.action == "show":
        print(document_line(row))
        print(f"Cơ quan ban hành: {row.issuer or '—'}")
        print(f"Tệp nguồn: {row.source_name}")
        for section in engine.outline(row.id):
            print("  " * max(section.level - 1, 0) + f"- {section.locator}: {section.title}")
        for line in relation_lines(*engine.relations(row.id)):
            print(line)
    elif args.action == "remove":
        engine.remove(row.id)
        _audit(engine, Action.REMOVE, row.label, f"#{row.id}")
        print(t("docs.removed", number=row.number or row.title))
    elif args.action == "history":
        for version in engine.versions(row.id):
            print(
                t(
                    "docs.history_line",
                    version=version.version_no,
                    status=t(f"status.{version.status}"),
                    date=display_time(version.created_at, engine.settings.zone),
                    source=version.source_name,
                    chunks=version.chunk_count,
                )
            )
    return 0


def cmd_reindex(engine: Engine, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    with tqdm(unit="đoạn", disable=not sys.stderr.isatty()) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        count = engine.reindex(progress)
    _audit(engine, Action.REINDEX, detail=str(count))
    print(t("reindex.done", chunks=count))
    return 0


def _bot_store(engine: Engine) -> BotStore | None:
    """The bot's store in this data directory, if the bot has ever run on it."""
    settings = engine.settings
    return open_bot_store(settings, admin_ids=False) if bot_store_exists(settings) else None


def _audit(engine: Engine, action: Action, target: str = "", detail: str = "") -> None:
    """Admin actions from the command line reach the bot's audit log too (actor ``cli``), when there is one."""
    store = _bot_store(engine)
    if store is not None:
        try:
            store.audit(None, action, target, detail, via="cli")
        finally:
            store.close()


def cmd_audit(engine: Engine, args: argparse.Namespace) -> int:
    store = _bot_store(engine)
    if store is None:
        print(t("audit.none"))
        return 0
    try:
        for entry in store.audit_log(args.limit):
            print(audit_line(entry, DEFAULT_LANG, engine.settings.zone))
    finally:
        store.close()
    return 0


def cmd_eval(engine: Engine, args: argparse.Namespace) -> int:
    from index.evaluation import evaluate_dataset, load_alqac, load_lter

    if args.dataset == "alqac":
        root = Path(args.paths[0])
        laws, questions = load_alqac(root / "law.json", root / "train.json")
    else:
        laws, questions = load_lter(Path(args.paths[0]), Path(args.paths[1]))
    results = evaluate_dataset(engine.settings, engine.embedder, laws, questions, limit=args.limit,
                               index_dir=args.index_dir)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        print(f"{'':10} {'Acc@1':>7} {'Recall@5':>9} {'Recall@10':>10} {'MRR@10':>7}")
        for mode, metrics in results.items():
            print(
                f"{mode:10} {metrics['Acc@1']:7.3f} {metrics['Recall@5']:9.3f} {metrics['Recall@10']:10.3f}"
                f" {metrics['MRR@10']:7.3f}"
            )
    return 0


def cmd_serve(engine: Engine, args: argparse.Namespace) -> int:
    from bot.telegram.app import serve

    return serve(engine)


def cmd_run(engine: Engine, args: argparse.Namespace) -> int:
    """The main job on built-in defaults: index the bundled samples, then serve (or chat without a token)."""
    for path in _files([SAMPLES]):
        report = engine.ingest_path(path, source_name=path.name)
        print(_report_line(report, engine.settings.max_file_mb))
    if engine.settings.telegram_token is not None:
        return cmd_serve(engine, args)
    print(t("run.no_token"))
    return cmd_chat(engine, args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nqbot", description="Hỏi đáp văn bản của Đảng, trích dẫn nguyên văn."
    )
    parser.add_argument("--data-dir", type=Path, help="data directory (default: NQBOT_DATA_DIR or ./data)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index files or folders")
    p.add_argument("paths", nargs="+")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="answer a question with cited passages")
    p.add_argument("question", nargs="*")
    p.add_argument("--json", action="store_true")
    p.add_argument("--doc", action="append", help="restrict to a document number (repeatable)")
    p.add_argument("-k", type=int, default=None, help="number of citations")
    p.add_argument("--questions", help="file with one question per line")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive terminal chat")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("docs", help="list, show, remove documents or show their history")
    p.add_argument("action", choices=["list", "show", "remove", "history"])
    p.add_argument("number", nargs="?")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("reindex", help="re-embed every passage with the configured embedder")
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("audit", help="the admins' audit log (bot and command line), newest first")
    p.add_argument("limit", nargs="?", type=int, default=20, help="how many entries (default 20)")
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("eval", help="retrieval quality on a labelled legal dataset")
    p.add_argument("dataset", choices=["alqac", "lter"])
    p.add_argument("paths", nargs="+", help="alqac: DIR; lter: PASSAGES_JSON QUESTIONS_JSON")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=None, help="only the first N questions")
    p.add_argument("--index-dir", type=Path, default=None,
                   help="keep the dataset's index here and reuse it next time (default: a throwaway directory)")
    p.set_defaults(func=cmd_eval)

    add_quiz_commands(sub)

    p = sub.add_parser("serve", help="run the Telegram bot")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("run", help="index the bundled samples, then serve (or chat without a token)")
    p.set_defaults(func=cmd_run)

    operations.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    overrides: dict[str, object] = {}
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.log_level:
        overrides["log_level"] = args.log_level
    settings = Settings(**overrides)  # type: ignore[arg-type]
    configure_logging(settings.log_level, settings.log_format)
    if getattr(args, "without_engine", False):
        return operations.run(args.func, settings, args)
    try:
        operations.upgrade_if_older(settings)  # back up, then migrate older schemas (before Engine opens them)
    except (OperationError, OSError) as error:
        print(t("ops.error.upgrade_backup", reason=failure_message(error)), file=sys.stderr)
        return 2
    try:
        engine = Engine(settings)
    except SchemaTooNew as error:
        print(operations.schema_message(error), file=sys.stderr)
        return 2
    except (UnrecognisedDatabase, DatabaseUnavailable) as error:
        print(t("ops.error.database", detail=str(error)), file=sys.stderr)
        return 2
    try:
        return int(args.func(engine, args))
    except EmbedderMismatch as error:
        print(t("error.embedder_mismatch"), file=sys.stderr)
        log.debug("embedder mismatch: %s", error)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        engine.close()


if __name__ == "__main__":
    sys.exit(main())
