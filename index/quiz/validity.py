"""Automatic checks of a question before it is used: Telegram's limits, a quote that is still the stored text,
the answer span inside that quote, options that differ, and no wrong option stated by the cited sentence."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from documents.facts import value_key
from documents.text import sentence_spans
from index.quiz.distractors import contains
from index.quiz.model import (
    MAX_EXPLANATION,
    MAX_EXPLANATION_BREAKS,
    MAX_OPTIONS,
    MAX_POLL_OPTION,
    MAX_POLL_QUESTION,
    MIN_OPTIONS,
    Question,
)

#: ``source_slice(version_id, start, end)``: the stored text a quote must equal.
SourceSlice = Callable[[int, int, int], str | None]


class Problem(StrEnum):
    QUESTION_TOO_LONG = "question_too_long"
    OPTIONS_COUNT = "options_count"
    OPTION_TOO_LONG = "option_too_long"
    EXPLANATION_TOO_LONG = "explanation_too_long"
    NO_EVIDENCE = "no_evidence"
    QUOTE_CHANGED = "quote_changed"
    ANSWER_OUTSIDE_QUOTE = "answer_outside_quote"
    ANSWER_NOT_OPTION = "answer_not_option"
    DUPLICATE_OPTIONS = "duplicate_options"
    DISTRACTOR_IN_SENTENCE = "distractor_in_sentence"


def telegram_problems(question: Question) -> list[Problem]:
    """What keeps the question from being a native quiz poll (it can still go out with buttons)."""
    problems: list[Problem] = []
    if len(question.question) > MAX_POLL_QUESTION:
        problems.append(Problem.QUESTION_TOO_LONG)
    if not MIN_OPTIONS <= len(question.options) <= MAX_OPTIONS:
        problems.append(Problem.OPTIONS_COUNT)
    if any(not 1 <= len(o) <= MAX_POLL_OPTION for o in question.options):
        problems.append(Problem.OPTION_TOO_LONG)
    if len(question.explanation) > MAX_EXPLANATION or question.explanation.count("\n") > MAX_EXPLANATION_BREAKS:
        problems.append(Problem.EXPLANATION_TOO_LONG)
    return problems


def cited_sentence(question: Question) -> str:
    """The sentence of the quote that holds the answer span (the whole quote when it spans sentences)."""
    evidence = question.evidence
    if evidence is None:
        return ""
    for start, end in sentence_spans(evidence.quote):
        if start <= evidence.answer_start and evidence.answer_end <= end:
            return evidence.quote[start:end]
    return evidence.quote


def problems(question: Question, source_slice: SourceSlice | None = None) -> list[Problem]:
    """Every rule the question breaks (empty: valid). ``source_slice`` checks the quote against the stored
    text; without it only the question itself is checked."""
    found = telegram_problems(question)
    keys = [value_key(o) for o in question.options]
    if len(set(keys)) != len(keys):
        found.append(Problem.DUPLICATE_OPTIONS)
    evidence = question.evidence
    if evidence is None:
        return [*found, Problem.NO_EVIDENCE]
    if source_slice is not None and source_slice(evidence.version_id, evidence.start, evidence.end) != evidence.quote:
        found.append(Problem.QUOTE_CHANGED)
    if not (0 <= evidence.answer_start < evidence.answer_end <= len(evidence.quote)):
        return [*found, Problem.ANSWER_OUTSIDE_QUOTE]
    exact = question.kind not in ("source", "imported")  # the answer span is the correct option itself
    if exact and value_key(evidence.answer) != keys[question.correct]:
        found.append(Problem.ANSWER_NOT_OPTION)
    if exact:
        sentence = value_key(cited_sentence(question))
        if any(contains(sentence, key) for i, key in enumerate(keys) if i != question.correct):
            found.append(Problem.DISTRACTOR_IN_SENTENCE)
    return found
