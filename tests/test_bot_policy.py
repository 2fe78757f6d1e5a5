"""The bot's policy without Telegram: who may see and download what, access notices, the ask flow, the upload
state machine, admin actions and study groups, driven directly (no fake Bot API, no event loop of PTB)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.access import AccessNotices, Caller, resolve_caller
from bot.admin import Admin, Revoked
from bot.asking import Answered, Asking, Refused, Throttled
from bot.followup import FollowUps
from bot.groups import Missing, Person, StudyGroups
from bot.library import Library, Original
from bot.ratelimit import RateLimiter
from bot.shared import SharedAccessNotices
from bot.store import BotStore, parse_id
from bot.store_postgres import PostgresBotStore
from bot.uploads import Cancelled, Claimed, Failed, Indexed, Preview, Refusal, Uploads
from bot.workers import Workers
from index.engine import Engine
from index.rows import DocumentRow
from tests.test_store import NOTICE_V1, NOTICE_V2

T = TypeVar("T")
ADMIN = 1


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture
def store(open_store: Callable[..., BotStore]) -> Iterator[BotStore]:
    store = open_store([ADMIN])
    yield store
    store.close()


@pytest.fixture
def workers() -> Iterator[Workers]:
    pool = Workers(1)
    yield pool
    pool.shutdown()


def caller(store: BotStore, user_id: int, chat_id: int | None = None, kind: str = "private") -> Caller:
    return resolve_caller(store, user_id=user_id, first_name="X", username=None, chat_id=chat_id or user_id,
                          chat_kind=kind)


def document(document_id: int, *, active: bool = True) -> DocumentRow:
    return DocumentRow(document_id, f"{document_id}-NQ/TW", f"{document_id}-NQ/TW", "Nghị quyết", None, None,
                       "t", document_id * 10 if active else None)


# who may see and download what ------------------------------------------------------------------------------
def test_one_download_rule_for_everyone(store: BotStore) -> None:
    store.set_role(2, "member", by=ADMIN)
    assert caller(store, ADMIN).may_download()  # admins always
    assert not caller(store, 2).may_download()  # members only when downloads are on
    assert not caller(store, 3).may_download()  # strangers never
    store.set_downloads(True)
    assert caller(store, 2).may_download() and caller(store, ADMIN).may_download()
    assert not caller(store, 3).may_download()


def test_can_see_means_in_search_and_in_the_groups_documents(store: BotStore) -> None:
    store.set_chat_allowed(-5, True, by=ADMIN)
    store.set_chat_documents(-5, [7])
    in_group = caller(store, 9, -5, "supergroup")
    assert in_group.can_see(document(7)) and not in_group.can_see(document(8))
    assert not in_group.can_see(document(7, active=False))  # removed
    private = caller(store, ADMIN)
    assert private.can_see(document(8)) and not private.can_see(document(8, active=False))


def test_access_notice_once_per_interval(store: BotStore) -> None:
    now = [100.0]
    shared = isinstance(store, PostgresBotStore)  # several workers: the group's notice time is in the database
    notices = (SharedAccessNotices if shared else AccessNotices)(store, 600.0, clock=lambda: now[0])
    stranger = caller(store, 50)
    assert notices.due(stranger) and not notices.due(stranger)
    assert AccessNotices(store, 600.0).due(stranger) is False  # remembered in the store, across restarts
    group = caller(store, 51, -7, "group")
    assert group.reason == "group_not_allowed"
    assert notices.due(group) and not notices.due(caller(store, 52, -7, "group"))  # per group, not per person
    now[0] += 601
    assert notices.due(group)
    notices.forget_group(-7)
    assert notices.due(group)
    if shared:  # another worker sees the notice was just sent
        assert not SharedAccessNotices(store, 600.0, clock=lambda: now[0]).due(group)


def test_a_known_stranger_costs_reads_only(store: BotStore) -> None:
    if not hasattr(store, "_db"):
        pytest.skip("counts SQLite's changes (PostgreSQL: the same statements)")
    notices = AccessNotices(store, 600.0)
    first = caller(store, 70)
    assert first.reason == "unknown" and notices.due(first)
    writes = store._db.total_changes
    for _ in range(50):
        again = caller(store, 70)
        assert not notices.due(again)
    assert store._db.total_changes == writes  # no write per message once the notice was sent


def test_ids_must_fit_sqlite() -> None:
    assert parse_id("42") == 42 and parse_id(" 9223372036854775807 ") == 2**63 - 1
    for bad in ("99999999999999999999", "9223372036854775808", "0", "-5", "١٢", "²", "12a", "", "@x"):
        assert parse_id(bad) is None, bad


# the library ----------------------------------------------------------------------------------------------
def test_removed_and_superseded_passages_are_gone(fresh_engine: Engine, store: BotStore, workers: Workers,
                                                  tmp_path: Path) -> None:
    (tmp_path / "v1.txt").write_text(NOTICE_V1, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(NOTICE_V2, encoding="utf-8")
    first = fresh_engine.ingest_path(tmp_path / "v1.txt")
    assert first.document is not None
    library = Library(fresh_engine, workers)
    member = caller(store, ADMIN)
    chunk_id = _first_chunk(fresh_engine, first.document.id)
    assert run(library.passage(member, chunk_id, section=False)) is not None
    assert fresh_engine.ingest_path(tmp_path / "v2.txt").status == "replaced"
    assert run(library.passage(member, chunk_id, section=True)) is None  # superseded
    current = _first_chunk(fresh_engine, first.document.id)
    assert run(library.passage(member, current, section=False)) is not None
    fresh_engine.remove(first.document.id)
    assert run(library.passage(member, current, section=False)) is None  # removed
    assert run(library.outline(member, first.document.id)) is None
    assert run(library.original(member, first.document.id)) == "missing"
    assert run(library.find(member, "920-TB/TU")) is None


def _first_chunk(engine: Engine, document_id: int) -> int:
    row = engine.document(document_id)
    assert row is not None and row.active_version is not None
    return min(engine.catalog.chunk_ids([row.active_version]))


def test_originals_follow_the_download_rule(fresh_engine: Engine, store: BotStore, workers: Workers,
                                            tmp_path: Path) -> None:
    (tmp_path / "tb.txt").write_text(NOTICE_V1, encoding="utf-8")
    report = fresh_engine.ingest_path(tmp_path / "tb.txt")
    assert report.document is not None
    store.set_role(2, "member", by=ADMIN)
    library = Library(fresh_engine, workers)
    assert run(library.original(caller(store, 2), report.document.id)) == "disabled"
    assert isinstance(run(library.original(caller(store, ADMIN), report.document.id)), Original)
    card = run(library.card(caller(store, 2), "920-TB/TU"))
    assert card is not None and not card.downloadable
    store.set_downloads(True)
    assert isinstance(run(library.original(caller(store, 2), report.document.id)), Original)


# asking ---------------------------------------------------------------------------------------------------
def test_ask_flow_rate_limit_refusal_and_log(party_engine: Engine, store: BotStore, workers: Workers) -> None:
    followups = FollowUps()
    asking = Asking(party_engine, store, workers, RateLimiter(2, 60.0), followups)
    member = caller(store, ADMIN)
    answered = run(asking.ask(member, "Nghị quyết 71 đặt mục tiêu gì đến năm 2030?"))
    assert isinstance(answered, Answered) and answered.answer.found
    logged = store.question(answered.question_id)
    assert logged is not None and logged.found and logged.chat_id == member.chat_id
    assert followups.context(member.chat_id, member.user_id) == answered.answer.citations[0].document_id
    refused = run(asking.ask(member, "😀"))
    assert refused == Refused("empty", party_engine.settings.max_question_chars)
    first, second = run(asking.ask(member, "NQ 57?")), run(asking.ask(member, "NQ 57?"))
    assert isinstance(first, Throttled) and first.notify and first.seconds >= 1
    assert isinstance(second, Throttled) and not second.notify  # told once per flood
    assert run(asking.feedback(member, answered.question_id, -1))
    assert store.feedback(answered.question_id) == {ADMIN: -1}
    assert not run(asking.feedback(caller(store, 2, -9, "group"), answered.question_id, 1))  # another chat


# uploads --------------------------------------------------------------------------------------------------
class View:
    def __init__(self) -> None:
        self.shown: list[tuple[int, int]] = []

    async def queued(self) -> None:
        self.shown.append((-1, -1))

    async def progress(self, done: int, total: int) -> None:
        self.shown.append((done, total))


def _fetch(text: str) -> Any:
    async def fetch(target: Path) -> None:
        target.write_text(text, encoding="utf-8")

    return fetch


def test_upload_state_machine(fresh_engine: Engine, store: BotStore, workers: Workers, tmp_path: Path) -> None:
    uploads = Uploads(fresh_engine, store, workers, tmp_path / "uploads", limit_mb=1, ttl=60.0,
                      progress_interval=0.0, progress_step=1)
    admin, member = caller(store, ADMIN), caller(store, 2)
    assert uploads.refusal(member, "a.txt", 10) is Refusal.NOT_ADMIN
    assert uploads.refusal(admin, None, 10) is Refusal.UNSUPPORTED
    assert uploads.refusal(admin, "a.txt", 2 * 1024 * 1024) is Refusal.TOO_LARGE
    assert uploads.refusal(admin, "a.txt", None) is None

    async def scenario() -> None:
        upload_id = await uploads.receive(admin, "tb.txt", 100)
        preview = await uploads.read(upload_id, "tb.txt", 77, _fetch(NOTICE_V1))
        assert isinstance(preview, Preview) and preview.existing is None
        assert preview.parsed.identity.number == "920-TB/TU"
        assert await uploads.claim(member, upload_id, "ok") == "not_admin"
        assert await uploads.claim(admin, 999, "ok") == "unknown"
        claimed = await uploads.claim(admin, upload_id, "ok")
        assert isinstance(claimed, Claimed) and not claimed.replace
        assert await uploads.claim(admin, upload_id, "ok") == "already_handled"  # a second press
        view = View()
        indexed = await uploads.index(claimed, view)
        assert isinstance(indexed, Indexed) and indexed.report.status == "added"
        assert view.shown[0] == (0, len(preview.parsed.chunks)) and view.shown[-1][0] == view.shown[-1][1]
        assert not (tmp_path / "uploads" / str(upload_id)).exists()  # the engine keeps its own copy
        again = await uploads.receive(admin, "tb-sua.txt", 100)
        replacement = await uploads.read(again, "tb-sua.txt", 78, _fetch(NOTICE_V2))
        assert isinstance(replacement, Preview) and replacement.existing is not None
        assert await uploads.claim(admin, again, "no") == Cancelled("tb-sua.txt")
        assert await uploads.claim(admin, again, "rep") == "already_handled"
        broken = await uploads.receive(admin, "x.pdf", 10)
        assert await uploads.read(broken, "x.pdf", 79, _fetch("not a pdf")) == Failed("corrupt")

    run(scenario())
    assert [u.status for u in (store.upload(1), store.upload(2), store.upload(3))] == ["done", "cancelled", "failed"]


def test_pending_upload_after_a_restart(fresh_engine: Engine, store: BotStore, workers: Workers,
                                        tmp_path: Path, open_store: Callable[..., BotStore]) -> None:
    def flow() -> Uploads:
        return Uploads(fresh_engine, store, workers, tmp_path / "uploads", limit_mb=20, ttl=0.0)

    admin = caller(store, ADMIN)

    async def before() -> int:
        upload_id = await flow().receive(admin, "tb.txt", 100)
        assert isinstance(await flow().read(upload_id, "tb.txt", 5, _fetch(NOTICE_V1)), Preview)
        return upload_id

    upload_id = run(before())
    later = flow()  # a new process: nothing parsed in memory, the file is still on disk
    claimed = run(later.claim(admin, upload_id, "ok"))
    assert isinstance(claimed, Claimed)
    assert isinstance(run(later.index(claimed, View())), Indexed)
    waiting = run(later.receive(admin, "tb2.txt", 100))
    run(later.read(waiting, "tb2.txt", 6, _fetch(NOTICE_V2)))
    assert [u.id for u in run(later.expire())] == [waiting]  # ttl 0: every preview is stale
    assert store.upload(waiting).status == "expired"  # type: ignore[union-attr]
    gone = run(later.claim(admin, waiting, "ok"))
    assert gone == "already_handled"
    interrupted = run(later.receive(admin, "tb3.txt", 100))
    if isinstance(store, PostgresBotStore):  # several workers: only a worker that is gone leaves uploads behind
        restarted = open_store([ADMIN])
        try:
            assert run(Uploads(fresh_engine, restarted, workers, tmp_path / "uploads", limit_mb=20,
                               ttl=0.0).recover()) == []  # its worker still runs
            store.close()
            assert [u.id for u in run(Uploads(fresh_engine, restarted, workers, tmp_path / "uploads", limit_mb=20,
                                              ttl=0.0).recover())] == [interrupted]
        finally:
            restarted.close()
        return
    assert [u.id for u in run(flow().recover())] == [interrupted]


# admin actions and groups ---------------------------------------------------------------------------------
def test_grants_reach_unseen_users_and_revokes_spare_configured_admins(party_engine: Engine, store: BotStore,
                                                                      workers: Workers) -> None:
    admin = Admin(party_engine, store, workers)
    me = caller(store, ADMIN)
    assert run(admin.grant(me, "777", "member")) == 777  # never wrote to the bot: granted by id
    assert store.role(777) == "member"
    assert run(admin.grant(me, "@nobody", "member")) is None
    assert run(admin.grant(me, "99999999999999999999", "member")) is None  # not an id SQLite can hold
    store.touch_user(778, "Thu", "thu_cb")
    assert run(admin.grant(me, "@THU_CB", "admin")) == 778
    assert run(admin.revoke(me, "@thu_cb")) == Revoked(778, was_admin=True)
    assert run(admin.revoke(me, str(ADMIN))) == "config_admin"
    assert run(admin.revoke(me, "@nobody")) == "not_found"


def test_study_groups(party_engine: Engine, store: BotStore, workers: Workers) -> None:
    notices = AccessNotices(store, 600.0)
    groups = StudyGroups(party_engine, store, workers, notices)
    store.touch_user(5, "Khách")
    assert not run(groups.bot_added(-10, "group", "Lạ", by=5)).allowed  # added by someone else: stays off
    assert run(groups.bot_added(-11, "supergroup", "Chi bộ", by=ADMIN)).allowed  # added by an admin: on
    admin = caller(store, ADMIN, -11, "supergroup")
    scope = run(groups.set_documents(admin, ["71-NQ/TW", "NQ 71", "57-NQ/TW"]))
    assert isinstance(scope, list) and [d.number for d in scope] == ["71-NQ/TW", "57-NQ/TW"]
    assert run(groups.set_documents(admin, ["999-NQ/TW", "71-NQ/TW"])) == Missing(["999-NQ/TW"])
    refreshed = caller(store, ADMIN, -11, "supergroup")
    assert refreshed.scope is not None and len(refreshed.scope) == 2
    assert run(groups.set_documents(refreshed, ["all"])) is None
    assert caller(store, ADMIN, -11, "supergroup").scope is None
    run(groups.joined(-11, [Person(60, "Minh", None)]))
    assert caller(store, 60).may_ask  # joined an allowed group: may ask in private too
    run(groups.bot_removed(-11, "supergroup", "Chi bộ", by=ADMIN))
    assert not caller(store, 60).may_ask
