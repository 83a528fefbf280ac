"""`Workspace.publishing`: a run publishes all of its work or none of it."""

from __future__ import annotations

import pytest

from priority_families.core.config import Settings
from priority_families.core.engine import StoreError, Workspace, transpile


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace(Settings(workspace=tmp_path / "ws", threads=1))


def tables(ws: Workspace) -> dict[str, list[tuple]]:
    with ws.connect() as con:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}


def test_no_store_is_a_clear_error(ws):
    with pytest.raises(StoreError, match="no store"):
        ws.connect()


def test_success_publishes(ws):
    with ws.publishing() as con:
        con.execute("CREATE TABLE records AS SELECT 1 AS record_key")
    assert tables(ws) == {"records": [(1,)]}
    assert not list(ws.path.glob(".staging-*"))


def test_failure_leaves_published_store_untouched(ws):
    with ws.publishing() as con:
        con.execute("CREATE TABLE records AS SELECT 1 AS record_key")
    before = ws.store_path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"), ws.publishing(fresh=True) as con:
        con.execute("CREATE TABLE records AS SELECT 2 AS record_key")
        raise RuntimeError("boom")
    assert ws.store_path.read_bytes() == before
    assert tables(ws) == {"records": [(1,)]}
    assert not list(ws.path.glob(".staging-*"))


def test_incremental_run_starts_from_published_copy(ws):
    with ws.publishing() as con:
        con.execute("CREATE TABLE records AS SELECT 1 AS record_key")
    with ws.publishing() as con:
        con.execute("CREATE TABLE cohort AS SELECT count(*) AS n FROM records")
    assert tables(ws) == {"cohort": [(1,)], "records": [(1,)]}


def test_fresh_run_replaces_its_tables_and_carries_the_rest(ws):
    with ws.publishing() as con:
        con.execute("CREATE TABLE records AS SELECT 1 AS record_key")
        con.execute("CREATE TABLE review_decisions AS SELECT 'match' AS decision")
    with ws.publishing(fresh=True) as con:
        assert con.execute("SELECT count(*) FROM previous.records").fetchall() == [(1,)]
        con.execute("CREATE TABLE records AS SELECT 2 AS record_key")
    assert tables(ws) == {"records": [(2,)], "review_decisions": [("match",)]}


def test_fresh_run_without_previous_store(ws):
    with ws.publishing(fresh=True) as con:
        con.execute("CREATE TABLE records AS SELECT 3 AS record_key")
    assert tables(ws) == {"records": [(3,)]}


def test_transpile_to_spark():
    assert transpile("SELECT 1", "duckdb") == "SELECT 1"
    assert "SELECT" in transpile("SELECT list_value(1, 2)", "spark")

