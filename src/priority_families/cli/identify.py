"""`pf identify`, `pf why`, `pf whatif`: thin adapters over `priority_families.identify`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families.cli.common import (
    AgreementsOption,
    AgreementsOverrideOption,
    MaxShrinkOption,
    OverrideOption,
    WorkspaceOption,
    console,
    fail,
    progress,
    publish_guard,
    workspace,
)
from priority_families.cli.engine import (
    Engine,
    EngineOption,
    SparkConfigOption,
    SparkMasterOption,
    engine_workspace,
)
from priority_families.core.config import DEFAULT_PLAN, DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError
from priority_families.core.vocabulary import Vocabulary, record_value_label
from priority_families.identify.explain import (
    ExplainError,
    FamilyExplanation,
    WhatIf,
    explain_family,
    stored_run,
    what_if,
)
from priority_families.identify.run import IdentifyError
from priority_families.ingest import IngestError
from priority_families.plans.loader import PlanError, load_plan
from priority_families.plans.parameters import ParameterError
from priority_families.refresh import DEFAULT_MAX_SHRINK, STEPS, RefreshResult, require_reader, run_refresh


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("identify")(identify)
    app.command("why")(why)
    app.command("whatif")(whatif)


def identify(
    extracts: Annotated[str, typer.Argument(help="Folder of partner extracts: a local folder, or with --engine spark "
                                                 "any URI Spark reads (s3a://bucket/folder, hdfs://..., file:///...).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for cohort.csv, members.csv, evidence.csv, cohort.xlsx.")],
    plan: Annotated[str, typer.Option("--plan", help="Shipped plan id or plan file.")] = DEFAULT_PLAN,
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                                   help="Date the extracts describe.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
    max_shrink: MaxShrinkOption = DEFAULT_MAX_SHRINK,
    override: OverrideOption = None,
    agreements: AgreementsOption = None,
    override_agreements: AgreementsOverrideOption = None,
    engine: EngineOption = Engine.duckdb,
    spark_config: SparkConfigOption = None,
    spark_master: SparkMasterOption = None,
) -> None:
    """Ingest, link, build households and identify eligible families, published atomically."""
    ws = engine_workspace(workspace_path, engine, spark_config, spark_master)
    guard = publish_guard(max_shrink, override, agreements, override_agreements)
    try:
        require_reader(ws, extracts)
        with progress() as bar:
            task = bar.add_task("starting", total=len(STEPS))

            def step(name: str) -> None:
                bar.update(task, description=name, completed=STEPS.index(name))

            result = run_refresh(ws, extracts, plan, out, as_of.date() if as_of else None, step=step, guard=guard)
            bar.update(task, description="done", completed=len(STEPS))
    except (PlanError, IngestError, IdentifyError, StoreError) as exc:
        raise fail(f"{exc} (nothing published has changed)") from None
    _print_refresh(result)


def _print_refresh(r: RefreshResult) -> None:
    table = Table(title=f"Identification under {r.identify.plan_id}, as of {r.identify.as_of:%Y-%m-%d}")
    table.add_column("step")
    table.add_column("result", justify="right")
    table.add_row("records accepted / rejected", f"{r.ingest.rows_accepted:,} / {r.ingest.rows_rejected:,}")
    table.add_row("persons", f"{r.linkage.persons:,}")
    table.add_row("families", f"{r.identify.families:,}")
    table.add_row("eligible families", f"{r.identify.eligible:,}")
    table.add_row("evidence records", f"{r.identify.indicator_hits:,}")
    console.print(table)
    for path in (r.outputs.cohort, r.outputs.members, r.outputs.evidence, r.workbook, r.rejects_csv, r.warnings_csv):
        console.print(f"wrote {path}")


def why(
    family_id: Annotated[str, typer.Argument(help="Family id, e.g. F000123.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Why a family is or is not eligible: indicators met with their records, and near misses."""
    try:
        with workspace(workspace_path).connect() as con:
            ex = explain_family(con, family_id)
    except (ExplainError, StoreError) as exc:
        raise fail(str(exc)) from None
    _print_why(ex)


def _plan_words(plan_id: str) -> tuple[Vocabulary, dict[str, str]]:
    """The plan's labels and each indicator's fact (the shipped words alone for a plan not in the library)."""
    from priority_families.plans.loader import PlanError, load_plan

    try:
        plan = load_plan(plan_id)
    except (PlanError, FileNotFoundError, OSError):
        return Vocabulary(), {}
    return plan.vocabulary(), {i.id: i.fact for _, i in plan.indicators()}


def _print_why(ex: FamilyExplanation) -> None:
    verdict = "[green]eligible[/]" if ex.eligible else "[yellow]not eligible[/]"
    words, facts = _plan_words(ex.plan_id)
    headlines = "; ".join(words.label("headline", h) for h in ex.headlines)
    console.print(f"{ex.family_id} ({ex.members} members) is {verdict} under {ex.plan_id} as of {ex.as_of}: "
                  f"headlines {headlines or 'none'}; the rule is {ex.rule}.")
    met = Table(title="Indicators met")
    for col in ("headline", "indicator", "person", "value", "records (source record id, date, value)"):
        met.add_column(col)
    for r in ex.met:
        records = "\n".join(f"{words.label('source', e.source)} {e.record_id} {e.date or ''} "
                            f"{record_value_label(facts.get(r.indicator, ''), e.value, words)}" for e in r.evidence)
        met.add_row(words.label("headline", r.headline), words.label("line", r.indicator), r.person_id or "(family)",
                    r.shown(), records)
    console.print(met)
    missed = Table(title="Indicators looked at but not met (closest first)")
    for col in ("headline", "indicator", "person", "value"):
        missed.add_column(col)
    for r in ex.missed:
        missed.add_row(words.label("headline", r.headline), words.label("line", r.indicator),
                       r.person_id or "(family)", r.shown())
    console.print(missed if ex.missed else "No indicator came near: no records in its window.")
    if ex.unknown_ages:
        console.print(f"[yellow]note:[/] no date of birth on any record of {', '.join(ex.unknown_ages)}: "
                      "indicators for children, adults or young people could not be tested for them.")


def whatif(
    settings: Annotated[list[str], typer.Option("--set", help="PATH=VALUE, e.g. education.absence_threshold=0.10")],
    plan: Annotated[str | None, typer.Option("--plan", help="Shipped plan id or plan file "
                                             "(default: the plan of the published run).")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """How the cohort changes under other parameters, re-running the plan on the published store."""
    try:
        with workspace(workspace_path).connect() as con, console.status("re-running the plan twice"):
            base = load_plan(plan) if plan else stored_run(con)[0]
            result = what_if(con, base, settings)
    except (PlanError, ParameterError, ExplainError, StoreError, IdentifyError, ValueError) as exc:
        raise fail(str(exc)) from None
    _print_whatif(result)


def _print_whatif(w: WhatIf) -> None:
    console.print(f"{w.plan_id} as of {w.as_of} with {', '.join(w.settings)}: eligible families "
                  f"{w.eligible_before:,} -> {w.eligible_after:,} (+{len(w.gained):,} gained, -{len(w.lost):,} lost)")
    for title, rows in (("Eligible families by headline", w.by_headline), ("Eligible families by area", w.by_area)):
        table = Table(title=title)
        for col in ("", "before", "after", "gained", "lost"):
            table.add_column(col, justify="left" if not col else "right")
        for c in rows:
            if c.gained or c.lost or c.before:
                table.add_row(c.key, f"{c.before:,}", f"{c.after:,}", f"+{c.gained:,}", f"-{c.lost:,}")
        console.print(table)
    if w.gained:
        console.print("gained: " + ", ".join(w.gained[:20]) + (" ..." if len(w.gained) > 20 else ""))
    if w.lost:
        console.print("lost: " + ", ".join(w.lost[:20]) + (" ..." if len(w.lost) > 20 else ""))
