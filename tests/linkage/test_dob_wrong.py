"""A date of birth that disagrees is weighed by the data (issue 14 point 2): how often one person's dates of
birth are far apart is learned from record pairs of one name and place (a prior of 0.01, bounded), so a pair
that only a wrong date of birth separates links where partners often key dates wrong; the twin and
parent/child guards stay as they were."""

from __future__ import annotations

from datetime import date

import duckdb

from linkage.builders import filler, make_records, record
from priority_families.linkage import LinkageSettings, link_records
from priority_families.linkage.model import DOB_WRONG_PRIOR, dob_wrong_rate
from priority_families.linkage.prepare import describe_records

AS_OF = date(2015, 8, 31)
HOME = {"postcode": "NG7 2AB", "address": "12 HIGH ST"}
SYLLABLES = ["BO", "DA", "FI", "GO", "HU", "JA", "KO", "LU", "MI", "NO"]
# one woman written twice, her date of birth keyed five years out on one record: names and place agree
ONE_WOMAN = [record("AMARA", "NWOSU", "1988-04-02", sex="F", **HOME),
             record("AMARA", "NWOSU", "1993-11-20", sex="F", **HOME)]


def partners(people: int, wrong_every: int) -> list[dict]:
    """`people` women each recorded twice alike at their own address; every `wrong_every`-th has a third
    record whose date of birth a partner keyed years out (0: none)."""
    rows = []
    for i in range(people):
        first = SYLLABLES[i % 10] + SYLLABLES[(i // 10) % 10] + "RA"
        last = SYLLABLES[(i * 3) % 10] + SYLLABLES[(i // 7) % 10] + "WELL"
        place = {"postcode": f"NG{i % 9 + 1} {i % 7}QQ", "address": f"{i + 1} QUEEN ST"}
        dob = f"{1960 + i % 40}-0{1 + i % 9}-1{i % 9}"
        rows += [record(first, last, dob, sex="F", **place), record(first, last, dob, sex="F", **place, on="2015-02-01")]
        if wrong_every and i % wrong_every == 0:
            rows.append(record(first, last, f"{1965 + i % 40}-1{i % 3}-2{i % 9}", sex="F", **place, on="2015-03-01"))
    return rows


def linked(rows: list[dict], settings: LinkageSettings | None = None) -> tuple[dict[str, str], float]:
    """Each record's person, and the score of records R1 and R2."""
    con = duckdb.connect()
    make_records(con, rows + filler())
    link_records(con, AS_OF, settings)
    score = con.execute("SELECT max(match_probability) FROM link_pairs WHERE least(record_key_l, record_key_r) = 1 "
                        "AND greatest(record_key_l, record_key_r) = 2").fetchall()[0][0]
    return dict(con.execute("SELECT record_id, person_id FROM record_person").fetchall()), score or 0.0


def test_a_wrong_date_of_birth_links_where_the_data_says_partners_key_them_wrong() -> None:
    rows = ONE_WOMAN + partners(100, wrong_every=4)
    before, score_before = linked(rows, LinkageSettings(dob_wrong_ceiling=DOB_WRONG_PRIOR))  # the fixed m = 0.01
    now, score_now = linked(rows)
    assert before["R1"] != before["R2"] and score_before < 0.9
    assert now["R1"] == now["R2"] and score_now >= 0.9


def test_where_dates_of_birth_agree_the_cost_stays_the_prior() -> None:
    _, score = linked(ONE_WOMAN + partners(100, wrong_every=0))
    _, fixed = linked(ONE_WOMAN + partners(100, wrong_every=0), LinkageSettings(dob_wrong_ceiling=DOB_WRONG_PRIOR))
    assert score == fixed < 0.9


def test_parent_and_child_and_twins_stay_apart_however_often_dates_are_wrong() -> None:
    p, _ = linked([
        record("DARIUS", "OKAFOR", "1979-06-02", sex="M", **HOME),
        record("DARIUS", "OKAFOR", "2004-06-02", sex="M", **HOME),
        record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME),
        record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME, on="2015-02-01"),
        record("SARAH", "OKAFOR", "1986-11-20", sex="F", **HOME),
        record("SARAH", "OKAFOR", "1986-11-20", sex="F", **HOME, on="2015-02-01"),
        record("JACK", "TURNER", "2008-03-14", sex="M", **HOME),
        record("JACK", "TURNER", "2008-03-14", sex="M", **HOME, on="2015-02-01"),
        record("OLIVER", "TURNER", "2008-03-14", sex="M", **HOME),
        record("OLIVER", "TURNER", "2008-03-14", sex="M", **HOME, on="2015-02-01"),
        *partners(100, wrong_every=2),
    ])
    assert p["R1"] != p["R2"]  # a generation apart, each seen once
    assert p["R3"] != p["R5"]  # two SARAH OKAFORs seven years apart, each corroborated
    assert p["R7"] != p["R9"]  # twins


def test_the_rate_is_counted_by_record_pairs_and_bounded() -> None:
    con = duckdb.connect()
    make_records(con, partners(100, wrong_every=4))
    describe_records(con)
    rate = dob_wrong_rate(con, "link_descriptions", ceiling=0.5 - 1e-9)
    assert (rate.pairs, rate.far_apart) == (150, 50)  # 100 alike pairs; 25 women x 2 pairs with the wrong one
    assert abs(rate.m - (DOB_WRONG_PRIOR * 1000 + 50) / (1000 + 150)) < 1e-12
    assert dob_wrong_rate(con, "link_descriptions", ceiling=0.03).m == 0.03
