"""Numbered questions in running text (DOCX, TXT): ``Câu 1. …`` then options ``A. … B. …``, then the answer.

Accepted, as question banks print them: ``Câu 1.`` / ``Câu 1:`` / ``1.`` opening a question; options ``A.``
``A)`` ``a.`` ``A/`` one per line or several on a line; the answer as ``Đáp án: B`` (also ``Đáp án đúng``,
``ĐA``, ``Trả lời``), as ``*`` before the right option, or in an answer key after a heading ``ĐÁP ÁN``
(``1-B, 2-A`` / ``Câu 1: B`` / ``1.B``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from documents.banks import Bank, BankQuestion
from documents.extract import extract_file
from documents.extract.limits import Limits
from documents.text import fold

LETTERS = "ABCDEFGHIJKL"
_NAMED_QUESTION = re.compile(r"^(?:Câu|CÂU|Cau|câu|Question)\s*(\d{1,4})\s*[.:)\-–]?\s*(.*)$")
_NUMBERED_QUESTION = re.compile(r"^(\d{1,4})\s*[.)]\s+(.*)$")
_OPTION = re.compile(r"^(\*?)\s*([A-La-l])\s*[.)/:]\s+(.*)$")
_INLINE_OPTION = re.compile(r"(?:^|(?<=\s))(\*?)([A-L])\s*[.)]\s+")
_ANSWER = re.compile(r"^(?:dap an(?: dung)?|da|tra loi|answer|key)\s*[:.\-–]?\s*(?:la\s*)?([a-l])\b")
_KEY_HEADING = re.compile(r"^(?:bang\s*)?dap an\s*:?$")
_KEY_ENTRY = re.compile(r"(?:cau\s*)?(\d{1,4})\s*[-.:)–]\s*([a-l])\b")


@dataclass
class _Draft:
    label: str
    number: str
    text: str
    options: list[str] = field(default_factory=list)
    correct: int | None = None

    def add_options(self, text: str, *, first_mark: str = "") -> None:
        """``text`` is one option, or several on one line (``1%   B. 2%   C. 3%``)."""
        marks = [m for m in _INLINE_OPTION.finditer(text)]
        expected = len(self.options) + 1
        cuts: list[re.Match[str]] = []
        for mark in marks:
            if expected + len(cuts) < len(LETTERS) and mark.group(2) == LETTERS[expected + len(cuts)]:
                cuts.append(mark)
        self.options.append(text[:cuts[0].start()].strip() if cuts else text.strip())
        if first_mark:
            self.correct = len(self.options) - 1
        for i, mark in enumerate(cuts):
            end = cuts[i + 1].start() if i + 1 < len(cuts) else len(text)
            self.options.append(text[mark.end():end].strip())
            if mark.group(1):
                self.correct = len(self.options) - 1


def parse(text: str, bank: Bank) -> None:
    """Read the numbered questions of ``text`` into ``bank``."""
    drafts, key = _drafts(text)
    for draft in drafts:
        correct = draft.correct if draft.correct is not None else key.get(draft.number)
        bank.add(BankQuestion(draft.label, draft.text.strip(), tuple(draft.options), correct))


def pasted(text: str) -> tuple[str, list[str]] | None:
    """A multiple-choice question as a member pastes it (the question, then ``A. …`` ``B. …`` on their own
    lines or on one line): (question, options), or None for any other text."""
    text = text.strip()
    first = text.splitlines()[0] if text else ""
    if not _NAMED_QUESTION.match(first) and not _NUMBERED_QUESTION.match(first):
        text = f"Câu 1. {text}"
    drafts, _ = _drafts(text)
    if len(drafts) != 1 or len(drafts[0].options) < 2 or not drafts[0].text.strip() or \
            any(not option for option in drafts[0].options):
        return None
    return drafts[0].text.strip(), drafts[0].options


def _drafts(text: str) -> tuple[list[_Draft], dict[str, int]]:
    lines = [line.strip() for line in text.splitlines()]
    key_at = next((i for i, line in enumerate(lines) if _KEY_HEADING.match(fold(line))), len(lines))
    key = {number: LETTERS.index(letter.upper()) for line in lines[key_at + 1:]
           for number, letter in _KEY_ENTRY.findall(fold(line))}
    drafts: list[_Draft] = []
    draft: _Draft | None = None
    for line in lines[:key_at]:
        if not line:
            continue
        answer = _ANSWER.match(fold(line)) if draft is not None else None
        if answer is not None and draft is not None:
            draft.correct = LETTERS.index(answer.group(1).upper())
            continue
        question = _NAMED_QUESTION.match(line)
        if question is None and (draft is None or draft.options):  # "1." inside a question's text stays text
            question = _NUMBERED_QUESTION.match(line)
        if question is not None:
            label = f"Câu {question.group(1)}"
            draft = _Draft(label, question.group(1), "")
            drafts.append(draft)
            rest = question.group(2)
            inline = _INLINE_OPTION.search(rest)
            if inline is not None and inline.group(2) == "A" and len(_INLINE_OPTION.findall(rest)) >= 2:
                draft.text = rest[:inline.start()].strip()
                draft.add_options(rest[inline.end():], first_mark=inline.group(1))
            else:
                draft.text = rest
            continue
        if draft is None:
            continue
        option = _OPTION.match(line)
        if option is not None and option.group(2).upper() == LETTERS[len(draft.options)]:
            draft.add_options(option.group(3), first_mark=option.group(1))
        elif draft.options:
            draft.options[-1] = f"{draft.options[-1]} {line}"
        else:
            draft.text = f"{draft.text}\n{line}".strip()
    return drafts, key


def read(path: Path, bank: Bank, *, max_bytes: int, limits: Limits) -> None:
    """A DOCX (checked by SafeZip inside the extractor) or TXT bank."""
    parse(extract_file(path, max_bytes=max_bytes, limits=limits).text, bank)
