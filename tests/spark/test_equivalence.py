"""DuckDB and Spark give the same refresh, compared table by table and row by row.

A small synthetic county (enough descriptions for the model to train, so the trained m and u values must
carry over to Spark) goes through `run_refresh` once per engine, Spark on `local[2]`. The published stores
must hold the same person clusters and links, places, households, family ids and their lineage, cohorts with
headlines, indicator hits (the evidence) and values, and the same cohort files; identification under a second
plan on each published store, each on its own engine, must agree too. Any difference fails with the first
differing rows of each side. Spark reads the extracts as a `file:///` URI (as `pf identify file:///...
--engine spark` does), DuckDB from the local path. Each store's `refresh_stages` must say that its engine ran
ingest, linkage, households and identification, so a Spark path that quietly fell back to DuckDB fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from priority_families.core.config import Settings, SparkSettings
from priority_families.core.engine import STAGES_TABLE, Workspace, stage_executor
from priority_families.core.spark import stop_spark
from priority_families.identify.run import identify_families
from priority_families.plans.loader import load_plan, load_plan_text
from priority_families.refresh import RefreshResult, run_refresh
from priority_families.synth.county import generate

pytestmark = pytest.mark.spark

AS_OF = date(2015, 7, 31)
PEOPLE = 1000
FIRST_PLAN = "nottinghamshire-2015"
ENGINES = ("duckdb", "spark")
# Per table: the columns compared exactly (None: all of them). Scored pairs' probabilities and weights are
# sums of logs, compared to within `CLOSE` on the same pair (`SCORES`).
TABLES: dict[str, str | None] = {
    "record_person": None,
    "persons": None,
    "link_pairs": "record_key_l, record_key_r, route",
    "review_queue": "record_key_l, record_key_r",
    "record_place": None,
    "place_review": None,
    "households": None,
    "person_household": None,
    "families": None,
    "family_members": None,
    "id_lineage": None,
}
SCORES = ("link_pairs", "review_queue")
CLOSE = 1e-9
IDENTIFICATION = ("cohort", "indicator_hits", "indicator_values")
OUTPUT_FILES = ("cohort.csv", "members.csv", "evidence.csv")
ON_THE_ENGINE = ("ingest", "linkage", "households", "identification")  # the stages each engine must have run itself


@pytest.fixture(scope="module")
def refreshes(tmp_path_factory) -> Iterator[dict[str, tuple[Workspace, Path, RefreshResult]]]:
    """One refresh of the same extracts per engine: (workspace, output folder, result); Spark's session stays
    up for the module (the second plan runs on it). DuckDB reads the local folder, Spark the same folder as a
    `file:///` URI through its own filesystems (as it would read `s3a://bucket/folder`)."""
    root = tmp_path_factory.mktemp("engines")
    generate(root / "extracts", people=PEOPLE, as_of=AS_OF, seed=3)
    spark = SparkSettings(master="local[2]", shuffle_partitions=2, driver_memory="1g",
                          checkpoint_dir=root / "checkpoints")
    done = {}
    try:
        for engine in ENGINES:
            ws = Workspace(Settings(workspace=root / engine, threads=2, engine=engine, spark=spark))
            out = root / f"out-{engine}"
            extracts = root / "extracts" if engine == "duckdb" else (root / "extracts").as_uri()
            done[engine] = ws, out, run_refresh(ws, extracts, FIRST_PLAN, out)
        yield done
    finally:
        stop_spark()


def _first_rows(con: duckdb.DuckDBPyConnection, left: str, right: str, columns: str) -> list[tuple]:
    return con.execute(f"SELECT {columns} FROM {left} EXCEPT ALL SELECT {columns} FROM {right} "
                       "ORDER BY ALL LIMIT 5").fetchall()


def assert_same_tables(duck: Path, spark: Path, tables: dict[str, str | None]) -> None:
    """Every table equal as a multiset of rows; on a difference, its first rows on each side."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{duck}' AS duck (READ_ONLY)")
    con.execute(f"ATTACH '{spark}' AS spark (READ_ONLY)")
    for table, columns in tables.items():
        columns = columns or "*"
        only_duck = _first_rows(con, f"duck.{table}", f"spark.{table}", columns)
        only_spark = _first_rows(con, f"spark.{table}", f"duck.{table}", columns)
        assert not only_duck and not only_spark, (
            f"{table} differs between the engines\n  only on DuckDB: {only_duck}\n  only on Spark: {only_spark}")
        count = con.execute(f"SELECT count(*) FROM duck.{table}").fetchall()[0][0]
        assert count == con.execute(f"SELECT count(*) FROM spark.{table}").fetchall()[0][0]
        if table in SCORES:
            apart = con.execute(
                f"SELECT d.record_key_l, d.record_key_r, d.match_weight, s.match_weight FROM duck.{table} d "
                f"JOIN spark.{table} s USING ({columns}) WHERE (d.match_weight IS NULL) <> (s.match_weight IS NULL) "
                f"OR abs(d.match_weight - s.match_weight) > {CLOSE} "
                f"OR abs(d.match_probability - s.match_probability) > {CLOSE} ORDER BY ALL LIMIT 5").fetchall()
            assert not apart, f"{table}: scores differ (pair, DuckDB weight, Spark weight): {apart}"
    con.close()


def test_spark_ran_the_linkage_with_the_trained_model(refreshes):
    duck, spark = (refreshes[e][2].linkage for e in ENGINES)
    assert (duck.linker, spark.linker) == ("splink-duckdb", "splink-spark")
    assert duck.result.trained and spark.result.trained  # the trained m and u went to Spark
    assert spark.result.pairs_scored == duck.result.pairs_scored > 0
    assert refreshes["spark"][2].identify.families > 0


def test_each_engine_ran_every_stage_itself(refreshes):
    for engine in ENGINES:
        with duckdb.connect(str(refreshes[engine][0].store_path), read_only=True) as con:
            ran = dict(con.execute(f"SELECT stage, engine FROM {STAGES_TABLE}").fetchall())
            statements = dict(con.execute(f"SELECT stage, statements FROM {STAGES_TABLE}").fetchall())
        assert {stage: ran.get(stage) for stage in ON_THE_ENGINE} == dict.fromkeys(ON_THE_ENGINE, engine)
        if engine == "spark":  # Spark itself ran the stages' statements, not DuckDB under a Spark label
            assert statements["households"] > 20 and statements["identification"] >= 5, statements


def test_spark_read_the_extracts_from_their_uri(refreshes):
    with duckdb.connect(str(refreshes["spark"][0].store_path), read_only=True) as con:
        (read,) = con.execute("SELECT extracts FROM refresh").fetchall()[0]
    assert read.startswith("file:///") and read.endswith("/extracts")
    assert not list((refreshes["spark"][0].path / "spark").glob("extracts-*"))  # the local copy is gone


def test_same_persons_households_and_families(refreshes):
    assert_same_tables(refreshes["duckdb"][0].store_path, refreshes["spark"][0].store_path, TABLES)


def test_same_cohort_files(refreshes):
    for name in OUTPUT_FILES:
        duck, spark = ((refreshes[e][1] / name).read_bytes() for e in ENGINES)
        assert duck == spark, f"{name} differs between the engines"


@pytest.mark.parametrize("plan_id", [FIRST_PLAN, "national-2012"])
def test_same_eligible_families_headlines_and_evidence(refreshes, tmp_path, plan_id):
    stores = {}
    for engine in ENGINES:
        ws = refreshes[engine][0]
        stores[engine] = tmp_path / f"{engine}.duckdb"
        shutil.copyfile(ws.store_path, stores[engine])
        with duckdb.connect(str(stores[engine])) as con, stage_executor(
                con, ws.settings, tmp_path / f"work-{engine}", "identification") as executor:
            summary = identify_families(executor, load_plan(plan_id), AS_OF, plan_text=load_plan_text(plan_id))
            assert getattr(executor, "engine", "duckdb") == engine
        assert summary.eligible > 0
    assert_same_tables(stores["duckdb"], stores["spark"], dict.fromkeys(IDENTIFICATION))
