"""The bot store (on both backends), access decisions, rate limit, follow-up context, progress, addressing."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Chat, Message, MessageEntity, User

from bot.access import Caller, resolve_caller
from bot.followup import FollowUps
from bot.i18n import LANGUAGES, catalog, normalise_lang, placeholders, plural_blocks, plural_category, t
from bot.library import section_chunks
from bot.progress import edit_due
from bot.ratelimit import RateLimiter, Verdict
from bot.shared import SharedFollowUps, SharedRateLimiter
from bot.store import BotStore
from bot.store_postgres import PostgresBotStore
from bot.telegram.addressing import addressed_question
from bot.telegram.render import th
from bot.uploads import safe_name, upload_name
from index.rows import ChunkRow

LOCALES = Path(__file__).resolve().parents[1] / "bot" / "locales"


@pytest.fixture
def store(open_store: Callable[..., BotStore]) -> Iterator[BotStore]:
    """The bot store on each backend (SQLite, PostgreSQL): one contract."""
    store = open_store([1])
    yield store
    store.close()


def caller(store: BotStore, user_id: int, chat_id: int | None = None, kind: str = "private") -> Caller:
    return resolve_caller(store, user_id=user_id, first_name="X", username=None, chat_id=chat_id or user_id,
                          chat_kind=kind)


def test_catalogs_have_the_same_keys() -> None:
    keys = {lang: set(json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))) for lang in LANGUAGES}
    assert keys["vi"] == keys["zh"] == keys["en"]
    for lang in LANGUAGES:  # every catalog string formats with the fields the vi string uses
        for key, text in catalog(lang).items():
            assert placeholders(text) == placeholders(catalog("vi")[key]), (lang, key)
            for _, _, name, branches in plural_blocks(text):
                assert "other" in branches and set(branches) <= {"one", "other"}, (lang, key, name)


def test_english_counts_agree_with_their_nouns() -> None:
    """"1 files indexed" no more: English messages with a count have one/other forms; vi and zh do not inflect."""
    summary = {"unchanged": 0, "failed": 0, "seconds": 1.0}
    assert t("ingest.summary", "en", ok=1, chunks=1, **summary).startswith("Total: 1 file indexed, 0 unchanged, "
                                                                           "0 failed; 1 passage, 1.0 s.")
    assert t("ingest.summary", "en", ok=2, chunks=0, **summary).startswith("Total: 2 files indexed, 0 unchanged, "
                                                                           "0 failed; 0 passages")
    assert t("ingest.summary", "vi", ok=1, chunks=1, **summary).startswith("Tổng cộng: 1 tệp đã nạp")
    assert th("tg.invite.created", "en", code="<code>X</code>", link="l", uses=1, days=1).startswith(
        "Invite code: <code>X</code> (1 use, expires in 1 day).")
    assert "(5 uses, expires in 7 days)" in th("tg.invite.created", "en", code="c", link="l", uses=5, days=7)
    assert th("tg.slow_down", "en", seconds=1) == ("You are asking a little fast. Please wait about 1 second "
                                                   "before the next question.")
    assert th("tg.stats.day", "en", day="01/01/2025", count=1, not_found=0) == "01/01/2025: 1 question, 0 not found"
    assert th("tg.upload.progress", "en", name="a", bar="▱", percent=0, done=0, total=1).endswith("(0/1 passage)")
    assert th("tg.outline.more", "en", count=1) == "… and 1 more heading"
    plain = re.compile(r"\{\w+\} (more )?(files|passages|documents|questions|seconds|days|uses|headings)\b")
    assert [key for key, text in catalog("en").items() if plain.search(text)] == []
    assert plural_category("en", 1) == "one" and plural_category("en", 0) == "other"
    assert plural_category("vi", 1) == plural_category("zh", 1) == "other"


def test_roles_and_private_access(store: BotStore) -> None:
    assert caller(store, 1).is_admin and caller(store, 1).may_ask
    assert caller(store, 2).reason == "unknown"
    store.set_role(2, "member", by=1)
    assert caller(store, 2).may_ask
    store.set_role(2, "revoked")
    assert caller(store, 2).reason == "revoked"
    store.set_role(1, "revoked")  # configured admins stay admins
    assert caller(store, 1).is_admin


def test_group_access_extends_to_private_chat(store: BotStore) -> None:
    assert caller(store, 5, -100, "supergroup").reason == "group_not_allowed"
    store.set_chat_allowed(-100, True, by=1)
    assert caller(store, 5, -100, "supergroup").may_ask
    assert caller(store, 5).may_ask  # seen in an allowed group
    store.set_chat_allowed(-100, False)
    assert caller(store, 5).reason == "unknown"
    store.set_chat_allowed(-100, True)
    store.set_role(5, "revoked")
    assert caller(store, 5, -100, "supergroup").reason == "revoked"


def test_group_settings(store: BotStore) -> None:
    store.set_chat_allowed(-7, True)
    store.set_chat_lang(-7, "zh")
    store.set_chat_documents(-7, [3, 4])
    chat = caller(store, 9, -7, "group")
    assert chat.lang == "zh" and chat.scope == [3, 4]
    store.set_chat_documents(-7, None)
    assert caller(store, 9, -7, "group").scope is None


def test_group_migration_keeps_settings(store: BotStore) -> None:
    store.set_chat_allowed(-1, True, by=1)
    store.set_chat_lang(-1, "en")
    store.set_chat_documents(-1, [7])
    store.record_group_member(-1, 5)
    store.migrate_chat(-1, -1001)
    chat = store.chat(-1001)
    assert chat is not None and chat.allowed and chat.lang == "en" and chat.documents == (7,)
    assert not store.chat(-1).allowed  # type: ignore[union-attr]
    assert store.has_group_access(5)


def test_invites(store: BotStore) -> None:
    invite = store.create_invite(1, uses=2)
    assert len(invite.code) == 10
    assert store.redeem_invite(invite.code.lower(), 10) == "ok"
    assert store.redeem_invite(invite.code, 10) == "already"
    assert store.redeem_invite(invite.code, 11) == "ok"
    assert store.redeem_invite(invite.code, 12) == "used_up"
    assert store.redeem_invite("NOPE", 12) == "invalid"
    expired = store.create_invite(1, ttl=timedelta(seconds=-1))
    assert store.redeem_invite(expired.code, 12) == "expired"
    store.set_role(13, "revoked")
    assert store.redeem_invite(store.create_invite(1).code, 13) == "revoked"
    assert store.role(10) == "member" and store.user(10).invited_by == 1  # type: ignore[union-attr]


def test_questions_feedback_and_stats(store: BotStore) -> None:
    first = store.log_question(chat_id=2, user_id=2, text="câu hỏi một", found=True, citations=3, document_id=1,
                               millis=120)
    second = store.log_question(chat_id=2, user_id=2, text="câu hỏi hai", found=False, citations=0,
                                document_id=None, millis=80)
    store.set_feedback(first, 2, 1)
    store.set_feedback(second, 2, 1)
    store.set_feedback(second, 2, -1)  # the last vote counts
    assert store.feedback(second) == {2: -1}
    report = store.stats()
    assert report.total == 2 and report.not_found == 1 and report.not_found_rate == 0.5
    assert (report.up_votes, report.down_votes) == (1, 1)
    assert report.downvoted == [(second, "câu hỏi hai", False)]
    assert report.days[0].questions == 2


def test_state_survives_reopening(open_store: Callable[..., BotStore]) -> None:
    first = open_store([1])
    first.set_role(2, "member")
    first.set_user_lang(2, "en")
    first.set_downloads(True)
    upload = first.create_upload(1, 1, "a.pdf")
    first.update_upload(upload, status="pending", path="/x/a.pdf", message_id=5)
    first.close()
    second = open_store([1])
    assert second.role(2) == "member" and second.user(2).lang == "en"  # type: ignore[union-attr]
    assert second.downloads_enabled
    row = second.upload(upload)
    assert row is not None and row.status == "pending" and row.message_id == 5
    assert second.claim_upload(upload, "pending", "indexing")
    assert not second.claim_upload(upload, "pending", "indexing")


def test_find_user_and_access_notice(store: BotStore) -> None:
    store.touch_user(4, "Hoa", "hoa_nguyen")
    assert store.find_user("@Hoa_Nguyen").id == 4  # type: ignore[union-attr]
    assert store.find_user("4").id == 4  # type: ignore[union-attr]
    assert store.find_user("@nobody") is None
    assert store.access_notice_due(4, 600)
    assert not store.access_notice_due(4, 600)
    assert store.access_notice_due(4, 0)


def _limiter(store: BotStore, clock: Callable[[], float]) -> RateLimiter:
    """In memory with SQLite (one process), shared in the database with PostgreSQL (several workers)."""
    if isinstance(store, PostgresBotStore):
        return SharedRateLimiter(store, "questions", 5, 30, clock=clock)
    return RateLimiter(5, 30, clock=clock)


def _followups(store: BotStore, clock: Callable[[], float]) -> FollowUps:
    return SharedFollowUps(store, 600, clock=clock) if isinstance(store, PostgresBotStore) else FollowUps(600, clock)


def test_rate_limit_warns_once_per_flood(store: BotStore) -> None:
    now = [0.0]
    limiter = _limiter(store, lambda: now[0])
    verdicts = [limiter.check(1) for _ in range(8)]
    assert verdicts == [Verdict.ALLOW] * 5 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert limiter.check(2) is Verdict.ALLOW
    assert limiter.retry_in(1) == 30
    now[0] = 30.0
    assert limiter.check(1) is Verdict.ALLOW


def test_an_update_handled_again_is_counted_once(store: BotStore) -> None:
    """A worker dies while answering a member's fifth question; the worker that takes the update over answers it
    (the member is not told to slow down), and the next question is over the limit."""
    now = [0.0]
    first = _limiter(store, lambda: now[0])
    other = _limiter(store, lambda: now[0]) if isinstance(store, PostgresBotStore) else first  # SQLite: one process
    assert [first.check(1, event=update) for update in range(101, 106)] == [Verdict.ALLOW] * 5
    assert other.check(1, event=105) is Verdict.ALLOW
    assert other.check(1, event=106) is Verdict.WARN
    assert other.check(1, event=105) is Verdict.ALLOW  # still the same question, whoever handles it
    now[0] = 30.0
    assert other.check(1, event=107) is Verdict.ALLOW


def test_rate_limits_are_one_per_person_across_workers(store: BotStore) -> None:
    now = [0.0]
    workers = [_limiter(store, lambda: now[0]) for _ in range(2)]  # two workers' limiters on one store
    verdicts = [workers[i % 2].check(1) for i in range(7)]
    if isinstance(store, PostgresBotStore):
        assert verdicts == [Verdict.ALLOW] * 5 + [Verdict.WARN, Verdict.DROP]
        workers[0].prune()
        assert workers[1].check(1) is Verdict.DROP  # the window is still open
        now[0] = 31.0
        workers[0].prune()
        assert workers[1].check(1) is Verdict.ALLOW
    else:  # one process: each limiter is its own
        assert verdicts.count(Verdict.ALLOW) == 7


def test_follow_up_context_expires(store: BotStore) -> None:
    now = [0.0]
    followups = _followups(store, lambda: now[0])
    followups.remember(1, 2, 57)
    assert followups.context(1, 2) == 57 and followups.context(1, 3) is None
    followups.remember(1, 2, 71)
    assert followups.context(1, 2) == 71
    now[0] = 601
    assert followups.context(1, 2) is None
    followups.prune()
    assert followups.context(1, 2) is None


def test_progress_edits_are_throttled() -> None:
    assert edit_due(0.1, 0.0, 25, 0, interval=1.5, step=25)
    assert not edit_due(0.1, 0.0, 10, 0, interval=1.5, step=25)
    assert edit_due(2.0, 0.0, 10, 0, interval=1.5, step=25)
    assert not edit_due(5.0, 0.0, 10, 10, interval=1.5, step=25)


def _message(text: str, entities: list[MessageEntity], reply_from: User | None = None) -> Message:
    chat = Chat(-5, "supergroup")
    reply = Message(1, None, chat, from_user=reply_from, text="x") if reply_from else None  # type: ignore[arg-type]
    return Message(2, None, chat, from_user=User(7, "A", False), text=text, entities=entities,  # type: ignore[arg-type]
                   reply_to_message=reply)


def test_group_messages_addressed_to_the_bot() -> None:
    bot = User(900, "Bot", True, username="nq_bot")
    text = "😀 @nq_bot Nghị quyết 57 là gì?"
    mention = MessageEntity(MessageEntity.MENTION, offset=3, length=7)  # UTF-16 offsets: the emoji counts 2
    assert addressed_question(_message(text, [mention]), "nq_bot", 900) == "😀 Nghị quyết 57 là gì?"
    assert addressed_question(_message("chào cả nhà", []), "nq_bot", 900) is None
    other = MessageEntity(MessageEntity.MENTION, offset=0, length=6)
    assert addressed_question(_message("@other hỏi gì", [other]), "nq_bot", 900) is None
    assert addressed_question(_message("còn 2045?", [], reply_from=bot), "nq_bot", 900) == "còn 2045?"
    assert addressed_question(_message("còn 2045?", [], reply_from=User(8, "B", False)), "nq_bot", 900) is None


def test_upload_names() -> None:
    assert upload_name("NQ 57.PDF", None, "document") == "NQ 57.PDF"
    assert upload_name("../../etc/passwd", "text/plain", "document") == "passwd.txt"
    assert upload_name("virus.exe", "application/x-msdownload", "document") is None
    assert upload_name(None, "application/pdf", "document") == "document.pdf"
    assert safe_name("a/b:c?.txt") == "b_c_.txt"


def test_section_is_the_run_under_the_same_heading() -> None:
    chunks = [ChunkRow(i, 1, 1, i, "", heading, 0, 0, "x" * 1000)
              for i, heading in enumerate(["I", "II", "II", "II", "II", "III"])]
    assert [c.id for c in section_chunks(chunks, 2)] == [1, 2, 3, 4]
    assert [c.id for c in section_chunks(chunks, 3, max_chars=2000)] == [3, 4]
    assert [c.id for c in section_chunks(chunks, 5)] == [5]


def test_telegram_language_codes() -> None:
    assert [normalise_lang(c) for c in ("zh-hans", "zh-TW", "zh", "en-US", "en_GB", "EN", "vi", "fr", "", None,
                                        "english")] == ["zh", "zh", "zh", "en", "en", "en", "vi", "vi", "vi", "vi",
                                                        "vi"]


def test_every_registered_handler_says_in_one_line_what_the_user_gets() -> None:
    from telegram.ext import ApplicationBuilder

    from bot.telegram.app import register_handlers

    application = ApplicationBuilder().token("1:TEST").build()
    register_handlers(application)
    callbacks = [handler.callback for group in application.handlers.values() for handler in group]
    callbacks += list(application.error_handlers)
    assert len(callbacks) > 25
    for callback in callbacks:
        doc = (callback.__doc__ or "").strip()
        assert doc and "\n" not in doc, callback.__name__
