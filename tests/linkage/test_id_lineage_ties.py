"""Id lineage is the same whatever order the groups' rows come in.

A previous id whose members split evenly over two new groups, each kept by another id, ends as `merged`
into the id now holding most of its members; with a tie that was whichever row the window met first. It is
now the older id (the smaller number), as for a merge (`linkage.ids`).
"""

from __future__ import annotations

from datetime import date

import duckdb

from linkage.builders import tables_in_order
from priority_families.linkage.ids import IdKind, assign_ids, ensure_lineage

AS_OF = date(2015, 8, 31)
# Before: P0000001 {a, b}, P0000002 {c, d, e}, P0000003 {f, g, h}. Now: {a, c, d, e} and {b, f, g, h}:
# P0000002 and P0000003 are kept, P0000001 has one member in each.
PREVIOUS = [("P0000001", m) for m in "ab"] + [("P0000002", m) for m in "cde"] + [("P0000003", m) for m in "fgh"]
GROUPS = [("1", m) for m in "acde"] + [("2", m) for m in "bfgh"]


def lineage_in_order(reverse: bool) -> list[tuple]:
    """`id_lineage` after assigning ids with every input row written in one order or its reverse (one thread,
    so rows are met in the order written)."""
    con = tables_in_order({"previous": ("id VARCHAR, member VARCHAR", PREVIOUS),
                           "groups": ("group_key VARCHAR, member VARCHAR", GROUPS)}, reverse)
    ensure_lineage(con, None)
    assign_ids(con, IdKind.PERSON, "groups", "previous", AS_OF, "ids")
    rows = con.execute("SELECT id, previous_id, change, members FROM id_lineage ORDER BY ALL").fetchall()
    con.close()
    return rows


def test_an_evenly_split_id_merges_into_the_older_id_in_either_row_order() -> None:
    forward, backward = lineage_in_order(False), lineage_in_order(True)
    assert forward == backward
    assert ("P0000001", "P0000002", "merged", None) in forward
    assert {(i, c) for i, _, c, _ in forward} == {("P0000001", "merged"), ("P0000002", "kept"),
                                                  ("P0000003", "kept")}


def test_past_the_width_a_new_id_grows_longer_and_the_older_id_still_wins_a_tie() -> None:
    """The 10,000,001st person id is P10000001 (`lpad` cut it to P1000000, an id already given), and
    P9999999 is older than P10000000 (it sorts after it as text)."""
    con = duckdb.connect()
    ensure_lineage(con, None)
    con.executemany("INSERT INTO id_lineage VALUES (?, 'person', ?, NULL, 'new', 1)",
                    [(date(2015, 2, 28), i) for i in ("P1000000", "P9999999", "P10000000")])
    # Before: P9999999 {a}, P10000000 {b}. Now {a, b}: both qualify, one member each; and {c}, new.
    con.execute("CREATE TABLE previous AS SELECT * FROM (VALUES ('P9999999', 'a'), ('P10000000', 'b')) "
                "t(id, member)")
    con.execute("CREATE TABLE groups AS SELECT * FROM (VALUES ('1', 'a'), ('1', 'b'), ('2', 'c')) t(group_key, member)")
    assign_ids(con, IdKind.PERSON, "groups", "previous", AS_OF, "ids")
    assert dict(con.execute("SELECT group_key, id FROM ids").fetchall()) == {"1": "P9999999", "2": "P10000001"}
    merged = con.execute("SELECT id, previous_id FROM id_lineage WHERE change = 'merged'").fetchall()
    assert merged == [("P10000000", "P9999999")]
