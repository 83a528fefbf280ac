"""False merges the identifiers can refuse (decision 29): a chain of model links joining two people whose NI
numbers are further apart than a slip, and a valid NHS number keyed from another person's record.

Hand-built tables far below `min_training_descriptions` (scored with the prior m/u values); the clustering and
the identifier links are the code the trained model uses.
"""

from __future__ import annotations

from datetime import date

import duckdb

from linkage.builders import filler, make_records, record
from priority_families.linkage import clustering, link_records, prepare

AS_OF = date(2015, 8, 31)
DALE = {"postcode": "NG22 4ET", "address": "5 DALE RD"}
CARLTON = {"postcode": "NG4 0TQ", "address": "FLAT 7 40 CARLTON DR"}


def persons(rows: list[dict]) -> dict[str, str]:
    con = duckdb.connect()
    make_records(con, rows + filler())
    link_records(con, AS_OF)
    return dict(con.execute("SELECT record_id, person_id FROM record_person").fetchall())


def kierans(second_ni: str) -> list[dict]:
    """Two KIERAN DAVIES born the same day in two towns, each a DWP client with an NI number, and a record
    of the name and date of birth without an address that fits both (the chain)."""
    return [
        record("KIERAN", "DAVIES", "1995-01-04", sex="M", **DALE, ni_number="WA183245D"),
        record("KIERAN", "DAVIES", "1995-01-04", sex="M", **DALE),
        record("KIERAN", "DAVIES", "1995-01-04", sex="M", **CARLTON, ni_number=second_ni),
        record("KIERAN", "DAVIES", "1995-01-04", sex="M", **CARLTON, on="2015-03-01"),
        record("KIERAN", "DAVIES", "1995-01-04", sex="M"),
    ]


def test_a_chain_between_two_ni_numbers_far_apart_is_two_people() -> None:
    p = persons(kierans("NN034620A"))
    assert p["R1"] == p["R2"]
    assert p["R3"] == p["R4"]
    assert p["R1"] != p["R3"]
    # R5 (no address) fits both equally: which person it joins, if either, is not asserted


def test_an_ni_number_one_slip_apart_is_one_person_mistyped() -> None:
    """WA183254D is WA183245D with two digits swapped: one person, whom the chain rightly joins."""
    p = persons(kierans("WA183254D"))
    assert len({p[f"R{i}"] for i in range(1, 6)}) == 1


def test_a_slip_in_one_persons_ni_number_survives_the_rebuild() -> None:
    """One person writes WA183245D and (a slip) WA183254D; another, chained in, holds NN034620A. Rebuilding the
    conflicted person keeps the slip with its owner and the stranger apart."""
    p = persons(kierans("NN034620A") + [
        record("KIERAN", "DAVIES", "1995-01-04", sex="M", **DALE, ni_number="WA183254D", on="2015-04-01"),
    ])
    assert p["R6"] == p["R1"] == p["R2"]
    assert p["R3"] == p["R4"] != p["R1"]


def test_an_nhs_number_keyed_from_another_persons_record_does_not_join_them() -> None:
    """A baby's A&E record carries NOAH JACKSON's NHS number: no name in common, dates of birth decades
    apart. The baby's record comes first, so it is the identifier's hub: NOAH's two records at two addresses
    must still be joined by the number."""
    p = persons([
        record("GRACE", "BEGUM", "2009-03-19", sex="F", postcode="NG6 6LA", address="34 HAWTHORN LN",
               nhs_number="9292783378", fact="ae_attendance"),
        record("NOAH", "JACKSON", "1938-01-09", sex="M", postcode="NG12 2UP", address="18 MEADOW DR",
               nhs_number="9292783378"),
        record("NOAH", "JAKSON", "1938-09-01", sex="M", postcode="NG1 1AA", address="3 CASTLE GATE",
               nhs_number="9292783378"),
    ])
    assert p["R1"] != p["R2"]
    assert p["R2"] == p["R3"]


def test_a_pupil_written_surname_first_keeps_the_link_its_upn_gives() -> None:
    """CHLOE LEWIS and LEWIS CHLOE share names across the columns, so their UPN joins them whatever the
    dates of birth say."""
    p = persons([
        record("CHLOE", "LEWIS", "2006-08-03", sex="F", upn="M892430479771", fact="school_census"),
        record("LEWIS", "CHLOE", "2006-03-09", sex="F", upn="M892430479771", fact="school_census"),
    ])
    assert p["R1"] == p["R2"]


def test_identifier_edges_drop_only_the_pair_with_nothing_in_common() -> None:
    con = duckdb.connect()
    make_records(con, [
        record("GRACE", "BEGUM", "2009-03-19", nhs_number="9292783378"),
        record("NOAH", "JACKSON", "1938-01-09", nhs_number="9292783378"),
        record("NOAH", "JACKSON", "1938-01-09", address="18 MEADOW DR", nhs_number="9292783378"),
        record("AMY", "HOLT", "1990-05-05", ni_number="AB123456C"),
        record("AMY", "HOLT", "1990-05-05", address="1 HIGH ST", ni_number="AB123456C"),
    ])
    prepare.describe_records(con)
    assert prepare.identifier_edges(con) == 2
    edges = {tuple(sorted(e)) for e in con.execute("SELECT * FROM identifier_edges").fetchall()}
    assert edges == {(2, 3), (4, 5)}


def keyed_wholly_wrong(n: int) -> list[dict]:
    """`n` people each written twice at one place with NI numbers wholly different (FEBRL's soc_sec_id): data
    where one person's records carry NI numbers far apart."""
    return [record(f"PERSON{i}", "KEYED", f"19{60 + i}-02-0{1 + i % 9}", postcode="NG5 1AA",
                   address=f"{i + 1} LONG ROW", ni_number=ni)
            for i in range(n) for ni in (f"AB{100000 + i}C", f"ZY{900000 - i}D")]


def test_where_the_data_keys_ni_numbers_wholly_wrong_they_do_not_split_a_person() -> None:
    """Where one person's records often carry NI numbers far apart, two such numbers prove nothing: the chain
    between the two KIERANs is the model's to judge, as before decision 29."""
    p = persons(kierans("NN034620A") + keyed_wholly_wrong(3))
    assert p["R1"] == p["R3"]


def test_the_ni_reading_is_learned_from_one_persons_pairs() -> None:
    con = duckdb.connect()
    make_records(con, kierans("NN034620A") + filler())
    prepare.describe_records(con)
    assert clustering.ni_apart_is_two_people(con)  # no pairs of one name and place with two NI numbers
    make_records(con, kierans("NN034620A") + keyed_wholly_wrong(3) + filler())
    prepare.describe_records(con)
    assert not clustering.ni_apart_is_two_people(con)
