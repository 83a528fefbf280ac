"""A data refresh's first step: read a folder of partner extracts into `records`, `rejects` and friends.

`ingest_extracts` works on an open connection so a refresh (`priority_families.refresh`) runs it inside one
`Workspace.publishing(fresh=True)`. Every row read
ends up either in `records` (accepted) or in `rejects` (with file, line, column and reason), never
nowhere; a file that cannot be read at all stops the whole refresh with an `IngestError`.

Every physical line is accounted for: `lines_read = rows_accepted + rows_rejected + lines_reported`, where
the reported lines (blank lines, further lines of a value holding a line break) are in `ingest_warnings`
beside what ingest noticed without rejecting (impossible, future or pre-1900 dates of birth). A `*.csv` that
is not a regular file (a folder, a symlink loop, a pipe) or is larger than `max_file_mb` is refused by name
before anything is read, so memory stays bounded whatever arrives.

Each file is read on its own by DuckDB (`reading`: the byte-level read that numbers every line); the checks,
rejects, standardisation and `records` are one stage sent to `core.engine.stage_executor`, so with `engine:
spark` they run on Spark from the same SQL (decision 17).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from priority_families.core.config import Settings
from priority_families.core.engine import stage_executor
from priority_families.core.sql import quote_ident, sql_str
from priority_families.ingest import standardise as std
from priority_families.ingest.checks import (
    LINE_WARNINGS,
    Check,
    RejectReason,
    WarningReason,
    checks_for,
    col,
    first_seen_join,
    mask_sql,
    rejects_sql,
)
from priority_families.ingest.errors import IngestError
from priority_families.ingest.reading import (
    LINE_NOTES,
    PARQUET,
    STAGED,
    STRUCTURAL,
    StagedFile,
    check_alignment,
    drop_staging,
    stage_file,
)
from priority_families.ingest.schema import (
    FACT_COLUMN_TYPES,
    FACT_KINDS,
    PERSON_COLUMNS,
    ColumnType,
    FactKind,
)

REFRESH_FILE = "refresh.yaml"
EXTRACT_SUFFIXES = (".csv", PARQUET)  # every fact extract may be either
REJECTS_FILE = "rejects.csv"
# Reference files beside the extracts, read by their own stage (docs/extracts.md), not reported as unknown.
REFERENCE_FILES = frozenset({"gazetteer.csv"})
WARNINGS_FILE = "warnings.csv"
DEFAULT_MAX_FILE_MB = 1024  # the largest county's largest extract is a few hundred MB


class FileStatus(StrEnum):
    LOADED = "loaded"  # every row accepted
    LOADED_WITH_REJECTS = "loaded_with_rejects"
    ABSENT = "absent"  # a known fact kind with no file this refresh: fine
    UNKNOWN = "unknown"  # a *.csv whose name is not a fact kind: reported, not read


class RefreshSettings(BaseModel):
    """`refresh.yaml`: the date the extracts describe and the authority that sent them."""

    model_config = ConfigDict(extra="allow")

    as_of: date | None = None
    authority: str | None = None
    max_file_mb: int = Field(default=DEFAULT_MAX_FILE_MB, gt=0)  # a larger extract is refused before reading


@dataclass(frozen=True)
class FileReport:
    file: str
    fact: str | None
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    status: FileStatus
    top_reasons: tuple[tuple[str, int], ...] = ()
    lines_read: int = 0  # physical lines after the header
    lines_reported: int = 0  # lines that are no row (blank, further lines of a value), in `ingest_warnings`


@dataclass
class IngestReport:
    refresh_id: str
    as_of: date
    authority: str | None
    extracts: Path
    files: list[FileReport] = field(default_factory=list)
    rejects_csv: Path | None = None
    warnings_csv: Path | None = None
    store: Path | None = None

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_accepted(self) -> int:
        return sum(f.rows_accepted for f in self.files)

    @property
    def rows_rejected(self) -> int:
        return sum(f.rows_rejected for f in self.files)

    @property
    def warnings(self) -> list[str]:
        return [f"{f.file}: not a known extract name, not read" for f in self.files if f.status == FileStatus.UNKNOWN]


FileCallback = Callable[[str, int, int], None]  # (file name, index, total) before each file is read


def load_refresh_settings(folder: Path, as_of: date | None, authority: str | None) -> RefreshSettings:
    """`refresh.yaml` if present, overridden by the command line; `as_of` must come from one of them."""
    path = folder / REFRESH_FILE
    from_file = RefreshSettings()
    if path.exists():
        try:
            from_file = RefreshSettings.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        except (yaml.YAMLError, ValidationError, UnicodeDecodeError, ValueError) as exc:
            raise IngestError(path, f"is not a valid refresh file: {str(exc).splitlines()[0]}") from exc
    chosen = RefreshSettings(as_of=as_of or from_file.as_of, authority=authority or from_file.authority,
                             max_file_mb=from_file.max_file_mb)
    if chosen.as_of is None:
        raise IngestError(folder, f"no as_of date: give --as-of or put `as_of: YYYY-MM-DD` in {REFRESH_FILE}")
    return chosen


def ingest_extracts(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    as_of: date | None = None,
    authority: str | None = None,
    on_file: FileCallback | None = None,
    run: Settings | None = None,
    work_dir: Path | None = None,
    origin: str | None = None,
) -> IngestReport:
    """Create `refresh`, `ingest_files`, `records` and `rejects` from the extracts in `folder`.

    Each file is read by DuckDB on its own (`reading.stage_file`: line accounting, malformed rows); what
    grows with the records (the checks, the rejects, standardisation, `records`) runs as one stage on the
    engine of `run` (`core.engine.stage_executor`, Spark's work in `work_dir`), from the same SQL. `origin`
    is where the extracts came from when `folder` is a local copy of them (a URI Spark read).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise IngestError(folder, "is not a folder of extracts")
    settings = load_refresh_settings(folder, as_of, authority)
    loaded_at = datetime.now()
    report = IngestReport(
        refresh_id=f"refresh-{settings.as_of:%Y%m%d}-{loaded_at:%Y%m%dT%H%M%S%f}",
        as_of=settings.as_of, authority=settings.authority, extracts=folder.resolve(),
    )
    csvs = sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTRACT_SUFFIXES)
    for path in csvs:
        _refuse_unreadable(path, settings.max_file_mb)
    known = [p for p in csvs if p.stem in FACT_KINDS]
    if not known:
        raise IngestError(folder, "holds no extract (no <fact>.csv or <fact>.parquet file such as offence.csv or "
                                  "school_attendance.parquet): nothing to publish")
    _refuse_twice_sent(known)
    present = {p.stem for p in known}
    with _one_transaction(con):
        _create_tables(con)
        record_refresh(con, report.refresh_id, report.as_of, report.authority, origin or str(report.extracts),
                       loaded_at)
        with stage_executor(con, run or Settings(), work_dir or folder, "ingest") as x:
            checked = []
            for index, path in enumerate(known):
                if on_file:
                    on_file(path.name, index, len(known))
                checked.append(_check_file(con, x, path, path.stem, index))
            check_alignment(x, [(f.staged.path, f.table) for f in checked])
            _reject_and_note(x, checked)
            _build_lookups(x, checked)
            report.files += _load_files(x, checked, report.as_of)
            _drop_working(x, checked)  # on failure the rollback (DuckDB) or the executor (Spark) removes them
        report.files += [FileReport(p.name, None, 0, 0, 0, FileStatus.UNKNOWN)
                         for p in csvs if p.stem not in FACT_KINDS and p.name not in REFERENCE_FILES]
        report.files += [FileReport(f"{k}.csv", k, 0, 0, 0, FileStatus.ABSENT)
                         for k in FACT_KINDS if k not in present]
        con.executemany(
            "INSERT INTO ingest_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [[f.file, f.fact, f.rows_read, f.rows_accepted, f.rows_rejected, f.status.value, f.lines_read,
              f.lines_reported] for f in report.files],
        )
    return report


def _refuse_twice_sent(known: list[Path]) -> None:
    """One file per fact: `offence.csv` beside `offence.parquet` is refused rather than one of them chosen."""
    by_fact: dict[str, list[str]] = {}
    for path in known:
        by_fact.setdefault(path.stem, []).append(path.name)
    twice = sorted(names for names in by_fact.values() if len(names) > 1)
    if twice:
        raise IngestError(known[0].parent, "holds the same extract twice: " + "; ".join(
            " and ".join(names) for names in twice) + " (send one file per fact, CSV or Parquet)")


def _refuse_unreadable(path: Path, max_file_mb: int) -> None:
    """Refuse, by name and before anything is read, a `*.csv` that is not a regular file (a folder, a
    symlink loop or a dangling link, a pipe that would block) or that is larger than `max_file_mb`."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise IngestError(path, f"cannot be read: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise IngestError(path, f"is {kind}, not an extract file")
    if info.st_size > max_file_mb * 2**20:
        raise IngestError(path, f"is {info.st_size / 2**20:,.0f} MB, more than the {max_file_mb:,} MB allowed "
                                f"(max_file_mb in {REFRESH_FILE})")


def _in_transaction(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the caller holds an open transaction: outside one, every statement gets a new id."""
    first, second = (con.execute("SELECT txid_current()").fetchall()[0][0] for _ in range(2))
    return first == second


@contextmanager
def _one_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Run the files' statements as one transaction: committing each of them separately costs about a
    quarter of ingest's time (every commit writes the 50-column `records` appends out again). Inside a
    transaction the caller opened, that transaction is used as it is (a second BEGIN would abort it)."""
    if _in_transaction(con):
        yield
        return
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def record_refresh(con: duckdb.DuckDBPyConnection, refresh_id: str, as_of: date, authority: str | None = None,
                   extracts: str = "", loaded_at: datetime | None = None) -> None:
    """The `refresh` table: the one row naming the refresh a store holds (read by `refresh.refresh_in_force`)."""
    con.execute("CREATE OR REPLACE TABLE refresh (refresh_id VARCHAR, as_of DATE, authority VARCHAR, "
                "extracts VARCHAR, loaded_at TIMESTAMP)")
    con.execute("INSERT INTO refresh VALUES (?, ?, ?, ?, ?)",
                [refresh_id, as_of, authority, extracts, loaded_at or datetime.now()])


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    record_columns = ", ".join(f"{quote_ident(n)} {t}" for n, t in RECORD_COLUMNS.items())
    con.execute(
        f"""
        CREATE OR REPLACE TABLE ingest_files (file VARCHAR, fact VARCHAR, rows_read BIGINT,
            rows_accepted BIGINT, rows_rejected BIGINT, status VARCHAR, lines_read BIGINT, lines_reported BIGINT);
        CREATE OR REPLACE TABLE rejects (file VARCHAR, line INTEGER, "column" VARCHAR, reason VARCHAR,
            source VARCHAR, record_id VARCHAR, detail VARCHAR);
        CREATE OR REPLACE TABLE ingest_warnings (file VARCHAR, line INTEGER, "column" VARCHAR, warning VARCHAR,
            source VARCHAR, record_id VARCHAR, detail VARCHAR);
        CREATE OR REPLACE TABLE records ({record_columns});
        """
    )


_PERSON_RECORD_COLUMNS = (
    "fact source record_id line first_name last_name dob_raw sex address_line1 postcode uprn_raw upn nhs_number "
    "ni_number first_name_std last_name_std dob sex_std postcode_std address_std flat house_number uprn upn_std "
    "nhs_number_std ni_number_std upn_valid nhs_number_valid ni_number_valid event_date"
)
_RECORD_TYPES = {"line": "INTEGER", "dob": "DATE", "uprn": "BIGINT", "event_date": "DATE",
                 "upn_valid": "BOOLEAN", "nhs_number_valid": "BOOLEAN", "ni_number_valid": "BOOLEAN"}
_SQL_TYPES = {
    ColumnType.TEXT: "VARCHAR",
    ColumnType.DATE: "DATE",
    ColumnType.INTEGER: "INTEGER",
    ColumnType.NUMBER: "DOUBLE",
    ColumnType.TERM: "VARCHAR",
    ColumnType.KIND: "VARCHAR",
}


# The `records` table in docs/store.md order: keys, raw person values, standardised values, fact columns.
RECORD_COLUMNS: dict[str, str] = {
    "record_key": "BIGINT",
    **{n: _RECORD_TYPES.get(n, "VARCHAR") for n in _PERSON_RECORD_COLUMNS.split()},
    **{n: _SQL_TYPES[FACT_COLUMN_TYPES[n]] for n in ("date", "start_date", "end_date", "release_date", "kind",
                                                      "role", "risk", "term")},
    "term_start": "DATE",
    "term_end": "DATE",
    **{n: _SQL_TYPES[FACT_COLUMN_TYPES[n]] for n in ("possible_sessions", "authorised_absence",
                                                      "unauthorised_absence", "sessions", "gravity",
                                                      "hours_per_week")},
    "attributes": "JSON",
}


@dataclass(frozen=True)
class _CheckedFile:
    """A file read and checked, waiting in `table` (with its problem mask) for its rejects, the lookups and its
    load; its malformed rows in `malformed`, the lines that are no row in `notes`."""

    staged: StagedFile
    fact: str
    table: str
    checks: tuple[Check, ...]
    malformed: str
    notes: str


def _check_file(con: duckdb.DuckDBPyConnection, x: Any, path: Path, fact: str, index: int) -> _CheckedFile:
    """Read one fact file on DuckDB (`stage_file`), then check its rows on the stage's engine `x`."""
    staged = stage_file(con, path)
    header = staged.header
    checks = checks_for(fact, header)
    source = _hand_over(con, x, index)
    table = f"_ingest_checked_{index}"
    x.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT _pf_staged.*, _pf_first_line, {mask_sql(checks)} AS _pf_mask
        FROM {source} _pf_staged {first_seen_join(header, source)}
        """
    )
    if source != STAGED:
        con.execute(f"DROP VIEW {source}")  # the other engine holds its own copy now
    drop_staging(con)
    return _CheckedFile(staged, fact, table, tuple(checks), f"_ingest_malformed_{index}", f"_ingest_notes_{index}")


def _hand_over(con: duckdb.DuckDBPyConnection, x: Any, index: int) -> str:
    """Keep what the read of file `index` found (its malformed rows, the lines that are no row) past
    `drop_staging`, and return the relation its parsed rows are checked from: DuckDB's staged view itself, or
    for another engine a view of it under the file's own name (that engine copies it once, as it first reads
    it)."""
    con.execute(f'CREATE OR REPLACE TEMP TABLE _ingest_malformed_{index} AS SELECT line, "column", detail '
                f"FROM {STRUCTURAL}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_notes_{index} AS SELECT line, first_line FROM {LINE_NOTES}")
    if x is con:
        return STAGED
    con.execute(f"CREATE OR REPLACE TEMP VIEW _ingest_staged_{index} AS SELECT * FROM {STAGED}")  # copied once
    return f"_ingest_staged_{index}"


def _reject_and_note(x: Any, files: list[_CheckedFile]) -> None:
    """Every file's malformed rows and failed checks into `rejects`, its lines that are no row into
    `ingest_warnings`: one statement each, so an engine rewriting whole tables writes them once."""
    rejects, notes = [], []
    for f in files:
        name = sql_str(f.staged.path.name)
        rejects.append(f'''SELECT {name}, line, "column", {sql_str(RejectReason.MALFORMED.value)}, NULL, NULL, detail
                          FROM {f.malformed}''')
        rejects.append(f"SELECT {name}, * FROM ({rejects_sql(list(f.checks), f.table, f.staged.header)})")
        notes.append(
            f"""SELECT {name}, line, NULL, CASE WHEN first_line IS NULL THEN {sql_str(WarningReason.BLANK_LINE.value)}
                       ELSE {sql_str(WarningReason.CONTINUED.value)} END, NULL, NULL,
                       CASE WHEN first_line IS NOT NULL THEN 'the row on line ' || first_line END
                FROM {f.notes}""")
    x.execute(f"INSERT INTO rejects {' UNION ALL '.join(rejects)}")
    x.execute(f"INSERT INTO ingest_warnings {' UNION ALL '.join(notes)}")


def _load_files(x: Any, files: list[_CheckedFile], as_of: date) -> list[FileReport]:
    """Every checked file's accepted rows into `records` in one statement, standardised from the lookups.

    A file's record keys follow the previous file's largest (its offset plus its last accepted line), as
    when the files were loaded one after another.
    """
    last = dict(x.execute(" UNION ALL ".join(
        f"SELECT {i} AS i, max(_pf_line) AS last FROM {f.table} WHERE _pf_mask = 0" for i, f in enumerate(files)
    )).fetchall())
    offsets, offset = [], 0
    for i in range(len(files)):
        offsets.append(offset)
        offset += last.get(i) or 0
    x.execute("INSERT INTO records BY NAME " + " UNION ALL ".join(
        _records_sql(f.fact, f.staged.header, o, f.table) for f, o in zip(files, offsets, strict=True)))
    _warn_dates_of_birth(x, files, as_of)
    return _file_reports(x, files)


def _drop_working(x: Any, files: list[_CheckedFile]) -> None:
    for f in files:
        for table in (f.table, f.malformed, f.notes):
            x.execute(f"DROP TABLE IF EXISTS {table}")
    _drop_lookups(x)


def _warn_dates_of_birth(x: Any, files: list[_CheckedFile], as_of: date) -> None:
    """A date of birth that is no real date (`2000-02-30`), after as_of or before 1900 keeps its row (the
    person is still there to link by name and identifiers) but is never silent: one warning per row."""
    file_of = " ".join(f"WHEN {sql_str(f.fact)} THEN {sql_str(f.staged.path.name)}" for f in files)
    x.execute(
        f"""
        INSERT INTO ingest_warnings
        SELECT CASE fact {file_of} END, line, 'dob',
               CASE WHEN dob IS NULL THEN ? WHEN dob > ? THEN ? ELSE ? END,
               source, record_id, NULL  -- never the value: the line and record_id find it
        FROM records
        WHERE nullif(trim(dob_raw), '') IS NOT NULL AND (dob IS NULL OR dob > ? OR dob < DATE '1900-01-01')
        """,
        [WarningReason.DOB_NOT_REAL.value, as_of, WarningReason.DOB_FUTURE.value, WarningReason.DOB_TOO_OLD.value,
         as_of],
    )


def _file_reports(x: Any, files: list[_CheckedFile]) -> list[FileReport]:
    """Each file's counts, from four grouped queries over the finished tables (not four per file)."""
    accepted = dict(x.execute("SELECT fact, count(*) FROM records GROUP BY fact").fetchall())
    rejected = dict(x.execute("SELECT file, count(DISTINCT line) FROM rejects GROUP BY file").fetchall())
    line_warnings = ", ".join(sql_str(w.value) for w in LINE_WARNINGS)
    reported = dict(x.execute(f"SELECT file, count(DISTINCT line) FROM ingest_warnings "
                              f"WHERE warning IN ({line_warnings}) GROUP BY file").fetchall())
    reasons: dict[str, list[tuple[str, int]]] = {}
    for file, reason, n in x.execute(
            """SELECT file, reason || ' (' || "column" || ')', count(DISTINCT line) FROM rejects
               GROUP BY file, reason || ' (' || "column" || ')'""").fetchall():
        reasons.setdefault(file, []).append((reason, n))
    return [_file_report(f.staged, f.fact, accepted.get(f.fact, 0), rejected.get(f.staged.path.name, 0),
                         reported.get(f.staged.path.name, 0), _top(reasons.get(f.staged.path.name, [])))
            for f in files]


def _top(reasons: list[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    """The three commonest reasons, most rows first, then by label (a reason without a column last)."""
    return tuple(sorted(reasons, key=lambda r: (-r[1], r[0] is None, r[0] or ""))[:3])


def _file_report(staged: StagedFile, fact: str, accepted: int, rejected: int, reported: int,
                 reasons: tuple[tuple[str, int], ...]) -> FileReport:
    if accepted + rejected != staged.rows_read or staged.rows_read + reported != staged.lines_read:
        raise IngestError(staged.path, f"internal error: read {staged.lines_read} lines but accounted for "
                          f"{accepted} accepted + {rejected} rejected + {reported} reported")
    status = FileStatus.LOADED_WITH_REJECTS if rejected else FileStatus.LOADED
    return FileReport(staged.path.name, fact, staged.rows_read, accepted, rejected, status, reasons,
                      staged.lines_read, reported)


@dataclass(frozen=True)
class Lookup:
    """A table of standardised person values, one row per distinct raw value `v` seen in any file.

    The same person sends the same name, address and identifiers in many rows of many files, and these
    are the costly expressions: each distinct value is standardised once per refresh (after every file
    has been checked, so one statement per lookup), then joined back.
    `select` reads the new raw values from a relation `n(v)` and returns `v` with the standardised columns.
    """

    table: str
    columns: tuple[str, ...]  # the extract columns whose values it standardises
    select: str


def _identifier(name: str, standardise: Callable[[str], str], check: Callable[[str], str]) -> str:
    return f"SELECT *, {check(name)} AS valid FROM (SELECT v, {standardise('v')} AS {name} FROM n)"


def _address_select() -> str:
    parts = std.address_parts("words")
    return f"""SELECT v, {std.flat('p')} AS flat, {std.house_number('p')} AS house_number,
                   {std.address_std(std.flat('p'), std.house_number('p'), std.street('p', 'words'))} AS address_std
               FROM (SELECT v, words, {parts} AS p FROM (SELECT v, {std.address_words('v')} AS words FROM n))"""


DATE_COLUMNS: tuple[str, ...] = ("dob", *(n for n, t in FACT_COLUMN_TYPES.items() if t == ColumnType.DATE))

LOOKUPS: tuple[Lookup, ...] = (
    Lookup("_std_name", ("first_name", "last_name"), f"SELECT v, {std.name_std('v')} AS name_std FROM n"),
    Lookup("_std_date", DATE_COLUMNS, f"SELECT v, {std.date_value('v')} AS date_value FROM n"),
    Lookup("_std_term", ("term",), f"SELECT v, {std.term_label('v')} AS label, {std.term_start('v')} AS term_start, "
                                   f"{std.term_end('v')} AS term_end FROM n"),
    Lookup("_std_postcode", ("postcode",), f"SELECT v, {std.postcode_std('v')} AS postcode_std FROM n"),
    Lookup("_std_uprn", ("uprn",), f"SELECT v, {std.uprn('v')} AS uprn FROM n"),
    Lookup("_std_address", ("address_line1",), _address_select()),
    Lookup("_std_upn", ("upn",), _identifier("upn_std", std.upn_std, std.upn_valid)),
    Lookup("_std_nhs", ("nhs_number",), _identifier("nhs_number_std", std.nhs_number_std, std.nhs_number_valid)),
    Lookup("_std_ni", ("ni_number",), _identifier("ni_number_std", std.ni_number_std, std.ni_number_valid)),
)


def _build_lookups(x: Any, files: list[_CheckedFile]) -> None:
    """Standardise every distinct value of the accepted rows of all files, once per lookup."""
    for lookup in LOOKUPS:
        values = " UNION ALL ".join(
            f"SELECT {quote_ident(c)} AS v FROM {f.table} WHERE _pf_mask = 0 AND {quote_ident(c)} IS NOT NULL"
            for f in files for c in lookup.columns if c in f.staged.header
        ) or "SELECT CAST(NULL AS VARCHAR) AS v WHERE false"
        x.execute(f"CREATE OR REPLACE TEMP TABLE {lookup.table} AS "
                  f"WITH n AS (SELECT DISTINCT v FROM ({values})) {lookup.select}")


def _drop_lookups(x: Any) -> None:
    for lookup in LOOKUPS:
        x.execute(f"DROP TABLE IF EXISTS {lookup.table}")


# Columns read from a lookup in `records`: alias -> (lookup table, extract column).
_JOINS: dict[str, tuple[str, str]] = {
    "fn": ("_std_name", "first_name"), "ln": ("_std_name", "last_name"), "pc": ("_std_postcode", "postcode"),
    "ur": ("_std_uprn", "uprn"), "ad": ("_std_address", "address_line1"), "up": ("_std_upn", "upn"),
    "nh": ("_std_nhs", "nhs_number"), "ni": ("_std_ni", "ni_number"), "tm": ("_std_term", "term"),
    **{f"d_{n}": ("_std_date", n) for n in DATE_COLUMNS},
}


def _records_sql(fact: str, header: tuple[str, ...], offset: int, table: str) -> str:
    """The SELECT turning the file's accepted rows into typed, standardised records.

    Standardised values come from the lookups (the same expressions, run once per distinct value); a
    column the file does not have gives the expression on NULL, as before.
    """
    c = {n: f"t.{col(header, n)}" if n in header else col(header, n) for n in (*PERSON_COLUMNS, *FACT_COLUMN_TYPES)}
    kind = FACT_KINDS[fact]
    joins = {alias: (table, column) for alias, (table, column) in _JOINS.items() if column in header}
    join_sql = " ".join(f"LEFT JOIN {table} {alias} ON {alias}.v = t.{quote_ident(column)}"
                        for alias, (table, column) in joins.items())

    def looked_up(alias: str, column: str, otherwise: str = "NULL") -> str:
        return f"{alias}.{column}" if alias in joins else otherwise

    typed = {name: _typed(kind, name, ctype, c[name]) for name, ctype in FACT_COLUMN_TYPES.items()}
    for name, expr in typed.items():
        if FACT_COLUMN_TYPES[name] == ColumnType.DATE and expr != "NULL":
            typed[name] = looked_up(f"d_{name}", "date_value", expr)
    has_term = "term" in kind.column_names
    if has_term:
        typed["term"] = looked_up("tm", "label", typed["term"])
    extras = [n for n in header if n not in PERSON_COLUMNS and n not in kind.column_names]
    attributes = (
        "json_object(" + ", ".join(f"{sql_str(n)}, t.{quote_ident(n)}" for n in extras) + ")"
        if extras else "NULL"
    )
    fact_select = ", ".join(f"{typed[n]} AS {quote_ident(n)}" for n in FACT_COLUMN_TYPES)
    raw_person = ", ".join(f"{c[n]} AS {quote_ident(_RAW_NAMES.get(n, n))}" for n in PERSON_COLUMNS[2:])
    term_start = looked_up("tm", "term_start", std.term_start(c["term"])) if has_term else "NULL"
    term_end = looked_up("tm", "term_end", std.term_end(c["term"])) if has_term else "NULL"
    return f"""
        SELECT {offset} + t._pf_line AS record_key, {sql_str(fact)} AS fact,
               trim({c['source']}) AS source, trim({c['record_id']}) AS record_id, t._pf_line AS line,
               {raw_person}, {fact_select},
               {looked_up('fn', 'name_std', std.name_std(c['first_name']))} AS first_name_std,
               {looked_up('ln', 'name_std', std.name_std(c['last_name']))} AS last_name_std,
               {looked_up('d_dob', 'date_value', std.date_value(c['dob']))} AS dob, {std.sex_std(c['sex'])} AS sex_std,
               {looked_up('pc', 'postcode_std', std.postcode_std(c['postcode']))} AS postcode_std,
               {looked_up('ur', 'uprn', std.uprn(c['uprn']))} AS uprn,
               {looked_up('ad', 'address_std')} AS address_std,
               {looked_up('ad', 'flat')} AS flat,
               {looked_up('ad', 'house_number')} AS house_number,
               {looked_up('up', 'upn_std')} AS upn_std, {looked_up('up', 'valid')} AS upn_valid,
               {looked_up('nh', 'nhs_number_std')} AS nhs_number_std,
               {looked_up('nh', 'valid')} AS nhs_number_valid,
               {looked_up('ni', 'ni_number_std')} AS ni_number_std,
               {looked_up('ni', 'valid')} AS ni_number_valid,
               {term_start} AS term_start, {term_end} AS term_end,
               coalesce({typed['date']}, {typed['start_date']}, {term_start}) AS event_date,
               {attributes} AS attributes
        FROM {table} t {join_sql}
        WHERE t._pf_mask = 0
    """


# Raw person columns whose name in `records` differs from the extract's (the standardised value takes it).
_RAW_NAMES = {"dob": "dob_raw", "uprn": "uprn_raw"}


def _typed(kind: FactKind, name: str, ctype: ColumnType, expr: str) -> str:
    """SQL for one fact column of the wide table: typed when this kind has it, else NULL."""
    column = next((fc for fc in kind.columns if fc.name == name), None)
    if column is None:
        return "NULL"
    match ctype:
        case ColumnType.DATE:
            return std.date_value(expr)
        case ColumnType.INTEGER:
            return f"CAST(trim({expr}) AS INTEGER)"
        case ColumnType.NUMBER:
            return f"CAST(trim({expr}) AS DOUBLE)"
        case ColumnType.TERM:
            return std.term_label(expr)
        case ColumnType.KIND if column.kinds is not None:
            return f"lower(trim({expr}))"
        case _:
            return std.blank_to_null(expr)
