"""One name at the same house number is a broad blocking rule (within the pairs budget): it makes a candidate
of a person whose postcode and date of birth were both keyed wrong and whose other name has a typo, which no
other rule pairs; lines without a house number never pair through it."""

from __future__ import annotations

import duckdb

from linkage.builders import filler, make_records, record
from priority_families.linkage import LinkageSettings
from priority_families.linkage.blocking import blocked_pairs, broad_rules
from priority_families.linkage.model import with_place_keys
from priority_families.linkage.prepare import describe_records


def candidates(rows: list[dict]) -> set[tuple[int, int]]:
    """The candidate pairs (record keys of the descriptions) blocking makes of `rows` and the filler."""
    con = duckdb.connect()
    make_records(con, rows + filler())
    describe_records(con)
    con.execute(f"CREATE TABLE keyed AS {with_place_keys('link_descriptions')}")
    broad = broad_rules(con, "keyed", LinkageSettings().broad_block_pairs_per_description)
    blocked_pairs(con, "keyed", broad, "blocked")
    return set(con.execute("SELECT join_key_l, join_key_r FROM blocked").fetchall())


def test_a_person_with_postcode_and_dob_keyed_wrong_is_a_candidate_by_surname_and_house_number() -> None:
    pairs = candidates([
        record("NATHAN", "PRIEST", "1971-04-28", postcode="NG4 7AB", address="363 BANKS ST"),
        record("NATHON", "PRIEST", "1916-05-03", postcode="NG7 4AB", address="363 BANKS ST ROSEHILL"),
    ])
    assert (1, 2) in pairs


def test_a_person_with_a_surname_replaced_is_a_candidate_by_first_name_and_house_number() -> None:
    pairs = candidates([
        record("ISABELLA", "BROWNE", "1921-09-14", postcode="NG4 7AB", address="57 FINCHAM CRES"),
        record("ISABELLA", "SHANDLEY", "1952-06-02", postcode="NG4 7BA", address="57 FINCHAM CERSCENT"),
    ])
    assert (1, 2) in pairs


def test_lines_without_a_house_number_do_not_pair_by_name_alone() -> None:
    pairs = candidates([
        record("MARY", "PRIEST", "1971-04-28", postcode="NG4 7AB", address="BANKS ST"),
        record("JOHN", "PRIEST", "1916-05-03", postcode="NG7 4AB", address="ROSE COTTAGE"),
    ])
    assert (1, 2) not in pairs
