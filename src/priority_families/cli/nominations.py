"""`pf disclose` and `pf nominate`: thin adapters over `priority_families.outcomes.nominations`.

A headline disclosed during the intervention is added to an attached family with its own baseline (seed 004);
a professional's nomination of equivalent concern counts a headline towards eligibility at attachment (seed 002
Appendix Three)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from priority_families.cli.common import WorkspaceOption, actor, case_workspace, console, fail
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError

OnOption = Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"], help="The date (YYYY-MM-DD).")]
FamilyOption = Annotated[str, typer.Option("--family", help="The family's id.")]
HeadlineOption = Annotated[str, typer.Option("--headline", help="The plan's headline id (pf plan show).")]
ReasonOption = Annotated[str, typer.Option("--reason", help="Why, in the worker's words (kept in the case record).")]
LineOption = Annotated[list[str] | None, typer.Option(
    "--line", help="An indicator line of the headline the problem is read as (repeat; default: all of them).")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("disclose")(disclose)
    app.command("nominate")(nominate_cmd)


def disclose(
    family: FamilyOption,
    headline: HeadlineOption,
    on: OnOption,
    reason: ReasonOption,
    line: LineOption = None,
    person: Annotated[str, typer.Option("--person", help="The member it is about (default: every member).")] = "",
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Add a headline disclosed during the intervention to an attached family; its baseline is frozen at --on."""
    ws = case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor
    from priority_families.outcomes.nominations import NominationError, disclose_headline

    try:
        made = disclose_headline(ws, family, headline, on.date(), reason, Actor(actor()), lines=line,
                                 person_id=person)
    except (NominationError, StoreError) as exc:
        raise fail(f"nothing recorded: {exc}") from None
    console.print(f"headline {made.headline} added to family {family} on {made.disclosed_on} "
                  f"(lines {', '.join(made.lines)}); its baseline is frozen at that date")


def nominate_cmd(
    family: FamilyOption,
    headline: HeadlineOption,
    by: Annotated[str, typer.Option("--by", help="The nominating professional (name and role).")],
    reason: ReasonOption,
    evidence: Annotated[Path, typer.Option("--evidence", help="Evidence file (kept by its sha256).")],
    on: OnOption,
    line: LineOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Record a professional's nomination of a family for a headline of equivalent concern, with its evidence."""
    ws = case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor
    from priority_families.outcomes.attest import AttestError, file_chunks
    from priority_families.outcomes.nominations import NominationError, nominate

    try:
        made = nominate(ws, family, headline, by, reason, on.date(), evidence.name, file_chunks(evidence),
                        Actor(actor()), lines=line)
    except (NominationError, AttestError, StoreError) as exc:
        raise fail(f"nothing recorded: {exc}") from None
    console.print(f"family {family} nominated for {made.headline} on {made.nominated_on}; "
                  f"evidence sha256 {made.evidence_sha256}")
