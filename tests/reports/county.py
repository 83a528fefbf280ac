"""A small county for reports: six families in two wards of a three-ward lookup (one ward has none), attached
on 2015-08-31, some claimed in window 2016-06, judged on a refresh as of 2016-12-31."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from identify.builders import Person, attendance, dated, spell
from outcomes.case_store import make_workspace, republish
from priority_families.core.engine import Workspace
from priority_families.geography import load_geography, write_geography

A = date(2015, 8, 31)
LATER = date(2016, 12, 31)
WINDOW = "2016-06"
FAMILIES = 6  # attached; F6 (Abbey), F7 and F8 (Bridge) are eligible and never attached
NOT_ATTACHED = 3
WARDS = [("E05000001", "Abbey", "E07000001", "City", "North"), ("E05000002", "Bridge", "E07000001", "City", "South"),
         ("E05000003", "Empty Ward", "E07000002", "Shire", "South")]
POSTCODES = [("NG1 1AA", "E05000001", "E07000001"), ("NG2 2BB", "E05000002", "E07000001")]
PLAN = "nottinghamshire-2015"


def postcode(n: int) -> str:
    return "NG1 1AA" if n < 3 or n == 6 else "NG2 2BB"


def county() -> tuple[dict[str, list[Person]], list]:
    """F0..F5: an adult and a child each; every third child re-offends in May 2016 (no result); odd families'
    adults are on ESA at attachment and in work from the next day; F2's child is a child in need; F4's child was permanently excluded before
    and has a fixed exclusion after; F5's adult had an ASB incident before; F3's adult offends after; F1's
    child's attendance is known before and after."""
    people, facts = {}, []
    for n in range(FAMILIES + NOT_ATTACHED):
        adult, child = f"A{n}", f"C{n}"
        people[f"F{n}"] = [Person(adult, date(1980, 1, 1), postcode(n)), Person(child, date(2006, 1, 1), postcode(n))]
        facts += [dated("offence", adult, date(2015, 3, 1)), dated("offence", child, date(2015, 6, 1)),
                  dated("marac", adult, date(2015, 7, 1))]
        if n >= FAMILIES:  # eligible on the later refresh
            facts += [dated("offence", adult, date(2016, 10, 1)), dated("offence", child, date(2016, 11, 1)),
                      dated("marac", adult, date(2016, 11, 15))]
        elif n % 3 == 0:
            facts.append(dated("offence", child, date(2016, 5, 1)))
        if n % 2 == 1:
            facts += [spell("benefit", adult, date(2014, 1, 1), date(2015, 9, 1), kind="ESA"),
                      spell("employment", adult, date(2015, 9, 2))]
    facts += [spell("social_care", "C2", date(2015, 1, 1), None, kind="child_in_need"),
              dated("exclusion", "C4", date(2015, 5, 1), kind="permanent"),
              dated("exclusion", "C4", date(2016, 10, 1), kind="fixed"),
              dated("asb_incident", "A5", date(2015, 4, 1)),
              dated("offence", "A3", date(2016, 9, 1)),
              attendance("C1", "2014-summer", 100, 0, 50),  # four terms before: outside the window
              attendance("C1", "2014-autumn", 100, 0, 10), attendance("C1", "2015-summer", 100, 0, 20),
              attendance("C1", "2016-autumn", 100, 0, 5)]
    return people, facts


def reports_county(path: Path) -> Workspace:
    """The county published as of A with the lookup loaded (later refreshes carry it over)."""
    ws = make_workspace(path, PLAN, *county(), A)
    folder = path / "lookup"
    write_geography(folder, WARDS, POSTCODES)
    with ws.publishing(fresh=False) as con:
        load_geography(con, folder)
    return ws


def publish_later(ws: Workspace, as_of: date = LATER) -> None:
    republish(ws, PLAN, *county(), as_of)
