"""Guided reading in a group: the host opens a session on a document, members mark "Có mặt", the text is
posted section by section at the host's pace, questions asked meanwhile are answered from that document, and
the closing summary lists who attended, who asked or answered, and the scores — the participation record a
Party cell keeps for its meetings.

Who may run a session (or a quiz) in a group: bot admins, and members an admin made the group's host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.access import Caller
from bot.audit import Action
from bot.groups import group_label
from bot.store import BotStore, ChatRow, UserRow
from bot.study.commands import HostChange, HostList, Person
from bot.study.results import Results, ScoreLine, display_name
from documents.identity import body_start
from documents.model import Section
from index.database import Row, now
from index.engine import Engine
from index.rows import DocumentRow

#: A section longer than this is read by its subsections.
STEP_CHARS = 3500


class Refusal(StrEnum):
    NOT_GROUP = "not_group"
    NOT_HOST = "not_host"
    NOT_ADMIN = "not_admin"
    NOT_FOUND = "not_found"
    ALREADY_OPEN = "already_open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Step:
    """One section to post: its place in the reading, where it is, and its offsets in the stored text."""

    index: int
    total: int
    locator: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Session:
    id: int
    chat_id: int
    thread_id: int | None
    document_id: int
    host_id: int
    #: Steps posted so far.
    position: int
    open: bool
    lang: str
    started_at: float
    ended_at: float | None


@dataclass(frozen=True)
class Summary:
    session: Session
    document: DocumentRow | None
    attended: list[str]
    asked: list[str]
    answered: list[str]
    scores: list[ScoreLine]


@dataclass(frozen=True)
class Opened:
    """A session just opened: its document and the document's outline, posted before the first section."""

    session: Session
    document: DocumentRow
    sections: list[Section]


@dataclass(frozen=True)
class HostChanged:
    """Someone became a host of the group, or (``removed``) no longer is one."""

    user: UserRow
    removed: bool


@dataclass(frozen=True)
class UnknownUser:
    """``/host @who``: nobody the bot has seen (``?``: the message replied to is a bot's)."""

    who: str


#: What ``/host`` comes to: the group's hosts, a change, nobody by that name, or a refusal.
Hosting = Refusal | list[UserRow] | HostChanged | UnknownUser


@dataclass(frozen=True)
class Finished:
    """Every section has been posted: the session offers a quiz on the document."""

    session: Session


def _session(row: Row) -> Session:
    return Session(row["id"], row["chat_id"], row["thread_id"], row["document_id"], row["host_id"], row["position"],
                   row["status"] == "open", row["lang"], row["started_at"], row["ended_at"])


def reading_steps(text: str, sections: Sequence[Section],
                  step_chars: int = STEP_CHARS) -> list[tuple[str, str, int, int]]:
    """(locator, title, start, end) of the parts a document is read in: the opening, then its top-level
    sections — a long one by its subsections."""
    begin = body_start(text[:3000])
    if not sections:
        return [("", "", begin, len(text))] if text[begin:].strip() else []
    top = min(s.level for s in sections)
    bounds = [s for s in sections if s.start >= begin]
    parts: list[tuple[str, str, int, int]] = []
    if bounds and text[begin:bounds[0].start].strip():
        parts.append(("Phần mở đầu", "", begin, bounds[0].start))
    heads = [s for s in bounds if s.level == top]
    for i, head in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else len(text)
        children = [s for s in bounds if head.start < s.start < end and s.level == top + 1]
        if end - head.start <= step_chars or not children:
            parts.append((head.locator, head.title, head.start, end))
            continue
        if text[head.start:children[0].start].strip():
            parts.append((head.locator, head.title, head.start, children[0].start))
        for j, child in enumerate(children):
            child_end = children[j + 1].start if j + 1 < len(children) else end
            parts.append((child.locator, child.title, child.start, child_end))
    return [p for p in parts if text[p[2]:p[3]].strip()]


class Sessions:
    def __init__(self, store: BotStore, engine: Engine, results: Results) -> None:
        self.store = store
        self.engine = engine
        self.results = results

    # hosts ---------------------------------------------------------------------------------------------
    def may_host(self, caller: Caller) -> bool:
        """Admins anywhere they may ask; members the group's hosts."""
        if not caller.may_ask:
            return False
        if caller.is_admin:
            return True
        return caller.is_group and self.store.row("SELECT 1 FROM study_hosts WHERE chat_id = ? AND user_id = ?",
                                                  (caller.chat_id, caller.user_id)) is not None

    def set_host(self, chat_id: int, user_id: int, host: bool, *, by: int) -> None:
        with self.store.transaction() as db:
            if host:
                db.execute("INSERT INTO study_hosts (chat_id, user_id, granted_by, at) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT(chat_id, user_id) DO UPDATE SET granted_by = excluded.granted_by, "
                           "at = excluded.at",
                           (chat_id, user_id, by, now()))
            else:
                db.execute("DELETE FROM study_hosts WHERE chat_id = ? AND user_id = ?", (chat_id, user_id))

    def may_lead(self, caller: Caller, session: Session) -> bool:
        """The session's host, or anyone who may host in its group, presses "Tiếp" and ends it."""
        return caller.user_id == session.host_id or self.may_host(caller)

    def hosts(self, chat_id: int) -> list[UserRow]:
        ids = [r["user_id"] for r in self.store.rows("SELECT user_id FROM study_hosts WHERE chat_id = ? ORDER BY at",
                                                     (chat_id,))]
        return [u for u in (self.store.user(i) for i in ids) if u is not None]

    def hosting(self, caller: Caller, request: HostList | HostChange) -> Hosting:
        """``/host``: in a group, admins list its hosts, or make someone one (or no longer one), audited."""
        if not caller.is_group:
            return Refusal.NOT_GROUP
        if not caller.is_admin:
            return Refusal.NOT_ADMIN
        if isinstance(request, HostList):
            return self.hosts(caller.chat_id)
        user = self._named(request.who)
        if user is None:
            return UnknownUser(request.who if isinstance(request.who, str) else "?")
        self.set_host(caller.chat_id, user.id, not request.remove, by=caller.user_id)
        self.store.audit(caller.user_id, Action.HOST, f"{user.display} ({user.id})",
                         ("removed from " if request.remove else "") + group_label(caller.chat_id, caller.chat))
        return HostChanged(user, request.remove)

    def _named(self, who: str | Person | None) -> UserRow | None:
        """The user as typed (``@user`` or an id, someone seen before), or the author of a message (recorded)."""
        if isinstance(who, str):
            return self.store.find_user(who)
        return self.store.touch_user(who.id, who.first_name, who.username) if who is not None else None

    # sessions ------------------------------------------------------------------------------------------
    def open(self, caller: Caller, number: str) -> Session | Refusal:
        if not caller.is_group:
            return Refusal.NOT_GROUP
        if not self.may_host(caller):
            return Refusal.NOT_HOST
        document = self.engine.resolve(number)
        if document is None and number.isdigit():  # "/study 57": the one document numbered 57
            found = [d for d in self.engine.documents() if (d.number or "").split("-")[0] == number]
            document = found[0] if len(found) == 1 else None
        if document is None or not caller.can_see(document):
            return Refusal.NOT_FOUND
        if self.current(caller.chat_id, caller.thread_id) is not None:
            return Refusal.ALREADY_OPEN
        with self.store.transaction() as db:
            row = db.execute(
                "INSERT INTO study_sessions (chat_id, thread_id, document_id, host_id, status, lang, started_at) "
                "VALUES (?, ?, ?, ?, 'open', ?, ?) RETURNING *",
                (caller.chat_id, caller.thread_id, document.id, caller.user_id, caller.lang, now())).fetchone()
        return _session(row)

    def start(self, caller: Caller, number: str) -> Opened | Refusal:
        """``/study NUMBER``: open a session (see :meth:`open`) with what its opening shows."""
        session = self.open(caller, number)
        if isinstance(session, Refusal):
            return session
        document = self.engine.document(session.document_id)
        assert document is not None
        return Opened(session, document, self.engine.outline(document.id))

    def lead(self, caller: Caller, session_id: int) -> Session | Refusal:
        """The open session whose reading buttons the caller pressed, when they may lead it."""
        session = self.get(session_id)
        if session is None or not session.open:
            return Refusal.CLOSED
        return session if self.may_lead(caller, session) else Refusal.NOT_HOST

    def get(self, session_id: int) -> Session | None:
        row = self.store.row("SELECT * FROM study_sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    def current(self, chat_id: int, thread_id: int | None) -> Session | None:
        row = self.store.row("SELECT * FROM study_sessions WHERE chat_id = ? AND COALESCE(thread_id, 0) = ? "
                             "AND status = 'open' ORDER BY id DESC LIMIT 1", (chat_id, thread_id or 0))
        return _session(row) if row else None

    def latest(self, chat_id: int) -> Session | None:
        """The group's most recent session (what ``/export`` in the group means)."""
        row = self.store.row("SELECT * FROM study_sessions WHERE chat_id = ? ORDER BY id DESC LIMIT 1", (chat_id,))
        return _session(row) if row else None

    def steps(self, session: Session) -> list[Step]:
        document = self.engine.document(session.document_id)
        if document is None or document.active_version is None:
            return []
        catalog = self.engine.catalog
        parts = reading_steps(catalog.version_text(document.active_version), catalog.outline(document.active_version))
        return [Step(i, len(parts), *part) for i, part in enumerate(parts)]

    def step_text(self, session: Session, step: Step) -> str:
        document = self.engine.document(session.document_id)
        version = document.active_version if document else None
        return (self.engine.catalog.source_slice(version, step.start, step.end) or "") if version else ""

    def advance(self, caller: Caller, session_id: int, *, seen: int | None = None) -> Step | Finished | Refusal:
        """The next section (the host's "Tiếp"); ``seen`` is the position the button was made at, so a second
        press of the same button does not skip a section."""
        session = self.get(session_id)
        if session is None or not session.open or session.chat_id != caller.chat_id:
            return Refusal.CLOSED
        if not self.may_lead(caller, session):
            return Refusal.NOT_HOST
        steps = self.steps(session)
        position = session.position if seen is None else seen
        with self.store.transaction() as db:
            cursor = db.execute("UPDATE study_sessions SET position = ? WHERE id = ? AND position = ?",
                                (position + 1, session_id, position))
            if cursor.rowcount != 1:
                return Refusal.CLOSED  # pressed twice: the section is already out
        if position >= len(steps):
            return Finished(replace(session, position=position + 1))
        return steps[position]

    def attend(self, caller: Caller, session_id: int) -> bool | None:
        """Mark the caller present; False when already marked, None when the session is over or elsewhere."""
        session = self.get(session_id)
        if session is None or not session.open or session.chat_id != caller.chat_id:
            return None
        with self.store.transaction() as db:
            cursor = db.execute("INSERT INTO study_attendance (session_id, user_id, at) VALUES (?, ?, ?) "
                                "ON CONFLICT DO NOTHING", (session_id, caller.user_id, now()))
            return cursor.rowcount == 1

    def focus(self, caller: Caller) -> tuple[Caller, Session | None]:
        """The caller as a question in a session sees it: restricted to the session's document."""
        if not caller.is_group:
            return caller, None
        session = self.current(caller.chat_id, caller.thread_id)
        document = self.engine.document(session.document_id) if session else None
        if session is None or document is None or not caller.can_see(document):
            return caller, None
        chat = caller.chat or ChatRow(caller.chat_id, caller.chat_kind, "", True, None, None)
        return replace(caller, chat=replace(chat, documents=(document.id,))), session

    def record_question(self, session_id: int, user_id: int, question_id: int) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT INTO study_questions (session_id, user_id, question_id, at) VALUES (?, ?, ?, ?)",
                       (session_id, user_id, question_id, now()))

    def session_runs(self, session_id: int) -> list[int]:
        return [r["id"] for r in self.store.rows("SELECT id FROM quiz_runs WHERE session_id = ?", (session_id,))]

    def close(self, caller: Caller | None, session_id: int) -> Summary | Refusal:
        """End the session (host, admin, or the bot after the session's quiz) and sum it up."""
        session = self.get(session_id)
        if session is None:
            return Refusal.CLOSED
        if caller is not None and not self.may_lead(caller, session):
            return Refusal.NOT_HOST
        with self.store.transaction() as db:
            cursor = db.execute("UPDATE study_sessions SET status = 'closed', ended_at = ? WHERE id = ? AND "
                                "status = 'open'", (now(), session_id))
            if cursor.rowcount != 1:
                return Refusal.CLOSED
        return self.summary(session_id)

    def summary(self, session_id: int) -> Summary | Refusal:
        session = self.get(session_id)
        if session is None:
            return Refusal.CLOSED
        runs = self.session_runs(session_id)
        scores = self.results.scoreboard(runs)
        return Summary(session, self.engine.document(session.document_id),
                       self._names("SELECT user_id FROM study_attendance WHERE session_id = ? ORDER BY at",
                                   (session_id,)),
                       self._names("SELECT user_id FROM study_questions WHERE session_id = ? GROUP BY user_id "
                                   "ORDER BY MIN(at)", (session_id,)),
                       [s.name for s in scores], scores)

    def _names(self, sql: str, params: Sequence[object]) -> list[str]:
        out = []
        for row in self.store.rows(sql, params):
            user = self.store.user(row["user_id"])
            out.append(display_name(user.first_name if user else None, user.username if user else None,
                                    row["user_id"]))
        return out

    def records(self, session_id: int) -> tuple[list[str], list[list[object]]]:
        """Attendance and results of a session, one row per participant (for CSV/XLSX)."""
        session = self.get(session_id)
        if session is None:
            return [], []
        people: dict[int, dict[str, object]] = {}

        def person(user_id: int) -> dict[str, object]:
            if user_id not in people:
                user = self.store.user(user_id)
                people[user_id] = {"name": display_name(user.first_name if user else None,
                                                        user.username if user else None, user_id),
                                   "username": f"@{user.username}" if user and user.username else "",
                                   "present": "", "asked": 0, "answered": 0, "correct": 0}
            return people[user_id]

        for row in self.store.rows("SELECT user_id, at FROM study_attendance WHERE session_id = ?", (session_id,)):
            person(row["user_id"])["present"] = row["at"]
        for row in self.store.rows("SELECT user_id, COUNT(*) AS n FROM study_questions WHERE session_id = ? "
                                   "GROUP BY user_id", (session_id,)):
            person(row["user_id"])["asked"] = row["n"]
        for line in self.results.scoreboard(self.session_runs(session_id)):
            entry = person(line.user_id)
            entry["answered"], entry["correct"] = line.answered, line.correct
        headers = ["session", "document", "user_id", "name", "username", "present_at", "questions_asked",
                   "quiz_answers", "quiz_correct"]
        document = self.engine.document(session.document_id)
        label = document.label if document else ""
        rows = [[session_id, label, uid, p["name"], p["username"], p["present"], p["asked"], p["answered"],
                 p["correct"]] for uid, p in sorted(people.items())]
        return headers, rows
