"""Connected components in SQL: clusters from an edge table, without a Python loop over records.

Each round every node takes the smallest component label among itself and its neighbours, then labels
jump to their label's label (pointer jumping), so the number of rounds grows with the log of a
component's diameter, not with the number of records.
"""

from __future__ import annotations

import duckdb

MAX_ROUNDS = 200


def connected_components(con: duckdb.DuckDBPyConnection, nodes: str, edges: str, out: str) -> int:
    """Create `out(node, component)` from `nodes(node)` and `edges(node_l, node_r)`; return rounds used.

    The component label is the smallest node id in the component, so it is deterministic.
    """
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE cc_edges AS
        SELECT node_l AS a, node_r AS b FROM {edges} WHERE node_l <> node_r
        UNION SELECT node_r, node_l FROM {edges} WHERE node_l <> node_r
        """
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE cc AS SELECT DISTINCT node, node AS component FROM {nodes}")
    for rounds in range(1, MAX_ROUNDS + 1):
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cc_step AS
            SELECT c.node, least(c.component, coalesce(m.component, c.component)) AS component
            FROM cc c LEFT JOIN (
                SELECT e.a AS node, min(n.component) AS component
                FROM cc_edges e JOIN cc n ON n.node = e.b GROUP BY e.a
            ) m USING (node)
            """
        )
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE cc_next AS
            SELECT s.node, least(s.component, j.component) AS component
            FROM cc_step s JOIN cc_step j ON j.node = s.component
            """
        )
        changed = con.execute(
            "SELECT count(*) FROM cc_next n JOIN cc c USING (node) WHERE n.component <> c.component"
        ).fetchall()[0][0]
        con.execute("CREATE OR REPLACE TEMP TABLE cc AS SELECT * FROM cc_next")
        if changed == 0:
            break
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT node, component FROM cc")
    for table in ("cc", "cc_step", "cc_next", "cc_edges"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return rounds
