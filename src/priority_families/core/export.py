"""The one export layer: every CSV and Excel file the product writes goes through here.

Partner extracts, usernames and agency names are text typed by someone we do not control. A spreadsheet
program runs a cell that starts with `=`, `+`, `-` or `@` (and, after a tab or carriage return, what
follows) as a formula: `=HYPERLINK("http://x","y")` in a name would become a live link, `=cmd|...` worse.
OWASP's rule, applied to every text value written: prefix such a value with a single quote, so it is
shown as the text it is. Numbers stay numbers (a typed number is never touched, and neither is text that
is only a number such as `-1` or `+44`, which a spreadsheet reads as that number, not as a formula).
Workbooks also write strings as strings (`strings_to_formulas` and `strings_to_urls` off).

`neutralise` is the Python rule, `neutralise_sql` the same rule in SQL for DuckDB's `COPY ... TO`
(`copy_to_csv`); a test holds the two equal. `restore_sql` undoes it where the product reads back a file
it wrote (the review queue).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import duckdb
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from priority_families.core.files import make_private, open_private
from priority_families.core.sql import quote_ident, sql_str

FORMULA_LEADS = "=+-@\t\r"
_NUMBER = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
_NUMBER_RE = re.compile(_NUMBER)
_LEADS_SQL = r"^[=+\-@\t\r]"


def neutralise(value: Any) -> Any:
    """A text value that would start a formula, prefixed with `'`; any other value unchanged."""
    if isinstance(value, str) and value[:1] in FORMULA_LEADS and value[:1] and not _NUMBER_RE.fullmatch(value):
        return "'" + value
    return value


def neutralise_sql(expr: str) -> str:
    """`neutralise` as a DuckDB expression over a VARCHAR expression."""
    return (f"CASE WHEN regexp_matches({expr}, '{_LEADS_SQL}') AND NOT regexp_full_match({expr}, '{_NUMBER}') "
            f"THEN '''' || {expr} ELSE {expr} END")


def restore_sql(expr: str) -> str:
    """The value a neutralised cell held before `neutralise` (for a file of ours read back in)."""
    return f"regexp_replace({expr}, '^''([=+\\-@\\t\\r])', '\\1')"


class SafeCsvWriter:
    """`csv.writer` whose every text cell is neutralised."""

    def __init__(self, handle: IO[str]) -> None:
        self._writer = csv.writer(handle)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


@contextmanager
def csv_file(path: Path | str) -> Iterator[SafeCsvWriter]:
    """An owner-only CSV file open for writing, rows neutralised."""
    with open_private(path, "w", newline="", encoding="utf-8") as handle:
        yield SafeCsvWriter(handle)


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Iterable[Any]]) -> Path:
    """An owner-only CSV file with a header row and these rows, neutralised."""
    with csv_file(path) as writer:
        writer.writerow(header)
        writer.writerows(rows)
    return Path(path)


def copy_to_csv(con: duckdb.DuckDBPyConnection, query: str, path: Path | str) -> None:
    """Write a query's rows to an owner-only CSV file with a header and ISO dates, text neutralised in SQL
    (every CSV the product writes from the store)."""
    columns = con.execute(f"DESCRIBE {query}").fetchall()
    select = ", ".join(
        f"{neutralise_sql(quote_ident(name)) if kind == 'VARCHAR' else quote_ident(name)} AS {quote_ident(name)}"
        for name, kind, *_ in columns
    )
    open_private(path).close()  # created owner-only before DuckDB writes into it
    con.execute(f"COPY (SELECT {select} FROM ({query}) _pf_out) TO {sql_str(path)} "
                "(HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')")
    make_private(path)


class SafeWorksheet(Worksheet):
    """A worksheet whose every string is written as a string, neutralised."""

    def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
        return super()._write_string(row, col, neutralise(string), cell_format)


def workbook(target: Path | str | IO[bytes], options: dict[str, Any] | None = None) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook writing strings as strings (never formulas or links), neutralised; a file
    target is owner-only. Write to it as usual and `close()` it."""
    settings = {**(options or {}), "strings_to_formulas": False, "strings_to_urls": False,
                "strings_to_numbers": False}
    if isinstance(target, (str, Path)):
        open_private(target, "wb").close()
        target = str(target)
    book = xlsxwriter.Workbook(target, settings)
    book.worksheet_class = SafeWorksheet
    return book


# --- Workbook sheets: one layout for every workbook the product writes -------------------------------------

METADATA_SHEET = "About"
MAX_WIDTH = 60  # characters: wider text wraps in the cell rather than pushing every other column off screen
WIDTH_SAMPLE = 500  # rows read to size the columns (a county-sized sheet is not measured cell by cell)


def produced(by: str, refresh_id: str | None = None) -> list[tuple[str, str]]:
    """The "produced by / when" lines every workbook's metadata sheet ends with."""
    from datetime import UTC, datetime

    from priority_families import __version__
    from priority_families.core.vocabulary import actor_label

    if not by:  # a command run without an actor: the account running it
        import getpass

        by = f"cli:{getpass.getuser()}"
    fields = [("refresh id", refresh_id or "none (no refresh published)")] if refresh_id is not None else []
    return fields + [("produced by", f"{actor_label(by)}, Priority Families {__version__}"),
                     ("produced at (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"))]


def write_metadata_sheet(book: xlsxwriter.Workbook, fields: Sequence[tuple[str, Any]],
                         title: str) -> Worksheet:
    """The workbook's first sheet: a title and one row per fact a reader needs before trusting the figures
    (as_of, plan, filter, refresh id, who produced it and when). Add it before any other sheet."""
    sheet = book.add_worksheet(METADATA_SHEET)
    sheet.write(0, 0, title, book.add_format({"bold": True, "font_size": 12}))
    bold = book.add_format({"bold": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for n, (field, value) in enumerate(fields, start=2):
        sheet.write_string(n, 0, field, bold)
        sheet.write(n, 1, _cell(value), wrap)
    sheet.set_column(0, 0, max([len(f) for f, _ in fields] + [12]) + 2)
    sheet.set_column(1, 1, 90)
    return sheet


def _cell(value: Any) -> Any:
    """A value as a cell holds it: blank for none, ISO text for dates, numbers and text as they are."""
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (int, float, str)):
        return value
    return str(value)


def _width(values: Iterable[Any]) -> int:
    return min(max((len(str(v)) for v in values), default=0) + 2, MAX_WIDTH)


def write_table_sheet(book: xlsxwriter.Workbook, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]],
                      *, header_format: Any = None, column_format: Any = None, limit: int = 1_048_575) -> int:
    """A sheet of one table: a bold header row, the rows (dates as ISO text, None blank), the header row
    frozen with the first column, an autofilter over the table and columns as wide as their content (to
    MAX_WIDTH). Rows stream (a constant-memory workbook holds only the first WIDTH_SAMPLE to size columns).
    Returns the number of rows written."""
    sheet = book.add_worksheet(name[:31])
    header_format = header_format or book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_row(0, 0, list(header), header_format)
    iterator = iter(rows)
    sample: list[list[Any]] = []
    for values in iterator:
        sample.append([_cell(v) for v in values])
        if len(sample) >= WIDTH_SAMPLE:
            break
    for col, head in enumerate(header):
        width = max(_width([head]), _width(r[col] for r in sample if col < len(r)), 8)
        sheet.set_column(col, col, width, wrap if width >= MAX_WIDTH else column_format)
    n = 0
    for n, values in enumerate(sample, start=1):
        sheet.write_row(n, 0, values)
    for values in iterator:
        if n >= limit:
            break
        n += 1
        sheet.write_row(n, 0, [_cell(v) for v in values])
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, max(n, 1), max(len(header) - 1, 0))
    return n


# --- Markdown tables: what a command writes when its output is a file, not a terminal ----------------------


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table of every row in full (a pipe in a value is escaped)."""
    def cells(values: Sequence[Any]) -> str:
        return "| " + " | ".join(str(_cell(v)).replace("|", "\\|").replace("\n", " ") for v in values) + " |"

    lines = [cells(header), "| " + " | ".join("---" for _ in header) + " |", *(cells(r) for r in rows)]
    return "\n".join(lines) + "\n"


def write_markdown(path: Path | str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """An owner-only Markdown file: a heading and the full table."""
    with open_private(path, "w", encoding="utf-8") as handle:
        handle.write(f"# {title}\n\n{markdown_table(header, rows)}")
    return Path(path)


def with_labels(header: Sequence[str], rows: Iterable[Sequence[Any]],
                labels: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple]]:
    """The table with a "<column> (label)" column after each column named in `labels` (a function from a
    code to its label): the code stays for joins, the label is what a reader reads."""
    at = {i: labels[name] for i, name in enumerate(header) if name in labels}
    new_header = tuple(h for i, name in enumerate(header) for h in ((name, f"{name} (label)") if i in at
                                                                     else (name,)))
    new_rows = [tuple(v for i, value in enumerate(row) for v in ((value, at[i](value)) if i in at else (value,)))
                for row in rows]
    return new_header, new_rows
