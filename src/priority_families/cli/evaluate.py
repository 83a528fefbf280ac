"""`pf evaluate attachments` and `pf evaluate claims`: thin adapters over `evaluation.claims`, beside
`pf evaluate linkage`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families import casedb
from priority_families.cli.common import WorkspaceOption, console, fail, workspace
from priority_families.cli.link import evaluate_app
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError

TruthDir = Annotated[Path, typer.Argument(help="Synthetic county folder (or its truth/ folder).")]


def register(app: typer.Typer) -> None:  # the commands join `pf evaluate`, which cli.link adds to app
    """Add this module's commands to `pf evaluate`."""
    evaluate_app.command("attachments")(attachments)
    evaluate_app.command("claims")(claims)
    evaluate_app.command("identify")(identify)


def identify(truth_dir: TruthDir, workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """Eligible-family F1 and headline agreement of the published cohort against the truth."""
    from priority_families.evaluation.identify import evaluate_identification
    from priority_families.evaluation.truth import TruthError

    try:
        with workspace(workspace_path).connect() as con:
            e = evaluate_identification(con, truth_dir)
    except (TruthError, StoreError, OSError) as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Identification under {e.plan_id} against truth")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in (
        ("families: ours / truth / truth matched", f"{e.families:,} / {e.truth_families:,} / {e.matched:,}"),
        ("eligible: ours / truth / both", f"{e.eligible_ours:,} / {e.eligible_truth:,} / {e.eligible_both:,}"),
        ("eligible-family precision", f"{e.precision:.4f}"),
        ("eligible-family recall", f"{e.recall:.4f}"),
        ("eligible-family F1", f"{e.f1:.4f}"),
        ("headline agreement", f"{e.headline_agreement:.4f} ({e.same_headlines:,} of {e.compared_headlines:,})"),
    ):
        table.add_row(name, value)
    console.print(table)


def attachments(
    truth_dir: TruthDir,
    out: Annotated[Path, typer.Option("--out", help="The `pf attach` CSV to write.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Turn the truth's attachments into a `pf attach` CSV with this workspace's family ids."""
    from priority_families.evaluation.claims import truth_attachments
    from priority_families.evaluation.truth import TruthError

    try:
        made = truth_attachments(workspace(workspace_path), truth_dir, out)
    except (TruthError, StoreError, OSError) as exc:
        raise fail(str(exc)) from None
    console.print(f"{len(made.rows):,} attachments under {made.plan_id} -> {out}")
    skipped = (("not eligible in the published cohort", made.not_eligible),
               (f"not eligible under {made.plan_id} in the truth", made.not_under_plan),
               ("no product family of their own", made.unmapped))
    for why, n in skipped:
        if n:
            console.print(f"  {n:,} truth attachments left out: {why}")


def claims(
    truth_dir: TruthDir,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
    show: Annotated[int, typer.Option("--show", help="List up to this many differing families.")] = 20,
) -> None:
    """Claim decisions of every attached family at the refresh's as_of against the truth's results."""
    from priority_families.evaluation.claims import evaluate_claims
    from priority_families.evaluation.truth import TruthError

    ws = workspace(workspace_path)
    casedb.setup(ws.path)
    try:
        e = evaluate_claims(ws, truth_dir)
    except (TruthError, StoreError, OSError) as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Claim decisions against truth at {e.evaluated_on}")
    for name in ("plan", "attached", "agree", "share", "routes", "truth claims", "our claims", "no truth"):
        table.add_column(name, justify="left" if name == "plan" else "right")
    for p in sorted(e.plans.values(), key=lambda p: p.plan_id):
        table.add_row(p.plan_id, f"{p.families:,}", f"{p.agree:,}", f"{p.share:.1%}", f"{p.same_routes:,}",
                      f"{p.claims_truth:,}", f"{p.claims_ours:,}", f"{p.unmapped:,}")
    console.print(table)
    console.print(f"truth attachments: {e.truth_attached:,}; not attached here: {e.truth_unattached:,}")
    differences = [d for p in e.plans.values() for d in p.differences]
    for family, true_family, truth, ours in differences[:show]:
        console.print(f"  {family} (truth {true_family or '?'}): truth {truth}, ours {ours}")
    if len(differences) > show:
        console.print(f"  ... {len(differences) - show} more")
