"""Person linkage on small hand-built record tables: the classic false merges and the links that must hold.

These tables are far below `min_training_descriptions`, so they are scored with the model's prior m/u
values; the guards and the clustering are the same code the trained model uses.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from linkage.builders import filler, make_records, record
from priority_families.linkage import LinkageSettings, link_records

AS_OF = date(2015, 8, 31)


def persons_of(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT record_id, person_id FROM record_person").fetchall())


def link(rows: list[dict], settings: LinkageSettings | None = None) -> tuple[duckdb.DuckDBPyConnection, dict]:
    con = duckdb.connect()
    make_records(con, rows + filler())
    link_records(con, AS_OF, settings)
    return con, persons_of(con)


HOME = {"postcode": "NG7 2AB", "address": "12 HIGH ST"}


def test_twins_stay_two_people() -> None:
    """Same surname, date of birth and address; different first names."""
    _, p = link([
        record("JACK", "TURNER", "2008-03-14", sex="M", **HOME),
        record("JACK", "TURNER", "2008-03-14", sex="M", **HOME, on="2015-02-01"),
        record("OLIVER", "TURNER", "2008-03-14", sex="M", **HOME),
        record("OLIVER", "TURNNER", "2008-03-14", sex="M", **HOME),  # a surname typo must not let them merge
    ])
    assert p["R1"] == p["R2"]
    assert p["R3"] == p["R4"]
    assert p["R1"] != p["R3"]


def test_parent_and_child_of_the_same_name_stay_two_people() -> None:
    _, p = link([
        record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME),
        record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME, on="2015-03-01"),
        record("SARAH", "OKAFOR", "2006-11-20", sex="F", **HOME),
        record("SARAH", "OKAFOR", "2006-11-20", sex="F", **HOME, on="2015-03-01"),
    ])
    assert p["R1"] == p["R2"]
    assert p["R3"] == p["R4"]
    assert p["R1"] != p["R3"]


def test_record_without_dob_cannot_bridge_parent_and_child() -> None:
    """A 'SARAH OKAFOR, no dob' record fits mother and daughter equally: it must not merge them."""
    con, p = link([
        record("SARAH", "OKAFOR", "1979-06-02", sex="F", **HOME),
        record("SARAH", "OKAFOR", "2006-11-20", sex="F", **HOME),
        record("SARAH", "OKAFOR", None, sex="F", **HOME),
    ])
    assert len({p["R1"], p["R2"], p["R3"]}) == 3
    queued = con.execute("SELECT count(*) FROM review_queue WHERE record_key_l = 3 OR record_key_r = 3").fetchall()
    assert queued[0][0] >= 1


def test_record_without_dob_joins_the_one_person_it_fits() -> None:
    _, p = link([
        record("PRIYA", "SHAH", "1985-01-30", sex="F", **HOME),
        record("PRIYA", "SHAH", None, sex="F", **HOME),
    ])
    assert p["R1"] == p["R2"]


def test_common_names_in_different_households_stay_apart() -> None:
    _, p = link([
        record("JOHN", "SMITH", "1980-05-01", sex="M", postcode="NG1 1AA", address="3 LOW RD"),
        record("JOHN", "SMITH", "1980-09-12", sex="M", postcode="NG9 4ZZ", address="88 PARK AVE"),
        record("JOHN", "SMITH", "1980-05-01", sex="M", postcode="NG1 1AA", address="3 LOW RD", on="2015-04-01"),
    ])
    assert p["R1"] == p["R3"]
    assert p["R1"] != p["R2"]


def test_nickname_swapped_dob_and_swapped_names_link() -> None:
    _, p = link([
        record("WILLIAM", "HARRIS", "1975-03-04", sex="M", **HOME),
        record("BILL", "HARRIS", "1975-04-03", sex="M", **HOME),  # nickname, day and month swapped
        record("HARRIS", "WILLIAM", "1975-03-04", sex="M", **HOME),  # first and last name swapped
        record("WILLIAM", "HARRIS", "1975-03-05", sex="M", **HOME),  # dob one day out
    ])
    assert len({p[f"R{i}"] for i in range(1, 5)}) == 1


def test_valid_identifier_links_and_failed_check_does_not() -> None:
    _, p = link([
        record("LEE", "WONG", "1990-02-02", nhs_number="9434765919"),
        record("LEIGH", "WANG", "1991-07-09", postcode="NG1 1AA", nhs_number="9434765919"),
        record("ANNA", "BELL", "1960-01-01", nhs_number="1234567890", nhs_number_valid=False),
        record("TOM", "FOX", "2001-12-12", nhs_number="1234567890", nhs_number_valid=False),
    ])
    assert p["R1"] == p["R2"]
    assert p["R3"] != p["R4"]


def test_every_record_has_exactly_one_person_and_persons_have_best_values() -> None:
    con, p = link([
        record("EMMA", "COX", "1982-10-16", sex="F", **HOME, on="2014-01-01"),
        record("EMMA", "COX", "1982-10-16", sex="F", postcode="NG4 0AA", address="18 MILL RD", on="2015-05-01"),
        record("EMMA", "COX", "1982-10-16", sex="F", postcode="NG4 0AA", address="18 MILL RD", on="2015-05-01",
               uprn=100000000355),
        record("EMA", "COX", "1982-10-16", sex="F"),
    ])
    assert len({p[f"R{i}"] for i in range(1, 5)}) == 1
    row = con.execute(
        "SELECT first_name, last_name, dob, address_std, uprn, current_record_key, records FROM persons "
        "WHERE last_name = 'COX'"
    ).fetchall()
    # current address: the most recent dated record with an address line; the tie goes to the UPRN
    assert row == [("EMMA", "COX", date(1982, 10, 16), "18 MILL RD", 100000000355, 3, 4)]


def test_thresholds_are_validated() -> None:
    with pytest.raises(ValueError, match="review_probability"):
        LinkageSettings(match_probability=0.5, review_probability=0.9)


def test_twins_written_surname_first_stay_two_people() -> None:
    _, p = link([
        record("PIOTR", "JONES", "2002-10-30", **HOME),
        record("JONES", "PIOTR", "2002-10-30", **HOME),
        record("DANIELLE", "JONES", "2002-10-30", **HOME),
        record("JONES", "DANIELLE", "2002-10-30", **HOME),
    ])
    assert p["R1"] == p["R2"]
    assert p["R3"] == p["R4"]
    assert p["R1"] != p["R3"]


def test_nickname_twins_with_different_pupil_numbers_stay_two_people() -> None:
    """JOHN and JACK (a nickname of JOHN) are twins; their UPNs differ, so no chain may join them."""
    _, p = link([
        record("JOHN", "SMITH", "2009-06-26", sex="M", **HOME, upn="Y892406389317"),
        record("JOHN", "SMITH", "2009-06-26", sex="M", **HOME),
        record("JACK", "SMITH", "2009-06-26", sex="M", **HOME, upn="Q892297612197"),
        record("JACK", "SMITH", "2009-06-26", sex="M", **HOME),
    ])
    assert p["R1"] != p["R3"]
    # each record without a UPN joins the twin it has the strongest link to (on data this small, term
    # frequencies can make the nickname the stronger link, so which twin is not asserted)
    assert p["R2"] in (p["R1"], p["R3"]) and p["R4"] in (p["R1"], p["R3"])


def test_first_name_seen_once_is_weighed_by_the_model_not_vetoed() -> None:
    """A first name written once, against one corroborated with the same surname, dob and address, is a
    keying error the model may link (FEBRL-style); written twice it is a twin and the guard holds."""
    once = [
        record("DANIEL", "KLUSKE", "1970-01-02", sex="M", **HOME),
        record("DANIEL", "KLUSKE", "1970-01-02", sex="M", **HOME, on="2015-02-01"),
        record("LOUIS", "KLUSKE", "1970-01-02", sex="M", **HOME),
    ]
    _, p = link(once)
    assert p["R1"] == p["R3"]
    _, p = link(once + [record("LOUIS", "KLUSKE", "1970-01-02", sex="M", **HOME, on="2015-03-01")])
    assert p["R1"] != p["R3"]


def test_parent_and_child_a_generation_apart_stay_apart_even_seen_once() -> None:
    _, p = link([
        record("DARIUS", "OKAFOR", "1979-06-02", sex="M", **HOME),
        record("DARIUS", "OKAFOR", "2004-06-02", sex="M", **HOME),
    ])
    assert p["R1"] != p["R2"]


def test_a_twins_nickname_written_once_is_corroborated_by_her_full_name() -> None:
    """KATE, written once, is KATHERINE's nickname: her records corroborate it, so the twin guard keeps
    KATE from her twin NIAMH as it keeps KATHERINE (a typo of NIAMH, written once, likewise)."""
    _, p = link([
        record("KATHERINE", "JACKSON", "2007-11-18", sex="F", **HOME),
        record("KATHERINE", "JACKSON", "2007-11-18", sex="F", **HOME, on="2015-02-01"),
        record("NIAMH", "JACKSON", "2007-11-18", sex="F", **HOME),
        record("NIAMH", "JACKSON", "2007-11-18", sex="F", **HOME, on="2015-02-01"),
        record("KATE", "JACKSON", "2007-11-18", sex="F", **HOME, on="2015-03-01"),
        record("NIAM", "JACKSON", "2007-11-18", sex="F", **HOME, on="2015-03-01"),
    ])
    assert p["R1"] != p["R3"]
    assert p["R5"] != p["R3"] and p["R6"] != p["R1"]
