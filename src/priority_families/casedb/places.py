"""Where families live, at any level of the geography: the tracker's tables by postcode district, ward,
district or locality.

The refresh places each family in its ward, district and locality from the geography lookup
(`priority_families.geography`) and publishes them on `Family`, with every ward of the lookup (`Ward`). A
table grouped by ward, district or locality starts from the lookup's areas, so an area where no family lives
is listed with zeros. Without a lookup the only level is the postcode district (the case's `area`), and
`PlaceLevel.note` says so. Areas that are codes sort naturally: NG2 before NG10.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from priority_families.casedb.models import Case, Family, Ward
from priority_families.core.sorting import natural_key

AREA = "area"
# level -> its label on screen, in the order a select offers them
LEVELS: dict[str, str] = {AREA: "Postcode district", "ward": "Ward", "district": "District", "locality": "Locality"}
UNPLACED = "Postcode not in the geography lookup"
NO_LOOKUP = ("No geography lookup came with the extracts, so areas are postcode districts: put geography/"
             "postcodes.csv and geography/wards.csv in the extracts folder and refresh to group by ward, district "
             "or locality.")


class PlaceError(ValueError):
    """A level that is not one of `LEVELS`."""


@dataclass(frozen=True)
class PlaceLevel:
    """The level a table is grouped by, and why, when it is not the one asked for."""

    level: str
    label: str
    note: str = ""


def has_lookup() -> bool:
    """Whether the refresh in force came with a geography lookup."""
    return Ward.objects.exists()


def place_level(asked: str | None) -> PlaceLevel:
    """The level to group by: the one asked for (ward when none is asked and a lookup exists), or the postcode
    district when there is no lookup, saying so. An unknown level is a `PlaceError`."""
    lookup = has_lookup()
    level = asked or ("ward" if lookup else AREA)
    if level not in LEVELS:
        raise PlaceError(f"there is no level {level!r}: choose one of {', '.join(LEVELS)}")
    if level != AREA and not lookup:
        return PlaceLevel(AREA, LEVELS[AREA], NO_LOOKUP)
    return PlaceLevel(level, LEVELS[level], NO_LOOKUP if not lookup else "")


def all_places(level: str) -> list[str]:
    """Every area of a level in the lookup (wards with no family included); none for postcode districts,
    which are known only from the families."""
    if level == AREA:
        return []
    column = "name" if level == "ward" else level
    return list(Ward.objects.order_by().values_list(column, flat=True).distinct())


def with_place(cases: QuerySet[Case], level: str) -> QuerySet[Case]:
    """The cases with `place`: their area at `level` ('' for a case whose family the lookup does not place)."""
    if level == AREA:
        return cases.annotate(place=F("area"))
    family = Family.objects.filter(family_id=OuterRef("family_id")).values(level)[:1]
    return cases.annotate(place=Coalesce(Subquery(family), Value("")))


def place_label(place: str, level: str) -> str:
    return place or (UNPLACED if level != AREA else "No postcode")


def count_by_place(cases: QuerySet[Case], level: str, counts: dict[str, Count]) -> list[dict]:
    """`counts` of the cases per area at `level`, one row each ({'place': name, **counts}), every area of the
    lookup listed (zeros where no case is), sorted naturally; cases the lookup does not place come last."""
    found = {row["place"]: row for row in with_place(cases, level).order_by().values("place").annotate(**counts)}
    zero = dict.fromkeys(counts, 0)
    rows = [found.get(p) or {"place": p, **zero} for p in set(all_places(level)) | set(found)]
    rows.sort(key=lambda r: (r["place"] == "", natural_key(r["place"])))
    return [{**r, "label": place_label(r["place"], level)} for r in rows]
