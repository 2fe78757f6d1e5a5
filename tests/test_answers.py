"""Questions against real Party documents: cited, verbatim, in Vietnamese with or without marks, or Chinese."""

from __future__ import annotations

import re

import pytest

from index.engine import Engine, QuestionError
from index.quotes import QuoteMismatch, verify_quote
from tests.corpus import DATA, party_path, read


def _compact(text: str) -> str:
    return " ".join(text.split())


def test_answer_quotes_the_document_verbatim_with_citation(party_engine: Engine) -> None:
    answer = party_engine.ask("Nghị quyết 57 đặt mục tiêu gì về chuyển đổi số đến năm 2030?")
    assert answer.found
    first = answer.citations[0]
    assert first.doc_number == "57-NQ/TW"
    assert first.date == "2024-12-22"
    assert first.title and "khoa học" in first.title
    assert first.locator
    assert _compact(first.quote) in _compact(read(party_path("57-NQ-TW.txt")))
    assert "2030" in first.quote


def test_every_citation_matches_the_stored_source_at_its_offsets(party_engine: Engine) -> None:
    answer = party_engine.ask("Mục tiêu đến năm 2045 của phát triển giáo dục và đào tạo là gì?")
    assert answer.found
    for citation in answer.citations:
        document = party_engine.document(citation.document_id)
        assert document is not None and document.active_version is not None
        source = party_engine.catalog.version_text(document.active_version)
        start, end = citation.offsets
        assert source[start:end] == citation.quote
        for s, e in citation.highlights:
            assert 0 <= s < e <= len(citation.quote)


def test_quote_verification_refuses_altered_text(party_engine: Engine) -> None:
    answer = party_engine.ask("Nghị quyết 57 đặt mục tiêu gì về chuyển đổi số đến năm 2030?")
    citation = answer.citations[0]
    document = party_engine.catalog.document(citation.document_id)
    assert document is not None and document.active_version is not None
    version = document.active_version
    start, end = citation.offsets
    verify_quote(party_engine.catalog.source_slice(version, start, end), citation.quote, citation.offsets)
    with pytest.raises(QuoteMismatch):  # one word changed
        verify_quote(party_engine.catalog.source_slice(version, start, end), citation.quote + " tốt", (start, end))
    with pytest.raises(QuoteMismatch):  # shifted by one character
        verify_quote(party_engine.catalog.source_slice(version, start + 1, end + 1), citation.quote, (start, end))


def test_question_without_diacritics_finds_the_same_passage(party_engine: Engine) -> None:
    marked = party_engine.ask("Nghị quyết 71 về đột phá phát triển giáo dục đặt mục tiêu gì đến năm 2030?")
    bare = party_engine.ask("nghi quyet 71 ve dot pha phat trien giao duc dat muc tieu gi den nam 2030?")
    assert marked.found and bare.found
    assert bare.citations[0].doc_number == "71-NQ/TW"
    assert {c.chunk_id for c in bare.citations} & {c.chunk_id for c in marked.citations}


def test_d_folds_to_d_in_keyword_search(party_engine: Engine) -> None:
    hits = party_engine.retrieve("dang uy dang doan ban can su dang", limit=5, mode="keyword")
    assert hits, "diacritic-free query with đ→d found nothing"
    texts = party_engine.catalog.chunks([h.chunk_id for h in hits])
    assert any("Đảng" in c.text or "đảng" in c.text for c in texts.values())


def test_diacritics_restored_for_the_dense_query(party_engine: Engine) -> None:
    restored = party_engine.dense_query("dot pha phat trien khoa hoc cong nghe va chuyen doi so")
    assert "đột phá" in restored and "khoa học" in restored and "chuyển đổi số" in restored


def test_chinese_question_retrieves_the_vietnamese_passage(party_engine: Engine) -> None:
    question = "关于教育和培训发展突破的决议提出了哪些目标？"
    hits = party_engine.retrieve(question, limit=3, mode="dense")
    top = party_engine.catalog.chunks([hits[0].chunk_id])[hits[0].chunk_id]
    document = party_engine.document(top.document_id)
    assert document is not None and document.number == "71-NQ/TW"
    # Cross-lingual similarities run lower, so the answer may be withheld — but it points at the right document
    answer = party_engine.ask(question)
    first = answer.citations[0].doc_number if answer.found else answer.closest[0].doc_number
    assert first == "71-NQ/TW"


def test_user_guide_answers_how_to_upload(party_engine: Engine) -> None:
    answer = party_engine.ask("làm thế nào để tải văn bản lên?")
    assert answer.found
    first = answer.citations[0]
    assert first.title and "nqbot" in first.title.lower()
    assert "tải văn bản lên" in first.quote or "gửi tệp" in first.quote
    assert first.locator.startswith("Mục III")


def test_named_document_restricts_the_search(party_engine: Engine) -> None:
    answer = party_engine.ask("KL 127 yêu cầu nghiên cứu những nội dung gì?")
    assert answer.found
    assert {c.doc_number for c in answer.citations} == {"127-KL/TW"}


def test_unknown_document_is_reported(party_engine: Engine) -> None:
    answer = party_engine.ask("Nghị quyết số 999-NQ/TW quy định gì về tiền lương?")
    assert answer.unknown_mentions


@pytest.mark.parametrize(
    "question",
    ["Cách nấu phở bò ngon tại nhà?", "Đội tuyển bóng đá nào vô địch World Cup 2018?", "今天天气怎么样？"],
)
def test_question_without_evidence_is_not_answered(party_engine: Engine, question: str) -> None:
    answer = party_engine.ask(question)
    assert not answer.found
    assert not answer.citations
    assert answer.closest


@pytest.mark.parametrize(
    ("question", "code"), [("   ", "empty"), ("🙏🙏🙏", "empty"), ("a" * 10_000, "too_long")]
)
def test_unaskable_questions_raise_a_coded_error(party_engine: Engine, question: str, code: str) -> None:
    with pytest.raises(QuestionError) as error:
        party_engine.ask(question)
    assert error.value.code == code


def test_follow_up_prefers_the_previous_document(party_engine: Engine) -> None:
    first = party_engine.ask("Nghị quyết 71 đặt mục tiêu gì đến năm 2030?")
    assert first.citations[0].doc_number == "71-NQ/TW"
    follow = party_engine.ask(
        "còn mục tiêu đến năm 2045 thì sao?", context_document=first.citations[0].document_id
    )
    assert follow.found
    assert follow.citations[0].doc_number == "71-NQ/TW"


def test_chinese_document_answers_chinese_question(fresh_engine: Engine) -> None:
    report = fresh_engine.ingest_path(DATA / "zh" / "bao-cao-hoc-tap-zh.txt")
    assert report.status == "added" and report.document is not None and report.document.active_version
    chunk_ids = fresh_engine.catalog.chunk_ids([report.document.active_version])
    assert len(chunk_ids) > 1
    # Han text costs the tokenizer twice as much: its passages are cut shorter to fit the 512-token window
    assert all(len(c.text) <= 600 for c in fresh_engine.catalog.chunks(chunk_ids).values())
    answer = fresh_engine.ask("机关党委现在共有多少名党员？")
    assert answer.found
    assert "1250" in answer.citations[0].quote


def test_chinese_words_bring_their_vietnamese_terms() -> None:
    from documents.glossary import bridge

    terms = bridge("第57号决议到2030年数字经济规模占GDP多少？")
    assert {"nghị quyết", "kinh tế số", "năm 2030"} <= set(terms)


def test_a_chinese_question_naming_a_resolution_is_answered_from_it(party_engine: Engine) -> None:
    answer = party_engine.ask("第57号决议对数字经济规模有什么目标？")
    assert answer.found and answer.named_documents
    assert answer.citations[0].doc_number == "57-NQ/TW"
    assert any("kinh tế số" in c.quote for c in answer.citations)
    elite = party_engine.ask("第71号决议要建设几所精英大学？")  # 精英 ↔ tinh hoa
    assert elite.found and "đại học tinh hoa" in elite.citations[0].quote


def test_a_document_not_in_the_library_is_not_answered_from_others(party_engine: Engine) -> None:
    answer = party_engine.ask("Nghị quyết 999 về tinh gọn bộ máy quy định những gì?")
    assert not answer.found and answer.unknown_mentions == ["999-NQ"]


def test_a_document_not_in_the_library_is_answered_from_the_passages_that_speak_of_it(fresh_engine: Engine) -> None:
    for name in ("75-TB-TW.txt", "127-KL-TW.txt", "57-NQ-TW.txt"):
        assert fresh_engine.ingest_path(party_path(name)).status == "added"
    about = fresh_engine.ask("Nghị quyết 18 về tinh gọn bộ máy quy định những gì?")
    assert about.found and about.unknown_mentions == ["18-NQ"]
    assert "Nghị quyết số 18-NQ/TW" in about.citations[0].quote
    assert all("Nghị quyết" in c.quote and "18" in c.quote for c in about.citations)
    when = fresh_engine.ask("bộ chính trị cho ý kiến về việc điều chỉnh đối tượng của nghị định 178 ngày nào")
    assert when.found and when.unknown_mentions == ["178-NĐ"]
    assert when.citations[0].doc_number == "75-TB/TW" and "178/2024/NĐ-CP" in when.citations[0].quote


def test_broad_count_and_issue_questions_are_answered_from_structure(party_engine: Engine) -> None:
    card = party_engine.ask("NQ 57 nói gì?")
    assert card.found and card.card is not None and card.card.document.number == "57-NQ/TW"
    assert [s.title for s in card.card.sections][:2] == ["I- QUAN ĐIỂM CHỈ ĐẠO", "II- MỤC TIÊU"]
    count = party_engine.ask("Nghị quyết 57 có mấy nhiệm vụ, giải pháp?")
    assert count.count is not None and len(count.count.points) == 7 and count.count.heading.startswith("III")
    assert count.citations[0].quote.startswith("7. Tăng cường hợp tác quốc tế")
    issued = party_engine.ask("nghi quyet 57 ban hanh ngay nao")
    assert "ngày 22 tháng 12 năm 2024" in issued.citations[0].quote


def test_a_section_heading_question_cites_that_section(party_engine: Engine) -> None:
    answer = party_engine.ask("nghi quyet 57 quan diem chi dao la gi")
    assert answer.found and answer.citations[0].locator.startswith("Mục I")
    goals = party_engine.ask("Nghị quyết 57 đặt mục tiêu gì về chuyển đổi số đến năm 2030?")
    assert goals.citations[0].locator.startswith("Mục II, điểm 1")
    assert all("Số: 57-NQ/TW" not in c.quote for c in goals.citations)  # the letterhead is not evidence


def test_a_named_document_with_weak_evidence_shows_its_closest_passage(party_engine: Engine) -> None:
    settings = party_engine.answerer.settings
    party_engine.answerer.settings = settings.model_copy(update={"answer_threshold": 1.5})
    try:
        answer = party_engine.ask("Nghị quyết 71 nói gì về học sinh dân tộc thiểu số?")
    finally:
        party_engine.answerer.settings = settings
    assert not answer.found and answer.nearest is not None and answer.nearest.doc_number == "71-NQ/TW"


def test_a_question_naming_the_wrong_document_points_to_the_one_that_says_it(party_engine: Engine) -> None:
    answer = party_engine.ask("Kết luận 127 nói gì về chi cho nghiên cứu phát triển R&D?")  # 57-NQ/TW says it
    assert answer.better_elsewhere and not answer.found
    assert answer.nearest is not None and answer.nearest.doc_number == "127-KL/TW"  # what the named one has
    assert answer.closest[0].doc_number == "57-NQ/TW"  # and where the member should look


def test_broad_questions_in_the_documents_own_words_get_its_card(party_engine: Engine) -> None:
    for question in ("Quy định 383 là quy định về cái gì", "Kết luận 127 của Bộ Chính trị nói về việc gì",
                     "nq 71 tom lai de cap chuyen gi"):
        answer = party_engine.ask(question)
        assert answer.card is not None, question
    resolution = party_engine.ask("NQ 57 nói gì?")  # a resolution says why it is issued where its preamble ends
    assert resolution.citations[0].quote.startswith("Đất nước ta đang đứng trước yêu cầu")


def test_a_part_asked_for_as_a_whole_is_cited_from_its_start(party_engine: Engine) -> None:
    answer = party_engine.ask("quan điểm chỉ đạo của NQ 57 là gì")
    assert [c.locator for c in answer.citations][:1] == ["Mục I, điểm 1"]


def test_a_part_asked_for_in_few_words_is_cited_from_its_start(party_engine: Engine) -> None:
    for question in ("NQ 57 mục tiêu là gì", "muc tieu cua nghi quyet 57 la gi"):  # too few words to retrieve it
        answer = party_engine.ask(question)
        assert [c.locator for c in answer.citations][:1] == ["Mục II, điểm 1"], question
        assert answer.citations[0].quote.startswith("II- MỤC TIÊU")


def test_a_year_asked_about_picks_the_part_for_that_year(party_engine: Engine) -> None:
    answer = party_engine.ask("nghi quyet 71 muc tieu den nam 2045 la gi")  # "1. Mục tiêu đến năm 2030" is not it
    assert answer.citations[0].locator == "Mục II, điểm 3"
    assert "Tầm nhìn đến năm 2045" in answer.citations[0].quote
    sooner = party_engine.ask("NQ 71 mục tiêu đến năm 2030")
    assert sooner.citations[0].locator == "Mục II, điểm 1"


def test_a_part_of_a_named_document_is_found_even_in_a_passage_of_several_articles(fresh_engine: Engine) -> None:
    assert fresh_engine.ingest_path(DATA / "party" / "384-QD-TW.txt").status == "added"
    answer = fresh_engine.ask("qd 384 ap dung cho doi tuong nao")  # "Điều 2. Đối tượng áp dụng", inside "Điều 1–2"
    assert answer.found
    first = answer.citations[0]
    assert first.locator == "Điều 1–2" and "Căn cứ" not in first.quote  # not the list of legal bases
    assert "Đối tượng áp dụng" in first.quote
    who = fresh_engine.ask("quy dinh 384 ap dung cho ai")  # no "đối tượng" in the question: the same article
    assert who.found and "Điều 2. Đối tượng áp dụng" in who.citations[0].quote
    assert "Các cơ quan đảng từ Trung ương đến cơ sở." in who.citations[0].quote


def test_chinese_questions_need_the_texts_own_vocabulary_to_be_answered(party_engine: Engine) -> None:
    answerable = party_engine.ask("到2045年越南的国民教育体系要进入世界前多少名？")
    assert answerable.found and answerable.citations[0].doc_number == "71-NQ/TW"
    about_the_party = party_engine.ask("越南共产党党员每个月要交多少党费？")  # no text here says it
    assert not about_the_party.found


def test_a_chinese_question_is_answered_when_its_meaning_and_its_glossary_terms_agree(party_engine: Engine) -> None:
    # Its dense similarity alone is below the Chinese threshold; the glossary's terms (档案 → lưu trữ, 中央 → Trung
    # ương) find the same document first, which makes the answer.
    answer = party_engine.ask("谁有权决定把中央党史档案馆的档案带出国？")
    assert answer.found and answer.citations[0].doc_number == "383-QĐ/TW"
    assert "Chánh Văn phòng Trung ương Đảng quyết định việc mang tài liệu lưu trữ" in answer.citations[0].quote
    assert not re.search(r"\n\s*\d+\.$", answer.citations[0].quote)  # the next point's bare "6." is left out
    # The same archive, a figure no text gives: its words and the document agree too, yet it stays unanswered.
    assert not party_engine.ask("中央党史档案馆目前一共保存了多少份档案卷宗？").found


def test_a_question_asking_when_or_how_many_needs_a_passage_that_states_one(party_engine: Engine) -> None:
    # Regulation 383 speaks of the Party's archive fonds at length, but gives no year for its oldest record.
    assert not party_engine.ask("越南共产党档案全宗里保存的最早的文件是哪一年的？").found
    kept = party_engine.ask("党的机关把文件移交现行档案室的期限最长是多久？")  # the article gives the time limit
    assert kept.found and kept.citations[0].doc_number == "383-QĐ/TW"


def test_what_an_answer_must_state_is_read_from_how_the_question_asks() -> None:
    from index.sections import states_answer

    duration = states_answer("thời hạn nộp lưu trữ là bao lâu")
    assert duration is not None and duration.search("trong thời hạn 10 năm") and not duration.search("vĩnh viễn")
    people = states_answer("第71号决议计划从国外招聘多少名优秀的大学教师？")
    assert people is not None and people.search("tuyển dụng ít nhất 2.000 giảng viên giỏi từ nước ngoài")
    assert states_answer("越南要求到2028年投资环境进入东盟前几名？") is None  # a rank, not a number of people
    # Words of a statement, not a question about a time: "có xác định thời hạn"; "khi nào" asks in which case too.
    assert states_answer("Viên chức có quyền chấm dứt hợp đồng làm việc có xác định thời hạn") is None
    assert states_answer("Cha mẹ không có nghĩa vụ chăm sóc con khi nào") is None


def test_who_signed_a_notice_without_letterhead_is_read_from_its_opening(fresh_engine: Engine) -> None:
    assert fresh_engine.ingest_path(DATA / "party" / "75-TB-TW.txt").status == "added"
    for question in ("TB 75 do ai ký", "tb 75 ban hanh ngay nao"):
        answer = fresh_engine.ask(question)
        assert answer.found, question
        assert "Trần Cẩm Tú đã ký Thông báo kết luận số 75-TB/TW ngày 7/3/2025" in answer.citations[0].quote


def test_one_sentence_saying_it_outranks_words_spread_over_a_passage() -> None:
    from index.quotes import sentence_share

    weights = {"kinh": 1.0, "te": 1.0, "so": 1.0, "gdp": 2.0}
    together = "Mở đầu. Quy mô kinh tế số đạt tối thiểu 30% GDP. Kết thúc."
    spread = "Phát triển kinh tế. Chuyển đổi số. Tăng trưởng GDP."
    assert sentence_share(weights, together) == 1.0
    assert sentence_share(weights, spread) == 0.4
    assert sentence_share({}, together) == 0.0


def test_words_typed_with_diacritics_match_only_the_same_words() -> None:
    from index.quotes import question_weights, select_quote

    text = "Các chỉ số đạt mức trung bình. Đặt mục tiêu cụ thể cho từng năm."
    _, _, marks = select_quote("đặt mục tiêu gì", text)
    assert [text[s:e] for s, e in marks] == ["Đặt mục tiêu cụ thể cho từng năm."]
    assert set(question_weights("đặt mục")) == {"đặt", "mục", "đặtmục"}
    assert set(question_weights("dat muc")) == {"dat", "muc", "datmuc"}  # typed without marks: folded
    _, _, marks = select_quote("dat muc", text)  # typed without marks, both readings match
    assert marks


def test_how_long_is_answered_by_the_sentence_with_a_duration() -> None:
    from index.quotes import select_quote
    from index.sections import wanted

    text = ("Khi phát hiện vi phạm, đơn vị chủ quản thông báo bằng văn bản theo mẫu ban hành ngày 01/7/2025. "
            "Việc thông báo cho đơn vị khai thác thực hiện chậm nhất 1 ngày làm việc.")
    question = "phát hiện vi phạm thì đơn vị chủ quản phải thông báo cho đơn vị khai thác trong bao lâu"
    _, _, marks = select_quote(question, text, wanted=wanted(question))
    assert text[text.index("Việc"):] in [text[s:e] for s, e in marks]  # not only the sentence with a date
    when = wanted("quy định có hiệu lực từ ngày nào")
    assert when is not None and when.search("ngày 01/7/2025") and not when.search("1 ngày làm việc")


def test_a_part_asked_for_is_quoted_from_that_part_only(party_engine: Engine) -> None:
    answer = party_engine.ask("Nghị quyết 57 đặt mục tiêu gì về chuyển đổi số đến năm 2030?")
    assert answer.found and len(answer.citations) >= 2
    assert all(c.locator.startswith("Mục II, điểm 1") for c in answer.citations)  # not the preamble's mention


def test_yes_no_and_which_document_framing_does_not_change_the_search(party_engine: Engine) -> None:
    from index.framing import without_framing

    statement = "cơ sở giáo dục có được miễn tiền thuê đất"
    assert without_framing(f"{statement} không?") == without_framing(f"{statement} ko") == statement
    assert without_framing("van ban nao quy dinh ve phong luu tru") == "quy dinh ve phong luu tru"
    assert without_framing("không") == "không"
    asked = party_engine.ask("cơ sở giáo dục ngoài công lập có được miễn tiền thuê đất không?")
    stated = party_engine.ask("cơ sở giáo dục ngoài công lập có được miễn tiền thuê đất")
    assert asked.found and [c.chunk_id for c in asked.citations] == [c.chunk_id for c in stated.citations]
    assert asked.citations[0].doc_number == "71-NQ/TW"


def test_a_card_quotes_where_the_text_says_why_and_what_it_covers(fresh_engine: Engine) -> None:
    for name in ("66-NQ-TW.txt", "1147-QD-BTGDVTW.txt"):
        assert fresh_engine.ingest_path(party_path(name)).status == "added"
    resolution = fresh_engine.ask("nghi quyet 66 noi ve gi")  # a press text: its headings are "### …" lines
    assert resolution.card is not None
    assert "Từ tình hình trên, Bộ Chính trị yêu cầu" in resolution.citations[0].quote
    regulation = fresh_engine.ask("quy chế 1147 nói về cái gì")
    assert regulation.card is not None
    assert any("Phạm vi điều chỉnh" in c.quote for c in regulation.citations)
    assert fresh_engine.ask("QĐ 1147 ban hành nhằm mục đích gì").card is not None


def test_a_document_described_by_its_subject_is_the_one_named(party_engine: Engine) -> None:
    by_number = {d.number: d.id for d in party_engine.documents()}
    chinese = party_engine.ask("政治局关于科技、创新和数字化转型的决议对数字经济规模有什么目标？")
    assert chinese.named_documents == [by_number["57-NQ/TW"]]
    assert chinese.found and {c.doc_number for c in chinese.citations} == {"57-NQ/TW"}
    vietnamese = party_engine.ask("quy dinh ve phong luu tru Dang Cong san Viet Nam giao ai quan ly")
    assert vietnamese.named_documents == [by_number["383-QĐ/TW"]]
    unknown = party_engine.ask("政治局关于私营经济发展的决议有什么目标？")  # a resolution the library does not have
    assert not unknown.named_documents


def test_points_are_counted_in_a_press_text_too(fresh_engine: Engine) -> None:
    for name in ("66-NQ-TW.txt", "07-KL-VPTW.txt"):
        assert fresh_engine.ingest_path(party_path(name)).status == "added"
    views = fresh_engine.ask("NQ 66 gồm bao nhiêu quan điểm chỉ đạo")  # "### Cụ thể, về quan điểm chỉ đạo:"
    assert views.count is not None and len(views.count.points) == 5
    assert views.count.points[3].startswith("4. Nâng cao hiệu quả thi hành pháp luật")  # inside "điểm 3–4"
    assert views.citations[0].quote.startswith("5. Đầu tư cho công tác xây dựng chính sách")
    tasks = fresh_engine.ask("nq 66 co bao nhieu nhiem vu giai phap")  # "#### 1. …" headings
    assert tasks.count is not None and tasks.count.points[-1].startswith("7. Thực hiện cơ chế tài chính đặc biệt")
    assert any("7 nhiệm vụ, giải pháp lớn" in c.quote for c in tasks.citations)  # where the section says it
    one = fresh_engine.ask("kl 07 vptw co bao nhieu nhiem vu trong tam")  # "(1) … (6)" under one numbered part
    assert one.count is None
