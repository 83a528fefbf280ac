"""Checks for the identifiers partners send: UPN, NHS number and National Insurance number.

These Python functions are the reference the synthetic county generates from and the tests compare
ingest's SQL checks against. A failed check makes the identifier unusable for joining, never the row.
"""

from __future__ import annotations

import re
import random

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: A-Z without I, O, S
NI_PATTERN = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")


def _upn_char_value(ch: str) -> int | None:
    if ch.isdigit():
        return int(ch)
    pos = UPN_LETTERS.find(ch)
    return pos if pos >= 0 else None


def upn_check_letter(body: str) -> str | None:
    """The check letter for the 12 characters after it (3-digit LA, 4-digit school, 2-digit year, serial).

    Characters 2..13 carry weights 2..13; the sum mod 23 indexes A-Z without I, O and S. The last
    character may be a letter (temporary UPNs) and then counts as its position in that alphabet.
    """
    if len(body) != 12 or not body[:11].isdigit():
        return None
    total = 0
    for weight, ch in enumerate(body, start=2):
        value = _upn_char_value(ch)
        if value is None:
            return None
        total += value * weight
    return UPN_LETTERS[total % 23]


def upn_is_valid(upn: str) -> bool:
    upn = upn.strip().upper()
    return len(upn) == 13 and upn_check_letter(upn[1:]) == upn[0]


def nhs_check_digit(first_nine: str) -> int | None:
    """Mod-11 check digit (weights 10..2); None when the remainder makes the number impossible."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        return None
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_is_valid(nhs_number: str) -> bool:
    digits = re.sub(r"[\s-]", "", nhs_number)
    return len(digits) == 10 and digits.isdigit() and nhs_check_digit(digits[:9]) == int(digits[9])


def ni_number_is_valid(ni_number: str) -> bool:
    return bool(NI_PATTERN.match(re.sub(r"\s", "", ni_number).upper()))


def make_upn(rng: random.Random, la_code: int = 892) -> str:
    body = f"{la_code:03d}{rng.randrange(10000):04d}{rng.randrange(100):02d}{rng.randrange(1000):03d}"
    return f"{upn_check_letter(body)}{body}"


def make_nhs_number(rng: random.Random) -> str:
    """A synthetic NHS number in the 9xx range that the NHS never issues to real people."""
    while True:
        first_nine = f"9{rng.randrange(10**8):08d}"
        check = nhs_check_digit(first_nine)
        if check is not None:
            return f"{first_nine}{check}"


_NI_FIRST = "ABCEGHJKLMNPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def make_ni_number(rng: random.Random) -> str:
    while True:
        candidate = f"{rng.choice(_NI_FIRST)}{rng.choice(_NI_SECOND)}{rng.randrange(10**6):06d}{rng.choice('ABCD')}"
        if ni_number_is_valid(candidate):
            return candidate
