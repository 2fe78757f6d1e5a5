"""Telegram HTML for study sessions: questions, answers revealed, scoreboards and scores, guided reading,
daily questions, contests, question banks, saved passages, and checked multiple-choice questions.

Pure functions like :mod:`bot.telegram.render`: document and user text is escaped here.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.i18n import t
from bot.render_text import display_time
from bot.study import contests, daily, sessions
from bot.study.bank import ImportReport, StoredQuestion
from bot.study.commands import Usage
from bot.study.contests import Contest, NoContest, Rank
from bot.study.daily import Current, Schedule, Stopped
from bot.study.practice import Mastery
from bot.study.quizzes import Answered, Missing
from bot.study.results import DocumentScore, MemberScore, ScoreLine
from bot.study.review import Unreadable
from bot.study.saved import SavedPassage
from bot.study.sessions import HostChanged, Hosting, Step, Summary, UnknownUser
from bot.telegram.render import blockquote, highlighted, label_html, th
from bot.telegram.split import MESSAGE_LIMIT, esc, join_blocks, split_html
from index.quiz.model import LETTERS, MAX_POLL_QUESTION, Evidence
from index.quiz.solve import Verdict
from index.rows import DocumentRow

#: Scoreboards list this many people (everyone is in the exports).
SCOREBOARD_LINES = 20


def poll_question(question: str, ordinal: int, total: int) -> str:
    """The poll's question with its place in the quiz when that still fits Telegram's 300 characters."""
    numbered = f"[{ordinal}/{total}] {question}" if total > 1 else question
    return numbered if len(numbered) <= MAX_POLL_QUESTION else question


def question_html(question: StoredQuestion, ordinal: int, total: int, lang: str, seconds: int | None) -> str:
    """A question too long for a poll, sent as a message whose buttons are its options."""
    head = th("tg.quiz.question_head", lang, n=ordinal, total=total)
    if seconds:
        head += " · " + th("tg.quiz.seconds", lang, seconds=seconds)
    options = "\n".join(f"<b>{LETTERS[i]}.</b> {esc(option)}" for i, option in enumerate(question.options))
    return f"<b>{head}</b>\n{esc(question.question)}\n\n{options}"


def evidence_html(evidence: Evidence, document: DocumentRow | None) -> str:
    """The cited passage of a question: document, locator, the quote with the answer in bold."""
    heading = label_html(document.number, None) if document is not None else ""
    where = f"<i>{esc(evidence.locator)}</i>" if evidence.locator else ""
    quote = blockquote(highlighted(evidence.quote, [(evidence.answer_start, evidence.answer_end)]), evidence.quote)
    return "\n".join(part for part in (" · ".join(p for p in (heading, where) if p), quote) if part)


def reveal_html(question: StoredQuestion, document: DocumentRow | None, right: int, answered: int,
                lang: str) -> str:
    """After a round of a group quiz: the right option, how many got it, and the passage that says so."""
    answer = f"{LETTERS[question.correct]}. {question.options[question.correct]}"
    lines = [th("tg.quiz.reveal", lang, answer=f"<b>{esc(answer)}</b>", right=right, answered=answered)]
    if question.evidence is not None:
        lines.append(evidence_html(question.evidence, document))
    return "\n".join(lines)


def feedback_html(question: StoredQuestion, document: DocumentRow | None, choice: int, correct: bool,
                  lang: str) -> str:
    """Personal practice: right or not, the right option, and the passage."""
    answer = f"{LETTERS[question.correct]}. {question.options[question.correct]}"
    head = th("tg.quiz.right", lang) if correct else th("tg.quiz.wrong", lang, answer=f"<b>{esc(answer)}</b>")
    lines = [head]
    if question.evidence is not None:
        lines.append(evidence_html(question.evidence, document))
    return "\n".join(lines)


def answer_toast(outcome: Answered | None, lang: str) -> str:
    """What the presser of an answer button is told (plain text: a callback answer)."""
    if outcome is None:
        return t("tg.quiz.closed", lang)
    if not outcome.first:
        return t("tg.quiz.already", lang)
    if outcome.run.kind == "contest":
        return t("tg.quiz.recorded", lang)
    if outcome.correct:
        return t("tg.quiz.toast_right", lang)
    question = outcome.question
    answer = f"{LETTERS[question.correct]}. {question.options[question.correct]}"
    return t("tg.quiz.toast_wrong", lang, answer=answer[:150])


def _seconds(value: float) -> str:
    return f"{value:.0f}"


def scoreboard_html(scores: Sequence[ScoreLine], total: int, lang: str, *, key: str = "tg.quiz.scoreboard") -> str:
    """The end of a quiz: everyone who answered, best first."""
    lines = [f"<b>{th(key, lang, total=total)}</b>"]
    if not scores:
        lines.append(th("tg.quiz.nobody", lang))
    medals = ["🥇", "🥈", "🥉"]
    for i, line in enumerate(scores[:SCOREBOARD_LINES]):
        place = medals[i] if i < len(medals) else f"{i + 1}."
        lines.append(th("tg.quiz.score_line", lang, place=place, name=esc(line.name), correct=line.correct,
                        answered=line.answered, seconds=_seconds(line.seconds)))
    return "\n".join(lines)


def scores_html(members: Sequence[MemberScore], documents: Sequence[DocumentScore],
                names: dict[int | None, str], lang: str, *, own: MemberScore | None = None) -> list[str]:
    """/scores: a group's members (or the caller's own results), best streaks, per document."""
    lines: list[str] = []
    if own is not None:
        lines.append(f"<b>{th('tg.scores.own', lang)}</b>")
        lines.append(th("tg.scores.own_line", lang, correct=own.correct, answered=own.answered,
                        streak=own.best_streak))
    else:
        lines.append(f"<b>{th('tg.scores.group', lang)}</b>")
        if not members:
            lines.append(th("tg.scores.none", lang))
        for i, member in enumerate(members[:SCOREBOARD_LINES], 1):
            lines.append(th("tg.scores.member_line", lang, place=i, name=esc(member.name), correct=member.correct,
                            answered=member.answered, streak=member.best_streak))
    if documents:
        lines += ["", f"<b>{th('tg.scores.documents', lang)}</b>"]
        for score in documents:
            lines.append(th("tg.scores.document_line", lang, document=esc(names.get(score.document_id, "?")),
                            correct=score.correct, answered=score.answered))
    return split_html("\n".join(lines))


def progress_html(mastery: Sequence[Mastery], names: dict[int | None, str], lang: str) -> str:
    """/progress: per document, how much of its question bank the member has mastered."""
    if not mastery:
        return th("tg.progress.none", lang)
    lines = [f"<b>{th('tg.progress.header', lang)}</b>"]
    for item in mastery:
        filled = round(item.percent / 10)
        bar = "▰" * filled + "▱" * (10 - filled)
        lines.append(th("tg.progress.line", lang, document=esc(names.get(item.document_id, "?")), bar=bar,
                        percent=item.percent, mastered=item.mastered, questions=item.questions,
                        correct=item.correct, answered=item.answered))
    lines.append(th("tg.progress.hint", lang))
    return "\n".join(lines)


# guided reading -------------------------------------------------------------------------------------------
def session_opened_html(document: DocumentRow, host: str, lang: str) -> str:
    return th("tg.study.opened", lang, document=label_html(document.number, document.title), host=esc(host))


def step_messages(document: DocumentRow, step: Step, text: str, lang: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """One section of the reading, split below Telegram's limit."""
    where = " · ".join(p for p in (step.locator, step.title if step.title != step.locator else "") if p)
    head = th("tg.study.step", lang, n=step.index + 1, total=step.total, document=esc(document.label),
              where=esc(where))
    return join_blocks([f"<b>{head}</b>", blockquote(esc(text), text)], limit)


def summary_html(summary: Summary, lang: str, zone: ZoneInfo) -> str:
    """The closing record of a session: who attended, who asked or answered, the scores."""
    document = summary.document
    lines = [f"<b>{th('tg.study.summary', lang, document=esc(document.label if document else '?'))}</b>",
             th("tg.study.when", lang, start=esc(display_time(summary.session.started_at, zone)),
                end=esc(display_time(summary.session.ended_at or summary.session.started_at, zone)))]
    for key, names in (("tg.study.attended", summary.attended), ("tg.study.asked", summary.asked),
                       ("tg.study.answered", summary.answered)):
        lines.append(th(key, lang, count=len(names), names=esc(", ".join(names)) if names else "—"))
    if summary.scores:
        lines.append(scoreboard_html(summary.scores, 0, lang, key="tg.study.scores"))
    lines.append(th("tg.study.export_hint", lang, id=summary.session.id))
    return "\n".join(lines)


def missing_html(missing: Missing, lang: str) -> str:
    """Document numbers the caller's library does not have."""
    return th("docs.not_found", lang, number=esc(", ".join(missing.numbers)))


# hosts and daily questions --------------------------------------------------------------------------------
#: What a refused ``/host`` is told, and a refused ``/daily``.
HOST_REFUSALS = {sessions.Refusal.NOT_GROUP: "tg.group.run_in_group", sessions.Refusal.NOT_ADMIN: "tg.admin.only"}
DAILY_REFUSALS = {daily.Refusal.NOT_GROUP: "tg.group.run_in_group", daily.Refusal.NOT_HOST: "tg.quiz.not_host"}


def host_html(outcome: Hosting, lang: str) -> str:
    """``/host``: the group's hosts, who became (or stopped being) one, or why not."""
    if isinstance(outcome, sessions.Refusal):
        return th(HOST_REFUSALS[outcome], lang)
    if isinstance(outcome, UnknownUser):
        return th("tg.user.not_found", lang, user=esc(outcome.who))
    if isinstance(outcome, HostChanged):
        return th("tg.host.removed" if outcome.removed else "tg.host.added", lang, user=esc(outcome.user.display))
    return th("tg.host.list", lang, names=", ".join(esc(h.display) for h in outcome) or "—")


def daily_html(outcome: daily.Refusal | Stopped | Current | Missing | Schedule, lang: str, timezone: str) -> str:
    """``/daily``: the time set (in ``timezone``), the time in force, stopped, or why not."""
    if isinstance(outcome, daily.Refusal):
        return th(DAILY_REFUSALS[outcome], lang)
    if isinstance(outcome, Missing):
        return missing_html(outcome, lang)
    if isinstance(outcome, Stopped):
        return th("tg.daily.off" if outcome.removed else "tg.daily.none", lang)
    if isinstance(outcome, Current):
        current = outcome.schedule
        return th("tg.daily.usage" if current is None else "tg.daily.current", lang,
                  time=current.at.strftime("%H:%M") if current else "")
    return th("tg.daily.set", lang, time=outcome.at.strftime("%H:%M"), zone=esc(timezone))


# contests -------------------------------------------------------------------------------------------------
def contest_html(contest: Contest, bot_username: str, lang: str, zone: ZoneInfo) -> str:
    seconds = th("tg.contest.per_question", lang, seconds=contest.seconds) if contest.seconds else ""
    link = f"https://t.me/{bot_username}?start=contest{contest.id}"
    return th("tg.contest.created", lang, id=contest.id, title=esc(contest.title), count=len(contest.questions),
              deadline=esc(display_time(contest.deadline, zone)), per_question=seconds, link=esc(link))


#: What a refused contest command is told.
CONTEST_REFUSALS = {contests.Refusal.NOT_ADMIN: "tg.contest.usage_member",
                    contests.Refusal.NO_QUESTIONS: "tg.quiz.no_questions"}


def contest_list_html(listed: Sequence[Contest], lang: str, moment: float) -> str:
    """``/contest list``: the latest contests, open or closed at ``moment``."""
    lines = [th("tg.contest.list_line", lang, id=c.id, title=esc(c.title), count=len(c.questions),
                state=th("tg.contest.open" if c.accepting(moment) else "tg.contest.closed_state", lang))
             for c in listed]
    return "\n".join(lines) or th("tg.contest.none", lang)


def contest_admin_html(outcome: contests.Refusal | Usage | Missing | Contest | list[Contest] | NoContest, lang: str,
                       bot_username: str, zone: ZoneInfo, moment: float) -> str:
    """An admin's contest command: the contest opened (with its link), the list, or why not."""
    if isinstance(outcome, contests.Refusal):
        return th(CONTEST_REFUSALS[outcome], lang)
    if isinstance(outcome, Usage):
        return th("tg.contest.usage", lang)
    if isinstance(outcome, Missing):
        return missing_html(outcome, lang)
    if isinstance(outcome, NoContest):
        return th("tg.contest.not_found", lang, id=outcome.contest_id)
    if isinstance(outcome, Contest):
        return contest_html(outcome, bot_username, lang, zone)
    return contest_list_html(outcome, lang, moment)


def ranking_html(contest: Contest, ranks: Sequence[Rank], lang: str) -> list[str]:
    lines = [f"<b>{th('tg.contest.ranking', lang, id=contest.id, title=esc(contest.title))}</b>"]
    if not ranks:
        lines.append(th("tg.contest.nobody", lang))
    for rank in ranks:
        lines.append(th("tg.contest.rank_line", lang, place=rank.place, name=esc(rank.name), score=rank.score,
                        total=len(contest.questions), seconds=_seconds(rank.seconds)))
    return split_html("\n".join(lines))


# question banks -------------------------------------------------------------------------------------------
def import_report_html(report: ImportReport, lang: str) -> list[str]:
    lines = [th("tg.bank.imported", lang, name=esc(report.name), read=report.read, backed=report.backed,
                stored=report.stored)]
    if report.unsupported:
        lines.append(th("tg.bank.unsupported", lang, questions=esc(", ".join(report.unsupported))))
    if report.disagrees:
        lines.append(th("tg.bank.disagrees", lang, questions=esc(", ".join(report.disagrees))))
    for label, flaw in report.flaws:
        lines.append(f"• {esc(label)}: {th(f'quiz.flaw.{flaw.value}', lang)}")
    if report.unsupported or report.disagrees:
        lines.append(th("tg.bank.review_hint", lang))
    return split_html("\n".join(lines))


def bank_import_html(outcome: ImportReport | Unreadable, lang: str, limit_mb: int) -> list[str]:
    """A bank file read: the report, or why the file could not be read."""
    if isinstance(outcome, Unreadable):
        return [th(f"error.{outcome.code}", lang, limit=limit_mb)]
    return import_report_html(outcome, lang)


def question_list_html(questions: Sequence[StoredQuestion], total: int, names: dict[int | None, str],
                       lang: str) -> list[str]:
    lines = [f"<b>{th('tg.bank.list', lang, shown=len(questions), total=total)}</b>"]
    for question in questions:
        state = "✅" if question.enabled else "🚫"
        where = names.get(question.document_id) or question.label
        text = " ".join(question.question.split())
        lines.append(f"{state} <code>#{question.id}</code> {esc(where)}: {esc(text[:90])}")
    lines.append(th("tg.bank.list_hint", lang))
    return split_html("\n".join(lines))


def question_preview_html(question: StoredQuestion, document: DocumentRow | None, verified: bool,
                          lang: str) -> list[str]:
    state = th("tg.bank.enabled" if question.enabled else "tg.bank.disabled", lang)
    lines = [f"<b>#{question.id}</b> · {esc(question.kind)} · {state}", esc(question.question), ""]
    for i, option in enumerate(question.options):
        lines.append(f"{'✅' if i == question.correct else '▫️'} <b>{LETTERS[i]}.</b> {esc(option)}")
    if question.evidence is not None:
        lines += ["", evidence_html(question.evidence, document)]
        if not verified:
            lines.append(th("quiz.quote_stale", lang))
    else:
        lines += ["", th(f"quiz.status.{question.status.value}", lang)]
    return split_html("\n".join(lines))


# saved passages, checked questions ------------------------------------------------------------------------
def saved_html(items: Sequence[SavedPassage], page: int, total: int, per_page: int, lang: str,
               zone: ZoneInfo) -> list[str]:
    if not items:
        return [th("tg.saved.none", lang)]
    pages = (total + per_page - 1) // per_page
    blocks = [f"<b>{th('tg.saved.header', lang, count=total, page=page + 1, pages=pages)}</b>"]
    for item in items:
        document = item.document
        head = label_html(document.number, document.title) if document else "?"
        where = f"<i>{esc(item.locator)}</i> · " if item.locator else ""
        when = th("tg.saved.when", lang, date=esc(display_time(item.saved_at, zone, minutes=False)))
        body = blockquote(esc(item.quote), item.quote) if item.quote else th("tg.saved.gone", lang)
        blocks.append(f"{head}\n{where}{when}\n{body}")
    return join_blocks(blocks, MESSAGE_LIMIT)


def verdict_html(verdict: Verdict, lang: str) -> list[str]:
    """A pasted multiple-choice question: the option the documents support and the passage, or undecided."""
    if verdict.choice is None:
        return [th("tg.check.undecided", lang)]
    option = f"{LETTERS[verdict.choice]}. {verdict.options[verdict.choice]}"
    blocks = [th("tg.check.decided", lang, option=f"<b>{esc(option)}</b>")]
    for citation in verdict.citations:
        heading = label_html(citation.doc_number, citation.title)
        where = f"<i>{esc(citation.locator)}</i>" if citation.locator else ""
        quote = blockquote(highlighted(citation.quote, citation.highlights), citation.quote)
        blocks.append("\n".join(p for p in (heading, where, quote) if p))
    return join_blocks(blocks, MESSAGE_LIMIT)
