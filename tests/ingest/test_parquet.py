"""Parquet extracts beside CSV ones: the same checks, rejects named by file, row and column, and the same
published refresh as the CSV county they were written from."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.builders import row, write_extract, write_refresh
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.ingest import IngestError
from priority_families.linkage.pipeline import TruthLinkage
from priority_families.refresh import ingest_refresh, run_refresh
from priority_families.synth.county import generate
from priority_families.synth.parquet import extracts_as_parquet

AS_OF = date(2015, 7, 31)
# The published tables that must not depend on the extracts' file format, but for the file's name and the
# position of a row in it: a CSV row's line counts the header line, a Parquet row's number does not, and a
# record's key is its file's offset plus that position.
BY_POSITION = {"file", "line", "record_key", "current_record_key"}
SAME = ("records", "rejects", "ingest_warnings", "refresh_sources", "persons", "households", "families",
        "family_members", "cohort", "indicator_hits")


def write_parquet(folder: Path, fact: str, rows: list[dict[str, str | None]]) -> Path:
    """`<fact>.parquet` with the rows' values as text (None: a missing value)."""
    folder.mkdir(parents=True, exist_ok=True)
    columns = list(rows[0])
    path = folder / f"{fact}.parquet"
    pq.write_table(pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns}), path)
    return path


def test_a_parquet_county_publishes_what_its_csv_county_does(tmp_path):
    stores = {}
    for form in ("csv", "parquet"):
        extracts = tmp_path / form
        generate(extracts, people=300, as_of=AS_OF, seed=5)
        if form == "parquet":
            written = extracts_as_parquet(extracts)
            assert written and not [p for p in extracts.glob("*.csv") if p.with_suffix(".parquet") in written]
        ws = Workspace(Settings(workspace=tmp_path / f"ws-{form}", threads=1))
        run_refresh(ws, extracts, "nottinghamshire-2015", tmp_path / f"out-{form}", linker=TruthLinkage(extracts))
        stores[form] = ws.store_path
    con = duckdb.connect()
    con.execute(f"ATTACH '{stores['csv']}' AS c (READ_ONLY)")
    con.execute(f"ATTACH '{stores['parquet']}' AS p (READ_ONLY)")
    for table in SAME:
        names = {n for (n,) in con.execute(f"SELECT column_name FROM (DESCRIBE c.{table})").fetchall()}
        columns = f"* EXCLUDE ({', '.join(sorted(names & BY_POSITION))})" if names & BY_POSITION else "*"
        for a, b in (("c", "p"), ("p", "c")):
            only = con.execute(f"SELECT {columns} FROM {a}.{table} EXCEPT ALL SELECT {columns} FROM {b}.{table} "
                               "LIMIT 3").fetchall()
            assert not only, f"{table}: rows only in the {a} store: {only}"
    # A CSV row's line counts the header line; a Parquet row's number does not.
    shifted, joined, records = con.execute(
        "SELECT count(*) FILTER (WHERE p.records.line = c.records.line - 1), count(*), "
        "(SELECT count(*) FROM c.records) FROM c.records JOIN p.records USING (fact, source, record_id)").fetchall()[0]
    assert shifted == joined == records > 1000
    files = con.execute("SELECT file FROM p.ingest_files WHERE status <> 'absent' ORDER BY file").fetchall()
    assert files and all(f.endswith(".parquet") for (f,) in files)


def test_a_parquet_row_is_rejected_by_row_number_and_column(tmp_path):
    folder = tmp_path / "extracts"
    write_parquet(folder, "marac", [row("marac", record_id="m1"), row("marac", record_id="m2", date="2015-02-30"),
                                    row("marac", record_id="m3", date=None)])
    write_extract(folder, "offence", [row("offence", record_id="o1")])
    write_refresh(folder)
    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    report = ingest_refresh(ws, folder)
    assert report.rows_accepted == 2 and report.rows_rejected == 2
    with ws.connect() as con:
        rejects = con.execute('SELECT file, line, "column", record_id FROM rejects ORDER BY line').fetchall()
        assert rejects == [("marac.parquet", 2, "date", "m2"), ("marac.parquet", 3, "date", "m3")]
        assert con.execute("SELECT record_id FROM records WHERE fact = 'marac'").fetchall() == [("m1",)]


@pytest.mark.parametrize(("make", "reason"), [
    (lambda f: (f / "marac.parquet").write_text("record_id\nm1\n"), "marac.parquet: is not a Parquet file"),
    (lambda f: write_parquet(f, "marac", [{"source": "police", "date": "2015-01-01"}]), "has no record_id column"),
    (lambda f: (write_parquet(f, "marac", [row("marac", record_id="m1")]),
                write_extract(f, "marac", [row("marac", record_id="m1")])), "marac.csv and marac.parquet"),
])
def test_a_bad_parquet_extract_is_refused_by_name_and_nothing_changes(tmp_path, make, reason):
    folder = tmp_path / "extracts"
    write_extract(folder, "offence", [row("offence", record_id="o1")])
    write_refresh(folder)
    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    ingest_refresh(ws, folder)
    before = ws.store_path.read_bytes()
    make(folder)
    with pytest.raises(IngestError, match=reason):
        ingest_refresh(ws, folder)
    assert ws.store_path.read_bytes() == before
