"""The programme's financial plan as data, kept beside the Outcomes Plan it funds.

Seed 002 (Warwickshire, §7 and Appendix Two) plans its money in a few lines: grants by year (the £200,000 a
year coordination grant), attachment fees and results payments at the Outcomes Plan's rates, partners'
contributions, an opening reserve (the £800,000 carried from Phase One), an annual budget by line, a target of
families per year and a planning scenario at 75% of that target. This module is that page as a schema: the
rates are NOT repeated here (they are read from the Outcomes Plan named by `outcomes_plan`), and every figure
that is not an official one says so (`illustrative`). Files are validated like plan files: every error names
the file, the line and the field.
"""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from priority_families.core.calendar import financial_year
from priority_families.plans.loader import (
    LIBRARY_PACKAGE,
    PlanError,
    PlanProblem,
    _field_name,
    _line_for,
    parse_yaml,
    validate_model,
)
from priority_families.plans.schema import ID_PATTERN

FINANCE_FOLDER = "finance"
YEAR_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
ByYear = dict[str, float]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_years(by_year: dict[str, float] | dict[str, int], what: str) -> None:
    for year in by_year:
        m = YEAR_PATTERN.match(year)
        if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
            raise ValueError(f"{what}: {year!r} is not a financial year like 2015-16")


class Grant(_Model):
    """Money paid to the council for the programme, by financial year (paid in equal monthly instalments)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    by_year: ByYear
    illustrative: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _years(self) -> Self:
        _check_years(self.by_year, f"grant {self.id}")
        return self


class Contribution(Grant):
    """A partner's contribution (money, not people), by financial year."""

    partner: str


class BudgetLine(_Model):
    """A line of the operating budget, by year, and where its actual spend is reported: the council's ledger
    export, or the quarterly returns of the funded provider named (never both, so nothing is counted twice)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str
    by_year: ByYear
    actuals_from: Literal["ledger", "provider_returns"] = "ledger"
    provider: str | None = None
    illustrative: bool = False

    @model_validator(mode="after")
    def _source(self) -> Self:
        _check_years(self.by_year, f"budget line {self.id}")
        if (self.actuals_from == "provider_returns") != (self.provider is not None):
            raise ValueError(f"budget line {self.id}: a provider is named exactly when actuals come from "
                             "provider returns")
        return self


class Phase(_Model):
    """A phase of the programme: the families attached under these Outcomes Plans (decision 10)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    plans: list[str] = Field(min_length=1)


class CostOfService(_Model):
    """What working with one family costs, deducted from its gross savings (seed 000: 'after deducting cost
    of service'), in the prices of `price_year`."""

    per_family: float = Field(ge=0)
    price_year: int = Field(ge=1990, le=2100)
    source: str
    illustrative: bool = False


class FinancialPlan(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    authority: str
    outcomes_plan: str = Field(description="the Outcomes Plan whose attachment fee and results payment apply")
    illustrative: bool = False
    source: str = ""
    note: str = ""
    start: date
    end: date
    opening_reserve: float = 0.0
    opening_reserve_note: str = ""
    targets: dict[str, int] = Field(description="families to attach per financial year")
    scenario_share: float = Field(default=0.75, gt=0, le=2)
    assumed_claim_rate: float = Field(default=0.75, ge=0, le=1,
                                      description="results claimed per family attached, until one is observed")
    grants: list[Grant] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    budget: list[BudgetLine] = Field(min_length=1)
    phases: list[Phase] = Field(default_factory=list)
    cost_of_service: CostOfService | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} is not after start {self.start}")
        _check_years(self.targets, "targets")
        return self

    @property
    def years(self) -> list[str]:
        """The financial years the programme runs in, in order."""
        first, last = int(financial_year(self.start)[:4]), int(financial_year(self.end)[:4])
        return [financial_year(date(y, 4, 1)) for y in range(first, last + 1)]

    @property
    def any_illustrative(self) -> bool:
        return self.illustrative or any(x.illustrative for x in (*self.grants, *self.contributions, *self.budget))

    def phase_of_plans(self) -> dict[str, str]:
        """Outcomes Plan id -> phase id."""
        return {plan: p.id for p in self.phases for plan in p.plans}


def _inconsistencies(plan: FinancialPlan) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, reason) for years outside the programme and duplicate ids: checked after the schema, so each
    problem names the field it is in (a whole-plan validator would only name the plan)."""
    years, found = set(plan.years), []
    groups: list[tuple[str, list]] = [("grants", plan.grants), ("contributions", plan.contributions),
                                      ("budget", plan.budget)]
    for year in sorted(set(plan.targets) - years):
        found.append((("targets", year), f"{year} is outside the programme {plan.start} to {plan.end}"))
    outside = f"is outside the programme {plan.start} to {plan.end}"
    for name, items in groups:
        for i, item in enumerate(items):
            found += [((name, i, "by_year", year), f"{year} {outside}") for year in sorted(set(item.by_year) - years)]
    for name, items in (*groups, ("phases", plan.phases)):
        ids = [x.id for x in items]
        found += [((name, i), f"duplicate id {x}") for i, x in enumerate(ids) if x in ids[:i]]
    return found


def shipped_financial_plans() -> dict[str, Path]:
    """Shipped financial plans by id (the file stem)."""
    folder = resources.files(LIBRARY_PACKAGE).joinpath(FINANCE_FOLDER)
    return {Path(str(f)).stem: Path(str(f)) for f in folder.iterdir() if str(f).endswith(".yaml")}


def load_financial_plan(plan: str | Path) -> FinancialPlan:
    """A shipped financial plan by id, or a file by path; errors name the file, line and field."""
    shipped = shipped_financial_plans()
    path = shipped[plan] if isinstance(plan, str) and plan in shipped else Path(plan)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError([PlanProblem(str(plan), 1, "(file)", f"cannot read financial plan: {exc}; "
                                     f"shipped: {', '.join(sorted(shipped))}")]) from exc
    data, lines = parse_yaml(text, str(path))
    plan = validate_model(FinancialPlan, data, lines, str(path))
    problems = [PlanProblem(str(path), _line_for(loc, lines), _field_name(loc, data), reason)
                for loc, reason in _inconsistencies(plan)]
    if problems:
        raise PlanError(problems)
    return plan
