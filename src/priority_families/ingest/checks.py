"""Row checks: every reason a parsed row cannot be used, as one SQL list of problems per row.

A row with no problems becomes a record; a row with problems becomes one reject per problem (and counts
once as rejected). Checks read the staged text columns; a column the file does not have reads as NULL.
"""

from __future__ import annotations

from enum import StrEnum

from priority_families.ingest.schema import FACT_KINDS, ColumnType, FactColumn
from priority_families.ingest.standardise import date_value, sql_str, term_label

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


def col(header: tuple[str, ...], name: str) -> str:
    """The staged column as SQL, or a typed NULL when the file does not have it."""
    return f'"{name}"' if name in header else "CAST(NULL AS VARCHAR)"


def _blank(expr: str) -> str:
    return f"(nullif(trim({expr}), '') IS NULL)"


def _problem(condition: str, column: str, reason: RejectReason, detail: str = "NULL") -> str:
    item = f"{{'column': {sql_str(column)}, 'reason': {sql_str(reason.value)}, 'detail': {detail}}}"
    return f"CASE WHEN {condition} THEN {item} END"


def _value_problems(header: tuple[str, ...], column: FactColumn) -> list[str]:
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


def _absence_problem(header: tuple[str, ...]) -> str:
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


def problems_sql(fact: str, header: tuple[str, ...]) -> str:
    """A SQL expression: the list of problems (column, reason, detail) of a staged row of `fact`."""
    kind = FACT_KINDS[fact]
    items: list[str] = []
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
    return f"list_filter([{', '.join(items)}], lambda p: p IS NOT NULL)"


def first_line_sql(header: tuple[str, ...]) -> str:
    """The first line on which this row's (source, record_id) appears in the file; NULL when blank."""
    s, r = f"nullif(trim({col(header, 'source')}), '')", f"nullif(trim({col(header, 'record_id')}), '')"
    return f"CASE WHEN {s} IS NOT NULL AND {r} IS NOT NULL THEN min(_pf_line) OVER (PARTITION BY {s}, {r}) END"
