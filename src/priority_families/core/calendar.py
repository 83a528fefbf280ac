"""Dates relative to as_of, computed once per run (not per record) and written into the SQL as literals.

Keeping calendar arithmetic here, in plain Python on a single date, makes the compiled SQL dialect-free
(just date comparisons) and makes the edge readings of rules.md explicit: months clamp to the month end,
terms end on fixed dates, ages are whole years with a birthday on as_of counting.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def shift_months(d: date, months: int) -> date:
    """Calendar month arithmetic, day clamped to the month end (2015-08-31 - 6 months = 2015-02-28)."""
    total = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(total, 12)
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def years_before(d: date, years: int) -> date:
    """d minus whole years, clamped (29 Feb -> 28 Feb): a person born on or before it is `years` old at d."""
    return shift_months(d, -12 * years)


@dataclass(frozen=True)
class Term:
    label: str
    start: date
    end: date


# The school terms of rules.md, each (start month, start day, end month, end day): the one school calendar.
SEASONS = {"spring": (1, 1, 3, 31), "summer": (4, 1, 7, 31), "autumn": (9, 1, 12, 31)}


def _term(year: int, season: str) -> Term:
    sm, sd, em, ed = SEASONS[season]
    return Term(f"{year}-{season}", date(year, sm, sd), date(year, em, ed))


def last_terms(d: date, n: int) -> list[Term]:
    """The n most recent school terms whose end date is on or before d, most recent first."""
    found: list[Term] = []
    year = d.year
    while len(found) < n:
        for season in ("autumn", "summer", "spring"):
            term = _term(year, season)
            if term.end <= d and len(found) < n:
                found.append(term)
        year -= 1
    return found


def nth_term_end_after(d: date, n: int) -> date:
    """The end of the n-th school term ending after d (a row sustained over three terms from d waits for it;
    the evaluation's `third_term` reads the same ends from `term_ends_sql`)."""
    ends = sorted(_term(year, season).end for year in range(d.year, d.year + n + 2) for season in SEASONS)
    return [end for end in ends if end > d][n - 1]


def sql_date(d: date) -> str:
    """A date literal every dialect sqlglot knows reads the same way."""
    return f"DATE '{d.isoformat()}'"


def term_ends_sql(first_year: int, last_year: int) -> str:
    """A query of every term end date (`term_end`) from first_year to last_year, for set-wise term rules."""
    ends = ", ".join(f"({em}, {ed})" for _sm, _sd, em, ed in SEASONS.values())
    return (f"SELECT MAKE_DATE(y, m, d) AS term_end FROM range({first_year}, {last_year}) t(y), "
            f"(VALUES {ends}) AS md(m, d)")


def financial_year_start(d: date) -> int:
    """English local government (and programme) years run April to March: 2013-05-01 -> 2013."""
    return d.year if d.month >= 4 else d.year - 1


def financial_year(d: date) -> str:
    """The financial year a date falls in, as councils write it: 2013-05-01 -> '2013-14'."""
    start = financial_year_start(d)
    return f"{start}-{(start + 1) % 100:02d}"


def financial_year_sql(column: str) -> str:
    """`financial_year` in SQL, for a date column or expression: '2013-14'."""
    start = f"(CASE WHEN MONTH({column}) >= 4 THEN YEAR({column}) ELSE YEAR({column}) - 1 END)"
    return f"(CAST({start} AS VARCHAR) || '-' || LPAD(CAST(({start} + 1) % 100 AS VARCHAR), 2, '0'))"
