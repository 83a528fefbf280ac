"""Checks for the identifiers partners send: UPN, NHS number and National Insurance number.

These Python functions are the reference the synthetic county generates from and the tests compare
ingest's SQL checks against. A failed check makes the identifier unusable for joining, never the row.
"""

from __future__ import annotations

import random
import re

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: A-Z without I, O, S
# Whitespace partners put inside identifiers; the same class is used by ingest's SQL (RE2) so the
# Python reference and the SQL checks agree character for character.
WHITESPACE_CLASS = r"[\t\n\v\f\r ]"
_WHITESPACE = re.compile(WHITESPACE_CLASS)
_DIGITS = "0123456789"
NI_PATTERN = re.compile(r"^(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")


def _upn_char_value(ch: str) -> int | None:
    if ch in _DIGITS:
        return int(ch)
    pos = UPN_LETTERS.find(ch)
    return pos if pos >= 0 else None


def upn_check_letter(body: str) -> str | None:
    """The check letter for the 12 characters after it (3-digit LA, 4-digit school, 2-digit year, serial).

    Characters 2..13 carry weights 2..13; the sum mod 23 indexes A-Z without I, O and S. The last
    character may be a letter (temporary UPNs) and then counts as its position in that alphabet.
    """
    if len(body) != 12 or not all(ch in _DIGITS for ch in body[:11]):
        return None
    total = 0
    for weight, ch in enumerate(body, start=2):
        value = _upn_char_value(ch)
        if value is None:
            return None
        total += value * weight
    return UPN_LETTERS[total % 23]


def upn_is_valid(upn: str) -> bool:
    """Whitespace anywhere is ignored; only ASCII letters and digits can make a valid UPN."""
    upn = _WHITESPACE.sub("", upn)
    if not upn.isascii():
        return False
    upn = upn.upper()
    return len(upn) == 13 and upn_check_letter(upn[1:]) == upn[0]


def nhs_check_digit(first_nine: str) -> int | None:
    """Mod-11 check digit (weights 10..2); None when the remainder makes the number impossible."""
    if len(first_nine) != 9 or not all(ch in _DIGITS for ch in first_nine):
        return None
    remainder = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1))) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_is_valid(nhs_number: str) -> bool:
    """Spaces and hyphens are ignored (`943 476 5919`); the rest must be 10 ASCII digits."""
    digits = _WHITESPACE.sub("", nhs_number).replace("-", "")
    return len(digits) == 10 and all(ch in _DIGITS for ch in digits) and nhs_check_digit(digits[:9]) == int(digits[9])


def ni_number_is_valid(ni_number: str) -> bool:
    """Whitespace is ignored and case folded; the prefix and shape must match `NI_PATTERN`."""
    squeezed = _WHITESPACE.sub("", ni_number)
    return squeezed.isascii() and bool(NI_PATTERN.fullmatch(squeezed.upper()))


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
