"""Stable ids across refreshes: person and family ids are kept while the group is recognisably the same.

The one rule (for persons and families alike): compare each previous group with the new groups by the
members both refreshes know (records by `(source, record_id)` for persons, person ids for families;
members that vanished from the data do not count). A previous id passes to the new group holding the
largest number of its remaining members, provided that is a strict majority of them. If several previous
ids qualify for one new group (a merge), the one sharing most members wins (ties: the older id), the
others end as `merged` into the id now holding most of their members (ties: the older id, so an id split
evenly goes the same way on every run). Every other new group gets a new id from a counter that never goes
back, so ids are never reused. Every decision is written to `id_lineage` (`kept`, `new`, `split`, `merged`,
`ended`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import duckdb

from priority_families.core.sql import has_table


class IdKind(StrEnum):
    PERSON = "person"
    FAMILY = "family"


PREFIX = {IdKind.PERSON: ("P", 7), IdKind.FAMILY: ("F", 6)}


def older_first(id_column: str) -> str:
    """ORDER BY terms putting the older id first: the smaller number (past the width, ids grow longer)."""
    return f"length({id_column}), {id_column}"


OLDER_FIRST = older_first("id")


def ensure_lineage(con: duckdb.DuckDBPyConnection, previous_lineage: str | None) -> None:
    """Create `id_lineage` in this store, seeded with the previous history (carried over)."""
    if has_table(con, "id_lineage"):
        return
    con.execute(
        "CREATE TABLE id_lineage (as_of DATE, kind VARCHAR, id VARCHAR, previous_id VARCHAR, "
        "change VARCHAR, members INTEGER)"
    )
    if previous_lineage:
        con.execute(f"INSERT INTO id_lineage BY NAME SELECT * FROM {previous_lineage}")


def assign_ids(
    con: duckdb.DuckDBPyConnection,
    kind: IdKind,
    groups: str,
    previous: str | None,
    as_of: date,
    out: str,
) -> None:
    """Create `out(group_key, id)` for `groups(group_key, member)` given `previous(id, member)`.

    Appends this refresh's decisions to `id_lineage` (replacing any earlier run for the same as_of).
    """
    prefix, width = PREFIX[kind]
    prev = previous or "(SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS member WHERE false)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE ids_prev AS SELECT DISTINCT id, member FROM {prev}")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ids_overlap AS
        SELECT p.id, g.group_key, count(*) AS shared
        FROM ids_prev p JOIN (SELECT DISTINCT group_key, member FROM {groups}) g USING (member)
        GROUP BY p.id, g.group_key
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE ids_claim AS
        WITH remaining AS (SELECT id, sum(shared) AS remaining FROM ids_overlap GROUP BY id),
        best AS (
            SELECT o.id, o.group_key, o.shared, r.remaining,
                   row_number() OVER (PARTITION BY o.id ORDER BY o.shared DESC, o.group_key) AS rank_for_id
            FROM ids_overlap o JOIN remaining r USING (id)
        ),
        candidates AS (SELECT * FROM best WHERE rank_for_id = 1 AND 2 * shared > remaining)
        SELECT id, group_key, shared,
               row_number() OVER (PARTITION BY group_key ORDER BY shared DESC, {OLDER_FIRST}) AS rank_for_group
        FROM candidates
        """
    )
    counter = _counter(con, kind, prefix)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        WITH g AS (SELECT DISTINCT group_key FROM {groups}),
        kept AS (SELECT group_key, id FROM ids_claim WHERE rank_for_group = 1),
        fresh AS (
            SELECT g.group_key, CAST({counter} + row_number() OVER (ORDER BY g.group_key) AS VARCHAR) AS n
            FROM g ANTI JOIN kept USING (group_key)
        )  -- padded to the width, never cut to it (lpad cuts: the 10,000,000th person would be P1000000 again)
        SELECT * FROM kept
        UNION ALL SELECT group_key, '{prefix}' || lpad(n, CAST(greatest({width}, length(n)) AS INTEGER), '0') FROM fresh
        """
    )
    _record_lineage(con, kind, groups, out, as_of)


def _counter(con: duckdb.DuckDBPyConnection, kind: IdKind, prefix: str) -> int:
    """The highest id number ever issued for `kind` (from the lineage and the previous groups)."""
    return con.execute(
        f"""
        SELECT coalesce(max(n), 0) FROM (
            SELECT TRY_CAST(substr(id, {len(prefix) + 1}) AS BIGINT) AS n FROM id_lineage WHERE kind = ?
            UNION ALL SELECT TRY_CAST(substr(id, {len(prefix) + 1}) AS BIGINT) FROM ids_prev
            WHERE id LIKE '{prefix}%'
        )
        """,
        [str(kind)],
    ).fetchall()[0][0]


def _record_lineage(con: duckdb.DuckDBPyConnection, kind: IdKind, groups: str, out: str, as_of: date) -> None:
    con.execute("DELETE FROM id_lineage WHERE kind = ? AND as_of = ?", [str(kind), as_of])
    con.execute(
        f"""
        INSERT INTO id_lineage
        WITH sizes AS (SELECT group_key, count(DISTINCT member) AS members FROM {groups} GROUP BY group_key),
        main_source AS (
            SELECT group_key, id AS previous_id FROM (
                SELECT group_key, id,
                       row_number() OVER (PARTITION BY group_key ORDER BY shared DESC, {OLDER_FIRST}) AS rank
                FROM ids_overlap
            ) WHERE rank = 1
        )
        SELECT ?::DATE, ?, o.id, m.previous_id,
               CASE WHEN m.previous_id IS NULL THEN 'new'
                    WHEN m.previous_id = o.id THEN 'kept' ELSE 'split' END,
               s.members
        FROM {out} o JOIN sizes s USING (group_key) LEFT JOIN main_source m USING (group_key)
        """,
        [as_of, str(kind)],
    )
    con.execute(
        f"""
        INSERT INTO id_lineage
        SELECT ?::DATE, ?, p.id, w.id,
               CASE WHEN w.id IS NULL THEN 'ended' ELSE 'merged' END, NULL
        FROM (SELECT DISTINCT id FROM ids_prev) p
        LEFT JOIN (  -- members split evenly over two groups: the older id, as for a merge (a total order,
                     -- so the lineage is the same on every run and engine)
            SELECT o.id AS old_id, n.id,
                   row_number() OVER (PARTITION BY o.id ORDER BY o.shared DESC, {older_first('n.id')}) AS rank
            FROM ids_overlap o JOIN {out} n USING (group_key)
        ) w ON w.old_id = p.id AND w.rank = 1
        WHERE p.id NOT IN (SELECT id FROM {out})
        """,
        [as_of, str(kind)],
    )



def merged_successors(con: duckdb.DuckDBPyConnection, kind: IdKind, ids: str) -> str:
    """SQL for `(id, current_id)`: each id of `ids(id)` with itself and every id it was merged into since.

    What was frozen under an id (a baseline at attachment) follows the person into the id that took
    their records when a later refresh merged two groups: by the linkage's judgement it is the same
    person. A split is not followed: it may be the correction of a false merge. Without `id_lineage`
    (a store linked before ids had a history) every id stands for itself.
    """
    if not has_table(con, "id_lineage"):
        return f"SELECT id, id AS current_id FROM {ids}"
    return f"""
        WITH RECURSIVE successor(id, current_id) AS (
            SELECT id, id FROM {ids}
            UNION
            SELECT s.id, l.previous_id FROM successor s
            JOIN id_lineage l ON l.kind = '{kind}' AND l.change = 'merged' AND l.id = s.current_id
        )
        SELECT id, current_id FROM successor"""
