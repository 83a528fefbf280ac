"""The cash flow as a finance officer files it: CSV, a workbook with a metadata sheet and a native chart, and an
HTML page (and PDF, through WeasyPrint as the evidence packs are made)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

import xlsxwriter

from priority_families.claims.finance import CASHFLOW_COLUMNS, STREAM_COLUMNS, CashFlow
from priority_families.core.export import workbook, write_csv, write_metadata_sheet, write_table_sheet
from priority_families.core.files import private_dir, write_private

YEAR_COLUMNS = ("financial_year", "section", "stream", "budget", "amount", "scenario_amount")


@dataclass(frozen=True)
class FinanceFiles:
    cashflow_csv: Path
    streams_csv: Path
    workbook: Path
    html: Path
    pdf: Path | None


def _csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> Path:
    return write_csv(path, header, (("" if v is None else v.isoformat() if hasattr(v, "isoformat") else v
                                     for v in row) for row in rows))


def _sheet(book: xlsxwriter.Workbook, name: str, header: tuple[str, ...], rows: list[tuple]) -> None:
    write_table_sheet(book, name, header, rows, column_format=book.add_format({"num_format": "#,##0.00"}))


def write_workbook(path: Path, flow: CashFlow) -> Path:
    """finance.xlsx: metadata, cashflow (month by month), by_year, streams, and a chart sheet of the cash flow
    (income and spend as columns, the reserve and the scenario's reserve as lines)."""
    book = workbook(path, {"remove_timezone": True})
    try:
        write_metadata_sheet(book, [
            ("as_of", flow.as_of.isoformat()), ("plan", f"{flow.plan.id} - {flow.plan.name}"),
            ("filter", "the whole programme: every income and spend stream of the financial plan"),
            ("refresh id", flow.refresh_id), *flow.metadata()],
            title=f"Priority Families finance: cash flow as of {flow.as_of.isoformat()}")
        _sheet(book, "cashflow", CASHFLOW_COLUMNS, flow.months)
        _sheet(book, "by_year", YEAR_COLUMNS, flow.by_year)
        _sheet(book, "streams", STREAM_COLUMNS, flow.streams)
        last = len(flow.months)
        col = {name: i for i, name in enumerate(CASHFLOW_COLUMNS)}
        columns = book.add_chart({"type": "column"})
        for name, colour in (("income_total", "#1b7837"), ("spend", "#b2182b")):
            columns.add_series({"name": ["cashflow", 0, col[name]], "categories": ["cashflow", 1, 0, last, 0],
                                "values": ["cashflow", 1, col[name], last, col[name]], "fill": {"color": colour}})
        lines = book.add_chart({"type": "line"})
        for name, colour in (("reserve", "#2166ac"), ("scenario_reserve", "#f4a582")):
            lines.add_series({"name": ["cashflow", 0, col[name]], "categories": ["cashflow", 1, 0, last, 0],
                              "values": ["cashflow", 1, col[name], last, col[name]],
                              "line": {"color": colour, "width": 2.25}})
        columns.combine(lines)
        columns.set_title({"name": f"Cash flow {flow.plan.start:%b %Y} to {flow.plan.end:%b %Y} "
                                   f"(actual to {flow.as_of:%d %b %Y}, then forecast)"})
        columns.set_x_axis({"name": "month", "num_font": {"rotation": -45}})
        columns.set_y_axis({"name": "GBP", "num_format": "#,##0"})
        columns.set_legend({"position": "bottom"})
        chart = book.add_chartsheet("chart")
        chart.set_chart(columns)
    finally:
        book.close()
    return path


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    head = "".join(f"<th>{escape(h.replace('_', ' '))}</th>" for h in header)
    body = "".join("<tr>" + "".join(
        f"<td class=\"n\">{v:,.2f}</td>" if isinstance(v, float) else f"<td>{escape('' if v is None else str(v))}</td>"
        for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"


def render_html(flow: CashFlow) -> str:
    """The page a finance officer files: what it was made from, the year summary and every month."""
    warning = ("<p class=\"warn\">This plan holds ILLUSTRATIVE figures: they belong to no real council.</p>"
               if flow.plan.any_illustrative else "")
    income = [r for r in flow.by_year if r[1] != "spend"]
    spend = [r for r in flow.by_year if r[1] == "spend"]
    summary_cols = ("month", "basis", "families_attached", "worked_with", "income_total", "spend_budget", "spend",
                    "net", "reserve", "cost_per_family_worked_with", "scenario_reserve")
    idx = [CASHFLOW_COLUMNS.index(c) for c in summary_cols]
    months = [tuple(r[i] for i in idx) for r in flow.months]
    return (
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>Cash flow {escape(flow.plan.id)} as of {flow.as_of}</title><style>"
        "@page{size:A4 landscape;margin:1cm}body{font-family:Arial,sans-serif;font-size:9pt}"
        "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:1px 4px;"
        "text-align:left}td.n{text-align:right}.warn{color:#b2182b;font-weight:bold}</style>"
        f"</head><body>\n<h1>{escape(flow.plan.name)}: cash flow</h1>\n{warning}"
        f"<h2>Made from</h2>\n{_table(('field', 'value'), flow.metadata())}"
        f"<h2>Income by year and stream</h2>\n{_table(YEAR_COLUMNS, income)}"
        f"<h2>Spend against budget by year and line</h2>\n{_table(YEAR_COLUMNS, spend)}"
        f"<h2>Month by month</h2>\n{_table(summary_cols, months)}</body></html>\n")


def write_finance(out: Path, flow: CashFlow, pdf: bool = True) -> FinanceFiles:
    """Write OUT/cashflow.csv, streams.csv, finance.xlsx, finance.html (and finance.pdf)."""
    private_dir(out)
    html = render_html(flow)
    write_private(out / "finance.html", html.encode("utf-8"))
    pdf_path = None
    if pdf:
        import weasyprint  # loads pango: only when a PDF is asked for

        pdf_path = write_private(out / "finance.pdf", weasyprint.HTML(string=html).write_pdf())
    return FinanceFiles(_csv(out / "cashflow.csv", CASHFLOW_COLUMNS, flow.months),
                        _csv(out / "streams.csv", STREAM_COLUMNS, flow.streams),
                        write_workbook(out / "finance.xlsx", flow), out / "finance.html", pdf_path)
