"""``nqbot backup | restore | verify | status``: the operations commands, which work on a data directory
without loading the engine (restore needs an empty directory; backup, verify and status run beside the bot).

Errors become one clear line (``ops.error.<code>``) and exit code 2; ``verify`` exits 1 when it finds problems
and ``status`` exits 1 when the bot is not running.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.audit import Action
from bot.i18n import t
from bot.operations.backup import BackupResult, backup, default_backup_dir, in_background, upgrade
from bot.operations.databases import DataPaths, Finding, Level
from bot.operations.errors import OperationError, Refusal, failure_message
from bot.operations.health import BackupOutcome, Health, read_status
from bot.operations.migrate import counts_json, migrate
from bot.operations.restore import check, restore
from bot.operations.verify import verify
from bot.render_text import display_time
from config.database_url import is_postgres_url, redact
from config.settings import Settings
from index.database import DatabaseUnavailable, SchemaTooNew, UnrecognisedDatabase

Command = Callable[[Settings, argparse.Namespace], int]

BACKUP_HELP = """\
Write one archive (.tar.gz) of everything that cannot be recomputed: both databases, the stored originals and
a manifest with counts and a SHA-256 checksum of every member. Not included: the FAISS file (rebuilt from the
stored embeddings), converted models, pending uploads, and .env / the environment file (it holds the token).

SQLite: the databases are copied with SQLite's online backup API, so a backup is consistent while the bot runs
and answers. With the PostgreSQL backend (NQBOT_DATABASE_URL) this command refuses: back the database up with
pg_dump instead (README, "Several workers on PostgreSQL").
"""


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="write a backup archive of the data directory",
                       description=BACKUP_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("dest", nargs="?", type=Path,
                   help="directory for the archive (default: NQBOT_BACKUP_DIR or <data dir>/backups)")
    p.add_argument("--keep", type=int, metavar="N", help="then delete all but the newest N archives in DEST")
    p.set_defaults(func=cmd_backup, without_engine=True)

    p = sub.add_parser("restore", help="restore a backup archive into an empty data directory",
                       description="Check the whole archive (every checksum, the manifest, the schema versions) "
                       "before writing anything, then restore it into the data directory (--data-dir), which must "
                       "be empty, rebuild the FAISS file and verify the result. SQLite backend only.")
    p.add_argument("archive", type=Path)
    p.add_argument("--check", action="store_true", help="only check the archive; write nothing")
    p.set_defaults(func=cmd_restore, without_engine=True)

    p = sub.add_parser("verify", help="check a data directory (databases, keyword index, vectors, stored files)",
                       description="Read-only checks of a live data directory: SQLite integrity_check of both "
                       "databases and FTS5 integrity-check (SQLite backend), the FAISS file's ids against the "
                       "catalog, every stored original against its SHA-256. Exit code 1 when something is wrong.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_verify, without_engine=True)

    p = sub.add_parser("migrate", help="copy this SQLite + FAISS installation into PostgreSQL, with a count check",
                       description="Copy the data directory's library, bot state and stored originals into an empty "
                       "PostgreSQL database (≥ 15, pgvector ≥ 0.5), then compare the counts of both sides (exit code "
                       "1 when they differ). The data directory is only read. Then set NQBOT_DATABASE_URL to the same "
                       "URL for every worker.")
    p.add_argument("--to", required=True, metavar="URL", help="postgresql://user:password@host/db, or "
                   "postgresql://user@/db?host=/run/postgresql (a password can also come from ~/.pgpass or PGPASSWORD)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_migrate, without_engine=True)

    p = sub.add_parser("status", help="is the bot running: library, last update processed, backups",
                       description="The library (generation, documents in search, schema versions) and the status "
                       "row the running bot refreshes: running, stopped, not responding or never ran; the last "
                       "update processed and its age; the last and next backup. Exit code 0 only when running.")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status, without_engine=True)


#: Commands that read and write the SQLite files of a data directory.
FILE_COMMANDS = {"backup", "restore", "verify", "status"}


def run(command: Command, settings: Settings, args: argparse.Namespace) -> int:
    """Run an operations command; its refusals become one line on stderr and exit code 2."""
    try:
        if settings.database_url_value is not None and args.command in FILE_COMMANDS:
            raise OperationError(Refusal.POSTGRES_BACKEND, f"nqbot {args.command}")
        return command(settings, args)
    except (OperationError, OSError) as error:  # OSError: no space left, permission denied …
        print(failure_message(error), file=sys.stderr)
        return 2
    except (UnrecognisedDatabase, DatabaseUnavailable, SchemaTooNew) as error:
        print(t("ops.error.database", detail=str(error)), file=sys.stderr)
        return 2


# migrate -----------------------------------------------------------------------------------------------
def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    url = args.to.strip()
    if not is_postgres_url(url):
        raise SystemExit("nqbot migrate: --to needs a postgresql:// URL")
    paths = DataPaths.of(settings.data_dir)
    if paths.catalog.is_file():  # an older data directory: backed up, then brought up to date first
        upgrade_if_older(settings.model_copy(update={"database_url": None}))
    result = migrate(paths, url, progress=lambda step, count: print(f"  {step}: {count}", file=sys.stderr))
    if args.json:
        print(counts_json(result))
    else:
        print(t("ops.migrate.done", url=redact(url), seconds=result.seconds, files=result.files))
        for name, (source, target) in result.counts.items():
            print(("✓ " if source == target else "✗ ") + t("ops.migrate.count", name=name, source=source,
                                                          target=target))
        print(t("ops.migrate.equal" if result.equal else "ops.migrate.differ"))
    return 0 if result.equal else 1


def schema_message(error: SchemaTooNew) -> str:
    return t("ops.error.schema_too_new", file=str(error.path), found=error.found, known=error.known)


# backup ------------------------------------------------------------------------------------------------
def _mb(size: int) -> str:
    return f"{size / 1e6:.1f}"


def _counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{name} {value}" for name, value in counts.items())


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    if args.keep is not None and args.keep < 1:
        raise SystemExit("nqbot backup: --keep needs a number of at least 1")
    paths = DataPaths.of(settings.data_dir)
    dest = args.dest or default_backup_dir(settings)
    try:
        result = in_background(backup, paths, dest, keep=args.keep)
    except OperationError as error:
        _remember(paths, None, error)
        raise
    _remember(paths, result, None)
    print(t("ops.backup.done", path=str(result.path), size=_mb(result.size), files=result.files,
            seconds=result.seconds))
    print(t("ops.backup.counts", counts=_counts(result.manifest.counts)))
    for warning in result.manifest.warnings:
        print(t("ops.backup.warning", warning=warning))
    if result.removed:
        print(t("ops.backup.removed", count=len(result.removed), keep=args.keep))
    return 0


def _remember(paths: DataPaths, result: BackupResult | None, error: OperationError | None) -> None:
    """The outcome goes to the bot's audit log and status row (when the bot has a store)."""
    from bot.store import BotStore

    if not paths.bot.is_file():
        return
    try:
        store = BotStore(paths.bot)
    except SchemaTooNew:
        return
    try:
        if result is not None:
            store.audit(None, Action.BACKUP, result.path.name, f"{_mb(result.size)} MB", via="cli")
            BackupOutcome(time.time(), True, result.path.name, result.size, result.seconds).save(store)
        elif error is not None:
            store.audit(None, Action.BACKUP, "", f"failed: {error.code.value}", via="cli")
            BackupOutcome(time.time(), False, error=error.code.value).save(store)
    finally:
        store.close()


def upgrade_if_older(settings: Settings) -> BackupResult | None:
    """On start: an older data directory is backed up automatically, then migrated (SQLite: PostgreSQL's schema
    is migrated by nqbot when it connects; take a pg_dump before upgrading)."""
    if settings.database_url_value is not None:
        return None
    result = upgrade(DataPaths.of(settings.data_dir), default_backup_dir(settings))
    if result is not None:
        print(t("ops.backup.pre_upgrade", path=str(result.path), size=_mb(result.size)), file=sys.stderr)
    return result


# restore -----------------------------------------------------------------------------------------------
def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    target = settings.data_dir
    zone = settings.zone
    if args.check:
        checked = check(args.archive, target)
        manifest = checked.manifest
        print(t("ops.restore.checked", path=str(args.archive), created=display_time(manifest.created_at, zone),
                version=manifest.nqbot_version, members=len(manifest.members), size=_mb(checked.size)))
        print(t("ops.backup.counts", counts=_counts(manifest.counts)))
        return 0
    result = restore(args.archive, target)
    print(t("ops.restore.done", path=str(target), seconds=result.seconds))
    print(t("ops.backup.counts", counts=_counts(result.counts)))
    print(t("ops.restore.counts_equal" if result.counts_equal else "ops.restore.counts_differ"))
    _print_findings(result.report.findings)
    paths = DataPaths.of(target)
    if paths.bot.is_file():
        from bot.store import BotStore

        store = BotStore(paths.bot)
        try:
            store.audit(None, Action.RESTORE, args.archive.name, _counts(result.counts), via="cli")
        finally:
            store.close()
    return 0 if result.report.clean else 1


# verify ------------------------------------------------------------------------------------------------
def finding_line(finding: Finding, lang: str = "vi") -> str:
    mark = {Level.OK: "✓", Level.NOTE: "•", Level.PROBLEM: "✗"}[finding.level]
    return f"{mark} " + t(f"ops.verify.{finding.code}", lang, **finding.fields)


def _print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        print(finding_line(finding))
    problems = sum(1 for f in findings if f.level == Level.PROBLEM)
    print(t("ops.verify.problems", count=problems) if problems else t("ops.verify.clean"))


def cmd_verify(settings: Settings, args: argparse.Namespace) -> int:
    report = verify(DataPaths.of(settings.data_dir))
    if args.json:
        print(json.dumps({"clean": report.clean, "findings": [
            {"level": f.level.value, "code": f.code, **f.fields} for f in report.findings]}, ensure_ascii=False))
    else:
        _print_findings(report.findings)
    return 0 if report.clean else 1


# status ------------------------------------------------------------------------------------------------
def status_lines(health: Health, settings: Settings, lang: str = "vi") -> list[str]:
    zone = settings.zone
    lines = [t(f"ops.status.state.{health.state.value}", lang, mode=health.mode,
               started=display_time(health.started_at, zone) if health.started_at else "—")]
    if health.error:
        lines.append(t("ops.status.error", lang, error=health.error))
    else:
        lines.append(t("ops.status.library", lang, generation=health.generation, documents=health.documents,
                       schemas=", ".join(f"{k} {v}" for k, v in health.schemas.items())))
    if health.last_update_id is not None and health.last_update_at is not None:
        lines.append(t("ops.status.last_update", lang, update=health.last_update_id,
                       at=display_time(health.last_update_at, zone), age=round(health.last_update_age or 0)))
    elif health.state.value != "never_ran":
        lines.append(t("ops.status.no_update", lang))
    if health.next_backup_at is not None:
        lines.append(t("ops.status.next_backup", lang, at=display_time(health.next_backup_at, zone)))
    last = health.last_backup
    if last is not None:
        when = display_time(last.at, zone)
        lines.append(t("ops.status.last_backup_ok", lang, at=when, file=last.file, size=_mb(last.size)) if last.ok
                     else t("ops.status.last_backup_failed", lang, at=when, error=last.error))
    return lines


def cmd_status(settings: Settings, args: argparse.Namespace) -> int:
    health = read_status(DataPaths.of(settings.data_dir), time.time())
    if args.json:
        print(json.dumps(health.to_json(settings.zone), ensure_ascii=False))
    else:
        for line in status_lines(health, settings):
            print(line)
    return 0 if health.ok else 1
