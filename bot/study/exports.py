"""Records as files for a committee: CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese) and XLSX;
``/export`` of a study session's attendance and results, or of a contest's ranking."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.access import Caller
from bot.audit import Action
from bot.store import BotStore
from bot.study.commands import ExportRequest, Records, Usage

if TYPE_CHECKING:  # for types only: contests.py writes its rankings with this module
    from bot.study.contests import Contests
    from bot.study.sessions import Sessions

#: Columns of epoch seconds, written as local times.
TIMESTAMPS = ("answered_at", "present_at")


class Format(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def _cell(value: object, zone: ZoneInfo | None, timestamps: frozenset[int], column: int) -> object:
    if column in timestamps and isinstance(value, int | float) and value:
        return datetime.fromtimestamp(float(value), zone).strftime("%Y-%m-%d %H:%M:%S")
    return value


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], fmt: Format, *, title: str = "nqbot",
          zone: ZoneInfo | None = None, timestamps: Sequence[str] = ()) -> bytes:
    """``rows`` under ``headers`` as a CSV or XLSX file; columns named in ``timestamps`` (epoch seconds) are
    written as local times in ``zone``."""
    stamp_columns = frozenset(i for i, h in enumerate(headers) if h in timestamps)
    cells = [[_cell(v, zone, stamp_columns, i) for i, v in enumerate(row)] for row in rows]
    if fmt is Format.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerows(cells)
        return buffer.getvalue().encode("utf-8-sig")
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(headers))
    for row in cells:
        sheet.append([v if isinstance(v, int | float | str) or v is None else str(v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def record_files(headers: Sequence[str], rows: Sequence[Sequence[object]], name: str, *,
                 zone: ZoneInfo | None = None, timestamps: Sequence[str] = ()) -> list[tuple[str, bytes]]:
    """The same records as ``name.csv`` and ``name.xlsx`` (file name, content)."""
    return [(f"{name}.{fmt}", table(headers, rows, fmt, title=name, zone=zone, timestamps=timestamps))
            for fmt in (Format.CSV, Format.XLSX)]


@dataclass(frozen=True)
class Export:
    """Records as files: ``files`` holds ``rows`` rows, as CSV and as XLSX."""

    files: list[tuple[str, bytes]]
    rows: int


@dataclass(frozen=True)
class NoRecords:
    """No session or contest by that id: nothing to export."""


class Exports:
    """``/export``: admins take a session's attendance and results, or a contest's ranking, as files; audited."""

    def __init__(self, sessions: Sessions, contests: Contests, store: BotStore, zone: ZoneInfo) -> None:
        self.sessions = sessions
        self.contests = contests
        self.store = store
        self.zone = zone

    def export(self, caller: Caller, request: ExportRequest) -> Export | NoRecords | Usage:
        """A session (in a group, its latest when no id is given) or a contest, as CSV and XLSX."""
        number = request.number
        if request.kind is Records.SESSION and number is None and caller.is_group:
            latest = self.sessions.latest(caller.chat_id)
            number = latest.id if latest is not None else None
        if number is None:
            return Usage()
        source = self.contests if request.kind is Records.CONTEST else self.sessions
        headers, rows = source.records(number)
        if not headers:
            return NoRecords()
        files = record_files(headers, rows, f"{request.kind}-{number}", zone=self.zone, timestamps=TIMESTAMPS)
        self.store.audit(caller.user_id, Action.EXPORT, f"{request.kind} {number}", f"{len(rows)} rows")
        return Export(files, len(rows))
