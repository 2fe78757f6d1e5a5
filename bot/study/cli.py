"""``nqbot quiz …``: generate, check, import, list, show, enable/disable questions and export results.

    nqbot quiz generate NUMBER [--n N] [--json]   (--json: questions whose quote holds the right option)
    nqbot quiz check FILE [--json]          FILE: one {"question": str, "options": [str, …]} per line
    nqbot quiz import FILE                  DOCX, TXT, CSV, XLSX or JSON question bank
    nqbot quiz list [NUMBER] [--unsupported]
    nqbot quiz show ID | enable ID… | disable ID…
    nqbot quiz export-results [--contest ID | --session ID] FILE(.csv|.xlsx)
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.audit import Action
from bot.i18n import t
from bot.stores import open_bot_store
from bot.study.bank import QuestionBank, Status, StoredQuestion
from bot.study.contests import Contests
from bot.study.exports import Format, table
from bot.study.results import Results
from bot.study.sessions import Sessions
from documents.extract.limits import Limits
from documents.model import ExtractionError
from index.engine import Engine
from index.quiz.model import LETTERS
from index.quiz.solve import Solver

TIMESTAMPS = ("answered_at", "present_at")


@contextmanager
def _bank(engine: Engine) -> Iterator[QuestionBank]:
    store = open_bot_store(engine.settings)
    try:
        yield QuestionBank(store, engine)
    finally:
        store.close()


def _print_question(question: StoredQuestion, label: str) -> None:
    head = f"#{question.id} [{question.kind}{'' if question.enabled else ', ' + t('quiz.disabled')}]"
    print(f"{head} {label} {question.locator}".rstrip())
    print(question.question)
    for i, option in enumerate(question.options):
        print(f"  {'✓' if i == question.correct else ' '} {LETTERS[i]}. {option}")
    if question.explanation:
        print(f"  → {question.explanation}")


def _spread(items: list[StoredQuestion], count: int | None) -> list[StoredQuestion]:
    """``count`` items evenly over the list (the whole document, not just its opening)."""
    if count is None or count >= len(items):
        return items
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def cmd_generate(engine: Engine, args: argparse.Namespace) -> int:
    document = engine.resolve(args.number)
    if document is None:
        print(t("docs.not_found", number=args.number))
        return 1
    with _bank(engine) as bank:
        bank.ensure(document.id)
        stored, _ = bank.listing(document.id, limit=10_000)
        questions = [q for q in stored if q.origin == "generated" and q.version_id == document.active_version]
        if args.json:  # each line's quote contains its right option word for word ("which document" questions,
            # whose answer is a document number, and titles quoted from a letterhead in capitals stay in the bank)
            questions = [q for q in questions if q.options[q.correct] in q.quote]
        for question in _spread(questions, args.n):
            if args.json:
                print(json.dumps(question.as_question(document.number).as_json(), ensure_ascii=False))
            else:
                _print_question(question, document.label)
                print()
        if not args.json:
            print(t("quiz.generated", count=len(questions), document=document.label))
    return 0


def cmd_check(engine: Engine, args: argparse.Namespace) -> int:
    solver = Solver(engine)
    status = 0
    for line in Path(args.file).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        verdict = solver.solve(str(item["question"]), [str(o) for o in item["options"]])
        if args.json:
            print(json.dumps(verdict.as_json(), ensure_ascii=False))
            continue
        print(verdict.question)
        if verdict.choice is None:
            print("  " + t("quiz.check.undecided"))
            status = max(status, 0)
        else:
            print(f"  ✓ {LETTERS[verdict.choice]}. {verdict.options[verdict.choice]}")
            for citation in verdict.citations:
                print(f"  [{citation.doc_number or citation.title}, {citation.locator}] «{citation.quote}»")
        print()
    return status


def cmd_import(engine: Engine, args: argparse.Namespace) -> int:
    settings = engine.settings
    with _bank(engine) as bank:
        try:
            report = bank.import_file(Path(args.file), via="cli", max_bytes=settings.max_file_mb * 1024 * 1024,
                                      limits=Limits.from_settings(settings))
        except ExtractionError as error:
            print(t(f"error.{error.code}", limit=settings.max_file_mb))
            return 1
        bank.store.audit(None, Action.QUIZ_IMPORT, report.name, f"{report.backed}/{report.read}", via="cli")
    print(t("quiz.import.summary", name=report.name, read=report.read, backed=report.backed, stored=report.stored))
    if report.unsupported:
        print(t("quiz.import.unsupported", questions=", ".join(report.unsupported)))
    if report.disagrees:
        print(t("quiz.import.disagrees", questions=", ".join(report.disagrees)))
    for label, flaw in report.flaws:
        print(f"  {label}: {t(f'quiz.flaw.{flaw.value}')}")
    return 0


def cmd_list(engine: Engine, args: argparse.Namespace) -> int:
    document = engine.resolve(args.number) if args.number else None
    if args.number and document is None:
        print(t("docs.not_found", number=args.number))
        return 1
    statuses = [Status.UNSUPPORTED, Status.DISAGREES] if args.unsupported else None
    with _bank(engine) as bank:
        questions, total = bank.listing(document.id if document else None, statuses=statuses, limit=args.limit)
        for question in questions:
            flag = "on " if question.enabled else "off"
            label = bank.document_label(question.document_id) or question.label
            text = " ".join(question.question.split())
            print(f"#{question.id:<6} {flag} {question.status.value:<11} {label:<18} {text[:90]}")
        print(t("quiz.listed", shown=len(questions), total=total))
    return 0


def cmd_show(engine: Engine, args: argparse.Namespace) -> int:
    with _bank(engine) as bank:
        question = bank.get(args.id)
        if question is None:
            print(t("quiz.not_found", id=args.id))
            return 1
        _print_question(question, bank.document_label(question.document_id) or question.label)
        if question.quote:
            state = t("quiz.quote_verified") if bank.verified(question) else t("quiz.quote_stale")
            print(f"  «{question.quote}» ({state})")
        if question.status is not Status.OK:
            print("  " + t(f"quiz.status.{question.status.value}"))
    return 0


def cmd_enable(engine: Engine, args: argparse.Namespace) -> int:
    enabled = args.quiz_command == "enable"
    with _bank(engine) as bank:
        changed = bank.set_enabled(args.ids, enabled)
        if changed:
            bank.store.audit(None, Action.QUIZ_ENABLE if enabled else Action.QUIZ_DISABLE,
                             ", ".join(f"#{i}" for i in changed), via="cli")
    print(t("quiz.enabled" if enabled else "quiz.disabled_done", count=len(changed)))
    return 0 if len(changed) == len(args.ids) else 1


def cmd_export(engine: Engine, args: argparse.Namespace) -> int:
    path = Path(args.file)
    fmt = Format.XLSX if path.suffix.lower() == ".xlsx" else Format.CSV
    with _bank(engine) as bank:
        results = Results(bank.store)
        if args.contest is not None:
            headers, rows = Contests(bank.store, bank, results).records(args.contest)
        elif args.session is not None:
            headers, rows = Sessions(bank.store, engine, results).records(args.session)
        else:
            headers, rows = results.records()
    path.write_bytes(table(headers, rows, fmt, zone=engine.settings.zone, timestamps=TIMESTAMPS))
    print(t("quiz.exported", rows=len(rows), file=str(path)))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``nqbot quiz …`` (registered by :func:`bot.cli.build_parser`)."""
    quiz = sub.add_parser("quiz", help="question banks: generate, check answers, import, review, export results")
    commands = quiz.add_subparsers(dest="quiz_command", required=True)
    p = commands.add_parser("generate", help="questions generated from a document's text")
    p.add_argument("number")
    p.add_argument("--n", type=int, default=None, help="how many (spread over the document)")
    p.add_argument("--json", action="store_true",
                   help="one object per line, for the questions whose quote holds the right option word for word")
    p.set_defaults(func=cmd_generate)
    p = commands.add_parser("check", help="which option the documents support, for each question in FILE")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)
    p = commands.add_parser("import", help="import a question bank (DOCX, TXT, CSV, XLSX, JSON)")
    p.add_argument("file")
    p.set_defaults(func=cmd_import)
    p = commands.add_parser("list", help="the question bank (of one document)")
    p.add_argument("number", nargs="?")
    p.add_argument("--unsupported", action="store_true", help="only questions no passage backs")
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(func=cmd_list)
    p = commands.add_parser("show", help="one question with its cited passage")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_show)
    for name in ("enable", "disable"):
        p = commands.add_parser(name, help=f"{name} questions")
        p.add_argument("ids", type=int, nargs="+")
        p.set_defaults(func=cmd_enable)
    p = commands.add_parser("export-results", help="answers, a session's attendance or a contest's ranking")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--contest", type=int)
    group.add_argument("--session", type=int)
    p.add_argument("file", help="*.csv or *.xlsx")
    p.set_defaults(func=cmd_export)
