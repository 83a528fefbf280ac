"""Places, households and families from resolved persons (rules.md "People, households, families")."""

from __future__ import annotations

from datetime import date

import duckdb

from linkage.builders import filler, make_records, record
from priority_families.households import build_households, resolve_places
from priority_families.linkage import link_records

AS_OF = date(2015, 8, 31)


def places(rows: list[dict]) -> list[str]:
    con = duckdb.connect()
    make_records(con, rows)
    resolve_places(con)
    return [
        con.execute(
            "SELECT place_id FROM address_place WHERE address_std = ? AND postcode_std IS NOT DISTINCT FROM ? "
            "AND uprn IS NOT DISTINCT FROM ?",
            [r["address_std"], r["postcode_std"], r.get("uprn")],
        ).fetchall()[0][0]
        for r in rows
    ]


def test_same_place_written_two_ways_is_one_place_and_two_flats_are_two() -> None:
    p = places([
        record("A", "A", None, postcode="NG1 1AA", address="FLAT 3 12 HIGH ST", flat="3", house_number="12"),
        record("A", "A", None, postcode="NG1 1AA", address="FLAT 3 12 HIGH STRET", flat="3", house_number="12"),
        record("A", "A", None, postcode="NG1 1AA", address="FLAT 4 12 HIGH ST", flat="4", house_number="12"),
        record("A", "A", None, postcode="NG1 1AA", address="12 HIGH ST", house_number="12"),
    ])
    assert p[0] == p[1]  # a typo in the street
    assert len({p[0], p[2], p[3]}) == 3  # flats 3 and 4 and the house itself stay apart


def test_uprn_decides_where_present_and_lines_without_one_join_it() -> None:
    p = places([
        record("A", "A", None, postcode="NG1 1AA", address="5 MILL RD", uprn=100000000001),
        record("A", "A", None, postcode="NG1 1AA", address="5 MILL RD"),
        record("A", "A", None, postcode="NG1 1AA", address="5 MILL RD", uprn=100000000002),
        record("A", "A", None, postcode=None, address="5 MILL RD", uprn=None),
    ])
    assert p[0] == "U100000000001"
    assert p[2] == "U100000000002"  # a different UPRN is a different place, whatever the line says
    assert p[1] == p[0]  # the most common UPRN written on that line
    assert p[3] not in (p[0], p[2])  # no postcode, and the line names two places: kept apart


def test_line_without_postcode_joins_the_one_place_it_names() -> None:
    p = places([
        record("A", "A", None, postcode="NG1 1AA", address="9 ASH GR"),
        record("A", "A", None, postcode=None, address="9 ASH GR"),
        record("A", "A", None, postcode="NG2 2BB", address="4 ELM RD"),
        record("A", "A", None, postcode="NG3 3CC", address="4 ELM RD"),
        record("A", "A", None, postcode=None, address="4 ELM RD"),
    ])
    assert p[0] == p[1]
    assert p[2] != p[3]
    assert p[4] not in (p[2], p[3])  # the same line in two postcodes: ambiguous, kept apart


def test_households_and_families_follow_the_current_address() -> None:
    home = {"postcode": "NG7 2AB", "address": "12 HIGH ST"}
    con = duckdb.connect()
    make_records(con, [
        record("DONNA", "REID", "1984-02-11", sex="F", **home, on="2015-05-01"),
        record("KYLE", "REID", "1997-08-31", sex="M", **home, on="2015-05-01"),  # 18 on as_of: an adult
        # Ian lived here, but his latest record is at his new address: not in this household
        record("IAN", "REID", "1980-04-04", sex="M", **home, on="2014-01-01"),
        record("IAN", "REID", "1980-04-04", sex="M", postcode="NG5 1CD", address="7 OAK AVE", on="2015-06-01"),
        record("MIA", "REID", "2010-01-05", sex="F", postcode="NG5 1CD", address="7 OAK AVE", on="2015-06-01"),
        record("NOAH", "REID", "2012-03-03", sex="M"),  # no address at all: in no household
    ] + filler())
    link_records(con, AS_OF)
    summary = build_households(con, AS_OF)
    household = dict(con.execute(
        "SELECT p.first_name, ph.household_id FROM persons p LEFT JOIN person_household ph USING (person_id) "
        "WHERE p.last_name = 'REID'").fetchall())
    assert household["DONNA"] == household["KYLE"] != household["IAN"] == household["MIA"]
    assert household["NOAH"] is None
    fams = con.execute(
        "SELECT f.household_id, f.members, f.children FROM families f ORDER BY 1").fetchall()
    # Donna and Kyle (18 today) have no child: not a family; Ian and Mia are one
    assert [(m, c) for h, m, c in fams if h == household["IAN"]] == [(2, 1)]
    assert all(h != household["DONNA"] for h, _, _ in fams)
    assert summary.persons_without_address >= 1
    assert summary.families == len(fams)
