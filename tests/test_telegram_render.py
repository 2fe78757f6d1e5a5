"""Pure parts of the Telegram front end: HTML rendering and splitting, keyboards, callback data."""

from __future__ import annotations

import html
import re

import pytest

from bot.i18n import LANGUAGES, catalog
from bot.telegram.callbacks import MAX_BYTES, Callback, Kind, decode, encode
from bot.telegram.keyboards import answer_keyboard, documents_keyboard, upload_keyboard
from bot.telegram.render import (
    DocFilter,
    answer_messages,
    citation_html,
    documents_page,
    highlighted,
    parse_doc_filter,
    passage_messages,
    preview_html,
    type_code,
)
from bot.telegram.split import TELEGRAM_LIMIT, esc, split_html, utf16_len, visible_len, visible_text
from documents.model import Chunk, DocIdentity, Extracted, ParsedDocument, Section
from index.citations import Answer, Citation, ClosestDocument
from index.rows import ChunkRow, DocumentRow

ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote"}


def balanced(fragment: str) -> bool:
    """Tags properly nested, only Telegram's tags, no raw '<' or '&' outside entities."""
    stack: list[str] = []
    for match in re.finditer(r"<(/?)([a-z-]+)[^>]*>", fragment):
        closing, name = match.group(1), match.group(2)
        if name not in ALLOWED_TAGS:
            return False
        if closing:
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    text = re.sub(r"<[^>]*>", "", fragment)
    return not stack and "<" not in text and ">" not in text and not re.search(r"&(?!(lt|gt|amp|quot);)", text)


def citation(n: int = 1, quote: str = "Đến năm 2030, kinh tế số đạt 30% GDP.", *, document_id: int = 1,
             title: str = "về đột phá phát triển <khoa học> & công nghệ", **kwargs: object) -> Citation:
    defaults: dict[str, object] = dict(
        document_id=document_id, chunk_id=100 + n, doc_number="57-NQ/TW", doc_type="Nghị quyết", title=title,
        date="2024-12-22", locator="Mục II, điểm 1", quote=quote, score=0.9, source="57-NQ-TW.txt",
        highlights=((0, len(quote)),),
    )
    defaults.update(kwargs)
    return Citation(**defaults)  # type: ignore[arg-type]


def document(number: str | None = "57-NQ/TW", title: str | None = "về khoa học", **kwargs: object) -> DocumentRow:
    defaults: dict[str, object] = dict(
        id=1, doc_key=number or "file:x", number=number, doc_type="Nghị quyết", issuer="Bộ Chính trị",
        date="2024-12-22", title=title, active_version=1, chunk_count=10, version_no=1, source_name="x.txt",
    )
    defaults.update(kwargs)
    return DocumentRow(**defaults)  # type: ignore[arg-type]


# splitting ---------------------------------------------------------------------------------------------
def test_utf16_counts_astral_characters_twice() -> None:
    assert utf16_len("a😀") == 3
    assert visible_len("<b>a &lt; b</b>") == 5


def test_short_text_is_one_message() -> None:
    assert split_html("<b>xin chào</b>") == ["<b>xin chào</b>"]


def test_long_blockquote_is_split_with_tags_reopened() -> None:
    paragraph = "Đây là một câu khá dài về phát triển khoa học và công nghệ & chuyển đổi số. " * 12
    text = "<b>Tiêu đề</b>\n<blockquote expandable>" + esc("\n\n".join([paragraph] * 8)) + "</blockquote>"
    parts = split_html(text, 4000)
    assert len(parts) >= 2
    for part in parts:
        assert visible_len(part) <= 4000
        assert balanced(part), part[:200]
    assert parts[1].startswith("<blockquote expandable>")
    joined = "".join(visible_text(p) for p in parts)
    assert joined.replace("\n", "").replace(" ", "") == visible_text(text).replace("\n", "").replace(" ", "")


def test_split_never_cuts_inside_an_entity_or_a_surrogate_pair() -> None:
    text = ("&amp;😀" * 3000)
    parts = split_html(text, 1000)
    for part in parts:
        assert balanced(part)
        assert utf16_len(html.unescape(part)) <= 1000
    assert "".join(html.unescape(p) for p in parts) == "&😀" * 3000


def test_split_prefers_paragraph_boundaries() -> None:
    text = "\n\n".join(f"Đoạn {i}: " + "chữ " * 150 for i in range(10))
    parts = split_html(esc(text), 2000)
    assert all(part.startswith("Đoạn") for part in parts)


def test_six_thousand_character_answer_is_split_below_the_limit() -> None:
    quote = ("Nhiệm vụ trọng tâm là hoàn thiện thể chế, phát triển hạ tầng số. " * 20).strip()
    answer = Answer("q", True, [citation(i, quote, document_id=i) for i in range(1, 8)])
    messages = answer_messages(answer, "vi")
    assert sum(visible_len(m) for m in messages) > 6000
    assert len(messages) >= 3
    for message in messages:
        assert visible_len(message) <= TELEGRAM_LIMIT
        assert balanced(message)
    assert all(m.count("<blockquote") <= 3 for m in messages)  # at most three citations per message
    assert sum(m.count("<blockquote") for m in messages) == 7


# answers -----------------------------------------------------------------------------------------------
def test_citation_html_escapes_and_highlights() -> None:
    quote = "Câu đầu <không> & phải. Câu thứ hai trả lời."
    rendered = citation_html(1, citation(1, quote, highlights=((24, len(quote)),)), "vi")
    assert "<b>[1] 57-NQ/TW — về đột phá phát triển &lt;khoa học&gt; &amp; công nghệ</b>" in rendered
    assert "<i>Mục II, điểm 1</i> · ngày 22/12/2024" in rendered
    assert "<blockquote>Câu đầu &lt;không&gt; &amp; phải. <b>Câu thứ hai trả lời.</b></blockquote>" in rendered
    assert balanced(rendered)


def test_long_quote_is_expandable_and_repeated_document_is_short() -> None:
    long_quote = "Phát triển khoa học. " * 40
    answer = Answer("q", True, [citation(1, long_quote), citation(2, "Ngắn.")])
    html_text = answer_messages(answer, "vi")[0]
    assert "<blockquote expandable>" in html_text
    assert "<b>[2] 57-NQ/TW</b>" in html_text


def test_highlight_spans_are_clipped_and_ordered() -> None:
    assert highlighted("abcdef", [(4, 99), (0, 2), (1, 3)]) == "<b>ab</b><b>c</b>d<b>ef</b>"


def test_not_found_names_the_closest_documents() -> None:
    closest = [ClosestDocument(1, "57-NQ/TW", "về <khoa học>"), ClosestDocument(2, None, "Hướng dẫn")]
    answer = Answer("q", False, closest=closest)
    (message,) = answer_messages(answer, "vi")
    assert "Không tìm thấy" in message
    assert "<b>57-NQ/TW</b> — về &lt;khoa học&gt;" in message and "<b>Hướng dẫn</b>" in message
    assert balanced(message)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answers_render_in_every_language(lang: str) -> None:
    found = answer_messages(Answer("q", True, [citation()]), lang)
    missing = answer_messages(Answer("q", False, unknown_mentions=["999-NQ"]), lang)
    assert all(balanced(m) for m in found + missing)
    assert catalog(lang)["answer.header"] in found[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_passages_speaking_of_a_missing_document_say_it_is_missing(lang: str) -> None:
    messages = answer_messages(Answer("q", True, [citation()], unknown_mentions=["178-NĐ"]), lang)
    missing = answer_messages(Answer("q", False, unknown_mentions=["178-NĐ"]), lang)
    assert "178-NĐ" in messages[0] and messages[0] != missing[0]
    assert catalog(lang)["answer.unknown_mention_cited"].split("{")[0] in messages[0]
    assert catalog(lang)["answer.unknown_mention"].split("{")[0] in missing[0]


def test_passage_view_of_a_long_section_is_split() -> None:
    chunks = [ChunkRow(i, 1, 1, i, f"Điểm {i}", "III", 0, 0, "Nội dung nhiệm vụ, giải pháp cụ thể. " * 60)
              for i in range(6)]
    messages = passage_messages(document(), chunks, "vi", section=True)
    assert len(messages) >= 3
    assert all(visible_len(m) <= 4000 and balanced(m) for m in messages)
    assert messages[0].startswith("<b>57-NQ/TW</b> — về khoa học")


# documents, previews -----------------------------------------------------------------------------------
def test_outline_entries_do_not_repeat_the_numbering() -> None:
    from bot.telegram.render import outline_entry

    assert outline_entry(Section("Mục I", "I. KẾT QUẢ", 0, 1)) == "I. KẾT QUẢ"
    assert outline_entry(Section("Mục II", "II- MỤC TIÊU", 0, 1)) == "II- MỤC TIÊU"
    assert outline_entry(Section("Điều 3", "Phạm vi", 0, 2)) == "Điều 3. Phạm vi"
    assert outline_entry(Section("Mục I", "Mục I", 0, 1)) == "Mục I"


def test_type_codes_and_filters() -> None:
    assert type_code("Nghị quyết") == "NQ"
    assert type_code("Quy định") == "QD"
    assert type_code(None) == "X"
    assert parse_doc_filter(["NQ", "2024"]) == DocFilter("NQ", "2024")
    assert parse_doc_filter(["nghị", "quyết"]) == DocFilter("NQ", "")
    assert parse_doc_filter(["2025"]) == DocFilter("", "2025")


def test_documents_page_paginates_and_filters() -> None:
    rows = [document(f"{i}-NQ/TW", f"tiêu đề {i}", id=i, date=f"20{20 + i % 5}-01-01") for i in range(1, 20)]
    rows.append(document("5-KL/TW", "kết luận", id=99, doc_type="Kết luận", date="2024-02-02"))
    html_text, page, pages = documents_page(rows, 1, DocFilter(), "vi")
    assert (page, pages) == (1, 3)
    assert "trang 2/3" in html_text
    html_text, page, pages = documents_page(rows, 0, DocFilter("KL", ""), "vi")
    assert "5-KL/TW" in html_text and "1-NQ/TW" not in html_text and pages == 1
    html_text, _, _ = documents_page(rows, 0, DocFilter("CT", ""), "vi")
    assert "Không có văn bản nào khớp" in html_text


def test_preview_shows_identity_outline_and_warnings() -> None:
    parsed = ParsedDocument(
        source_name="tb<920>.pdf",
        extracted=Extracted("x", "ocr", ("ocr",)),
        identity=DocIdentity("920-TB/TU", "Thông báo", "Tỉnh ủy", "2025-03-05", "Kết luận về chuyển đổi số"),
        chunks=[Chunk(0, "Mục I", "I", 0, 1, "x")] * 3,
        outline=[Section("I", "KẾT QUẢ", 0, 1), Section("1", "Số hóa", 10, 2)],
        warnings=["ocr", "identity_not_found", "something_new"],
    )
    rendered = preview_html(7, parsed, None, "vi")
    assert "«tb&lt;920&gt;.pdf»" in rendered
    for expected in ("920-TB/TU", "Thông báo", "Tỉnh ủy", "05/03/2025", "Số đoạn: 3", "• I. KẾT QUẢ", "◦ 1. Số hóa",
                     "OCR", "something_new"):
        assert expected in rendered
    exists = preview_html(7, parsed, document("920-TB/TU"), "en")
    assert "already in the library" in exists
    assert balanced(rendered) and balanced(exists)


# keyboards and callback data ---------------------------------------------------------------------------
def all_data(markup: object) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row]  # type: ignore[attr-defined]


def test_answer_keyboard_has_short_ids_only() -> None:
    citations = [citation(1, document_id=5, chunk_id=123456789), citation(2, document_id=5, chunk_id=7),
                 citation(3, document_id=6, chunk_id=8)]
    markup = answer_keyboard(citations, 99999999, "vi", downloads=True)
    data = all_data(markup)
    assert data == ["pa:123456789", "se:123456789", "ol:5", "dl:5", "sv:123456789:0:0", "pa:7", "se:7", "sv:7:0:0",
                    "pa:8", "se:8", "ol:6", "dl:6", "sv:8:0:0", "fb:99999999:u", "fb:99999999:d"]
    assert all(len(d.encode()) <= MAX_BYTES for d in data)
    assert "dl:5" not in all_data(answer_keyboard(citations, 1, "vi", downloads=False))


def test_upload_and_document_keyboards() -> None:
    assert all_data(upload_keyboard(3, "vi", exists=False)) == ["up:3:ok", "up:3:no"]
    assert all_data(upload_keyboard(3, "vi", exists=True)) == ["up:3:rep", "up:3:no"]
    markup = documents_keyboard(1, 3, DocFilter("NQ", "2024"), ["KL", "NQ"], "vi")
    assert markup is not None
    assert all_data(markup)[:3] == ["dp:0:NQ:2024", "dp:1:NQ:2024", "dp:2:NQ:2024"]
    assert documents_keyboard(0, 1, DocFilter(), ["NQ"], "vi") is None


def test_callback_encoding() -> None:
    assert decode(encode(Kind.FEEDBACK, 12, "u")) == Callback(Kind.FEEDBACK, ("12", "u"))
    assert decode("fb:x:u") is None
    assert decode("zz:1") is None
    assert decode(None) is None
    callback = decode("dp:2::2024")
    assert callback is not None and callback.arg(1) == "" and callback.arg(2) == "2024"
    with pytest.raises(ValueError):
        encode(Kind.PASSAGE, "x" * 70)


def test_callback_data_out_of_range_is_refused() -> None:
    """What this bot could not have produced decodes to None (ignored), never to an id SQLite cannot hold."""
    assert decode("pa:9223372036854775807") is not None
    for forged in ("pa:99999999999999999999", "pa:9223372036854775808", "pa:0", "pa:-3", "pa:١٢", "pa:²",
                   "pa:", "pa", "pa:1:2", "se:1e3", "ol: 7", "dl:7 ", "fb:1:x", "fb:1", "fb:99999999999999999999:u",
                   "up:1:maybe", "up:-1:ok", "dp:10000::", "dp:1:NQ:24", "dp:1:NQ", "dp:x::", "ln:xx", "ln:",
                   "ln:vi:en", "PA:1", "pa:" + "1" * 70):
        assert decode(forged) is None, forged


def test_answers_show_validity_notices_cards_counts_and_the_closest_passage() -> None:
    from index.citations import DocumentCard, Notice
    from index.sections import Count

    notice = Notice("replaces", 9, "40-HD/BTGDVTW", "Hướng dẫn <mới>", "2025-10-01",
                    "Hướng dẫn này thay thế Hướng dẫn số 31-HD/BTGTW.", "Mục IV")
    flagged = answer_messages(Answer("q", True, [citation(notices=(notice,))]), "vi")[0]
    assert "⚠ Lưu ý: văn bản này được thay thế bởi 40-HD/BTGDVTW (ngày 01/10/2025):" in flagged
    assert "Hướng dẫn này thay thế Hướng dẫn số 31-HD/BTGTW." in flagged and balanced(flagged)
    card = DocumentCard(document(), [Section("Mục I", "I- QUAN ĐIỂM CHỈ ĐẠO", 0, 1),
                                     Section("Mục II", "II- MỤC TIÊU <&>", 10, 1)])
    carded = answer_messages(Answer("NQ 57 nói gì?", True, [citation()], card=card), "en")[0]
    assert "Main parts:" in carded and "II- MỤC TIÊU &lt;&amp;&gt;" in carded and balanced(carded)
    chunk = ChunkRow(7, 1, 1, 30, "Mục III, điểm 7", "", 0, 10, "7. Hợp tác")
    count = Count("Mục III", "III- NHIỆM VỤ, GIẢI PHÁP", ["1. Một", "2. Hai", "3. Ba"], chunk, chunk)
    counted = answer_messages(Answer("mấy nhiệm vụ?", True, [citation()], count=count), "en")[0]
    assert "III- NHIỆM VỤ, GIẢI PHÁP has 3 points:" in counted and "• 3. Ba" in counted
    nearest = answer_messages(Answer("?", False, nearest=citation()), "vi")[0]
    assert "Chưa đủ căn cứ để trả lời. Đoạn gần nhất trong 57-NQ/TW:" in nearest and balanced(nearest)
    assert "kinh tế số đạt 30% GDP" in nearest
    from bot.render_text import answer_text
    from index.citations import ClosestDocument

    closest = [ClosestDocument(1, "57-NQ/TW", "Nghị quyết <về> KHCN"), ClosestDocument(2, "127-KL/TW", None)]
    misnamed = Answer("KL 127 … R&D?", False, nearest=citation(), named_documents=[2], better_elsewhere=True,
                      closest=closest)
    pointed = answer_messages(misnamed, "vi")[0]
    assert "Nội dung này có thể nằm trong văn bản khác: <b>57-NQ/TW</b>" in pointed and balanced(pointed)
    assert "127-KL/TW</b>" not in pointed.split("văn bản khác:")[1]  # not the one named
    assert "Another document may say this: 57-NQ/TW" in answer_text(misnamed, "en")
