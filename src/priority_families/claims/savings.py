"""The cost-savings calculator: what each family's recorded events cost the public purse in the 12
months before attachment and the 12 months after, from a unit-cost table kept as data, and the saving net of
the cost of the service that worked with the family.

Seed 002 asks for the calculator on "a random sample of 80 families from the first Phase" and "a further
random 25% sample of families who enter the Programme in 2014/15"; seed 000 reports savings "after deducting
cost of service". So the families costed are chosen by phase (the Outcomes Plan an attachment was made under,
mapped to phases by the financial plan: decision 10), by entry year (the financial year of attachment), and by
a count or a share drawn reproducibly with a seed. Every unit cost, and the cost of service, carries its price
year and is uprated to one price year with a deflator table kept as data (`deflators.csv`, illustrative).

Unit costs (`unit_costs.csv`, or the council's own file) give a value per event or per week of an open
spell, with its price year and source; the shipped starter values are ILLUSTRATIVE, in the spirit of the
New Economy Unit Cost Database, and must be replaced with verified figures before use. Costs are summed
in SQL over the latest refresh's records of the members frozen at attachment. A family whose 12 months
after attachment have not yet passed at the refresh date is reported but left out of the cohort totals.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from priority_families.casedb.models import Attachment
from priority_families.claims.spend import Posting
from priority_families.core.calendar import financial_year_sql
from priority_families.core.engine import Workspace
from priority_families.core.sql import in_list, sql_str
from priority_families.outcomes.progress import build_evaluation_records, load_case_record
from priority_families.plans.finance import FinancialPlan
from priority_families.refresh import refresh_in_force

DEFAULT_UNIT_COSTS = "unit_costs.csv"
DEFAULT_DEFLATORS = "deflators.csv"
YEAR = re.compile(r"^\d{4}-\d{2}$")


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


class Deflator(BaseModel):
    year: int = Field(ge=1990, le=2100)
    index: float = Field(gt=0)
    source: str
    illustrative: bool


def load_deflators(path: Path | None = None) -> dict[int, Deflator]:
    """Read a deflator table (year, index, source, illustrative); each bad row is reported with file and line."""
    source = path if path is not None else resources.files("priority_families.claims").joinpath(DEFAULT_DEFLATORS)
    name = str(path or DEFAULT_DEFLATORS)
    found: dict[int, Deflator] = {}
    problems = []
    with source.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                d = Deflator(**{**row, "illustrative": row.get("illustrative", "").strip() == "yes"})
            except ValidationError as exc:
                problems.append(f"{name}:{reader.line_num}: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}")
                continue
            if d.year in found:
                problems.append(f"{name}:{reader.line_num}: year: {d.year} appears twice")
            found[d.year] = d
    if problems:
        raise SavingsError("\n".join(problems))
    return found


def uprating(from_year: int, to_year: int, deflators: dict[int, Deflator]) -> float:
    """The factor that takes a price of `from_year` to the prices of `to_year`."""
    missing = sorted({from_year, to_year} - set(deflators))
    if missing:
        raise SavingsError(f"the deflator table has no index for {missing}: cannot uprate {from_year} prices "
                           f"to {to_year}")
    return deflators[to_year].index / deflators[from_year].index


@dataclass(frozen=True)
class ServiceCost:
    """What working with one family costs, in `price_year` prices, and where the figure comes from."""

    per_family: float
    price_year: int
    source: str
    illustrative: bool


@dataclass(frozen=True)
class Selection:
    """Which attached families are costed: a phase's plans, an entry year, then a count or share by seed."""

    phase: str | None = None
    phase_plans: tuple[str, ...] = ()
    entered: str | None = None
    sample: str | None = None
    seed: int = 0

    def describe(self) -> str:
        parts = [f"phase {self.phase} ({', '.join(self.phase_plans)})" if self.phase else "",
                 f"entered in {self.entered}" if self.entered else "",
                 f"sample {self.sample} (seed {self.seed})" if self.sample else ""]
        return "; ".join(p for p in parts if p) or "every attached family"


@dataclass(frozen=True)
class SavingsReport:
    families: list[tuple]  # family_id, attached_on, complete, cost_before, cost_after, saving
    cohort: tuple  # families, cost_before, cost_after, saving (complete families only)
    illustrative: bool
    price_year: int = 0
    population: int = 0  # families the selection drew from (before the count or share)
    selection: str = ""
    service_cost: ServiceCost | None = None  # uprated to price_year
    net_saving: float | None = None  # the cohort's saving less the cost of service of its families


def _pool_sql(selection: Selection) -> str:
    """The attached families the sample is drawn from: by phase (plans) and entry year (financial year)."""
    where = ["TRUE"]
    if selection.phase is not None:
        where.append(f"plan_id IN {in_list(selection.phase_plans)}")
    if selection.entered is not None:
        if not YEAR.match(selection.entered):
            raise SavingsError(f"entry year {selection.entered!r} must be a financial year like 2014-15")
        where.append(f"{financial_year_sql('attached_on')} = {sql_str(selection.entered)}")
    return f"SELECT family_id FROM att WHERE {' AND '.join(where)}"


def _sample_sql(sample: str | None, seed: int, pool_size: int) -> str:
    """'80' -> 80 families, '25%' -> a quarter of them, chosen reproducibly by a seeded hash."""
    order = f"ORDER BY HASH(family_id || '-{int(seed)}'), family_id"
    if sample is None:
        return "SELECT family_id FROM pool"
    text = sample.strip()
    try:
        if text.endswith("%"):
            share = float(text[:-1]) / 100
            if not 0 < share <= 1:
                raise ValueError
            return f"SELECT family_id FROM pool {order} LIMIT {math.ceil(share * pool_size)}"
        n = int(text)
        if n <= 0:
            raise ValueError
    except ValueError:
        raise SavingsError(f"sample {sample!r} must be a number of families or a percentage like 25%") from None
    if n > pool_size:
        raise SavingsError(f"a sample of {n} families was asked for, but only {pool_size} are attached in the "
                           "selection")
    return f"SELECT family_id FROM pool {order} LIMIT {n}"


def _costs_sql(costs: list[UnitCost], factors: dict[int, float]) -> str:
    rows = ", ".join(
        f"('{c.fact}', '{c.kind}', '{c.unit.value}', {c.value * factors[c.price_year]!r})" for c in costs
    )
    return f"SELECT * FROM (VALUES {rows}) AS u(fact, kind, unit, value)"


def savings_report(workspace: Workspace, costs: list[UnitCost], sample: str | None = None,
                   seed: int = 0, *, selection: Selection | None = None, service_cost: ServiceCost | None = None,
                   price_year: int | None = None, deflators: dict[int, Deflator] | None = None) -> SavingsReport:
    """Cost of each selected family's events 12 months before and after attachment, the saving, and the saving
    net of the cost of service, every price uprated to `price_year` (default: the latest price year given)."""
    selection = selection or Selection(sample=sample, seed=seed)
    years = {c.price_year for c in costs} | ({service_cost.price_year} if service_cost else set())
    price_year = price_year or max(years, default=0)
    deflators = deflators if deflators is not None else load_deflators()
    factors = {y: 1.0 if y == price_year else uprating(y, price_year, deflators) for y in years}
    attachments = list(Attachment.objects.all())
    con = workspace.connect()
    try:
        load_case_record(con, attachments)
        build_evaluation_records(con)
        refresh_as_of = refresh_in_force(con).as_of
        con.execute(f"CREATE TEMP TABLE pool AS {_pool_sql(selection)}")
        population = con.execute("SELECT COUNT(*) FROM pool").fetchone()[0]
        sample_sql = _sample_sql(selection.sample, selection.seed, population)
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
            f"JOIN ({_costs_sql(costs, factors)}) u ON u.fact = r.fact AND (u.kind = '' OR u.kind = r.kind) "
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
    uprated = None if service_cost is None else ServiceCost(
        round(service_cost.per_family * factors[service_cost.price_year], 2), price_year,
        f"{service_cost.source} ({service_cost.price_year} prices uprated to {price_year})"
        if service_cost.price_year != price_year else service_cost.source, service_cost.illustrative)
    net = None if uprated is None else round(cohort[3] - cohort[0] * uprated.per_family, 2)
    illustrative = (any(c.illustrative for c in costs) or bool(uprated and uprated.illustrative)
                    or any(deflators[y].illustrative for y in years if factors[y] != 1.0))
    return SavingsReport(families, cohort, illustrative, price_year, population, selection.describe(),
                         uprated, net)


def unit_cost_table(costs: list[UnitCost]) -> list[tuple]:
    """Rows for display: fact, kind, unit, value, price year, source, illustrative."""
    return [(c.fact, c.kind, c.unit.value, c.value, c.price_year, c.source, c.illustrative) for c in costs]



def phase_selection(plan: FinancialPlan, phase: str | None, entered: str | None, sample: str | None,
                    seed: int) -> Selection:
    """The selection for `--phase P --entered Y --sample N`: a phase is the Outcomes Plans the financial plan
    lists under it (decision 10)."""
    plans: tuple[str, ...] = ()
    if phase is not None:
        found = next((p for p in plan.phases if p.id == phase), None)
        if found is None:
            raise SavingsError(f"financial plan {plan.id} has no phase {phase!r}; its phases: "
                               f"{', '.join(p.id for p in plan.phases) or 'none'}")
        plans = tuple(found.plans)
    return Selection(phase, plans, entered, sample, seed)


def service_cost_from_plan(plan: FinancialPlan) -> ServiceCost:
    """The financial plan's cost of service per family."""
    cost = plan.cost_of_service
    if cost is None:
        raise SavingsError(f"financial plan {plan.id} gives no cost_of_service")
    return ServiceCost(cost.per_family, cost.price_year, f"financial plan {plan.id}: {cost.source}",
                       cost.illustrative or plan.illustrative)


def service_cost_from_returns(postings: list[Posting]) -> ServiceCost:
    """A year of service per family from the providers' returns: their spend per family supported in a
    quarter, times four, in the prices of the latest quarter returned."""
    returned = [p for p in postings if p.source != "ledger"]
    families = sum(p.families_supported for p in returned)
    if not families:
        raise SavingsError("the providers' returns report no families supported: no cost of service")
    spend = float(sum(p.amount for p in returned))
    latest = max(p.on for p in returned)
    return ServiceCost(round(4 * spend / families, 2), latest.year,
                       f"providers' returns to {latest}: {spend:,.2f} over {families} family-quarters, x4", False)
