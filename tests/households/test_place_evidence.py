"""Issue 14's hard addresses beyond the first round: a line without postcode whose street has namesakes of
another kind (Station Road beside Station Street), and a person whose line fits several places but whose
family is at exactly one of them. Each test builds a tiny store, links it and forms households."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from linkage.builders import filler, make_records
from priority_families.households import build_households, load_gazetteer
from priority_families.linkage import link_records

from .test_gazetteer import _folder
from .test_places import family, households, statuses, written

AS_OF = date(2015, 8, 31)

ROAD_AND_STREET = """uprn,address_line1,postcode
201,33 Station Road,NG1 1AA
202,33 Station Street,NG2 2BB
203,33 Station Lane,NG3 3CC
"""


def test_a_line_without_postcode_is_not_confused_with_a_street_of_another_kind() -> None:
    rows = family("33 Station Road", "NG1 1AA") + family("33 Station Street", "NG2 2BB", last="OKAFOR") + [
        written("ROSA", "LINDQVIST", "1990-07-07", "33 Station Road", None, "2015-06-01", sex="F"),
    ]
    con, h = households(rows)
    assert h[("ROSA", "LINDQVIST")] == h[("DONNA", "REID")] != h[("DONNA", "OKAFOR")]
    assert con.execute("SELECT count(*) FROM place_review").fetchall() == [(0,)]
    assert statuses(con, "33 STATION RD") == {"exact", "fuzzy"}


def test_the_gazetteer_tells_a_road_from_a_street_of_the_same_name(tmp_path: Path) -> None:
    rows = family("33 Station Street", "NG2 2BB", last="OKAFOR") + [
        written("ROSA", "LINDQVIST", "1990-07-07", "33 Station Road", None, "2015-06-01", sex="F"),
    ]

    con = duckdb.connect()
    make_records(con, rows + filler())
    load_gazetteer(con, _folder(tmp_path, ROAD_AND_STREET))
    link_records(con, AS_OF)
    build_households(con, AS_OF)
    assert con.execute("SELECT place_id FROM persons WHERE last_name = 'LINDQVIST'").fetchall() == [("U201",)]
    assert con.execute("SELECT count(*) FROM place_review").fetchall() == [(0,)]


def test_a_typo_in_the_name_still_fits_its_street_but_not_a_street_of_another_kind() -> None:
    rows = family("33 Station Road", "NG1 1AA") + family("33 Station Lane", "NG3 3CC", last="OKAFOR") + [
        written("ROSA", "LINDQVIST", "1990-07-07", "33 Statoin Rd", None, "2015-06-01", sex="F"),
    ]
    con, h = households(rows)
    assert h[("ROSA", "LINDQVIST")] == h[("DONNA", "REID")] != h[("DONNA", "OKAFOR")]
    assert statuses(con, "33 STATOIN RD") == {"fuzzy"}


def test_two_letters_swapped_at_the_start_of_a_short_name_still_find_the_street() -> None:
    rows = family("9 Park Road", "NG7 1AB") + [
        written("ROSA", "LINDQVIST", "1990-07-07", "9 Aprk Rd", None, "2015-06-01", sex="F"),
        written("IAN", "SHAW", "1970-01-01", "26 Ihll St", None, "2015-06-01", sex="M"),
        written("IAN", "SHAW", "1970-01-01", "26 Hill Street", "NG8 2CD", "2014-06-01", sex="M"),
        written("JO", "SHAW", "1972-01-01", "26 Hill Street", "NG8 2CD", "2014-06-01", sex="F"),
    ]
    con, h = households(rows)
    assert h[("ROSA", "LINDQVIST")] == h[("DONNA", "REID")]
    assert statuses(con, "9 APRK RD") == {"fuzzy"}
    assert h[("IAN", "SHAW")] == h[("JO", "SHAW")]
    assert statuses(con, "26 IHLL ST") == {"fuzzy"}


def _evidence(con: duckdb.DuckDBPyConnection, address: str) -> set[tuple]:
    return set(con.execute(
        "SELECT pl.place_status, pl.place_evidence FROM record_place pl JOIN records r USING (record_key) "
        "WHERE r.address_std = ?", [address]).fetchall())


def test_a_line_that_fits_two_places_goes_where_a_relative_of_a_double_barrelled_name_lives() -> None:
    rows = family("12 Elm Road", "NG1 1AA", last="WOOD SMITH") + family("12 Elm Road", "NG2 2BB", last="OKAFOR") + [
        written("KYLE", "WOOD", "2013-07-05", "12 Elm Road", None, "2015-05-19", sex="M"),  # his only record
    ]
    con, h = households(rows)
    assert h[("KYLE", "WOOD")] == h[("DONNA", "WOOD SMITH")] != h[("DONNA", "OKAFOR")]
    assert _evidence(con, "12 ELM RD") >= {("inferred", "relative at the place")}
    assert con.execute("SELECT count(*) FROM place_review").fetchall() == [(0,)]


def test_relatives_at_every_place_the_line_fits_are_no_evidence() -> None:
    rows = family("12 Elm Road", "NG1 1AA", last="WOOD SMITH") + family("12 Elm Road", "NG2 2BB", last="OKAFOR") + [
        written("KYLE", "WOOD", "2013-07-05", "12 Elm Road", None, "2015-05-19", sex="M"),
        written("PAUL", "SMITH", "1979-03-03", "12 Elm Road", "NG2 2BB", "2015-01-01", sex="M"),
        written("ROSA", "LINDQVIST", "1990-07-07", "12 Elm Road", None, "2015-06-01", sex="F"),
    ]
    # KYLE WOOD: a WOOD SMITH at one place, a SMITH (a part of no name of his) at the other: the first decides.
    # ROSA: nobody of her name at either: review. A same surname beats a part of one (tier 3 before 4).
    con, h = households(rows)
    assert h[("KYLE", "WOOD")] == h[("DONNA", "WOOD SMITH")]
    assert h[("ROSA", "LINDQVIST")] is None
    rows[-2] = written("PAUL", "WOOD", "1979-03-03", "12 Elm Road", "NG2 2BB", "2015-01-01", sex="M")
    con, h = households(rows)
    assert h[("KYLE", "WOOD")] == h[("PAUL", "WOOD")] != h[("DONNA", "WOOD SMITH")]
    assert _evidence(con, "12 ELM RD") >= {("inferred", "family at the place")}


def test_a_part_of_a_double_barrelled_name_at_two_places_is_no_evidence() -> None:
    rows = family("12 Elm Road", "NG1 1AA", last="WOOD SMITH") + [
        written("ANN", "HAYWOOD", "1975-04-04", "12 Elm Road", "NG2 2BB", "2015-01-01", sex="F"),
        written("ANN", "HAYWOOD", "1975-04-04", "12 Elm Road", "NG2 2BB", "2015-03-01", sex="F"),
        written("KYLE", "WOOD", "2013-07-05", "12 Elm Road", None, "2015-05-19", sex="M"),
    ]
    con, h = households(rows)
    assert h[("KYLE", "WOOD")] is None
    assert con.execute("SELECT len(candidates) FROM place_review").fetchall() == [(2,)]


def test_the_street_alone_after_a_move_along_it_is_not_the_old_house() -> None:
    rows = [
        written("DONNA", "REID", "1984-02-11", "23 Larch Road", "NG25 0RX", "2013-03-01", sex="F"),
        written("DONNA", "REID", "1984-02-11", "23 Larch Road", "NG25 0RX", "2013-09-01", sex="F"),
        written("DONNA", "REID", "1984-02-11", "24 Larch Rd", None, "2014-06-01", sex="F"),  # moved next door
        written("DONNA", "REID", "1984-02-11", "Larch Rd", None, "2015-05-01", sex="F"),  # the street alone
        written("MASON", "REID", "2010-05-05", "24 Larch Road", "NG25 0RX", "2015-03-01", sex="M"),
        written("MASON", "REID", "2010-05-05", "24 Larch Road", "NG25 0RX", "2015-06-01", sex="M"),
        written("IAN", "SHAW", "1970-01-01", "23 Larch Road", "NG25 0RX", "2015-02-01", sex="M"),
        written("IAN", "SHAW", "1970-01-01", "23 Larch Road", "NG25 0RX", "2015-04-01", sex="M"),
    ]
    con, h = households(rows)
    assert h[("DONNA", "REID")] == h[("MASON", "REID")] != h[("IAN", "SHAW")]
    review = con.execute("SELECT address_std, len(candidates) FROM place_review").fetchall()
    assert review == [("LARCH RD", 2)]
