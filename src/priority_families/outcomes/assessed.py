"""Seed rows that apply to a family because a professional assessed it, and the attestation of their outcome.

Seed 004 and seed 002 Appendix Three have rows whose baseline is an assessment by the lead or a health
professional (a wellbeing-tool score, a disclosure with a safety plan to make, a member referred to a
programme). No extract says which families they apply to, so the plan keeps them as assessed rows
(`assessed_by`, one `assessed_attestation` test). `assess_row` records that such a row applies to an attached
family: the date of the assessment (the row's baseline: its period runs from it), who assessed, an evidence
file (kept by its sha256 as an attestation's) and, for a scored tool, the score then. After the period the lead
professional attests the row met or not met with evidence (`attest_row`); for a scored tool the later score
decides, read the way the plan says (`better`: higher or lower). The family's results include the row from
the day it is assessed, as a disclosed headline's rows are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import IntegrityError, transaction

from priority_families.casedb.casework import (
    Actor,
    CaseworkError,
    record_assessed_need,
    record_row_attestation,
)
from priority_families.casedb.models import (
    AssessedNeed,
    Attachment,
    AuditEvent,
    BaselineMember,
    RowAttestation,
)
from priority_families.core.calendar import nth_term_end_after, shift_months
from priority_families.core.engine import Workspace
from priority_families.outcomes.attest import (
    AttestError,
    refuse_closed_case,
    required_text,
    store_evidence,
)
from priority_families.outcomes.progress import attachment_plan, progress_changed
from priority_families.plans.schema import Headline, Plan, ResultMeasure
from priority_families.refresh import RefreshError, refresh_in_force


class AssessError(ValueError):
    """An assessed row or its attestation refused; the message says why, and nothing was recorded."""


def assessed_rows(plan: Plan) -> list[tuple[Headline, ResultMeasure]]:
    """The plan's assessed rows, in the plan's order."""
    return [(h, m) for h in plan.headlines for m in h.results if m.assessed]


def find_row(plan: Plan, row: str) -> tuple[Headline, ResultMeasure]:
    """An assessed row by its measure id (`wellbeing_improved`) or its published row (`004 3.2`)."""
    wanted = (row or "").strip()
    for h, m in assessed_rows(plan):
        if wanted == m.id or wanted in [r.strip() for r in (m.row or "").split(";")]:
            return h, m
    known = ", ".join(f"{m.id} ({m.row})" for _, m in assessed_rows(plan)) or "none"
    raise AssessError(f"plan {plan.id} has no assessed row {wanted!r}: its assessed rows are {known}")


def period_end(measure: ResultMeasure, assessed_on: date) -> date:
    """The day the row's period ends, counted from the assessment: its months (as the evaluation waits them), or
    the third school term ending after it."""
    if measure.sustained_months:
        return shift_months(assessed_on, measure.sustained_months)
    return nth_term_end_after(assessed_on, 3)



def _score(value: object, measure: ResultMeasure, when: str) -> Decimal | None:
    """The tool score a scored row needs (and an unscored row refuses)."""
    test = measure.scored
    given = value is not None and str(value).strip() != ""
    if test is None:
        if given:
            raise AssessError(f"row {measure.row} is not scored with a tool: give no score")
        return None
    if not given:
        raise AssessError(f"row {measure.row} is scored with {test.tool}: give the score {when}")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise AssessError(f"the {test.tool} score {value!r} is not a number") from None


def _open_attachment(family_id: str) -> Attachment:
    attachment = Attachment.objects.filter(family_id=family_id).first()
    if attachment is None:
        raise AssessError(f"family {family_id} is not attached: a row is assessed for an attached family")
    refuse_closed_case(family_id, AssessError)
    return attachment


def _evidence(name: str, chunks: Iterable[bytes] | None, family_id: str) -> tuple[str, str, Path]:
    name = Path(name or "").name
    if not name or chunks is None:
        raise AssessError("give the evidence file (the assessment, the tool's score sheet, a letter)")
    try:
        digest, store = store_evidence(chunks, family_id)
    except AttestError as exc:
        raise AssessError(str(exc)) from None
    return name, digest, store


def _assessment_checks(workspace: Workspace, attachment: Attachment, measure: ResultMeasure, on: date,
                       person_id: str) -> None:
    family_id = attachment.family_id
    if on < attachment.attached_on:
        raise AssessError(f"{on} is before family {family_id}'s attachment on {attachment.attached_on}")
    if on > date.today():
        raise AssessError(f"{on} is in the future")
    with workspace.connect() as con:
        try:
            refresh_in_force(con).require_covers(on, "an assessed row's baseline")
        except RefreshError as exc:
            raise AssessError(str(exc)) from None
    if AssessedNeed.objects.filter(family_id=family_id, measure=measure.id).exists():
        raise AssessError(f"family {family_id} already has row {measure.row} assessed")
    if person_id and not BaselineMember.objects.filter(attachment=attachment, person_id=person_id).exists():
        raise AssessError(f"{person_id} was not a member of family {family_id} at attachment")


def assess_row(workspace: Workspace, family_id: str, row: str, on: date, assessed_by: str, evidence_name: str,
               evidence: Iterable[bytes] | None, actor: Actor, score: object = None, person_id: str = "",
               reason: str = "") -> AssessedNeed:
    """Record that an assessed row of the family's plan applies to it from `on` (the assessment date), with who
    assessed, the evidence and a scored tool's score then; in one transaction with the case's history, the
    access log and the audit event. The family's progress is judged again."""
    attachment = _open_attachment(family_id)
    headline, measure = find_row(attachment_plan(attachment), row)
    by = required_text(assessed_by, "who assessed (name and role: lead professional, health professional, EHE adviser)",
                       AssessError)
    value = _score(score, measure, "at assessment")
    _assessment_checks(workspace, attachment, measure, on, person_id)
    name, digest, store = _evidence(evidence_name, evidence, family_id)
    try:
        with transaction.atomic():
            made = record_assessed_need(AssessedNeed(
                attachment=attachment, family_id=family_id, headline=headline.id, measure=measure.id,
                row=measure.row or measure.id, person_id=person_id, assessed_on=on, assessed_by=by, score=value,
                reason=(reason or "").strip(), evidence_name=name, evidence_sha256=digest, evidence_path=str(store),
                recorded_by=actor.username), actor)
            AuditEvent.objects.create(action="assess_row", family_id=family_id, actor=actor.username,
                                      detail={"row": made.row, "measure": measure.id, "assessed_on": on.isoformat(),
                                              "evidence_sha256": digest, "assessed_need": made.pk})
    except CaseworkError as exc:
        raise AssessError(str(exc)) from None
    except IntegrityError:  # recorded by someone else meanwhile
        raise AssessError(f"family {family_id} already has row {measure.row} assessed") from None
    progress_changed(workspace, [family_id])
    return made


def improved(measure: ResultMeasure, before: Decimal, after: Decimal) -> bool:
    """Whether a later tool score is better than the one at assessment, the way the plan reads the tool."""
    test = measure.scored
    return after > before if test is not None and test.better == "higher" else after < before


def attest_row(workspace: Workspace | None, family_id: str, row: str, met: bool | None, attested_by: str,
               statement: str, on: date, evidence_name: str, evidence: Iterable[bytes] | None, actor: Actor,
               score: object = None) -> RowAttestation:
    """Record the lead professional's attestation that an assessed row was met or not, on or after the end of
    its period; for a scored tool the later score decides (`met`, when given, must agree with it)."""
    attachment = _open_attachment(family_id)
    _headline, measure = find_row(attachment_plan(attachment), row)
    need = AssessedNeed.objects.filter(family_id=family_id, measure=measure.id).first()
    if need is None:
        raise AssessError(f"row {measure.row} has not been assessed for family {family_id}: record the assessment "
                          "first (pf assess)")
    by = required_text(attested_by, "who attests (the lead professional)", AssessError)
    said = required_text(statement, "the statement (what was achieved, or not)", AssessError)
    later = _score(score, measure, "at the end of the period")
    if later is not None:
        better = improved(measure, need.score, later)
        if met is not None and met is not better:
            raise AssessError(f"the {measure.scored.tool} score {later} is {'' if better else 'not '}better than "
                              f"{need.score} at assessment, so the row is {'' if better else 'not '}met")
        met = better
    if met is None:
        raise AssessError("say whether the row was met or not met")
    due = period_end(measure, need.assessed_on)
    if on < due:
        raise AssessError(f"row {measure.row}'s period runs from {need.assessed_on} to {due}: attest it on or after "
                          f"{due}")
    if on > date.today():
        raise AssessError(f"{on} is in the future")
    name, digest, store = _evidence(evidence_name, evidence, family_id)
    try:
        with transaction.atomic():
            made = record_row_attestation(RowAttestation(
                need=need, family_id=family_id, met=met, score=later, attested_by=by, attested_on=on,
                statement=said, evidence_name=name, evidence_sha256=digest, evidence_path=str(store),
                recorded_by=actor.username), actor)
            AuditEvent.objects.create(action="attest_row", family_id=family_id, actor=actor.username,
                                      detail={"row": need.row, "measure": measure.id, "met": met,
                                              "attested_on": on.isoformat(), "evidence_sha256": digest,
                                              "row_attestation": made.pk})
    except CaseworkError as exc:
        raise AssessError(str(exc)) from None
    if workspace is not None:
        progress_changed(workspace, [family_id])
    return made
