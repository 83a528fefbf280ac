"""The cohort workbook (`cohort.xlsx`) a programme manager opens: summary, family list, evidence.

Figures are computed by SQL in the store; this module only lays them out with XlsxWriter (constant
memory mode, so a county-sized cohort streams to disk). Sheets: Summary (eligible families by headline
count, by headline, by area; rows rejected by ingest), Families (autofilter, frozen header), Evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from priority_families.core.export import workbook
from priority_families.core.files import private_dir
from priority_families.core.sql import has_table
from priority_families.identify.outputs import COHORT_COLUMNS, EVIDENCE_COLUMNS, EVIDENCE_SQL

EXCEL_MAX_ROWS = 1_048_575  # one header row


def _table(ws: Any, row: int, title: str, header: list[str], rows: list[tuple], fmt: dict[str, Any]) -> int:
    """Write a titled block; return the next free row."""
    ws.write(row, 0, title, fmt["title"])
    ws.write_row(row + 1, 0, header, fmt["header"])
    for i, r in enumerate(rows):
        ws.write_row(row + 2 + i, 0, list(r))
    if not rows:
        ws.write(row + 2, 0, "(none)")
    return row + 3 + max(len(rows), 1)


def _summary(con: duckdb.DuckDBPyConnection, ws: Any, fmt: dict[str, Any], plan_id: str, as_of: str) -> None:
    ws.set_column(0, 0, 34)
    ws.set_column(1, 4, 16)
    ws.write(0, 0, f"Priority Families cohort - plan {plan_id}, as of {as_of}", fmt["title"])
    totals = con.execute("SELECT COUNT(*), COUNT(*) FILTER (WHERE eligible) FROM cohort").fetchall()[0]
    row = _table(ws, 2, "Families", ["families", "eligible"], [totals], fmt)
    by_count = con.execute(
        "SELECT headline_count, COUNT(*) FILTER (WHERE eligible), COUNT(*) FROM cohort "
        "GROUP BY headline_count ORDER BY headline_count DESC"
    ).fetchall()
    row = _table(ws, row, "Families by number of headlines", ["headlines", "eligible", "all families"],
                 by_count, fmt)
    by_headline = con.execute(
        "SELECT v.headline, COUNT(DISTINCT v.family_id) FILTER (WHERE c.eligible), COUNT(DISTINCT v.family_id) "
        "FROM indicator_values v JOIN cohort c ON c.family_id = v.family_id WHERE v.met "
        "GROUP BY v.headline ORDER BY 2 DESC, v.headline"
    ).fetchall()
    row = _table(ws, row, "Families by headline", ["headline", "eligible families", "families with it"],
                 by_headline, fmt)
    by_area = con.execute(
        "SELECT COALESCE(area, '(unknown)'), COUNT(*) FILTER (WHERE eligible), COUNT(*) FROM cohort "
        "GROUP BY 1 ORDER BY 2 DESC, 1"
    ).fetchall()
    row = _table(ws, row, "Families by area (postcode district)", ["area", "eligible", "all families"],
                 by_area, fmt)
    if has_table(con, "rejects"):
        rejected = con.execute(
            'SELECT file, "column", reason, COUNT(*) FROM rejects GROUP BY ALL ORDER BY 4 DESC, 1, 2, 3'
        ).fetchall()
        _table(ws, row, "Rows rejected by ingest (see rejects.csv)", ["file", "column", "reason", "rows"],
               rejected, fmt)


def _sheet_from_query(con: duckdb.DuckDBPyConnection, ws: Any, sql: str, header: tuple[str, ...],
                      fmt: dict[str, Any]) -> int:
    ws.write_row(0, 0, list(header), fmt["header"])
    ws.freeze_panes(1, 0)
    cursor = con.execute(sql)
    row = 0
    while row < EXCEL_MAX_ROWS:
        batch = cursor.fetchmany(10_000)
        if not batch:
            break
        for values in batch[: EXCEL_MAX_ROWS - row]:
            row += 1
            ws.write_row(row, 0, [v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    ws.autofilter(0, 0, max(row, 1), len(header) - 1)
    ws.set_column(0, len(header) - 1, 16)
    return row


def write_workbook(con: duckdb.DuckDBPyConnection, path: Path, plan_id: str, as_of: str) -> Path:
    """Write the cohort workbook from the cohort, indicator_values and indicator_hits tables."""
    private_dir(path.parent)
    book = workbook(path, {"constant_memory": True})
    fmt = {"title": book.add_format({"bold": True, "font_size": 12}),
           "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})}
    try:
        _summary(con, book.add_worksheet("Summary"), fmt, plan_id, as_of)
        cohort_sql = f"SELECT {', '.join(COHORT_COLUMNS)} FROM cohort ORDER BY eligible DESC, priority DESC, family_id"
        _sheet_from_query(con, book.add_worksheet("Families"), cohort_sql, COHORT_COLUMNS, fmt)
        _sheet_from_query(con, book.add_worksheet("Evidence"), EVIDENCE_SQL, EVIDENCE_COLUMNS, fmt)
    finally:
        book.close()
    return path
