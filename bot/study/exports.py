"""Records as files for a committee: CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese) and XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo


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
