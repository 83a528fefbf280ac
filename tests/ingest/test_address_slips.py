"""Ingest reads the address slips of issue 14 into flat, house number and street (standardise.address_parts)."""

from __future__ import annotations

import duckdb
import pytest

from priority_families.ingest.refresh import _address_select


@pytest.mark.parametrize(("line", "flat", "house", "address"), [
    ("21 3Bells Lane", None, "213", "213 BELLS LN"),  # the last digit shifted onto the street
    ("Flat 4, 4 0High Road", "4", "40", "FLAT 4 40 HIGH RD"),
    ("12 3rd Avenue", None, "12", "12 3RD AVE"),  # an ordinal street is not a shifted digit
    ("Flat9 40 High Road", "9", "40", "FLAT 9 40 HIGH RD"),
    ("3 135 Beechdale Road", "3", "135", "FLAT 3 135 BEECHDALE RD"),  # a bare flat number
    ("Apartment 3, 135 Beechdale Rd", "3", "135", "FLAT 3 135 BEECHDALE RD"),
    ("12A High St", None, "12A", "12A HIGH ST"),
    ("Beechdale Rd", None, None, "BEECHDALE RD"),
])
def test_an_address_slip_is_read_as_the_address_it_stands_for(line: str, flat: str | None, house: str | None,
                                                               address: str) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE n AS SELECT ? AS v", [line])
    assert con.execute(_address_select()).fetchall() == [(line, flat, house, address)]
