"""Connected components in SQL."""

from __future__ import annotations

import duckdb

from priority_families.linkage.graph import connected_components


def test_components_of_a_long_chain_and_singletons() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE nodes AS SELECT range AS node FROM range(1, 103)")
    # a chain 100 - 99 - ... - 1 (worst case for label propagation), plus 101-102 and singleton... none
    con.execute("CREATE TABLE edges AS SELECT range AS node_l, range + 1 AS node_r FROM range(1, 100)")
    con.execute("INSERT INTO edges VALUES (102, 101)")
    rounds = connected_components(con, "nodes", "edges", "out")
    got = dict(con.execute("SELECT node, component FROM out").fetchall())
    assert {got[n] for n in range(1, 101)} == {1}
    assert got[101] == got[102] == 101
    assert rounds < 20  # pointer jumping: far fewer rounds than the chain is long
