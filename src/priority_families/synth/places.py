"""Places of the synthetic county: every place index maps to one address, postcode and UPRN.

The mapping is a pure function of the index, so no address table is kept in memory (1M people need
about 600k places) and two different places never share an address line and postcode.

Street names repeat as a real county's do (decision 23): the first three "towns" (a town is one street of
each name and kind, `TOWN_STREETS`) use the plain names; after them the commonest names (`COMMON_NAMES`:
High Street, Station Road, ...) come back in every town, and every other street takes a name of two words
("Larch Meadow Lane"), so a name such as "Meadow Lane" is in a few places of the county, not in every
603rd street of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from priority_families.synth.names import STREET_NAMES, STREET_SUFFIXES

PLACES_PER_STREET = 48
HOUSES_PER_STREET = 36  # the remaining slots are flats in one block
FLAT_BLOCK_NUMBER = 40
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code (no C, I, K, M, O, V)
UPRN_BASE = 100_000_000_000
TOWN_STREETS = len(STREET_NAMES) * len(STREET_SUFFIXES)  # streets before a plain name and kind repeat
COMMON_NAMES = 8  # the first names of STREET_NAMES (High, Church, Station, Mill, ...) are in every town
PLAIN_TOWNS = 3  # the other plain names are in the first three towns only


@dataclass(frozen=True)
class Address:
    """A clean address as the land and property gazetteer would write it."""

    flat: int | None
    number: int
    street: str
    suffix: str
    postcode: str
    uprn: int

    @property
    def line1(self) -> str:
        street = f"{self.number} {self.street} {self.suffix}"
        return f"Flat {self.flat}, {street}" if self.flat is not None else street


def address_of(place: int) -> Address:
    """The address of place number `place` (0, 1, 2, ...)."""
    street_index, slot = divmod(place, PLACES_PER_STREET)
    name = street_name(street_index)
    suffix = STREET_SUFFIXES[(street_index // len(STREET_NAMES)) % len(STREET_SUFFIXES)][0]
    if slot < HOUSES_PER_STREET:
        flat, number = None, slot + 1
    else:
        flat, number = slot - HOUSES_PER_STREET + 1, FLAT_BLOCK_NUMBER
    return Address(flat, number, name, suffix, postcode_of_street(street_index), UPRN_BASE + place)


def street_name(street_index: int) -> str:
    """The name of street `street_index` (without its kind): plain in the first `PLAIN_TOWNS` towns and
    for the common names; after them a two-word name, its first word different in each town (for 66
    towns, about 1.9M places; then names repeat)."""
    base = street_index % len(STREET_NAMES)
    town = street_index // TOWN_STREETS
    name = STREET_NAMES[base]
    if town < PLAIN_TOWNS or base < COMMON_NAMES:
        return name
    first = (base + town) % len(STREET_NAMES)
    if first == base:
        first = (first + 1) % len(STREET_NAMES)
    return f"{STREET_NAMES[first]} {name}"


def postcode_of_street(street_index: int) -> str:
    """A distinct NG postcode per street (100,000 streets before any repeat), spread over the districts."""
    mixed = (street_index * 7919) % 100_000  # 7919 is coprime with 100,000: a permutation
    district = 1 + mixed % 25
    sector = (mixed // 25) % 10
    letters = (mixed // 250) % (len(INWARD_LETTERS) ** 2)
    first, second = divmod(letters, len(INWARD_LETTERS))
    return f"NG{district} {sector}{INWARD_LETTERS[first]}{INWARD_LETTERS[second]}"
