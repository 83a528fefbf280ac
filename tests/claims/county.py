"""A small county of families with results met by different routes at 2016-06-30 (attached 2015-08-31)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from identify.builders import Person, dated, spell
from outcomes.case_store import make_workspace, republish
from priority_families.core.engine import Workspace

A = date(2015, 8, 31)
WINDOW = "2016-06"


LATER = date(2016, 12, 31)  # the later refresh claims are judged on (it covers WINDOW and 2016-12)


def claims_county(path: Path, families: int = 12) -> Workspace:
    """Families F0..F{n-1}, published as of A: even ones meet significant and sustained progress, every third
    re-offends."""
    return make_workspace(path, "nottinghamshire-2015", *_county(families), A)


def publish_later(ws: Workspace, families: int = 12, as_of: date = LATER) -> None:
    """The same county's later refresh, which results are judged on (no claim is judged past the data)."""
    republish(ws, "nottinghamshire-2015", *_county(families), as_of)


def _county(families: int) -> tuple[dict[str, list[Person]], list]:
    people: dict[str, list[Person]] = {}
    facts = []
    for n in range(families):
        adult, child = f"A{n}", f"C{n}"
        people[f"F{n}"] = [Person(adult, date(1980, 1, 1)), Person(child, date(2006, 1, 1))]
        facts += [dated("offence", adult, date(2015, 3, 1)), dated("offence", child, date(2015, 6, 1)),
                  dated("domestic_abuse", adult, date(2015, 7, 1))]
        if n % 3 == 0:
            facts.append(dated("offence", child, date(2016, 5, 1)))
        if n % 4 == 1:
            facts += [spell("benefit", adult, date(2014, 1, 1), date(2015, 9, 1), kind="ESA"),
                      spell("employment", adult, date(2015, 9, 2))]
    return people, facts


def check_and_submit(out: Path, window: str = WINDOW, on: date = date(2016, 7, 5)) -> list[str]:
    """Confirm every proposed claim of the window and submit them in one batch (a checker and a signatory),
    as a team does before a claim counts in income and the figures."""
    from priority_families.claims.life import check_claims, submit_batch

    check_claims(window, None, by="Checker", actor="t", on=on)
    return submit_batch(window, "Signatory", on, out, actor="t").families
