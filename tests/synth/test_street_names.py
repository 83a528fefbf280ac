"""Street names repeat as a real county's do (decision 23): a few towns share a name, the commonest names
are in every town, and a small county keeps the names it always had."""

from __future__ import annotations

from collections import Counter

from priority_families.synth.names import STREET_NAMES
from priority_families.synth.places import (
    COMMON_NAMES,
    PLACES_PER_STREET,
    PLAIN_TOWNS,
    TOWN_STREETS,
    address_of,
)


def _streets(count: int) -> Counter:
    return Counter((a.street, a.suffix) for a in (address_of(s * PLACES_PER_STREET) for s in range(count)))


def test_a_county_of_three_towns_keeps_the_plain_names() -> None:
    streets = _streets(PLAIN_TOWNS * TOWN_STREETS)
    assert {name for name, _ in streets} == set(STREET_NAMES)
    assert set(streets.values()) == {PLAIN_TOWNS}


def test_at_a_million_people_a_name_is_in_a_few_towns_and_only_the_common_names_in_every_one() -> None:
    towns = 21  # about 600,000 places: a county of a million people
    streets = _streets(towns * TOWN_STREETS)
    common = set(STREET_NAMES[:COMMON_NAMES])
    assert all(n == towns for (name, _), n in streets.items() if name in common)
    assert max(n for (name, _), n in streets.items() if name not in common) == PLAIN_TOWNS
    assert len(streets) > 0.75 * towns * TOWN_STREETS  # most streets' names are the county's only one
