"""Questions generated from a document's own text, no language model.

Each sentence of the body is searched for the facts contests ask about (:mod:`documents.facts`): figures and
shares, years and deadlines, dates, durations and counts, who leads or is responsible, the items of a listed
principle, quoted slogans. One fact per sentence becomes a fill-in-the-blank question whose options are the
answer and wrong values of the same kind (:mod:`index.quiz.distractors`). The letterhead gives questions on
the document's number, date and title, and distinctive sentences ask "which document says this".

Every question keeps its evidence: the sentence as a verbatim quote (offsets into the stored version, verified),
the answer span inside it, and an explanation citing the locator with a short quote (≤ 200 characters).
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from documents.facts import Fact, FactKind, find_facts, value_key
from documents.identity import body_start
from documents.model import Section
from documents.text import fold, sentence_spans
from index.catalog import Catalog
from index.quiz.distractors import Blank, Pool, choose
from index.quiz.model import MAX_EXPLANATION, MAX_POLL_OPTION, MAX_POLL_QUESTION, Evidence, Question
from index.rows import ChunkRow, DocumentRow

log = logging.getLogger(__name__)

#: Questions kept per document, per passage, and the order in which a sentence's facts are preferred.
MAX_PER_DOCUMENT = 60
MAX_PER_CHUNK = 3
PREFERENCE = (FactKind.PERCENT, FactKind.AMOUNT, FactKind.YEAR, FactKind.DATE, FactKind.BODY, FactKind.SLOGAN,
              FactKind.ITEM)
MIN_SENTENCE_CHARS = 40
MIN_SENTENCE_WORDS = 9
#: The evidence quote grows over neighbouring sentences up to this length.
QUOTE_CHARS = 400
#: Questions asking which document states a sentence, per document (the library needs four documents).
SOURCE_QUESTIONS = 2
_END_MARKERS = re.compile(r"^\s*(?:Nơi nhận|T/M|TM\.|K/T|KT\.|\(Đã ký\)|Đã ký)", re.I | re.M)


@dataclass(frozen=True)
class Sentence:
    chunk: ChunkRow
    start: int  # relative to chunk.text
    end: int
    context: str

    @property
    def text(self) -> str:
        return self.chunk.text[self.start:self.end]


def _clean_locator(locator: str) -> str:
    return locator.replace(" (tiếp)", "").strip()


def _cut_left(text: str, limit: int) -> str:
    """The end of ``text`` in at most ``limit`` characters, cut at a word boundary ("…" marks the cut)."""
    if len(text) <= limit:
        return text
    tail = text[len(text) - limit + 1:]
    space = tail.find(" ")
    return "…" + (tail[space + 1:] if 0 <= space < len(tail) // 2 else tail)


def _cut_right(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit - 1]
    space = head.rfind(" ")
    return (head[:space] if space > len(head) // 2 else head) + "…"


def window(text: str, start: int, end: int, budget: int, blank: str | None = None) -> str:
    """``text`` around ``[start, end)`` within ``budget`` characters, cut at word boundaries; the span itself is
    replaced by ``blank`` when given."""
    middle = text[start:end] if blank is None else blank
    left, right = text[:start], text[end:]
    if len(middle) >= budget:  # the span alone is too long (a whole statement): its beginning
        lead = "…" if left.strip() else ""
        return lead + _cut_right(middle, budget - len(lead))
    room = budget - len(middle)
    take_left = min(len(left), max(room * 3 // 5, room - len(right)))
    take_right = min(len(right), room - take_left)
    return (_cut_left(left, take_left) if take_left else ("…" if left else "")) + middle + \
        (_cut_right(right, take_right) if take_right else ("…" if right.strip() else ""))


def explanation(evidence: Evidence, budget: int = MAX_EXPLANATION) -> str:
    """``57-NQ/TW, Mục II, điểm 1: «…đạt tối thiểu 30% GDP…»``: the locator and a short verbatim quote around
    the answer, one line, within Telegram's 200 characters."""
    head = ", ".join(p for p in (evidence.doc_number or "", _clean_locator(evidence.locator)) if p) + ": "
    quote = evidence.quote
    line_start = quote.rfind("\n", 0, evidence.answer_start) + 1
    line_end = quote.find("\n", evidence.answer_end)
    line_end = len(quote) if line_end < 0 else line_end
    line = quote[line_start:line_end]
    short = window(line, evidence.answer_start - line_start, evidence.answer_end - line_start,
                   budget - len(head) - 2)
    return f"{head}«{short}»"


def _shuffle(options: list[str], correct: str, seed: str, numeric: bool) -> tuple[tuple[str, ...], int]:
    if numeric:
        ordered = sorted(options, key=lambda o: [float(n) for n in re.findall(r"\d+(?:\.\d+)?", value_key(o))])
    else:
        ordered = list(options)
        random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16)).shuffle(ordered)
    return tuple(ordered), ordered.index(correct)


def _context(sections: Sequence[Section], offset: int) -> str:
    """The title of the innermost numbered section around ``offset`` when it is short (``1. Đến năm 2030``)."""
    inner = [s for s in sections if s.start <= offset]
    if not inner or inner[-1].level < 2:
        return ""
    title = inner[-1].title.strip()
    return title if 8 <= len(title) <= 60 else ""  # not a heading cut short by the outline


#: Item marks a sentence may open with (``- ``, ``+ ``, ``## ``, ``3. ``, ``a) ``): not part of a question.
_MARK = re.compile(r"^(?:[-+•*#]+\s*|\d{1,2}[.)]\s+|[a-zđ][.)]\s+)+")


class Generator:
    """Generates questions for one document at a time, with distractors from the whole library."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._pool: tuple[str, Pool] | None = None

    # the library's values ------------------------------------------------------------------------------
    def pool(self) -> Pool:
        """Every fact of every active document (cached per library generation)."""
        generation = self.catalog.get_meta("generation") or "0"
        if self._pool is None or self._pool[0] != generation:
            pool = Pool()
            for document in self.catalog.documents():
                for sentence in self.sentences(document):
                    for fact in find_facts(sentence.text):
                        pool.add(fact, document.id)
            self._pool = (generation, pool)
        return self._pool[1]

    def sentences(self, document: DocumentRow) -> Iterator[Sentence]:
        """The body's sentences (letterhead, headings-only lines and the signature block left out)."""
        if document.active_version is None:
            return
        chunks = self.catalog.neighbours(document.active_version, 0, 1 << 30)
        sections = self.catalog.outline(document.active_version)
        for chunk in chunks:
            begin = body_start(chunk.text) if chunk.ordinal == 0 else 0
            end_marker = _END_MARKERS.search(chunk.text, begin)
            stop = end_marker.start() if end_marker else len(chunk.text)
            for start, end in sentence_spans(chunk.text):
                if start < begin or end > stop:
                    continue
                mark = _MARK.match(chunk.text, start, end)
                start = mark.end() if mark else start
                text = chunk.text[start:end]
                letters = [c for c in text if c.isalpha()]
                shouting = sum(c.isupper() for c in letters) > len(letters) / 2
                if len(text) < MIN_SENTENCE_CHARS or len(text.split()) < MIN_SENTENCE_WORDS or not letters or shouting:
                    continue
                yield Sentence(chunk, start, end, _context(sections, chunk.start + start))

    # questions ------------------------------------------------------------------------------------------
    def generate(self, document_id: int, *, limit: int = MAX_PER_DOCUMENT) -> list[Question]:
        document = self.catalog.document(document_id)
        if document is None or document.active_version is None:
            return []
        pool = self.pool()
        document_key = value_key(self.catalog.version_text(document.active_version))
        questions: list[Question] = []
        seen_sentences: set[str] = set()
        per_chunk: dict[int, int] = {}
        for sentence in self.sentences(document):
            key = fold(sentence.text)
            if key in seen_sentences or per_chunk.get(sentence.chunk.id, 0) >= MAX_PER_CHUNK:
                continue
            seen_sentences.add(key)
            question = self._from_sentence(document, sentence, pool, document_key)
            if question is not None:
                questions.append(question)
                per_chunk[sentence.chunk.id] = per_chunk.get(sentence.chunk.id, 0) + 1
        questions = questions[:max(limit - 4, 0)] + self._identity(document)
        questions += self._sources(document, questions)
        log.info("generated %d questions for document %d", len(questions), document_id)
        return questions[:limit]

    def _from_sentence(self, document: DocumentRow, sentence: Sentence, pool: Pool,
                       document_key: str) -> Question | None:
        facts = find_facts(sentence.text)
        facts.sort(key=lambda f: PREFERENCE.index(f.kind))
        for fact in facts:
            blank = Blank.of(sentence.text, fact)
            distractors = choose(blank, pool, document_key, document_id=document.id)
            if len(distractors) < 3 or len(fact.text) > MAX_POLL_OPTION:
                continue
            question = self._cloze(document, sentence, fact, distractors)
            if question is not None:
                return question
        return None

    def _evidence(self, document: DocumentRow, chunk: ChunkRow, start: int, end: int, answer_start: int,
                  answer_end: int) -> Evidence | None:
        """A verified quote ``chunk.text[start:end]`` with the answer at ``[answer_start, answer_end)`` (both
        relative to the chunk), grown over neighbouring sentences up to :data:`QUOTE_CHARS`."""
        spans = sentence_spans(chunk.text)
        floor = body_start(chunk.text) if chunk.ordinal == 0 else 0  # the letterhead is not quoted
        lo = next((i for i, (s, e) in enumerate(spans) if s <= start < e or s >= start), 0)
        hi = next((i for i, (s, e) in enumerate(spans) if e >= end), len(spans) - 1)
        while True:
            grown = False
            for candidate in (hi + 1, lo - 1):
                if 0 <= candidate < len(spans):
                    a, b = spans[min(lo, candidate)][0], spans[max(hi, candidate)][1]
                    if b - a <= QUOTE_CHARS and (candidate > hi or a >= floor):
                        lo, hi = min(lo, candidate), max(hi, candidate)
                        grown = True
            if not grown or spans[hi][1] - spans[lo][0] >= QUOTE_CHARS * 3 // 4:
                break
        start, end = min(start, spans[lo][0]), max(end, spans[hi][1])
        quote = chunk.text[start:end]
        offsets = (chunk.start + start, chunk.start + end)
        if self.catalog.source_slice(chunk.version_id, *offsets) != quote:
            log.error("quote verification failed for chunk %d", chunk.id)
            return None
        return Evidence(document.id, chunk.version_id, chunk.id, document.number, chunk.locator, quote,
                        offsets[0], offsets[1], answer_start - start, answer_end - start)

    @staticmethod
    def _name(document: DocumentRow) -> str:
        number = document.number or document.title or document.doc_key
        return f"{document.doc_type} {number}" if document.doc_type and document.number else number

    def _cloze(self, document: DocumentRow, sentence: Sentence, fact: Fact, distractors: list[str]) -> Question | None:
        where = _clean_locator(sentence.chunk.locator)
        if sentence.context and fold(sentence.context) not in fold(sentence.text):
            where = f"{where} — {sentence.context}" if where else sentence.context
        head = f"Theo {self._name(document)}" + (f" ({where})" if where else "") + ", điền vào chỗ trống:\n"
        stem = window(sentence.text, fact.start, fact.end, MAX_POLL_QUESTION - len(head) - 2, blank="___")
        stem = " ".join(stem.replace("*", " ").split())  # emphasis marks of web copies are not text
        text = f"{head}«{stem}»"
        if len(text) > MAX_POLL_QUESTION:
            return None
        answer_start = sentence.start + fact.start
        evidence = self._evidence(document, sentence.chunk, sentence.start, sentence.end, answer_start,
                                  answer_start + len(fact.text))
        if evidence is None:
            return None
        numeric = fact.kind in (FactKind.PERCENT, FactKind.YEAR, FactKind.AMOUNT, FactKind.DATE)
        options, correct = _shuffle([fact.text, *distractors], fact.text, text, numeric)
        return Question(text, options, correct, fact.kind.value, explanation(evidence), evidence)

    # the letterhead: number, date, title ----------------------------------------------------------------
    def _identity(self, document: DocumentRow) -> list[Question]:
        if document.active_version is None or not document.number:
            return []
        head = self.catalog.neighbours(document.active_version, 0, 0)
        if not head:
            return []
        chunk = head[0]
        end = body_start(chunk.text)
        if end <= 0:
            return []
        letterhead = chunk.text[:end]
        others = [d for d in self.catalog.documents() if d.id != document.id and d.active_version is not None]
        out: list[Question] = []
        date = re.search(r"ngày [0-3]?\d tháng [01]?\d năm (?:19|20)\d{2}", letterhead)
        if date:
            fact = Fact(FactKind.DATE, date.start(), date.end(), date.group(0))
            wrong = [d for d in choose(Blank.of(letterhead, fact), Pool(), "") if d != fact.text][:3]
            question = self._letterhead(document, chunk, fact.start, fact.end, wrong,
                                        f"{self._name(document)} được ban hành vào ngày nào?", "date", numeric=True)
            if question:
                out.append(question)
        number = letterhead.find(document.number)
        if number >= 0:
            wrong = self._other_numbers(document, others)
            question = self._letterhead(document, chunk, number, number + len(document.number), wrong,
                                        f"Văn bản «{_cut_right(document.title or '', 150)}» có số hiệu là gì?",
                                        "number", numeric=False)
            if question and document.title:
                out.append(question)
        title = self._title_span(document, letterhead)
        if title:
            wrong = [t for t in (_subject(d) for d in others) if t and len(t) <= MAX_POLL_OPTION]
            wrong = [t for t in dict.fromkeys(wrong) if value_key(t) != value_key(title[2])][:3]
            question = self._letterhead(document, chunk, title[0], title[1], wrong,
                                        f"{self._name(document)}{_dated(document)} có tên là "
                                        f"{document.doc_type or 'văn bản'} …?", "title", numeric=False,
                                        answer=title[2])
            if question:
                out.append(question)
        return out

    @staticmethod
    def _title_span(document: DocumentRow, letterhead: str) -> tuple[int, int, str] | None:
        """Where the letterhead states the document's subject (often in capitals), and the subject as the
        title reads (``về đột phá phát triển …``)."""
        subject = _subject(document)
        if not subject or len(subject) > MAX_POLL_OPTION:
            return None
        pattern = r"\s+".join(re.escape(w) for w in fold(subject).split())
        found = re.search(pattern, fold(letterhead))
        return (found.start(), found.end(), subject) if found else None

    @staticmethod
    def _other_numbers(document: DocumentRow, others: Sequence[DocumentRow]) -> list[str]:
        """Numbers of the same form that no document in the library has (``58-NQ/TW`` for ``57-NQ/TW``)."""
        number = document.number or ""
        match = re.match(r"(\d+)(.*)", number)
        if not match:
            return []
        taken = {fold(d.number or "") for d in others} | {fold(number)}
        value, rest = int(match.group(1)), match.group(2)
        out = []
        for shift in (1, -2, 10, 3, -10, 20):
            candidate = f"{value + shift}{rest}"
            if value + shift > 0 and fold(candidate) not in taken:
                out.append(candidate)
        return out[:3]

    def _letterhead(self, document: DocumentRow, chunk: ChunkRow, start: int, end: int, wrong: list[str],
                    question: str, kind: str, *, numeric: bool, answer: str | None = None) -> Question | None:
        if len(wrong) < 3 or len(question) > MAX_POLL_QUESTION or any(len(w) > MAX_POLL_OPTION for w in wrong):
            return None
        quote_end = body_start(chunk.text)
        quote = chunk.text[:quote_end].rstrip()
        offsets = (chunk.start, chunk.start + len(quote))
        if self.catalog.source_slice(chunk.version_id, *offsets) != quote or end > len(quote):
            return None
        evidence = Evidence(document.id, chunk.version_id, chunk.id, document.number, chunk.locator, quote,
                            offsets[0], offsets[1], start, end)
        answer = answer or chunk.text[start:end]
        options, correct = _shuffle([answer, *wrong[:3]], answer, question, numeric)
        return Question(question, options, correct, kind, explanation(evidence), evidence)

    # which document says this ---------------------------------------------------------------------------
    def _sources(self, document: DocumentRow, questions: Sequence[Question]) -> list[Question]:
        others = [d for d in self.catalog.documents() if d.id != document.id and d.number and d.active_version]
        if len(others) < 3 or not document.number:
            return []
        texts = {d.id: fold(self.catalog.version_text(d.active_version or 0)) for d in others}
        out: list[Question] = []
        for question in questions:
            evidence = question.evidence
            if evidence is None or question.kind not in (FactKind.PERCENT.value, FactKind.AMOUNT.value):
                continue
            line_start = evidence.quote.rfind("\n", 0, evidence.answer_start) + 1
            spans = [(s, e) for s, e in sentence_spans(evidence.quote) if s <= evidence.answer_start < e]
            if not spans:
                continue
            s, e = spans[0]
            s = max(s, line_start)
            statement = evidence.quote[s:e].strip(" ;,.-+•")
            s = evidence.quote.index(statement, s)
            if not 50 <= len(statement) <= 200 or any(fold(statement) in t for t in texts.values()):
                continue
            ask = f"Văn bản nào nêu: «{statement}»?"
            if len(ask) > MAX_POLL_QUESTION:
                continue
            rng = random.Random(question.key)
            wrong = [d.number or "" for d in rng.sample(others, 3)]
            source = Evidence(evidence.document_id, evidence.version_id, evidence.chunk_id, evidence.doc_number,
                              evidence.locator, evidence.quote, evidence.start, evidence.end, s, s + len(statement))
            options, correct = _shuffle([document.number, *wrong], document.number, ask, numeric=False)
            out.append(Question(ask, options, correct, "source", explanation(source), source))
            if len(out) == SOURCE_QUESTIONS:
                break
        return out


def _subject(document: DocumentRow) -> str | None:
    """A document's title without its type (``về đột phá phát triển …`` for ``Nghị quyết về đột phá …``)."""
    title = (document.title or "").strip()
    kind = document.doc_type or ""
    if not title or fold(title) == fold(f"{kind} {document.number or ''}".strip()):
        return None
    if kind and fold(title).startswith(fold(kind) + " "):
        title = title[len(kind) + 1:]
    return title


def _dated(document: DocumentRow) -> str:
    parts = (document.date or "").split("-")
    return f" (ngày {'/'.join(reversed(parts))})" if len(parts) == 3 else ""

