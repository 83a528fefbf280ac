"""Whether pairs of one name and place a generation apart are parents and children is learned from the data
(issue 14 point 2): where partners replace whole dates of birth, a date keyed wrong is seen once and never
corroborated, so the guard lets the model weigh such a pair; where pairs a generation apart are corroborated
on both sides (families), the guard vetoes them even seen once, as before. A parent and child of one name,
each corroborated, stay apart whatever the data."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from linkage.builders import filler, make_records, record
from priority_families.linkage import link_records
from priority_families.linkage.model import FAMILY_PRIOR_CORROBORATED, DobWrongRate, dob_wrong_rate
from priority_families.linkage.prepare import describe_records

AS_OF = date(2015, 8, 31)
HOME = {"postcode": "NG7 2AB", "address": "12 HIGH ST"}
SYLLABLES = ["BO", "DA", "FI", "GO", "HU", "JA", "KO", "LU", "MI", "NO"]
# one woman: her own date of birth twice, and once replaced by a partner with a date 30 years out
ONE_WOMAN = [record("AMARA", "NWOSU", "1988-04-02", sex="F", **HOME),
             record("AMARA", "NWOSU", "1988-04-02", sex="F", **HOME, on="2015-02-01"),
             record("AMARA", "NWOSU", "1958-11-20", sex="F", **HOME, on="2015-03-01")]
# a mother and daughter of one name at one address, each written twice with her own date of birth
MOTHER_AND_DAUGHTER = [record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME),
                       record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME, on="2015-02-01"),
                       record("SARAH", "OKAFOR", "2006-11-20", sex="F", **HOME),
                       record("SARAH", "OKAFOR", "2006-11-20", sex="F", **HOME, on="2015-02-01")]


def _person(i: int) -> tuple[str, str, dict[str, str], str]:
    first = SYLLABLES[i % 10] + SYLLABLES[(i // 10) % 10] + "RA"
    last = SYLLABLES[(i * 3) % 10] + SYLLABLES[(i // 7) % 10] + "WELL"
    place = {"postcode": f"NG{i % 9 + 1} {i % 7}QQ", "address": f"{i + 1} QUEEN ST"}
    return first, last, place, f"{1960 + i % 40}-0{1 + i % 9}-1{i % 9}"


def dates_replaced(people: int) -> list[dict]:
    """`people` women each written twice, and again with her date of birth replaced by one 25-39 years
    earlier (a partner's keying: seen once, never corroborated)."""
    rows = []
    for i in range(people):
        first, last, place, dob = _person(i)
        rows += [record(first, last, dob, sex="F", **place), record(first, last, dob, sex="F", **place, on="2015-02-01"),
                 record(first, last, f"{1935 + i % 40 - i % 15}-1{i % 3}-2{i % 9}", sex="F", **place, on="2015-03-01")]
    return rows


def families(people: int) -> list[dict]:
    """`people` mothers and daughters of one name at their address, each written twice (a council's data)."""
    rows = []
    for i in range(people):
        first, last, place, dob = _person(i)
        child = f"{2000 + i % 14}-0{1 + i % 9}-0{1 + i % 9}"
        rows += [record(first, last, dob, sex="F", **place), record(first, last, dob, sex="F", **place, on="2015-02-01"),
                 record(first, last, child, sex="F", **place), record(first, last, child, sex="F", **place, on="2015-02-01")]
    return rows


def persons(rows: list[dict]) -> dict[str, str]:
    con = duckdb.connect()
    make_records(con, rows + filler())
    link_records(con, AS_OF)
    return dict(con.execute("SELECT record_id, person_id FROM record_person").fetchall())


def rate(rows: list[dict]) -> DobWrongRate:
    con = duckdb.connect()
    make_records(con, rows)
    describe_records(con)
    return dob_wrong_rate(con, "link_descriptions", ceiling=0.05)


def test_a_date_replaced_a_generation_out_links_where_partners_replace_dates() -> None:
    """Main vetoed AMARA's third record whatever the data (a generation apart); here the data says such
    dates are keyed wrong, so names and place link it."""
    p = persons(ONE_WOMAN + dates_replaced(40))
    assert p["R1"] == p["R2"] == p["R3"]


def test_a_parent_and_child_of_one_name_stay_apart_where_partners_replace_dates() -> None:
    """Each corroborated with her own date of birth: two people, however often dates are keyed wrong."""
    p = persons(MOTHER_AND_DAUGHTER + dates_replaced(40))
    assert p["R1"] == p["R2"] and p["R3"] == p["R4"]
    assert p["R1"] != p["R3"]


def test_on_council_data_a_generation_apart_stays_apart_even_seen_once() -> None:
    """Where pairs a generation apart are families (corroborated on both sides), AMARA's third record is
    her daughter or mother of one name: vetoed even seen once, as before."""
    p = persons(ONE_WOMAN + families(40))
    assert p["R1"] == p["R2"]
    assert p["R3"] != p["R1"]


def test_the_family_share_is_counted_from_corroboration() -> None:
    replaced, council = rate(dates_replaced(40)), rate(families(40))
    assert (replaced.generation_apart, replaced.corroborated_apart) == (40, 0)
    assert replaced.corroborated_share == pytest.approx(0.5)  # each woman's own date, not the replaced one
    assert replaced.family_share == pytest.approx(FAMILY_PRIOR_CORROBORATED / (40 * 0.25 + FAMILY_PRIOR_CORROBORATED))
    assert replaced.m > rate(dates_replaced(0)).m  # the pairs keyed wrong a generation out cost the model too
    assert (council.generation_apart, council.corroborated_apart) == (40, 40)
    assert council.family_share == 1.0 and council.m == 0.01


def test_without_evidence_the_guard_keeps_its_premise() -> None:
    assert DobWrongRate(pairs=0, far_apart=0, m=0.01).family_share == 1.0
    # two pairs a generation apart, neither corroborated: too few to drop the premise
    few = DobWrongRate(pairs=10, far_apart=0, m=0.01, generation_apart=2, corroborated_share=0.7)
    assert few.family_share > 0.5
    # data whose people are rarely written twice cannot show corroboration, however many pairs
    once = DobWrongRate(pairs=10, far_apart=0, m=0.01, generation_apart=100, corroborated_share=0.1)
    assert once.family_share > 0.5
    # where most people are written twice, 40 pairs none corroborated are keying errors
    replaced = DobWrongRate(pairs=10, far_apart=0, m=0.01, generation_apart=40, corroborated_share=0.7)
    assert replaced.family_share < 0.5
