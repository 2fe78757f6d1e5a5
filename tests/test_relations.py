"""Relations documents declare to each other, read from real texts, stored, and used in answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.render_text import answer_text, relation_lines
from documents.identity import parse_identity
from documents.relations import Relation, RelationKind, find_relations
from index.engine import Engine
from tests.corpus import legal_path, party_path, read
from tests.fake_telegram import FakeTelegram
from tests.plugins.bot import BotHarness


def _relations(path: Path) -> list[Relation]:
    text = read(path)
    return find_relations(text, parse_identity(text, path.name))


def _kinds(path: Path) -> dict[str, RelationKind]:
    return {r.target_text: r.kind for r in _relations(path)}


def test_replaces_from_a_real_final_provision() -> None:
    relations = _relations(party_path("383-QD-TW.txt"))
    [replaced] = [r for r in relations if r.kind is RelationKind.REPLACES]
    assert replaced.target_text == "Quy định số 270-QĐ/TW" and replaced.target_key == "270|QD|TW"
    sentence = read(party_path("383-QD-TW.txt"))[replaced.start:replaced.end]
    assert sentence.startswith("Quy định này thay thế Quy định số 270-QĐ/TW")


def test_replaces_every_document_of_a_list() -> None:
    kinds = _kinds(party_path("45-HD-BTCTW.txt"))
    assert kinds["Hướng dẫn số 16-HD/BTCTW"] is RelationKind.REPLACES
    assert kinds["Hướng dẫn số 21-HD/BTCTW"] is RelationKind.REPLACES


def test_guides_from_the_preamble() -> None:
    assert _kinds(party_path("45-HD-BTCTW.txt"))["Quy định số 377-QĐ/TW"] is RelationKind.GUIDES


def test_cites_every_can_cu_line() -> None:
    kinds = _kinds(party_path("384-QD-TW.txt"))
    assert kinds["Nghị quyết số 57-NQ/TW"] is RelationKind.CITES
    assert sum(kind is RelationKind.CITES for kind in kinds.values()) == 12


def test_amends_from_a_real_decree() -> None:
    kinds = _kinds(legal_path("nghi_dinh__225-2025-nd-cp.txt"))
    assert kinds == {"Nghị định số 23/2024/NĐ-CP": RelationKind.AMENDS}


def test_repeals_from_a_real_decision() -> None:
    kinds = _kinds(legal_path("Quyet_dinh__71-2025.txt"))
    assert kinds["Quyết định số 29/2024/QĐ-UBND"] is RelationKind.REPEALS


def test_continues_from_a_real_title() -> None:
    # the title of Kết luận số 01-KL/TW (18/5/2021), as Party documents quote it
    head = ("KẾT LUẬN\nCỦA BỘ CHÍNH TRỊ\nvề tiếp tục thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị khóa XII về đẩy "
            "mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh\n\nBộ Chính trị kết luận như sau:")
    [relation] = find_relations(head)
    assert (relation.kind, relation.target_text) == (RelationKind.CONTINUES, "Chỉ thị số 05-CT/TW")


def test_tasks_for_others_and_third_party_statements_are_not_relations() -> None:
    assert _relations(party_path("127-KL-TW.txt")) == []  # "giao … căn cứ Kết luận số 126-KL/TW", "đề xuất sửa đổi…"
    text = ("Căn cứ Luật Đất đai số 31/2024/QH15 được sửa đổi, bổ sung bởi Luật số 43/2024/QH15;\n"
            "Thông tư số 80/2021/TT-BTC ngày 29/9/2021 của Bộ Tài chính hướng dẫn thi hành Nghị định số "
            "126/2020/NĐ-CP.")
    kinds = {r.target_key: r.kind for r in find_relations(text)}
    assert kinds == {"31||QH15|2024": RelationKind.CITES, "43||QH15|2024": RelationKind.CITES}


def test_a_year_tells_state_documents_apart() -> None:
    [relation] = [r for r in _relations(legal_path("Quyet_dinh__71-2025.txt")) if r.kind is RelationKind.REPEALS]
    own = parse_identity(read(legal_path("Quyet_dinh__71-2025.txt")), "x.txt")
    assert relation.target_key.endswith("|2024") and own.number == "71/2025/QĐ-UBND"


# --- in the library ------------------------------------------------------------------------------------------

REPLACED = """BAN TUYÊN GIÁO TRUNG ƯƠNG
Số 31-HD/BTGTW
Hà Nội, ngày 30 tháng 12 năm 2011

HƯỚNG DẪN
về xây dựng đội ngũ báo cáo viên

I. TIÊU CHUẨN BÁO CÁO VIÊN
1. Báo cáo viên cấp huyện phải có trình độ trung cấp lý luận chính trị trở lên.
2. Mỗi huyện ủy có từ 15 đến 20 báo cáo viên, được công nhận cho nhiệm kỳ 5 năm.
"""
# A short text written for this test in the form of the real Hướng dẫn 31-HD/BTGTW (not its real content);
# 40-HD/BTGDVTW (tests/data/party) states: "Hướng dẫn này thay thế Hướng dẫn số 31-HD/BTGTW …".


@pytest.fixture
def replaced_library(fresh_engine: Engine, tmp_path: Path) -> Engine:
    old = tmp_path / "31-HD-BTGTW.txt"
    old.write_text(REPLACED, encoding="utf-8")
    assert fresh_engine.ingest_path(old).status == "added"
    return fresh_engine


def test_an_answer_from_a_replaced_document_says_so(replaced_library: Engine) -> None:
    question = "Mỗi huyện ủy có bao nhiêu báo cáo viên?"
    before = replaced_library.ask(question)
    assert before.found and before.citations[0].doc_number == "31-HD/BTGTW" and not before.citations[0].notices
    assert replaced_library.ingest_path(party_path("40-HD-BTGDVTW.txt")).status == "added"
    after = replaced_library.ask(question)
    cited = next(c for c in after.citations if c.doc_number == "31-HD/BTGTW")
    [notice] = cited.notices
    assert (notice.kind, notice.doc_number) == ("replaces", "40-HD/BTGDVTW")
    assert notice.quote.startswith("Hướng dẫn này thay thế Hướng dẫn số 31-HD/BTGTW")
    text = answer_text(after)
    assert "được thay thế bởi 40-HD/BTGDVTW" in text and "«Hướng dẫn này thay thế" in text
    document = replaced_library.resolve("40-HD/BTGDVTW")
    assert document is not None
    replaced_library.remove(document.id)  # the newer document leaves: the notice goes with it
    assert not next(c for c in replaced_library.ask(question).citations if c.doc_number == "31-HD/BTGTW").notices


def test_which_document_replaces_is_answered_from_the_relation(replaced_library: Engine) -> None:
    assert replaced_library.ingest_path(party_path("40-HD-BTGDVTW.txt")).status == "added"
    for question in ("Văn bản nào thay thế Hướng dẫn 31?", "huong dan 31-HD/BTGTW con hieu luc khong",
                     "HD 31 bị thay thế bởi văn bản nào?"):
        answer = replaced_library.ask(question)
        assert answer.found, question
        assert answer.citations[0].doc_number == "40-HD/BTGDVTW"
        assert answer.citations[0].quote.startswith("Hướng dẫn này thay thế Hướng dẫn số 31-HD/BTGTW")
    # the target need not be in the library: Quy định 270 never was
    assert replaced_library.ingest_path(party_path("383-QD-TW.txt")).status == "added"
    answer = replaced_library.ask("quy định nào thay thế quy định 270?")
    assert answer.found and answer.citations[0].doc_number == "383-QĐ/TW"
    outgoing = replaced_library.ask("Quy định 383 thay thế văn bản nào?")
    assert outgoing.found and "270-QĐ/TW" in outgoing.citations[0].quote


def test_docs_show_lists_relations_both_ways(replaced_library: Engine) -> None:
    replaced_library.ingest_path(party_path("40-HD-BTGDVTW.txt"))
    new = replaced_library.resolve("40-HD/BTGDVTW")
    old = replaced_library.resolve("31-HD/BTGTW")
    assert new is not None and old is not None
    lines = "\n".join(relation_lines(*replaced_library.relations(new.id)))
    assert "thay thế: 31-HD/BTGTW — Hướng dẫn về xây dựng đội ngũ báo cáo viên" in lines
    assert "căn cứ: Chỉ thị số 30-CT/TW (được nhắc đến, chưa có trong kho)" in lines
    lines = "\n".join(relation_lines(*replaced_library.relations(old.id)))
    assert "được thay thế bởi 40-HD/BTGDVTW" in lines and "«Hướng dẫn này thay thế" in lines


def test_through_telegram_the_answer_flags_the_replaced_document_and_doc_lists_relations(
    fake_telegram: FakeTelegram, replaced_library: Engine, tmp_path: Path
) -> None:
    assert replaced_library.ingest_path(party_path("40-HD-BTGDVTW.txt")).status == "added"
    bot = BotHarness(fake_telegram, replaced_library, tmp_path / "bot").start()
    try:
        member = bot.member(5001, "Lan")
        reply = "\n".join(m["html"] for m in bot.ask(member, "Mỗi huyện ủy có bao nhiêu báo cáo viên?"))
        assert "31-HD/BTGTW" in reply and "15 đến 20 báo cáo viên" in reply
        assert "⚠ Lưu ý: văn bản này được thay thế bởi 40-HD/BTGDVTW" in reply
        assert "Hướng dẫn này thay thế Hướng dẫn số 31-HD/BTGTW" in reply
        (card,) = bot.say(member, "/doc 40-HD/BTGDVTW")
        assert "thay thế: 31-HD/BTGTW" in card["html"]
        assert "căn cứ: Chỉ thị số 30-CT/TW (được nhắc đến, chưa có trong kho)" in card["html"]
        (card,) = bot.say(member, "/doc HD 31")
        assert "được thay thế bởi 40-HD/BTGDVTW" in card["html"]
    finally:
        bot.stop()
