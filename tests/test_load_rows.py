"""Rows handed from Python to the engine: typed, complete, and safe from many threads at once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

from priority_families.core.sql import load_rows

COLUMNS = {"family_id": "VARCHAR", "attached_on": "DATE", "amount": "DECIMAL(12,2)", "members": "INTEGER"}


def test_rows_arrive_typed_and_whole(tmp_path: Path):
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    rows = [("F1", date(2015, 8, 1), Decimal("4000.10"), 3), ("F2", None, None, None), ("=F3", date(2016, 2, 29),
                                                                                        Decimal(0), 0)]
    load_rows(con, "attached", COLUMNS, rows)
    assert con.execute("SELECT * FROM attached ORDER BY family_id").fetchall() == sorted(rows, key=lambda r: r[0])
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'attached'")
                 .fetchall())
    assert types == {"family_id": "VARCHAR", "attached_on": "DATE", "amount": "DECIMAL(12,2)", "members": "INTEGER"}
    load_rows(con, "attached", COLUMNS, [])  # replaced by an empty table of the same shape
    assert con.execute("SELECT count(*) FROM attached").fetchall() == [(0,)]


def test_sixteen_threads_hand_over_rows_at_once_without_a_failure(tmp_path: Path):
    """Each thread on its own connection to one store file, as the tracker's request threads are: every
    hand-over succeeds and each thread reads back exactly its own rows."""
    store = duckdb.connect(str(tmp_path / "store.duckdb"))
    failures: list[BaseException] = []
    start = threading.Barrier(16)

    def work(n: int) -> None:
        con = store.cursor()
        try:
            start.wait()
            for round_ in range(15):
                rows = [(f"F{n}-{round_}-{i}", date(2015, 1, 1 + i % 28), Decimal(i), i) for i in range(50 + n)]
                load_rows(con, "mine", COLUMNS, rows)
                got = con.execute("SELECT count(*), min(family_id) FROM mine").fetchall()[0]
                assert got == (50 + n, f"F{n}-{round_}-0"), got
        except BaseException as exc:  # noqa: BLE001  # reported below, with the thread's number
            failures.append(exc)
        finally:
            con.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures, failures[:3]
