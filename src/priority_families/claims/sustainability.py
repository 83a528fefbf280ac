"""Sustainability checks after a claim (the plan file's schedule, `Plan.sustainability`): which are due and
overdue for each lead worker, and the sustained and not-sustained results by claim window.

A check is scheduled when the claim is submitted (`casedb.casework.record_claim`) and cancelled when the
claim is withdrawn. On a date D a check still to do is overdue when its date has passed, and due when it
falls within the next `DUE_WITHIN_DAYS` days.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
from django.db.models import QuerySet

from priority_families.casedb.models import Case, ClaimStep, StepKind, SustainabilityCheck
from priority_families.core.sql import load_rows

DUE_WITHIN_DAYS = 31
O = SustainabilityCheck.Outcome


@dataclass(frozen=True)
class CheckToDo:
    worker: str
    family_id: str
    due_on: date
    overdue: bool


def checks_to_do(cases: QuerySet[Case], on: date) -> list[CheckToDo]:
    """The checks of these cases still to do on `on`: overdue, or due within `DUE_WITHIN_DAYS`, by worker."""
    rows = (SustainabilityCheck.objects.filter(case__in=cases, outcome=O.DUE,
                                               due_on__lte=on + timedelta(days=DUE_WITHIN_DAYS))
            .order_by("case__lead_worker__username", "due_on", "case__family_id")
            .values_list("case__lead_worker__username", "case__family_id", "due_on"))
    return [CheckToDo(worker or "(no lead worker)", family, due, due < on) for worker, family, due in rows]


REPORT_HEADER = ("window", "families", "checks_scheduled", "sustained", "not_sustained", "due", "overdue",
                 "cancelled")


def sustainability_by_window(on: date) -> list[tuple]:
    """Per claim window: families with checks, and their checks sustained, not sustained, still due (date not
    passed), overdue, and cancelled by a withdrawal, for the claims submitted by `on` (outcomes as recorded now)."""
    windows = list(ClaimStep.objects.filter(step=StepKind.SUBMITTED, on__lte=on).values_list(
        "claim__family_id", "claim__window"))
    checks = list(SustainabilityCheck.objects.values_list("case__family_id", "due_on", "outcome"))
    con = duckdb.connect()
    try:
        load_rows(con, "submitted", {"family_id": "VARCHAR", "claim_window": "VARCHAR"}, windows)
        load_rows(con, "checks", {"family_id": "VARCHAR", "due_on": "DATE", "outcome": "VARCHAR"}, checks)
        return con.execute(
            "WITH latest AS (SELECT family_id, MAX(claim_window) AS claim_window FROM submitted GROUP BY family_id) "
            "SELECT l.claim_window, COUNT(DISTINCT c.family_id), COUNT(*), "
            "COUNT(*) FILTER (WHERE outcome = 'sustained'), COUNT(*) FILTER (WHERE outcome = 'not_sustained'), "
            "COUNT(*) FILTER (WHERE outcome = 'due' AND due_on >= ?), "
            "COUNT(*) FILTER (WHERE outcome = 'due' AND due_on < ?), "
            "COUNT(*) FILTER (WHERE outcome = 'cancelled') "
            "FROM checks c JOIN latest l USING (family_id) GROUP BY l.claim_window ORDER BY l.claim_window", [on, on]
        ).fetchall()
    finally:
        con.close()


def write_sustainability_report(rows: list[tuple], out: Path) -> Path:
    """OUT/sustainability.csv: one row per claim window."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "sustainability.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_HEADER)
        writer.writerows(rows)
    return path
