"""The cohort as a workbook (xlsxwriter): what a manager takes to a meeting. Family-level, no names.

Laid out by the one writer every workbook uses (`core.export`): an About sheet first saying the refresh's
as_of and id, the plan, what the list was filtered by, who exported it and when; then the families with
a label column beside each code (case status, headlines) so the sheet reads without a glossary.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from priority_families.core.export import produced, workbook, write_metadata_sheet, write_table_sheet
from priority_families.core.vocabulary import Vocabulary

COLUMNS = ("family_id", "area", "status", "headlines", "headline_count", "priority", "members",
           "lead_worker", "agency")
HEADER = (*COLUMNS[:3], "status (label)", COLUMNS[3], "headlines (labels)", *COLUMNS[4:])


def _labelled(row: tuple, words: Vocabulary) -> tuple:
    family_id, area, status, headlines, *rest = row
    names = "; ".join(words.label("headline", h) for h in (headlines or "").split(";") if h)
    return (family_id, area, status, words.label("case_status", status), headlines, names, *rest)


def cohort_workbook(rows: Iterable[tuple], as_of: str, *, filtered_by: str = "no filter", plan: str = "",
                    refresh_id: str = "", exported_by: str = "", words: Vocabulary | None = None) -> bytes:
    """Bytes of an .xlsx: About, then one row per family with real headers, filters and frozen panes."""
    words = words or Vocabulary()
    buffer = io.BytesIO()
    book = workbook(buffer, {"in_memory": True})
    book.set_properties({"title": f"Priority families cohort as of {as_of}"})
    write_metadata_sheet(book, [
        ("what this is", "The tracker's cohort list as exported: one row per family, no names"),
        ("as_of", as_of), ("plan", plan or "none (no refresh published)"), ("filter", filtered_by),
        *produced(f"tracker:{exported_by}" if exported_by else "tracker", refresh_id),
    ], title=f"Priority families cohort as of {as_of}")
    write_table_sheet(book, "cohort", HEADER, (_labelled(r, words) for r in rows))
    book.close()
    return buffer.getvalue()
