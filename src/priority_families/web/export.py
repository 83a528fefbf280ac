"""The cohort as a workbook (xlsxwriter): what a manager takes to a meeting. Family-level, no names."""

from __future__ import annotations

import io
from collections.abc import Iterable

from priority_families.core.export import workbook

COLUMNS = ("family_id", "area", "status", "headlines", "headline_count", "priority", "members",
           "lead_worker", "agency")


def cohort_workbook(rows: Iterable[tuple], as_of: str) -> bytes:
    """Bytes of an .xlsx with one row per family, a header row, filters and frozen panes."""
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    book.set_properties({"title": f"Priority families cohort as of {as_of}"})
    sheet = book.add_worksheet("cohort")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, COLUMNS, bold)
    n = 0
    for n, row in enumerate(rows, start=1):
        sheet.write_row(n, 0, ["" if v is None else v for v in row])
    sheet.autofilter(0, 0, max(n, 1), len(COLUMNS) - 1)
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 12)
    sheet.set_column(3, 3, 40)
    book.close()
    return buffer.getvalue()
