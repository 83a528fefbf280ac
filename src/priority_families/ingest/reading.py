"""Read one extract file into a staging table, every row keeping the line number it started on.

DuckDB's `read_csv` parses the values (RFC 4180, all text) and, with `store_rejects`, reports rows it
cannot parse (wrong number of fields, stray quotes) with their record ordinal. It does not expose the
line number of the rows it accepts, and a quoted field may span lines, so ingest also splits the file
into records itself with one RE2 pattern over the text (`read_text`, which also proves it is UTF-8):
the k-th record DuckDB accepted is the k-th record that is neither the header, blank nor rejected.
The two readings are checked against each other (their counts, and every record without quotes must start
with its parsed values up to record_id); if they disagree the file's quoting is broken and the file is
refused rather than its rows mislabelled.

Most extracts have no line break inside a value and no blank line: then every physical line is one record
and the k-th accepted row is on line k + 1 plus the rejected lines before it, so the text split is skipped.
One streaming pass over the bytes (which also proves the file is UTF-8) counts lines and looks for blank
lines and stray CRs; DuckDB's parse must then account for every line with no value holding a line break,
or the exact split runs.

Every physical line is accounted for: each line of a malformed record is a reject of its own (an unclosed
quote that swallows the rows below it names each of them), and the lines that are no record of their own
(blank lines, the further lines of a value holding a line break) are noted in `_ingest_line_notes` for the
warnings. A file that mixes CRLF and LF line endings (an LF row appended to a CRLF export), which DuckDB's
strict parser cannot read, is read from an owner-only copy with CRLF turned into LF.

No DuckDB error is ever caught to try another way: inside ingest's one transaction a DuckDB error aborts the
transaction, so every decision between the ways of reading is made before DuckDB parses the file.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from priority_families.core.sql import quote_ident, sql_str
from priority_families.ingest.errors import IngestError

# One CSV field: a quoted field ("" escapes a quote; may span lines), possibly followed by stray text
# that makes DuckDB reject the row, or an unquoted field. A record is fields joined by commas up to a
# newline. Every character of the file belongs to exactly one record.
_FIELD = r'(?:"(?:[^"]|"")*"[^,\n]*|[^,\n]*)'
RECORD_PATTERN = _FIELD + "(?:," + _FIELD + r")*(?:\n|$)"

PARQUET = ".parquet"  # an extract may be CSV or Parquet (`stage_file`)
STAGED = "_ingest_parsed"  # a view: _pf_line, the header's columns (all VARCHAR), _pf_misaligned
STRUCTURAL = "_ingest_malformed"  # columns: line, column, detail
LINE_NOTES = "_ingest_line_notes"  # columns: line, first_line (NULL for a blank line)
_LINES = "_ingest_lines"
_EXPECTED = "_ingest_expected"
_ROWS = "_ingest_rows"
_REJECT_ERRORS = "_ingest_reject_errors"
_REJECT_SCANS = "_ingest_reject_scans"


@dataclass(frozen=True)
class StagedFile:
    """What `stage_file` left in the staging tables for one file."""

    path: Path
    header: tuple[str, ...]  # normalised column names, in file order
    rows_read: int  # every non-blank record after the header, and every further line of a malformed one
    rows_malformed: int
    lines_read: int = 0  # physical lines after the header
    lines_reported: int = 0  # lines that are no row: blank, or a further line of a parsed row's value


def stage_file(con: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    """Parse `path` into the `_ingest_parsed` view (with `_pf_line`) and its broken rows into `_ingest_malformed`.

    Raises `IngestError` for a file that is not UTF-8, has no header or no `record_id` column, or whose
    quoting cannot be followed. The caller materialises the view once and runs `check_alignment` on it,
    then `drop_staging`.
    """
    if path.suffix.lower() == PARQUET:
        return _stage_parquet(con, path)
    shape = _scan_bytes(path)
    if not shape.mixed_endings:
        return _stage(con, path, shape)
    with tempfile.TemporaryDirectory(prefix="pf-ingest-") as folder:  # owner-only, removed at once
        copy = _lf_copy(path, Path(folder) / path.name)
        try:
            staged = _stage(con, copy, _scan_bytes(copy))
        except IngestError as exc:
            raise IngestError(path, exc.reason) from exc
    return dataclasses.replace(staged, path=path)


def _stage_parquet(con: duckdb.DuckDBPyConnection, path: Path) -> StagedFile:
    """A Parquet extract staged like a CSV one: every value as text (the same checks read it), `_pf_line` its
    row number (1 = the first row; Parquet has no header line). Its schema is read before DuckDB opens it,
    so a file that is not Parquet is refused by name, never a DuckDB error inside ingest's transaction; a
    Parquet file has no malformed rows and no lines that are not rows."""
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(path, f"is not a Parquet file ({str(exc).splitlines()[0][:200]})") from None
    header = _header_from_names(path, list(schema.names))
    values = ", ".join(f"CAST({quote_ident(original)} AS VARCHAR) AS {quote_ident(name)}"
                       for original, name in zip(schema.names, header, strict=True))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {LINE_NOTES} (line INTEGER, first_line INTEGER)")
    con.execute(f'CREATE OR REPLACE TEMP TABLE {STRUCTURAL} (line INTEGER, "column" VARCHAR, detail VARCHAR, '
                "ordinal BIGINT)")
    con.execute(f"""CREATE OR REPLACE TEMP VIEW {STAGED} AS
        SELECT CAST(file_row_number + 1 AS INTEGER) AS _pf_line, {values}, false AS _pf_misaligned
        FROM read_parquet({sql_str(path)}, file_row_number = true)""")
    rows = schema_rows(path)
    return StagedFile(path, header, rows, 0, rows, 0)


def schema_rows(path: Path) -> int:
    """The rows a Parquet file holds (from its footer)."""
    return pq.ParquetFile(path).metadata.num_rows


def _stage(con: duckdb.DuckDBPyConnection, path: Path, shape: TextShape) -> StagedFile:
    con.execute(f"CREATE OR REPLACE TEMP TABLE {LINE_NOTES} (line INTEGER, first_line INTEGER)")
    if shape.one_line_candidate:
        staged = _stage_by_lines(con, path, shape)
        if staged is not None:
            return staged
    by_lines = _split_lines(con, path)
    if not by_lines:
        _split_records(con, path)
    header = _header(con, path)
    _refuse_stray_carriage_returns(con, path)
    _parse_values(con, path, header)
    try:
        _match_lines(con, path, header)
    except IngestError:
        if not by_lines:
            raise
        _split_records(con, path)  # the shortcut's assumption failed: split by the CSV grammar instead
        _match_lines(con, path, header)
    further = _account_for_lines(con, shape.lines)
    rows_read = con.execute(
        f"SELECT count(*) FROM {_LINES} WHERE ordinal > 1 AND NOT blank"
    ).fetchall()[0][0] + further
    malformed = con.execute(f"SELECT count(*) FROM {STRUCTURAL}").fetchall()[0][0]
    reported = con.execute(f"SELECT count(*) FROM {LINE_NOTES}").fetchall()[0][0]
    con.execute(f"DROP TABLE {_LINES}")
    return StagedFile(path, header, rows_read, malformed, max(shape.lines - 1, 0), reported)


def _account_for_lines(con: duckdb.DuckDBPyConnection, lines: int) -> int:
    """Give every physical line a place: each further line of a malformed record becomes a malformed row of
    its own (so rows an unclosed quote swallowed are named); blank lines and the further lines of a parsed
    record go to `_ingest_line_notes`. Returns the number of malformed lines added."""
    malformed = f"(SELECT ordinal FROM {STRUCTURAL} WHERE ordinal IS NOT NULL)"
    con.execute(
        f"""
        INSERT INTO {STRUCTURAL}
        SELECT line, NULL, 'inside the malformed row that starts on line ' || first_line, NULL
        FROM (SELECT l.line + unnest(range(1, l.inner_newlines + 1)) AS line, l.line AS first_line
              FROM {_LINES} l WHERE l.inner_newlines > 0 AND l.ordinal IN {malformed})
        WHERE line <= $lines
        """,
        {"lines": lines},
    )
    con.execute(
        f"""
        INSERT INTO {LINE_NOTES}
        SELECT line, NULL FROM {_LINES} WHERE ordinal > 1 AND blank AND line <= $lines
        UNION ALL
        SELECT line, first_line
        FROM (SELECT line + unnest(range(1, inner_newlines + 1)) AS line, line AS first_line
              FROM {_LINES} WHERE inner_newlines > 0 AND NOT blank AND ordinal NOT IN {malformed})
        WHERE line <= $lines
        """,
        {"lines": lines},
    )
    return con.execute(f"SELECT count(*) FROM {STRUCTURAL} WHERE ordinal IS NULL").fetchall()[0][0]


@dataclass(frozen=True)
class TextShape:
    """What one pass over a file's bytes tells about how its records can be numbered."""

    first_line: str  # the first physical line, without its line ending
    lines: int  # physical lines, the last one counted even without a final newline
    quoted: bool  # some quote character: a quoted value might run over lines
    one_line_candidate: bool  # no blank line and no CR except in CRLF: lines may be the records
    crlf: int = 0  # lines ending CRLF

    @property
    def mixed_endings(self) -> bool:
        """Some lines end CRLF and others LF: DuckDB's strict parser refuses the file."""
        return 0 < self.crlf < self.lines - (0 if self.ends_with_newline else 1)

    ends_with_newline: bool = True


_CHUNK = 16 * 2**20


def _scan_bytes(path: Path) -> TextShape:
    """Stream the file once in large chunks (never per record): UTF-8 check, newline count, and whether
    any quote, blank line or carriage return outside a CRLF occurs."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    newlines = lone_cr = crlf = 0
    quoted = blank = False
    previous, head = b"", b""
    try:
        with path.open("rb") as f:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
                if newlines == 0:  # the first line is still being read
                    head += chunk.split(b"\n", 1)[0]
                joined = previous[-2:] + chunk  # patterns across the chunk boundary
                newlines += chunk.count(b"\n")
                quoted = quoted or b'"' in chunk
                blank = blank or b"\n\n" in joined or b"\n\r\n" in joined
                pairs = chunk.count(b"\r\n") + (previous.endswith(b"\r") and chunk.startswith(b"\n"))
                crlf += pairs
                lone_cr += chunk.count(b"\r") - pairs
                previous = chunk
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise IngestError(path, "is not UTF-8 text") from exc
    except OSError as exc:
        raise IngestError(path, f"cannot be read: {exc.strerror or exc}") from exc
    lines = newlines + (1 if previous and not previous.endswith(b"\n") else 0)
    head = head.removesuffix(b"\r")
    candidate = bool(head) and not blank and lone_cr == 0
    ends = not previous or previous.endswith(b"\n")
    return TextShape(head.decode("utf-8"), lines, quoted, candidate, crlf, ends)


def _lf_copy(path: Path, copy: Path) -> Path:
    """`path` with every CRLF turned into LF, streamed in large chunks (a CR before the chunk's end is held
    back until the next chunk shows whether an LF follows)."""
    held = b""
    with path.open("rb") as source, copy.open("wb") as target:
        while chunk := source.read(_CHUNK):
            chunk = held + chunk
            held = b"\r" if chunk.endswith(b"\r") else b""
            target.write(chunk[: len(chunk) - len(held)].replace(b"\r\n", b"\n"))
        target.write(held)
    return copy


def _stage_by_lines(con: duckdb.DuckDBPyConnection, path: Path, shape: TextShape) -> StagedFile | None:
    """Stage a file whose physical lines are its records without splitting its text.

    Returns None (the caller then takes the exact path, which also gives any error its precise wording)
    unless DuckDB's parse proves the lines are the records: it parses without error and accounts for
    every line after the header with exactly one accepted or rejected row. With no blank line and no CR
    outside a CRLF, every record takes at least one whole line, so as many rows as lines means one line
    each: no value holds a line break. A file with quotes must also have no rejected row (an unclosed
    quote might make DuckDB report one broken record on several lines).
    """
    try:
        header = _header_from_text(path, shape.first_line)
    except IngestError:
        return None
    _parse_values(con, path, header)  # a DuckDB error aborts the transaction: it is final, never a fallback
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STRUCTURAL} AS
        SELECT line,
               CASE WHEN regexp_full_match(column_name, 'c[0-9]+')
                    THEN list_extract($names, CAST(substr(column_name, 2) AS INTEGER) + 1) END AS "column",
               lower(error_type) || ': ' || error_message AS detail, line AS ordinal
        FROM (SELECT DISTINCT ON (line) line, column_name, error_type, error_message
              FROM {_REJECT_ERRORS} ORDER BY line, column_idx)
        """,
        {"names": list(header)},
    )
    rows_read = shape.lines - 1
    parsed, malformed, outside = con.execute(
        f"""SELECT (SELECT count(*) FROM {_ROWS}), count(*), count(*) FILTER (WHERE line NOT BETWEEN 2 AND ?)
            FROM {STRUCTURAL}""",
        [shape.lines],
    ).fetchall()[0]
    if parsed + malformed != rows_read or outside or (shape.quoted and malformed):
        return None
    renamed = ", ".join(f"r.c{i} AS {quote_ident(name)}" for i, name in enumerate(header))
    # The k-th accepted row is on line k + 1 plus the number of rejected lines before it. Rows are stored in
    # file order, so k - 1 is the row's rowid less the first rowid (rowids start high inside an open
    # transaction). The i-th rejected line r_i comes after r_i - i - 1 accepted rows, so the shift for row k
    # is the largest i with r_i - i - 1 < k: an ASOF join on the few rejected lines.
    index = f"(r.rowid - (SELECT min(rowid) FROM {_ROWS}))"
    line, shifts = f"{index} + 2", ""
    if malformed:
        line = f"{index} + 2 + coalesce(s.shift, 0)"
        shifts = f"""ASOF LEFT JOIN (
                SELECT line - ordinal_of_reject - 1 AS accepted_before, max(ordinal_of_reject) AS shift
                FROM (SELECT line, row_number() OVER (ORDER BY line) AS ordinal_of_reject FROM {STRUCTURAL})
                GROUP BY ALL) s ON {index} >= s.accepted_before"""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {STAGED} AS
        SELECT CAST({line} AS INTEGER) AS _pf_line, {renamed}, false AS _pf_misaligned
        FROM {_ROWS} r {shifts}
        """
    )
    return StagedFile(path, header, rows_read, malformed, rows_read, 0)


def _split_lines(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """The shortcut for most files: one record per physical line, when no line has an odd number of
    quote characters (so no quoted field can run on to the next line). False when it does not apply.

    `_match_lines` still checks the result against DuckDB's parse; on disagreement the exact split runs.
    """
    _read_into_lines(con, path, "string_split(content, chr(10))", [str(path)])
    odd = con.execute(
        f"SELECT count(*) FROM {_LINES} WHERE (length(rec) - length(replace(rec, '\"', ''))) % 2 = 1"
    ).fetchall()[0][0]
    return odd == 0


def _split_records(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Records of the file by the CSV grammar, with their ordinal (as DuckDB counts them) and first line."""
    _read_into_lines(con, path, "regexp_extract_all(content, ?)", [RECORD_PATTERN, str(path)])
    spanning = con.execute(f"SELECT count(*) FROM {_LINES} WHERE inner_newlines > 0").fetchall()[0][0]
    if spanning:  # quoted fields span lines: shift every later record by the newlines inside earlier ones
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_LINES} AS
            SELECT * REPLACE (ordinal + coalesce(sum(inner_newlines) OVER (
                       ORDER BY ordinal ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS line)
            FROM {_LINES}
            """
        )


def _read_into_lines(con: duckdb.DuckDBPyConnection, path: Path, split: str, params: list[str]) -> None:
    """`_ingest_lines` from the file's text cut by `split`; reading it as text proves it is UTF-8."""
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_LINES} AS
            SELECT ordinal, rec, ordinal AS line, rtrim(rec, chr(13) || chr(10)) = '' AS blank,
                   length(rec) - length(replace(rec, chr(10), '')) - CAST(ends_with(rec, chr(10)) AS INTEGER)
                       AS inner_newlines
            FROM (SELECT unnest(l) AS rec, generate_subscripts(l, 1) AS ordinal
                  FROM (SELECT {split} AS l FROM read_text(?)))
            """,
            params,
        )
    except duckdb.Error as exc:
        if "UTF-8" in str(exc):
            raise IngestError(path, "is not UTF-8 text") from exc
        raise IngestError(path, f"cannot be read: {str(exc).splitlines()[0]}") from exc


def _header(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[str, ...]:
    """Column names from the first record of the split text."""
    first = con.execute(f"SELECT rec FROM {_LINES} WHERE ordinal = 1").fetchall()
    return _header_from_text(path, first[0][0] if first else "")


def _header_from_text(path: Path, text: str) -> tuple[str, ...]:
    """Column names from the first record: trimmed, lower case, unique, with `record_id` among them."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise IngestError(path, "has no header row")
    try:
        cells = next(csv.reader([text.rstrip("\r\n")], strict=True))
    except csv.Error as exc:
        raise IngestError(path, f"is not CSV: header row does not parse ({exc})") from exc
    return _header_from_names(path, cells)


def _header_from_names(path: Path, cells: list[str]) -> tuple[str, ...]:
    """Column names as ingest reads them: trimmed, lower case, unique, with `record_id` among them."""
    names = [c.strip().lower() or f"column_{i + 1}" for i, c in enumerate(cells)]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise IngestError(path, f"is not usable: duplicate column(s) {', '.join(duplicates)} in the header")
    if "record_id" not in names:
        raise IngestError(path, "has no record_id column (is it an extract with a header row?)")
    return tuple(names)


def _refuse_stray_carriage_returns(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A CR outside quotes and not before LF makes DuckDB's parser give up on the whole file (RFC 4180
    requires such a field to be quoted), so name the line instead of failing obscurely."""
    line = con.execute(
        f"""
        SELECT min(line) FROM {_LINES}
        WHERE position(chr(13) IN rec) > 0
          AND regexp_matches(regexp_replace(rec, '"(?:[^"]|"")*"', '', 'g'), '\r[^\n]')
        """
    ).fetchall()[0][0]
    if line is not None:
        raise IngestError(path, f"is not CSV: carriage return (CR) inside an unquoted field on line {line}")


def _parse_values(con: duckdb.DuckDBPyConnection, path: Path, header: tuple[str, ...]) -> None:
    """DuckDB's own RFC 4180 parse, all text, rows in file order; broken rows go to its reject table."""
    columns = "{" + ", ".join(f"{sql_str(f'c{i}')}: 'VARCHAR'" for i in range(len(header))) + "}"
    for table in (_REJECT_ERRORS, _REJECT_SCANS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_ROWS} AS
            SELECT *
            FROM read_csv(?, columns = {columns}, header = true, delim = ',', quote = '"', escape = '"',
                          auto_detect = false, strict_mode = true, parallel = false,
                          store_rejects = true, rejects_table = '{_REJECT_ERRORS}',
                          rejects_scan = '{_REJECT_SCANS}', max_line_size = 10000000)
            """,
            [str(path)],
        )
    except duckdb.Error as exc:
        raise IngestError(path, f"is not CSV: {str(exc).splitlines()[0]}") from exc


def _match_lines(con: duckdb.DuckDBPyConnection, path: Path, header: tuple[str, ...]) -> None:
    """Give every parsed row its line number; record DuckDB's rejected rows as malformed rows."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {STRUCTURAL} AS
        SELECT l.line,
               CASE WHEN regexp_full_match(e.column_name, 'c[0-9]+')
                    THEN list_extract($names, CAST(substr(e.column_name, 2) AS INTEGER) + 1) END AS "column",
               lower(e.error_type) || ': ' || e.error_message AS detail, l.ordinal
        FROM (SELECT DISTINCT ON (line) line, column_name, error_type, error_message
              FROM {_REJECT_ERRORS} ORDER BY line, column_idx) e
        LEFT JOIN {_LINES} l ON l.ordinal = e.line
        """,
        {"names": list(header)},
    )
    unmatched = con.execute(f"SELECT count(*) FROM {STRUCTURAL} WHERE line IS NULL").fetchall()[0][0]
    expected, parsed = con.execute(
        f"""
        SELECT (SELECT count(*) FROM {_LINES} WHERE ordinal > 1 AND NOT blank
                AND ordinal NOT IN (SELECT ordinal FROM {STRUCTURAL})),
               (SELECT count(*) FROM {_ROWS})
        """
    ).fetchall()[0]
    if unmatched or expected != parsed:
        raise IngestError(path, "is not CSV: unbalanced quotes (a quoted field is never closed)")
    renamed = ", ".join(f"r.c{i} AS {quote_ident(name)}" for i, name in enumerate(header))
    if parsed == 0:  # nothing to pair (DuckDB cannot bind the positional join over empty tables)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {STAGED} AS SELECT 0 AS _pf_line, {renamed}, false AS _pf_misaligned "
            f"FROM {_ROWS} r"
        )
        return
    record_id = header.index("record_id")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {_EXPECTED} AS
        SELECT line, rec FROM {_LINES}
        WHERE ordinal > 1 AND NOT blank AND ordinal NOT IN (SELECT ordinal FROM {STRUCTURAL})
        ORDER BY ordinal
        """
    )
    # Both tables hold rows in file order (DuckDB keeps insertion order), so the k-th parsed row
    # pairs with the k-th expected record by position, without sorting or hashing. A view: the
    # checks read it once to materialise, so no extra copy of the file is made here.
    paired = f"{_ROWS} r POSITIONAL JOIN {_EXPECTED} x"
    # A record without quotes must start with its parsed values up to record_id: cheap, and unique per row.
    values = " || ',' || ".join(f"coalesce(r.c{i}, '')" for i in range(record_id + 1))
    starts = (f"starts_with(x.rec, {values} || ',')" if record_id + 1 < len(header)
              else f"rtrim(x.rec, chr(13) || chr(10)) = {values}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW {STAGED} AS
        SELECT CAST(x.line AS INTEGER) AS _pf_line, {renamed},
               (position('"' IN x.rec) = 0 AND NOT {starts}) AS _pf_misaligned
        FROM {paired}
        """
    )


def check_alignment(con: Any, files: list[tuple[Path, str]]) -> None:
    """Refuse the first file with a parsed row paired with the wrong record (its values up to record_id differ).

    Run on the tables the checks materialise from the staged views (`files`: each file and its table), so the
    pairing is read only once, and in one query for every file (on Spark each query is a job).
    """
    if not files:
        return
    found = dict(con.execute(" UNION ALL ".join(
        f"SELECT {i} AS i, min(_pf_line) AS line FROM {table} WHERE _pf_misaligned" for i, (_, table) in enumerate(files)
    )).fetchall())
    for i, (path, _) in enumerate(files):
        if found.get(i) is not None:
            raise IngestError(path, f"is not CSV: cannot follow its quoting near line {found[i]}")


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what `stage_file` left behind once the file's rows have been checked and loaded."""
    con.execute(f"DROP VIEW IF EXISTS {STAGED}")
    for table in (_ROWS, _EXPECTED, STRUCTURAL, LINE_NOTES, _REJECT_ERRORS, _REJECT_SCANS):
        con.execute(f"DROP TABLE IF EXISTS {table}")
