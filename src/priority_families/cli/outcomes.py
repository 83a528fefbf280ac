"""`pf attach`, `progress`, `attest`, `income`, `return`: thin adapters over `priority_families.outcomes` and
`priority_families.claims` (a claim's life: cli/claims.py; `pf finance` and `pf savings`: cli/money.py)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, actor, case_workspace, console, fail, show_table
from priority_families.cli.engine import (
    Engine,
    EngineOption,
    SparkConfigOption,
    SparkMasterOption,
    engine_workspace,
)
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StatementError, StoreError
from priority_families.core.files import private_dir
from priority_families.core.vocabulary import figures_in_words

DateOption = Annotated[datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Evaluation date e.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("attach")(attach)
    app.command("progress")(progress_cmd)
    app.command("attest")(attest_cmd)
    app.command("income")(income)


def attach(
    attachments: Annotated[Path, typer.Argument(help="CSV: family_id, attached_on, lead_worker, lead_agency.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Attach families to lead workers and freeze their baselines (every row or none)."""
    ws = case_workspace(workspace_path)
    from priority_families.outcomes.attach import AttachError, attach_from_csv

    try:
        made = attach_from_csv(ws, attachments, actor())
    except (AttachError, StoreError, OSError) as exc:
        raise fail(f"nothing attached:\n{exc}") from None
    console.print(f"attached {len(made)} families; baselines frozen")


def progress_cmd(
    as_of: DateOption,
    out: Annotated[Path | None, typer.Option("--out", help="Write progress.csv here.")] = None,
    family: Annotated[str | None, typer.Option("--family", help="Only this family.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
    engine: EngineOption = Engine.duckdb,
    spark_config: SparkConfigOption = None,
    spark_master: SparkMasterOption = None,
) -> None:
    """Every attached family evaluated on the refresh in force (never past its as_of): per headline, line, measure."""
    ws = engine_workspace(workspace_path, engine, spark_config, spark_master)  # a missing Spark stops here
    case_workspace(workspace_path)
    from priority_families.outcomes.doubtful import OPEN_BY_FAMILY_SQL
    from priority_families.outcomes.progress import (
        PROGRESS_SQL,
        ROUTES_SQL,
        evaluation,
        progress_vocabulary,
        write_progress_csv,
        write_routes_csv,
    )

    e = as_of.date()
    try:
        with evaluation(ws, e, [family] if family else None) as con:
            rows = con.execute(PROGRESS_SQL).fetchall()
            routes = con.execute(ROUTES_SQL).fetchall()
            doubtful = dict(con.execute(OPEN_BY_FAMILY_SQL).fetchall())
            if out is not None:
                private_dir(out)
                write_progress_csv(con, str(out / "progress.csv"))
                write_routes_csv(con, str(out / "routes.csv"))
    except (StoreError, StatementError) as exc:
        raise fail(str(exc)) from None
    words = progress_vocabulary()
    show_table(f"Progress at {e}", ("family", "headline", "measure", "line", "status", "headline status",
                                    "earliest", "figures"),
               [(f, words.label("headline", h), m.replace("_", " "), words.label("line", i),
                 words.label("measure_status", st), words.label("headline_status", hs), er or "",
                 figures_in_words(d, words)) for f, h, m, i, st, hs, er, d in rows],
               out=out, name="progress")
    counts: dict[str, int] = {}
    for *_, names in routes:
        for name in filter(None, names.split(";")):
            counts[name] = counts.get(name, 0) + 1
    show_table(f"Claim routes open at {e}", ("route", "families"),
               [(words.label("claim_route", name), n) for name, n in sorted(counts.items())],
               out=None, right=("families",))
    claimable = sum(1 for r in routes if r[3])
    console.print(f"{len(routes)} attached families evaluated; {claimable} with a claim route at {e}")
    waiting = [(f, doubtful[f]) for f, _, _, names in routes if names and f in doubtful]
    if waiting:
        console.print(f"{len(waiting)} of them need review before a claim (a doubtful link is open): "
                      + ", ".join(f"{f} needs review ({n} pair{'s' if n != 1 else ''})" for f, n in waiting))


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
    ws = case_workspace(workspace_path)
    from priority_families.outcomes.attest import AttestError, attest, file_chunks

    try:
        made = attest(family_id, headline, line, by, statement, evidence.name, file_chunks(evidence), actor(),
                      workspace=ws)
    except AttestError as exc:
        raise fail(str(exc)) from None
    console.print(f"attested {family_id} {headline}/{line}; evidence sha256 {made.evidence_sha256}")


def _money(value: float | None) -> str:
    return f"{0 if value is None else value:,.0f}"


def income(
    as_of: DateOption,
    success_rate: Annotated[float, typer.Option("--success-rate", help="Share of unclaimed families expected "
                                                "to be claimed (0-1).")] = 0.6,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Payment-by-Results income per plan: actual to date, forecast, and a yearly budget view."""
    ws = case_workspace(workspace_path)
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
    months = Table(title="Results by month: submitted in, withdrawn out (GBP)")
    for col in ("month", "submitted", "withdrawn", "net"):
        months.add_column(col, justify="left" if col == "month" else "right")
    for month, submitted, withdrawn, net in report.by_month:
        months.add_row(month, _money(submitted), _money(withdrawn), _money(net))
    console.print(months)


