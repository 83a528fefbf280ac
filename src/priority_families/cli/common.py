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

from priority_families.config import DEFAULT_WORKSPACE, Settings
from priority_families.engine import Workspace

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
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=1)
