"""The postcode to ward / district / locality lookup: loaded from ONS-shaped files, refused with file, line,
column and reason when wrong, and written by `pf synth` for its county."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pytest

from priority_families.geography import (
    FAMILY_PLACES_SQL,
    GEOGRAPHY_DIR,
    GeographyError,
    areas_sql,
    load_geography,
    write_geography,
)
from priority_families.synth.county import generate
from priority_families.synth.geography import EMPTY_WARD

WARDS = [("E05000001", "Abbey", "E07000001", "City", "North"), ("E05000002", "Bridge", "E07000001", "City", "South"),
         ("E05000003", "Empty Ward", "E07000002", "Shire", "South")]
POSTCODES = [("NG1 1AA", "E05000001", "E07000001"), ("NG2 2BB", "E05000002", "E07000001")]


def lookup(folder: Path, wards: list = WARDS, postcodes: list = POSTCODES) -> Path:
    write_geography(folder, wards, postcodes)
    return folder


def families(con: duckdb.DuckDBPyConnection, postcodes: dict[str, str]) -> None:
    """Families F<n> of one person each at the given postcode."""
    con.execute("CREATE TABLE families AS SELECT * FROM (VALUES " +
                ", ".join(f"('{f}')" for f in postcodes) + ") t(family_id)")
    con.execute("CREATE TABLE family_members AS SELECT family_id, 'P' || family_id AS person_id FROM families")
    con.execute("CREATE TABLE persons (person_id VARCHAR, postcode_std VARCHAR)")
    con.executemany("INSERT INTO persons VALUES (?, ?)", [[f"P{f}", p] for f, p in postcodes.items()])


def test_families_are_placed_in_wards_and_every_ward_is_listed(tmp_path: Path) -> None:
    con = duckdb.connect()
    summary = load_geography(con, lookup(tmp_path))
    assert (summary.postcodes, summary.wards, summary.districts, summary.localities) == (2, 3, 2, 2)
    families(con, {"F1": "NG1 1AA", "F2": "NG1 1AA", "F3": "NG2 2BB", "F4": "NG9 9ZZ"})
    placed = dict(con.execute(f"SELECT family_id, ward FROM ({FAMILY_PLACES_SQL})").fetchall())
    assert placed == {"F1": "Abbey", "F2": "Abbey", "F3": "Bridge", "F4": None}
    by_ward = con.execute(f"SELECT a.area, COUNT(p.family_id) FROM ({areas_sql('ward')}) a LEFT JOIN "
                          f"({FAMILY_PLACES_SQL}) p ON p.ward_code = a.area_code GROUP BY ALL ORDER BY 1").fetchall()
    assert by_ward == [("Abbey", 2), ("Bridge", 1), ("Empty Ward", 0)]
    assert sorted(con.execute(f"SELECT area FROM ({areas_sql('locality')})").fetchall()) == [("North",), ("South",)]
    with pytest.raises(ValueError, match="no geography level 'parish'"):
        areas_sql("parish")


def test_postcodes_written_any_way_are_read_as_one(tmp_path: Path) -> None:
    con = duckdb.connect()
    load_geography(con, lookup(tmp_path, postcodes=[("ng11aa", "e05000001", "E07000001")]))
    assert con.execute("SELECT postcode, ward_code FROM geography_postcodes").fetchall() == [("NG1 1AA", "E05000001")]


@pytest.mark.parametrize(("postcodes", "line", "column", "reason"), [
    ([("NG1 1AA", "E05000001", "E07000001"), ("not a postcode", "E05000001", "E07000001")], 3, "pcds",
     "not a postcode"),
    ([("NG1 1AA", "E05000001", "E07000001"), ("NG1 1AA", "E05000002", "E07000001")], 3, "pcds",
     "the same postcode again"),
    ([("NG1 1AA", "E05999999", "E07000001")], 2, "osward", "ward code not in wards.csv"),
    ([("NG1 1AA", "", "E07000001")], 2, "osward", "blank"),
    ([("NG1 1AA", "E05000003", "E07000001")], 2, "oslaua", "not the district wards.csv gives the ward"),
])
def test_a_bad_postcode_row_is_named_and_changes_nothing(tmp_path: Path, postcodes: list, line: int, column: str,
                                                         reason: str) -> None:
    con = duckdb.connect()
    load_geography(con, lookup(tmp_path / "good"))
    with pytest.raises(GeographyError) as caught:
        load_geography(con, lookup(tmp_path / "bad", postcodes=postcodes))
    assert str(caught.value) == f"{tmp_path / 'bad' / GEOGRAPHY_DIR / 'postcodes.csv'}: line {line}, column " \
                                f"{column}: {reason}"
    assert con.execute("SELECT COUNT(*) FROM geography_postcodes").fetchall() == [(2,)]  # the good lookup stands
    assert con.execute("SELECT COUNT(*) FROM geography_wards").fetchall() == [(3,)]


def test_a_bad_wards_file_is_named(tmp_path: Path) -> None:
    con = duckdb.connect()
    wards = [*WARDS, ("E05000001", "Abbey again", "E07000001", "City", "North"), ("E05000004", "", "E07000001",
                                                                                     "City", "North")]
    with pytest.raises(GeographyError, match=r"line 5, column WD15CD: the same ward code again; "
                                             r"line 6, column WD15NM: blank"):
        load_geography(con, lookup(tmp_path, wards=wards))
    folder = tmp_path / "no-district"
    (folder / GEOGRAPHY_DIR).mkdir(parents=True)
    (folder / GEOGRAPHY_DIR / "wards.csv").write_text("WD15CD,WD15NM\nE05000001,Abbey\n", encoding="utf-8")
    with pytest.raises(GeographyError, match=r"column LADyyCD: no such column; column LADyyNM: no such column"):
        load_geography(con, folder)
    assert not con.execute("SELECT * FROM duckdb_tables() WHERE table_name LIKE 'geography%'").fetchall()


def test_a_folder_without_a_lookup_loads_nothing(tmp_path: Path) -> None:
    assert load_geography(duckdb.connect(), tmp_path) is None
    (tmp_path / GEOGRAPHY_DIR).mkdir()
    with pytest.raises(GeographyError, match="wards.csv: column \\(file\\): missing"):
        load_geography(duckdb.connect(), tmp_path)


def test_synth_writes_a_lookup_holding_every_postcode_of_its_people_and_an_empty_ward(tmp_path: Path) -> None:
    generate(tmp_path, 300, date(2015, 7, 31), seed=5, follow_ups=1)
    for folder in (tmp_path, tmp_path / "follow-up-1"):
        con = duckdb.connect()
        load_geography(con, folder)
        with (folder / "truth" / "people.csv").open(encoding="utf-8") as handle:
            postcodes = {row["postcode"] for row in csv.DictReader(handle)}
        known = {p for (p,) in con.execute("SELECT postcode FROM geography_postcodes").fetchall()}
        assert postcodes and postcodes <= known
        wards = {w for (w,) in con.execute("SELECT ward FROM geography_wards").fetchall()}
        assert EMPTY_WARD in wards and len(wards) == 26
        assert con.execute("SELECT COUNT(*) FROM geography_postcodes p JOIN geography_wards w USING (ward_code) "
                           "WHERE w.ward = ?", [EMPTY_WARD]).fetchall() == [(0,)]


def test_a_refresh_loads_the_lookup_carries_it_over_and_publishes_nothing_with_a_bad_one(tmp_path: Path) -> None:
    import shutil

    from priority_families.core.config import Settings
    from priority_families.core.engine import Workspace
    from priority_families.refresh import in_force, ingest_refresh

    county = tmp_path / "county"
    generate(county, 200, date(2015, 7, 31), seed=4)
    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    ingest_refresh(ws, county)
    with ws.connect() as con:
        assert con.execute("SELECT COUNT(*) FROM geography_wards").fetchall() == [(26,)]
    later = tmp_path / "later"
    shutil.copytree(county, later)
    shutil.rmtree(later / GEOGRAPHY_DIR)
    ingest_refresh(ws, later)  # no lookup in the folder: the one in force is kept
    with ws.connect() as con:
        assert con.execute("SELECT COUNT(*) FROM geography_wards").fetchall() == [(26,)]
    standing = in_force(ws).refresh_id
    write_geography(later, WARDS, [("NG1 1AA", "E05999999", "E07000001")])
    with pytest.raises(GeographyError, match="ward code not in wards.csv"):
        ingest_refresh(ws, later)
    assert in_force(ws).refresh_id == standing  # nothing was published
