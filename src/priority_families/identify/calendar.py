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


def _term(year: int, season: str) -> Term:
    starts = {"spring": (1, 1, 3, 31), "summer": (4, 1, 7, 31), "autumn": (9, 1, 12, 31)}
    sm, sd, em, ed = starts[season]
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


def sql_date(d: date) -> str:
    """A date literal every dialect sqlglot knows reads the same way."""
    return f"DATE '{d.isoformat()}'"
