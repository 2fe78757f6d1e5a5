"""The fake Bot API's polls follow Telegram's rules (proven with PTB's real ``telegram.Bot``): sendPoll's limits
(question ≤ 300, 2–12 options of ≤ 100, a quiz's explanation ≤ 200 with ≤ 2 line feeds), stopPoll once,
``poll_answer`` updates for non-anonymous polls only, one final answer per quiz, no vote after closing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from tests.fake_telegram import FakeTelegram
from tests.test_fake_telegram import USER_ID, fake, run, user  # noqa: F401

GROUP = -100900


def test_send_poll_limits(fake: FakeTelegram, user: dict[str, Any]) -> None:  # noqa: F811
    refusals = {
        "question": dict(question="x" * 301, options=["A", "B"]),
        "at least 2": dict(question="q", options=["A"]),
        "more than 12": dict(question="q", options=[str(i) for i in range(13)]),
        "options length": dict(question="q", options=["A", "x" * 101]),
        "explanation length": dict(question="q", options=["A", "B"], type="quiz", correct_option_ids=[0],
                                   explanation="x" * 201),
        "line feeds": dict(question="q", options=["A", "B"], type="quiz", correct_option_ids=[0],
                           explanation="a\nb\nc\nd"),
        "correct option id": dict(question="q", options=["A", "B"], type="quiz", correct_option_ids=[2]),
        "only for quizzes": dict(question="q", options=["A", "B"], correct_option_ids=[0]),
        "open_period": dict(question="q", options=["A", "B"], open_period=3),
    }

    async def scenario(bot: Bot) -> dict[str, str]:
        found = {}
        for name, args in refusals.items():
            try:
                await bot.send_poll(USER_ID, **args)  # type: ignore[arg-type]
                found[name] = "accepted"
            except BadRequest as error:
                found[name] = error.message
        await bot.send_poll(USER_ID, "q" * 300, [str(i) for i in range(12)], type="quiz", correct_option_ids=[11],
                            explanation="x" * 198 + "\n\n", is_anonymous=False,
                            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("💾", callback_data="sv:1:0:1")]]))
        return found

    found = run(scenario, fake)
    for name, message in found.items():
        assert name in message.lower(), (name, message)
    (poll,) = fake.polls(USER_ID)
    assert poll["type"] == "quiz" and poll["correct_option_ids"] == [11] and not poll["is_anonymous"]
    assert len(fake.rejected) == len(refusals)


def test_votes_stop_and_close(fake: FakeTelegram) -> None:  # noqa: F811
    lan, minh = fake.user(9101, "Lan"), fake.user(9102, "Minh")
    group = fake.group(GROUP, "Chi bộ", members=[lan])

    async def scenario(bot: Bot) -> list[Any]:
        quiz = await bot.send_poll(GROUP, "Câu hỏi?", ["A", "B", "C"], type="quiz", correct_option_ids=[1],
                                   is_anonymous=False, explanation="Vì…")
        anonymous = await bot.send_poll(GROUP, "Ẩn danh?", ["Có", "Không"])
        timed = await bot.send_poll(GROUP, "Nhanh?", ["Có", "Không"], is_anonymous=False, open_period=5)
        fake.answer_poll(lan, quiz.to_dict(), [2])
        fake.answer_poll(minh, quiz.to_dict(), [1])  # joins the group by voting, as a member who reads it
        with pytest.raises(AssertionError, match="cannot be changed"):
            fake.answer_poll(lan, quiz.to_dict(), [1])
        fake.answer_poll(lan, anonymous.to_dict(), [0])
        stopped = await bot.stop_poll(GROUP, quiz.message_id)
        assert stopped.is_closed and stopped.total_voter_count == 2
        with pytest.raises(BadRequest, match="already been closed"):
            await bot.stop_poll(GROUP, quiz.message_id)
        with pytest.raises(AssertionError, match="closed"):
            fake.answer_poll(lan, quiz.to_dict(), [0])
        with pytest.raises(BadRequest, match="poll to stop not found"):
            await bot.stop_poll(GROUP, 999)
        fake._state.polls[timed.poll.id].close_date = int(time.time()) - 1  # its open period has passed
        with pytest.raises(AssertionError, match="closed"):
            fake.answer_poll(lan, timed.to_dict(), [0])
        return list(await bot.get_updates())

    updates = run(scenario, fake)
    answers = [u.poll_answer for u in updates if u.poll_answer is not None]
    assert [(a.user.id, a.option_ids) for a in answers] == [(9101, (2,)), (9102, (1,))]  # type: ignore[union-attr]
    assert any(u.poll is not None and u.poll.is_closed for u in updates)
    assert group["id"] == GROUP and fake.rejected[-1]["description"].endswith("poll to stop not found")
