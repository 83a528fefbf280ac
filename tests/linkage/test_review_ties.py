"""Reviewer decisions apply the same way whatever order their rows are read in.

The latest decision on a pair wins; two on the same day stored by one import were a tie the window broke by
whichever row it met first, so a refresh could join or keep apart two records from run to run. An import now
refuses a pair decided both ways on one day, and a store that already holds such a tie reads not_a_match.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from priority_families.linkage.review import ReviewImportError, import_decisions, latest_decisions_sql

DAY = date(2015, 9, 1)
IMPORTED = datetime(2015, 9, 2, 10, 0)


def decision(decision: str, decided_on: str = "2015-09-01", swapped: bool = False) -> dict[str, str]:
    left, right = ("health", "R1"), ("school", "S7")
    if swapped:
        left, right = right, left
    return {"source_l": left[0], "record_id_l": left[1], "source_r": right[0], "record_id_r": right[1],
            "decision": decision, "reviewer": "JB", "decided_on": decided_on}


def latest_in_order(rows: list[tuple]) -> list[str]:
    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("CREATE TABLE review_decisions (source_l VARCHAR, record_id_l VARCHAR, source_r VARCHAR, "
                "record_id_r VARCHAR, decision VARCHAR, reviewer VARCHAR, decided_on DATE, imported_at TIMESTAMP)")
    con.executemany("INSERT INTO review_decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    found = [d for (d,) in con.execute(f"SELECT decision FROM ({latest_decisions_sql('review_decisions')})")
             .fetchall()]
    con.close()
    return found


def test_a_stored_tie_reads_not_a_match_in_either_row_order() -> None:
    match = ("health", "R1", "school", "S7", "match", "JB", DAY, IMPORTED)
    apart = ("school", "S7", "health", "R1", "not_a_match", "AK", DAY, IMPORTED)
    assert latest_in_order([match, apart]) == latest_in_order([apart, match]) == ["not_a_match"]


def test_the_later_day_still_wins_over_the_cautious_reading() -> None:
    match = ("health", "R1", "school", "S7", "match", "JB", date(2015, 9, 3), IMPORTED)
    apart = ("school", "S7", "health", "R1", "not_a_match", "AK", DAY, IMPORTED)
    assert latest_in_order([match, apart]) == latest_in_order([apart, match]) == ["match"]


def test_an_import_deciding_a_pair_both_ways_on_one_day_is_refused_and_stores_nothing() -> None:
    con = duckdb.connect()
    rows = [decision("match"), decision("not_a_match", swapped=True), decision("match")]
    with pytest.raises(ReviewImportError) as err:
        import_decisions(con, rows)
    assert err.value.problems == [(3, "decision", "decides the pair of line 2 the other way, on the same day"),
                                  (4, "decision", "decides the pair of line 3 the other way, on the same day")]
    assert err.value.path == Path("<decisions entered>")
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'review_decisions'").fetchall() \
        == [(0,)]


def test_a_pair_decided_again_on_a_later_day_or_the_same_way_is_accepted() -> None:
    con = duckdb.connect()
    rows = [decision("match"), decision("match", swapped=True), decision("not_a_match", "2015-09-08")]
    summary = import_decisions(con, rows)
    assert (summary.decisions, summary.matches, summary.not_a_match) == (3, 2, 1)
    latest = con.execute(f"SELECT decision FROM ({latest_decisions_sql('review_decisions')})").fetchall()
    assert latest == [("not_a_match",)]
