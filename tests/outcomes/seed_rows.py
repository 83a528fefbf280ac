"""What the row-for-row tests of the shipped plans share: a case is one family built around one seed row's
boundary (the row, the measure that holds it, the records, the evaluation date, the attestations and the
verdict expected), and records dated before attachment or up to the evaluation date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from identify.builders import Fact, dated

from .test_measures import A

DAY = timedelta(days=1)
SUMMER_2016 = date(2016, 7, 31)  # the third whole term after attachment ends


def before(fact: str, person: str, n: int, **values) -> list[Fact]:
    """n records in the month before attachment."""
    return [dated(fact, person, A - DAY * (3 + k), **values) for k in range(n)]


def after(fact: str, person: str, n: int, e: date, **values) -> list[Fact]:
    """n records on the n days up to the evaluation date `e`."""
    return [dated(fact, person, e - DAY * k, **values) for k in range(n)]


@dataclass(frozen=True)
class Case:
    row: str
    measure: str
    facts: list[Fact]
    e: date
    met: bool
    attested: tuple[tuple[str, str], ...] = field(default=())

    @property
    def id(self) -> str:
        return f"{self.row}-{self.measure}-{'met' if self.met else 'not'}-{self.e}"
