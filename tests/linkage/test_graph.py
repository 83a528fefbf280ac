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


def _reference_components(nodes: list[int], edges: list[tuple[int, int]]) -> dict[int, int]:
    """Union-find in Python: the smallest node of each component, for checking the SQL."""
    parent = {n: n for n in nodes}

    def find(n: int) -> int:
        while parent[n] != n:
            n = parent[n]
        return n

    for a, b in edges:
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in nodes}


def test_components_match_union_find_on_a_random_graph() -> None:
    import random

    rng = random.Random(7)
    nodes = list(range(1, 3001))
    # many small groups plus a few long chains and stars, and edges to nodes outside `nodes` (ignored)
    edges = [(rng.randint(1, 3000), rng.randint(1, 3000)) for _ in range(1500)]
    edges += [(n, n + 1) for n in range(500, 900)] + [(2000, n) for n in range(2001, 2100)]
    edges += [(5000, 1), (5000, 2999)]
    con = duckdb.connect()
    con.execute("CREATE TABLE nodes AS SELECT unnest(?) AS node", [nodes])
    con.execute("CREATE TABLE edges (node_l BIGINT, node_r BIGINT)")
    con.executemany("INSERT INTO edges VALUES (?, ?)", edges)
    connected_components(con, "nodes", "edges", "out")
    got = dict(con.execute("SELECT node, component FROM out").fetchall())
    assert got == _reference_components(nodes, edges)
