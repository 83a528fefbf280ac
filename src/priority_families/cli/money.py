"""`pf finance` and `pf savings`: thin adapters over the programme's money (`claims.finance`, `claims.savings`)."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, case_workspace, console, fail
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError
from priority_families.core.export import write_csv
from priority_families.core.files import private_dir

DEFAULT_FINANCIAL_PLAN = "demo-county-2015"
FinancialPlanOption = Annotated[str, typer.Option(
    "--financial-plan", help="A shipped financial plan id or a YAML file.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("finance")(finance)
    app.command("savings")(savings)


def _money(value: float | None) -> str:
    return f"{0 if value is None else value:,.0f}"


def finance(
    as_of: Annotated[datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Actuals to this date.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for cashflow.csv, finance.xlsx, finance.html/pdf.")],
    financial_plan: FinancialPlanOption = DEFAULT_FINANCIAL_PLAN,
    ledger: Annotated[Path | None, typer.Option("--ledger", help="The council's ledger export (CSV).")] = None,
    returns: Annotated[Path | None, typer.Option("--returns", help="A provider's quarterly return (CSV) or a "
                                                 "folder of them.")] = None,
    scenario: Annotated[float | None, typer.Option("--scenario", help="Share of the target for the scenario "
                                                   "(default: the financial plan's).")] = None,
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write finance.pdf.")] = True,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """The programme's cash flow month by month to its end: income by stream, spend against budget, reserve."""
    ws = case_workspace(workspace_path)
    from priority_families.claims.finance import cash_flow
    from priority_families.claims.finance_report import write_finance
    from priority_families.claims.spend import SpendError, read_spend, return_files
    from priority_families.plans.finance import load_financial_plan
    from priority_families.plans.loader import PlanError

    try:
        plan = load_financial_plan(financial_plan)
        postings = read_spend(plan, ledger, return_files(returns))
        flow = cash_flow(ws, plan, as_of.date(), postings, getpass.getuser(), scenario, ledger is not None)
    except SpendError as exc:
        raise fail(f"nothing reported: spend files refused:\n{exc}") from None
    except (PlanError, StoreError, ValueError, OSError) as exc:
        raise fail(str(exc)) from None
    files = write_finance(out, flow, pdf)
    table = Table(title=f"{plan.name}: by financial year (actual to {flow.as_of}, then forecast; GBP)")
    for c in ("year", "income", "spend", "budget", "net", f"income at {flow.scenario_share:.0%} of target"):
        table.add_column(c, justify="left" if c == "year" else "right")
    for year in plan.years:
        rows = [r for r in flow.by_year if r[0] == year]
        income = sum(r[4] for r in rows if r[1] != "spend")
        spend = sum(r[4] for r in rows if r[1] == "spend")
        table.add_row(year, _money(income), _money(spend), _money(sum(r[3] or 0 for r in rows if r[1] == "spend")),
                      _money(income - spend), _money(sum(r[5] for r in rows if r[1] != "spend")))
    console.print(table)
    last = flow.months[-1]
    console.print(f"reserve at {last[0]}: {_money(last[14])} ({_money(last[19])} at {flow.scenario_share:.0%} "
                  f"of target); claim rate {flow.claim_rate:.1%} ({flow.claim_rate_basis})")
    console.print(f"wrote {files.cashflow_csv}, {files.streams_csv}, {files.workbook}, {files.html}"
                  + (f", {files.pdf}" if files.pdf else ""))
    if plan.any_illustrative:
        console.print("[yellow]the financial plan holds ILLUSTRATIVE figures[/]")


def savings(
    unit_costs: Annotated[Path | None, typer.Option("--unit-costs", help="CSV of unit costs (default: the "
                                                    "illustrative starter set).")] = None,
    sample: Annotated[str | None, typer.Option("--sample", help="Number of families (80) or share (25%).")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    phase: Annotated[str | None, typer.Option("--phase", help="Only families of this phase (the financial "
                                              "plan's phases: the Outcomes Plans attached under).")] = None,
    entered: Annotated[str | None, typer.Option("--entered", help="Only families attached in this financial "
                                                "year, e.g. 2014-15.")] = None,
    financial_plan: FinancialPlanOption = DEFAULT_FINANCIAL_PLAN,
    cost_of_service: Annotated[str, typer.Option("--cost-of-service", help="Deduct the cost of service per "
                                                 "family from the financial plan ('plan'), the providers' "
                                                 "returns ('returns', needs --returns) or not at all ('none').")
                               ] = "plan",
    returns: Annotated[Path | None, typer.Option("--returns", help="Providers' quarterly returns (CSV or folder), "
                                                 "for --cost-of-service returns.")] = None,
    price_year: Annotated[int | None, typer.Option("--price-year", help="Uprate every cost to this year's "
                                                   "prices (default: the latest price year given).")] = None,
    deflators: Annotated[Path | None, typer.Option("--deflators", help="CSV year,index,source,illustrative "
                                                   "(default: the illustrative shipped table).")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write savings.csv here.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Cost of each selected family's recorded events 12 months before and after attachment; gross and net savings."""
    ws = case_workspace(workspace_path)
    from priority_families.claims.savings import (
        SavingsError,
        load_deflators,
        load_unit_costs,
        phase_selection,
        savings_report,
        service_cost_from_plan,
        service_cost_from_returns,
    )
    from priority_families.claims.spend import SpendError, read_spend, return_files
    from priority_families.plans.finance import load_financial_plan
    from priority_families.plans.loader import PlanError

    if cost_of_service not in ("plan", "returns", "none"):
        raise fail(f"--cost-of-service must be plan, returns or none, not {cost_of_service!r}")
    try:
        plan = load_financial_plan(financial_plan)
        service = (service_cost_from_plan(plan) if cost_of_service == "plan" else
                   service_cost_from_returns(read_spend(plan, None, return_files(returns)))
                   if cost_of_service == "returns" else None)
        report = savings_report(ws, load_unit_costs(unit_costs), selection=phase_selection(
            plan, phase, entered, sample, seed), service_cost=service, price_year=price_year,
            deflators=load_deflators(deflators))
    except (SavingsError, SpendError, PlanError, StoreError, OSError) as exc:
        raise fail(str(exc)) from None
    if out is not None:
        private_dir(out)
        write_csv(out / "savings.csv", ("family_id", "attached_on", "complete", "cost_before", "cost_after", "saving"),
                  report.families)
    n, before, after, saving = report.cohort
    table = Table(title=f"Cost savings, {report.price_year} prices: {report.selection} "
                        f"(families with 12 months after attachment)")
    cols = ["families", "cost before", "cost after", "gross saving", "per family"]
    if report.service_cost is not None:
        cols += ["cost of service", "net saving", "net per family"]
    for col in cols:
        table.add_column(col, justify="right")
    row = [str(n), _money(before), _money(after), _money(saving), _money(saving / n if n else 0)]
    if report.service_cost is not None:
        row += [_money(n * report.service_cost.per_family), _money(report.net_saving),
                _money(report.net_saving / n if n else 0)]
    table.add_row(*row)
    console.print(table)
    console.print(f"{len(report.families)} families costed of {report.population} in the selection "
                  f"({n} with a full year after attachment)")
    if report.service_cost is not None:
        console.print(f"cost of service {report.service_cost.per_family:,.2f} per family: "
                      f"{report.service_cost.source}")
    if report.illustrative:
        console.print("[yellow]unit costs, deflators or the cost of service are ILLUSTRATIVE: use your own "
                      "verified figures[/]")
