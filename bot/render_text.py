"""Answers and document lists as plain text (terminal and ``--json``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.audit import Action, AuditEntry
from bot.i18n import t
from index.citations import Answer, Citation, ClosestDocument, DocumentCard, Notice
from index.related import Related
from index.rows import DocumentRow


def display_date(iso: str | None) -> str:
    """``2024-12-22`` → ``22/12/2024`` (Vietnamese order); empty when unknown."""
    if not iso:
        return ""
    parts = iso.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else iso


def display_time(epoch: float, zone: ZoneInfo, *, minutes: bool = True) -> str:
    """A stored timestamp (epoch seconds) in the configured zone: ``22/12/2024 14:05`` or ``22/12/2024``."""
    moment = datetime.fromtimestamp(epoch, zone)
    return moment.strftime("%d/%m/%Y %H:%M" if minutes else "%d/%m/%Y")


def document_label(number: str | None, doc_type: str | None, title: str | None) -> str:
    """``57-NQ/TW — Nghị quyết về ...`` or just the title for documents without a number."""
    if number and title:
        return f"{number} — {title}"
    return number or title or "?"


def citation_heading(n: int, citation: Citation, lang: str = "vi") -> str:
    date = display_date(citation.date)
    return t(
        "cite.line",
        lang,
        n=n,
        document=document_label(citation.doc_number, citation.doc_type, citation.title),
        date=t("cite.date", lang, date=date) if date else "",
        locator=citation.locator,
    )


def better_elsewhere(answer: Answer) -> list[ClosestDocument]:
    """The documents to point to when the one the member named does not say it but another one may."""
    if not answer.better_elsewhere:
        return []
    return [d for d in answer.closest if d.document_id not in answer.named_documents][:2]


def answer_text(answer: Answer, lang: str = "vi") -> str:
    lines: list[str] = []
    if answer.unknown_mentions:
        key = "answer.unknown_mention_cited" if answer.found else "answer.unknown_mention"
        lines.append(t(key, lang, numbers=", ".join(answer.unknown_mentions)))
    if not answer.found:
        lines.append(t("answer.not_found", lang))
        if answer.nearest is not None:
            nearest = answer.nearest
            lines.append(t("answer.nearest", lang, document=nearest.doc_number or nearest.title or "?"))
            lines.append(f"{nearest.locator}: «{nearest.quote}»")
            if elsewhere := better_elsewhere(answer):
                names = "; ".join(document_label(d.doc_number, None, d.title) for d in elsewhere)
                lines.append(t("answer.better_elsewhere", lang, documents=names))
        elif answer.closest:
            names = "; ".join(document_label(d.doc_number, None, d.title) for d in answer.closest)
            lines.append(t("answer.closest", lang, documents=names))
        return "\n".join(lines)
    if answer.card is not None:
        lines += card_lines(answer.card, lang) + [""]
    if answer.count is not None:
        lines.append(t("answer.count", lang, section=answer.count.heading, count=len(answer.count.points)))
        lines += [f"  {point}" for point in answer.count.points] + [""]
    lines.append(t("answer.header", lang))
    for n, citation in enumerate(answer.citations, 1):
        lines.append("")
        lines.append(citation_heading(n, citation, lang))
        lines.append(f"«{citation.quote}»")
        for notice in citation.notices:
            lines.append(notice_line(notice, lang))
            lines.append(f"  «{notice.quote}» — {notice.locator}")
    return "\n".join(lines)


def card_lines(card: DocumentCard, lang: str = "vi") -> list[str]:
    """A document in a few lines: number, type, issuer, date, title and its main parts."""
    document = card.document
    date = display_date(document.date)
    lines = [t("answer.card", lang, document=document_label(document.number, None, document.title),
               kind=document.doc_type or "", issuer=f", {document.issuer}" if document.issuer else "",
               date=t("cite.date", lang, date=date) if date else "")]
    if card.sections:
        lines.append(t("answer.card_outline", lang))
        lines += [f"  • {section.title}" for section in card.sections]
    return lines


def notice_line(notice: Notice, lang: str = "vi") -> str:
    """"⚠ Lưu ý: văn bản này được thay thế bởi 383-QĐ/TW (ngày 19/11/2025):" """
    date = display_date(notice.date)
    return t("answer.notice", lang, relation=t(f"relation.by.{notice.kind}", lang),
             document=notice.doc_number or notice.title or "?", date=t("cite.date", lang, date=date) if date else "")


def relation_lines(outgoing: Sequence[Related], incoming: Sequence[Related], lang: str = "vi") -> list[str]:
    """Relations both ways, for ``docs show``: targets not in the library are named as mentioned."""
    lines: list[str] = []
    if outgoing:
        lines.append(t("relation.header_out", lang))
        for r in outgoing:
            target = (document_label(r.target.number, r.target.doc_type, r.target.title) if r.target
                      else f"{r.target_text} ({t('relation.not_in_library', lang)})")
            lines.append(f"  • {t(f'relation.{r.kind}', lang)}: {target} — {r.locator}")
    if incoming:
        lines.append(t("relation.header_in", lang))
        for r in incoming:
            source = document_label(r.source.number, r.source.doc_type, r.source.title)
            lines.append(f"  • {t(f'relation.by.{r.kind}', lang)} {source} — {r.locator}: «{r.quote}»")
    return lines


def answer_json(answer: Answer, lang: str = "vi") -> dict[str, object]:
    return {
        "question": answer.question,
        "found": answer.found,
        "answer": answer_text(answer, lang),
        "citations": [c.as_json() for c in answer.citations],
    }


def document_line(row: DocumentRow) -> str:
    parts = [row.number or "—", row.doc_type or "", display_date(row.date), row.title or row.source_name]
    return " | ".join(p for p in parts if p) + f" [{row.chunk_count} đoạn, v{row.version_no}]"


def audit_fields(entry: AuditEntry, lang: str, zone: ZoneInfo) -> tuple[str, str, str, str, str]:
    """(time, actor, action, target, detail) of an audit entry as people read them (roles translated)."""
    detail = entry.detail
    if entry.action in (Action.GRANT, Action.REVOKE) and detail:
        detail = t(f"tg.role.{detail}", lang)
    return (display_time(entry.at, zone), entry.actor, t(f"audit.action.{entry.action.value}", lang), entry.target,
            detail)


def audit_line(entry: AuditEntry, lang: str, zone: ZoneInfo) -> str:
    """``05/03/2025 14:02 | @quantri (1001) | cấp quyền | @thu_cb (778) | thành viên``"""
    return " | ".join(part for part in audit_fields(entry, lang, zone) if part)
