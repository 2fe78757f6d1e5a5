"""Personal practice with Leitner boxes: a question answered right moves up a box and comes back later and
later; one answered wrong goes back to box 1 and comes back after :data:`GAPS` ``[1]`` other questions.

The clock is the member's own count of practice answers (:meth:`Results.practice_step`), so practice spaces
itself by effort, not by calendar, and a test can replay it exactly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store import BotStore
from bot.study.bank import QuestionBank, StoredQuestion
from bot.study.results import Results
from index.database import now

#: Questions answered before a question of each box comes back.
GAPS = {1: 2, 2: 5, 3: 12, 4: 30, 5: 80}
TOP_BOX = 5
#: A question in this box or above counts as mastered.
MASTERED = 3


@dataclass(frozen=True)
class Mastery:
    document_id: int
    questions: int
    seen: int
    mastered: int
    correct: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.mastered / self.questions) if self.questions else 0


class Practice:
    def __init__(self, store: BotStore, bank: QuestionBank, results: Results) -> None:
        self.store = store
        self.bank = bank
        self.results = results

    def next_question(self, user_id: int, document_ids: Sequence[int] | None, *, rng: random.Random | None = None,
                      avoid: Sequence[int] = ()) -> StoredQuestion | None:
        """What to ask now: a question due again (lowest box first), else one never seen, else the next due."""
        rng = rng or random.Random()
        usable = set(self.bank.usable(document_ids)) - set(avoid)
        if not usable:
            return None
        step = self.results.practice_step(user_id)
        boxes = {r["question_id"]: (r["box"], r["due_step"]) for r in self.store.rows(
            "SELECT question_id, box, due_step FROM practice_boxes WHERE user_id = ?", (user_id,))}
        due = sorted((box, due_step, qid) for qid, (box, due_step) in boxes.items()
                     if qid in usable and due_step <= step)
        fresh = sorted(usable - set(boxes))
        if due:
            choice = due[0][2]
        elif fresh:
            choice = rng.choice(fresh)
        else:
            choice = min((boxes[q][1], boxes[q][0], q) for q in usable)[2]
        question = self.bank.get(choice)
        return question if question is not None and self.bank.verified(question) else None

    def record(self, user_id: int, question_id: int, correct: bool) -> int:
        """Move the question between boxes after an answer (the step is the count including this answer);
        its new box."""
        step = self.results.practice_step(user_id)
        row = self.store.row("SELECT box FROM practice_boxes WHERE user_id = ? AND question_id = ?",
                             (user_id, question_id))
        box = min((row["box"] if row else 1) + 1, TOP_BOX) if correct else 1
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO practice_boxes (user_id, question_id, box, due_step, \"right\", wrong, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(user_id, question_id) DO UPDATE SET box = excluded.box, "
                "due_step = excluded.due_step, \"right\" = practice_boxes.\"right\" + excluded.\"right\", "
                "wrong = practice_boxes.wrong + excluded.wrong, "
                "updated_at = excluded.updated_at",
                (user_id, question_id, box, step + GAPS[box], int(correct), int(not correct), now()))
        return box

    def mastery(self, user_id: int) -> list[Mastery]:
        """Per document with practised questions: how many questions it has, seen, mastered, answers."""
        counts = self.bank.counts()
        rows = self.store.rows(
            "SELECT q.document_id, COUNT(*) AS seen, SUM(CASE WHEN p.box >= ? THEN 1 ELSE 0 END) AS mastered, "
            "SUM(p.\"right\") AS \"right\", SUM(p.\"right\" + p.wrong) AS answered "
            "FROM practice_boxes p JOIN quiz_questions q ON q.id = p.question_id "
            "WHERE p.user_id = ? GROUP BY q.document_id ORDER BY answered DESC", (MASTERED, user_id))
        return [Mastery(r["document_id"], max(counts.get(r["document_id"], 0), r["seen"]), r["seen"],
                        int(r["mastered"] or 0), int(r["right"] or 0), int(r["answered"] or 0)) for r in rows
                if r["document_id"] is not None]
