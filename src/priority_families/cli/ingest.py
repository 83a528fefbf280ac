"""`pf ingest`: read a folder of partner extracts into a fresh published store."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from priority_families.cli.common import (
    AgreementsOption,
    AgreementsOverrideOption,
    MaxShrinkOption,
    OverrideOption,
    WorkspaceOption,
    console,
    err_console,
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
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StatementError
from priority_families.ingest import FileStatus, IngestError, IngestReport
from priority_families.refresh import (
    DEFAULT_MAX_SHRINK,
    GuardError,
    in_force,
    ingest_refresh,
    published_refreshes,
    require_reader,
)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("ingest")(ingest)
    app.command("refreshes")(refreshes)


def ingest(
    extracts: Annotated[str, typer.Argument(help="Folder of partner extracts (<fact>.csv, refresh.yaml): a local folder, "
                                                 "or with --engine spark any URI Spark reads (s3a://, hdfs://, file:///).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Date the extracts describe (wins over refresh.yaml)."),
    ] = None,
    authority: Annotated[str | None, typer.Option(help="Authority name (wins over refresh.yaml).")] = None,
    max_shrink: MaxShrinkOption = DEFAULT_MAX_SHRINK,
    override: OverrideOption = None,
    agreements: AgreementsOption = None,
    override_agreements: AgreementsOverrideOption = None,
    engine: EngineOption = Engine.duckdb,
    spark_config: SparkConfigOption = None,
    spark_master: SparkMasterOption = None,
) -> None:
    """Validate and load partner extracts; rejected rows go to rejects.csv with file, line and reason."""
    ws = engine_workspace(workspace_path, engine, spark_config, spark_master)
    guard = publish_guard(max_shrink, override, agreements, override_agreements)
    try:
        require_reader(ws, extracts)
        with progress() as bar:
            task = bar.add_task("reading extracts", total=None)

            def on_file(name: str, index: int, total: int) -> None:
                bar.update(task, description=f"reading {name}", completed=index, total=total)

            report = ingest_refresh(ws, extracts, as_of.date() if as_of else None, authority, on_file, guard)
            bar.update(task, description="published", completed=bar.tasks[0].total or 0)
    except (IngestError, GuardError, StatementError) as exc:  # one line, never wrapped, so logs and operators see the whole reason
        err_console.print(f"[bold red]error:[/] {escape(str(exc))} (nothing published has changed)", soft_wrap=True)
        raise typer.Exit(code=1) from None
    _print_report(report)


def _print_report(report: IngestReport) -> None:
    table = Table(title=f"Ingest {report.refresh_id} (as of {report.as_of:%Y-%m-%d})")
    for name, justify in (("file", "left"), ("read", "right"), ("accepted", "right"), ("rejected", "right"),
                          ("top reject reasons", "left")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for f in report.files:
        if f.status in (FileStatus.LOADED, FileStatus.LOADED_WITH_REJECTS):
            reasons = "; ".join(f"{reason}: {n}" for reason, n in f.top_reasons)
            style = "yellow" if f.rows_rejected else None
            table.add_row(f.file, f"{f.rows_read:,}", f"{f.rows_accepted:,}", f"{f.rows_rejected:,}", reasons,
                          style=style)
    table.add_row("total", f"{report.rows_read:,}", f"{report.rows_accepted:,}", f"{report.rows_rejected:,}", "",
                  style="bold")
    console.print(table)
    absent = [f.file for f in report.files if f.status == FileStatus.ABSENT]
    if absent:
        console.print(f"no file this refresh: {', '.join(absent)}")
    for warning in report.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"store: {report.store}")
    console.print(f"rejects: {report.rejects_csv} ({report.rows_rejected:,} rows rejected)")
    console.print(f"warnings: {report.warnings_csv} (blank lines, values over several lines, dates of birth)")


def refreshes(workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """Every refresh published in the workspace (kept as it was), and which one is in force."""
    ws = workspace(workspace_path)
    kept = published_refreshes(ws)
    current = in_force(ws).refresh_id if ws.exists() else None
    table = Table("refresh", "as of", "plan", "plan sha256", "records", "override", "agreements", "in force",
                  title="Published refreshes")
    for r in kept:
        agreements = f"{len(r.agreements)}" + (f"; overridden: {r.agreements_override}" if r.agreements_override
                                               else "")
        table.add_row(r.refresh_id, f"{r.as_of:%Y-%m-%d}", r.plan_id or "-", (r.plan_sha256 or "")[:12],
                      f"{sum(r.records_by_source.values()):,}", r.override or "", agreements,
                      "yes" if r.refresh_id == current else "")
    console.print(table)
