"""End to end through the fake Bot API: every reply of the study commands' arguments and refusals that the other
end-to-end tests do not reach — /host (by @username and by reply), /daily's usage, current time and off, /export
without a session or of a contest, /contest list, close and results as an admin and as a member, the contest
link in /start, /study's refusals, the reading buttons 🎯 and ⏹, a question bank sent as a file, /questions,
/question and its button, /qenable and /qdisable. Each reply is compared with the catalog message it must be."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.audit import Action
from bot.store import BotStore
from bot.study.bank import QuestionBank, Status, StoredQuestion
from bot.telegram.render import esc, th
from bot.telegram.study_render import (
    contest_html,
    import_report_html,
    question_list_html,
    question_preview_html,
    ranking_html,
    summary_html,
)
from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import BotHarness, button, buttons, has_button
from tests.test_quiz import BANK
from tests.test_telegram_quiz import bot_message, polls_in, study_group

Message = dict[str, Any]


@pytest.fixture
def studybot(fake_telegram: FakeTelegram, party_engine: Engine, tmp_path: Path) -> Iterator[BotHarness]:
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot", settings={"quiz_seconds": 5}).start()
    try:
        yield harness
    finally:
        harness.stop()


def said(bot: BotHarness, user: dict[str, Any], text: str, *, chat: dict[str, Any] | None = None,
         count: int = 1) -> list[str]:
    return [m["html"] for m in bot.say(user, text, chat=chat, count=count)]


def vi(key: str, **fields: str | int | float) -> str:
    return th(key, "vi", **fields)


def audited(bot: BotHarness, action: Action) -> list[tuple[str, str]]:
    return [(e.target, e.detail) for e in bot.store.audit_log(200) if e.action is action]


def test_host_daily_and_export_in_a_group(studybot: BotHarness) -> None:
    bot, fake, admin = studybot, studybot.fake, studybot.admin
    lan, minh = fake.user(7101, "Lan", username="lan_dv"), fake.user(7102, "Minh")
    group = study_group(bot, -100710, [lan, minh])
    assert said(bot, admin, "/host") == [vi("tg.group.run_in_group")]
    assert said(bot, lan, "/host", chat=group) == [vi("tg.admin.only")]
    assert said(bot, admin, "/host", chat=group) == [vi("tg.host.list", names="—")]
    assert said(bot, admin, "/host @nobody", chat=group) == [vi("tg.user.not_found", user="@nobody")]
    assert said(bot, admin, "/host remove", chat=group) == [vi("tg.host.list", names="—")]
    written = fake.send_text(minh, "chào cả nhóm", chat=group)  # not addressed to the bot: no answer
    before = bot.last_id(group["id"])
    fake.send_text(admin, "/host", chat=group, reply_to=written)
    assert bot.wait_new(group["id"], before)[0]["html"] == vi("tg.host.added", user="Minh")
    assert said(bot, admin, "/host @lan_dv", chat=group) == [vi("tg.host.added", user="@lan_dv")]
    assert said(bot, admin, "/host", chat=group) == [vi("tg.host.list", names="Minh, @lan_dv")]
    assert said(bot, admin, "/host bỏ @LAN_DV", chat=group) == [vi("tg.host.removed", user="@lan_dv")]
    before = bot.last_id(group["id"])
    fake.send_text(admin, "/host off", chat=group, reply_to=written)
    assert bot.wait_new(group["id"], before)[0]["html"] == vi("tg.host.removed", user="Minh")
    bot_reply = bot.messages(group["id"])[-1]
    before = bot.last_id(group["id"])
    fake.send_text(admin, "/host", chat=group, reply_to=bot_reply)  # the bot itself is nobody's host
    assert bot.wait_new(group["id"], before)[0]["html"] == vi("tg.user.not_found", user="?")
    label = "Chi bộ 3 (-100710)"
    assert audited(bot, Action.HOST)[::-1] == [
        ("Minh (7102)", label), ("@lan_dv (7101)", label), ("@lan_dv (7101)", f"removed from {label}"),
        ("Minh (7102)", f"removed from {label}")]

    at = (datetime.now(bot.engine.settings.zone) + timedelta(hours=12)).strftime("%H:%M")
    assert said(bot, admin, f"/daily {at}") == [vi("tg.group.run_in_group")]
    assert said(bot, lan, f"/daily {at}", chat=group) == [vi("tg.quiz.not_host")]
    assert said(bot, admin, "/daily", chat=group) == [vi("tg.daily.usage", time="")]
    assert said(bot, admin, "/daily 25:00 57", chat=group) == [vi("tg.daily.usage", time="")]
    assert said(bot, admin, "/daily OFF", chat=group) == [vi("tg.daily.none")]
    assert said(bot, admin, f"/daily {at} 999-NQ/TW 57", chat=group) == [vi("docs.not_found", number="999-NQ/TW")]
    assert said(bot, admin, f"/daily {at}", chat=group) == [vi("tg.daily.set", time=at, zone="Asia/Ho_Chi_Minh")]
    assert said(bot, admin, "/daily", chat=group) == [vi("tg.daily.current", time=at)]
    assert said(bot, admin, "/daily tắt", chat=group) == [vi("tg.daily.off")]
    assert audited(bot, Action.DAILY) == [(label, at)]

    assert said(bot, lan, "/export", chat=group) == [vi("tg.admin.only")]
    assert said(bot, admin, "/export", chat=group) == [vi("tg.export.usage")]
    assert said(bot, admin, "/export session 999", chat=group) == [vi("tg.export.none")]
    assert said(bot, admin, "/export contest") == [vi("tg.export.usage")]
    fake.send_text(admin, "/export contest 999")  # no such contest: its (empty) ranking all the same
    files = fake.wait_for(lambda: len(docs := fake.uploaded_documents(admin["id"])) == 2 and docs)
    assert sorted(name for name, _ in files) == ["contest-999.csv", "contest-999.xlsx"]
    assert dict(files)["contest-999.csv"].decode("utf-8-sig").splitlines() == [
        "place,name,username,user_id,score,questions,answered,seconds,finished,answers"]
    assert fake.wait_for(lambda: audited(bot, Action.EXPORT)) == [("contest 999", "0 rows")]
    bot.stop()
    assert fake.rejected == []


def open_session(bot: BotHarness, group: dict[str, Any], number: str) -> tuple[Message, str, str]:
    """``/study NUMBER`` by the admin: the first section's message, the session id and the position."""
    before = bot.last_id(group["id"])
    bot.fake.send_text(bot.admin, f"/study {number}", chat=group)
    step = bot.wait_new(group["id"], before, until=lambda new: has_button(new[-1], "rd:"))[-1]
    session_id, position, _ = button(step, "rd:").split(":")[1:]
    return step, session_id, position


def without_buttons(bot: BotHarness, chat_id: int, message: Message) -> bool:
    return not buttons(next(m for m in bot.messages(chat_id) if m["message_id"] == message["message_id"]))


def test_study_refusals_and_the_quiz_and_end_buttons(studybot: BotHarness) -> None:
    bot, fake, admin = studybot, studybot.fake, studybot.admin
    lan = fake.user(7201, "Lan")
    group = study_group(bot, -100720, [lan])
    assert said(bot, admin, "/study", chat=group) == [vi("tg.study.usage")]
    assert said(bot, admin, "/study 57") == [vi("tg.study.not_group", number="57")]
    assert said(bot, lan, "/study 57", chat=group) == [vi("tg.study.not_host", number="57")]
    assert said(bot, admin, "/study 999 NQ", chat=group) == [vi("tg.study.not_found", number="999 NQ")]
    assert said(bot, admin, "/endstudy", chat=group) == [vi("tg.study.none")]
    step, session_id, position = open_session(bot, group, "71")
    assert said(bot, admin, "/study 57", chat=group) == [vi("tg.study.already_open", number="57")]
    query = bot.press(lan, step, f"rd:{session_id}:{position}:e", forged=True)
    answer = bot.wait_callback_answer(query)
    assert answer["show_alert"] and answer["text"] == th("tg.study.host_only", "vi")
    before = bot.last_id(group["id"])
    query = bot.press(admin, step, button(step, "rd:").replace(":n", ":e"))  # ⏹ end, while it is open
    summary = bot.wait_new(group["id"], before)[0]
    assert bot.wait_callback_answer(query).get("text") is None
    record = bot.services.study.sessions.summary(int(session_id))
    assert not isinstance(record, str) and record.session.ended_at is not None and not record.session.open
    assert summary["html"] == summary_html(record, "vi", bot.engine.settings.zone)
    fake.wait_for(lambda: without_buttons(bot, group["id"], step))
    query = bot.press(admin, step, f"rd:{session_id}:{position}:n", forged=True)  # a button of a session over
    assert bot.wait_callback_answer(query)["text"] == th("tg.study.over", "vi")

    step, session_id, position = open_session(bot, group, "57")
    before = bot.last_id(group["id"])
    bot.press(admin, step, f"rd:{session_id}:{position}:q", forged=True)  # 🎯 quiz now
    started = bot.wait_new(group["id"], before)[0]
    assert started["html"] == vi("tg.quiz.started", count=5, seconds=5)
    polls_in(fake, group["id"], 1)
    fake.wait_for(lambda: without_buttons(bot, group["id"], step))
    before = bot.last_id(group["id"])
    bot.press(admin, step, f"rd:{session_id}:{position}:q", forged=True)  # a second quiz: one runs already
    assert bot.wait_new(group["id"], before)[0]["html"] == vi("tg.quiz.already_running")
    fake.send_text(admin, "/stopquiz", chat=group)
    bot_message(bot, group["id"], "Kết quả quiz")
    closed = bot_message(bot, group["id"], "Tổng kết buổi học 57-NQ/TW")  # the session's quiz ends the session
    record = bot.services.study.sessions.summary(int(session_id))
    assert not isinstance(record, str) and [s.name for s in record.scores] == []
    assert closed["html"] == summary_html(record, "vi", bot.engine.settings.zone)
    query = bot.press(admin, step, f"rd:{session_id}:{position}:e", forged=True)
    assert bot.wait_callback_answer(query)["text"] == th("tg.study.over", "vi")
    bot.stop()
    # the buttons of a section were gone already when a button of a session over was pressed: Telegram refuses
    # the edit that would take them away
    assert [r["method"] for r in fake.rejected] == ["editMessageReplyMarkup"] * 2


def test_contest_commands_for_admins_and_members(studybot: BotHarness) -> None:
    bot, fake, admin = studybot, studybot.fake, studybot.admin
    lan = bot.member(7301, "Lan")
    group = study_group(bot, -100730, [lan])
    assert said(bot, lan, "/contest") == [vi("tg.contest.usage_member")]
    assert said(bot, lan, "/contest list") == [vi("tg.contest.usage_member")]
    assert said(bot, admin, "/contest list") == [vi("tg.contest.none")]
    assert said(bot, admin, "/contest") == [vi("tg.contest.usage")]
    assert said(bot, admin, "/contest results") == [vi("tg.contest.usage")]
    assert said(bot, admin, "/contest close x") == [vi("tg.contest.usage")]
    assert said(bot, admin, "/contest new 999-NQ/TW") == [vi("docs.not_found", number="999-NQ/TW")]
    assert said(bot, admin, "/contest results 99") == [vi("tg.contest.not_found", id=99)]
    (created,) = said(bot, admin, "/contest new 3 57 2d 1s")
    contests, engine = bot.services.study.contests, bot.engine
    first = contests.get(int(re.search(r"cuộc thi #(\d+)", created).group(1)))  # type: ignore[union-attr]
    assert first is not None and created == contest_html(first, "nqbot_test_bot", "vi", engine.settings.zone)
    assert first.title == vi("tg.contest.title", documents="57-NQ/TW") and len(first.questions) == 3
    assert first.seconds == 5 and abs(first.deadline - first.created_at - 2 * 86400) < 5
    (everything,) = said(bot, admin, "/contest NEW 3ngày")
    second = contests.get(first.id + 1)
    assert second is not None and everything == contest_html(second, "nqbot_test_bot", "vi", engine.settings.zone)
    assert second.title == vi("tg.contest.title", documents=vi("tg.contest.all")) and second.documents is None
    assert len(second.questions) == 2 * engine.settings.quiz_questions and second.seconds is None
    assert abs(second.deadline - second.created_at - 3 * 86400) < 5
    lines = [vi("tg.contest.list_line", id=c.id, title=esc(c.title), count=len(c.questions),
                state=vi("tg.contest.open")) for c in (second, first)]
    assert said(bot, admin, "/contest list") == ["\n".join(lines)]
    assert said(bot, lan, f"/contest {first.id}", chat=group) == [vi("tg.contest.private_only", id=first.id)]
    before = bot.last_id(admin["id"])
    fake.send_text(admin, f"/contest close {first.id}")
    closed, ranking = bot.wait_new(admin["id"], before, count=2)[:2]
    assert closed["html"] == vi("tg.contest.closed_now", id=first.id)
    assert [ranking["html"]] == ranking_html(first, [], "vi")
    fake.wait_for(lambda: len(fake.uploaded_documents(admin["id"])) == 2)
    assert said(bot, lan, f"/contest {first.id}") == [vi("tg.contest.closed", id=first.id)]
    assert said(bot, lan, f"/start contest{first.id}") == [vi("tg.contest.closed", id=first.id)]
    assert said(bot, lan, "/contest 4242") == [vi("tg.contest.not_found", id=4242)]
    assert audited(bot, Action.CONTEST_OPEN)[::-1] == [(f"#{first.id}", "3 questions"),
                                                      (f"#{second.id}", "10 questions")]
    assert audited(bot, Action.CONTEST_CLOSE) == [(f"#{first.id}", "")]
    stranger = fake.user(7399, "Khách")
    assert said(bot, stranger, f"/start contest{second.id}") == [vi("tg.invite.invalid")]  # read as an invite code
    bot.stop()
    assert fake.rejected == []


def names(bot: BotHarness, questions: list[StoredQuestion]) -> dict[int | None, str]:
    out: dict[int | None, str] = {}
    for question in questions:
        document = bot.engine.document(question.document_id) if question.document_id is not None else None
        out[question.document_id] = document.label if document is not None else "?"
    return out


def expected_report(engine: Engine, folder: Path, name: str) -> list[str]:
    store = BotStore(folder / "expected.sqlite3")
    try:
        return import_report_html(QuestionBank(store, engine).import_file(BANK, name=name), "vi")
    finally:
        store.close()


def test_a_bank_file_and_reviewing_the_bank(studybot: BotHarness, tmp_path: Path) -> None:
    bot, fake, admin = studybot, studybot.fake, studybot.admin
    lan = bot.member(7401, "Lan")
    data = BANK.read_bytes()
    fake.send_document(lan, "bank.csv", b"question,answer\n", mime_type="text/csv")
    assert bot.wait_new(lan["id"], 0)[0]["html"] == vi("tg.upload.not_admin")
    fake.send_document(admin, "huge.csv", b"x", mime_type="text/csv", file_size=300 * 1024 * 1024)
    assert bot.wait_new(admin["id"], 0)[0]["html"] == vi("error.too_large", limit=bot.engine.settings.max_file_mb)
    before = bot.last_id(admin["id"])
    fake.send_document(admin, "bank.pdf", b"%PDF-1.4", mime_type="application/pdf", caption="quiz")
    reading = vi("tg.bank.reading", name="bank.pdf")
    failed = fake.wait_for(lambda: next((m for m in bot.messages(admin["id"]) if m["message_id"] > before
                                         and m["html"] != reading), None))
    assert failed["html"] == vi("error.unsupported", limit=bot.engine.settings.max_file_mb)
    before = bot.last_id(admin["id"])
    fake.send_document(admin, "ngân hàng.txt", data, mime_type="text/plain", caption="câu hỏi ôn tập")
    expected = expected_report(bot.engine, tmp_path, "ngân hàng.txt")
    reading = vi("tg.bank.reading", name="ngân hàng.txt")
    report = fake.wait_for(lambda: [m["html"] for m in bot.messages(admin["id"]) if m["message_id"] > before]
                           if reading not in [m["html"] for m in bot.messages(admin["id"])] else None)
    assert report == expected
    assert fake.wait_for(lambda: audited(bot, Action.QUIZ_IMPORT)) == [("ngân hàng.txt", "4/6")]

    bank = bot.services.study.bank
    review, total = bank.listing(None, statuses=[Status.UNSUPPORTED, Status.DISAGREES], limit=30)
    assert total == 2
    assert said(bot, admin, "/questions unsupported") == question_list_html(review, 2, names(bot, review), "vi")
    assert said(bot, admin, "/questions 999-NQ/TW") == [vi("docs.not_found", number="999-NQ/TW")]
    everything, total = bank.listing(None, limit=30)
    listed = said(bot, admin, "/questions")
    assert listed == question_list_html(everything, total, names(bot, everything), "vi")
    assert said(bot, lan, "/questions") == [vi("tg.admin.only")]
    backed, _ = bank.listing(None, statuses=[Status.OK], limit=30)
    question = backed[0]
    assert said(bot, admin, "/qenable") == [vi("tg.bank.toggle_usage")]
    assert said(bot, admin, f"/qdisable #{question.id} x 99999") == [vi("quiz.disabled_done", count=1)]
    assert said(bot, admin, f"/qenable {question.id}") == [vi("quiz.enabled", count=1)]
    assert said(bot, admin, "/question") == [vi("quiz.not_found", id="?")]
    assert said(bot, admin, "/question 99999") == [vi("quiz.not_found", id="99999")]
    (preview,) = bot.say(admin, f"/question {question.id}")
    document = bot.engine.document(question.document_id or 0)
    assert [preview["html"]] == question_preview_html(question, document, True, "vi")
    assert button(preview, "qt:") == f"qt:{question.id}:off"
    query = bot.press(admin, preview, button(preview, "qt:"))
    bot.wait_callback_answer(query)
    disabled = bank.get(question.id)
    assert disabled is not None and not disabled.enabled
    edited = fake.wait_for(lambda: next((m for m in bot.messages(admin["id"]) if m["message_id"] ==
                                         preview["message_id"] and m["html"] != preview["html"]), None))
    assert [edited["html"]] == question_preview_html(disabled, document, True, "vi")
    assert button(edited, "qt:") == f"qt:{question.id}:on"
    assert audited(bot, Action.QUIZ_DISABLE)[::-1] == [(f"#{question.id}", ""), (f"#{question.id}", "")]
    assert audited(bot, Action.QUIZ_ENABLE) == [(f"#{question.id}", "")]
    bot.stop()
    assert fake.rejected == []
