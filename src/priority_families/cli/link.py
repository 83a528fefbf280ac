"""`pf link`, `pf review export|import` and `pf evaluate linkage`: thin adapters over linkage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, console, fail, progress, workspace
from priority_families.cli.engine import (
    Engine,
    EngineOption,
    SparkConfigOption,
    SparkMasterOption,
    engine_workspace,
)
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError
from priority_families.evaluation.linkage import evaluate_linkage
from priority_families.evaluation.truth import TruthError
from priority_families.linkage.pipeline import LinkageError
from priority_families.linkage.review import ReviewImportError
from priority_families.linkage.settings import LinkageSettings
from priority_families.refresh import WorkspaceLinkage, export_review, import_review, link_workspace

LINK_STEPS = 6

review_app = typer.Typer(help="Clerical review of uncertain person links.", no_args_is_help=True)
evaluate_app = typer.Typer(help="Measure a stage against a synthetic county's ground truth.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("link")(link)
    app.add_typer(review_app, name="review")
    app.add_typer(evaluate_app, name="evaluate")


def link(
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
    match_probability: Annotated[float, typer.Option(help="Link pairs at or above this probability.")] = 0.9,
    review_probability: Annotated[float, typer.Option(help="Queue pairs from here up for review.")] = 0.5,
    truth: Annotated[
        Path | None, typer.Option(help="Take persons from a synthetic county's truth (for testing later stages).")
    ] = None,
    engine: EngineOption = Engine.duckdb,
    spark_config: SparkConfigOption = None,
    spark_master: SparkMasterOption = None,
) -> None:
    """Resolve persons, households and families on the published store."""
    try:
        settings = LinkageSettings(match_probability=match_probability, review_probability=review_probability)
    except ValidationError as exc:
        raise fail(f"bad thresholds: {exc.errors()[0]['msg']}") from None
    ws = engine_workspace(workspace_path, engine, spark_config, spark_master)
    try:
        with progress() as bar:
            task = bar.add_task("linking", total=LINK_STEPS)

            def step(message: str) -> None:
                bar.update(task, description=message, advance=1)

            outcome = link_workspace(ws, settings, truth, step)
            bar.update(task, description="published", completed=LINK_STEPS)
    except (LinkageError, StoreError) as exc:
        raise fail(f"{exc} (nothing published has changed)") from None
    _print_link(outcome)


def _print_link(outcome: WorkspaceLinkage) -> None:
    s, h, r = outcome.link, outcome.households, outcome.link.result
    table = Table(title=f"Linkage as of {outcome.as_of:%Y-%m-%d} ({s.linker}, {s.seconds:.1f} s)")
    table.add_column("measure")
    table.add_column("count", justify="right")
    for name, value in (
        ("records", s.records), ("distinct person descriptions", r.descriptions), ("persons", s.persons),
        ("identifier links", r.identifier_links), ("pairs scored", r.pairs_scored),
        ("pairs linked by the model", r.pairs_matched), ("pairs vetoed by guards", r.guarded),
        ("reviewer decisions applied", r.decisions_applied), ("pairs in review", r.pairs_in_review),
        ("places", h.places), ("addresses in place review", h.addresses_in_review), ("households", h.households), ("persons without an address", h.persons_without_address),
        ("families", h.families), ("family members", h.family_members),
        ("family ids kept from last refresh", h.families_kept), ("new family ids", h.families_new),
    ):
        table.add_row(name, f"{value:,}")
    console.print(table)
    if not r.trained and s.linker != "truth":
        console.print("[yellow]note:[/] too few descriptions to train; the model's prior m/u values were used")
    for note in r.notes:
        console.print(f"[yellow]note:[/] {note}")
    if outcome.charts:
        console.print(f"model charts: {outcome.charts}/match_weights.html, {outcome.charts}/m_u_parameters.html")


@review_app.command("export")
def review_export(
    out: Annotated[Path, typer.Argument(help="CSV to write the review queue to.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Write pairs awaiting review; fill in decision (match / not_a_match), reviewer and decided_on."""
    try:
        n = export_review(workspace(workspace_path), out)
    except StoreError as exc:
        raise fail(str(exc)) from None
    console.print(f"{n:,} pairs to review written to {out}")


@review_app.command("import")
def review_import(
    decisions: Annotated[Path, typer.Argument(help="CSV of decisions (the exported queue, filled in).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Store reviewer decisions; they override the model on the next `pf link` and every later refresh."""
    try:
        summary = import_review(workspace(workspace_path), decisions)
    except (ReviewImportError, StoreError) as exc:
        raise fail(f"{exc} (nothing stored)") from None
    console.print(
        f"{summary.decisions:,} decisions stored ({summary.matches:,} match, {summary.not_a_match:,} not a match;"
        f" {summary.total_stored:,} in total). Run `pf link` to apply them."
    )


@evaluate_app.command("linkage")
def evaluate_linkage_command(
    truth_dir: Annotated[Path, typer.Argument(help="Synthetic county folder (or its truth/ folder).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Pairwise person-link precision/recall and household B-cubed against ground truth."""
    ws = workspace(workspace_path)
    try:
        con = ws.connect(read_only=True)
    except StoreError as exc:
        raise fail(str(exc)) from None
    try:
        e = evaluate_linkage(con, truth_dir)
    except TruthError as exc:
        raise fail(str(exc)) from None
    finally:
        con.close()
    table = Table(title="Linkage against truth")
    for name in ("measure", "precision", "recall", "F1"):
        table.add_column(name, justify="left" if name == "measure" else "right")
    table.add_row("person links (record pairs)", f"{e.pair_precision:.4f}", f"{e.pair_recall:.4f}",
                  f"{e.pair_f1:.4f}")
    table.add_row("households (B-cubed)", f"{e.household_precision:.4f}", f"{e.household_recall:.4f}",
                  f"{e.household_f1:.4f}")
    console.print(table)
    console.print(f"records {e.records:,} ({e.records_in_truth:,} in truth); persons: {e.predicted_persons:,} "
                  f"found, {e.true_persons:,} true")
