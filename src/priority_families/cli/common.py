"""What every command shares: the console, the workspace option and progress bars."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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

from priority_families.core.config import DEFAULT_WORKSPACE, Settings
from priority_families.core.engine import Workspace
from priority_families.refresh import PublishGuard

console = Console()
err_console = Console(stderr=True)

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
