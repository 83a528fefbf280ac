"""Row checks: every reason a parsed row cannot be used, as one SQL list of problems per row.

A row with no problems becomes a record; a row with problems becomes one reject per problem (and counts
once as rejected). Checks read the staged text columns; a column the file does not have reads as NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from priority_families.core.sql import sql_str
from priority_families.ingest.schema import FACT_KINDS, ColumnType, FactColumn
from priority_families.ingest.standardise import date_value, term_label

REQUIRED_VALUES: tuple[str, ...] = ("source", "record_id")  # person columns that may not be blank
REQUIRED_HEADER: tuple[str, ...] = ("source", "record_id", "first_name", "last_name")


class RejectReason(StrEnum):
    """Why a row was rejected: a closed vocabulary, so reports can count rows by reason."""

    MALFORMED = "malformed CSV row"
    MISSING_COLUMN = "required column missing from the file"
    BLANK = "required value is blank"
    DUPLICATE = "duplicate (source, record_id) in this file"
    BAD_DATE = "not a real date (YYYY-MM-DD)"
    BAD_INTEGER = "not a whole number"
    BAD_NUMBER = "not a number"
    NEGATIVE = "negative number"
    OUT_OF_RANGE = "number out of range"
    ABSENCE_ABOVE_POSSIBLE = "absences above possible sessions"
    BAD_TERM = "term does not parse (e.g. 2014-autumn)"
    UNKNOWN_KIND = "value not in the closed vocabulary"
    NUL = "NUL character in a value"


class WarningReason(StrEnum):
    """What ingest noticed about a line without rejecting it: a closed vocabulary, like `RejectReason`."""

    BLANK_LINE = "blank line, no row"
    CONTINUED = "further line of the value of the row above"
    DOB_NOT_REAL = "date of birth is not a real date (kept blank)"
    DOB_FUTURE = "date of birth after the refresh's as_of date"
    DOB_TOO_OLD = "date of birth before 1900"


LINE_WARNINGS: tuple[WarningReason, ...] = (WarningReason.BLANK_LINE, WarningReason.CONTINUED)


def col(header: tuple[str, ...], name: str) -> str:
    """The staged column as SQL, or a typed NULL when the file does not have it."""
    return f'"{name}"' if name in header else "CAST(NULL AS VARCHAR)"


def _blank(expr: str) -> str:
    return f"(nullif(trim({expr}), '') IS NULL)"


@dataclass(frozen=True)
class Check:
    """One reason to reject a row: when `condition` (SQL) holds, the row fails on `column`.

    `detail` is a SQL expression evaluated on the failing row (e.g. the line a duplicate was first seen).
    """

    condition: str
    column: str
    reason: RejectReason
    detail: str = "NULL"


def _problem(condition: str, column: str, reason: RejectReason, detail: str = "NULL") -> Check:
    return Check(condition, column, reason, detail)


def _value_problems(header: tuple[str, ...], column: FactColumn) -> list[Check]:
    """Problems with a non-blank value of one typed fact column."""
    v = col(header, column.name)
    present = f"NOT {_blank(v)}"
    t = f"trim({v})"
    name = column.name
    match column.type:
        case ColumnType.DATE:
            return [_problem(f"{present} AND {date_value(v)} IS NULL", name, RejectReason.BAD_DATE)]
        case ColumnType.TERM:
            return [_problem(f"{present} AND {term_label(v)} IS NULL", name, RejectReason.BAD_TERM)]
        case ColumnType.INTEGER:
            found = [
                _problem(f"{present} AND NOT regexp_full_match({t}, '[-+]?[0-9]+')", name,
                         RejectReason.BAD_INTEGER),
                _problem(f"{present} AND regexp_full_match({t}, '-[0-9]*[1-9][0-9]*')", name,
                         RejectReason.NEGATIVE),
            ]
            if column.bounds:
                low, high = column.bounds
                found.append(_problem(
                    f"{present} AND regexp_full_match({t}, '\\+?[0-9]+') "
                    f"AND NOT (TRY_CAST({t} AS HUGEINT) BETWEEN {low} AND {high})",
                    name, RejectReason.OUT_OF_RANGE, sql_str(f"allowed {low}-{high}")))
            else:
                found.append(_problem(
                    f"{present} AND regexp_full_match({t}, '\\+?[0-9]+') AND TRY_CAST({t} AS INTEGER) IS NULL",
                    name, RejectReason.OUT_OF_RANGE, "'too large'"))
            return found
        case ColumnType.NUMBER:
            return [
                _problem(f"{present} AND NOT regexp_full_match({t}, '[-+]?[0-9]+(\\.[0-9]+)?')", name,
                         RejectReason.BAD_NUMBER),
                _problem(f"{present} AND regexp_full_match({t}, '-[0-9.]*[1-9][0-9.]*')", name,
                         RejectReason.NEGATIVE),
            ]
        case ColumnType.KIND if column.kinds is not None:
            allowed = ", ".join(sql_str(k) for k in column.kinds)
            return [_problem(f"{present} AND lower({t}) NOT IN ({allowed})", name, RejectReason.UNKNOWN_KIND)]
        case _:
            return []


def _absence_problem(header: tuple[str, ...]) -> Check:
    """Authorised plus unauthorised absence cannot exceed the sessions the pupil could attend."""
    nums = {
        n: f"TRY_CAST(trim({col(header, n)}) AS BIGINT)"
        for n in ("possible_sessions", "authorised_absence", "unauthorised_absence")
    }
    over = (
        f"coalesce({nums['authorised_absence']}, 0) + coalesce({nums['unauthorised_absence']}, 0) "
        f"> {nums['possible_sessions']}"
    )
    return _problem(over, "possible_sessions", RejectReason.ABSENCE_ABOVE_POSSIBLE)


def _nul_problem(header: tuple[str, ...]) -> Check:
    """A NUL byte is no text a partner meant to send (and PostgreSQL refuses it): the row is rejected,
    naming the first column that holds one."""
    found = " OR ".join(f"contains({col(header, n)}, chr(0))" for n in header)
    first = " ".join(f"WHEN contains({_qualified(header, n)}, chr(0)) THEN {sql_str('in column ' + n)}" for n in header)
    return _problem(f"({found})", "(row)", RejectReason.NUL, f"CASE {first} END")


def checks_for(fact: str, header: tuple[str, ...]) -> list[Check]:
    """Every check a staged row of `fact` must pass, given the columns its file has."""
    kind = FACT_KINDS[fact]
    items: list[Check] = []
    for name in REQUIRED_HEADER:
        if name not in header:
            items.append(_problem("true", name, RejectReason.MISSING_COLUMN))
    for name in REQUIRED_VALUES:
        if name in header:
            items.append(_problem(_blank(col(header, name)), name, RejectReason.BLANK))
    items.append(_problem(
        "_pf_first_line IS NOT NULL AND _pf_first_line < _pf_line", "record_id", RejectReason.DUPLICATE,
        "'first seen on line ' || _pf_first_line"))
    for column in kind.columns:
        if column.name not in header:
            if column.required:
                items.append(_problem("true", column.name, RejectReason.MISSING_COLUMN))
            continue
        if column.required:
            items.append(_problem(_blank(col(header, column.name)), column.name, RejectReason.BLANK))
        items.extend(_value_problems(header, column))
    if fact == "school_attendance":
        items.append(_absence_problem(header))
    items.append(_nul_problem(header))
    if len(items) > 62:
        raise ValueError(f"{fact}: {len(items)} checks do not fit a 63-bit problem mask")
    return items


def mask_sql(checks: list[Check]) -> str:
    """One BIGINT per row with bit i set when check i fails: 0 means the row is accepted.

    A bit mask is far cheaper per row than building a list of problems; rejects are unpacked from it
    with `rejects_sql` only for the few rows that fail.
    """
    if not checks:
        return "CAST(0 AS BIGINT)"
    return " + ".join(f"(CASE WHEN {c.condition} THEN {1 << i} ELSE 0 END)::BIGINT" for i, c in enumerate(checks))


def _qualified(header: tuple[str, ...], name: str) -> str:
    return f"t.{col(header, name)}" if name in header else col(header, name)


def rejects_sql(checks: list[Check], table: str, header: tuple[str, ...]) -> str:
    """SELECT one reject row (line, column, reason, source, record_id, detail) per failed check."""
    if not checks:
        return "SELECT NULL::INTEGER, NULL, NULL, NULL, NULL, NULL WHERE false"
    defs = ", ".join(f"({1 << i}, {i}, {sql_str(c.column)}, {sql_str(c.reason.value)})" for i, c in enumerate(checks))
    details = " ".join(f"WHEN {i} THEN {c.detail}" for i, c in enumerate(checks) if c.detail != "NULL")
    detail = f"CASE d.i {details} END" if details else "NULL"
    return f"""
        SELECT t._pf_line, d.col, d.reason, trim({_qualified(header, 'source')}),
               trim({_qualified(header, 'record_id')}), {detail}
        FROM {table} t JOIN (VALUES {defs}) AS d(bit, i, col, reason) ON (t._pf_mask & d.bit) <> 0
        WHERE t._pf_mask <> 0
    """


def first_seen_join(header: tuple[str, ...], staged: str) -> str:
    """LEFT JOIN giving `_pf_first_line`: the first line of a (source, record_id) seen more than once.

    An aggregate over the keys (then a join of the few duplicated ones) is much cheaper than a window
    partitioned by every key.
    """
    s, r = f"nullif(trim({col(header, 'source')}), '')", f"nullif(trim({col(header, 'record_id')}), '')"
    return f"""
        LEFT JOIN (
            SELECT {s} AS _pf_s, {r} AS _pf_r, min(_pf_line) AS _pf_first_line FROM {staged}
            WHERE {s} IS NOT NULL AND {r} IS NOT NULL GROUP BY ALL HAVING count(*) > 1
        ) _pf_dup ON _pf_dup._pf_s = {s.replace('trim(', 'trim(_pf_staged.', 1)}
                 AND _pf_dup._pf_r = {r.replace('trim(', 'trim(_pf_staged.', 1)}
    """
