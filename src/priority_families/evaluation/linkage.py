"""Measure linkage against a synthetic county's ground truth (`truth/records.csv`).

- Person links, pairwise: every pair of records put in one person by us and/or by the truth;
  precision = pairs we joined that the truth joins, recall = truth pairs we joined.
- Households, B-cubed over true persons: each true person's predicted household is our household holding
  most of its records (`eval_person_household`; a tie goes to the least household id, so the figures do not
  change from run to run); per person precision/recall are the overlaps of its predicted and true household,
  averaged.
- Split families: true families (at the refresh) whose members are spread over more than one of our
  households, each member in its household as for B-cubed; and, stricter, whose members' *records* are (a
  stray record of a member that linkage left as a person of its own, in no household, counts as a household
  of its own).
- Family id stability between two refreshes: among true families the truth says continued
  (`unchanged`/`moved` in `family_lineage.csv`), the share mapped to the same family id of ours in both
  refreshes (each true family to our family holding most of its records, `evaluation.families`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from priority_families.core.sql import sql_str
from priority_families.evaluation.families import best_sql, truth_records_sql, votes_sql
from priority_families.evaluation.truth import truth_file


@dataclass(frozen=True)
class LinkageEvaluation:
    records: int
    records_in_truth: int
    true_persons: int
    predicted_persons: int
    pair_precision: float
    pair_recall: float
    pair_f1: float
    household_precision: float
    household_recall: float
    household_f1: float
    true_families: int = 0
    families_split: int = 0
    families_split_records: int = 0

    @property
    def split_share(self) -> float:
        return self.families_split / self.true_families if self.true_families else 0.0


def _load_truth(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> None:
    path = sql_str(truth_file(truth_dir, "records.csv"))
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE truth_records AS
        SELECT source, record_id, person_id AS true_person, household_id AS true_household,
               nullif(family_id, '') AS true_family
        FROM read_csv({path}, header = true, all_varchar = true)
        """
    )


def _person_households(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP `eval_person_household(true_person, true_household, household_id)`: each true person in our
    household holding most of its records ('none:<person>' when none of its records is in a household).

    A true person that linkage split into two of ours in two households may have as many records in each;
    `mode()` would then pick whichever the hash table met first, so the split-family count moved between runs
    on the same store (3 then 4 at 20,000 people). The tie goes to the least household id, as every tie in
    the evaluation does (`evaluation.families`): arbitrary but the same every run and on every engine.
    """
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE eval_person_household AS
        WITH votes AS (
            SELECT true_person, household_id, count(*) AS n FROM eval_records
            WHERE household_id IS NOT NULL GROUP BY ALL
        ),
        best AS (SELECT true_person, first(household_id ORDER BY n DESC, household_id) AS household_id
                 FROM votes GROUP BY true_person)
        SELECT p.true_person, p.true_household, coalesce(b.household_id, 'none:' || p.true_person) AS household_id
        FROM (SELECT true_person, min(true_household) AS true_household FROM eval_records GROUP BY true_person) p
        LEFT JOIN best b USING (true_person)
        """
    )


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_linkage(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> LinkageEvaluation:
    """Compare `record_person` and `person_household` in the store with the truth."""
    _load_truth(con, truth_dir)
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE eval_records AS
        SELECT rp.record_key, rp.person_id, t.true_person, t.true_household, t.true_family, ph.household_id
        FROM record_person rp
        JOIN truth_records t ON t.source = rp.source AND t.record_id = rp.record_id
        LEFT JOIN person_household ph ON ph.person_id = rp.person_id
        """
    )
    _person_households(con)
    pairs = con.execute(
        """
        WITH both_ AS (SELECT count(*) AS n FROM eval_records GROUP BY person_id, true_person),
        pred AS (SELECT count(*) AS n FROM eval_records GROUP BY person_id),
        truth AS (SELECT count(*) AS n FROM eval_records GROUP BY true_person)
        SELECT (SELECT sum(n * (n - 1) / 2) FROM both_), (SELECT sum(n * (n - 1) / 2) FROM pred),
               (SELECT sum(n * (n - 1) / 2) FROM truth)
        """
    ).fetchall()[0]
    agreed, predicted, true = (float(x or 0) for x in pairs)
    precision = agreed / predicted if predicted else 1.0
    recall = agreed / true if true else 1.0
    household = con.execute(
        """
        WITH items AS (SELECT true_person, true_household, household_id FROM eval_person_household),
        pred AS (SELECT household_id, count(*) AS n FROM items GROUP BY household_id),
        truth AS (SELECT coalesce(true_household, 'none:' || true_person) AS th, true_person FROM items),
        truth_size AS (SELECT th, count(*) AS n FROM truth GROUP BY th),
        overlap AS (
            SELECT i.household_id, t.th, count(*) AS n
            FROM items i JOIN truth t USING (true_person) GROUP BY ALL
        )
        SELECT sum(o.n * o.n / p.n) / sum(o.n), sum(o.n * o.n / s.n) / sum(o.n)
        FROM overlap o JOIN pred p USING (household_id) JOIN truth_size s USING (th)
        """
    ).fetchall()[0]
    counts = con.execute(
        """
        SELECT (SELECT count(*) FROM record_person), (SELECT count(*) FROM eval_records),
               (SELECT count(DISTINCT true_person) FROM eval_records),
               (SELECT count(DISTINCT person_id) FROM eval_records)
        """
    ).fetchall()[0]
    split = con.execute(
        """
        WITH member AS (
            SELECT DISTINCT e.true_family, e.true_person, ph.household_id
            FROM eval_records e JOIN eval_person_household ph USING (true_person) WHERE e.true_family IS NOT NULL
        ),
        by_member AS (SELECT true_family, count(DISTINCT household_id) AS n FROM member GROUP BY true_family),
        by_record AS (
            SELECT true_family, count(DISTINCT coalesce(household_id, 'none:' || person_id)) AS n
            FROM eval_records WHERE true_family IS NOT NULL GROUP BY true_family
        )
        SELECT count(*), count(*) FILTER (m.n > 1), count(*) FILTER (r.n > 1)
        FROM by_member m JOIN by_record r USING (true_family)
        """
    ).fetchall()[0]
    hp, hr = float(household[0] or 0), float(household[1] or 0)
    return LinkageEvaluation(*counts, precision, recall, _f1(precision, recall), hp, hr, _f1(hp, hr), *split)


@dataclass(frozen=True)
class StabilityEvaluation:
    continuing_families: int
    same_id: int

    @property
    def share(self) -> float:
        return self.same_id / self.continuing_families if self.continuing_families else 1.0


def family_id_stability(
    before: duckdb.DuckDBPyConnection, before_truth: Path, after: duckdb.DuckDBPyConnection, after_truth: Path
) -> StabilityEvaluation:
    """Share of truly continuing families mapped to the same family id of ours in both stores."""
    lineage = sql_str(truth_file(after_truth, "family_lineage.csv"))
    ours: dict[str, Any] = {}
    for label, con, truth_dir in (("before", before, before_truth), ("after", after, after_truth)):
        votes = votes_sql(truth_records_sql(truth_file(truth_dir, "records.csv")))
        ours[label] = con.sql(f"SELECT true_family, family_id FROM {best_sql(votes, per='truth')}").to_arrow_table()
    work = duckdb.connect()
    work.register("ours_before", ours["before"])
    work.register("ours_after", ours["after"])
    row = work.execute(
        f"""
        SELECT count(*), count(*) FILTER (b.family_id = a.family_id)
        FROM read_csv({lineage}, header = true, all_varchar = true) l
        JOIN ours_before b ON b.true_family = l.previous_family_id
        LEFT JOIN ours_after a ON a.true_family = l.family_id
        WHERE l.change IN ('unchanged', 'moved')
        """
    ).fetchall()[0]
    work.close()
    return StabilityEvaluation(int(row[0]), int(row[1]))
