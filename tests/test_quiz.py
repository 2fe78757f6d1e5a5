"""Questions from the texts and answers checked against them: facts found in sentences, generated questions
that pass every automatic check on real Party texts, the option the documents support, question banks read in
every format and backed by passages."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.store import BotStore
from bot.study.bank import QuestionBank, Status
from documents.banks import Bank, Flaw, read_bank
from documents.banks.numbered import pasted
from documents.facts import FactKind, find_facts, value_key
from documents.model import ExtractionError
from index.engine import Engine
from index.quiz.generate import Generator
from index.quiz.model import MAX_EXPLANATION, MAX_POLL_OPTION, MAX_POLL_QUESTION
from index.quiz.solve import Solver
from index.quiz.validity import Problem, cited_sentence, problems

REPO = Path(__file__).resolve().parents[1]
BANK = REPO / "tests" / "data" / "quiz" / "bank.txt"
LABELS = REPO / "scripts" / "questions" / "quiz_check.jsonl"


# facts ---------------------------------------------------------------------------------------------------
def kinds(sentence: str) -> list[tuple[FactKind, str]]:
    return [(f.kind, f.text) for f in find_facts(sentence)]


def test_facts_contests_ask_about() -> None:
    assert kinds("Quy mô kinh tế số đạt tối thiểu 30% GDP.") == [(FactKind.PERCENT, "30%")]
    assert kinds("tăng trung bình 16 - 18%/năm") == [(FactKind.PERCENT, "16 - 18%")]
    assert kinds("Nguồn nhân lực đạt 12 người trên một vạn dân") == [(FactKind.AMOUNT, "12 người")]
    assert kinds("hoàn thành chậm nhất ngày 30/6/2025; cơ bản hoàn thành trong năm 2025.") == [
        (FactKind.DATE, "30/6/2025"), (FactKind.YEAR, "2025")]
    assert kinds("theo Quy định số 377-QĐ/TW ngày 08/10/2025 của Bộ Chính trị") == []  # another document's date
    assert kinds("theo Điều 5, khoản 2 của Quy định số 270") == []  # references, not figures
    assert kinds("5. Ban Tuyên giáo Trung ương chủ trì, phối hợp với các cơ quan liên quan") == [
        (FactKind.BODY, "Ban Tuyên giáo Trung ương")]
    assert (FactKind.BODY, "Tổng Bí thư Ban Chấp hành Trung ương Đảng") in kinds(
        "Thành lập Ban Chỉ đạo, do đồng chí Tổng Bí thư Ban Chấp hành Trung ương Đảng làm Trưởng Ban.")
    items = find_facts("Thể chế, nhân lực, hạ tầng, dữ liệu và công nghệ chiến lược là những nội dung trọng tâm")
    assert [f.text for f in items] == ["Thể chế", "nhân lực", "hạ tầng", "dữ liệu", "công nghệ chiến lược"]
    assert items[0].siblings == ("nhân lực", "hạ tầng", "dữ liệu", "công nghệ chiến lược")
    assert kinds('theo phương châm "vừa chạy vừa xếp hàng" để hoàn thành') == [(FactKind.SLOGAN,
                                                                               "vừa chạy vừa xếp hàng")]
    assert value_key("Từ 1,0 - 1,5 lần") == value_key("từ 1 - 1.5 lần") and value_key("02 cán bộ") == "2 can bo"
    assert value_key("6.000 giảng viên") == "6000 giang vien"


# generation ----------------------------------------------------------------------------------------------
def test_generated_questions_pass_every_check(party_engine: Engine) -> None:
    generator = Generator(party_engine.catalog)
    counts: dict[str, int] = {}
    for number in ("57-NQ/TW", "71-NQ/TW", "127-KL/TW", "383-QĐ/TW"):
        document = party_engine.resolve(number)
        assert document is not None and document.active_version is not None
        text = party_engine.catalog.version_text(document.active_version)
        questions = generator.generate(document.id)
        counts[number] = len(questions)
        for question in questions:
            assert problems(question, party_engine.catalog.source_slice) == [], (question, problems(question))
            evidence = question.evidence
            assert evidence is not None and text[evidence.start:evidence.end] == evidence.quote
            assert len(question.question) <= MAX_POLL_QUESTION and len(question.explanation) <= MAX_EXPLANATION
            assert all(len(o) <= MAX_POLL_OPTION for o in question.options) and len(question.options) == 4
            data = question.as_json()
            assert set(data) >= {"question", "options", "correct", "explanation", "doc_number", "locator", "quote"}
            assert data["doc_number"] == number and evidence.answer in str(data["quote"])
            if question.kind != "source":
                assert value_key(question.options[question.correct]) == value_key(evidence.answer)
    assert all(count >= 10 for count in counts.values()), counts
    kinds_57 = {q.kind for q in generator.generate(party_engine.resolve("57-NQ/TW").id)}  # type: ignore[union-attr]
    assert {"percent", "amount", "body", "year", "number", "source"} <= kinds_57


def test_validity_catches_broken_questions(party_engine: Engine) -> None:
    document = party_engine.resolve("57-NQ/TW")
    assert document is not None
    question = next(q for q in Generator(party_engine.catalog).generate(document.id) if q.kind == "percent")
    from dataclasses import replace

    evidence = question.evidence
    assert evidence is not None
    assert Problem.QUOTE_CHANGED in problems(replace(question, evidence=replace(evidence, start=evidence.start + 1)),
                                             party_engine.catalog.source_slice)
    options = list(question.options)
    options[(question.correct + 1) % 4] = options[question.correct]
    assert Problem.DUPLICATE_OPTIONS in problems(replace(question, options=tuple(options)))
    inside = cited_sentence(question).split()[-1].strip(".;")  # a word the cited sentence says
    options = list(question.options)
    options[(question.correct + 1) % 4] = inside
    assert Problem.DISTRACTOR_IN_SENTENCE in problems(replace(question, options=tuple(options)))
    assert Problem.QUESTION_TOO_LONG in problems(replace(question, question="x" * 301))
    assert Problem.EXPLANATION_TOO_LONG in problems(replace(question, explanation="a\nb\nc\nd"))


# checking answers ----------------------------------------------------------------------------------------
def test_the_option_the_documents_support(party_engine: Engine) -> None:
    """The labelled contest questions (dev half) on the four documents of the test library."""
    wanted = {"57-NQ/TW", "71-NQ/TW", "127-KL/TW", "383-QĐ/TW"}
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == "dev" and r["doc_number"] in wanted]
    solver = Solver(party_engine)
    decided = right = 0
    for row in rows:
        verdict = solver.solve(row["question"], row["options"])
        if verdict.choice is None:
            continue
        decided += 1
        right += verdict.choice == row["answer"]
        (citation,) = verdict.citations
        assert party_engine.catalog.source_slice(party_engine.document(citation.document_id).active_version,  # type: ignore[arg-type, union-attr]
                                                 *citation.offsets) == citation.quote
    assert len(rows) >= 15 and decided >= 0.75 * len(rows) and right >= 0.9 * decided, (len(rows), decided, right)
    undecided = solver.solve("Thủ đô của nước Pháp là thành phố nào?", ["Paris", "Lyon", "Marseille", "Nice"])
    assert undecided.choice is None and undecided.citations == []
    assert undecided.as_json() == {"question": "Thủ đô của nước Pháp là thành phố nào?", "choice": None,
                                   "citations": []}


def test_pasted_questions_are_recognised() -> None:
    assert pasted("Mục tiêu đến năm 2030 là gì?") is None
    assert pasted("Câu 3: Nội dung nào đúng?\na) một\nb) hai") == ("Nội dung nào đúng?", ["một", "hai"])
    assert pasted("Ai làm Trưởng Ban? A. Thủ tướng B. Tổng Bí thư C. Chủ tịch nước") == (
        "Ai làm Trưởng Ban?", ["Thủ tướng", "Tổng Bí thư", "Chủ tịch nước"])


# question banks ------------------------------------------------------------------------------------------
EXPECTED = [("Câu 1", 3, 2), ("Câu 2", 4, 1), ("Câu 3", 4, 1), ("Câu 4", 4, 0), ("Câu 5", 4, 0), ("Câu 6", 4, 3)]


def bank_questions(bank: Bank) -> list[tuple[str, int, int | None]]:
    return [(q.label, len(q.options), q.correct) for q in bank.questions]


def write_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))


def table_rows(bank: Bank) -> list[list[object]]:
    rows: list[list[object]] = [["STT", "Câu hỏi", "Phương án A", "Phương án B", "Phương án C", "Phương án D",
                                 "Đáp án"]]
    for n, q in enumerate(bank.questions, 1):
        options = list(q.options) + [""] * (4 - len(q.options))
        rows.append([n, q.question, *options, "ABCD"[q.correct or 0]])
    return rows


def test_banks_in_every_format_read_without_loss(tmp_path: Path) -> None:
    text = BANK.read_text(encoding="utf-8")
    from_text = read_bank(BANK)
    assert [(label, n, c) for label, n, c in bank_questions(from_text)] == [
        ("Câu 1", 4, 2), ("Câu 2", 4, 1), ("Câu 3", 4, 1), ("Câu 4", 4, 0), ("Câu 5", 4, 0), ("Câu 6", 4, 3)]
    assert from_text.flaws == [("Câu 7", Flaw.NO_ANSWER)]
    assert from_text.questions[3].question.endswith("(tổ chức đảng, chính quyền, đoàn thể)?")
    assert from_text.questions[1].options[1] == "Tổng Bí thư Ban Chấp hành Trung ương Đảng"
    write_docx(text, tmp_path / "bank.docx")
    from_docx = read_bank(tmp_path / "bank.docx")
    assert [(q.question, q.options, q.correct) for q in from_docx.questions] == \
        [(q.question, q.options, q.correct) for q in from_text.questions]
    rows = table_rows(from_text)
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(tmp_path / "bank.xlsx")
    import csv

    with (tmp_path / "bank.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)
    records = [{"question": q.question, "options": list(q.options), "answer": "ABCD"[q.correct or 0]}
               for q in from_text.questions]
    (tmp_path / "bank.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bank.jsonl").write_text("\n".join(json.dumps({**r, "answer": "ABCD".index(str(r["answer"]))},
                                                              ensure_ascii=False) for r in records), encoding="utf-8")
    for name in ("bank.xlsx", "bank.csv", "bank.json", "bank.jsonl"):
        bank = read_bank(tmp_path / name)
        assert [(q.question, q.options, q.correct) for q in bank.questions] == \
            [(q.question, q.options, q.correct) for q in from_text.questions], name


def test_bank_files_are_checked_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError) as refused:
        read_bank(tmp_path / "bank.pdf")
    assert refused.value.code == "unsupported"
    bomb = tmp_path / "bomb.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))  # inflates past one member's limit
    bomb.write_bytes(buffer.getvalue())
    with pytest.raises(ExtractionError) as refused:
        read_bank(bomb)
    assert refused.value.code == "unpacked_too_large"
    (tmp_path / "big.txt").write_text("Câu 1. x\nA. a\nB. b\nĐáp án: A\n" * 10, encoding="utf-8")
    with pytest.raises(ExtractionError) as refused:
        read_bank(tmp_path / "big.txt", max_bytes=100)
    assert refused.value.code == "too_large"


def test_imported_answers_are_backed_by_passages(party_engine: Engine, open_store: Callable[..., BotStore]) -> None:
    store = open_store()
    try:
        bank = QuestionBank(store, party_engine)
        report = bank.import_file(BANK)
        assert (report.read, report.backed) == (6, 4)
        assert report.unsupported == ["Câu 5"] and report.disagrees == ["Câu 6"]
        assert report.flaws == [("Câu 7", Flaw.NO_ANSWER)]
        listed, total = bank.listing(statuses=[Status.UNSUPPORTED, Status.DISAGREES])
        assert total == 2 and not any(q.enabled for q in listed)
        backed, _ = bank.listing(statuses=[Status.OK])
        assert len(backed) == 4 and all(bank.verified(q) for q in backed)
        assert bank.set_enabled([listed[0].id], True) == []  # an unbacked question cannot be used
        again = bank.import_file(BANK)
        assert again.stored == 0  # the same questions are stored once
    finally:
        store.close()
