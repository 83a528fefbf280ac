"""The harder address noise (`--address-noise hard`): the slips that split households on real data.

A second generator's county split 6.5% of its families because a member's most recent record carried a
blank postcode, a house number with its last digit shifted onto the street ("21 3Bells Lane" for
"213 Bells Lane"), a street abbreviated with a typo and no postcode, a flat written another way, or the
street alone ("Beechdale Rd"). This module plants exactly those on the records that decide a person's
current address (their latest record with an address, at each refresh, when they have an earlier one:
`LATEST_SHARE`) and on a share of the others (`OTHER_SHARE`), a person's only record among them (decision
20: a partner that drops postcodes drops them on some of everyone's records, not on a quarter of the people
it knows once).

The true place of a record never changes: only how it is written (and its UPRN, which such a partner
does not send). Each planted slip is a row of `truth/hard_cases.csv` (`case`, person, `source:record_id`).
"""

from __future__ import annotations

import random
from enum import StrEnum

from priority_families.synth.facts import Record
from priority_families.synth.names import ABBREVIATIONS
from priority_families.synth.noise import typo
from priority_families.synth.places import Address, address_of
from priority_families.synth.population import PopulationState, Timeline

LINE, POSTCODE, UPRN = 4, 5, 6  # positions in `Record.columns` (see `noise.person_columns`)
LATEST_SHARE = 0.25  # of the records that decide a current address beside earlier ones of the person
OTHER_SHARE = 0.03  # of every other record with an address


class AddressNoise(StrEnum):
    """How addresses are written: `standard` (the county the benchmarks were tuned on) or `hard`."""

    STANDARD = "standard"
    HARD = "hard"


class HardAddress(StrEnum):
    """The planted slips, as `truth/hard_cases.csv` names them."""

    BLANK_POSTCODE = "address_blank_postcode"
    DIGIT_SHIFT = "address_digit_shift"
    ABBREVIATION_TYPO = "address_abbreviation_typo"
    FLAT_STYLE = "address_flat_style"
    STREET_ONLY = "address_street_only"


def harden_addresses(state: PopulationState, records: list[Record], timeline: Timeline) -> None:
    """Rewrite the address of a share of `records` (in place) with one hard slip each, tagged in truth."""
    rng = state.rng
    latest = _latest_of_several(records, timeline)
    for r in records:
        if r.place is None or rng.random() >= (LATEST_SHARE if id(r) in latest else OTHER_SHARE):
            continue
        case = _case_for(state, r, records, timeline)
        r.columns[LINE], r.columns[POSTCODE] = written(rng, address_of(r.place), case)
        r.columns[UPRN] = ""
        state.tag(case.value, r.person, f"{r.source}:{r.record_id}")


def _latest_of_several(records: list[Record], timeline: Timeline) -> set[int]:
    """The records (by id) that are a person's latest with an address in some refresh whose extracts show
    another record of theirs with an address: the issue's case, "one member's most recent record" beside
    records that write the address in full. A person the refresh shows once is not such a case."""
    out: set[int] = set()
    for k, as_of in enumerate(timeline.as_ofs):
        shown: dict[str, list[Record]] = {}
        for r in records:
            if r.place is not None and r.visible(as_of, timeline.window_start(k)):
                shown.setdefault(r.person.person_id, []).append(r)
        out.update(id(max(rs, key=lambda r: r.event)) for rs in shown.values() if len(rs) > 1)
    return out


def _earlier_at_place(r: Record, records: list[Record], timeline: Timeline) -> bool:
    """Whether every refresh that shows `r` also shows an earlier record of its person at its place."""
    windows = [(as_of, timeline.window_start(k)) for k, as_of in enumerate(timeline.as_ofs)
               if r.visible(as_of, timeline.window_start(k))]
    return all(any(o.person is r.person and o.place == r.place and o.event < r.event and o.visible(*w)
                   for o in records) for w in windows)


def _case_for(state: PopulationState, r: Record, records: list[Record], timeline: Timeline) -> HardAddress:
    """The next slip in rotation that this address can carry (a flat style needs a flat, a shifted digit
    a house number of two digits or more, the street alone an earlier record of the person at the place in
    every refresh that shows it)."""
    addr = address_of(r.place or 0)
    fits = {
        HardAddress.BLANK_POSTCODE: True,
        HardAddress.DIGIT_SHIFT: addr.number >= 10,
        HardAddress.ABBREVIATION_TYPO: True,
        HardAddress.FLAT_STYLE: addr.flat is not None,
        HardAddress.STREET_ONLY: _earlier_at_place(r, records, timeline),
    }
    cases = list(HardAddress)
    start = state.turn("hard_address", len(cases))
    for i in range(len(cases)):
        case = cases[(start + i) % len(cases)]
        if fits[case]:
            return case
    return HardAddress.BLANK_POSTCODE


def written(rng: random.Random, addr: Address, case: HardAddress) -> tuple[str, str]:
    """(address line, postcode) of `addr` as a partner writes it with slip `case`."""
    suffix = addr.suffix
    flat = f"Flat {addr.flat}, " if addr.flat is not None else ""
    if case is HardAddress.BLANK_POSTCODE:
        return f"{flat}{addr.number} {addr.street} {suffix}", ""
    if case is HardAddress.DIGIT_SHIFT:
        number = str(addr.number)
        return f"{flat}{number[:-1]} {number[-1]}{addr.street} {suffix}", addr.postcode
    if case is HardAddress.ABBREVIATION_TYPO:
        short = ABBREVIATIONS.get(suffix, suffix)
        return f"{flat}{addr.number} {typo(rng, addr.street)} {short}", ""
    if case is HardAddress.FLAT_STYLE:
        style = rng.randrange(3)
        street = f"{addr.number} {addr.street} {suffix}"
        return (f"{addr.flat} {street}", f"Apartment {addr.flat}, {street}", f"Flat{addr.flat} {street}")[style], \
            addr.postcode
    return f"{addr.street} {ABBREVIATIONS.get(suffix, suffix)}", ""
