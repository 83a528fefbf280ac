"""Clerical review: the queue of uncertain pairs, and reviewers' decisions that override the model.

Decisions are keyed by the partners' `(source, record_id)` of both records, not by this refresh's
record keys, so they survive refreshes: `review_decisions` is carried over and applied on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import duckdb

from priority_families.core.export import copy_to_csv, restore_sql
from priority_families.core.files import private_dir
from priority_families.core.sql import has_table, load_rows, quote_ident, sql_str
from priority_families.linkage.previous import previous_table

DECISION_COLUMNS = ("source_l", "record_id_l", "source_r", "record_id_r", "decision", "reviewer", "decided_on")


class Decision(StrEnum):
    MATCH = "match"
    NOT_A_MATCH = "not_a_match"


class ReviewImportError(ValueError):
    """A decisions file could not be used; `problems` lists file, line, column and reason."""

    def __init__(self, path: Path, problems: list[tuple[int, str, str]]) -> None:
        self.path = path
        self.problems = problems
        shown = "; ".join(f"{path.name} line {line}, column {col}: {why}" for line, col, why in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"{len(problems)} problem(s) in review decisions: {shown}{more}")


@dataclass(frozen=True)
class ImportSummary:
    decisions: int
    matches: int
    not_a_match: int
    total_stored: int


def decisions_source(con: duckdb.DuckDBPyConnection) -> str | None:
    """The decisions table to apply: this store's, else the previous store's (fresh refresh)."""
    return "main.review_decisions" if has_table(con, "review_decisions") else previous_table(con, "review_decisions")


def ensure_decisions_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS review_decisions (source_l VARCHAR, record_id_l VARCHAR, "
        "source_r VARCHAR, record_id_r VARCHAR, decision VARCHAR, reviewer VARCHAR, decided_on DATE, "
        "imported_at TIMESTAMP)"
    )


# A pair of records whichever way round it was written.
_PAIR = ("least(source_l || chr(31) || record_id_l, source_r || chr(31) || record_id_r), "
         "greatest(source_l || chr(31) || record_id_l, source_r || chr(31) || record_id_r)")

# Two decisions on one pair made the same day and stored by one import (a store from before `import_decisions`
# refused them): not_a_match first, the cautious reading (a wrong merge joins two people's records), so which
# one a refresh applies does not depend on the order the rows are read in.
LATEST_FIRST = f"decided_on DESC, imported_at DESC, decision = '{Decision.NOT_A_MATCH}' DESC"


def latest_decisions_sql(source: str) -> str:
    """The latest decision on each pair in `source`, whichever way round its two records were written."""
    return (f"SELECT * FROM {source} QUALIFY row_number() OVER ("
            f"PARTITION BY {_PAIR} ORDER BY {LATEST_FIRST}) = 1")


def review_edges(con: duckdb.DuckDBPyConnection) -> int:
    """Create `review_edges(description_l, description_r, decision)` from the latest decision per pair.

    Pairs whose records are not in this refresh are skipped (kept in the table for later refreshes).
    """
    source = decisions_source(con)
    if source is None:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE review_edges (description_l BIGINT, description_r BIGINT, "
            "decision VARCHAR)"
        )
        return 0
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE review_edges AS
        WITH latest AS ({latest_decisions_sql(source)})
        SELECT DISTINCT least(a.description_id, b.description_id) AS description_l,
               greatest(a.description_id, b.description_id) AS description_r, d.decision
        FROM latest d
        JOIN record_description a ON a.source = d.source_l AND a.record_id = d.record_id_l
        JOIN record_description b ON b.source = d.source_r AND b.record_id = d.record_id_r
        WHERE a.description_id <> b.description_id
        """
    )
    return con.execute("SELECT count(*) FROM review_edges").fetchall()[0][0]


def export_queue(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Write `review_queue` as CSV with blank decision, reviewer and decided_on columns to fill in."""
    private_dir(path.parent)
    copy_to_csv(con, """
        SELECT *, NULL::VARCHAR AS decision, NULL::VARCHAR AS reviewer, NULL::VARCHAR AS decided_on
        FROM review_queue ORDER BY match_probability DESC, record_key_l, record_key_r""", path)
    return con.execute("SELECT count(*) FROM review_queue").fetchall()[0][0]


def import_decisions(con: duckdb.DuckDBPyConnection, decisions: Path | list[dict[str, str]],
                     queued_only: bool = False) -> ImportSummary:
    """Validate decisions (a CSV file, or rows as a reviewer entered them) and add them to
    `review_decisions`; nothing is stored if any row is bad. `queued_only` refuses a pair the refresh in
    force did not put in the review queue (what a reviewer sees is all a reviewer may decide)."""
    path = decisions if isinstance(decisions, Path) else Path("<decisions entered>")
    if isinstance(decisions, list):
        load_rows(con, "decisions_in", {"line": "BIGINT", **dict.fromkeys(DECISION_COLUMNS, "VARCHAR")},
                  [(n, *(row.get(c) for c in DECISION_COLUMNS)) for n, row in enumerate(decisions, start=2)])
    elif not path.is_file():
        raise ReviewImportError(path, [(0, "-", "file not found")])
    else:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE decisions_in AS
            SELECT row_number() OVER () + 1 AS line, *
            FROM read_csv({sql_str(path)}, header = true, all_varchar = true)
            """
        )
    have = {d[0] for d in con.execute("SELECT * FROM decisions_in LIMIT 0").description}
    missing = [c for c in DECISION_COLUMNS if c not in have]
    if missing:
        raise ReviewImportError(path, [(1, c, "required column missing") for c in missing])
    if not isinstance(decisions, list):  # the queue file as we wrote it: keys read back as the partner sent them
        keys = ("source_l", "record_id_l", "source_r", "record_id_r")
        con.execute("UPDATE decisions_in SET " + ", ".join(f"{quote_ident(k)} = {restore_sql(quote_ident(k))}"
                                                           for k in keys))
    problems = _row_problems(con) + _contradictions(con) + (_not_queued(con) if queued_only else [])
    if problems:
        raise ReviewImportError(path, problems)
    ensure_decisions_table(con)
    con.execute(
        """
        INSERT INTO review_decisions
        SELECT trim(source_l), trim(record_id_l), trim(source_r), trim(record_id_r), lower(trim(decision)),
               trim(reviewer), CAST(decided_on AS DATE), now()::TIMESTAMP
        FROM decisions_in
        """
    )
    counts = con.execute(
        "SELECT count(*), count(*) FILTER (lower(trim(decision)) = 'match') FROM decisions_in"
    ).fetchall()[0]
    total = con.execute("SELECT count(*) FROM review_decisions").fetchall()[0][0]
    return ImportSummary(counts[0], counts[1], counts[0] - counts[1], total)


def _row_problems(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    checks = [
        *[(c, f"coalesce(trim({c}), '') = ''", "blank") for c in DECISION_COLUMNS if c != "decision"],
        ("decision", "coalesce(lower(trim(decision)), '') NOT IN ('match', 'not_a_match')",
         "must be match or not_a_match"),
        ("decided_on", "trim(decided_on) <> '' AND try_strptime(trim(decided_on), '%Y-%m-%d') IS NULL",
         "not a date YYYY-MM-DD"),
    ]
    union = " UNION ALL ".join(
        f"SELECT line, '{col}' AS col, '{why}' AS why FROM decisions_in WHERE {cond}" for col, cond, why in checks
    )
    return [tuple(r) for r in con.execute(f"SELECT * FROM ({union}) ORDER BY line, col").fetchall()]


def _contradictions(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    """Lines deciding a pair the other way from an earlier line of the same import, on the same day: nothing
    says which the reviewer meant (a decision of a later day does replace an earlier one)."""
    return [tuple(r) for r in con.execute(
        f"""
        WITH t AS (
            SELECT line, trim(source_l) AS source_l, trim(record_id_l) AS record_id_l, trim(source_r) AS source_r,
                   trim(record_id_r) AS record_id_r, lower(trim(decision)) AS decision,
                   TRY_CAST(trim(decided_on) AS DATE) AS decided_on
            FROM decisions_in
        ),
        d AS (SELECT line, [{_PAIR}] AS pair, decision, decided_on FROM t)
        SELECT later.line, 'decision',
               'decides the pair of line ' || min(earlier.line) || ' the other way, on the same day'
        FROM d later JOIN d earlier ON earlier.pair = later.pair
            AND earlier.decided_on = later.decided_on AND earlier.decision <> later.decision
            AND earlier.line < later.line
        GROUP BY later.line ORDER BY later.line
        """).fetchall()]


def _not_queued(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, str]]:
    """Lines whose pair is not in the review queue."""
    queue = "review_queue" if has_table(con, "review_queue") else (
        "(SELECT NULL AS source_l, NULL AS record_id_l, NULL AS source_r, NULL AS record_id_r WHERE FALSE)")
    return [tuple(r) for r in con.execute(
        f"SELECT line, 'record_id_l', 'pair not in the review queue' FROM decisions_in d WHERE NOT EXISTS "
        f"(SELECT 1 FROM {queue} q WHERE q.source_l = trim(d.source_l) AND q.record_id_l = trim(d.record_id_l) "
        "AND q.source_r = trim(d.source_r) AND q.record_id_r = trim(d.record_id_r)) ORDER BY line").fetchall()]


QUEUE_PAGE = (
    "SELECT q.*, d.decision AS decided FROM review_queue q LEFT JOIN (SELECT * FROM {decisions} "
    "QUALIFY row_number() OVER (PARTITION BY source_l, record_id_l, source_r, record_id_r "
    f"ORDER BY {LATEST_FIRST}) = 1) d USING (source_l, record_id_l, source_r, record_id_r) "
    "ORDER BY d.decision NULLS FIRST, q.match_probability DESC, q.record_key_l, q.record_key_r LIMIT ? OFFSET ?"
)


def queue_page(con: duckdb.DuckDBPyConnection, limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """`limit` pairs from `offset` in the order a reviewer should look at them (undecided first, most likely
    first), and how many pairs the queue holds; an empty queue when the refresh has none."""
    if not has_table(con, "review_queue"):
        return [], 0
    decisions = "review_decisions" if has_table(con, "review_decisions") else (
        "(SELECT NULL::VARCHAR AS source_l, NULL::VARCHAR AS record_id_l, NULL::VARCHAR AS source_r, "
        "NULL::VARCHAR AS record_id_r, NULL::VARCHAR AS decision, NULL::DATE AS decided_on, "
        "NULL::TIMESTAMP AS imported_at WHERE FALSE)")
    cur = con.execute(QUEUE_PAGE.format(decisions=decisions), [limit, offset])
    names = [d[0] for d in cur.description]
    pairs = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    return pairs, con.execute("SELECT count(*) FROM review_queue").fetchall()[0][0]
