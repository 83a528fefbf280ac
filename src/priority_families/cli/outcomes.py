"""`pf attach`, `progress`, `attest`, `claims`, `spotcheck`, `income`, `savings`, `return`: thin adapters
over `priority_families.outcomes` and `priority_families.claims`."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families import casedb
from priority_families.cli.common import WorkspaceOption, console, fail, workspace
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError, Workspace

DateOption = Annotated[datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Evaluation date e.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("attach")(attach)
    app.command("progress")(progress_cmd)
    app.command("attest")(attest_cmd)
    app.command("claims")(claims)
    app.command("spotcheck")(spotcheck)
    app.command("income")(income)
    app.command("savings")(savings)
    app.command("return")(quarterly)


def _open(path: Path) -> Workspace:
    ws = workspace(path)
    casedb.setup(ws.path)
    return ws


def _actor() -> str:
    return getpass.getuser()


def attach(
    attachments: Annotated[Path, typer.Argument(help="CSV: family_id, attached_on, lead_worker, lead_agency.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Attach families to lead workers and freeze their baselines (every row or none)."""
    ws = _open(workspace_path)
    from priority_families.outcomes.attach import AttachError, attach_from_csv

    try:
        made = attach_from_csv(ws, attachments, _actor())
    except (AttachError, StoreError, OSError) as exc:
        raise fail(f"nothing attached:\n{exc}") from None
    console.print(f"attached {len(made)} families; baselines frozen")


def progress_cmd(
    as_of: DateOption,
    out: Annotated[Path | None, typer.Option("--out", help="Write progress.csv here.")] = None,
    family: Annotated[str | None, typer.Option("--family", help="Only this family.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Every attached family evaluated on the refresh in force (never past its as_of): per headline, line, measure."""
    ws = _open(workspace_path)
    from priority_families.outcomes.progress import (
        PROGRESS_SQL,
        ROUTES_SQL,
        evaluation,
        write_progress_csv,
        write_routes_csv,
    )

    e = as_of.date()
    try:
        with evaluation(ws, e, [family] if family else None) as con:
            rows = con.execute(PROGRESS_SQL).fetchall()
            routes = con.execute(ROUTES_SQL).fetchall()
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                write_progress_csv(con, str(out / "progress.csv"))
                write_routes_csv(con, str(out / "routes.csv"))
    except StoreError as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Progress at {e}")
    for col in ("family", "headline", "measure", "line", "status", "headline status", "earliest", "figures"):
        table.add_column(col)
    for row in rows[:200]:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    if len(rows) > 200:
        console.print(f"... {len(rows) - 200} more rows (use --out for the full CSV)")
    by_route = Table(title=f"Claim routes open at {e}")
    by_route.add_column("route")
    by_route.add_column("families", justify="right")
    counts: dict[str, int] = {}
    for *_, names in routes:
        for name in filter(None, names.split(";")):
            counts[name] = counts.get(name, 0) + 1
    for name, n in sorted(counts.items()):
        by_route.add_row(name, str(n))
    console.print(by_route)
    claimable = sum(1 for r in routes if r[3])
    console.print(f"{len(routes)} attached families evaluated; {claimable} with a claim route at {e}")


def attest_cmd(
    family_id: Annotated[str, typer.Argument(help="The family id.")],
    headline: Annotated[str, typer.Option("--headline")],
    line: Annotated[str, typer.Option("--line", help="Indicator line true at attachment.")],
    by: Annotated[str, typer.Option("--by", help="Lead professional attesting.")],
    statement: Annotated[str, typer.Option("--statement")],
    evidence: Annotated[Path, typer.Option("--evidence", help="Evidence file (kept by its sha256).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Record a lead professional's attestation with an evidence file."""
    ws = _open(workspace_path)
    from priority_families.outcomes.attest import AttestError, attest, file_chunks

    try:
        made = attest(family_id, headline, line, by, statement, evidence.name, file_chunks(evidence), _actor(),
                      workspace=ws)
    except AttestError as exc:
        raise fail(str(exc)) from None
    console.print(f"attested {family_id} {headline}/{line}; evidence sha256 {made.evidence_sha256}")


def claims(
    window: Annotated[str, typer.Option("--window", help="Claim window YYYY-MM (evaluated on its last day).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for claims.csv and packs/.")],
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write each evidence pack as PDF.")] = False,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Claim every family whose results are met and never claimed; evidence pack per claim."""
    ws = _open(workspace_path)
    from priority_families.claims.ledger import ClaimsError, make_claims

    try:
        run = make_claims(ws, window, out, _actor(), pdf=pdf)
    except (ClaimsError, StoreError) as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Claims for {run.window} (evaluated {run.claimed_on})")
    table.add_column("route")
    table.add_column("claims", justify="right")
    by_route: dict[str, int] = {}
    for c in run.claims:
        by_route[c.route] = by_route.get(c.route, 0) + 1
    for route, n in sorted(by_route.items()):
        table.add_row(route, str(n))
    console.print(table)
    console.print(f"{len(run.claims)} claimed -> {run.claims_csv}, {run.workbook}; packs in {run.packs}"
                  + (f"; {run.already_claimed} already claimed by another run" if run.already_claimed else ""))


def spotcheck(
    window: Annotated[str, typer.Option("--window")],
    share: Annotated[float, typer.Option("--share", help="Share of the window's claims to draw.")] = 0.1,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Draw and record a reproducible sample of a window's claims for audit."""
    _open(workspace_path)
    from priority_families.claims.ledger import ClaimsError, draw_spot_check

    try:
        sample = draw_spot_check(window, share, seed, _actor())
    except ClaimsError as exc:
        raise fail(str(exc)) from None
    console.print(f"spot check {window}: {len(sample)} families: {', '.join(sample)}")


def _money(value: float | None) -> str:
    return f"{0 if value is None else value:,.0f}"


def income(
    as_of: DateOption,
    success_rate: Annotated[float, typer.Option("--success-rate", help="Share of unclaimed families expected "
                                                "to be claimed (0-1).")] = 0.6,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Payment-by-Results income per plan: actual to date, forecast, and a yearly budget view."""
    ws = _open(workspace_path)
    from priority_families.claims.income import income_report

    try:
        report = income_report(ws, as_of.date(), success_rate)
    except (ValueError, StoreError) as exc:
        raise fail(str(exc)) from None
    plans = Table(title=f"Income to {as_of.date()} (forecast at {success_rate:.0%} success)")
    for col in ("plan", "attached", "claimed", "attachment fees", "results", "forecast results"):
        plans.add_column(col, justify="left" if col == "plan" else "right")
    for p, att, claimed, fees, results, forecast in report.by_plan:
        plans.add_row(p, str(att), str(claimed), _money(fees), _money(results), _money(forecast))
    console.print(plans)
    years = Table(title="Budget by financial year (GBP)")
    for col in ("year", "attachment fees", "results", "forecast results", "total"):
        years.add_column(col, justify="left" if col == "year" else "right")
    for year, fees, results, forecast in report.by_year:
        years.add_row(year, _money(fees), _money(results), _money(forecast), _money(fees + results + forecast))
    console.print(years)


def savings(
    unit_costs: Annotated[Path | None, typer.Option("--unit-costs", help="CSV of unit costs (default: the "
                                                    "illustrative starter set).")] = None,
    sample: Annotated[str | None, typer.Option("--sample", help="Number of families (80) or share (25%).")] = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Write savings.csv here.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Cost of each attached family's recorded events 12 months before and after attachment; savings."""
    ws = _open(workspace_path)
    import csv

    from priority_families.claims.savings import SavingsError, load_unit_costs, savings_report

    try:
        report = savings_report(ws, load_unit_costs(unit_costs), sample, seed)
    except (SavingsError, StoreError, OSError) as exc:
        raise fail(str(exc)) from None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "savings.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(("family_id", "attached_on", "complete", "cost_before", "cost_after", "saving"))
            writer.writerows(report.families)
    n, before, after, saving = report.cohort
    table = Table(title="Cost savings (families with 12 months after attachment)")
    for col in ("families", "cost before", "cost after", "saving", "per family"):
        table.add_column(col, justify="right")
    table.add_row(str(n), _money(before), _money(after), _money(saving), _money(saving / n if n else 0))
    console.print(table)
    console.print(f"{len(report.families)} families costed ({n} with a full year after attachment)")
    if report.illustrative:
        console.print("[yellow]unit costs are ILLUSTRATIVE starter values: use your own verified figures[/]")


def quarterly(
    quarter: Annotated[str, typer.Option("--quarter", help="Calendar quarter, e.g. 2015Q2.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the return's tables as CSV here.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """The quarterly return: identified, attached, worked with, claims by route, predicted, by area/agency."""
    ws = _open(workspace_path)
    from priority_families.reports.returns import ReturnError, quarterly_return

    try:
        r = quarterly_return(ws, quarter)
    except (ReturnError, StoreError) as exc:
        raise fail(str(exc)) from None
    summary = Table(title=f"Return {r.quarter} ({r.start} to {r.end}), from refresh {r.refresh_id} "
                          f"as of {r.refresh_as_of}")
    summary.add_column("measure")
    summary.add_column("families", justify="right")
    for label, value in (("identified (eligible in that refresh)", r.identified),
                         ("attached in quarter", r.attached_in_quarter),
                         ("worked with (attached by the quarter's end)", r.worked_with),
                         ("claims predicted next quarter (met, not yet claimed)", r.predicted_next_quarter)):
        summary.add_row(label, str(value))
    console.print(summary)
    for title, cols, rows in (("Claims by route", ("route", "in quarter", "to date"), r.claims_by_route),
                              ("By area", ("area", "identified", "attached"), r.by_area),
                              ("By lead agency", ("lead agency", "attached in quarter", "worked with"), r.by_agency)):
        table = Table(title=title)
        for c in cols:
            table.add_column(c)
        for row in rows:
            table.add_row(*(str(v) for v in row))
        console.print(table)
    agencies = sorted({agency for _area, agency, _n in r.area_by_agency})
    cross = Table(title="Worked with, by area and lead agency")
    for c in ("area", *agencies, "total"):
        cross.add_column(c, justify="left" if c == "area" else "right")
    counts = {(area, agency): n for area, agency, n in r.area_by_agency}
    for area in sorted({area for area, _agency, _n in r.area_by_agency}):
        values = [counts.get((area, agency), 0) for agency in agencies]
        cross.add_row(area, *(str(v) for v in values), str(sum(values)))
    console.print(cross)
    if out is not None:
        import csv

        out.mkdir(parents=True, exist_ok=True)
        for stem, (header, rows) in r.tables().items():
            with open(out / f"{stem}.csv", "w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(header)
                writer.writerows(rows)
        console.print(f"return tables written to {out}")
