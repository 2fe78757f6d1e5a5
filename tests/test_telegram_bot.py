"""End to end, private chats: members' questions, answers, buttons, feedback, languages, limits, access.

The real PTB application polls the fake Bot API; every test ends with ``fake.rejected == []`` (no request
the real Telegram would have refused).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from index.engine import Engine
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import ADMIN_ID, BotHarness, button, buttons, has_button, sent_to

Q57 = "Nghị quyết 57 đặt mục tiêu gì về chuyển đổi số đến năm 2030?"


def test_member_question_gets_cited_answer(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    user = nqbot.member(2001, "Lan")
    replies = nqbot.ask(user, Q57)
    html = replies[0]["html"]
    assert html.startswith("<b>Các đoạn trích liên quan:</b>")
    assert "<b>[1] 57-NQ/TW — Nghị quyết về đột phá phát triển khoa học" in html
    assert "· ngày 22/12/2024" in html
    assert "<blockquote" in html and "</blockquote>" in html
    last = replies[-1]
    labels = [text for text, _ in buttons(last)]
    assert "📄 [1] Cả đoạn" in labels and "📚 [1] Cả mục" in labels and "🗂 [1] Dàn ý" in labels
    assert labels[-2:] == ["👍", "👎"]
    assert not has_button(last, "dl:")  # downloads are off by default
    assert "typing" in fake.chat_actions(user["id"])
    question = nqbot.store.question(int(button(last, "fb:").split(":")[1]))
    assert question is not None and question.found and question.text == Q57
    assert fake.rejected == []


def test_question_without_diacritics(nqbot: BotHarness) -> None:
    user = nqbot.member(2002)
    replies = nqbot.ask(user, "nghi quyet 71 ve dot pha phat trien giao duc dat muc tieu gi den nam 2030?")
    assert "<b>[1] 71-NQ/TW" in replies[0]["html"]
    assert nqbot.fake.rejected == []


def test_chinese_question(nqbot: BotHarness) -> None:
    user = nqbot.member(2003, language_code="zh-hans")
    replies = nqbot.ask(user, "关于教育和培训发展突破的决议提出了哪些目标？")
    assert "71-NQ/TW" in replies[0]["html"]
    assert nqbot.fake.rejected == []


def test_not_found_says_so_and_names_closest_documents(nqbot: BotHarness) -> None:
    user = nqbot.member(2004)
    (reply,) = nqbot.ask(user, "Cách nấu phở bò ngon tại nhà?")
    assert reply["html"].startswith("<b>Không tìm thấy đoạn văn bản nào")
    assert "<blockquote" not in reply["html"]
    assert [data[:3] for _, data in buttons(reply)] == ["fb:", "fb:"]
    (named,) = nqbot.ask(user, "Nghị quyết số 999-NQ/TW quy định gì về tiền lương?")
    assert "Chưa có văn bản 999-NQ" in named["html"]
    assert nqbot.fake.rejected == []


def test_a_question_naming_the_wrong_document_is_pointed_to_the_right_one(nqbot: BotHarness) -> None:
    user = nqbot.member(2002, "Minh")
    html = nqbot.ask(user, "Kết luận 127 nói gì về chi cho nghiên cứu phát triển R&D?")[0]["html"]
    assert "Chưa đủ căn cứ để trả lời. Đoạn gần nhất trong 127-KL/TW:" in html
    assert "Nội dung này có thể nằm trong văn bản khác: <b>57-NQ/TW</b>" in html
    assert nqbot.fake.rejected == []


def test_passage_section_and_outline_buttons(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    user = nqbot.member(2005)
    replies = nqbot.ask(user, Q57)
    answer = replies[-1]
    for prefix, expected in (("pa:", "Toàn văn đoạn trích:"), ("se:", "Cả mục chứa đoạn trích:"),
                             ("ol:", "Dàn ý")):
        before = nqbot.last_id(user["id"])
        data = button(answer, prefix)
        count = len(_section_view(nqbot, int(data[3:]))) if prefix == "se:" else 1  # a long section: several
        query = nqbot.press(user, answer, data)
        shown = nqbot.wait_new(user["id"], before, count=count)
        assert expected in shown[0]["html"]
        assert "57-NQ/TW" in shown[0]["html"]
        assert shown[0]["reply_to_message"]["message_id"] == answer["message_id"]
        nqbot.wait_callback_answer(query)
    outline = nqbot.messages(user["id"])[-1]["html"]
    assert "• I- QUAN ĐIỂM CHỈ ĐẠO" in outline
    assert fake.rejected == []


def test_long_section_is_split_below_the_limit(nqbot: BotHarness) -> None:
    """The section view of a long section (57-NQ/TW part III is ~14,000 characters) spans several messages."""
    user = nqbot.member(2006)
    replies = nqbot.ask(user, "NQ 57 nhiệm vụ giải pháp: nâng cao nhận thức, đột phá về đổi mới tư duy, "
                              "xác định quyết tâm chính trị mạnh mẽ")
    answer = replies[-1]
    views = {data: _section_view(nqbot, int(data[3:])) for _, data in buttons(answer) if data.startswith("se:")}
    longest = max(views, key=lambda d: sum(len(m) for m in views[d]))
    expected = views[longest]
    assert len(expected) >= 2
    before = nqbot.last_id(user["id"])
    nqbot.press(user, answer, longest)
    parts = nqbot.wait_new(user["id"], before, count=len(expected))
    assert [m["html"] for m in parts] == expected
    assert sum(len(m["text"]) for m in parts) > 6000
    for part in parts:
        assert len(part["text"].encode("utf-16-le")) // 2 <= 4096
        assert part["html"].count("<blockquote") == part["html"].count("</blockquote>")
    assert nqbot.fake.rejected == []


def _section_view(nqbot: BotHarness, chunk_id: int) -> list[str]:
    """What the bot should send for the section button of ``chunk_id``."""
    from bot.library import SECTION_RADIUS, section_chunks
    from bot.telegram.render import passage_messages

    found = nqbot.engine.passage(chunk_id, radius=SECTION_RADIUS)
    assert found is not None
    return passage_messages(found[0], section_chunks(found[1], chunk_id), "vi", section=True)


def test_feedback_is_stored_and_marked(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    user = nqbot.member(2007)
    answer = nqbot.ask(user, Q57)[-1]
    question_id = int(button(answer, "fb:").split(":")[1])
    query = nqbot.press(user, answer, f"fb:{question_id}:d")
    assert nqbot.wait_callback_answer(query)["text"] == "Cảm ơn bạn đã đánh giá!"
    fake.wait_for(lambda: nqbot.store.feedback(question_id) == {user["id"]: -1})
    marked = fake.wait_for(lambda: next((m for m in nqbot.messages(user["id"])
                                         if m["message_id"] == answer["message_id"]
                                         and ("👎 ✓", f"fb:{question_id}:d") in buttons(m)), None))
    assert ("📄 [1] Cả đoạn", button(answer, "pa:")) in buttons(marked)  # the other buttons stay
    query = nqbot.press(user, marked, f"fb:{question_id}:u")
    nqbot.wait_callback_answer(query)
    fake.wait_for(lambda: nqbot.store.feedback(question_id) == {user["id"]: 1})
    assert fake.rejected == []


def test_follow_up_question_uses_previous_document(nqbot: BotHarness) -> None:
    user = nqbot.member(2008)
    first = nqbot.ask(user, "Nghị quyết 71 đặt mục tiêu gì đến năm 2030?")
    assert "<b>[1] 71-NQ/TW" in first[0]["html"]
    follow = nqbot.ask(user, "còn mục tiêu đến năm 2045 thì sao?")
    assert "<b>[1] 71-NQ/TW" in follow[0]["html"]
    assert "2045" in follow[0]["html"]
    assert nqbot.fake.rejected == []


def test_very_long_and_emoji_only_questions(nqbot: BotHarness) -> None:
    user = nqbot.member(2009)
    (long_reply,) = nqbot.say(user, "Nghị quyết 57 " * 770)  # ~10,000 characters
    assert "Câu hỏi quá dài (tối đa 1000 ký tự)" in long_reply["html"]
    (emoji_reply,) = nqbot.say(user, "😀🎉👍")
    assert "Câu hỏi trống" in emoji_reply["html"]
    assert nqbot.fake.rejected == []


def test_lang_zh_switches_the_interface(nqbot: BotHarness) -> None:
    user = nqbot.member(2010)
    (reply,) = nqbot.say(user, "/lang zh")
    assert reply["html"] == "界面语言已切换为中文。"
    answer = nqbot.ask(user, Q57)
    assert answer[0]["html"].startswith("<b>相关段落：</b>")
    assert "📄 [1] 全段" in [text for text, _ in buttons(answer[-1])]
    (help_reply,) = nqbot.say(user, "/help")
    assert "提问方法" in help_reply["html"]
    (menu,) = nqbot.say(user, "/lang")
    assert [data for _, data in buttons(menu)] == ["ln:vi", "ln:zh", "ln:en"]
    nqbot.press(user, menu, "ln:en")
    nqbot.fake.wait_for(lambda: nqbot.messages(user["id"])[-1]["html"] == "Language set to English.")
    assert nqbot.store.user(user["id"]).lang == "en"  # type: ignore[union-attr]
    assert nqbot.fake.rejected == []


def test_commands_are_published_per_language_and_for_admins(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    default = [c["command"] for c in fake.commands(scope_type="all_private_chats")]
    assert default == ["start", "help", "docs", "doc", "ask", "lang", "quiz", "stopquiz", "progress", "scores", "saved",
                       "contest"]
    assert fake.commands(scope_type="all_private_chats", language_code="zh")[0]["description"] == "开始，如何提问"
    assert fake.commands(scope_type="all_private_chats", language_code="en")[0]["description"] == "Start, how to ask"
    admin = [c["command"] for c in fake.commands(scope_type="chat")]
    assert {"invite", "users", "grant", "revoke", "remove", "history", "stats", "reindex"} <= set(admin)
    group = [c["command"] for c in fake.commands(scope_type="all_group_chats")]
    assert "ask" in group and {"quiz", "stopquiz", "study", "endstudy", "daily", "scores"} <= set(group)
    assert {"questions", "question", "qenable", "qdisable", "export", "host"} <= set(admin)
    assert fake.rejected == []


def test_rate_limit_sends_one_notice(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    user = nqbot.member(2011)
    for n in range(8):
        fake.send_text(user, f"Nghị quyết 57 mục tiêu {n}?")

    def settled() -> bool:
        messages = nqbot.messages(user["id"])
        answers = [m for m in messages if has_button(m, "fb:")]
        notices = [m for m in messages if "hỏi hơi nhanh" in m["html"]]
        return len(answers) == 5 and len(notices) >= 1

    fake.wait_for(settled, timeout=90)
    nqbot.stop()  # waits for every update in flight
    messages = nqbot.messages(user["id"])
    assert len([m for m in messages if "hỏi hơi nhanh" in m["html"]]) == 1
    assert len([m for m in messages if has_button(m, "fb:")]) == 5
    assert fake.rejected == []


def test_unknown_user_only_gets_the_access_notice(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    stranger = fake.user(3001, "Khách")
    (notice,) = nqbot.say(stranger, Q57)
    assert notice["html"].startswith("Xin chào! Bot này chỉ dành cho đảng viên")
    fake.send_text(stranger, "/docs")
    fake.send_text(stranger, "/doc 57-NQ/TW")
    fake.send_document(stranger, "nq.txt", "Số 1-NQ/TW".encode(), mime_type="text/plain")
    fake.send_text(stranger, "/start")  # /start and /help too: one notice per interval, then silence
    fake.send_text(stranger, "/help")
    fake.wait_for(lambda: not fake.pending_updates)
    nqbot.stop()
    assert len(nqbot.messages(stranger["id"])) == 1
    leaked = " ".join(sent_to(fake, stranger["id"]))
    for secret in ("57-NQ/TW", "71-NQ/TW", "Nghị quyết về", "đột phá", "văn bản trong kho"):
        assert secret not in leaked
    assert not [c for c in fake.calls if c[0].lower() == "getfile"]
    assert fake.rejected == []


def test_invite_code_flow(nqbot: BotHarness) -> None:
    fake = nqbot.fake
    (created,) = nqbot.say(nqbot.admin, "/invite 2")
    text = created["text"]
    link = next(word for word in text.split() if word.startswith("https://t.me/"))
    code = link.split("start=")[1]
    assert link == f"https://t.me/nqbot_test_bot?start={code}"
    assert f"<code>{code}</code>" in created["html"]
    first, second, third = (fake.user(uid, f"Khách {uid}") for uid in (3101, 3102, 3103))
    (welcome,) = nqbot.say(first, f"/start {code}")
    assert welcome["html"].startswith("Mã mời hợp lệ")
    assert "<b>[1] 57-NQ/TW" in nqbot.ask(first, Q57)[0]["html"]
    nqbot.say(second, f"/start {code}")
    (used_up,) = nqbot.say(third, f"/start {code}")
    assert used_up["html"].startswith("Mã mời đã được dùng hết")
    (invalid,) = nqbot.say(third, "/start WRONGCODE1")
    assert invalid["html"].startswith("Mã mời không đúng")
    assert nqbot.store.role(3102) == "member" and nqbot.store.role(3103) == "none"
    assert nqbot.store.user(3101).invited_by == ADMIN_ID  # type: ignore[union-attr]
    assert fake.rejected == []


def test_docs_and_doc_commands(nqbot: BotHarness) -> None:
    user = nqbot.member(2012)
    (listing,) = nqbot.say(user, "/docs")
    assert "Văn bản trong kho: 5" in listing["html"]
    assert "<b>57-NQ/TW</b>" in listing["html"]
    codes = [data for _, data in buttons(listing)]
    assert "dp:0:NQ:" in codes
    before = nqbot.last_id(user["id"])
    nqbot.press(user, listing, "dp:0:NQ:")
    filtered = nqbot.fake.wait_for(lambda: next((m for m in nqbot.messages(user["id"])
                                                if m["message_id"] == listing["message_id"]
                                                and "Lọc: NQ" in m["html"]), None))
    assert "127-KL/TW" not in filtered["html"] and "71-NQ/TW" in filtered["html"]
    assert nqbot.last_id(user["id"]) == before  # edited in place
    (card,) = nqbot.say(user, "/doc NQ 57")
    assert card["html"].startswith("<b>57-NQ/TW</b> — Nghị quyết về đột phá")
    assert "Phiên bản 1/1" in card["html"] and "Dàn ý" in card["html"]
    (missing,) = nqbot.say(user, "/doc 999-NQ/TW")
    assert missing["html"] == "Không có văn bản 999-NQ/TW."
    assert nqbot.fake.rejected == []


def test_errors_become_an_apology_and_flood_control_retries(nqbot: BotHarness,
                                                           monkeypatch: object) -> None:
    fake = nqbot.fake
    user = nqbot.member(2013)
    fake.fail_next("sendMessage", error_code=429, retry_after=1)
    assert "<b>[1] 57-NQ/TW" in nqbot.ask(user, Q57)[0]["html"]  # AIORateLimiter waited and retried

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(nqbot.engine, "ask", broken)
    (apology,) = nqbot.say(user, "câu hỏi làm hỏng bộ máy")
    assert apology["html"] == "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau ít phút."
    monkeypatch.undo()
    fake.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    fake.send_text(user, Q57)
    fake.wait_for(lambda: any("blocked" in r["description"] for r in fake.injected))
    assert "<b>[1] 57-NQ/TW" in nqbot.ask(user, Q57)[0]["html"]  # still serving after Forbidden
    assert fake.rejected == []


def test_forged_and_out_of_range_buttons_are_ignored_quietly(fake_telegram: FakeTelegram, party_engine: Engine,
                                                             tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Callback data no current button carries (an old deployment's, a modified client's) is answered and
    ignored: no apology, no ERROR, nothing posted to the error chat."""
    fake = fake_telegram
    errors = fake.group(-100999, "Quản trị")
    bot = BotHarness(fake, party_engine, tmp_path / "bot", settings={"error_chat_id": errors["id"]}).start()
    try:
        user = bot.member(2020)
        answer = bot.ask(user, Q57)[-1]
        with caplog.at_level(logging.INFO):
            for data in ("pa:99999999999999999999", "se:9223372036854775808", "ol:-1", "dl:١٢",
                         "fb:99999999999999999999:u", "dp:99999::", "ln:xx", "up:99999999999999999999:ok"):
                query = bot.press(user, answer, data, forged=True)
                assert "text" not in bot.wait_callback_answer(query), data
            query = bot.press(user, answer, "pa:9223372036854775807", forged=True)  # in range, but no such passage
            assert bot.wait_callback_answer(query)["text"] == "Đoạn văn bản này không còn trong kho."
    finally:
        bot.stop()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot.messages(errors["id"]) == [] and bot.messages(user["id"])[-1]["message_id"] == answer["message_id"]
    assert fake.rejected == []


def test_interface_language_follows_the_telegram_app_until_chosen(nqbot: BotHarness) -> None:
    english = nqbot.member(2021, "Anna", language_code="en-US")
    (welcome,) = nqbot.say(english, "/start")
    assert welcome["html"].startswith("Hello Anna! I look up Party documents")
    assert nqbot.ask(english, Q57)[0]["html"].startswith("<b>Relevant passages:</b>")
    chinese = nqbot.member(2022, "Wei", language_code="zh-hans")
    assert nqbot.ask(chinese, Q57)[0]["html"].startswith("<b>相关段落：</b>")
    french = nqbot.member(2023, "Jean", language_code="fr")
    assert nqbot.ask(french, Q57)[0]["html"].startswith("<b>Các đoạn trích liên quan:</b>")
    assert nqbot.store.user(2021).lang is None  # type: ignore[union-attr]  # only a choice is stored
    (chosen,) = nqbot.say(english, "/lang vi")  # an explicit choice wins over the app's language
    assert chosen["html"] == "Đã chuyển ngôn ngữ sang tiếng Việt."
    assert nqbot.ask(english, Q57)[0]["html"].startswith("<b>Các đoạn trích liên quan:</b>")
    assert nqbot.store.user(2021).lang == "vi"  # type: ignore[union-attr]
    stranger = nqbot.fake.user(3002, "Guest", language_code="en")
    (notice,) = nqbot.say(stranger, "hello")
    assert notice["html"].startswith("Hello! This bot is only for authorised Party members")
    assert nqbot.fake.rejected == []


def test_strangers_flooding_start_get_one_notice_each(nqbot: BotHarness) -> None:
    """10 strangers sending 20 /start each (and /help, stickers, forged codes) get one access notice each and
    cost the bot no writes after that; a member asking meanwhile is answered as usual."""
    fake = nqbot.fake
    strangers = [fake.user(3200 + n, f"Khách {n}") for n in range(10)]
    member = nqbot.member(2030)
    for round_ in range(20):
        for stranger in strangers:
            fake.send_text(stranger, "/start" if round_ % 4 else "/help")
    assert "<b>[1] 57-NQ/TW" in nqbot.ask(member, Q57)[0]["html"]
    for n in range(10):
        fake.send_text(strangers[0], f"/start WRONGCODE{n}")
    fake.wait_for(lambda: not fake.pending_updates, timeout=60)
    nqbot.stop()
    assert [len(nqbot.messages(s["id"])) for s in strangers[1:]] == [1] * 9
    first = [m["html"] for m in nqbot.messages(strangers[0]["id"])]
    assert first[0].startswith("Xin chào! Bot này chỉ dành cho đảng viên")
    assert len(first) == 1 + 3 and all(h.startswith("Mã mời không đúng") for h in first[1:])  # 3 codes per interval
    assert fake.rejected == []
