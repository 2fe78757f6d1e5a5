"""End to end through the fake Bot API with the real polling loop: group quizzes and /stopquiz, the button
fallback for long questions, personal practice bringing a missed question back, checking a pasted question,
saved passages, a group restricted to some documents, and what strangers get."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.study.bank import Origin
from index.engine import Engine
from index.quiz.model import Evidence, Question
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import BotHarness, button, buttons, has_button

Message = dict[str, Any]


@pytest.fixture
def quizbot(fake_telegram: FakeTelegram, party_engine: Engine, tmp_path: Path) -> Iterator[BotHarness]:
    """The bot with 5-second quiz rounds (Telegram's shortest open period)."""
    harness = BotHarness(fake_telegram, party_engine, tmp_path / "bot", settings={"quiz_seconds": 5}).start()
    try:
        yield harness
    finally:
        harness.stop()


def html(message: Message) -> str:
    return message.get("html") or ""


def study_group(bot: BotHarness, chat_id: int, members: list[dict[str, Any]]) -> dict[str, Any]:
    group = bot.fake.group(chat_id, "Chi bộ 3", members=[bot.admin, *members])
    bot.say(bot.admin, "/allowgroup", chat=group)
    return group


def polls_in(fake: FakeTelegram, chat_id: int, count: int, timeout: float = 60.0) -> list[dict[str, Any]]:
    return fake.wait_for(lambda: (polls := fake.polls(chat_id)) and len(polls) >= count and polls, timeout)


def message_of(poll: dict[str, Any]) -> Message:
    return {"chat": {"id": poll["chat_id"]}, "message_id": poll["message_id"]}


def right(poll: dict[str, Any]) -> int:
    return int(poll["correct_option_ids"][0])


def wrong(poll: dict[str, Any]) -> int:
    return (right(poll) + 1) % len(poll["options"])


def bot_message(bot: BotHarness, chat_id: int, text: str, timeout: float = 60.0) -> Message:
    return bot.fake.wait_for(lambda: next((m for m in bot.messages(chat_id) if text in html(m)), None), timeout)


def test_group_quiz_polls_scores_and_scoreboard(quizbot: BotHarness) -> None:
    fake = quizbot.fake
    lan, minh, hoa = fake.user(5101, "Lan"), fake.user(5102, "Minh"), fake.user(5103, "Hoa")
    group = study_group(quizbot, -100510, [lan, minh, hoa])
    (started,) = quizbot.say(quizbot.admin, "/quiz 57 2", chat=group)
    assert "2 câu" in started["html"] and "5 giây" in started["html"]
    first = polls_in(fake, group["id"], 1)[0]
    assert first["type"] == "quiz" and not first["is_anonymous"] and 2 <= len(first["options"]) <= 12
    assert len(first["question"]) <= 300 and all(len(o["text"]) <= 100 for o in first["options"])
    fake.answer_poll(lan, message_of(first), [right(first)])
    fake.answer_poll(minh, message_of(first), [wrong(first)])
    second = polls_in(fake, group["id"], 2)[1]
    fake.answer_poll(lan, message_of(second), [right(second)])
    fake.answer_poll(hoa, message_of(second), [right(second)])
    board = bot_message(quizbot, group["id"], "Kết quả quiz")
    lines = board["html"].split("\n")
    assert "Lan — 2/2 đúng" in lines[1] and "Hoa — 1/1 đúng" in lines[2] and "Minh — 0/1 đúng" in lines[3]
    reveals = [m for m in quizbot.messages(group["id"]) if html(m).startswith("✅ Đáp án")]
    assert len(reveals) == 2 and "<blockquote" in reveals[0]["html"] and "57-NQ/TW" in reveals[0]["html"]
    assert has_button(reveals[0], "sv:") and has_button(reveals[0], "pa:")
    assert all(p["is_closed"] for p in fake.polls(group["id"]))
    (scores,) = quizbot.say(lan, "/scores", chat=group)
    assert "Lan — 2/2 đúng · chuỗi 2" in scores["html"] and "57-NQ/TW: 3/4 đúng" in scores["html"]
    quizbot.stop()
    assert fake.rejected == []


def test_stopquiz_ends_early_and_still_posts_the_scoreboard(quizbot: BotHarness) -> None:
    """In a forum topic: the polls and the scoreboard stay in it."""
    fake = quizbot.fake
    lan, minh = fake.user(5201, "Lan"), fake.user(5202, "Minh")
    group = fake.group(-1001005200, "Đảng bộ", forum=True, members=[quizbot.admin, lan, minh])
    quizbot.say(quizbot.admin, "/allowgroup", chat=group)
    topic = fake.create_topic(group, "Ôn tập Nghị quyết 71")
    quizbot.say(quizbot.admin, "/quiz 71 5", chat=group, thread_id=topic)
    first = polls_in(fake, group["id"], 1)[0]
    (poll_message,) = [m for m in quizbot.messages(group["id"], thread_id=topic) if "poll" in m]
    assert poll_message["message_id"] == first["message_id"]
    fake.answer_poll(lan, message_of(first), [right(first)])
    fake.wait_for(lambda: quizbot.store.row("SELECT COUNT(*) FROM quiz_answers")[0] == 1)  # type: ignore[index]
    (refused,) = quizbot.say(minh, "/stopquiz", chat=group, thread_id=topic)
    assert "Chỉ quản trị viên hoặc người chủ trì" in refused["html"]
    quizbot.fake.send_text(quizbot.admin, "/stopquiz", chat=group, thread_id=topic)
    board = bot_message(quizbot, group["id"], "Kết quả quiz")
    assert "Lan — 1/1 đúng" in board["html"] and "(1 câu)" in board["html"]
    assert board["message_thread_id"] == topic
    polls = fake.polls(group["id"])
    assert len(polls) == 1 and polls[0]["is_closed"]  # stopped with stopPoll, no second question
    stopped = [(m, p) for m, p in fake.calls if m == "stopPoll"]
    assert len(stopped) == 1
    (again,) = quizbot.say(quizbot.admin, "/stopquiz", chat=group, thread_id=topic)
    assert "Không có quiz nào đang chạy" in again["html"]
    quizbot.stop()
    assert fake.rejected == []


def long_question(engine: Engine) -> Question:
    """A question longer than a poll allows, backed by a real passage of 383-QĐ/TW."""
    document = engine.resolve("383-QĐ/TW")
    assert document is not None and document.active_version is not None
    answer = "tối đa là 1 năm"
    chunk = next(c for c in engine.catalog.neighbours(document.active_version, 0, 1 << 30) if answer in c.text)
    at = chunk.text.index(answer) + len("tối đa là ")
    evidence = Evidence(document.id, chunk.version_id, chunk.id, document.number, chunk.locator, chunk.text,
                        chunk.start, chunk.end, at, at + len("1 năm"))
    stem = ("Trong tình huống sau, cơ quan A hoàn thành công việc vào cuối năm và cần lập hồ sơ để nộp vào lưu trữ "
            "hiện hành của cơ quan theo đúng quy định về phông lưu trữ Đảng Cộng sản Việt Nam; cán bộ lưu trữ cần "
            "tư vấn cho lãnh đạo về thời hạn tối đa phải hoàn thành việc nộp hồ sơ, tài liệu đó, tính từ năm công "
            "việc kết thúc. Thời hạn ấy là bao lâu theo Quy định 383-QĐ/TW?")
    assert len(stem) > 300
    return Question(stem, ("6 tháng", "1 năm", "2 năm", "5 năm"), 1, "imported", "383-QĐ/TW: «…1 năm…»",
                    evidence)


def test_long_question_goes_out_with_buttons_and_is_scored_the_same(quizbot: BotHarness) -> None:
    fake = quizbot.fake
    lan, minh = fake.user(5301, "Lan"), fake.user(5302, "Minh")
    group = study_group(quizbot, -100530, [lan, minh])
    bank = quizbot.services.study.bank
    document = quizbot.engine.resolve("383-QĐ/TW")
    assert document is not None
    bank.ensure(document.id)
    others, _ = bank.listing(document.id, limit=1000)
    bank.set_enabled([q.id for q in others], False)
    (question_id,) = bank.save([long_question(quizbot.engine)], Origin.IMPORTED)
    try:
        quizbot.say(quizbot.admin, "/quiz 383 1", chat=group)
        asked = fake.wait_for(lambda: next((m for m in quizbot.messages(group["id"]) if has_button(m, "qa:")), None))
        assert fake.polls(group["id"]) == [] and "Câu 1/1" in asked["html"] and "B.</b> 1 năm" in asked["html"]
        assert [text for text, _ in buttons(asked)] == ["A", "B", "C", "D"]
        quizbot.press(lan, asked, button(asked, "qa:").rsplit(":", 1)[0] + ":1")
        first = quizbot.press(minh, asked, button(asked, "qa:"))
        assert "Chưa đúng" in quizbot.wait_callback_answer(first)["text"]
        again = quizbot.press(minh, asked, button(asked, "qa:").rsplit(":", 1)[0] + ":1")
        assert "chỉ tính lần đầu" in quizbot.wait_callback_answer(again)["text"]
        board = bot_message(quizbot, group["id"], "Kết quả quiz")
        assert "Lan — 1/1 đúng" in board["html"] and "Minh — 0/1 đúng" in board["html"]
        closed = next(m for m in quizbot.messages(group["id"]) if m["message_id"] == asked["message_id"])
        assert not buttons(closed)  # the buttons are gone once the time is up
    finally:
        bank.set_enabled([q.id for q in others], True)
        bank.set_enabled([question_id], False)
    quizbot.stop()
    assert fake.rejected == []


def test_practice_brings_a_missed_question_back(quizbot: BotHarness) -> None:
    fake = quizbot.fake
    lan = quizbot.member(5401, "Lan")
    (started,) = quizbot.say(lan, "/quiz 127 5")
    assert "Luyện tập 5 câu" in started["html"]
    asked: list[dict[str, Any]] = []
    for n in range(4):
        poll = polls_in(fake, lan["id"], n + 1)[n]
        asked.append(poll)
        fake.answer_poll(lan, message_of(poll), [wrong(poll) if n == 0 else right(poll)])
        feedback = bot_message(quizbot, lan["id"], "Chưa đúng" if n == 0 else "Chính xác", timeout=60)
        assert has_button(feedback, "sv:")
    texts = [re.sub(r"^\[\d+/\d+\] ", "", p["question"]) for p in asked]
    assert texts[3] == texts[0]  # missed first, asked again after two others
    assert len(set(texts[:3])) == 3
    fifth = polls_in(fake, lan["id"], 5)[4]
    fake.answer_poll(lan, message_of(fifth), [right(fifth)])
    bot_message(quizbot, lan["id"], "Xong lượt luyện tập: đúng 4/5")
    (progress,) = quizbot.say(lan, "/progress")
    assert "127-KL/TW" in progress["html"] and "đúng 4/5" in progress["html"]
    quizbot.stop()
    assert fake.rejected == []


def test_pasted_question_is_checked_and_its_passage_saved(quizbot: BotHarness) -> None:
    fake = quizbot.fake
    lan = quizbot.member(5501, "Lan")
    pasted = ("Theo Nghị quyết 57-NQ/TW, đến năm 2030 quy mô kinh tế số đạt tối thiểu bao nhiêu phần trăm GDP?\n"
              "A. 20%\nB. 25%\nC. 30%\nD. 35%")
    (verdict,) = quizbot.say(lan, pasted)
    assert "phương án đúng là <b>C. 30%</b>" in verdict["html"] and "<b>30%</b>" in verdict["html"]
    query = quizbot.press(lan, verdict, button(verdict, "sv:"))
    assert "Đã lưu" in quizbot.wait_callback_answer(query)["text"]
    (saved,) = quizbot.say(lan, "/saved")
    assert "Đoạn đã lưu: 1" in saved["html"] and "57-NQ/TW" in saved["html"] and "30% GDP" in saved["html"]
    quizbot.stop()
    assert fake.rejected == []


def test_a_restricted_group_only_gets_its_documents(quizbot: BotHarness) -> None:
    fake = quizbot.fake
    lan = fake.user(5601, "Lan")
    group = study_group(quizbot, -100560, [lan])
    quizbot.say(quizbot.admin, "/groupdocs 71-NQ/TW", chat=group)
    (refused,) = quizbot.say(quizbot.admin, "/quiz 57", chat=group)
    assert "Không có văn bản 57" in refused["html"]
    quizbot.say(quizbot.admin, "/quiz 3", chat=group)  # the group's documents: 71-NQ/TW only
    polls = polls_in(fake, group["id"], 2, timeout=30)
    quizbot.say(quizbot.admin, "/stopquiz", chat=group)
    bot_message(quizbot, group["id"], "Kết quả quiz")
    results, bank = quizbot.services.study.results, quizbot.services.study.bank
    rounds = [results.round_by_poll(p["id"]) for p in polls]
    documents = {bank.get(r.question_id).document_id for r in rounds if r is not None}  # type: ignore[union-attr]
    assert documents == {quizbot.engine.resolve("71-NQ/TW").id}  # type: ignore[union-attr]
    quizbot.stop()
    assert fake.rejected == []


def test_strangers_get_only_the_access_notice(quizbot: BotHarness) -> None:
    fake = quizbot.fake
    stranger = fake.user(5701, "Khách")
    for command in ("/quiz", "/quiz 57 3", "/progress", "/saved", "/scores", "/contest 1", "/study 57", "/daily 07:00"):
        fake.send_text(stranger, command)
    fake.wait_for(lambda: not fake.pending_updates)
    quizbot.stop()
    sent = quizbot.messages(stranger["id"])
    assert len(sent) == 1 and sent[0]["html"].startswith("Xin chào! Bot này chỉ dành cho")
    assert fake.polls(stranger["id"]) == []
    assert fake.rejected == []
