"""Places of the synthetic county: every place index maps to one address, postcode and UPRN.

The mapping is a pure function of the index, so no address table is kept in memory (1M people need
about 600k places) and two different places never share an address line and postcode.
"""

from __future__ import annotations

from dataclasses import dataclass

from priority_families.synth.names import STREET_NAMES, STREET_SUFFIXES

PLACES_PER_STREET = 48
HOUSES_PER_STREET = 36  # the remaining slots are flats in one block
FLAT_BLOCK_NUMBER = 40
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the inward code (no C, I, K, M, O, V)
UPRN_BASE = 100_000_000_000


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
    name = STREET_NAMES[street_index % len(STREET_NAMES)]
    suffix = STREET_SUFFIXES[(street_index // len(STREET_NAMES)) % len(STREET_SUFFIXES)][0]
    if slot < HOUSES_PER_STREET:
        flat, number = None, slot + 1
    else:
        flat, number = slot - HOUSES_PER_STREET + 1, FLAT_BLOCK_NUMBER
    return Address(flat, number, name, suffix, postcode_of_street(street_index), UPRN_BASE + place)


def postcode_of_street(street_index: int) -> str:
    """A distinct NG postcode per street (100,000 streets before any repeat), spread over the districts."""
    mixed = (street_index * 7919) % 100_000  # 7919 is coprime with 100,000: a permutation
    district = 1 + mixed % 25
    sector = (mixed // 25) % 10
    letters = (mixed // 250) % (len(INWARD_LETTERS) ** 2)
    first, second = divmod(letters, len(INWARD_LETTERS))
    return f"NG{district} {sector}{INWARD_LETTERS[first]}{INWARD_LETTERS[second]}"
