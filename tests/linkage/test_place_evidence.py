"""How much a shared place says is learned from the data (issue 14): u of the place levels reached by sharing a
postcode or an address line is counted among pairs the data says are different people (first names and dates of
birth in their "all other" levels), so a county's households keep a shared address modest evidence, while data
whose different people never share a place (FEBRL: random pairs sharing one are nearly all one person) makes it
strong. The sampled u is a Beta prior: small data cannot move it far."""

from __future__ import annotations

import duckdb
import pytest

from priority_families.linkage.evidence import (
    _level_case,
    place_u_among_different_people,
    shared_place_levels,
)
from priority_families.linkage.model import _dob, _first_name, _place, with_place_keys

FIRST = ["AMARA", "BEN", "CHLOE", "DEV", "ELLA", "FINN"]
SAMPLED = 0.01  # the sampled u every level starts from (the prior's mean)


def _table(rows: list[tuple[str, str, str, str, str]]) -> duckdb.DuckDBPyConnection:
    """`descriptions` (link_descriptions' columns with the place keys) from (first, last, dob, address, postcode)."""
    con = duckdb.connect()
    con.execute("CREATE TABLE raw (unique_id BIGINT, first_name VARCHAR, last_name VARCHAR, dob DATE, "
                "address VARCHAR, postcode VARCHAR)")
    con.executemany("INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)", [(i, *row) for i, row in enumerate(rows)])
    con.execute("CREATE TABLE base AS SELECT *, [first_name] AS first_forms, strftime(dob, '%Y-%m-%d') AS dob_text, "
                "split_part(postcode, ' ', 1) AS district FROM raw")
    con.execute(f"CREATE TABLE descriptions AS {with_place_keys('base')}")
    return con


def households(n: int) -> list[tuple[str, str, str, str, str]]:
    """`n` homes of three people each (different first names, born years apart), each written once: a
    council's data, where different people share an address."""
    return [(FIRST[k], f"SURNAME{i}", f"{1950 + 12 * k}-0{1 + i % 9}-1{i % 9}", f"{i + 1} HIGH ST", f"NG{i} 1AB")
            for i in range(n) for k in range(3)]


def one_person_per_home(n: int) -> list[tuple[str, str, str, str, str]]:
    """`n` people, each alone at an address and written three times: different people never share one."""
    return [(FIRST[i % 6], f"SURNAME{i}", f"{1950 + i % 40}-0{1 + i % 9}-1{i % 9}", f"{i + 1} HIGH ST", f"NG{i} 1AB")
            for i in range(n) for _ in range(3)]


def learned(rows: list[tuple[str, str, str, str, str]], prior_pairs: float, floored: bool = False) -> dict[str, float]:
    place = _place()
    sampled = {label: SAMPLED for label in shared_place_levels(place)}
    result = place_u_among_different_people(_table(rows), "descriptions", _first_name(), _dob(), place, sampled,
                                            different_share=1.0, prior_pairs=prior_pairs, floored=floored)
    return result.u


def test_households_keep_a_shared_address_modest_evidence() -> None:
    """90 pairs of different people at one address among 4,005: u about 0.022, above the sampled 0.01."""
    u = learned(households(30), prior_pairs=10)["same address and postcode"]
    assert u == pytest.approx((90 + SAMPLED * 10) / (4005 + 10))


def test_where_different_people_never_share_a_place_it_is_strong_evidence() -> None:
    """Only one person's own records share an address: u falls far below the sampled value."""
    u = learned(one_person_per_home(30), prior_pairs=10)
    assert u["same address and postcode"] < SAMPLED / 100
    assert u["same address line, postcode differs"] < SAMPLED / 100


def test_where_related_people_share_places_the_sampled_u_is_a_floor() -> None:
    """On data whose same-name pairs a generation apart are families the count cannot lower u (it misses
    namesakes and twins, who share a first name or a date of birth), so u stays the sampled value; a higher
    count still raises it."""
    assert learned(one_person_per_home(30), prior_pairs=10, floored=True)["same address and postcode"] == SAMPLED
    assert learned(households(30), prior_pairs=10, floored=True)["same address and postcode"] > SAMPLED


def test_small_data_keeps_the_sampled_u() -> None:
    """With the default prior (100,000 pairs) 4,005 pairs move u by a few per cent at most."""
    u = learned(one_person_per_home(30), prior_pairs=100_000)["same address and postcode"]
    assert SAMPLED * 0.95 < u <= SAMPLED


def test_only_levels_reached_by_sharing_a_place_are_learned() -> None:
    """The levels that say one place (or one street) are learned; from "same postcode" down (another street in
    the postcode, a postcode slip, a district, all other) they keep Splink's sampled u."""
    levels = shared_place_levels(_place())
    assert "same address and postcode" in levels and "same street and postcode, another house number" in levels
    assert not {"same postcode", "postcode one character out", "all other"} & set(levels)


@pytest.mark.parametrize(("left", "right", "level"), [
    ("12 HIGH ST", "14 HIGH ST", "same street and postcode, another house number"),
    ("FLAT 2 12 HIGH ST", "FLAT 3 12 HIGH ST", "same street and postcode, another house number"),
    ("12 HIGH ST", "3 MILL LANE", "same postcode"),
    ("12 HIGH ST", "12 HIGH ST", "same address and postcode"),
])
def test_the_same_street_at_another_house_number_is_its_own_level(left: str, right: str, level: str) -> None:
    con = _table([("AMARA", "NWOSU", "1980-01-02", left, "NG7 2AB"), ("BEN", "NWOSU", "1990-01-02", right, "NG7 2AB")])
    cols = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in
                     ("address", "postcode", "district", "address_number"))
    found = con.execute(f"SELECT {_level_case(_place())} FROM (SELECT {cols} FROM descriptions l, descriptions r "
                        "WHERE l.unique_id = 0 AND r.unique_id = 1)").fetchall()[0][0]
    assert found == level
