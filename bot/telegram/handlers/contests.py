"""Contests: admins open, list, close them and get the ranking with its export; members take one in private
(``/contest ID`` or the link ``t.me/<bot>?start=contestID``), once. The rules are :mod:`bot.study.contests`'."""

from __future__ import annotations

from bot.study.commands import TakeContest, parse_contest
from bot.study.contests import Ranking, Refusal
from bot.telegram import quizzing
from bot.telegram.render import esc
from bot.telegram.study_render import contest_admin_html, ranking_html
from bot.telegram.turn import Turn, for_members
from index.database import now


async def take(turn: Turn, contest_id: int) -> None:
    """A member starts their one attempt (in private)."""
    attempt = await turn.svc.workers.db(turn.svc.study.contests.attempt, turn.caller, contest_id)
    if isinstance(attempt, Refusal):
        await turn.say(f"tg.contest.{attempt.value}", id=contest_id)
        return
    contest = attempt.contest
    await turn.say("tg.contest.begin", id=contest.id, title=esc(contest.title), count=len(contest.questions))
    await quizzing.begin(turn.context.application, attempt.run)


async def show_ranking(turn: Turn, ranking: Ranking) -> None:
    """A contest's ranking (after saying it is closed, when it just was) and its export files."""
    if ranking.closed:
        await turn.say("tg.contest.closed_now", id=ranking.contest.id)
    await turn.reply(ranking_html(ranking.contest, ranking.ranks, turn.lang))
    await turn.send_files(ranking.files)


@for_members
async def cmd_contest(turn: Turn) -> None:
    """/contest ID: take a contest, once; admins: /contest new N [NUMBER…] [7d] [30s] | list | results ID | close ID."""
    request = parse_contest(turn.args, turn.svc.settings.quiz_questions * 2)
    if isinstance(request, TakeContest):
        await take(turn, request.contest_id)
        return
    outcome = await turn.svc.workers.ask(turn.svc.study.contest_admin.command, turn.caller, request)
    if isinstance(outcome, Ranking):
        await show_ranking(turn, outcome)
    else:
        await turn.reply(contest_admin_html(outcome, turn.lang, turn.svc.bot_username, turn.svc.settings.zone, now()))
