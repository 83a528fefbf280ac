"""Date arithmetic in the programme's terms: calendar months, school terms and ages.

Synth places many facts exactly on the edges of the rules' windows, so it needs the same month
arithmetic the rules use: subtracting N months clamps the day to the month's end (31 Aug - 6 months
= 28 Feb), never rolls over into the next month.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

from priority_families.core.calendar import SEASONS, shift_months

DAY = timedelta(days=1)


add_months = shift_months  # the product's month arithmetic: a calendar fact, not a reading of the rules


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def age_on(dob: date, d: date) -> int:
    """Whole years from `dob` to `d`; a birthday on `d` counts."""
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def birthday_turning(age: int, on: date) -> date:
    """A date of birth that makes someone exactly `age` on `on` (29 Feb birthdays fall back to 28 Feb)."""
    return add_years(on, -age)


# (season, start month, start day, end month, end day); autumn belongs to the calendar year it starts in.
# The school calendar is a fact shared with the product (`core.calendar.SEASONS`); the oracle's readings of the
# rules over it stay its own.
TERM_SEASONS: tuple[tuple[str, int, int, int, int], ...] = tuple((name, *days) for name, days in SEASONS.items())


def term_dates(year: int, season: str) -> tuple[date, date]:
    for name, sm, sd, em, ed in TERM_SEASONS:
        if name == season:
            return date(year, sm, sd), date(year, em, ed)
    raise ValueError(f"unknown term season {season!r}")


def term_label(year: int, season: str) -> str:
    return f"{year}-{season}"


@lru_cache(maxsize=64)
def terms_between(start: date, end: date) -> tuple[tuple[str, date, date], ...]:
    """Every term (label, first day, last day) that starts on or after `start` and ends on or before `end`."""
    out: list[tuple[str, date, date]] = []
    for year in range(start.year, end.year + 1):
        for season, *_ in TERM_SEASONS:
            first, last = term_dates(year, season)
            if first >= start and last <= end:
                out.append((term_label(year, season), first, last))
    return tuple(out)


def last_terms(d: date, n: int = 3) -> list[tuple[str, date, date]]:
    """The `n` most recent terms whose end date is on or before `d`, oldest first."""
    candidates = terms_between(date(d.year - 2, 1, 1), d)
    return list(candidates[-n:])


def academic_year_start(d: date) -> int:
    """The calendar year in which the academic year containing `d` began (1 September)."""
    return d.year if d.month >= 9 else d.year - 1
