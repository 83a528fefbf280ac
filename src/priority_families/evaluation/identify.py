"""Identification against a synthetic county's ground truth: eligible-family F1 and headline agreement.

Families are mapped by `evaluation.families`, one to one from our side: each of our families in the cohort
is matched to the truth family that most of its members' records belong to; a truth family matched by several
of ours counts once, through the one holding most of its records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from priority_families.core.sql import sql_str
from priority_families.evaluation.families import one_to_one_sql, truth_records_sql, votes_sql
from priority_families.evaluation.truth import TruthError, truth_file


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
        WITH truth AS (
            SELECT family_id AS true_family, "{plan_id}_eligible" = 'true' AS eligible,
                   coalesce("{plan_id}_headlines", '') AS headlines
            FROM read_csv({sql_str(families_csv)}, header = true, all_varchar = true)),
        members AS (  -- our families in the cohort
            SELECT family_id, person_id FROM family_members WHERE family_id IN (SELECT family_id FROM cohort)),
        matched AS {one_to_one_sql(votes_sql(truth_records_sql(truth_file(truth_dir, "records.csv")), "members"),
                                   first="ours")},
        pairs AS (
            SELECT t.true_family, t.eligible AS truth_eligible, t.headlines AS truth_headlines,
                   coalesce(c.eligible, false) AS our_eligible, coalesce(c.headlines, '') AS our_headlines,
                   m.family_id
            FROM truth t LEFT JOIN matched m USING (true_family) LEFT JOIN cohort c USING (family_id))
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
