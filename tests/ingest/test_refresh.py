"""End to end: a folder with every kind of fact, refresh settings, unknown files, atomic publishing."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from ingest.builders import every_kind_folder, row, write_extract, write_refresh
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.ingest import FileStatus, IngestError, ingest_extracts
from priority_families.ingest.refresh import RECORD_COLUMNS
from priority_families.ingest.schema import FACT_KINDS
from priority_families.refresh import ingest_refresh


def workspace(tmp_path: Path) -> Workspace:
    return Workspace(Settings(workspace=tmp_path / "ws", threads=1))


def small_folder(folder: Path) -> Path:
    """Two kinds, two rows each, and a refresh.yaml: enough for tests about the run, not the rows."""
    for fact in ("marac", "offence"):
        write_extract(folder, fact, [row(fact, record_id=f"{fact}-{i}") for i in range(2)])
    write_refresh(folder)
    return folder


def table(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_every_kind_end_to_end(tmp_path):
    folder = every_kind_folder(tmp_path / "extracts", rows_per_kind=3)
    write_extract(folder, "marac", [row("marac", record_id="m1"), row("marac", record_id="m2", date="2015-02-30")])
    (folder / "truth").mkdir()
    (folder / "truth" / "records.csv").write_text("not,an,extract\n")
    (folder / "follow-up-1").mkdir()
    (folder / "notes.txt").write_text("ignored")
    (folder / "police_extra.csv").write_text("whatever\n")
    ws = workspace(tmp_path)
    report = ingest_refresh(ws, folder)
    assert report.as_of == date(2015, 7, 31) and report.authority == "Testshire"
    assert report.rows_read == report.rows_accepted + report.rows_rejected == 3 * (len(FACT_KINDS) - 1) + 2
    assert report.rows_rejected == 1
    assert report.warnings == ["police_extra.csv: not a known extract name, not read"]
    with ws.connect() as con:
        facts = dict(table(con, "SELECT fact, count(*) FROM records GROUP BY fact"))
        assert facts == {k: 3 for k in FACT_KINDS if k != "marac"} | {"marac": 1}
        assert table(con, "SELECT count(DISTINCT record_key), count(*) FROM records")[0] == (sum(facts.values()),) * 2
        assert table(con, "SELECT count(*) FROM records WHERE event_date IS NULL") == [(0,)]
        assert [c[0] for c in table(con, "DESCRIBE records")] == list(RECORD_COLUMNS)
        statuses = dict(table(con, "SELECT file, status FROM ingest_files"))
        assert statuses["police_extra.csv"] == FileStatus.UNKNOWN
        assert statuses["marac.csv"] == FileStatus.LOADED_WITH_REJECTS
        assert statuses["offence.csv"] == FileStatus.LOADED
        assert table(con, "SELECT as_of, authority FROM refresh") == [(date(2015, 7, 31), "Testshire")]
        attendance = table(con, "SELECT term, term_start, term_end, event_date, possible_sessions FROM records "
                                "WHERE fact = 'school_attendance' LIMIT 1")
        assert attendance == [("2014-autumn", date(2014, 9, 1), date(2014, 12, 31), date(2014, 9, 1), 140)]
    with report.rejects_csv.open() as f:
        rejects = list(csv.DictReader(f))
    assert [(r["file"], r["line"], r["column"]) for r in rejects] == [("marac.csv", "3", "date")]


def test_standardised_columns_in_records(tmp_path):
    folder = tmp_path / "extracts"
    write_extract(folder, "health", [row(
        "health", first_name="Zoë-Ann", last_name="O'Brien", address_line1="3/12 High Street",
        postcode="ng72ab", uprn="100012345678", nhs_number="943 476 5919", sex="f", kind="Mental_Health",
        gp_practice="C84001",
    )])
    con = duckdb.connect()
    ingest_extracts(con, folder, as_of=date(2015, 7, 31))
    got = table(con, "SELECT first_name_std, last_name_std, address_std, flat, house_number, postcode_std, uprn, "
                     "nhs_number_std, nhs_number_valid, upn_valid, sex_std, kind, attributes FROM records")
    assert got[0][:12] == ("ZOEANN", "OBRIEN", "FLAT 3 12 HIGH ST", "3", "12", "NG7 2AB", 100012345678,
                           "9434765919", True, None, "F", "mental_health")
    assert json.loads(got[0][12]) == {"gp_practice": "C84001"}


def test_command_line_as_of_wins_over_refresh_yaml(tmp_path):
    folder = small_folder(tmp_path / "extracts")
    con = duckdb.connect()
    report = ingest_extracts(con, folder, as_of=date(2016, 1, 31), authority="Other")
    assert (report.as_of, report.authority) == (date(2016, 1, 31), "Other")


def test_as_of_is_required(tmp_path):
    folder = tmp_path / "extracts"
    write_extract(folder, "marac", [row("marac")])
    with pytest.raises(IngestError, match="no as_of"):
        ingest_extracts(duckdb.connect(), folder)
    write_refresh(folder, as_of=None, authority="Testshire")
    with pytest.raises(IngestError, match="no as_of"):
        ingest_extracts(duckdb.connect(), folder)
    write_refresh(folder, as_of="2015-13-45")
    with pytest.raises(IngestError, match="refresh.yaml"):
        ingest_extracts(duckdb.connect(), folder)


def test_a_folder_without_extracts_is_refused_and_the_store_in_force_stays(tmp_path):
    """An empty folder (or one with only unknown files) once published an empty store over the last good one."""
    ws = workspace(tmp_path)
    first = ingest_refresh(ws, small_folder(tmp_path / "extracts"))
    before = ws.store_path.read_bytes()
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.csv").write_text("a,b\n1,2\n")
    with pytest.raises(IngestError, match="holds no extract"):
        ingest_refresh(ws, empty, as_of=date(2015, 7, 31))
    assert ws.store_path.read_bytes() == before
    with ws.connect() as con:
        assert con.execute("SELECT refresh_id FROM refresh").fetchall()[0][0] == first.refresh_id


@pytest.mark.parametrize("bad", [b"source,record_id\n1,\xff\n", b"no,header,here\n1,2,3\n"])
def test_fatal_file_leaves_published_store_unchanged(tmp_path, bad):
    folder = small_folder(tmp_path / "extracts")
    ws = workspace(tmp_path)
    first = ingest_refresh(ws, folder)
    before = ws.store_path.read_bytes()
    rejects_before = (ws.path / "rejects.csv").read_bytes()
    write_extract(folder, "offence", [row("offence", record_id="new")])
    (folder / "marac.csv").write_bytes(bad)
    with pytest.raises(IngestError, match="marac.csv"):
        ingest_refresh(ws, folder)
    assert ws.store_path.read_bytes() == before
    assert (ws.path / "rejects.csv").read_bytes() == rejects_before
    assert not list(ws.path.glob(".staging-*"))
    with ws.connect() as con:
        assert table(con, "SELECT refresh_id FROM refresh") == [(first.refresh_id,)]


def test_refresh_keeps_tables_of_other_stages(tmp_path):
    folder = small_folder(tmp_path / "extracts")
    ws = workspace(tmp_path)
    ingest_refresh(ws, folder)
    with ws.publishing() as con:
        con.execute("CREATE TABLE review_decisions AS SELECT 1 AS record_key_l, 2 AS record_key_r")
    ingest_refresh(ws, folder)
    with ws.connect() as con:
        assert table(con, "SELECT * FROM review_decisions") == [(1, 2)]


def test_values_standardised_once_serve_every_file(tmp_path):
    # The lookups grow across files: a value the first file sent is reused, a new one is added, a first
    # name equal to another row's last name shares one entry, and nothing is left behind afterwards.
    folder = tmp_path / "extracts"
    write_extract(folder, "health", [row("health", first_name="Zoë", last_name="Grant", dob="1990-02-03",
                                         address_line1="Flat 2, 7 Mill Lane", ni_number="ab 12 34 56 c")])
    write_extract(folder, "marac", [
        row("marac", record_id="m1", first_name="zoe", last_name="Grant", dob="1990-02-03",
            address_line1="Flat 2, 7 Mill Lane", ni_number="ab 12 34 56 c"),
        row("marac", record_id="m2", first_name="Grant", last_name="O'Neil", dob="2015-02-30",
            address_line1="7 Mill Lane Flat 2", ni_number="QQ123456C", postcode="ng1 1aa"),
    ])
    con = duckdb.connect()
    ingest_extracts(con, folder, as_of=date(2015, 7, 31))
    got = table(con, "SELECT fact, record_id, first_name_std, last_name_std, dob, address_std, flat, house_number, "
                     "ni_number_std, ni_number_valid, postcode_std FROM records ORDER BY fact, record_id")
    assert got == [
        ("health", "r1", "ZOE", "GRANT", date(1990, 2, 3), "FLAT 2 7 MILL LN", "2", "7", "AB123456C", True,
         "NG7 2AB"),
        ("marac", "m1", "ZOE", "GRANT", date(1990, 2, 3), "FLAT 2 7 MILL LN", "2", "7", "AB123456C", True,
         "NG7 2AB"),
        ("marac", "m2", "GRANT", "ONEIL", None, "FLAT 2 7 MILL LN", "2", "7", "QQ123456C", False, "NG1 1AA"),
    ]
    left = table(con, "SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '\\_%' ESCAPE '\\'")
    assert left == []


def test_failed_ingest_rolls_back_its_transaction(tmp_path):
    # Files load in one transaction: a fatal file undoes the whole ingest and leaves the connection usable.
    folder = tmp_path / "extracts"
    write_extract(folder, "health", [row("health")])
    (folder / "marac.csv").write_bytes(b"source,record_id,date\npolice,1,caf\xe9\n")
    con = duckdb.connect()
    with pytest.raises(IngestError, match="not UTF-8"):
        ingest_extracts(con, folder, as_of=date(2015, 7, 31))
    assert table(con, "SELECT table_name FROM duckdb_tables()") == []
    write_extract(folder, "marac", [row("marac")])
    assert ingest_extracts(con, folder, as_of=date(2015, 7, 31)).rows_accepted == 2
