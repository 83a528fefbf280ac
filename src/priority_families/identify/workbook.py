"""The cohort workbook (`cohort.xlsx`) a programme manager opens: summary, family list, evidence.

Figures are computed by SQL in the store; this module only lays them out with XlsxWriter (constant
memory mode, so a county-sized cohort streams to disk). Sheets: About (as_of, plan, filter, refresh, produced by and when), Summary (eligible families by headline
count, by headline, by area; rows rejected by ingest), Families (autofilter, frozen header), Evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from priority_families.core.export import produced, workbook, write_metadata_sheet, write_table_sheet
from priority_families.core.files import private_dir
from priority_families.core.sql import has_table
from priority_families.core.sql import sql_str as lit
from priority_families.core.vocabulary import label_sql, record_value_label_sql, register_vocabulary
from priority_families.identify.outputs import COHORT_COLUMNS, EVIDENCE_COLUMNS, EVIDENCE_SQL
from priority_families.plans.schema import Plan

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


def _labelled_sql(plan: Plan) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    """The Families and Evidence queries with a label column beside each code (labels from the plan's
    vocabulary, joined in SQL), and their headers."""
    facts = ", ".join(f"({lit(i.id)}, {lit(i.fact)})" for _, i in plan.indicators()) or "('', '')"
    # The labels in the order of the codes (the plan's), not in whatever order the aggregate meets them.
    headlines = ("(SELECT string_agg(" + label_sql("headline", "h.code") + ", '; ' ORDER BY h.i) "
                 "FROM (SELECT unnest(s) AS code, generate_subscripts(s, 1) AS i "
                 "FROM (SELECT string_split(c.headlines, ';') AS s)) h WHERE h.code <> '')")
    families = (f"SELECT {', '.join('c.' + col for col in COHORT_COLUMNS)}, {headlines} FROM cohort c "
                "ORDER BY c.eligible DESC, c.priority DESC, c.family_id")
    evidence = (
        f"SELECT e.*, {label_sql('headline', 'e.headline')}, {label_sql('line', 'e.indicator')}, "
        f"{label_sql('source', 'e.source')}, {record_value_label_sql('f.fact', 'e.value')} "
        f"FROM ({EVIDENCE_SQL}) e LEFT JOIN (VALUES {facts}) f(indicator, fact) ON f.indicator = e.indicator "
        "ORDER BY ALL"
    )
    return (families, evidence, (*COHORT_COLUMNS, "headlines (labels)"),
            (*EVIDENCE_COLUMNS, "headline (label)", "indicator (label)", "source (label)", "value (label)"))


def write_workbook(con: duckdb.DuckDBPyConnection, path: Path, plan: Plan, as_of: str, actor: str = "") -> Path:
    """Write the cohort workbook from the cohort, indicator_values and indicator_hits tables: About (as_of,
    plan, filter, refresh, produced by and when), Summary, Families and Evidence (codes with their labels)."""
    private_dir(path.parent)
    register_vocabulary(con, plan.vocabulary())
    refresh = con.execute("SELECT max(refresh_id) FROM refresh").fetchone()[0] if has_table(con, "refresh") else None
    families_sql, evidence_sql, families_header, evidence_header = _labelled_sql(plan)
    book = workbook(path, {"constant_memory": True})
    fmt = {"title": book.add_format({"bold": True, "font_size": 12}),
           "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})}
    try:
        write_metadata_sheet(book, [
            ("what this is", ("The families identified under the plan, eligible families first, with the "
                              "records that made each indicator line true")),
            ("as_of", as_of), ("plan", f"{plan.id} ({plan.name})"),
            ("filter", "every family identified in the refresh (Families: eligible first, then by priority)"),
            *produced(actor, refresh or ""),
        ], title=f"Priority Families cohort - plan {plan.id}, as of {as_of}")
        _summary(con, book.add_worksheet("Summary"), fmt, plan.id, as_of)
        write_table_sheet(book, "Families", families_header, _stream(con, families_sql),
                          header_format=fmt["header"], limit=EXCEL_MAX_ROWS)
        write_table_sheet(book, "Evidence", evidence_header, _stream(con, evidence_sql),
                          header_format=fmt["header"], limit=EXCEL_MAX_ROWS)
    finally:
        book.close()
    return path


def _stream(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[tuple]:
    """A query's rows in batches (a county-sized cohort never sits in memory whole)."""
    cursor = con.execute(sql)  # the connection itself: the vocabulary table is a temp table of it
    while batch := cursor.fetchmany(10_000):
        yield from batch
