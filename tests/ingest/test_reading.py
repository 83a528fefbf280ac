"""Reading files: line numbers survive quoting, blank lines and broken rows; unreadable files are fatal."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from priority_families.ingest import IngestError, ingest_extracts, reading
from priority_families.ingest.schema import header_for

HEADER = ",".join(header_for("marac"))


def person(record_id: str, first: str = "Jane", when: str = "2015-03-01") -> str:
    return f"police,{record_id},{first},Smith,1990-01-01,F,12 High St,NG7 2AB,,,,,{when}"


def ingest_text(tmp_path: Path, text: str | bytes, name: str = "marac.csv") -> duckdb.DuckDBPyConnection:
    folder = tmp_path / "extracts"
    folder.mkdir(exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / name).write_bytes(data)
    con = duckdb.connect()
    ingest_extracts(con, folder, as_of=date(2015, 7, 31))
    return con


def lines(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    key = "record_id" if table == "records" else "coalesce(record_id, '-')"
    return con.execute(f"SELECT line, {key} FROM {table} ORDER BY line").fetchall()


def test_line_numbers_follow_the_file(tmp_path):
    text = "\n".join([
        HEADER,                                   # 1
        person("a"),                              # 2
        "",                                       # 3 blank: skipped, not a row
        'police,b,"Mary\nAnn",Smith,1990-01-01,F,"12 High St, Flat 2",NG7 2AB,,,,,2015-03-01',  # 4-5
        person("c"),                              # 6
        "police,d,short",                         # 7 malformed: too few fields
        person("e") + ",extra",                   # 8 malformed: too many fields
        'police,f,"Jo ""JJ""",Smith,,,,,,,,,2015-03-01',  # 9 escaped quotes
        'police,g,"bad"x,Smith,,,,,,,,,2015-03-01',  # 10 stray text after a quoted field
        person("h"),                              # 11
    ]) + "\n"
    con = ingest_text(tmp_path, text)
    assert lines(con, "records") == [(2, "a"), (4, "b"), (6, "c"), (9, "f"), (11, "h")]
    assert lines(con, "rejects") == [(7, "-"), (8, "-"), (10, "-")]
    assert con.execute("SELECT first_name FROM records WHERE record_id = 'b'").fetchall() == [("Mary\nAnn",)]
    assert con.execute("SELECT first_name FROM records WHERE record_id = 'f'").fetchall() == [('Jo "JJ"',)]
    read, accepted, rejected = con.execute(
        "SELECT rows_read, rows_accepted, rows_rejected FROM ingest_files WHERE file = 'marac.csv'"
    ).fetchall()[0]
    assert (read, accepted, rejected) == (8, 5, 3)


def test_crlf_bom_and_no_final_newline(tmp_path):
    text = "\ufeff" + HEADER + "\r\n" + person("a") + "\r\n" + 'police,b,"X\r\nY",S,,,,,,,,,2015-03-01\r\n' \
        + person("c")
    con = ingest_text(tmp_path, text)
    assert lines(con, "records") == [(2, "a"), (3, "b"), (5, "c")]
    assert con.execute("SELECT count(*) FROM rejects").fetchall()[0][0] == 0


def test_quote_inside_unquoted_field_is_a_value(tmp_path):
    con = ingest_text(tmp_path, "\n".join([HEADER, person("a", first='Ja"ne'), person("b")]) + "\n")
    assert lines(con, "records") == [(2, "a"), (3, "b")]


def test_header_only_file_reads_zero_rows(tmp_path):
    con = ingest_text(tmp_path, HEADER + "\n")
    assert con.execute("SELECT rows_read, status FROM ingest_files WHERE file = 'marac.csv'").fetchall() == [
        (0, "loaded")]


def test_header_names_are_trimmed_and_case_folded(tmp_path):
    header = HEADER.replace("record_id", " Record_ID ").replace("source", "SOURCE")
    con = ingest_text(tmp_path, header + "\n" + person("a") + "\n")
    assert lines(con, "records") == [(2, "a")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"source,record_id,date\npolice,1,2015-03-01\npolice,2,caf\xe9\n", "not UTF-8"),
        (b"\x00\x01garbage\x02\n\x03", "no record_id column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not UTF-8"),
        (b"source,first_name,date\npolice,Jane,2015-03-01\n", "no record_id column"),
        (b"", "no header row"),
        (b"source,record_id,record_id\npolice,1,2\n", "duplicate column"),
        (f'{HEADER}\n{person("a")}\npolice,"b,Jane,Smith,,,,,,,,,2015-03-01\n{person("c")}\n'.encode(),
         "unbalanced quotes"),
    ],
    ids=["latin1", "control-chars", "binary", "no-record-id", "empty", "duplicate-header", "unclosed-quote"],
)
def test_unreadable_files_fail_the_run_naming_the_file(tmp_path, content, message):
    with pytest.raises(IngestError, match=message) as caught:
        ingest_text(tmp_path, content, name="offence.csv")
    assert "offence.csv" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_stray_carriage_return_names_the_line(tmp_path):
    text = "\n".join([HEADER, person("a"), person("b", first="Ja\rne"), person("c")]) + "\n"
    with pytest.raises(IngestError, match="carriage return.*line 3"):
        ingest_text(tmp_path, text)


def test_record_id_as_last_column(tmp_path):
    text = "source,first_name,last_name,date,record_id\npolice,J,S,2015-03-01,a\npolice,J,S,2015-03-01,b\n"
    con = ingest_text(tmp_path, text)
    assert lines(con, "records") == [(2, "a"), (3, "b")]


def test_line_shortcut_falls_back_when_even_quotes_hide_a_multiline_field(tmp_path):
    # Every line has an even number of quotes (a literal quote in an unquoted field balances the
    # quoted field that runs on), so the line shortcut is tried, disagrees with DuckDB, and the exact
    # CSV split takes over.
    spanning = 'police,a,Ja"ne,"Smi\nth",1990-01-01,F,12 O"Hara St,NG7 2AB,,,,,2015-03-01'
    con = ingest_text(tmp_path, "\n".join([HEADER, spanning, person("b")]) + "\n")
    assert lines(con, "records") == [(2, "a"), (4, "b")]
    assert con.execute("SELECT first_name, last_name FROM records WHERE record_id = 'a'").fetchall() == [
        ('Ja"ne', "Smi\nth")]


def test_plain_file_lines_skip_rejected_rows(tmp_path):
    # No quote, CR or blank line: the line-per-record path, with broken rows at the start, middle and end.
    text = "\n".join([
        HEADER,                  # 1
        "police,x,short",        # 2 malformed
        person("a"),             # 3
        "police,y",              # 4 malformed
        "police,z,short,too",    # 5 malformed
        person("b"),             # 6
        person("c"),             # 7
        person("d") + ",extra",  # 8 malformed
    ])  # no final newline
    con = ingest_text(tmp_path, text)
    assert lines(con, "records") == [(3, "a"), (6, "b"), (7, "c")]
    assert lines(con, "rejects") == [(2, "-"), (4, "-"), (5, "-"), (8, "-")]


@pytest.mark.parametrize(
    ("content", "candidate", "quoted"),
    [
        (b"a,record_id\n1,2\n", True, False),
        (b"a,record_id\n1,2", True, False),
        (b'a,record_id\n"1",2\n', True, True),
        (b"a,record_id\r\n1,2\r\n", True, False),
        (b"a,record_id\n1\r,2\n", False, False),
        (b"a,record_id\n1,2\r", False, False),
        (b"a,record_id\n\n1,2\n", False, False),
        (b"a,record_id\r\n\r\n1,2\r\n", False, False),
        (b"a,record_id\n1,2\n\n", False, False),
        (b"\na,record_id\n", False, False),
        (b"", False, False),
    ],
)
def test_scan_bytes_sends_blank_lines_and_stray_crs_to_the_exact_split(tmp_path, monkeypatch, content, candidate,
                                                                      quoted):
    monkeypatch.setattr(reading, "_CHUNK", 2)  # patterns straddling chunk boundaries are still seen
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    shape = reading._scan_bytes(path)
    assert (shape.one_line_candidate, shape.quoted) == (candidate, quoted)
    assert shape.lines == content.count(b"\n") + (not content.endswith(b"\n") and content != b"")
    if candidate:
        assert shape.first_line == "a,record_id"


def test_quoted_file_with_a_broken_row_takes_the_exact_split(tmp_path):
    # One-line quoted values need no text split; a rejected row in a file with quotes does (its quote
    # might hide lines), and both ways number the lines the same.
    rows = [HEADER, 'police,a,"Jane",Smith,,,"1, High St",,,,,,2015-03-01', person("b")]
    con = ingest_text(tmp_path, "\r\n".join(rows) + "\r\n")
    assert lines(con, "records") == [(2, "a"), (3, "b")]
    con = ingest_text(tmp_path, "\r\n".join([*rows[:2], "police,x,short", rows[2]]) + "\r\n")
    assert lines(con, "records") == [(2, "a"), (4, "b")]
    assert lines(con, "rejects") == [(3, "-")]


def test_scan_bytes_reads_utf8_split_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "_CHUNK", 3)
    path = tmp_path / "f.csv"
    path.write_bytes("record_id,name\n1,café ñ\n".encode())
    assert reading._scan_bytes(path).lines == 2
    path.write_bytes(b"record_id,name\n1,caf\xe9\n")
    with pytest.raises(IngestError, match="not UTF-8"):
        reading._scan_bytes(path)


@pytest.mark.parametrize("quoted", [False, True])
def test_lines_are_the_same_inside_an_open_transaction(tmp_path, quoted):
    # Row ids of rows written inside an open transaction do not start at 0: lines must not depend on them.
    first = '"Jane"' if quoted else "Jane"
    text = "\n".join([HEADER, person("a", first=first), "police,x,short" if not quoted else person("b"),
                      person("c")]) + "\n"
    folder = tmp_path / "extracts"
    folder.mkdir()
    (folder / "marac.csv").write_text(text)
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    con.execute("BEGIN TRANSACTION")
    ingest_extracts(con, folder, as_of=date(2015, 7, 31))
    con.execute("COMMIT")
    expected = [(2, "a"), (3, "b"), (4, "c")] if quoted else [(2, "a"), (4, "c")]
    assert lines(con, "records") == expected
    assert lines(con, "rejects") == ([] if quoted else [(3, "-")])
