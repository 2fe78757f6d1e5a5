"""Which option of a multiple-choice question do the documents support? The answer comes with the passage that
says so — or ``None`` when the texts do not decide.

1. The question's documents: those it names ("theo Nghị quyết 57-NQ/TW"), else the best passages of a hybrid
   search for the question and for the question with each option.
2. Every sentence of those passages is scored for how much of the question it (and the lines just before it,
   and its headings) covers, each word weighted by its rarity in the library.
3. Each option is matched against each sentence on what sets it apart from the other options (``30%`` among
   ``20% / 25% / 30%``; ``Ban Tổ chức`` among other bodies): numbers must be there exactly, words by weight,
   and an option that stands in the sentence word for word counts in full.
4. An option's support is its best sentence's coverage × match. The best option is chosen when its support
   reaches :data:`MIN_SUPPORT` and leads the next by :data:`MIN_MARGIN` (tuned on the ``dev`` half of
   ``scripts/questions/quiz_check.jsonl`` only); otherwise nqbot says it cannot decide.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from documents.facts import numbers_in, value_key
from documents.identity import find_mentions
from documents.model import Section
from documents.text import fold, sentence_spans
from index.answer import Citation
from index.engine import Engine
from index.keywords import query_terms
from index.quiz.distractors import contains
from index.quiz.model import Evidence
from index.rows import ChunkRow
from index.sections import without_mentions

log = logging.getLogger(__name__)

#: Support (coverage × match, 0..1) the best option needs, and its lead over the second (tuned on dev).
MIN_SUPPORT = 0.25
MIN_MARGIN = 0.05
#: Passages searched for the question, and for the question with each option.
QUESTION_HITS = 20
OPTION_HITS = 8
#: Lines before a sentence (and its headings) count for coverage at this weight.
CONTEXT_WEIGHT = 0.5
CONTEXT_LINES = 2
#: A number of the option counts this many times an average word.
NUMBER_WEIGHT = 3.0
#: Words every option has, or the question already says, count this much of their weight.
COMMON_WEIGHT = 0.3
#: An option found word by word (not as a whole) matches at most this much.
PARTIAL = 0.9
#: Two neighbouring sentences are also read together up to this length.
PAIR_CHARS = 600
#: Share of the support given to the question's words right around the option in the sentence (characters
#: before and after it).
NEAR_SHARE = 0.4
NEAR_BEFORE, NEAR_AFTER = 120, 60
#: A sentence whose text and headings name other years than the question's (2045 for a question about 2030)
#: keeps this share of its coverage.
OTHER_YEAR = 0.7
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_CLAUSE_END = re.compile(r"[.;](?=\s|$)")
#: Quotes shown for a decision: the sentence and its neighbours up to this length.
QUOTE_CHARS = 400

_QUESTION_NUMBER = re.compile(r"^\s*(?:câu|cau|question)?\s*\d{1,3}\s*[.:)]\s*", re.I)


@dataclass(frozen=True)
class Verdict:
    question: str
    options: tuple[str, ...]
    #: 0-based index of the option the documents support; None when they do not decide.
    choice: int | None
    #: Support of each option (0..1).
    supports: tuple[float, ...]
    #: The passage behind the best option (also when undecided: the closest one).
    evidence: Evidence | None = None
    citations: list[Citation] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"question": self.question, "choice": self.choice,
                "citations": [c.as_json() for c in self.citations]}


@dataclass(frozen=True)
class _Sentence:
    """A sentence, or two neighbouring ones read together (a list item often runs over a break)."""

    chunk: ChunkRow
    start: int
    end: int
    terms: frozenset[str]
    context: frozenset[str]
    key: str
    numbers: frozenset[str]


@dataclass(frozen=True)
class _Option:
    numbers: frozenset[str]
    #: Words that set the option apart (weight by rarity) and words every option has (weight × COMMON_WEIGHT).
    words: dict[str, float]
    phrase: str


def _terms(text: str) -> frozenset[str]:
    return frozenset(query_terms(text, drop_question_words=False))


def _enclosing(sections: Sequence[Section], offset: int) -> str:
    """The titles of the sections around ``offset`` (one per level: ``II- MỤC TIÊU``, ``1. Đến năm 2030``)."""
    stack: list[Section] = []
    for section in sections:
        if section.start > offset:
            break
        while stack and stack[-1].level >= section.level:
            stack.pop()
        stack.append(section)
    return " ".join(s.title for s in stack)


class Solver:
    def __init__(self, engine: Engine, *, min_support: float = MIN_SUPPORT, min_margin: float = MIN_MARGIN) -> None:
        self.engine = engine
        self.catalog = engine.catalog
        self.min_support = min_support
        self.min_margin = min_margin

    # candidates --------------------------------------------------------------------------------------
    def _scope(self, question: str, documents: Sequence[int] | None) -> list[int] | None:
        named = self.engine.lookup.match_refs(find_mentions(question))
        if named:
            inside = [d for d in named if documents is None or d in documents]
            return inside or (list(documents) if documents is not None else None)
        return list(documents) if documents is not None else None

    def _chunks(self, question: str, options: Sequence[str], scope: list[int] | None) -> list[ChunkRow]:
        """Every passage of a named document (a handful of documents at most), else the best passages found
        for the question and for the question with each option."""
        if scope is not None and len(scope) <= 3:
            chunks: list[ChunkRow] = []
            for document_id in scope:
                document = self.catalog.document(document_id)
                if document is not None and document.active_version is not None:
                    chunks += self.catalog.neighbours(document.active_version, 0, 1 << 30)
            return chunks
        ids: dict[int, None] = {}
        for hit in self.engine.retrieve(question, limit=QUESTION_HITS, document_ids=scope):
            ids.setdefault(hit.chunk_id)
        for option in options:
            for hit in self.engine.retrieve(f"{question} {option}", limit=OPTION_HITS, document_ids=scope):
                ids.setdefault(hit.chunk_id)
        found = self.catalog.chunks(list(ids))
        return [found[i] for i in ids if i in found]

    def _sentences(self, chunks: Sequence[ChunkRow]) -> list[_Sentence]:
        out: list[_Sentence] = []
        outlines: dict[int, list[Section]] = {}
        for chunk in chunks:
            sections = outlines.setdefault(chunk.version_id, self.catalog.outline(chunk.version_id))
            spans = sentence_spans(chunk.text)
            units = [(i, i) for i in range(len(spans))]
            units += [(i, i + 1) for i in range(len(spans) - 1) if spans[i + 1][1] - spans[i][0] <= PAIR_CHARS]
            for first, last in units:
                start, end = spans[first][0], spans[last][1]
                text = chunk.text[start:end]
                before = " ".join(chunk.text[s:e] for s, e in spans[max(0, first - CONTEXT_LINES):first])
                terms = _terms(text)
                context = _terms(f"{chunk.heading} {_enclosing(sections, chunk.start + start)} {before}") - terms
                out.append(_Sentence(chunk, start, end, terms, context, value_key(text),
                                     frozenset(numbers_in(value_key(text)))))
        return out

    # options --------------------------------------------------------------------------------------------
    def _options(self, options: Sequence[str], question_terms: frozenset[str]) -> list[_Option]:
        """What sets each option apart: its numbers, and its words weighted by rarity (the words every option
        shares, or that the question already says, weigh less)."""
        keys = [value_key(o) for o in options]
        numbers = [frozenset(numbers_in(k)) for k in keys]
        words = [frozenset(t for t in _terms(o) if not t.isdigit()) for o in options]
        common_numbers = frozenset.intersection(*numbers) if numbers else frozenset()
        common_words = frozenset.intersection(*words) if words else frozenset()
        weights = self.catalog.term_weights(sorted(frozenset().union(*words))) if words else {}
        out = []
        for key, own_numbers, own_words in zip(keys, numbers, words, strict=True):
            shared = common_words | question_terms
            out.append(_Option(own_numbers - common_numbers or own_numbers,
                               {t: weights.get(t, 1.0) * (COMMON_WEIGHT if t in shared else 1.0) for t in own_words},
                               key))
        return out

    @staticmethod
    def _match(option: _Option, sentence: _Sentence) -> float:
        """How much of the option stands in the sentence (1: the whole option, word for word)."""
        if option.phrase and contains(sentence.key, option.phrase):
            return 1.0
        if option.numbers and not option.numbers <= sentence.numbers:
            return 0.0  # a figure is there exactly or not at all
        total = found = 0.0
        for _number in option.numbers:
            total += NUMBER_WEIGHT
            found += NUMBER_WEIGHT
        for term, weight in option.words.items():
            total += weight
            found += weight if term in sentence.terms else 0.0
        return PARTIAL * found / total if total else 0.0

    @staticmethod
    def _near(option: _Option, sentence: _Sentence, weights: dict[str, float]) -> float:
        """The weight of the question's words close before (and just after) the option in the sentence: a
        sentence holding several figures tells which one the question asks about."""
        key = sentence.key
        probe = option.phrase if option.phrase and contains(key, option.phrase) else \
            next((n for n in sorted(option.numbers, key=len, reverse=True)), "")
        found = re.search(rf"(?<![\w.,/]){re.escape(probe)}(?![\w/])", key) if probe else None
        if found is None:
            return 0.0
        clauses = [0] + [m.end() for m in _CLAUSE_END.finditer(key)] + [len(key)]
        begin = max(c for c in clauses if c <= found.start())
        finish = min(c for c in clauses if c >= found.end())
        near = _terms(key[max(begin, found.start() - NEAR_BEFORE):min(finish, found.end() + NEAR_AFTER)])
        return sum(w for t, w in weights.items() if t in near)

    # deciding -------------------------------------------------------------------------------------------
    def solve(self, question: str, options: Sequence[str], *, documents: Sequence[int] | None = None) -> Verdict:
        """The option the documents support (``choice``), or None when they do not decide."""
        question = _QUESTION_NUMBER.sub("", question).strip()
        options = tuple(o.strip() for o in options)
        scope = self._scope(question, documents)
        sentences = self._sentences(self._chunks(question, options, scope))
        asked = query_terms(self.engine.rewrite(without_mentions(question)))
        present = frozenset().union(*(s.terms | s.context for s in sentences)) if sentences else frozenset()
        library = self.catalog.term_weights([t for t in asked if t in present])
        # rarity within the passages read as well as in the library: words every sentence of the document
        # has ("trung tâm", "lưu trữ") say little about which sentence answers
        counts = {t: sum(t in s.terms for s in sentences) for t in library}
        weights = {t: w * math.log(1 + len(sentences) / (1 + counts[t])) for t, w in library.items()}
        total = sum(weights.values()) or 1.0
        years = {t for t in asked if _YEAR.match(t)}
        coverage = [
            min(1.0, (sum(w for t, w in weights.items() if t in s.terms)
                      + CONTEXT_WEIGHT * sum(w for t, w in weights.items() if t in s.context)) / total)
            * (OTHER_YEAR if years and _other_years(years, s) else 1.0)
            for s in sentences
        ]
        parsed = self._options(options, frozenset(asked))
        supports: list[float] = []
        best_sentence: list[int | None] = []
        for option in parsed:
            best, where = 0.0, None
            for i, (sentence, covered) in enumerate(zip(sentences, coverage, strict=True)):
                match = self._match(option, sentence)
                if match <= 0.0:
                    continue
                near = self._near(option, sentence, weights) / total
                score = match * ((1 - NEAR_SHARE) * covered + NEAR_SHARE * min(near, 1.0))
                if score > best:
                    best, where = score, i
            supports.append(best)
            best_sentence.append(where)
        ranked = sorted(range(len(options)), key=lambda i: -supports[i])
        choice: int | None = None
        if ranked and supports[ranked[0]] >= self.min_support and \
                (len(ranked) == 1 or supports[ranked[0]] - supports[ranked[1]] >= self.min_margin):
            choice = ranked[0]
        evidence, citations = None, []
        top = best_sentence[ranked[0]] if ranked else None
        if top is not None:
            evidence = self._evidence(sentences[top], options[ranked[0]])
            citation = self._citation(evidence, supports[ranked[0]]) if evidence else None
            citations = [citation] if citation and choice is not None else []
        log.info("quiz question checked: options=%d choice=%s support=%.2f", len(options), choice,
                 supports[ranked[0]] if ranked else 0.0)
        return Verdict(question, options, choice, tuple(supports), evidence, citations)

    def back(self, question: str, options: Sequence[str], correct: int, *,
             documents: Sequence[int] | None = None) -> Evidence | None:
        """The passage that supports option ``correct`` of an imported question, or None when the documents
        do not back it (undecided, or they support another option)."""
        verdict = self.solve(question, options, documents=documents)
        return verdict.evidence if verdict.choice == correct else None

    # evidence -------------------------------------------------------------------------------------------
    def _evidence(self, sentence: _Sentence, option: str) -> Evidence | None:
        """The sentence (with the sentences before it, up to :data:`QUOTE_CHARS`) as a verified quote; the
        answer span is the option where it stands in the sentence word for word, else the sentence."""
        chunk = sentence.chunk
        start, end = sentence.start, sentence.end
        for s, _ in reversed([span for span in sentence_spans(chunk.text) if span[1] <= sentence.start]):
            if end - s > QUOTE_CHARS:
                break
            start = s
        quote = chunk.text[start:end]
        offsets = (chunk.start + start, chunk.start + end)
        if self.catalog.source_slice(chunk.version_id, *offsets) != quote:
            log.error("quote verification failed for chunk %d", chunk.id)
            return None
        answer = (sentence.start - start, sentence.end - start)
        found = _find_words(quote, option)
        if found is not None and found[0] >= answer[0]:
            answer = found
        document = self.catalog.document(chunk.document_id)
        return Evidence(chunk.document_id, chunk.version_id, chunk.id, document.number if document else None,
                        chunk.locator, quote, offsets[0], offsets[1], *answer)

    def _citation(self, evidence: Evidence, score: float) -> Citation | None:
        document = self.catalog.document(evidence.document_id)
        if document is None:
            return None
        return Citation(document_id=document.id, chunk_id=evidence.chunk_id, doc_number=document.number,
                        doc_type=document.doc_type, title=document.title, date=document.date,
                        locator=evidence.locator, quote=evidence.quote, score=score, source=document.source_name,
                        highlights=((evidence.answer_start, evidence.answer_end),),
                        offsets=(evidence.start, evidence.end))


def _other_years(years: set[str], sentence: _Sentence) -> bool:
    """The sentence (with its headings) is about other years than the question, and not about its own."""
    stated = {t for t in sentence.terms | sentence.context if _YEAR.match(t)}
    return bool(stated) and not stated & years


def _find_words(text: str, option: str) -> tuple[int, int] | None:
    """Where ``option`` stands in ``text`` word for word (diacritics, case and number formats aside)."""
    words = value_key(option).split()
    if not words:
        return None
    folded = fold(text)
    pattern = r"[\s,]*".join(re.escape(w) for w in words)
    found = re.search(rf"(?<!\w){pattern}(?!\w)", folded)
    return (found.start(), found.end()) if found and len(folded) == len(text) else None
