"""Inline keyboards (pure): answer buttons, upload preview, document pages, language choice."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.access import Caller
from bot.asking import Answered
from bot.i18n import LANGUAGES, t
from bot.telegram.callbacks import Kind, encode
from bot.telegram.render import DocFilter
from index.citations import Citation

LANGUAGE_NAMES = {"vi": "Tiếng Việt", "zh": "中文", "en": "English"}


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def answer_keyboard(citations: Sequence[Citation], question_id: int, lang: str, *, downloads: bool,
                    vote: int = 0) -> InlineKeyboardMarkup:
    """Per citation: whole passage, section, outline (first citation of each document), download (when
    members may download); then 👍 / 👎 for the whole answer (``vote`` marks the one already given)."""
    rows: list[list[InlineKeyboardButton]] = []
    seen_documents: set[int] = set()
    for n, citation in enumerate(citations, 1):
        row = [
            _button(t("tg.btn.passage", lang, n=n), encode(Kind.PASSAGE, citation.chunk_id)),
            _button(t("tg.btn.section", lang, n=n), encode(Kind.SECTION, citation.chunk_id)),
        ]
        if citation.document_id not in seen_documents:
            seen_documents.add(citation.document_id)
            row.append(_button(t("tg.btn.outline", lang, n=n), encode(Kind.OUTLINE, citation.document_id)))
            if downloads:
                row.append(_button(t("tg.btn.download", lang, n=n), encode(Kind.DOWNLOAD, citation.document_id)))
        row.append(save_button(citation.chunk_id, citation.offsets, lang, n))
        rows.append(row)
    rows.append(feedback_row(question_id, vote))
    return InlineKeyboardMarkup(rows)


def save_button(chunk_id: int, offsets: tuple[int, int], lang: str, n: int | None = None) -> InlineKeyboardButton:
    """💾 Lưu: keeps the quoted passage in the member's /saved list."""
    text = t("tg.btn.save", lang) if n is None else t("tg.btn.save_n", lang, n=n)
    return _button(text, encode(Kind.SAVE, chunk_id, *offsets))


def feedback_row(question_id: int, vote: int = 0) -> list[InlineKeyboardButton]:
    up = "👍 ✓" if vote > 0 else "👍"
    down = "👎 ✓" if vote < 0 else "👎"
    return [_button(up, encode(Kind.FEEDBACK, question_id, "u")),
            _button(down, encode(Kind.FEEDBACK, question_id, "d"))]


def not_found_keyboard(question_id: int, vote: int = 0) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([feedback_row(question_id, vote)])


def document_keyboard(document_id: int, lang: str, *, downloads: bool) -> InlineKeyboardMarkup | None:
    row = [_button(t("tg.btn.outline_full", lang), encode(Kind.OUTLINE, document_id))]
    if downloads:
        row.append(_button(t("tg.btn.download_doc", lang), encode(Kind.DOWNLOAD, document_id)))
    return InlineKeyboardMarkup([row])


def upload_keyboard(upload_id: int, lang: str, *, exists: bool) -> InlineKeyboardMarkup:
    if exists:
        first = _button(t("tg.btn.replace", lang), encode(Kind.UPLOAD, upload_id, "rep"))
    else:
        first = _button(t("tg.btn.confirm", lang), encode(Kind.UPLOAD, upload_id, "ok"))
    return InlineKeyboardMarkup([[first, _button(t("tg.btn.cancel", lang), encode(Kind.UPLOAD, upload_id, "no"))]])


def documents_keyboard(page: int, pages: int, flt: DocFilter, type_codes: Sequence[str],
                       lang: str) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    if pages > 1:
        nav: list[InlineKeyboardButton] = []
        if page > 0:
            nav.append(_button("◀", encode(Kind.DOCS_PAGE, page - 1, flt.type_code, flt.year)))
        nav.append(_button(f"{page + 1}/{pages}", encode(Kind.DOCS_PAGE, page, flt.type_code, flt.year)))
        if page < pages - 1:
            nav.append(_button("▶", encode(Kind.DOCS_PAGE, page + 1, flt.type_code, flt.year)))
        rows.append(nav)
    if len(type_codes) > 1 or flt.active:
        filters = [_button(("• " if code == flt.type_code else "") + code,
                           encode(Kind.DOCS_PAGE, 0, code, flt.year)) for code in type_codes[:6]]
        filters.append(_button(t("tg.btn.all", lang), encode(Kind.DOCS_PAGE, 0, "", "")))
        rows.extend(filters[i:i + 4] for i in range(0, len(filters), 4))
    return InlineKeyboardMarkup(rows) if rows else None


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button(LANGUAGE_NAMES[code], encode(Kind.LANGUAGE, code)) for code in LANGUAGES]])


def answer_markup(answered: Answered, caller: Caller) -> InlineKeyboardMarkup:
    """The buttons under an answer (download buttons by :meth:`Caller.may_download`), or 👍/👎 alone."""
    answer = answered.answer
    if not answer.found:
        return not_found_keyboard(answered.question_id)
    return answer_keyboard(answer.citations, answered.question_id, caller.lang, downloads=caller.may_download())
