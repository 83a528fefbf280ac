"""`pf assess` and `pf attest-row`: thin adapters over `priority_families.outcomes.assessed`.

A seed row whose baseline is a professional's assessment (a wellbeing-tool score, a disclosure, a referral to a
programme) applies to a family from the day the lead worker records the assessment; the lead professional
attests it met or not met after the row's period."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from priority_families.cli.common import WorkspaceOption, actor, case_workspace, console, fail
from priority_families.cli.nominations import FamilyOption, OnOption
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError

RowOption = Annotated[str, typer.Option("--row", help="The plan's assessed row: its id or published row, e.g. "
                                        "'004 3.2' (pf plan explain lists them).")]
EvidenceOption = Annotated[Path, typer.Option("--evidence", help="Evidence file (kept by its sha256).")]
ScoreOption = Annotated[str | None, typer.Option("--score", help="A scored row's tool score (e.g. WEMWBS 45).")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("assess")(assess)
    app.command("attest-row")(attest_row_cmd)


def assess(
    family: FamilyOption,
    row: RowOption,
    on: OnOption,
    by: Annotated[str, typer.Option("--by", help="Who assessed (name and role: lead professional, health "
                                    "professional, EHE adviser).")],
    evidence: EvidenceOption,
    score: ScoreOption = None,
    person: Annotated[str, typer.Option("--person", help="The member assessed (default: the family).")] = "",
    reason: Annotated[str, typer.Option("--reason", help="What the assessment found (kept in the case record).")] = "",
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Record that a seed row applies to an attached family, assessed on --on: its period runs from that date."""
    ws = case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor
    from priority_families.outcomes.assessed import AssessError, assess_row, period_end
    from priority_families.outcomes.attest import AttestError, file_chunks
    from priority_families.outcomes.progress import attachment_plan

    try:
        made = assess_row(ws, family, row, on.date(), by, evidence.name, file_chunks(evidence), Actor(actor()),
                          score=score, person_id=person, reason=reason)
    except (AssessError, AttestError, StoreError) as exc:
        raise fail(f"nothing recorded: {exc}") from None
    plan = attachment_plan(made.attachment)
    measure = next(m for m in plan.headline(made.headline).results if m.id == made.measure)
    console.print(f"row {made.row} ({made.measure}) applies to family {family} from {made.assessed_on}; attest it on "
                  f"or after {period_end(measure, made.assessed_on)} (pf attest-row)")


def attest_row_cmd(
    family: FamilyOption,
    row: RowOption,
    on: OnOption,
    by: Annotated[str, typer.Option("--by", help="The lead professional attesting.")],
    statement: Annotated[str, typer.Option("--statement", help="What was achieved, or not.")],
    evidence: EvidenceOption,
    met: Annotated[bool | None, typer.Option("--met/--not-met", help="Whether the row was met (a scored row: "
                                             "the later --score decides).")] = None,
    score: ScoreOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Attest an assessed row met or not met, with evidence, on or after the end of its period."""
    ws = case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor
    from priority_families.outcomes.assessed import AssessError, attest_row
    from priority_families.outcomes.attest import AttestError, file_chunks

    try:
        made = attest_row(ws, family, row, met, by, statement, on.date(), evidence.name, file_chunks(evidence),
                          Actor(actor()), score=score)
    except (AssessError, AttestError, StoreError) as exc:
        raise fail(f"nothing recorded: {exc}") from None
    console.print(f"row {made.need.row} attested {'met' if made.met else 'not met'} for family {family} on "
                  f"{made.attested_on}; evidence sha256 {made.evidence_sha256}")
