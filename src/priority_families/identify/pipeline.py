"""The full identification refresh: ingest, linkage, households, indicators, eligibility and priority.

All of it runs inside ONE `Workspace.publishing(fresh=True)`, so the published store changes only when
the whole refresh has succeeded; the output files are written from the published store afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from priority_families.engine import Workspace
from priority_families.households import HouseholdSummary, build_households
from priority_families.identify.outputs import OutputFiles, write_outputs
from priority_families.identify.run import IdentifySummary, identify_families
from priority_families.ingest.refresh import IngestReport, ingest_extracts
from priority_families.linkage import Linker, LinkSummary, link_records
from priority_families.plans.loader import load_plan, load_plan_text
from priority_families.reports.workbook import write_workbook

Step = Callable[[str], None]
STEPS = ("ingest", "linkage", "households", "identification", "outputs", "workbook")


@dataclass(frozen=True)
class RefreshResult:
    ingest: IngestReport
    linkage: LinkSummary
    households: HouseholdSummary
    identify: IdentifySummary
    outputs: OutputFiles
    workbook: Path
    rejects_csv: Path


def run_refresh(
    workspace: Workspace,
    extracts: Path,
    plan_ref: str | Path,
    out: Path,
    as_of: date | None = None,
    linker: Linker | None = None,
    step: Step | None = None,
) -> RefreshResult:
    """Identify families from a folder of extracts under a plan, publish atomically, write OUT files."""
    step = step or (lambda _name: None)
    plan = load_plan(plan_ref)  # fail on a bad plan before touching anything
    plan_text = load_plan_text(plan_ref)
    with workspace.publishing(fresh=True) as con:
        step("ingest")
        report = ingest_extracts(con, Path(extracts), as_of)
        step("linkage")
        linked = link_records(con, report.as_of, linker=linker)
        step("households")
        households = build_households(con, report.as_of)
        step("identification")
        identified = identify_families(con, plan, report.as_of, plan_text=plan_text)
    rejects_csv = workspace.path / "rejects.csv"
    with workspace.connect() as con:
        step("outputs")
        con.execute(f"COPY (SELECT * FROM rejects ORDER BY file, line, \"column\") TO "
                    f"'{str(rejects_csv).replace(chr(39), chr(39) * 2)}' (HEADER, DELIMITER ',')")
        files = write_outputs(con, Path(out))
        step("workbook")
        book = write_workbook(con, Path(out) / "cohort.xlsx", plan.id, report.as_of.isoformat())
    return RefreshResult(report, linked, households, identified, files, book, rejects_csv)
