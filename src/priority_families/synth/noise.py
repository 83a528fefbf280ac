"""Partner noise: how each source writes a person's name, date of birth, address and identifiers.

Each source holds its own view of a person's name (a nickname, a split double-barrelled surname) and
then every row adds its own slips (typos, swapped names, upper case, a missing or day/month-swapped
date of birth, abbreviations, flats written another way, postcode spacing). Fact values are never
noised: the rules judge dates and counts, and noise there would make the ground truth unknowable.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from priority_families.synth.names import ABBREVIATIONS, NICKNAMES
from priority_families.synth.places import address_of
from priority_families.synth.population import Person

UPPER_CASE_SOURCES = frozenset({"police", "probation", "youth_justice"})
# source -> {identifier: share of rows that carry it}
IDENTIFIER_SHARE: dict[str, dict[str, float]] = {
    "school_census": {"upn": 0.97},
    "health": {"nhs_number": 0.9},
    "acute_trust": {"nhs_number": 0.85},
    "social_care": {"nhs_number": 0.3},
    "dwp": {"ni_number": 0.95},
    "probation": {"ni_number": 0.8},
    "work_programme": {"ni_number": 0.7},
}
MISTYPE_RATE = 0.015
DIGITS = "0123456789"
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def source_view(rng: random.Random, person: Person, source: str) -> tuple[str, str]:
    """The name as `source` holds it for every row it sends about this person."""
    view = person.views.get(source)
    if view is not None:
        return view
    first, last = person.first_name, person.last_name
    nicks = NICKNAMES.get(first)
    if nicks and rng.random() < 0.15:
        first = rng.choice(nicks)
    if "-" in last and rng.random() < 0.5:
        a, b = last.split("-", 1)
        last = rng.choice((f"{a} {b}", f"{a}{b}", a, b))
    if rng.random() < 0.5:
        first, last = ascii_fold(first), ascii_fold(last)
    if " " in last and rng.random() < 0.4:
        last = rng.choice((last.replace(" ", ""), last.replace(" ", "-")))
    if "'" in last and rng.random() < 0.4:
        last = rng.choice((last.replace("'", ""), last.replace("'", " ")))
    person.views[source] = (first, last)
    return first, last


def typo(rng: random.Random, text: str) -> str:
    """One keying slip: a dropped, doubled, swapped or wrong letter."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    if kind == 2:
        return text[:i - 1] + text[i] + text[i - 1] + text[i + 1:]
    return text[:i] + rng.choice(LETTERS) + text[i + 1:]


def noisy_dob(rng: random.Random, dob: date, blank_rate: float) -> str:
    r = rng.random()
    if r < blank_rate:
        return ""
    r -= blank_rate
    if r < 0.015 and dob.day <= 12 and dob.day != dob.month:
        return date(dob.year, dob.day, dob.month).isoformat()
    if r < 0.02:
        try:
            return dob.replace(day=dob.day + 1).isoformat()
        except ValueError:
            return dob.isoformat()
    return dob.isoformat()


def address_line(rng: random.Random, place: int) -> tuple[str, str, str]:
    """(address line, postcode, uprn) for `place` as a partner might type them (uprn left to the caller)."""
    addr = address_of(place)
    suffix = addr.suffix
    if rng.random() < 0.35:
        suffix = ABBREVIATIONS.get(suffix, suffix)
    street = f"{addr.number} {addr.street} {suffix}"
    if rng.random() < 0.002:
        street = f"{addr.number} {typo(rng, addr.street)} {suffix}"
    if addr.flat is not None:
        style = rng.randrange(5)
        line = (
            f"Flat {addr.flat}, {street}",
            f"{addr.flat}/{street}",
            f"Flat {addr.flat} {street}",
            f"{street} Flat {addr.flat}",
            f"Flat {addr.flat}, {street}",
        )[style]
    elif rng.random() < 0.05:
        line = f"{addr.number}, {addr.street} {suffix}"
    else:
        line = street
    r = rng.random()
    if r < 0.08:
        line = line.upper()
    postcode = addr.postcode
    r = rng.random()
    if r < 0.01:
        postcode = ""
    elif r < 0.06:
        postcode = postcode.replace(" ", "")
    elif r < 0.10:
        postcode = postcode.lower()
    elif r < 0.12:
        postcode = postcode.lower().replace(" ", "")
    elif r < 0.13:
        postcode = f" {postcode.replace(' ', '  ')}"
    return line, postcode, str(addr.uprn)


def mistype(rng: random.Random, identifier: str) -> str:
    """Change one digit so the identifier fails its check (NI: a letter no NI number can carry)."""
    if identifier[:2].isalpha() and len(identifier) == 9 and rng.random() < 0.7:  # NI: no check digit
        return "Q" + identifier[1:] if rng.random() < 0.5 else identifier[:-1] + "E"
    positions = [i for i, ch in enumerate(identifier) if ch.isdigit()]
    i = rng.choice(positions)
    new = rng.choice([d for d in DIGITS if d != identifier[i]])
    return identifier[:i] + new + identifier[i + 1:]


def identifiers(rng: random.Random, person: Person, source: str) -> tuple[str, str, str]:
    """(upn, nhs_number, ni_number) as this source sends them: only the ones it holds."""
    shares = IDENTIFIER_SHARE.get(source, {})
    out = []
    for name, value in (("upn", person.upn), ("nhs_number", person.nhs_number), ("ni_number", person.ni_number)):
        share = shares.get(name, 0.0)
        if value is None or share == 0.0 or rng.random() >= share:
            out.append("")
            continue
        if rng.random() < MISTYPE_RATE:
            value = mistype(rng, value)
        elif name == "nhs_number" and rng.random() < 0.1:
            value = f"{value[:3]} {value[3:6]} {value[6:]}"
        elif name == "ni_number" and rng.random() < 0.1:
            value = f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8]}"
        out.append(value)
    return out[0], out[1], out[2]


def person_columns(rng: random.Random, person: Person, source: str, place: int | None, with_uprn: bool,
                   dob_blank_rate: float = 0.03) -> list[str]:
    """The person columns after `source` and `record_id`, as one row of `source` writes them."""
    first, last = source_view(rng, person, source)
    r = rng.random()
    if r < 0.02:
        first = typo(rng, first)
    elif r < 0.04:
        last = typo(rng, last)
    if rng.random() < 0.015:
        first, last = last, first
    if source in UPPER_CASE_SOURCES or rng.random() < 0.05:
        first, last = first.upper(), last.upper()
    elif rng.random() < 0.01:
        first, last = first.lower(), last.lower()
    r = rng.random()
    if r < 0.005:
        first = ""
    elif r < 0.008:
        last = ""
    elif r < 0.02:
        first = f" {first}"
    sex = person.sex
    r = rng.random()
    if r < 0.05:
        sex = ""
    elif r < 0.055:
        sex = "U"
    if place is None:
        line = postcode = uprn = ""
    else:
        line, postcode, uprn = address_line(rng, place)
        if not with_uprn:
            uprn = ""
    upn, nhs, ni = identifiers(rng, person, source)
    return [first, last, noisy_dob(rng, person.dob, dob_blank_rate), sex, line, postcode, uprn, upn, nhs, ni]
