"""Ingest accounts for every line of every file and refuses what it cannot read, by name, before reading.

Each test is a finding of the hardening review (issue 15) that main got wrong.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import duckdb
import pytest

from priority_families.ingest import IngestError, ingest_extracts
from priority_families.ingest.checks import RejectReason, WarningReason
from priority_families.ingest.schema import header_for

HEADER = ",".join(header_for("marac"))
AS_OF = date(2015, 7, 31)


def person(record_id: str, first: str = "Jane", dob: str = "1990-01-01") -> str:
    return f"police,{record_id},{first},Smith,{dob},F,12 High St,NG7 2AB,,,,,2015-03-01"


def ingest(tmp_path: Path, data: bytes, name: str = "marac.csv") -> tuple[duckdb.DuckDBPyConnection, object]:
    folder = tmp_path / "extracts"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    con = duckdb.connect()
    report = ingest_extracts(con, folder, as_of=AS_OF)
    (file,) = [f for f in report.files if f.file == name]
    return con, file


def test_rows_swallowed_by_an_unclosed_quote_are_each_rejected(tmp_path):
    lines = [HEADER, person("a"), person("b", first='"Jane'), person("c"), person("d"), person("e", first='Ja"ne'),
             person("f")]
    con, file = ingest(tmp_path, ("\n".join(lines) + "\n").encode())
    rejected = con.execute("SELECT line FROM rejects ORDER BY line").fetchall()
    assert rejected == [(3,), (4,), (5,), (6,)]
    assert (file.lines_read, file.rows_accepted, file.rows_rejected) == (6, 2, 4)


def test_a_nul_byte_rejects_its_row_naming_the_column(tmp_path):
    con, file = ingest(tmp_path, ("\n".join([HEADER, person("a"), person("b", first="Ja\x00ne")]) + "\n").encode())
    assert con.execute('SELECT line, reason, detail FROM rejects').fetchall() == [
        (3, RejectReason.NUL.value, "in column first_name")]
    assert file.rows_accepted == 1


def test_an_lf_row_appended_to_a_crlf_file_is_read(tmp_path):
    data = ("\r\n".join([HEADER, person("a"), person("b")]) + "\r\n" + person("c") + "\n").encode()
    con, file = ingest(tmp_path, data)
    assert con.execute("SELECT line, first_name FROM records ORDER BY line").fetchall() == [
        (2, "Jane"), (3, "Jane"), (4, "Jane")]
    assert file.rows_rejected == 0


def test_a_duckdb_error_inside_an_open_transaction_is_reported_not_an_aborted_transaction(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "marac.csv").write_bytes(("\r\n".join([HEADER, person("a")]) + "\r\n" + person("b") + "\n").encode())
    con = duckdb.connect()
    con.execute("BEGIN TRANSACTION")
    report = ingest_extracts(con, folder, as_of=AS_OF)
    assert report.rows_accepted == 2


def test_impossible_future_and_ancient_dates_of_birth_are_warned_about(tmp_path):
    lines = [HEADER, person("a", dob="2000-02-30"), person("b", dob="2090-01-01"), person("c", dob="1850-06-01"),
             person("d")]
    con, file = ingest(tmp_path, ("\n".join(lines) + "\n").encode())
    assert con.execute("SELECT line, \"column\", warning, record_id, detail FROM ingest_warnings ORDER BY line"
                       ).fetchall() == [
        (2, "dob", WarningReason.DOB_NOT_REAL.value, "a", None),
        (3, "dob", WarningReason.DOB_FUTURE.value, "b", None),
        (4, "dob", WarningReason.DOB_TOO_OLD.value, "c", None)]
    assert file.rows_accepted == 4  # kept: the person is still there to link by name and identifiers


def test_blank_lines_and_values_over_several_lines_are_reported(tmp_path):
    spanning = person("b").replace("12 High St", '"12 High\nSt"')
    con, file = ingest(tmp_path, ("\n".join([HEADER, person("a"), "", spanning, person("c")]) + "\n").encode())
    assert con.execute("SELECT line, warning, detail FROM ingest_warnings ORDER BY line").fetchall() == [
        (3, WarningReason.BLANK_LINE.value, None), (5, WarningReason.CONTINUED.value, "the row on line 4")]
    assert (file.lines_read, file.rows_accepted, file.lines_reported) == (5, 3, 2)


@pytest.mark.parametrize("kind", ["folder", "symlink loop", "dangling symlink", "fifo"])
def test_a_csv_that_is_not_a_regular_file_is_refused_by_name(tmp_path, kind):
    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "marac.csv").write_text(HEADER + "\n" + person("a") + "\n")
    odd = folder / "benefit.csv"
    match kind:
        case "folder":
            odd.mkdir()
        case "symlink loop":
            odd.symlink_to(odd)
        case "dangling symlink":
            odd.symlink_to(folder / "nowhere.csv")
        case "fifo":
            os.mkfifo(odd)
    with pytest.raises(IngestError, match="benefit.csv: (is a folder|is not a regular file|cannot be read)"):
        ingest_extracts(duckdb.connect(), folder, as_of=AS_OF)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "refresh.yaml").write_text("as_of: 2015-07-31\nmax_file_mb: 1\n")
    with (folder / "marac.csv").open("wb") as f:
        f.truncate(2 * 2**20)  # sparse: 2 MB of NULs that would be slow to read
    with pytest.raises(IngestError, match=r"marac.csv: is 2 MB, more than the 1 MB allowed \(max_file_mb"):
        ingest_extracts(duckdb.connect(), folder)
