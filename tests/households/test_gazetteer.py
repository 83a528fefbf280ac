"""The council's gazetteer: loading `gazetteer.csv` (bad files change nothing) and matching addresses to UPRNs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from linkage.builders import filler, make_records
from priority_families.households import GazetteerError, build_households, load_gazetteer
from priority_families.linkage import link_records

from .test_places import written

AS_OF = date(2015, 8, 31)
GAZETTEER = """uprn,address_line1,address_line2,postcode
101,"Flat 3","135 Beechdale Road",NG9 6GN
102,"Flat 4, 135 Beechdale Road",,NG9 6GN
103,12 Elm Road,,NG1 1AA
104,12 Elm Road,,NG2 2BB
105,110 Meadow Lane,,NG5 1EF
"""


def _folder(tmp_path: Path, text: str) -> Path:
    (tmp_path / "gazetteer.csv").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_gazetteer_is_loaded_standardised_as_records_are(tmp_path: Path) -> None:
    con = duckdb.connect()
    assert load_gazetteer(con, _folder(tmp_path, GAZETTEER)) == 5
    rows = con.execute("SELECT uprn, postcode_std, address_std, flat, house_number FROM gazetteer ORDER BY uprn").fetchall()
    assert rows[0] == (101, "NG9 6GN", "FLAT 3 135 BEECHDALE RD", "3", "135")
    assert rows[1] == (102, "NG9 6GN", "FLAT 4 135 BEECHDALE RD", "4", "135")


def test_no_file_means_no_gazetteer(tmp_path: Path) -> None:
    con = duckdb.connect()
    assert load_gazetteer(con, tmp_path) is None
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'gazetteer'").fetchall() == [(0,)]


@pytest.mark.parametrize(("text", "message"), [
    ("uprn,address_line1\n1,1 High St\n", "line 1: column 'postcode' is missing"),
    ("uprn,address_line1,postcode\n1,1 High St,NG1 1AA\nX2,2 High St,NG1 1AA\n", "line 3: column 'uprn' is not 1 to 12"),
    ("uprn,address_line1,postcode\n1,1 High St,NG1 1AA\n2, ,NG1 1AA\n", "line 3: column 'address_line1' is blank"),
    ("uprn,address_line1,postcode\n1,1 High St,NG1 1AA\n1,2 High St,NG1 1AA\n", "line 2: column 'uprn' is given twice"),
])
def test_a_bad_gazetteer_is_refused_by_file_line_and_column_and_changes_nothing(
        tmp_path: Path, text: str, message: str) -> None:
    con = duckdb.connect()
    good = tmp_path / "good"
    good.mkdir()
    load_gazetteer(con, _folder(good, GAZETTEER))
    with pytest.raises(GazetteerError, match=message) as error:
        load_gazetteer(con, _folder(tmp_path, text))
    assert "gazetteer.csv" in str(error.value)
    assert con.execute("SELECT count(*) FROM gazetteer").fetchall() == [(5,)]


def _resolved(tmp_path: Path, rows: list[dict]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    make_records(con, rows + filler())
    load_gazetteer(con, _folder(tmp_path, GAZETTEER))
    link_records(con, AS_OF)
    build_households(con, AS_OF)
    return con


def _place(con: duckdb.DuckDBPyConnection, first: str) -> list[tuple]:
    return con.execute(
        "SELECT DISTINCT pl.place_id, pl.place_status FROM record_place pl JOIN records r USING (record_key) "
        "WHERE r.first_name_std = ? ORDER BY 1, 2", [first]).fetchall()


def test_addresses_take_the_uprn_of_the_gazetteer_entry_they_fit(tmp_path: Path) -> None:
    con = _resolved(tmp_path, [
        written("ANN", "REID", "1980-01-01", "Flat 3, 135 Beechdale Road", "NG9 6GN", "2015-01-01"),
        written("BEN", "REID", "1981-01-01", "3 135 Beechdle Rd", "NG9 6GN", "2015-01-01"),  # typo, bare flat
        written("CAT", "REID", "1982-01-01", "Apartment 4, 135 Beechdale Rd", None, "2015-01-01"),
        written("DAN", "REID", "1983-01-01", "110 Medow Ln", None, "2015-01-01"),
    ])
    assert _place(con, "ANN") == [("U101", "exact")]
    assert _place(con, "BEN") == [("U101", "fuzzy")]
    assert _place(con, "CAT") == [("U102", "fuzzy")]  # two flats in one building stay two places
    assert _place(con, "DAN") == [("U105", "fuzzy")]


def test_an_address_two_entries_fit_equally_goes_to_review(tmp_path: Path) -> None:
    con = _resolved(tmp_path, [written("EVE", "SHAW", "1990-01-01", "12 Elm Road", None, "2015-01-01")])
    assert _place(con, "EVE") == [(None, "unresolved")]
    assert con.execute("SELECT candidates FROM place_review").fetchall() == [(["U103", "U104"],)]


def test_within_the_margin_the_persons_own_records_decide(tmp_path: Path) -> None:
    con = _resolved(tmp_path, [
        written("EVE", "SHAW", "1990-01-01", "12 Elm Road", "NG2 2BB", "2014-01-01"),
        written("EVE", "SHAW", "1990-01-01", "12 Elm Road", None, "2015-01-01"),
    ])
    assert _place(con, "EVE") == [("U104", "exact"), ("U104", "inferred")]
    assert con.execute("SELECT count(*) FROM place_review").fetchall() == [(0,)]
