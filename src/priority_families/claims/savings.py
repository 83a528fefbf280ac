"""The cost-savings calculator: what each family's recorded events cost the public purse in the 12
months before attachment and the 12 months after, from a unit-cost table kept as data.

Unit costs (`unit_costs.csv`, or the council's own file) give a value per event or per week of an open
spell, with its price year and source; the shipped starter values are ILLUSTRATIVE, in the spirit of the
New Economy Unit Cost Database, and must be replaced with verified figures before use. Costs are summed
in SQL over the latest refresh's records of the members frozen at attachment. A family whose 12 months
after attachment have not yet passed at the refresh date is reported but left out of the cohort totals.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from priority_families.casedb.models import Attachment
from priority_families.core.engine import Workspace
from priority_families.outcomes.progress import build_evaluation_records, load_case_record
from priority_families.refresh import refresh_in_force

DEFAULT_UNIT_COSTS = "unit_costs.csv"


class CostUnit(StrEnum):
    PER_EVENT = "per_event"
    PER_WEEK = "per_week"


class UnitCost(BaseModel):
    fact: str
    kind: str = ""
    unit: CostUnit
    value: float = Field(ge=0)
    price_year: int = Field(ge=1990, le=2100)
    source: str
    illustrative: bool


class SavingsError(ValueError):
    """A unit-cost file or sample request is not usable (names the file and line)."""


def load_unit_costs(path: Path | None = None) -> list[UnitCost]:
    """Read a unit-cost table; each bad row is reported with its file and line."""
    source = path if path is not None else resources.files("priority_families.claims").joinpath(DEFAULT_UNIT_COSTS)
    name = str(path or DEFAULT_UNIT_COSTS)
    costs, problems = [], []
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                costs.append(UnitCost(**{**row, "illustrative": row.get("illustrative", "").strip() == "yes"}))
            except ValueError as exc:
                problems.append(f"{name}:{reader.line_num}: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}"
                                if hasattr(exc, "errors") else f"{name}:{reader.line_num}: {exc}")
    if problems:
        raise SavingsError("\n".join(problems))
    return costs


@dataclass(frozen=True)
class SavingsReport:
    families: list[tuple]  # family_id, attached_on, complete, cost_before, cost_after, saving
    cohort: tuple  # families, cost_before, cost_after, saving (complete families only)
    illustrative: bool


def _sample_sql(sample: str | None, seed: int) -> str:
    """'80' -> 80 families, '25%' -> a quarter of them, chosen reproducibly by a seeded hash."""
    order = f"ORDER BY HASH(family_id || '-{int(seed)}'), family_id"
    if sample is None:
        return "SELECT family_id FROM att"
    text = sample.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1]) / 100
            if not 0 < share <= 1:
                raise ValueError
            return f"SELECT family_id FROM att {order} LIMIT CAST(CEIL({share} * (SELECT COUNT(*) FROM att)) AS BIGINT)"
        n = int(text)
        if n <= 0:
            raise ValueError
    except ValueError:
        raise SavingsError(f"sample {sample!r} must be a number of families or a percentage like 25%") from None
    return f"SELECT family_id FROM att {order} LIMIT {n}"


def _costs_sql(costs: list[UnitCost]) -> str:
    rows = ", ".join(
        f"('{c.fact}', '{c.kind}', '{c.unit.value}', {c.value!r})" for c in costs
    )
    return f"SELECT * FROM (VALUES {rows}) AS u(fact, kind, unit, value)"


def savings_report(workspace: Workspace, costs: list[UnitCost], sample: str | None = None,
                   seed: int = 0) -> SavingsReport:
    """Cost of each attached family's events 12 months before and after attachment, and the saving."""
    attachments = list(Attachment.objects.all())
    con = workspace.connect()
    try:
        load_case_record(con, attachments)
        build_evaluation_records(con)
        refresh_as_of = refresh_in_force(con).as_of
        sample_sql = _sample_sql(sample, seed)
        spell_days = ("GREATEST(0, DATE_DIFF('day', GREATEST(r.start_date, w.lo + 1), "
                      "LEAST(COALESCE(r.end_date, w.hi), w.hi)) + 1)")
        con.execute(
            "CREATE TEMP TABLE family_costs AS "
            f"WITH chosen AS ({sample_sql}), "
            "windows AS (SELECT a.family_id, a.attached_on, 'before' AS side, "
            "CAST(a.attached_on - INTERVAL 12 MONTH AS DATE) AS lo, a.attached_on AS hi FROM att a "
            "UNION ALL SELECT a.family_id, a.attached_on, 'after', a.attached_on, "
            "CAST(a.attached_on + INTERVAL 12 MONTH AS DATE) FROM att a), "
            f"costed AS (SELECT w.family_id, w.side, CASE WHEN u.unit = 'per_event' THEN u.value "
            f"ELSE u.value * {spell_days} / 7.0 END AS cost FROM windows w "
            "JOIN ev_records r ON r.family_id = w.family_id "
            f"JOIN ({_costs_sql(costs)}) u ON u.fact = r.fact AND (u.kind = '' OR u.kind = r.kind) "
            "WHERE (u.unit = 'per_event' AND r.fact_date > w.lo AND r.fact_date <= w.hi) "
            "OR (u.unit = 'per_week' AND r.start_date <= w.hi AND (r.end_date IS NULL OR r.end_date > w.lo))) "
            "SELECT a.family_id, a.attached_on, "
            "CAST(a.attached_on + INTERVAL 12 MONTH AS DATE) <= ? AS complete, "
            "ROUND(COALESCE(SUM(c.cost) FILTER (WHERE c.side = 'before'), 0), 2) AS cost_before, "
            "ROUND(COALESCE(SUM(c.cost) FILTER (WHERE c.side = 'after'), 0), 2) AS cost_after "
            "FROM att a JOIN chosen s ON s.family_id = a.family_id LEFT JOIN costed c ON c.family_id = a.family_id "
            "GROUP BY a.family_id, a.attached_on ORDER BY a.family_id",
            [refresh_as_of])
        families = con.execute("SELECT *, ROUND(cost_before - cost_after, 2) AS saving FROM family_costs").fetchall()
        cohort = con.execute(
            "SELECT COUNT(*), COALESCE(SUM(cost_before), 0), COALESCE(SUM(cost_after), 0), "
            "COALESCE(SUM(cost_before - cost_after), 0) FROM family_costs WHERE complete").fetchall()[0]
    finally:
        con.close()
    return SavingsReport(families, cohort, any(c.illustrative for c in costs))


def unit_cost_table(costs: list[UnitCost]) -> list[tuple]:
    """Rows for display: fact, kind, unit, value, price year, source, illustrative."""
    return [(c.fact, c.kind, c.unit.value, c.value, c.price_year, c.source, c.illustrative) for c in costs]

