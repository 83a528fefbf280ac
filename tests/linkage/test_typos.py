"""Partner typos the model must read as one person (FEBRL-style corruption), and the look-alikes it must not.

The level SQL is checked on single pairs; the end-to-end cases run `link_records` on tables far below
`min_training_descriptions`, so they are scored with the prior m/u values.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from linkage.builders import filler, make_records, record
from priority_families.linkage import link_records
from priority_families.linkage.model import PLACE_WRITTEN_DIFFERENTLY, POSTCODE_SLIP, with_place_keys

AS_OF = date(2015, 8, 31)
HOME = {"postcode": "NG7 2AB", "address": "12 HIGH ST"}
PC = {"postcode": "NG7 2AB"}


def holds(condition: str, left: dict[str, str], right: dict[str, str]) -> bool:
    """Evaluate a comparison level's SQL condition on one pair of descriptions (address, postcode), with
    the place keys the model computes per description."""
    con = duckdb.connect()
    for side, values in (("l", left), ("r", right)):
        one = "(SELECT ?::VARCHAR AS address, ?::VARCHAR AS postcode)"
        con.execute(f"CREATE TABLE d_{side} AS {with_place_keys(one)}",
                    [values.get("address"), values.get("postcode")])
    cols = [r[0] for r in con.execute("DESCRIBE d_l").fetchall()]
    both = ", ".join(f"{side}.{c} AS {c}_{side}" for side in "lr" for c in cols)
    pair = f"SELECT coalesce({condition}, false) FROM (SELECT {both} FROM d_l l, d_r r)"
    return con.execute(pair).fetchall()[0][0]


@pytest.mark.parametrize(("left", "right", "alike"), [
    ("172 DAVIDSONSTREET", "172 DAVIDSON WTREET", True),  # a space lost, a letter mistyped
    ("5 DEAMER CERESCENT", "5 DEAMER CRES", True),  # a misspelt word escapes abbreviation
    ("12 HIGH ST", "14 HIGH ST", False),  # neighbours, not a typo
    ("12A HIGH ST", "12B HIGH ST", False),
    ("FLAT 3 12 HIGH ST", "FLAT 4 12 HIGH ST", False),
    ("12 HIGH ST", "12 STATION RD", False),
])
def test_address_alike_needs_the_same_number_and_a_close_line(left: str, right: str, alike: bool) -> None:
    assert holds(PLACE_WRITTEN_DIFFERENTLY, {"address": left, **PC}, {"address": right, **PC}) is alike


@pytest.mark.parametrize(("left", "right", "shares"), [
    ("91 WATSON ST KEMPSEY", "91 KEMPSEY", True),  # the street left out
    ("1329 BEAN CRES THE ENTRANCE", "1329 BEAN CRES CAMPERDOWN", True),  # the locality written another way
    ("33 SWANTON ST", "67 SWANTON ST", False),
    ("12A HIGH ST", "12B HIGH ST", False),
    ("4 MILL RD", "4 KING EDWARD ST", False),
])
def test_address_sharing_words_needs_the_same_house_number(left: str, right: str, shares: bool) -> None:
    assert holds(PLACE_WRITTEN_DIFFERENTLY, {"address": left, **PC}, {"address": right, **PC}) is shares


def test_address_alike_in_another_postcode_is_not_the_same_place() -> None:
    """2 WILLOW DR and 2 WILLOW ST in two towns are two places; with a postcode one slip out, one place."""
    assert not holds(PLACE_WRITTEN_DIFFERENTLY, {"address": "2 WILLOW DR", "postcode": "NG22 8NJ"},
                     {"address": "2 WILLOW ST", "postcode": "NG10 6HB"})
    assert holds(PLACE_WRITTEN_DIFFERENTLY, {"address": "2 WILLOW DR", "postcode": "NG22 8NJ"},
                 {"address": "2 WILLW DR", "postcode": "NG22 8JN"})


@pytest.mark.parametrize(("left", "right", "slip"), [
    ("NG7 2AB", "NG7 2BA", True), ("NG7 2AB", "NG7 2AD", True), ("NG7 2AB", "NG7 2AB", False),
    ("NG7 2AB", "NG9 3ZZ", False),
])
def test_postcode_slip_is_one_character(left: str, right: str, slip: bool) -> None:
    assert holds(POSTCODE_SLIP, {"postcode": left}, {"postcode": right}) is slip


def link(rows: list[dict]) -> dict[str, str]:
    con = duckdb.connect()
    make_records(con, rows + filler())
    link_records(con, AS_OF)
    return dict(con.execute("SELECT record_id, person_id FROM record_person").fetchall())


def test_mistyped_address_and_postcode_still_place_a_record_without_dob() -> None:
    """With no date of birth, the names alone do not decide; the place written with typos does."""
    p = link([
        record("JOSEPHINE", "ACKROYD", "1980-05-01", sex="F", **HOME),
        record("JOSEPHINE", "ACKROYD", None, sex="F", postcode="NG7 2BA", address="12 HIHG ST"),
    ])
    assert p["R1"] == p["R2"]


def test_transposed_day_digits_link_and_transposed_year_digits_do_not() -> None:
    """12 written 21 is one slip (two people of one name born nine days apart are not siblings, so both
    written twice is still one person); 1976 written 1967 is not: two EMMA SMITHs born nine years apart
    on the same day are commoner in a county than that typo."""
    p = link([
        record("BIANCA", "MATTHEWS", "1985-03-12", sex="F", **HOME),
        record("BIANCA", "MATTHEWS", "1985-03-12", sex="F", **HOME, on="2015-03-01"),
        record("BIANCA", "MATTHEWS", "1985-03-21", sex="F", **HOME),
        record("BIANCA", "MATTHEWS", "1985-03-21", sex="F", **HOME, on="2015-03-01"),
        record("EMMA", "SMITH", "1976-02-27", sex="F", postcode="NG16 1NJ", address="5 ALBERT CRES"),
        record("EMMA", "SMITH", "1967-02-27", sex="F", postcode="NG16 1NJ", address="30 ALBERT CRES"),
    ])
    assert p["R1"] == p["R3"]
    assert p["R5"] != p["R6"]


def test_ni_number_one_slip_apart_lets_a_wrong_date_of_birth_link() -> None:
    """A generation apart looks like parent and child, but their NI numbers would be unrelated; two digits
    swapped in one person's NI number are a slip, so the guard stands aside; unrelated numbers keep it."""
    rows = [
        record("DARIUS", "OKAFOR", "1979-06-02", sex="M", **HOME, ni_number="QQ123456C"),
        record("DARIUS", "OKAFOR", "2004-11-20", sex="M", **HOME, ni_number="QQ123465C"),
    ]
    p = link(rows)
    assert p["R1"] == p["R2"]
    rows[1]["ni_number_std"] = "QQ987654A"
    p = link(rows)
    assert p["R1"] != p["R2"]
