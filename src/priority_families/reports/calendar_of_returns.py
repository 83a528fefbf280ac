"""The calendar of returns (seed 002 Appendix Four: "an annual calendar of performance reports and data
returns"): the returns due in a programme year, from `returns_calendar.yaml` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from priority_families.core.calendar import shift_months

CALENDAR = Path(__file__).parent / "returns_calendar.yaml"


class CalendarError(ValueError):
    """The calendar file cannot be read; the message names the file and the entry."""


@dataclass(frozen=True)
class DueReturn:
    name: str
    period: str
    period_end: date
    due_on: date
    command: str


def returns_calendar(year: int, path: Path = CALENDAR) -> list[DueReturn]:
    """The returns due in programme year `year` (April to March), by due date, from the calendar file: each
    return is quarterly, half-yearly or annual, due a number of days after its period ends."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        entries = spec["returns"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise CalendarError(f"{path}: not a calendar of returns ({exc})") from None
    months = {"quarterly": 3, "half-yearly": 6, "annual": 12}
    due = []
    for n, entry in enumerate(entries):
        try:
            step, days = months[entry["every"]], int(entry["due_days_after"])
            name, command = str(entry["name"]), str(entry.get("command", ""))
        except (KeyError, TypeError, ValueError):
            raise CalendarError(f"{path}: returns[{n}] needs name, every (quarterly, half-yearly or annual) "
                                        "and due_days_after") from None
        start = date(year, 4, 1)
        for k in range(12 // step):
            begins = shift_months(start, step * k)
            end = date.fromordinal(shift_months(start, step * (k + 1)).toordinal() - 1)
            label = f"{year}/{(year + 1) % 100:02d}" if step == 12 else f"{begins:%b %Y} to {end:%b %Y}"
            due.append(DueReturn(name, label, end, date.fromordinal(end.toordinal() + days), command))
    return sorted(due, key=lambda d: (d.due_on, d.name))
