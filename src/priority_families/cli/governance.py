"""Information governance: `pf agreements` (the sharing register and what is due for review)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from priority_families.cli.common import console, fail
from priority_families.core.problems import RowsRefused
from priority_families.ingest.agreements import AGREEMENTS_FILE, Register, load_register


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("agreements")(agreements)


def read_register(path: Path) -> Register:
    """The register at `path` (a file, or a folder of extracts holding agreements.yaml), or one clear error."""
    path = path / AGREEMENTS_FILE if path.is_dir() else path
    try:
        return load_register(path)
    except RowsRefused as exc:
        raise fail(escape(str(exc))) from None


def agreements(
    register_path: Annotated[Path, typer.Argument(
        metavar="REGISTER", help="The agreements register (a YAML file, or a folder of extracts holding agreements.yaml).")],
    on: Annotated[datetime | None, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="The day to judge reviews on (default: today).")] = None,
    within: Annotated[int, typer.Option("--within", min=0, help="Also list reviews due within this many days.")] = 90,
) -> None:
    """Print the information-sharing register and the agreements due for review."""
    reg = read_register(register_path)
    day = on.date() if on else date.today()
    table = Table("agreement", "partner", "sources: extracts", "lawful basis", "signed", "review on", "keep (years)",
                  "flags back", title=f"Information-sharing agreements of {reg.authority}")
    for a in reg.agreements:
        basis = "; ".join(b for b in (a.lawful_basis.article_6, a.lawful_basis.article_9,
                                      a.lawful_basis.dpa_2018_condition) if b)
        flags = ", ".join(a.flags_back.identifiers) + (" + marker" if a.flags_back.marker else "") \
            if a.flags_back else "-"
        table.add_row(a.id, reg.partner(a.partner).name, f"{', '.join(a.sources)}: {', '.join(a.facts)}", basis,
                      f"{a.signed_by}, {a.signed_on}", str(a.review_on), str(a.retention_years), flags,
                      style="red" if a.due_for_review(day) else None)
    console.print(table)
    due = reg.due_for_review(day, within)
    if not due:
        console.print(f"no agreement is due for review by {day} + {within} days")
    for a in due:
        state = "LAPSED: past its review date" if a.due_for_review(day) else "due for review"
        console.print(f"{a.id} ({reg.partner(a.partner).name}): {state} on {a.review_on}")
