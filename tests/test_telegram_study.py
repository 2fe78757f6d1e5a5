"""End to end through the fake Bot API with the real polling loop: guided reading with attendance and the host's
button, a question answered from the document being studied, the session's summary and export; the daily
question firing (time controlled by the test) and surviving a restart; a contest taken once per member, its
ranking and export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import BotHarness, button, has_button
from tests.test_telegram_quiz import bot_message, message_of, polls_in, study_group


@pytest.fixture
def studybot(fake_telegram: FakeTelegram, party_engine: Engine, tmp_path: Path) -> Iterator[BotHarness]:
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot", settings={"quiz_seconds": 5}).start()
    try:
        yield harness
    finally:
        harness.stop()


def test_guided_reading_with_attendance_questions_and_summary(studybot: BotHarness) -> None:
    fake, admin = studybot.fake, studybot.admin
    lan, minh = fake.user(6101, "Lan"), fake.user(6102, "Minh")
    group = study_group(studybot, -100610, [lan, minh])
    before = studybot.last_id(group["id"])
    fake.send_text(admin, "/study 57", chat=group)
    posted = studybot.wait_new(group["id"], before, until=lambda new: has_button(new[-1], "rd:"))
    opening, step = posted[0], posted[-1]
    assert "Buổi học tập" in opening["html"] and has_button(opening, "at:")
    assert any("Dàn ý" in m["html"] for m in posted) and "phần 1/" in step["html"]
    query = studybot.press(lan, opening, button(opening, "at:"))
    assert studybot.wait_callback_answer(query)["text"] == "✋ Đã điểm danh."
    query = studybot.press(minh, step, button(step, "rd:"))
    answer = studybot.wait_callback_answer(query)
    assert answer["show_alert"] and "Chỉ người chủ trì" in answer["text"]
    before = studybot.last_id(group["id"])
    studybot.press(admin, step, button(step, "rd:"))
    nxt = studybot.wait_new(group["id"], before, until=lambda new: has_button(new[-1], "rd:"))
    assert "phần 2/" in nxt[0]["html"]
    replies = studybot.ask(minh, "@nqbot_test_bot Mục tiêu đến năm 2030 là gì?", chat=group)
    cited = re.findall(r"<b>\[\d\] ([^ <]+)", " ".join(m["html"] for m in replies))
    assert cited and set(cited) == {"57-NQ/TW"}  # answered from the document being studied
    (summary,) = studybot.say(admin, "/endstudy", chat=group)
    assert "Tổng kết buổi học 57-NQ/TW" in summary["html"]
    assert "Có mặt (1): Lan" in summary["html"] and "Đã đặt câu hỏi (1): Minh" in summary["html"]
    session = re.search(r"/export session (\d+)", summary["html"])
    assert session is not None
    fake.send_text(admin, f"/export session {session.group(1)}", chat=group)
    files = fake.wait_for(lambda: len(docs := fake.uploaded_documents(group["id"])) == 2 and docs)
    names = sorted(name for name, _ in files)
    assert names == [f"session-{session.group(1)}.csv", f"session-{session.group(1)}.xlsx"]
    rows = list(csv.DictReader(io.StringIO(dict(files)[names[0]].decode("utf-8-sig"))))
    people = {r["name"]: r for r in rows}
    assert people["Lan"]["present_at"] and people["Minh"]["questions_asked"] == "1" and not people["Minh"]["present_at"]
    sheet = load_workbook(io.BytesIO(dict(files)[names[1]])).active
    assert sheet is not None and sheet.max_row == len(rows) + 1
    studybot.stop()
    assert fake.rejected == []


def test_daily_question_fires_and_survives_a_restart(studybot: BotHarness) -> None:
    fake, admin = studybot.fake, studybot.admin
    lan = fake.user(6201, "Lan")
    group = study_group(studybot, -100620, [lan])
    zone = studybot.engine.settings.zone
    at = (datetime.now(zone) + timedelta(hours=12)).replace(second=0, microsecond=0)  # far from "now"
    (confirmed,) = studybot.say(admin, f"/daily {at:%H:%M} 57", chat=group)
    assert f"lúc {at:%H:%M} (Asia/Ho_Chi_Minh)" in confirmed["html"]
    name = f"daily:{group['id']}:0"

    def job() -> Any:
        assert studybot.runner is not None
        queue = studybot.runner.application.job_queue
        assert queue is not None
        (found,) = queue.get_jobs_by_name(name)
        return found

    def fire(day: datetime) -> None:  # the test's clock: the job runs as if it were that moment
        assert studybot.runner is not None
        studybot.services.study.clock = day.timestamp
        studybot.runner.call(job().run(studybot.runner.application))

    scheduled = job().next_t.astimezone(zone)
    assert (scheduled.hour, scheduled.minute) == (at.hour, at.minute)
    today = at.replace(year=2030, month=3, day=2)
    fire(today)
    (poll,) = polls_in(fake, group["id"], 1)
    assert poll["type"] == "quiz" and not poll["is_anonymous"] and poll["question"].startswith("📅")
    fake.answer_poll(lan, message_of(poll), [poll["correct_option_ids"][0]])
    fake.wait_for(lambda: studybot.store.row("SELECT COUNT(*) FROM quiz_answers")[0] == 1)  # type: ignore[index]
    studybot.restart()
    scheduled = job().next_t.astimezone(zone)
    assert (scheduled.hour, scheduled.minute) == (at.hour, at.minute)  # scheduled again from the store
    fire(today)
    assert len(fake.polls(group["id"])) == 1  # once a day
    fire(today + timedelta(days=1))
    polls = polls_in(fake, group["id"], 2)
    assert polls[0]["is_closed"] and not polls[1]["is_closed"]
    reveal = bot_message(studybot, group["id"], "✅ Đáp án")
    assert "1/1 người trả lời đúng" in reveal["html"]
    (scores,) = studybot.say(lan, "/scores", chat=group)
    assert "Lan — 1/1 đúng" in scores["html"]
    (off,) = studybot.say(admin, "/daily off", chat=group)
    assert "Đã tắt" in off["html"]
    assert studybot.runner is not None and studybot.runner.application.job_queue is not None
    fake.wait_for(lambda: not studybot.runner.application.job_queue.get_jobs_by_name(name))  # type: ignore[union-attr]
    studybot.stop()
    assert fake.rejected == []


def take_contest(bot: BotHarness, user: dict[str, Any], contest_id: int, answers: list[bool], *,
                 link: bool = False) -> None:
    fake = bot.fake
    (started,) = bot.say(user, f"/start contest{contest_id}" if link else f"/contest {contest_id}")
    assert "Bắt đầu!" in started["html"]
    for n, right in enumerate(answers):
        poll = polls_in(fake, user["id"], n + 1)[n]
        assert poll["type"] == "regular" and "correct_option_ids" not in poll  # no answer revealed
        results, bank = bot.services.study.results, bot.services.study.bank
        found = fake.wait_for(lambda p=poll, r=results: r.round_by_poll(p["id"]))
        question = bank.get(found.question_id)
        assert question is not None
        choice = question.correct if right else (question.correct + 1) % len(question.options)
        fake.answer_poll(user, message_of(poll), [choice])
    bot_message(bot, user["id"], f"hoàn thành bài thi #{contest_id}")


def test_contest_one_attempt_per_member_ranking_and_export(studybot: BotHarness) -> None:
    fake, admin = studybot.fake, studybot.admin
    lan, minh = studybot.member(6301, "Lan", username="lan_dv"), studybot.member(6302, "Minh")
    (created,) = studybot.say(admin, "/contest new 2 57 71 3d")
    found = re.search(r"cuộc thi #(\d+)", created["html"])
    assert found is not None and "2 câu" in created["html"] and "?start=contest" in created["html"]
    contest_id = int(found.group(1))
    take_contest(studybot, lan, contest_id, [True, True], link=True)
    take_contest(studybot, minh, contest_id, [False, True])
    (again,) = studybot.say(lan, f"/contest {contest_id}")
    assert "đã làm bài thi" in again["html"]
    assert len(fake.polls(lan["id"])) == 2  # no second attempt
    before = studybot.last_id(admin["id"])
    fake.send_text(admin, f"/contest results {contest_id}")
    ranking = studybot.wait_new(admin["id"], before)[0]
    assert "1. Lan — 2/2" in ranking["html"] and "2. Minh — 1/2" in ranking["html"]
    files = dict(fake.wait_for(lambda: len(docs := fake.uploaded_documents(admin["id"])) == 2 and docs))
    rows = list(csv.DictReader(io.StringIO(files[f"contest-{contest_id}.csv"].decode("utf-8-sig"))))
    assert [(r["place"], r["name"], r["username"], r["score"]) for r in rows] == [
        ("1", "Lan", "@lan_dv", "2"), ("2", "Minh", "", "1")]
    assert re.fullmatch(r"1:[A-L] 2:[A-L]", rows[0]["answers"]) and float(rows[0]["seconds"]) >= 0
    sheet = load_workbook(io.BytesIO(files[f"contest-{contest_id}.xlsx"])).active
    assert sheet is not None and [c.value for c in sheet[2]][:5] == [1, "Lan", "@lan_dv", 6301, 2]
    (member_results,) = studybot.say(lan, f"/contest results {contest_id}")
    assert "Cách dùng: /contest MÃ" in member_results["html"]  # members do not see the ranking
    studybot.stop()
    assert fake.rejected == []
