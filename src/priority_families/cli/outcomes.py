"""`pf attach`, `pf progress`, `pf attest`, `pf claims`, `pf spotcheck`: thin adapters over
`priority_families.outcomes` and `priority_families.claims`."""

from __future__ import annotations

import getpass
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families import casedb
from priority_families.cli.common import WorkspaceOption, console, fail, workspace
from priority_families.config import DEFAULT_WORKSPACE
from priority_families.engine import StoreError, Workspace

DateOption = Annotated[datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Evaluation date e.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("attach")(attach)
    app.command("progress")(progress_cmd)
    app.command("attest")(attest_cmd)
    app.command("claims")(claims)
    app.command("spotcheck")(spotcheck)


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
    """Every attached family evaluated from the latest refresh: per headline, line and measure."""
    ws = _open(workspace_path)
    from priority_families.outcomes.progress import PROGRESS_SQL, ROUTES_SQL, evaluation, write_progress_csv

    e = as_of.date()
    try:
        with evaluation(ws, e, [family] if family else None) as con:
            rows = con.execute(PROGRESS_SQL).fetchall()
            routes = con.execute(ROUTES_SQL).fetchall()
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                write_progress_csv(con, str(out / "progress.csv"))
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
    _open(workspace_path)
    from priority_families.outcomes.attest import AttestError, attest

    try:
        made = attest(family_id, headline, line, by, statement, evidence, _actor())
    except AttestError as exc:
        raise fail(str(exc)) from None
    console.print(f"attested {family_id} {headline}/{line}; evidence sha256 {made.evidence_sha256}")


def claims(
    window: Annotated[str, typer.Option("--window", help="Claim window YYYY-MM (evaluated on its last day).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for claims.csv and packs/.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Claim every family whose results are met and never claimed; evidence pack per claim."""
    ws = _open(workspace_path)
    from priority_families.claims.ledger import ClaimsError, make_claims

    try:
        run = make_claims(ws, window, out, _actor())
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
    console.print(f"{len(run.claims)} claimed -> {run.claims_csv}; packs in {run.packs}"
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
