"""Contests: admins open, list, close them and get the ranking with its export; members take one in private
(``/contest ID`` or the link ``t.me/<bot>?start=contestID``), once."""

from __future__ import annotations

import re

from telegram import InputFile

from bot.audit import Action
from bot.study.commands import parse_arguments
from bot.study.contests import Contest, Refusal
from bot.study.exports import Format, table
from bot.study.quizzes import Missing
from bot.study.results import Run
from bot.telegram import quizzing
from bot.telegram.render import esc, th
from bot.telegram.study_render import contest_html, ranking_html
from bot.telegram.turn import Turn, for_members
from index.database import now

DEFAULT_DAYS = 7
_DAYS = re.compile(r"^(\d{1,3})(?:d|ngay|ngày)$", re.I)
_SECONDS = re.compile(r"^(\d{1,3})(?:s|giay|giây)$", re.I)


def contest_options(args: list[str], default_count: int) -> tuple[list[str], int, int, int | None]:
    """``new 10 57 71 7d 30s`` → (documents, questions, days, seconds per question or None)."""
    days, seconds, rest = DEFAULT_DAYS, None, []
    for word in args:
        if (found := _DAYS.match(word)) is not None:
            days = max(1, int(found.group(1)))
        elif (found := _SECONDS.match(word)) is not None:
            seconds = min(max(int(found.group(1)), 5), 600)
        else:
            rest.append(word)
    count = default_count
    if rest and rest[0].isascii() and rest[0].isdigit():
        count = int(rest.pop(0))
    numbers, count = parse_arguments(rest, count)
    return numbers, count, days, seconds


async def take(turn: Turn, contest_id: int) -> None:
    """A member starts their one attempt (in private)."""
    if turn.caller.is_group:
        await turn.say("tg.contest.private_only", id=contest_id)
        return
    study = turn.svc.study
    run = await turn.svc.workers.db(study.contests.begin, contest_id, turn.caller.user_id, turn.caller.chat_id,
                                    turn.caller.lang)
    if not isinstance(run, Run):
        await turn.say(f"tg.contest.{run.value}", id=contest_id)
        return
    contest = await turn.svc.workers.db(study.contests.get, contest_id)
    assert contest is not None
    await turn.say("tg.contest.begin", id=contest.id, title=esc(contest.title), count=len(contest.questions))
    await quizzing.begin(turn.context.application, run)


async def _results(turn: Turn, contest: Contest) -> None:
    study = turn.svc.study
    ranks = await turn.svc.workers.db(study.contests.ranking, contest.id)
    await turn.reply(ranking_html(contest, ranks, turn.lang))
    headers, rows = await turn.svc.workers.db(study.contests.records, contest.id)
    for fmt in (Format.CSV, Format.XLSX):
        data = table(headers, rows, fmt, title=f"contest-{contest.id}")
        await turn.context.bot.send_document(turn.caller.chat_id,
                                             InputFile(data, filename=f"contest-{contest.id}.{fmt}"),
                                             message_thread_id=turn.caller.thread_id)


@for_members
async def cmd_contest(turn: Turn) -> None:
    """/contest ID: take a contest, once; admins: /contest new N [NUMBER…] [7d] [30s] | list | results ID | close ID."""
    study, args = turn.svc.study, list(turn.args)
    word = args[0].lower() if args else ""
    if word.isdigit():
        await take(turn, int(word))
        return
    if not turn.caller.is_admin:
        await turn.say("tg.contest.usage_member")
        return
    if word == "new":
        numbers, count, days, seconds = contest_options(args[1:], turn.svc.settings.quiz_questions * 2)
        documents = await turn.svc.workers.ask(study.quizzes.documents, turn.caller, numbers)
        if isinstance(documents, Missing):
            await turn.say("docs.not_found", number=esc(", ".join(documents.numbers)))
            return
        labels = []
        for document_id in documents or []:
            document = await turn.svc.workers.ask(turn.svc.engine.document, document_id)
            if document is not None:
                labels.append(document.label)
        title = th("tg.contest.title", turn.lang, documents=", ".join(labels) or th("tg.contest.all", turn.lang))
        created = await turn.svc.workers.ask(study.contests.create, title=title, created_by=turn.caller.user_id,
                                             documents=documents, count=count, deadline=now() + days * 86400,
                                             seconds=seconds)
        if isinstance(created, Refusal):
            await turn.say("tg.quiz.no_questions")
            return
        await turn.svc.workers.db(turn.svc.store.audit, turn.caller.user_id, Action.CONTEST_OPEN, f"#{created.id}",
                                  f"{len(created.questions)} questions")
        await turn.reply(contest_html(created, turn.svc.bot_username, turn.lang, turn.svc.settings.zone))
    elif word == "list":
        contests = await turn.svc.workers.db(study.contests.listing)
        lines = [th("tg.contest.list_line", turn.lang, id=c.id, title=esc(c.title), count=len(c.questions),
                    state=th("tg.contest.open" if c.accepting(now()) else "tg.contest.closed_state", turn.lang))
                 for c in contests]
        await turn.reply("\n".join(lines) or th("tg.contest.none", turn.lang))
    elif word in ("results", "close") and len(args) > 1 and args[1].isdigit():
        contest = await turn.svc.workers.db(study.contests.get, int(args[1]))
        if contest is None:
            await turn.say("tg.contest.not_found", id=int(args[1]))
            return
        if word == "close":
            await turn.svc.workers.db(study.contests.close, contest.id)
            await turn.svc.workers.db(turn.svc.store.audit, turn.caller.user_id, Action.CONTEST_CLOSE,
                                      f"#{contest.id}")
            await turn.say("tg.contest.closed_now", id=contest.id)
        await _results(turn, contest)
    else:
        await turn.say("tg.contest.usage")
