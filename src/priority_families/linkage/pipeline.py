"""Resolve records into persons: the `Linker` seam, its Splink/DuckDB and ground-truth implementations,
and `link_records`, which writes `record_person`, `persons`, `link_pairs` and `review_queue`.

A `Linker` only has to say which records belong together (`record_cluster`); stable person ids, the
person table and the review queue are built the same way whatever engine clustered the records, so a
Spark implementation can slot in without touching callers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

import duckdb

from priority_families.core.sql import has_table, sql_str
from priority_families.linkage import guards, prepare, review
from priority_families.linkage.clustering import cluster_descriptions, cluster_edges
from priority_families.linkage.ids import IdKind, assign_ids, ensure_lineage
from priority_families.linkage.model import PairScorer, score_descriptions
from priority_families.linkage.previous import has_columns, previous_table
from priority_families.linkage.settings import LinkageSettings

Step = Callable[[str], None]


class LinkageError(RuntimeError):
    """Linkage could not run (missing input tables, bad truth file); the store is unchanged."""


@dataclass
class LinkResult:
    """What a `Linker` leaves behind: TEMP table `record_cluster(record_key, cluster_key)` and counts."""

    descriptions: int = 0
    pairs_scored: int = 0
    pairs_matched: int = 0
    pairs_in_review: int = 0
    identifier_links: int = 0
    guarded: int = 0
    decisions_applied: int = 0
    trained: bool = False
    natural_ids: bool = False
    notes: list[str] = field(default_factory=list)


class Linker(Protocol):
    """One way of deciding which records describe the same person."""

    name: str

    def link(self, con: duckdb.DuckDBPyConnection, settings: LinkageSettings, step: Step) -> LinkResult:
        """Create TEMP `record_cluster(record_key BIGINT, cluster_key VARCHAR)` covering every record."""
        ...


@dataclass(frozen=True)
class LinkSummary:
    records: int
    persons: int
    result: LinkResult
    linker: str
    seconds: float


class SplinkDuckDBLinkage:
    """Deterministic identifier links, then Splink 5 on DuckDB, guards, reviewer decisions, clustering."""

    name = "splink-duckdb"

    def __init__(self, scorer: PairScorer | None = None) -> None:
        self.scorer = scorer  # None: block and score on DuckDB; else where the scorer runs (Spark)

    def link(self, con: duckdb.DuckDBPyConnection, settings: LinkageSettings, step: Step) -> LinkResult:
        result = LinkResult()
        step("describing records")
        result.descriptions = prepare.describe_records(con)
        result.identifier_links = prepare.identifier_edges(con)
        step("scoring pairs (Splink)")
        scored = score_descriptions(con, "link_descriptions", "scored_pairs", settings, self.scorer)
        result.pairs_scored, result.trained = scored.pairs, scored.trained
        result.guarded = guards.apply_guards(con, "scored_pairs", settings, scored.dob.family_share)
        result.decisions_applied = review.review_edges(con)
        step("clustering")
        cluster_edges(con, settings)
        cluster_descriptions(con, settings)
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE record_cluster AS
            SELECT d.record_key, CAST(c.component AS VARCHAR) AS cluster_key
            FROM record_description d JOIN description_cluster c ON c.node = d.description_id
            """
        )
        result.pairs_matched = con.execute(
            "SELECT count(*) FROM cluster_edges WHERE route = 'model'"
        ).fetchall()[0][0]
        _write_pairs(con, settings)
        result.pairs_in_review = con.execute("SELECT count(*) FROM review_queue").fetchall()[0][0]
        return result


def _write_pairs(con: duckdb.DuckDBPyConnection, settings: LinkageSettings) -> None:
    """`link_pairs` (every stored pair with its route) and `review_queue` (the undecided uncertain band, each
    pair with `why` it is there: scored below the match threshold, or one record fits two people equally).

    Pair keys are the record keys that stand for each description (the smallest record key).
    """
    con.execute(
        """
        CREATE OR REPLACE TABLE link_pairs AS
        SELECT unique_id_l AS record_key_l, unique_id_r AS record_key_r, match_probability, match_weight,
               CASE WHEN guarded THEN 'guarded' ELSE 'model' END AS route
        FROM scored_pairs
        UNION ALL SELECT description_l, description_r, 1.0, NULL, 'identifier' FROM identifier_edges
        UNION ALL SELECT description_l, description_r, CASE WHEN decision = 'match' THEN 1.0 ELSE 0.0 END,
               NULL, 'review:' || decision FROM review_edges
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TABLE review_queue AS
        SELECT s.unique_id_l AS record_key_l, s.unique_id_r AS record_key_r,
               s.match_probability, s.match_weight,
               rl.source AS source_l, rl.record_id AS record_id_l, rr.source AS source_r,
               rr.record_id AS record_id_r,
               l.first_name AS first_name_l, r.first_name AS first_name_r,
               l.last_name AS last_name_l, r.last_name AS last_name_r,
               l.dob AS dob_l, r.dob AS dob_r, l.sex AS sex_l, r.sex AS sex_r,
               l.address AS address_l, r.address AS address_r, l.postcode AS postcode_l, r.postcode AS postcode_r,
               CASE WHEN s.match_probability < {settings.match_probability} THEN 'below_match'
                    ELSE 'fits_two_people' END AS why
        FROM scored_pairs s
        JOIN link_descriptions l ON l.unique_id = s.unique_id_l
        JOIN link_descriptions r ON r.unique_id = s.unique_id_r
        JOIN records rl ON rl.record_key = s.unique_id_l
        JOIN records rr ON rr.record_key = s.unique_id_r
        JOIN description_cluster cl ON cl.node = s.unique_id_l
        JOIN description_cluster cr ON cr.node = s.unique_id_r
        WHERE NOT s.guarded AND cl.component <> cr.component
          AND s.match_probability >= {settings.review_probability}
          AND (s.match_probability < {settings.match_probability}
               OR s.unique_id_l IN (SELECT node FROM ambiguous) OR s.unique_id_r IN (SELECT node FROM ambiguous))
          AND NOT EXISTS (
              SELECT 1 FROM review_edges e
              WHERE e.description_l = least(s.unique_id_l, s.unique_id_r)
                AND e.description_r = greatest(s.unique_id_l, s.unique_id_r))
        """
    )


class TruthLinkage:
    """Perfect linkage from a synthetic county's `truth/records.csv` (joined on source, record_id).

    For testing later stages with linkage taken out of the question. Person ids are the truth's.
    """

    name = "truth"

    def __init__(self, truth_dir: Path) -> None:
        self.truth_file = Path(truth_dir) / "records.csv"
        if not self.truth_file.is_file():
            self.truth_file = Path(truth_dir) / "truth" / "records.csv"

    def link(self, con: duckdb.DuckDBPyConnection, settings: LinkageSettings, step: Step) -> LinkResult:
        if not self.truth_file.is_file():
            raise LinkageError(f"no truth records file at {self.truth_file}")
        step("reading truth")
        path = sql_str(self.truth_file)
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE record_cluster AS
            SELECT r.record_key, coalesce(t.person_id, 'unmatched-' || r.record_key) AS cluster_key
            FROM records r LEFT JOIN (
                SELECT DISTINCT source, record_id, person_id
                FROM read_csv({path}, header = true, all_varchar = true)
            ) t ON t.source = r.source AND t.record_id = r.record_id
            """
        )
        unmatched = con.execute(
            "SELECT count(*) FROM record_cluster WHERE cluster_key LIKE 'unmatched-%'"
        ).fetchall()[0][0]
        for table in ("link_pairs", "review_queue"):
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT NULL::BIGINT AS record_key_l, "
                        "NULL::BIGINT AS record_key_r, NULL::DOUBLE AS match_probability, "
                        "NULL::DOUBLE AS match_weight, NULL::VARCHAR AS route WHERE false")
        notes = [f"{unmatched} records not in truth, each kept as its own person"] if unmatched else []
        return LinkResult(natural_ids=True, notes=notes)


def link_records(
    con: duckdb.DuckDBPyConnection,
    as_of: date,
    settings: LinkageSettings | None = None,
    linker: Linker | None = None,
    step: Step | None = None,
) -> LinkSummary:
    """Resolve every record in `records` to one person, keeping person ids stable across refreshes."""
    started = time.perf_counter()
    settings = settings or LinkageSettings()
    linker = linker or SplinkDuckDBLinkage()
    step = step or (lambda _message: None)
    _require_records(con)
    _snapshot_previous_persons(con)
    result = linker.link(con, settings, step)
    step("assigning person ids")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE person_groups AS
        SELECT c.cluster_key AS group_key, r.source || chr(31) || r.record_id AS member
        FROM record_cluster c JOIN records r USING (record_key)
        """
    )
    if result.natural_ids:
        con.execute("CREATE OR REPLACE TEMP TABLE person_ids AS "
                    "SELECT DISTINCT group_key, group_key AS id FROM person_groups")
    else:
        ensure_lineage(con, previous_table(con, "id_lineage"))
        assign_ids(con, IdKind.PERSON, "person_groups", "prev_person_members", as_of, "person_ids")
    con.execute(
        """
        CREATE OR REPLACE TABLE record_person AS
        SELECT c.record_key, i.id AS person_id, r.source, r.record_id
        FROM record_cluster c JOIN person_ids i ON i.group_key = c.cluster_key
        JOIN records r USING (record_key)
        ORDER BY c.record_key
        """
    )
    _write_persons(con)
    if not result.natural_ids and review.decisions_source(con) is None:
        review.ensure_decisions_table(con)
    records, persons = con.execute(
        "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM persons)"
    ).fetchall()[0]
    return LinkSummary(records, persons, result, linker.name, time.perf_counter() - started)


def _require_records(con: duckdb.DuckDBPyConnection) -> None:
    if not has_table(con, "records"):
        raise LinkageError("no `records` table in the store: run `pf ingest` first")


def _snapshot_previous_persons(con: duckdb.DuckDBPyConnection) -> None:
    """Copy the previous refresh's person membership before this run replaces `record_person`."""
    table = previous_table(con, "record_person")
    if table and has_columns(con, table, {"person_id", "source", "record_id"}):
        select = f"SELECT person_id AS id, source || chr(31) || record_id AS member FROM {table}"
    else:
        select = "SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS member WHERE false"
    con.execute(f"CREATE OR REPLACE TEMP TABLE prev_person_members AS {select}")


def _best(column: str, alias: str) -> str:
    """The most frequent non-blank value of `column` per person (ties: the smallest value)."""
    return f"""{alias}_best AS (
        SELECT person_id, first({column} ORDER BY n DESC, {column}) AS {alias} FROM (
            SELECT person_id, {column}, count(*) AS n FROM rp WHERE {column} IS NOT NULL GROUP BY ALL
        ) GROUP BY person_id)"""


def _write_persons(con: duckdb.DuckDBPyConnection) -> None:
    """`persons`: best name, dob and sex, and the current address (most recent dated record with an
    address line; ties to the record with a UPRN). `place_id` is filled by `build_households`."""
    con.execute(
        f"""
        CREATE OR REPLACE TABLE persons AS
        WITH rp AS (
            SELECT p.person_id, r.record_key, r.first_name_std, r.last_name_std, r.dob, r.sex_std, r.address_std,
                   r.postcode_std, r.uprn, r.event_date
            FROM records r JOIN record_person p USING (record_key)
        ),
        {_best('first_name_std', 'first_name')},
        {_best('last_name_std', 'last_name')},
        {_best('dob', 'dob')},
        {_best('sex_std', 'sex')},
        current_address AS (
            SELECT person_id, record_key AS current_record_key, address_std, postcode_std, uprn FROM rp
            WHERE address_std IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY person_id
                ORDER BY event_date DESC NULLS LAST, (uprn IS NOT NULL) DESC, record_key) = 1
        ),
        counts AS (SELECT person_id, count(*) AS records FROM rp GROUP BY person_id)
        SELECT c.person_id, f.first_name, l.last_name, d.dob, s.sex, a.address_std, a.postcode_std, a.uprn,
               NULL::VARCHAR AS place_id, a.current_record_key, c.records
        FROM counts c
        LEFT JOIN first_name_best f USING (person_id)
        LEFT JOIN last_name_best l USING (person_id)
        LEFT JOIN dob_best d USING (person_id)
        LEFT JOIN sex_best s USING (person_id)
        LEFT JOIN current_address a USING (person_id)
        ORDER BY c.person_id
        """
    )
