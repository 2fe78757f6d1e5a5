"""The fake Telegram Bot API server enforces Telegram's rules, proven with PTB's real ``telegram.Bot``."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyParameters,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeTelegram, parse_html, utf16_len
from tests.plugins.fake_telegram import fake_telegram  # noqa: F401

T = TypeVar("T")
USER_ID = 5001


def run(coro_fn: Callable[[Bot], Awaitable[T]], fake: FakeTelegram) -> T:
    async def main() -> T:
        async with make_bot(fake) as bot:
            return await coro_fn(bot)

    return asyncio.run(main())


@asynccontextmanager
async def make_bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
        yield bot


def keyboard(*datas: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d, callback_data=d) for d in datas]])


@pytest.fixture
def fake(fake_telegram: FakeTelegram) -> FakeTelegram:  # noqa: F811
    return fake_telegram


@pytest.fixture
def user(fake: FakeTelegram) -> dict[str, Any]:
    u = fake.user(USER_ID, "Lan", username="lan_vn")
    fake.send_text(u, "/start")  # the bot may write to a user only after the user wrote to it
    return u


# ---------------------------------------------------------------------------------------------------------
# identity, wire format, status codes
# ---------------------------------------------------------------------------------------------------------


def test_get_me_webhook_and_identity(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        me = await bot.get_me()
        assert (me.id, me.username, me.is_bot) == (fake.bot_id, fake.bot_username, True)
        assert await bot.delete_webhook(drop_pending_updates=True)
        info = await bot.get_webhook_info()
        assert info.url == "" and info.pending_update_count == 0

    run(scenario, fake)
    assert fake.base_url.startswith("http://127.0.0.1:") and fake.base_url.endswith("/bot")
    assert [m for m, _ in fake.calls] == ["getMe", "getMe", "deleteWebhook", "getWebhookInfo"]
    assert fake.rejected == []


def test_wire_status_codes_and_body_encodings(fake: FakeTelegram, user: dict[str, Any]) -> None:
    root = fake.base_url
    with httpx.Client(trust_env=False) as client:
        r = client.post(f"{root}{fake.token}/sendMessage", json={"chat_id": USER_ID, "text": "json body"})
        assert r.status_code == 200 and r.json()["result"]["text"] == "json body"
        r = client.post(
            f"{root}{fake.token}/sendMessage", data={"chat_id": str(USER_ID), "text": "form body"}
        )
        assert r.status_code == 200 and r.json()["result"]["chat"]["id"] == USER_ID
        r = client.get(f"{root}{fake.token}/getMe")
        assert r.json()["result"]["username"] == fake.bot_username
        r = client.post(f"{root}{fake.token}/noSuchMethod", data={})
        assert (r.status_code, r.json()) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found"},
        )
        r = client.post(f"{root}999:WRONG/getMe")
        assert r.status_code == 401 and r.json()["description"] == "Unauthorized"
        r = client.post(f"{root}{fake.token}/sendMessage", data={"chat_id": "777", "text": "x"})
        assert r.status_code == 400 and r.json()["description"] == "Bad Request: chat not found"
        # legacy reply_to_message_id still works on the wire
        r = client.post(
            f"{root}{fake.token}/sendMessage",
            data={"chat_id": str(USER_ID), "text": "legacy reply", "reply_to_message_id": "1"},
        )
        assert r.json()["result"]["reply_to_message"]["text"] == "/start"
    assert [r["description"] for r in fake.rejected] == [
        "Not Found",
        "Unauthorized",
        "Bad Request: chat not found",
    ]

    async def wrong_token() -> None:
        async with Bot("42:NOPE", base_url=fake.base_url) as _:
            pass

    with pytest.raises(InvalidToken):
        asyncio.run(wrong_token())


# ---------------------------------------------------------------------------------------------------------
# sendMessage: HTML, limits, keyboards, replies, topics
# ---------------------------------------------------------------------------------------------------------


def test_send_message_html_with_inline_keyboard(fake: FakeTelegram, user: dict[str, Any]) -> None:
    html = (
        '<b>Điều 1</b> 😀 <i>nghị quyết</i> &lt;trích&gt; <a href="https://example.org/?a=1&amp;b=2">link</a>\n'
        '<pre><code class="language-python">x = 1</code></pre><blockquote expandable>trích dẫn</blockquote>'
    )

    async def scenario(bot: Bot) -> Any:
        return await bot.send_message(
            USER_ID, html, parse_mode="HTML", reply_markup=keyboard("more:1", "src:2")
        )

    sent = run(scenario, fake)
    plain = "Điều 1 😀 nghị quyết <trích> link\nx = 1trích dẫn"
    assert sent.text == plain
    assert sent.reply_markup.inline_keyboard[0][1].callback_data == "src:2"
    (stored,) = fake.bot_messages(USER_ID)
    assert stored["html"] == html and stored["text"] == plain
    assert stored["from"]["id"] == fake.bot_id and stored["message_id"] == 2
    link_offset = utf16_len("Điều 1 😀 nghị quyết <trích> ")
    assert stored["entities"] == [
        {"offset": 0, "length": 6, "type": "bold"},
        {"offset": 10, "length": 10, "type": "italic"},
        {"offset": link_offset, "length": 4, "type": "text_link", "url": "https://example.org/?a=1&b=2"},
        {"offset": link_offset + 5, "length": 5, "type": "pre", "language": "python"},
        {"offset": link_offset + 10, "length": 9, "type": "expandable_blockquote"},
    ]
    assert stored["reply_markup"]["inline_keyboard"][0][0] == {"text": "more:1", "callback_data": "more:1"}


@pytest.mark.parametrize(
    ("html", "detail"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("<b>đậm", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ('<span class="bold">x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x"', "Unclosed start tag at byte offset 0"),
        ("AT&T", 'Unescaped "&" at byte offset 2'),
    ],
)
def test_bad_html_is_rejected_like_telegram(
    fake: FakeTelegram, user: dict[str, Any], html: str, detail: str
) -> None:
    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match="(?i)^can't parse entities"):
            await bot.send_message(USER_ID, html, parse_mode="HTML")

    run(scenario, fake)
    (rejection,) = fake.rejected
    assert rejection["method"] == "sendMessage" and rejection["params"]["text"] == html
    assert rejection["description"].startswith(f"Bad Request: can't parse entities: {detail}")
    assert fake.bot_messages(USER_ID) == []


def test_text_limit_counts_utf16_units_after_entity_parsing(fake: FakeTelegram, user: dict[str, Any]) -> None:
    exactly = "😀" * 2048  # 4096 UTF-16 code units, 2048 code points
    wrapped = "<b>" + "a" * 4096 + "</b>"  # tags do not count

    async def scenario(bot: Bot) -> None:
        await bot.send_message(USER_ID, exactly)
        await bot.send_message(USER_ID, wrapped, parse_mode="HTML")
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER_ID, "a" + exactly)
        with pytest.raises(BadRequest, match="Message text is empty"):
            await bot.send_message(USER_ID, "<b> </b>\n", parse_mode="HTML")
        with pytest.raises(BadRequest, match="Message caption is too long"):
            await bot.send_document(USER_ID, io.BytesIO(b"x"), filename="a.txt", caption="c" * 1025)

    run(scenario, fake)
    assert [r["description"] for r in fake.rejected] == [
        "Bad Request: message is too long",
        "Bad Request: message text is empty",
        "Bad Request: message caption is too long",
    ]
    assert len(fake.bot_messages(USER_ID)) == 2


def test_inline_keyboard_rules(fake: FakeTelegram, user: dict[str, Any]) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.send_message(USER_ID, "ok", reply_markup=keyboard("x" * 64))
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(USER_ID, "65", reply_markup=keyboard("x" * 65))
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await bot.send_message(USER_ID, "66 bytes", reply_markup=keyboard("ă" * 33))
        with pytest.raises(BadRequest, match="(?i)text buttons are unallowed"):
            await bot.send_message(
                USER_ID, "no action", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("t")]])
            )

    run(scenario, fake)
    assert [r["description"] for r in fake.rejected] == [
        "Bad Request: BUTTON_DATA_INVALID",
        "Bad Request: BUTTON_DATA_INVALID",
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    ]


def test_replies_need_an_existing_target(fake: FakeTelegram, user: dict[str, Any]) -> None:
    question = fake.send_text(user, "Nghị quyết 57 nói gì?")

    async def scenario(bot: Bot) -> None:
        answer = await bot.send_message(USER_ID, "Trả lời", reply_to_message_id=question["message_id"])
        assert answer.reply_to_message is not None and answer.reply_to_message.text == "Nghị quyết 57 nói gì?"
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await bot.send_message(USER_ID, "x", reply_parameters=ReplyParameters(message_id=999))
        lenient = await bot.send_message(
            USER_ID, "y", reply_parameters=ReplyParameters(message_id=999, allow_sending_without_reply=True)
        )
        assert lenient.reply_to_message is None

    run(scenario, fake)
    assert fake.calls[-3][1]["reply_parameters"] == {"message_id": question["message_id"]}
    assert [r["description"] for r in fake.rejected] == ["Bad Request: message to be replied not found"]
    # the user can reply to the bot's message
    bot_msg = fake.bot_messages(USER_ID)[0]
    reply = fake.send_text(user, "cảm ơn", reply_to=bot_msg)
    assert reply["reply_to_message"]["from"]["id"] == fake.bot_id


def test_forum_topics_and_groups(fake: FakeTelegram) -> None:
    alice = fake.user(7001, "Alice")
    forum = fake.group(-1001234567890, "Chi bộ", forum=True, members=[alice])
    plain_group = fake.group(-4001, "Nhóm", members=[alice])
    topic = fake.create_topic(forum, "Hỏi đáp")
    asked = fake.send_text(alice, "/ask@nqbot_test_bot Điều 2?", chat=forum, thread_id=topic)
    assert asked["is_topic_message"] and asked["message_thread_id"] == topic
    assert asked["entities"][0] == {"type": "bot_command", "offset": 0, "length": 19}
    assert asked["reply_to_message"]["forum_topic_created"]["name"] == "Hỏi đáp"

    async def scenario(bot: Bot) -> None:
        msg = await bot.send_message(forum["id"], "trong chủ đề", message_thread_id=topic)
        assert msg.message_thread_id == topic and msg.is_topic_message
        replied = await bot.send_message(forum["id"], "trả lời", reply_to_message_id=asked["message_id"])
        assert replied.message_thread_id == topic  # a reply stays in the topic of its target
        with pytest.raises(BadRequest, match="Message thread not found"):
            await bot.send_message(forum["id"], "x", message_thread_id=topic + 100)
        with pytest.raises(BadRequest, match="Message thread not found"):
            await bot.send_message(plain_group["id"], "x", message_thread_id=topic)
        await bot.send_message(plain_group["id"], "nhóm thường")

    run(scenario, fake)
    assert [m["text"] for m in fake.bot_messages(forum["id"], thread_id=topic)] == ["trong chủ đề", "trả lời"]
    assert [m["text"] for m in fake.bot_messages(plain_group["id"])] == ["nhóm thường"]
    assert plain_group["type"] == "group" and forum["type"] == "supergroup"


def test_chat_not_found_initiation_and_blocked(fake: FakeTelegram, user: dict[str, Any]) -> None:
    silent = fake.user(6002, "Silent")
    fake.block_bot(user)

    async def scenario(bot: Bot) -> None:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(123456789, "x")
        with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
            await bot.send_message(silent["id"], "x")
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_message(USER_ID, "x")
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await bot.send_document(USER_ID, io.BytesIO(b"x"), filename="x.txt")

    run(scenario, fake)
    assert [r["description"] for r in fake.rejected] == [
        "Bad Request: chat not found",
        "Forbidden: bot can't initiate conversation with a user",
        "Forbidden: bot was blocked by the user",
        "Forbidden: bot was blocked by the user",
    ]
    with pytest.raises(AssertionError, match="blocked"):
        fake.send_text(user, "hi")


# ---------------------------------------------------------------------------------------------------------
# editing, callback queries
# ---------------------------------------------------------------------------------------------------------


def test_edit_message_text_and_markup(fake: FakeTelegram, user: dict[str, Any]) -> None:
    async def scenario(bot: Bot) -> None:
        sent = await bot.send_message(USER_ID, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard("a"))
        edited = await bot.edit_message_text(
            "<i>v2</i>", USER_ID, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
        )
        assert isinstance(edited, type(sent)) and edited.text == "v2" and edited.edit_date is not None
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text(
                "<i>v2</i>", USER_ID, sent.message_id, parse_mode="HTML", reply_markup=keyboard("a")
            )
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=keyboard("a"))
        # without reply_markup the inline keyboard is removed, as on Telegram
        await bot.edit_message_text("<i>v2</i>", USER_ID, sent.message_id, parse_mode="HTML")
        await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=keyboard("b"))
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", USER_ID, 999)
        with pytest.raises(BadRequest, match="Message can't be edited"):
            await bot.edit_message_text("x", USER_ID, 1)  # the user's /start

    run(scenario, fake)
    (msg,) = fake.bot_messages(USER_ID)
    assert msg["html"] == "<i>v2</i>" and msg["text"] == "v2"
    assert msg["entities"] == [{"offset": 0, "length": 2, "type": "italic"}]
    assert msg["reply_markup"] == {"inline_keyboard": [[{"text": "b", "callback_data": "b"}]]}
    assert [r["description"].split(":")[1].strip() for r in fake.rejected] == [
        "message is not modified",
        "message is not modified",
        "message to edit not found",
        "message can't be edited",
    ]


def test_callback_queries(fake: FakeTelegram, user: dict[str, Any]) -> None:
    async def send(bot: Bot) -> Any:
        return await bot.send_message(USER_ID, "Chọn", reply_markup=keyboard("doc:1", "doc:2"))

    run(send, fake)
    (msg,) = fake.bot_messages(USER_ID)
    with pytest.raises(AssertionError, match="no button"):
        fake.press_button(user, msg, "doc:3")
    query_id = fake.press_button(user, msg, "doc:2")

    async def answer(bot: Bot) -> None:
        updates = await bot.get_updates(timeout=0)
        query = updates[-1].callback_query
        assert query is not None and query.id == query_id and query.data == "doc:2"
        assert query.message is not None and query.message.message_id == msg["message_id"]
        with pytest.raises(BadRequest, match="Message_too_long"):
            await bot.answer_callback_query(query_id, text="x" * 201)
        await bot.answer_callback_query(query_id, text="Đang tải…")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("12345")

    run(answer, fake)
    assert fake.answered_callbacks == {query_id: {"callback_query_id": query_id, "text": "Đang tải…"}}
    assert len(fake.rejected) == 3


# ---------------------------------------------------------------------------------------------------------
# getUpdates
# ---------------------------------------------------------------------------------------------------------


def test_get_updates_offsets_limit_and_allowed_updates(fake: FakeTelegram) -> None:
    u = fake.user(USER_ID, "Lan")
    for i in range(5):
        fake.send_text(u, f"m{i}")

    async def scenario(bot: Bot) -> None:
        first = await bot.get_updates(limit=2)
        assert [x.message.text for x in first if x.message] == ["m0", "m1"]
        again = await bot.get_updates(limit=2)  # not confirmed yet: delivered again
        assert [x.update_id for x in again] == [x.update_id for x in first]
        rest = await bot.get_updates(offset=first[-1].update_id + 1)
        assert [x.message.text for x in rest if x.message] == ["m2", "m3", "m4"]
        last = await bot.get_updates(offset=-1)
        assert [x.update_id for x in last] == [rest[-1].update_id]
        assert await bot.get_updates(offset=rest[-1].update_id + 1, timeout=0) == ()
        # allowed_updates: callback queries are filtered out (and dropped) until allowed again
        await bot.send_message(USER_ID, "k", reply_markup=keyboard("x"))
        fake.press_button(u, fake.bot_messages(USER_ID)[0], "x")
        fake.send_text(u, "after")
        only_messages = await bot.get_updates(allowed_updates=["message"])
        assert [x.message.text for x in only_messages if x.message] == ["after"]
        assert all(x.callback_query is None for x in only_messages)

    run(scenario, fake)
    assert fake.rejected == []


def test_get_updates_long_polling(fake: FakeTelegram) -> None:
    u = fake.user(USER_ID, "Lan")

    async def scenario(bot: Bot) -> None:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        assert time.monotonic() - started >= 0.9  # the request was held for the timeout

        poll = asyncio.create_task(bot.get_updates(timeout=20))
        # the long poll is waiting in the server: then a user writes
        await asyncio.to_thread(fake.wait_for, lambda: sum(m == "getUpdates" for m, _ in fake.calls) == 2)
        fake.send_text(u, "wake up")
        updates = await asyncio.wait_for(poll, timeout=10)
        assert [x.message.text for x in updates if x.message] == ["wake up"]

        # a newer getUpdates terminates an older waiting one, as on Telegram
        older = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=20))
        await asyncio.to_thread(fake.wait_for, lambda: sum(m == "getUpdates" for m, _ in fake.calls) == 3)
        async with make_bot(fake) as second_instance:  # PTB's own getUpdates pool holds one connection
            assert await second_instance.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await older

    run(scenario, fake)


# ---------------------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------------------


def test_get_file_and_download(fake: FakeTelegram, user: dict[str, Any]) -> None:
    pdf = b"%PDF-1.4 Nghi quyet\n" + bytes(range(256)) * 10
    incoming = fake.send_document(user, "Nghị quyết 57.pdf", pdf, mime_type="application/pdf", caption="đây")
    big = fake.send_document(user, "big.pdf", b"tiny", file_size=25 * 1024 * 1024)
    photo = fake.send_photo(user, b"\xff\xd8\xff fake jpeg")

    async def scenario(bot: Bot) -> None:
        update = (await bot.get_updates())[-3]
        assert update.message is not None and update.message.document is not None
        doc = update.message.document
        assert (doc.file_name, doc.mime_type, doc.file_size) == (
            "Nghị quyết 57.pdf",
            "application/pdf",
            len(pdf),
        )
        tg_file = await bot.get_file(doc.file_id)
        assert tg_file.file_path is not None
        relative = tg_file.file_path.removeprefix(f"{fake.base_file_url}{fake.token}/")
        assert relative.startswith("fake-tg-files/") and not Path(relative).exists()
        assert bytes(await tg_file.download_as_bytearray()) == pdf
        with pytest.raises(BadRequest, match="File is too big"):
            await bot.get_file(big["document"]["file_id"])
        with pytest.raises(BadRequest, match="Invalid file_id"):
            await bot.get_file("nope")
        photo_file = await bot.get_file(photo["photo"][-1]["file_id"])
        assert bytes(await photo_file.download_as_bytearray()) == b"\xff\xd8\xff fake jpeg"

    run(scenario, fake)
    assert incoming["caption"] == "đây"
    assert [r["description"] for r in fake.rejected] == [
        "Bad Request: file is too big",
        "Bad Request: invalid file_id",
    ]


def test_send_document_multipart_upload(fake: FakeTelegram, user: dict[str, Any]) -> None:
    question = fake.send_text(user, "gửi tài liệu")
    data = "Toàn văn Nghị quyết\n".encode() * 1000

    async def scenario(bot: Bot) -> None:
        sent = await bot.send_document(
            USER_ID,
            io.BytesIO(data),
            filename='Nghị quyết "57".txt',
            caption="<b>Toàn văn</b>",
            parse_mode="HTML",
            reply_markup=keyboard("more"),
            reply_parameters=ReplyParameters(message_id=question["message_id"]),
        )
        assert sent.document is not None and sent.document.file_name == 'Nghị quyết "57".txt'
        assert sent.caption == "Toàn văn" and sent.reply_to_message is not None
        again = await bot.send_document(USER_ID, sent.document.file_id)  # re-send by file_id
        assert again.document is not None and again.document.file_unique_id == sent.document.file_unique_id
        with pytest.raises(BadRequest, match="Wrong file identifier"):
            await bot.send_document(USER_ID, "not-a-file-id")

    run(scenario, fake)
    method, params = next(c for c in fake.calls if c[0] == "sendDocument")
    assert params["reply_markup"] == {"inline_keyboard": [[{"text": "more", "callback_data": "more"}]]}
    assert params["reply_parameters"] == {"message_id": question["message_id"]}
    assert fake.uploaded_documents(USER_ID) == [('Nghị quyết "57".txt', data)] * 2
    first = fake.bot_messages(USER_ID)[0]
    assert first["html"] == "<b>Toàn văn</b>" and first["caption_entities"][0]["type"] == "bold"


# ---------------------------------------------------------------------------------------------------------
# commands, chat actions, injected failures
# ---------------------------------------------------------------------------------------------------------


def test_set_my_commands(fake: FakeTelegram) -> None:
    async def scenario(bot: Bot) -> None:
        await bot.set_my_commands([BotCommand("start", "Bắt đầu"), BotCommand("ask", "Hỏi")])
        await bot.set_my_commands([BotCommand("start", "Start")], language_code="en")
        await bot.set_my_commands([BotCommand("help", "Trợ giúp")], scope=BotCommandScopeAllPrivateChats())
        assert [c.command for c in await bot.get_my_commands()] == ["start", "ask"]
        assert [c.command for c in await bot.get_my_commands(language_code="en")] == ["start"]
        for bad in (
            [BotCommand("Start", "uppercase")],
            [BotCommand("a" * 33, "too long")],
            [BotCommand("ok", "")],
            [BotCommand("ok", "d" * 257)],
            [BotCommand(f"c{i}", "d") for i in range(101)],
        ):
            with pytest.raises(BadRequest):
                await bot.set_my_commands(bad)

    run(scenario, fake)
    assert fake.commands() == [
        {"command": "start", "description": "Bắt đầu"},
        {"command": "ask", "description": "Hỏi"},
    ]
    assert fake.commands(language_code="en") == [{"command": "start", "description": "Start"}]
    assert fake.commands(scope_type="all_private_chats") == [{"command": "help", "description": "Trợ giúp"}]
    assert [r["description"] for r in fake.rejected] == [
        "Bad Request: BOT_COMMAND_INVALID",
        "Bad Request: BOT_COMMAND_INVALID",
        "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
        "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
        "Bad Request: BOT_COMMANDS_TOO_MUCH",
    ]


def test_send_chat_action(fake: FakeTelegram, user: dict[str, Any]) -> None:
    async def scenario(bot: Bot) -> None:
        assert await bot.send_chat_action(USER_ID, "typing")
        assert await bot.send_chat_action(USER_ID, "upload_document")
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await bot.send_chat_action(USER_ID, "dancing")

    run(scenario, fake)
    assert fake.chat_actions(USER_ID) == ["typing", "upload_document"]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_fail_next_injects_one_failure(fake: FakeTelegram, user: dict[str, Any]) -> None:
    fake.fail_next("sendMessage")
    fake.fail_next("sendChatAction", error_code=403, description="Forbidden: bot was blocked by the user")

    async def scenario(bot: Bot) -> None:
        with pytest.raises(RetryAfter):
            await bot.send_message(USER_ID, "first try")
        await bot.send_message(USER_ID, "second try")
        with pytest.raises(Forbidden):
            await bot.send_chat_action(USER_ID, "typing")

    run(scenario, fake)
    assert [m["text"] for m in fake.bot_messages(USER_ID)] == ["second try"]
    assert [i["description"] for i in fake.injected] == [
        "Too Many Requests: retry after 1",
        "Forbidden: bot was blocked by the user",
    ]
    assert fake.rejected == []


# ---------------------------------------------------------------------------------------------------------
# HTML parser details, entity detection
# ---------------------------------------------------------------------------------------------------------


def test_parse_html_details() -> None:
    text, entities = parse_html(
        '<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span><u>c</u>&#128512;&#x41;'
    )
    assert text == "abc😀A"
    assert [e["type"] for e in entities] == ["spoiler", "spoiler", "underline"]
    text, entities = parse_html("<pre>raw</pre><code>c</code><s>s</s><del>d</del><ins>i</ins><em>e</em>")
    assert text == "rawcsdie"
    assert [e["type"] for e in entities] == [
        "pre",
        "code",
        "strikethrough",
        "strikethrough",
        "underline",
        "italic",
    ]
    assert parse_html("&quot;q&quot; &gt; x")[0] == '"q" > x'


def test_incoming_entities_use_utf16_offsets(fake: FakeTelegram) -> None:
    u = fake.user(USER_ID, "Lan")
    msg = fake.send_text(u, "😀 /help@nqbot_test_bot hỏi @someone_else https://x.org/a")
    assert [(e["type"], e["offset"], e["length"]) for e in msg["entities"]] == [
        ("bot_command", 3, 20),
        ("mention", 28, 13),
        ("url", 42, 15),
    ]
    parsed = Update.de_json({"update_id": 1, "message": msg}, None)
    assert parsed.message is not None
    assert parsed.message.parse_entities() == {
        e: v
        for e, v in zip(
            parsed.message.entities, ["/help@nqbot_test_bot", "@someone_else", "https://x.org/a"], strict=True
        )
    }


# ---------------------------------------------------------------------------------------------------------
# a real PTB Application, polling end to end
# ---------------------------------------------------------------------------------------------------------


def test_application_polling_end_to_end(fake: FakeTelegram) -> None:
    lan = fake.user(USER_ID, "Lan")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text is not None
        await update.effective_message.reply_html(
            f"<b>Bạn hỏi:</b> {update.effective_message.text}", reply_markup=keyboard("again"), do_quote=True
        )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_chat_action(update.effective_chat.id, "typing")
        await context.bot.send_message(update.effective_chat.id, "Xin chào!")

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("ok")
        await query.edit_message_text("Đã bấm")

    async def scenario() -> None:
        app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .build()
        )
        app.add_handler(CommandHandler("start", start))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        app.add_handler(CallbackQueryHandler(pressed))
        await app.initialize()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5, drop_pending_updates=True)
        await app.start()
        try:
            fake.send_text(lan, "/start")
            await asyncio.to_thread(fake.wait_messages, USER_ID, 1)
            question = fake.send_text(lan, "Nghị quyết 57 là gì?")
            messages = await asyncio.to_thread(fake.wait_messages, USER_ID, 2)
            answer = messages[1]
            assert answer["html"] == "<b>Bạn hỏi:</b> Nghị quyết 57 là gì?"
            assert answer["reply_to_message"]["message_id"] == question["message_id"]
            query_id = fake.press_button(lan, answer, "again")
            await asyncio.to_thread(
                fake.wait_for,
                lambda: fake.bot_messages(USER_ID)[1]["text"] == "Đã bấm" and fake.answered_callbacks,
            )
            assert fake.answered_callbacks == {query_id: {"callback_query_id": query_id, "text": "ok"}}
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()

    asyncio.run(scenario())
    assert fake.chat_actions(USER_ID) == ["typing"]
    assert [m["text"] for m in fake.bot_messages(USER_ID)] == ["Xin chào!", "Đã bấm"]
    assert fake.bot_messages(USER_ID)[1]["reply_markup"] is None  # edit without markup removed the keyboard
    assert fake.pending_updates == []  # the updater confirmed every update on shutdown
    assert fake.rejected == []
