"""What every command shares: the console, the workspace option and progress bars."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from priority_families.core.config import DEFAULT_WORKSPACE, Settings
from priority_families.core.engine import Workspace
from priority_families.core.export import markdown_table, write_markdown
from priority_families.refresh import PublishGuard

# Written to a file or a pipe, a table is not cut to the 80 columns Rich assumes without a terminal ("notting…"):
# it gets the width a report needs; on a terminal Rich uses the terminal's width.
OFF_TERMINAL_WIDTH = 160
console = Console(width=None if sys.stdout.isatty() else OFF_TERMINAL_WIDTH)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else OFF_TERMINAL_WIDTH)

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Folder holding the store and outputs.")
]


def workspace(path: Path = DEFAULT_WORKSPACE) -> Workspace:
    return Workspace(Settings(workspace=path))


def progress() -> Progress:
    """A rich progress bar for steps that take more than a second or two."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def fail(message: str) -> typer.Exit:
    """Print one clear line to stderr and return the exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True)  # one line, however long
    return typer.Exit(code=1)


MaxShrinkOption = Annotated[float, typer.Option(
    "--max-shrink", min=0.0, max=1.0,
    help="Stop when a source loses more than this share of its records against the refresh in force.")]
OverrideOption = Annotated[str | None, typer.Option(
    "--override", help="Publish despite a lost or shrunken source; the reason is recorded with the refresh.")]


AgreementsOption = Annotated[Path | None, typer.Option(
    "--agreements", help="The information-sharing agreements register (default: agreements.yaml beside the extracts).")]
AgreementsOverrideOption = Annotated[str | None, typer.Option(
    "--override-agreements",
    help="Publish despite a source with no live sharing agreement; the reason is recorded with the refresh.")]


def publish_guard(max_shrink: float, override: str | None, agreements: Path | None = None,
                  agreements_override: str | None = None) -> PublishGuard:
    """The guard a refresh command publishes under (a blank override is refused by the guard)."""
    try:
        return PublishGuard(max_shrink=max_shrink, override=override, agreements=agreements,
                            agreements_override=agreements_override)
    except ValueError as exc:
        raise fail(str(exc)) from None


def case_workspace(path: Path) -> Workspace:
    """The workspace, with the case record opened for this process (commands that read or write cases)."""
    from priority_families import casedb

    ws = workspace(path)
    casedb.setup(ws.path)
    return ws


def actor() -> str:
    """Who runs this command, as the ledgers and the audit rows record them."""
    import getpass

    return getpass.getuser()


def show_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], *, out: Path | None = None,
               name: str = "table", limit: int = 200, right: Sequence[str] = ()) -> Path | None:
    """A table for a person: on a terminal, a Rich table (its first `limit` rows); when stdout is a file or a
    pipe (`pf progress ... > progress.txt`), no Rich table cut to the pipe's 80 columns with "…" in every
    cell: with --out the full table goes to OUT/NAME.md and one summary line is printed, without it the full
    table is printed as Markdown. Returns the file written, if any."""
    if console.is_terminal:
        table = Table(title=title)
        for col in header:
            table.add_column(col, justify="right" if col in right else "left")
        for row in rows[:limit]:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        if len(rows) > limit:
            console.print(f"... {len(rows) - limit} more rows (use --out for the full table)")
        return None
    if out is None:
        print(f"## {title}\n\n{markdown_table(header, rows)}")
        return None
    path = write_markdown(out / f"{name}.md", title, header, rows)
    print(f"{title}: {len(rows)} rows, the full table in {path}")
    return path
