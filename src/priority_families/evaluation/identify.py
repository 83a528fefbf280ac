"""Identification against a synthetic county's ground truth: eligible-family F1 and headline agreement.

Families are named differently by the product and by the truth, so each of our families is matched to the
truth family that most of its members' records belong to (majority of records, the rule `pf evaluate claims`
uses too). A truth family matched by several of ours counts once, through the one holding most of its records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from priority_families.core.sql import sql_str
from priority_families.evaluation.linkage import TruthError, truth_file


@dataclass(frozen=True)
class IdentificationEvaluation:
    plan_id: str
    families: int  # our families
    truth_families: int
    matched: int  # truth families matched by one of ours
    eligible_ours: int
    eligible_truth: int
    eligible_both: int
    same_headlines: int  # matched families, eligible in either, whose headline sets are identical
    compared_headlines: int

    @property
    def precision(self) -> float:
        return self.eligible_both / self.eligible_ours if self.eligible_ours else 1.0

    @property
    def recall(self) -> float:
        return self.eligible_both / self.eligible_truth if self.eligible_truth else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def headline_agreement(self) -> float:
        return self.same_headlines / self.compared_headlines if self.compared_headlines else 1.0


def evaluate_identification(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> IdentificationEvaluation:
    """Compare the published cohort with `truth/families.csv` under the plan the cohort was made with."""
    (plan_id,) = con.execute("SELECT plan_id FROM identify_run").fetchone()
    families_csv = truth_file(truth_dir, "families.csv")
    truth_columns = {r[0] for r in con.execute(
        f"DESCRIBE SELECT * FROM read_csv({sql_str(families_csv)}, header = true, all_varchar = true)"
    ).fetchall()}
    if f"{plan_id}_eligible" not in truth_columns:
        raise TruthError(f"the truth has no verdicts under {plan_id}")
    row = con.execute(
        f"""
        WITH truth_records AS (
            SELECT source, record_id, family_id AS truth_family
            FROM read_csv({sql_str(truth_file(truth_dir, "records.csv"))}, header = true, all_varchar = true)
            WHERE family_id IS NOT NULL AND family_id <> ''),
        truth AS (
            SELECT family_id AS truth_family, "{plan_id}_eligible" = 'true' AS eligible,
                   coalesce("{plan_id}_headlines", '') AS headlines
            FROM read_csv({sql_str(families_csv)}, header = true, all_varchar = true)),
        votes AS (
            SELECT fm.family_id, t.truth_family, count(*) AS n
            FROM family_members fm JOIN record_person rp USING (person_id)
            JOIN truth_records t ON t.source = rp.source AND t.record_id = rp.record_id
            GROUP BY ALL),
        ours AS (
            SELECT c.family_id, c.eligible, coalesce(c.headlines, '') AS headlines,
                   arg_max(v.truth_family, v.n) AS truth_family, max(v.n) AS n
            FROM cohort c LEFT JOIN votes v USING (family_id) GROUP BY ALL),
        matched AS (  -- one of ours per truth family: the one holding most of its records
            SELECT * FROM ours WHERE truth_family IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY truth_family ORDER BY n DESC, family_id) = 1),
        pairs AS (
            SELECT t.truth_family, t.eligible AS truth_eligible, t.headlines AS truth_headlines,
                   coalesce(m.eligible, false) AS our_eligible, m.headlines AS our_headlines, m.family_id
            FROM truth t LEFT JOIN matched m USING (truth_family))
        SELECT
            (SELECT count(*) FROM cohort),
            (SELECT count(*) FROM truth),
            count(family_id),
            (SELECT count(*) FILTER (WHERE eligible) FROM cohort),
            count(*) FILTER (WHERE truth_eligible),
            count(*) FILTER (WHERE truth_eligible AND our_eligible),
            count(*) FILTER (WHERE (truth_eligible OR our_eligible) AND family_id IS NOT NULL
                             AND list_sort(string_split(truth_headlines, ';'))
                                 = list_sort(string_split(our_headlines, ';'))),
            count(*) FILTER (WHERE (truth_eligible OR our_eligible) AND family_id IS NOT NULL)
        FROM pairs
        """
    ).fetchone()
    return IdentificationEvaluation(plan_id, *row)
