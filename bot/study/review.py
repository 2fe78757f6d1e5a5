"""Admins reviewing the question bank from a chat: a bank file read (each answer backed by a passage, or set
aside for review), the bank listed — a document's questions, or those without a passage —, a question shown
as members see it, questions enabled or disabled. Imports and switches go to the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.access import Caller
from bot.audit import Action
from bot.study.bank import ImportReport, QuestionBank, Status, StoredQuestion
from bot.study.commands import QuestionsRequest
from bot.study.quizzes import Missing
from config.settings import Settings
from documents.extract.limits import Limits
from documents.model import ExtractionError
from index.rows import DocumentRow

MB = 1024 * 1024
#: ``/questions unsupported``: the questions no passage backs, and those the documents contradict.
TO_REVIEW = (Status.UNSUPPORTED, Status.DISAGREES)


class Refusal(StrEnum):
    NOT_ADMIN = "not_admin"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class Unreadable:
    """A file that cannot be read as a bank (``code``: the :class:`ExtractionError`'s)."""

    code: str


@dataclass(frozen=True)
class Listing:
    questions: list[StoredQuestion]
    #: All the questions that match (``questions`` holds the first of them).
    total: int


@dataclass(frozen=True)
class Preview:
    """A question as members see it, with its document and whether its quote is still in that document."""

    question: StoredQuestion
    document: DocumentRow | None
    verified: bool

    @property
    def switchable(self) -> bool:
        """Can be disabled, or (backed by a passage) enabled."""
        return self.question.enabled or self.question.status is Status.OK


class BankReview:
    """Synchronous, reading the library: run it off the event loop."""

    def __init__(self, bank: QuestionBank, settings: Settings) -> None:
        self.bank = bank
        self.limit_mb = settings.max_file_mb
        self.limits = Limits.from_settings(settings)

    def refusal(self, caller: Caller, size: int | None) -> Refusal | None:
        """Why a bank file of ``size`` bytes is not read (None: it is)."""
        if not caller.is_admin:
            return Refusal.NOT_ADMIN
        if size is not None and size > self.limit_mb * MB:
            return Refusal.TOO_LARGE
        return None

    def import_file(self, caller: Caller, path: Path, name: str) -> ImportReport | Unreadable:
        """Read the bank file at ``path`` (sent as ``name``) and store its questions; audited."""
        try:
            report = self.bank.import_file(path, name=name, user_id=caller.user_id, max_bytes=self.limit_mb * MB,
                                           limits=self.limits)
        except ExtractionError as error:
            return Unreadable(error.code)
        self.bank.store.audit(caller.user_id, Action.QUIZ_IMPORT, name, f"{report.backed}/{report.read}")
        return report

    def listing(self, request: QuestionsRequest, *, limit: int) -> Listing | Missing:
        """``/questions``: the bank, a document's questions (generated first if it has none yet), or those to review."""
        document_id = None
        if request.number is not None:
            document = self.bank.engine.resolve(request.number)
            if document is None:
                return Missing([request.number])
            document_id = document.id
            self.bank.ensure(document.id)
        questions, total = self.bank.listing(document_id, statuses=TO_REVIEW if request.review else None,
                                             limit=limit)
        return Listing(questions, total)

    def preview(self, question_id: int) -> Preview | None:
        question = self.bank.get(question_id)
        if question is None:
            return None
        document = self.bank.engine.document(question.document_id or 0)
        return Preview(question, document, self.bank.verified(question))

    def set_enabled(self, caller: Caller, ids: Sequence[int], enabled: bool) -> list[int]:
        """``/qenable``, ``/qdisable``: the questions set (those that exist; only backed ones are enabled), audited."""
        changed = self.bank.set_enabled(ids, enabled)
        if changed:
            self.bank.store.audit(caller.user_id, Action.QUIZ_ENABLE if enabled else Action.QUIZ_DISABLE,
                                  ", ".join(f"#{i}" for i in changed))
        return changed

    def switch(self, caller: Caller, question_id: int, enabled: bool) -> Preview | Refusal | None:
        """🚫 / ✅ under a preview (admins): the question switched, audited, and shown again."""
        if not caller.is_admin:
            return Refusal.NOT_ADMIN
        self.bank.set_enabled([question_id], enabled)
        self.bank.store.audit(caller.user_id, Action.QUIZ_ENABLE if enabled else Action.QUIZ_DISABLE,
                              f"#{question_id}")
        return self.preview(question_id)
