"""Write a run's outputs (cohort, members, evidence) as CSV straight from the store with DuckDB's COPY.

Every row points back at the partner's own key `(source, record_id)`, so a caseworker or auditor can
find the record that put a family in (or out of) the cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from priority_families.core.export import copy_to_csv
from priority_families.core.files import private_dir

COHORT_COLUMNS = ("family_id", "eligible", "headlines", "headline_count", "priority", "members", "area",
                  "estimated_cost")
MEMBERS_COLUMNS = ("family_id", "person_id", "source", "record_id")
EVIDENCE_COLUMNS = ("family_id", "headline", "indicator", "person_id", "source", "record_id", "date", "value")

COHORT_SQL = f"SELECT {', '.join(COHORT_COLUMNS)} FROM cohort ORDER BY priority DESC, family_id"
MEMBERS_SQL = (
    "SELECT fm.family_id, fm.person_id, r.source, r.record_id FROM family_members fm "
    "JOIN record_person rp ON rp.person_id = fm.person_id JOIN records r ON r.record_key = rp.record_key "
    "ORDER BY fm.family_id, fm.person_id, r.source, r.record_id"
)
EVIDENCE_SQL = (
    "SELECT family_id, headline, indicator, person_id, source, record_id, fact_date AS date, value "
    "FROM indicator_hits ORDER BY family_id, headline, indicator, person_id, fact_date, source, record_id"
)


@dataclass(frozen=True)
class OutputFiles:
    cohort: Path
    members: Path
    evidence: Path


def write_outputs(con: duckdb.DuckDBPyConnection, out: Path) -> OutputFiles:
    """Write cohort.csv, members.csv and evidence.csv into `out`."""
    private_dir(out)
    files = OutputFiles(out / "cohort.csv", out / "members.csv", out / "evidence.csv")
    copy_to_csv(con, COHORT_SQL, files.cohort)
    copy_to_csv(con, MEMBERS_SQL, files.members)
    copy_to_csv(con, EVIDENCE_SQL, files.evidence)
    return files
