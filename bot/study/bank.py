"""The question bank: questions generated from each document version, imported from banks, and reviewed.

A question is used only while it is enabled, backed (``status`` ok) and about the version of its document
that is in search; a new version of a document gets its own generated questions. Each stored question keeps
its evidence (chunk, quote offsets, answer span) and is checked against the stored text before it is shown.
"""

from __future__ import annotations

import json
import logging
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from bot.store import BotStore
from documents.banks import Bank, BankQuestion, Flaw, read_bank
from documents.extract.limits import Limits
from index.database import Row, now
from index.engine import Engine
from index.quiz.generate import Generator, explanation
from index.quiz.model import Evidence, Question
from index.quiz.solve import Solver

log = logging.getLogger("bot.study.bank")


class Origin(StrEnum):
    GENERATED = "generated"
    IMPORTED = "imported"


class Status(StrEnum):
    OK = "ok"
    #: "Không tìm thấy căn cứ trong văn bản": no passage backs the marked answer.
    UNSUPPORTED = "unsupported"
    #: The documents support another option than the one the bank marks.
    DISAGREES = "disagrees"


@dataclass(frozen=True)
class StoredQuestion:
    id: int
    origin: Origin
    kind: str
    label: str
    document_id: int | None
    version_id: int | None
    chunk_id: int | None
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str
    locator: str
    quote: str
    quote_start: int | None
    quote_end: int | None
    answer_start: int | None
    answer_end: int | None
    status: Status
    enabled: bool
    bank_id: int | None = None

    @property
    def evidence(self) -> Evidence | None:
        if None in (self.document_id, self.version_id, self.chunk_id, self.quote_start, self.quote_end,
                    self.answer_start, self.answer_end):
            return None
        return Evidence(self.document_id or 0, self.version_id or 0, self.chunk_id or 0, None, self.locator,
                        self.quote, self.quote_start or 0, self.quote_end or 0, self.answer_start or 0,
                        self.answer_end or 0)

    def as_question(self, doc_number: str | None = None) -> Question:
        evidence = self.evidence
        if evidence is not None and doc_number is not None:
            evidence = replace(evidence, doc_number=doc_number)
        return Question(self.question, self.options, self.correct, self.kind, self.explanation, evidence)


@dataclass
class ImportReport:
    bank_id: int
    name: str
    #: Questions read from the file, stored (new ones), backed by a passage.
    read: int = 0
    stored: int = 0
    backed: int = 0
    #: Labels of questions without a backing passage, and of those whose marked answer the documents contradict.
    unsupported: list[str] = field(default_factory=list)
    disagrees: list[str] = field(default_factory=list)
    #: (label, flaw) of questions the file does not state in full.
    flaws: list[tuple[str, Flaw]] = field(default_factory=list)


def _question(row: Row) -> StoredQuestion:
    return StoredQuestion(
        row["id"], Origin(row["origin"]), row["kind"], row["label"], row["document_id"], row["version_id"],
        row["chunk_id"], row["question"], tuple(json.loads(row["options"])), row["correct"], row["explanation"],
        row["locator"], row["quote"], row["quote_start"], row["quote_end"], row["answer_start"], row["answer_end"],
        Status(row["status"]), bool(row["enabled"]), row["bank_id"])


class QuestionBank:
    """Synchronous and thread-safe; generation and backing read the library (run them off the event loop)."""

    def __init__(self, store: BotStore, engine: Engine) -> None:
        self.store = store
        self.engine = engine
        self.generator = Generator(engine.catalog)
        self.solver = Solver(engine)
        self._generating = threading.Lock()

    # storing -------------------------------------------------------------------------------------------
    def save(self, questions: Sequence[Question], origin: Origin, *, bank_id: int | None = None,
             labels: Sequence[str] = (), statuses: Sequence[Status] = ()) -> list[int]:
        """Store questions (a question already stored, by content, keeps its id and review state)."""
        ids: list[int] = []
        with self.store.transaction() as db:
            for i, question in enumerate(questions):
                evidence = question.evidence
                status = statuses[i] if i < len(statuses) else Status.OK
                db.execute(
                    "INSERT INTO quiz_questions (key, origin, kind, bank_id, label, document_id, "
                    "version_id, chunk_id, question, options, correct, explanation, locator, quote, quote_start, "
                    "quote_end, answer_start, answer_end, status, enabled, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (question.key, origin.value, question.kind, bank_id, labels[i] if i < len(labels) else "",
                     evidence.document_id if evidence else None, evidence.version_id if evidence else None,
                     evidence.chunk_id if evidence else None, question.question,
                     json.dumps(list(question.options), ensure_ascii=False), question.correct,
                     question.explanation, evidence.locator if evidence else "", evidence.quote if evidence else "",
                     evidence.start if evidence else None, evidence.end if evidence else None,
                     evidence.answer_start if evidence else None, evidence.answer_end if evidence else None,
                     status.value, int(status is Status.OK), now()))
                row = db.execute("SELECT id FROM quiz_questions WHERE key = ?", (question.key,)).fetchone()
                ids.append(int(row[0]))
        return ids

    def ensure(self, document_id: int) -> int:
        """Generate the questions of the document's version in search, once; how many it has."""
        document = self.engine.document(document_id)
        if document is None or document.active_version is None:
            return 0
        version = document.active_version
        with self._generating:
            done = self.store.row("SELECT questions FROM quiz_generated WHERE version_id = ?", (version,))
            if done is not None:
                return int(done[0])
            questions = self.generator.generate(document_id)
            self.save(questions, Origin.GENERATED)
            with self.store.transaction() as db:
                db.execute("INSERT INTO quiz_generated (version_id, questions, generated_at) VALUES (?, ?, ?) "
                           "ON CONFLICT(version_id) DO UPDATE SET questions = excluded.questions, "
                           "generated_at = excluded.generated_at", (version, len(questions), now()))
        log.info("question bank: %d questions generated for document %d", len(questions), document_id)
        return len(questions)

    # reading -------------------------------------------------------------------------------------------
    def get(self, question_id: int) -> StoredQuestion | None:
        row = self.store.row("SELECT * FROM quiz_questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    def many(self, ids: Sequence[int]) -> dict[int, StoredQuestion]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        return {r["id"]: _question(r) for r in self.store.rows(f"SELECT * FROM quiz_questions WHERE id IN ({marks})",
                                                                list(ids))}

    def _active_versions(self) -> dict[int, int]:
        return {d.id: d.active_version for d in self.engine.documents() if d.active_version is not None}

    def usable(self, document_ids: Sequence[int] | None) -> list[int]:
        """Ids of the questions that may be asked now within ``document_ids`` (None: every document): enabled,
        backed, about the version in search (generated first where needed)."""
        active = self._active_versions()
        scope = [d for d in (document_ids if document_ids is not None else list(active)) if d in active]
        for document_id in scope:
            self.ensure(document_id)
        if not scope:
            return []
        marks = ",".join("?" * len(scope))
        rows = self.store.rows(
            f"SELECT id, document_id, version_id FROM quiz_questions WHERE enabled = 1 AND status = 'ok' "
            f"AND document_id IN ({marks}) ORDER BY id", scope)
        return [r["id"] for r in rows if active.get(r["document_id"]) == r["version_id"]]

    def pick(self, document_ids: Sequence[int] | None, count: int, *, rng: random.Random | None = None,
             exclude: Sequence[int] = ()) -> list[StoredQuestion]:
        """``count`` usable questions, spread over the documents (fewer when the bank has fewer)."""
        rng = rng or random.Random()
        ids = [i for i in self.usable(document_ids) if i not in set(exclude)]
        questions = self.many(ids)
        by_document: dict[int, list[StoredQuestion]] = {}
        for question in questions.values():
            by_document.setdefault(question.document_id or 0, []).append(question)
        for group in by_document.values():
            rng.shuffle(group)
        picked: list[StoredQuestion] = []
        groups = list(by_document.values())
        rng.shuffle(groups)
        while len(picked) < count and any(groups):
            for group in groups:
                if group and len(picked) < count:
                    picked.append(group.pop())
        return [q for q in picked if self.verified(q)]

    def verified(self, question: StoredQuestion) -> bool:
        """The question's quote is still exactly the stored text of a version in search."""
        evidence = question.evidence
        if evidence is None:
            return False
        document = self.engine.document(evidence.document_id)
        if document is None or document.active_version != evidence.version_id:
            return False
        return self.engine.catalog.source_slice(evidence.version_id, evidence.start, evidence.end) == evidence.quote

    def listing(self, document_id: int | None = None, *, statuses: Sequence[Status] | None = None,
                limit: int = 20, offset: int = 0) -> tuple[list[StoredQuestion], int]:
        """A page of the bank (newest documents' questions in text order) and how many there are in all."""
        where: list[str] = ["1 = 1"]
        params: list[object] = []
        if document_id is not None:
            where.append("document_id = ?")
            params.append(document_id)
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            params += [s.value for s in statuses]
        clause = " AND ".join(where)
        total = self.store.row(f"SELECT COUNT(*) FROM quiz_questions WHERE {clause}", params)
        rows = self.store.rows(f"SELECT * FROM quiz_questions WHERE {clause} ORDER BY id LIMIT ? OFFSET ?",
                               [*params, limit, offset])
        return [_question(r) for r in rows], int(total[0]) if total else 0

    def set_enabled(self, ids: Sequence[int], enabled: bool) -> list[int]:
        """Enable or disable questions; the ids that exist. An unbacked question cannot be enabled."""
        found: list[int] = []
        with self.store.transaction() as db:
            for question_id in ids:
                row = db.execute("SELECT status FROM quiz_questions WHERE id = ?", (question_id,)).fetchone()
                if row is None or (enabled and row["status"] != Status.OK.value):
                    continue
                db.execute("UPDATE quiz_questions SET enabled = ? WHERE id = ?", (int(enabled), question_id))
                found.append(question_id)
        return found

    def counts(self) -> dict[int, int]:
        """Usable questions per document id (of the versions in search)."""
        active = self._active_versions()
        rows = self.store.rows("SELECT document_id, version_id, COUNT(*) AS n FROM quiz_questions "
                               "WHERE enabled = 1 AND status = 'ok' GROUP BY document_id, version_id")
        return {r["document_id"]: r["n"] for r in rows if active.get(r["document_id"]) == r["version_id"]}

    # importing -----------------------------------------------------------------------------------------
    def import_file(self, path: Path, *, name: str | None = None, user_id: int | None = None,
                    via: str = "telegram", max_bytes: int = 20 * 1024 * 1024,
                    limits: Limits | None = None) -> ImportReport:
        """Read a bank file, find for each question the passage that backs its answer, store them all (those
        without a passage disabled, for review). Raises :class:`documents.model.ExtractionError`."""
        bank = read_bank(path, name=name, max_bytes=max_bytes, **({"limits": limits} if limits else {}))
        return self.import_bank(bank, user_id=user_id, via=via)

    def import_bank(self, bank: Bank, *, user_id: int | None = None, via: str = "telegram") -> ImportReport:
        with self.store.transaction() as db:
            row = db.execute("INSERT INTO quiz_banks (name, imported_by, via, imported_at) VALUES (?, ?, ?, ?) "
                             "RETURNING id", (bank.name, user_id, via, now())).fetchone()
            bank_id = int(row[0])
        report = ImportReport(bank_id, bank.name, read=len(bank.questions), flaws=list(bank.flaws))
        questions: list[Question] = []
        statuses: list[Status] = []
        for item in bank.questions:
            question, status = self._back(item)
            questions.append(question)
            statuses.append(status)
            if status is Status.OK:
                report.backed += 1
            elif status is Status.UNSUPPORTED:
                report.unsupported.append(item.label)
            else:
                report.disagrees.append(item.label)
        before = self.store.row("SELECT COUNT(*) FROM quiz_questions")
        self.save(questions, Origin.IMPORTED, bank_id=bank_id, labels=[q.label for q in bank.questions],
                  statuses=statuses)
        after = self.store.row("SELECT COUNT(*) FROM quiz_questions")
        report.stored = int(after[0]) - int(before[0]) if after and before else 0
        with self.store.transaction() as db:
            db.execute("UPDATE quiz_banks SET questions = ?, backed = ? WHERE id = ?",
                       (report.read, report.backed, bank_id))
        log.info("question bank %d imported: %d read, %d backed, %d unsupported, %d disagree, %d flawed", bank_id,
                 report.read, report.backed, len(report.unsupported), len(report.disagrees), len(report.flaws))
        return report

    def _back(self, item: BankQuestion) -> tuple[Question, Status]:
        scope = None
        if item.document:
            document = self.engine.resolve(item.document)
            scope = [document.id] if document is not None else None
        assert item.correct is not None
        verdict = self.solver.solve(item.question, item.options, documents=scope)
        evidence = verdict.evidence if verdict.choice == item.correct else None
        status = Status.OK if evidence is not None else \
            Status.UNSUPPORTED if verdict.choice is None else Status.DISAGREES
        if evidence is not None:
            document = self.engine.document(evidence.document_id)
            evidence = Evidence(evidence.document_id, evidence.version_id, evidence.chunk_id,
                                document.number if document else None, evidence.locator, evidence.quote,
                                evidence.start, evidence.end, evidence.answer_start, evidence.answer_end)
        text = explanation(evidence) if evidence is not None else ""
        return Question(item.question, item.options, item.correct, "imported", text, evidence), status

    def document_label(self, document_id: int | None) -> str:
        document = self.engine.document(document_id) if document_id is not None else None
        return document.label if document is not None else ""
