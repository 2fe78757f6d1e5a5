"""Question banks as committees circulate them, read into questions (no index: backing the answers with
passages is :mod:`index.quiz.solve`'s job).

* DOCX and TXT: numbered questions, ``Câu 1. … A. … B. … C. … D. … Đáp án: B`` (options on one line or one per
  line, the answer after each question, as ``*B.`` before the right option, or in an answer key at the end);
* CSV and XLSX: one question per row under a header (``Câu hỏi``, ``A`` … ``D``, ``Đáp án``), or the columns
  in that order without one;
* JSON: a list (or one object per line) of ``{"question", "options", "answer" | "correct"}``.

ZIP-based files (DOCX, XLSX) pass :class:`documents.extract.archive.SafeZip`'s checks before any parser opens
them. Every question that cannot be read in full is reported with its number and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from documents.extract.limits import DEFAULT_LIMITS, Limits
from documents.model import ExtractionError

#: More questions than this in one file are refused (a bank of a provincial contest has a few hundred).
MAX_QUESTIONS = 2000
#: A multiple-choice question has at most this many options (A–L; Telegram's polls take 12).
MAX_OPTIONS = 12
SUFFIXES = frozenset({".docx", ".txt", ".csv", ".xlsx", ".json", ".jsonl"})


class Flaw(StrEnum):
    """Why a question of a bank could not be read in full."""

    NO_ANSWER = "no_answer"
    FEW_OPTIONS = "few_options"
    MANY_OPTIONS = "many_options"
    BAD_ANSWER = "bad_answer"
    NO_QUESTION = "no_question"


@dataclass(frozen=True)
class BankQuestion:
    #: How the file numbers it (``Câu 12``, a row number); shown in reports.
    label: str
    question: str
    options: tuple[str, ...]
    #: 0-based index of the right option; None when the file does not say.
    correct: int | None
    #: A document the file names for it (a "Văn bản" column), if any.
    document: str = ""


@dataclass
class Bank:
    name: str
    questions: list[BankQuestion] = field(default_factory=list)
    #: (label, flaw) of questions that could not be read in full (they are not in ``questions``).
    flaws: list[tuple[str, Flaw]] = field(default_factory=list)

    def add(self, question: BankQuestion) -> None:
        if not question.question.strip():
            self.flaws.append((question.label, Flaw.NO_QUESTION))
        elif len(question.options) < 2:
            self.flaws.append((question.label, Flaw.FEW_OPTIONS))
        elif len(question.options) > MAX_OPTIONS:
            self.flaws.append((question.label, Flaw.MANY_OPTIONS))
        elif question.correct is None:
            self.flaws.append((question.label, Flaw.NO_ANSWER))
        elif not 0 <= question.correct < len(question.options):
            self.flaws.append((question.label, Flaw.BAD_ANSWER))
        else:
            self.questions.append(question)
        if len(self.questions) + len(self.flaws) > MAX_QUESTIONS:
            raise ExtractionError("text_too_long", f"more than {MAX_QUESTIONS} questions")


def read_bank(path: Path, *, name: str | None = None, max_bytes: int = 20 * 1024 * 1024,
              limits: Limits = DEFAULT_LIMITS) -> Bank:
    """The questions of a bank file (by its suffix); raises :class:`ExtractionError` like document extraction
    (``unsupported``, ``corrupt``, ``too_large``, ``unpacked_too_large`` …)."""
    from documents.banks import numbered, tables

    name = name or path.name
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in SUFFIXES:
        raise ExtractionError("unsupported", f"not a question bank: {suffix or 'no suffix'}")
    if not path.is_file():
        raise ExtractionError("not_found", "no such file")
    if path.stat().st_size > max_bytes:
        raise ExtractionError("too_large", f"{path.stat().st_size} bytes > {max_bytes}")
    bank = Bank(name)
    if suffix in (".docx", ".txt"):
        numbered.read(path, bank, max_bytes=max_bytes, limits=limits)
    elif suffix == ".csv":
        tables.read_csv(path, bank, limits)
    elif suffix == ".xlsx":
        tables.read_xlsx(path, bank, limits)
    else:
        tables.read_json(path, bank)
    if not bank.questions and not bank.flaws:
        raise ExtractionError("empty", "no questions found")
    return bank
