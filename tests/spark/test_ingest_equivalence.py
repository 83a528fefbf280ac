"""Ingest on Spark gives the records, rejections and warnings DuckDB gives, row for row.

A small synthetic county cut to three extracts (one of them sent as Parquet), with bad rows planted where a
partner would send them: a date that is no date, an NHS number whose check digit fails, a blank record_id, a
malformed CSV row, a duplicate, a blank line, a value over two lines, a date of birth in the future, an accented
name and a row of extra columns. `pf ingest` runs once per engine (Spark on `local[2]`; reading from a URI is
in `test_equivalence.py` and below); the published stores
must hold the same `records`, `rejects` (file, line, column, reason), `ingest_warnings` and `ingest_files`, and
`rejects.csv` must be the same bytes. Any difference fails with the first differing rows of each side. A Spark
ingest that fails after writing some of its tables leaves the published store as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.core import spark as spark_module
from priority_families.core.config import Settings, SparkSettings
from priority_families.core.engine import STAGES_TABLE, Workspace
from priority_families.core.spark import stop_spark
from priority_families.core.spark_sql import SparkExecutor
from priority_families.ingest.errors import IngestError
from priority_families.ingest.refresh import REJECTS_FILE
from priority_families.refresh import GuardError, ingest_refresh, refresh_in_force
from priority_families.synth.county import generate

from .test_equivalence import assert_same_tables

pytestmark = pytest.mark.spark

AS_OF = date(2015, 7, 31)
KEPT = ("offence.csv", "health.csv", "school_attendance.csv")
TABLES: dict[str, str | None] = {"records": None, "rejects": None, "ingest_warnings": None, "ingest_files": None,
                                 "refresh_sources": None}
HEALTH_HEADER = ("source,record_id,first_name,last_name,dob,sex,address_line1,postcode,uprn,upn,nhs_number,ni_number,"
                 "date,kind")
# Appended to health.csv: each line a case the engines must treat alike (its last name says which).
PLANTED = "".join(line + "\n" for line in (
    "health,HLT90000001,Ann,Bad-Date,1980-01-01,F,1 High Rd,NG1 0AA,,,9699445211,,2015-02-30,mental_health",
    "health,HLT90000002,Bob,Bad-Nhs,1980-01-02,M,2 High Rd,NG1 0AA,,,9699445212,,2015-01-01,mental_health",
    "health,,Cat,No-Id,1980-01-03,F,3 High Rd,NG1 0AA,,,,,2015-01-01,mental_health",
    "health,HLT90000004,Dan,Malformed,1980-01-04,M,4 High Rd,NG1 0AA,,,,,2015-01-01,mental_health,extra",
    "health,HLT90000002,Bob,Twice,1980-01-02,M,2 High Rd,NG1 0AA,,,,,2015-01-02,mental_health",
    "",
    ('health,HLT90000006,Eve,"Two\nLines",2090-01-06,F,"Flat 3, 12 High Street",ng1 0aa,,,943 476 5919,,'
     "2015-01-03,mental_health"),
    "health,HLT90000007,Zoë,Ørsted,1980-01-07,F,3/12 High Road,NG10AA,,,,ab 12 34 56 c,2015-01-04,mental_health",
))


def county(root: Path) -> Path:
    """Three extracts of a small synthetic county, school attendance as Parquet, health with the planted rows."""
    full = root / "full"
    generate(full, people=150, as_of=AS_OF, seed=11)
    folder = root / "extracts"
    folder.mkdir()
    for name in (*KEPT, "refresh.yaml", "agreements.yaml"):
        shutil.copy(full / name, folder / name)
    shutil.copytree(full / "geography", folder / "geography")
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{folder / 'school_attendance.csv'}', all_varchar = true)) "
                    f"TO '{folder / 'school_attendance.parquet'}' (FORMAT parquet)")
    (folder / "school_attendance.csv").unlink()
    health = folder / "health.csv"
    assert health.read_text(encoding="utf-8").startswith(HEALTH_HEADER)
    with health.open("a", encoding="utf-8") as f:
        f.write(PLANTED)
    return folder


SPARK = SparkSettings(master="local[2]", shuffle_partitions=2, driver_memory="1g")


def workspace(path: Path, engine: str) -> Workspace:
    return Workspace(Settings(workspace=path, threads=2, engine=engine, spark=SPARK))


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> Iterator[dict[str, tuple[Workspace, Path]]]:
    """The county ingested on DuckDB, and by `pf ingest --engine spark` with the run configuration's settings."""
    root = tmp_path_factory.mktemp("ingest-engines")
    extracts = county(root)
    config = root / "spark.yaml"
    config.write_text("master: local[2]\nshuffle_partitions: 2\ndriver_memory: 1g\n"
                      "conf: {spark.hadoop.pf.marker: from the run configuration}\n", encoding="utf-8")
    try:
        duck = workspace(root / "duckdb", "duckdb")
        ingest_refresh(duck, extracts)
        result = CliRunner().invoke(app, ["ingest", str(extracts), "-w", str(root / "spark"), "--engine", "spark",
                                          "--spark-config", str(config)])
        assert result.exit_code == 0, (result.output, result.exception)
        hadoop = spark_module._session.sparkContext._jsc.hadoopConfiguration()  # where s3a's settings would go
        assert hadoop.get("pf.marker") == "from the run configuration"
        yield {"duckdb": (duck, extracts), "spark": (workspace(root / "spark", "spark"), extracts)}
    finally:
        stop_spark()


def test_spark_ingest_is_duckdbs_row_for_row(ingested):
    assert_same_tables(ingested["duckdb"][0].store_path, ingested["spark"][0].store_path, TABLES)


def test_the_planted_rows_are_rejected_or_flagged(ingested):
    """The comparison above is only worth something if the planted rows did something on both engines."""
    for engine in ("duckdb", "spark"):
        ws = ingested[engine][0]
        with ws.connect() as con:
            accepted, rejected = con.execute("SELECT sum(rows_accepted), sum(rows_rejected) FROM ingest_files").fetchall()[0]
            rejects = {(line, column, reason) for line, column, reason in con.execute(
                'SELECT line, "column", reason FROM rejects WHERE file = \'health.csv\'').fetchall()}
            valid = dict(con.execute("SELECT record_id, nhs_number_valid FROM records "
                                     "WHERE record_id IN ('HLT90000002', 'HLT90000006')").fetchall())
            warned = {w for (w,) in con.execute("SELECT warning FROM ingest_warnings").fetchall()}
        reasons = {(column, reason) for _, column, reason in rejects}
        assert {("date", "not a real date (YYYY-MM-DD)"), ("record_id", "required value is blank"),
                ("record_id", "duplicate (source, record_id) in this file")} <= reasons, engine
        assert any(reason == "malformed CSV row" for _, reason in reasons), engine
        assert valid == {"HLT90000002": False, "HLT90000006": True}, engine
        assert {"blank line, no row", "further line of the value of the row above",
                "date of birth after the refresh's as_of date"} <= warned, engine
        assert rejected >= 4 and accepted > 100, engine


def test_spark_ran_the_ingest(ingested):
    for engine in ("duckdb", "spark"):
        with ingested[engine][0].connect() as con:
            ran, statements = con.execute(f"SELECT engine, statements FROM {STAGES_TABLE} "
                                          "WHERE stage = 'ingest'").fetchall()[0]
        assert ran == engine
        if engine == "spark":  # Spark ran the checks, lookups and loads itself
            assert statements > 10, statements


def test_a_uri_spark_cannot_read_is_named_and_publishes_nothing(ingested, tmp_path):
    ws = workspace(tmp_path / "ws", "spark")
    missing = (tmp_path / "nowhere").as_uri()
    with pytest.raises(IngestError, match=f"^{missing}: cannot be read") as refused:
        ingest_refresh(ws, missing)
    assert "\n" not in str(refused.value) and "at org.apache" not in str(refused.value)
    assert not ws.exists()


def test_a_bad_file_at_a_uri_is_refused_by_its_uri_before_it_is_copied(ingested, tmp_path):
    """A `*.csv` that is a folder, or a file larger than max_file_mb, is named by its URI and never fetched."""
    folder = tmp_path / "extracts"
    shutil.copytree(ingested["spark"][1], folder)
    (folder / "breach.csv").mkdir()
    ws = workspace(tmp_path / "ws", "spark")
    with pytest.raises(IngestError, match=f"^{folder.as_uri()}/breach.csv: is a folder, not an extract file$"):
        ingest_refresh(ws, folder.as_uri())
    (folder / "breach.csv").rmdir()
    (folder / "refresh.yaml").write_text("as_of: 2015-07-31\nmax_file_mb: 1\n", encoding="utf-8")
    with (folder / "offence.csv").open("a", encoding="utf-8") as f:
        f.write("police,POL99999999,A,B,1980-01-01,M,1 High Rd,NG1 0AA,,,,,2014-03-31,7\n" * 20_000)
    with pytest.raises(IngestError, match=f"^{folder.as_uri()}/offence.csv: is [0-9] MB, more than the 1 MB"):
        ingest_refresh(ws, folder.as_uri())
    (folder / "refresh.yaml").write_text("as_of: 2015-07-31\n", encoding="utf-8")
    (folder / "agreements.yaml").write_text("agreements: [\n", encoding="utf-8")
    with pytest.raises(GuardError, match="agreements register is not valid") as refused:
        ingest_refresh(ws, folder.as_uri())
    assert f"{folder.as_uri()}/agreements.yaml" in str(refused.value) and str(ws.path) not in str(refused.value)
    assert not ws.exists() and not list((ws.path / "spark").glob("extracts-*/*"))


def test_same_rejects_file(ingested):
    duck, spark = ((ingested[e][0].path / REJECTS_FILE).read_bytes() for e in ("duckdb", "spark"))
    assert duck == spark and duck.count(b"\n") > 4


def test_a_failed_spark_ingest_publishes_nothing(ingested, tmp_path, monkeypatch):
    """Spark fails after copying some of its tables into the staging store: the published store is untouched."""
    ws = workspace(tmp_path / "ws", "spark")
    shutil.copytree(ingested["spark"][0].path, ws.path, dirs_exist_ok=True)
    before = ws.store_path.read_bytes()
    with ws.connect() as con:
        in_force = refresh_in_force(con).refresh_id
    published = SparkExecutor.publish

    def half_published(self, keep_working=False):
        published(self, keep_working)
        raise RuntimeError("the cluster went away")

    monkeypatch.setattr(SparkExecutor, "publish", half_published)
    with pytest.raises(RuntimeError, match="went away"):
        ingest_refresh(ws, ingested["spark"][1])
    assert ws.store_path.read_bytes() == before
    with ws.connect() as con:
        assert refresh_in_force(con).refresh_id == in_force
    assert not list(ws.path.glob(".staging-*"))
