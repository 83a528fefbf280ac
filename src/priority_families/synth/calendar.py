"""Date arithmetic in the programme's terms: calendar months, school terms and ages.

Synth places many facts exactly on the edges of the rules' windows, so it needs the same month
arithmetic the rules use: subtracting N months clamps the day to the month's end (31 Aug - 6 months
= 28 Feb), never rolls over into the next month.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

DAY = timedelta(days=1)


def add_months(d: date, months: int) -> date:
    """`d` moved by whole calendar months, the day clamped to the target month's last day."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    day = d.day
    if day > 28:
        day = min(day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def add_years(d: date, years: int) -> date:
    return add_months(d, 12 * years)


def age_on(dob: date, d: date) -> int:
    """Whole years from `dob` to `d`; a birthday on `d` counts."""
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def birthday_turning(age: int, on: date) -> date:
    """A date of birth that makes someone exactly `age` on `on` (29 Feb birthdays fall back to 28 Feb)."""
    return add_years(on, -age)


# (season, start month, start day, end month, end day); autumn belongs to the calendar year it starts in.
TERM_SEASONS: tuple[tuple[str, int, int, int, int], ...] = (
    ("spring", 1, 1, 3, 31),
    ("summer", 4, 1, 7, 31),
    ("autumn", 9, 1, 12, 31),
)


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
