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
