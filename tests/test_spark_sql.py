"""The pieces of running a stage's SQL on Spark that need no Spark: parameters bound as literals, DuckDB's
ordered `first` rewritten, and a DuckDB stage recording its engine (tests/spark runs the rest on Spark)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from priority_families.core.config import Settings
from priority_families.core.engine import STAGES_TABLE, stage_executor, transpile
from priority_families.core.spark_sql import bind


def test_parameters_become_literals_outside_strings():
    sql = bind("SELECT ?, '?', ?::DATE, ? FROM t WHERE a = ? AND b = 'it''s ?'",
               [1, date(2015, 7, 31), "O'Neil", None])
    assert sql == "SELECT 1, '?', DATE '2015-07-31'::DATE, 'O''Neil' FROM t WHERE a = NULL AND b = 'it''s ?'"


def test_bound_parameters_mean_what_duckdb_binds():
    con = duckdb.connect()
    sql = "SELECT ? AS n, ? AS d, ? AS s, ? AS z, ?::DATE - INTERVAL 18 YEAR AS born"
    params = [3, date(2015, 7, 31), "O'Neil ?", None, date(2015, 7, 31)]
    assert con.execute(bind(sql, params)).fetchall() == con.execute(sql, params).fetchall()


def test_parameters_must_match_the_placeholders():
    for params in ([1], [1, 2, 3]):
        with pytest.raises(ValueError, match="2 parameters"):
            bind("SELECT ?, ? FROM t WHERE a = '?'", params)


def test_ordered_first_goes_to_min_by_on_spark():
    sql = transpile("SELECT k, first(a ORDER BY total DESC, a) AS r FROM t GROUP BY k", "spark")
    assert "MIN_BY(a, STRUCT(-(total), a))" in sql
    assert "first" not in sql.lower()


def test_a_duckdb_stage_runs_on_the_connection_and_says_so(tmp_path):
    con = duckdb.connect()
    with stage_executor(con, Settings(workspace=tmp_path), tmp_path, "households") as executor:
        assert executor is con
    with stage_executor(con, Settings(workspace=tmp_path), tmp_path, "households") as executor:
        pass  # a stage run twice in one store keeps one row
    assert con.execute(f"SELECT stage, engine, statements FROM {STAGES_TABLE}").fetchall() == [
        ("households", "duckdb", None)]
