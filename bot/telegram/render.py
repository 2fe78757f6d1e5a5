"""Telegram HTML for answers, passages, outlines, document lists, upload previews and admin reports.

Pure functions: data in, HTML strings out (already split below Telegram's limit where a reply can be long).
All document and user text is escaped here; catalog strings are escaped too and filled with HTML fields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.audit import AuditEntry
from bot.i18n import catalog, t, template
from bot.render_text import (
    audit_fields,
    better_elsewhere,
    card_lines,
    display_date,
    display_time,
    notice_line,
    relation_lines,
)
from bot.store import StatsReport, UserRow
from bot.telegram.split import MESSAGE_LIMIT, esc, join_blocks, split_html, visible_len
from bot.uploads import Cancelled, Expired, Failed, Indexed
from documents.model import ParsedDocument, Section
from documents.text import fold
from index.citations import Answer, Citation
from index.related import Related
from index.rows import ChunkRow, DocumentRow, VersionRow

#: Citations shown per message (an answer with more citations is sent as several messages).
CITATIONS_PER_MESSAGE = 3
#: Quotes longer than this (characters) or with more lines go into an expandable blockquote.
EXPANDABLE_CHARS = 400
EXPANDABLE_LINES = 6
PREVIEW_OUTLINE = 15
CARD_OUTLINE = 40
DOCS_PER_PAGE = 8


def th(key: str, lang: str, /, **fields: str | int | float) -> str:
    """A catalog message as HTML: the template is escaped, ``fields`` must already be HTML (or numbers)."""
    return esc(template(key, lang, fields)).format(**fields)


def lang_name(code: str) -> str:
    """A language's own name for itself (``中文``, ``English``…), as the language menu shows it."""
    return t(f"tg.lang.name.{code}", code)


def label_html(number: str | None, title: str | None) -> str:
    """``<b>57-NQ/TW</b> — title`` (number bold), or just the bold title."""
    if number and title:
        return f"<b>{esc(number)}</b> — {esc(title)}"
    return f"<b>{esc(number or title or '?')}</b>"


def highlighted(quote: str, spans: Sequence[tuple[int, int]]) -> str:
    """``quote`` escaped, with the answering sentences (``spans``) in bold."""
    out: list[str] = []
    position = 0
    for start, end in sorted(spans):
        start, end = max(start, position), min(end, len(quote))
        if end <= start:
            continue
        out.append(esc(quote[position:start]))
        out.append(f"<b>{esc(quote[start:end])}</b>")
        position = end
    out.append(esc(quote[position:]))
    return "".join(out)


def blockquote(inner_html: str, plain: str) -> str:
    long = len(plain) > EXPANDABLE_CHARS or plain.count("\n") >= EXPANDABLE_LINES
    return f"<blockquote expandable>{inner_html}</blockquote>" if long else f"<blockquote>{inner_html}</blockquote>"


def citation_html(n: int, citation: Citation, lang: str, *, repeat: bool = False) -> str:
    """One cited passage; ``repeat`` (same document as the citation before) shortens the heading."""
    if citation.doc_number and (repeat or not citation.title):
        heading = f"<b>[{n}] {esc(citation.doc_number)}</b>"
    elif citation.doc_number:
        heading = f"<b>[{n}] {esc(citation.doc_number)} — {esc(citation.title or '')}</b>"
    else:
        heading = f"<b>[{n}] {esc(citation.title or citation.source)}</b>"
    where = f"<i>{esc(citation.locator)}</i>" if citation.locator else ""
    date = display_date(citation.date)
    if date and not repeat:
        where += (" · " if where else "") + th("tg.cite.date", lang, date=esc(date))
    quote = blockquote(highlighted(citation.quote, citation.highlights), citation.quote)
    notices = [f"{esc(notice_line(n, lang))}\n{blockquote(esc(n.quote), n.quote)}<i>{esc(n.locator)}</i>"
               for n in citation.notices]
    return "\n".join(part for part in (heading, where, quote, *notices) if part)


def closest_html(answer: Answer, lang: str) -> str:
    lines = [th("tg.answer.closest_header", lang)]
    lines += [f"• {label_html(d.doc_number, d.title)}" for d in answer.closest]
    return "\n".join(lines)


def answer_messages(answer: Answer, lang: str, *, per_message: int = CITATIONS_PER_MESSAGE,
                    limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply to a question: cited passages, or a plain "not found" with the closest documents."""
    intro: list[str] = []
    if answer.unknown_mentions:
        key = "answer.unknown_mention_cited" if answer.found else "answer.unknown_mention"
        intro.append(th(key, lang, numbers=esc(", ".join(answer.unknown_mentions))))
    if not answer.found:
        intro.append(f"<b>{th('answer.not_found', lang)}</b>")
        if answer.nearest is not None:
            document = esc(answer.nearest.doc_number or answer.nearest.title or "?")
            intro.append(th("answer.nearest", lang, document=document))
            blocks = ["\n".join(intro), citation_html(1, answer.nearest, lang, repeat=True)]
            if elsewhere := better_elsewhere(answer):
                names = "; ".join(label_html(d.doc_number, d.title) for d in elsewhere)
                blocks.append(th("answer.better_elsewhere", lang, documents=names))
            return join_blocks(blocks, limit)
        if answer.closest:
            intro.append(closest_html(answer, lang))
        intro.append(th("tg.answer.not_found_hint", lang))
        return join_blocks(["\n".join(intro)], limit)
    if answer.card is not None:
        intro.append(esc("\n".join(card_lines(answer.card, lang))) + "\n")
    if answer.count is not None:
        count = answer.count
        intro.append(th("answer.count", lang, section=esc(count.heading), count=len(count.points)))
        intro.append("\n".join(f"• {esc(point)}" for point in count.points) + "\n")
    intro.append(f"<b>{th('answer.header', lang)}</b>")
    messages: list[str] = []
    citations = list(enumerate(answer.citations, 1))
    for first in range(0, len(citations), per_message):
        blocks = [citation_html(n, c, lang, repeat=n - 1 > first and c.document_id == citations[n - 2][1].document_id)
                  for n, c in citations[first:first + per_message]]
        if first == 0:
            blocks.insert(0, "\n".join(intro))
        messages.extend(join_blocks(blocks, limit))
    return messages


def question_error_html(code: str, lang: str, limit: int) -> str:
    return th(f"error.question_{code}", lang, limit=limit)


# passages, sections, outlines ---------------------------------------------------------------------------
def passage_messages(document: DocumentRow, chunks: Sequence[ChunkRow], lang: str, *, section: bool,
                     limit: int = MESSAGE_LIMIT) -> list[str]:
    """The whole passage (one chunk) or the surrounding section (several), split as needed."""
    head = [label_html(document.number, document.title)]
    head.append(th("tg.passage.section_header" if section else "tg.passage.header", lang))
    blocks = ["\n".join(head)]
    for chunk in chunks:
        locator = f"<i>{esc(chunk.locator)}</i>\n" if chunk.locator else ""
        blocks.append(f"{locator}{blockquote(esc(chunk.text), chunk.text)}")
    return join_blocks(blocks, limit)


def outline_entry(section: Section) -> str:
    """``Mục I. Title``, or just the title when it already starts with the numbering (``I- QUAN ĐIỂM``)."""
    title, locator = section.title.strip(), section.locator.strip()
    if not title or title == locator:
        return locator
    tail = locator.split()[-1] if locator else ""
    if tail and title.startswith(tail) and title[len(tail):len(tail) + 1] in (".", "-", ")", " ", ":"):
        return title
    return f"{locator}. {title}" if locator else title


def outline_lines(sections: Sequence[Section], limit: int | None = None) -> list[str]:
    lines: list[str] = []
    for section in sections[: limit or len(sections)]:
        indent = "   " * max(section.level - 1, 0)
        bullet = "•" if section.level <= 1 else "◦"
        text = outline_entry(section)
        lines.append(f"{indent}{bullet} {esc(text)}")
    return lines


def outline_messages(document: DocumentRow, sections: Sequence[Section], lang: str,
                     limit: int = MESSAGE_LIMIT) -> list[str]:
    head = f"{th('tg.outline.header', lang)}\n{label_html(document.number, document.title)}"
    if not sections:
        return [f"{head}\n\n{th('tg.outline.empty', lang)}"]
    return split_html(head + "\n\n" + "\n".join(outline_lines(sections)), limit)


def document_card_messages(document: DocumentRow, versions: Sequence[VersionRow], sections: Sequence[Section],
                           zone: ZoneInfo, lang: str, limit: int = MESSAGE_LIMIT,
                           relations: tuple[Sequence[Related], Sequence[Related]] = ((), ())) -> list[str]:
    """/doc: identity, version, outline, and its relations to other documents both ways."""
    lines = [label_html(document.number, document.title)]
    rows = [
        ("tg.doc.type", document.doc_type),
        ("tg.doc.issuer", document.issuer),
        ("tg.doc.date", display_date(document.date)),
        ("tg.doc.source", document.source_name),
    ]
    lines += [th(key, lang, value=esc(value)) for key, value in rows if value]
    active = next((v for v in versions if v.id == document.active_version), None)
    if active is not None:
        lines.append(th("tg.doc.version", lang, version=active.version_no, count=len(versions),
                        date=esc(display_time(active.created_at, zone, minutes=False)), chunks=active.chunk_count))
    else:
        lines.append(th("tg.doc.removed", lang))
    if sections:
        lines += ["", f"<b>{th('tg.outline.header', lang)}</b>"]
        lines += outline_lines(sections, CARD_OUTLINE)
        if len(sections) > CARD_OUTLINE:
            lines.append(th("tg.outline.more", lang, count=len(sections) - CARD_OUTLINE))
    related = relation_lines(*relations, lang=lang)
    if related:
        lines += ["", *(esc(line) for line in related)]
    return split_html("\n".join(lines), limit)


def history_messages(document: DocumentRow, versions: Sequence[VersionRow], lang: str, zone: ZoneInfo) -> list[str]:
    lines = [th("tg.history.header", lang), label_html(document.number, document.title), ""]
    for version in versions:
        lines.append("• " + th("docs.history_line", lang, version=version.version_no,
                               status=esc(t(f"status.{version.status}", lang)),
                               date=esc(display_time(version.created_at, zone)),
                               source=esc(version.source_name), chunks=version.chunk_count))
    return split_html("\n".join(lines))


# document list --------------------------------------------------------------------------------------------
def type_code(doc_type: str | None) -> str:
    """``Nghị quyết`` → ``NQ``: a short, stable code for filters and callback data."""
    if not doc_type:
        return "X"
    return "".join(word[0] for word in fold(doc_type).upper().split() if word)[:4] or "X"


@dataclass(frozen=True)
class DocFilter:
    type_code: str = ""
    year: str = ""

    def matches(self, row: DocumentRow) -> bool:
        if self.type_code and type_code(row.doc_type) != self.type_code:
            return False
        return not self.year or (row.date or "").startswith(self.year)

    @property
    def active(self) -> bool:
        return bool(self.type_code or self.year)


def parse_doc_filter(args: Sequence[str]) -> DocFilter:
    """``/docs NQ 2024``, ``/docs nghị quyết``, ``/docs 2025`` → a filter."""
    year = next((a for a in args if a.isdigit() and len(a) == 4), "")
    words = [a for a in args if a != year]
    code = ""
    if len(words) == 1 and words[0].isalpha() and len(words[0]) <= 4:
        code = words[0].upper()
    elif words:
        code = type_code(" ".join(words))
    return DocFilter(code, year)


def documents_page(rows: Sequence[DocumentRow], page: int, flt: DocFilter, lang: str,
                   per_page: int = DOCS_PER_PAGE) -> tuple[str, int, int]:
    """(HTML, page actually shown, page count) for /docs."""
    chosen = [r for r in rows if flt.matches(r)]
    pages = max(1, -(-len(chosen) // per_page))
    page = min(max(page, 0), pages - 1)
    if not chosen:
        key = "tg.docs.none_match" if flt.active else "tg.docs.empty"
        return th(key, lang), 0, 1
    lines = [th("tg.docs.header", lang, count=len(chosen), page=page + 1, pages=pages)]
    if flt.active:
        lines.append(th("tg.docs.filter", lang, filter=esc(" ".join(p for p in (flt.type_code, flt.year) if p))))
    lines.append("")
    for row in chosen[page * per_page:(page + 1) * per_page]:
        date = display_date(row.date)
        meta = " · ".join(esc(p) for p in (row.doc_type or "", date) if p)
        lines.append(f"• {label_html(row.number, row.title or row.source_name)}" + (f"\n   <i>{meta}</i>" if meta
                                                                                     else ""))
    lines += ["", th("tg.docs.hint", lang)]
    html = "\n".join(lines)
    if visible_len(html) > MESSAGE_LIMIT:
        html = split_html(html)[0]
    return html, page, pages


# uploads --------------------------------------------------------------------------------------------------
def warning_text(code: str, lang: str) -> str:
    key = f"tg.warning.{code}"
    if key in catalog("vi"):
        return t(key, lang)
    return t("tg.warning.other", lang, code=code)


def preview_html(upload_id: int, parsed: ParsedDocument, existing: DocumentRow | None, lang: str) -> str:
    identity = parsed.identity
    unknown = th("tg.preview.unknown", lang)
    lines = [th("tg.preview.header", lang, id=upload_id, name=esc(parsed.source_name)), ""]
    fields = [
        ("tg.preview.number", identity.number),
        ("tg.preview.type", identity.doc_type),
        ("tg.preview.issuer", identity.issuer),
        ("tg.preview.date", display_date(identity.date)),
        ("tg.preview.title", identity.title),
    ]
    lines += [th(key, lang, value=esc(value) if value else unknown) for key, value in fields]
    lines.append(th("tg.preview.chunks", lang, count=len(parsed.chunks), method=esc(parsed.extracted.method)))
    if parsed.outline:
        lines += ["", f"<b>{th('tg.outline.header', lang)}</b>"]
        lines += outline_lines(parsed.outline, PREVIEW_OUTLINE)
        if len(parsed.outline) > PREVIEW_OUTLINE:
            lines.append(th("tg.outline.more", lang, count=len(parsed.outline) - PREVIEW_OUTLINE))
    if parsed.warnings:
        lines.append("")
        lines += [f"⚠️ {esc(warning_text(code, lang))}" for code in parsed.warnings]
    lines.append("")
    if existing is not None:
        lines.append(th("tg.preview.exists", lang, number=esc(existing.number or existing.label),
                        version=existing.version_no))
    else:
        lines.append(th("tg.preview.confirm_hint", lang))
    html = "\n".join(lines)
    if visible_len(html) > MESSAGE_LIMIT:  # a huge title or many warnings: keep the message editable
        html = split_html(html)[0]
    return html


def progress_html(upload_name: str, done: int, total: int, lang: str) -> str:
    percent = int(100 * done / total) if total else 0
    filled = percent // 10
    bar = "▰" * filled + "▱" * (10 - filled)
    return th("tg.upload.progress", lang, name=esc(upload_name), bar=bar, percent=percent, done=done, total=total)


def ingest_done_html(status: str, document: DocumentRow | None, chunks: int, lang: str) -> str:
    if document is None:
        return th("tg.upload.done_unknown", lang)
    key = {"replaced": "tg.upload.done_replaced", "unchanged": "tg.upload.unchanged"}.get(status, "tg.upload.done")
    return th(key, lang, document=label_html(document.number, document.title), chunks=chunks,
              version=document.version_no)


def upload_state_html(outcome: Failed | Indexed | Expired | Cancelled, lang: str, limit_mb: int) -> str:
    """An upload's status message once it is no longer a preview."""
    if isinstance(outcome, Indexed):
        report = outcome.report
        return ingest_done_html(report.status, report.document, report.chunks, lang)
    if isinstance(outcome, Cancelled):
        return th("tg.upload.cancelled", lang, name=esc(outcome.name))
    if isinstance(outcome, Expired):
        return th("tg.upload.expired", lang, name=esc(outcome.name))
    return th("tg.upload.failed" if outcome.code == "failed" else f"error.{outcome.code}", lang, limit=limit_mb)


# admin reports --------------------------------------------------------------------------------------------
def stats_messages(report: StatsReport, index_stats: dict[str, int], lang: str) -> list[str]:
    lines = [f"<b>{th('tg.stats.header', lang)}</b>", ""]
    lines.append(th("tg.stats.totals", lang, total=report.total, not_found=report.not_found,
                    rate=f"{100 * report.not_found_rate:.0f}"))
    lines.append(th("tg.stats.votes", lang, up=report.up_votes, down=report.down_votes))
    lines.append(th("tg.stats.people", lang, admins=report.admins, members=report.members, groups=report.groups))
    if index_stats:
        lines.append(th("tg.stats.index", lang, documents=index_stats.get("documents", 0),
                        chunks=index_stats.get("chunks", 0)))
    lines += ["", f"<b>{th('tg.stats.per_day', lang)}</b>"]
    if not report.days:
        lines.append(th("tg.stats.no_questions", lang))
    for day in report.days:
        lines.append(th("tg.stats.day", lang, day=esc(display_date(day.day)), count=day.questions,
                        not_found=day.not_found))
    if report.downvoted:
        lines += ["", f"<b>{th('tg.stats.downvoted', lang)}</b>"]
        for question_id, text, found in report.downvoted:
            flag = "" if found else " " + th("tg.stats.was_not_found", lang)
            short = text if len(text) <= 200 else text[:200] + "…"
            lines.append(f"• #{question_id} «{esc(short)}»{flag}")
    return split_html("\n".join(lines))


def users_messages(users: Sequence[UserRow], lang: str) -> list[str]:
    lines = [f"<b>{th('tg.users.header', lang, count=len(users))}</b>", ""]
    for user in users:
        name = esc(user.first_name or "")
        handle = f" @{esc(user.username)}" if user.username else ""
        lines.append(f"• <code>{user.id}</code>{handle} {name} — {th(f'tg.role.{user.role}', lang)}")
    if not users:
        lines.append(th("tg.users.none", lang))
    return split_html("\n".join(lines))


def audit_messages(entries: Sequence[AuditEntry], lang: str, zone: ZoneInfo) -> list[str]:
    """/audit: the newest admin actions first, times in the configured zone."""
    if not entries:
        return [th("tg.audit.empty", lang)]
    lines = [f"<b>{th('tg.audit.header', lang, count=len(entries))}</b>", ""]
    for entry in entries:
        at, actor, action, target, detail = (esc(part) for part in audit_fields(entry, lang, zone))
        lines.append(f"• {at} — {actor}: {action}" + (f" <b>{target}</b>" if target else "")
                     + (f" ({detail})" if detail else ""))
    return split_html("\n".join(lines))
