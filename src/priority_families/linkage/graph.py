"""Connected components in SQL: clusters from an edge table, without a Python loop over records.

Each round every node that still has edges points at the smallest node among itself and its neighbours;
those pointers are followed to their ends (pointer jumping, a few joins), and the edges are rewritten
between the ends (contraction), so the graph shrinks every round: most persons are a handful of
descriptions and vanish in the first round. Finally every node follows its pointers to its component's
smallest node. Rounds grow with the log of a component's diameter, not with the number of records.
"""

from __future__ import annotations

import duckdb

MAX_ROUNDS = 200


def _jump(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Replace each `ptr` in `table(node, ptr)` by the end of its chain of pointers (ptr <= node)."""
    while True:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE cc_jumped AS
            SELECT t.node, coalesce(j.ptr, t.ptr) AS ptr, coalesce(j.ptr <> t.ptr, false) AS moved
            FROM {table} t LEFT JOIN {table} j ON j.node = t.ptr
            """
        )
        moved = con.execute("SELECT count(*) FILTER (moved) FROM cc_jumped").fetchall()[0][0]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT node, ptr FROM cc_jumped")
        if not moved:
            return


def connected_components(con: duckdb.DuckDBPyConnection, nodes: str, edges: str, out: str) -> int:
    """Create `out(node, component)` from `nodes(node)` and `edges(node_l, node_r)`; return rounds used.

    The component label is the smallest node id in the component, so it is deterministic. Edges to
    nodes outside `nodes` are ignored.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cc_edges AS
        WITH n AS (SELECT DISTINCT node FROM {nodes}),
        e AS (SELECT node_l, node_r FROM {edges}
              WHERE node_l <> node_r AND node_l IN (SELECT node FROM n) AND node_r IN (SELECT node FROM n))
        SELECT node_l AS a, node_r AS b FROM e UNION SELECT node_r, node_l FROM e
        """
    )
    con.execute("CREATE OR REPLACE TEMP TABLE cc_pointers AS SELECT a AS node, a AS ptr "
                "FROM cc_edges LIMIT 0")
    rounds = 0
    while rounds < MAX_ROUNDS and con.execute("SELECT count(*) FROM cc_edges").fetchall()[0][0]:
        rounds += 1
        con.execute("CREATE OR REPLACE TEMP TABLE cc_min AS SELECT a AS node, least(a, min(b)) AS ptr "
                    "FROM cc_edges GROUP BY a")
        _jump(con, "cc_min")
        con.execute("INSERT INTO cc_pointers SELECT node, ptr FROM cc_min WHERE ptr <> node")
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cc_edges AS
            SELECT DISTINCT x.ptr AS a, y.ptr AS b
            FROM cc_edges e JOIN cc_min x ON x.node = e.a JOIN cc_min y ON y.node = e.b
            WHERE x.ptr <> y.ptr
            """
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cc_all AS
        SELECT n.node, coalesce(p.ptr, n.node) AS ptr
        FROM (SELECT DISTINCT node FROM {nodes}) n
        LEFT JOIN (SELECT node, min(ptr) AS ptr FROM cc_pointers GROUP BY node) p USING (node)
        """
    )
    _jump(con, "cc_all")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT node, ptr AS component FROM cc_all")
    for table in ("cc_all", "cc_min", "cc_jumped", "cc_pointers", "cc_edges"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return rounds
