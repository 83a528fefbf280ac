"""Case work: every state change of a case, each in one transaction with its history and access-log rows.

Views call these functions and nothing else to change a case. Attachment and attestations belong to the
case record (`priority_families.outcomes`): `attach` calls its `attach_family`, which freezes the baseline,
and only then moves the case on, in the same transaction.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from priority_families.engine import Workspace
from priority_families.identify.calendar import shift_months
from priority_families.web.models import (
    AccessAction,
    AccessLog,
    Agency,
    Case,
    CaseNote,
    CaseStatus,
    NotAllocatedReason,
    PlanAction,
    Role,
    StatusChange,
    SustainabilityCheck,
)

S = CaseStatus
# Moves a person may make by hand. Attachment and claims have their own functions (`attach`, `mark_claimed`).
MOVES: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    S.IDENTIFIED: (),
    S.TRIAGED: (S.CLOSED,),
    S.NOT_ALLOCATED: (S.IDENTIFIED,),
    S.ATTACHED: (S.ASSESSED, S.CLOSED, S.STEPPED_DOWN),
    S.ASSESSED: (S.PLAN_AGREED, S.CLOSED, S.STEPPED_DOWN),
    S.PLAN_AGREED: (S.PROGRESS, S.CLOSED, S.STEPPED_DOWN),
    S.PROGRESS: (S.CLOSED, S.STEPPED_DOWN),
    S.CLAIMED: (S.CLOSED,),
    S.CLOSED: (),
    S.STEPPED_DOWN: (),
}
SUSTAIN_EVERY_MONTHS = 6
SUSTAIN_FOR_MONTHS = 24


class CaseworkError(ValueError):
    """A change the workflow does not allow; the message says why, in the programme's words."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change, and from where (for the access log)."""

    username: str
    ip: str | None = None


def _locked(family_id: str) -> Case:
    try:
        return Case.objects.select_for_update().get(family_id=family_id)
    except Case.DoesNotExist as exc:
        raise CaseworkError(f"family {family_id} has no case") from exc


def _log(actor: Actor, case: Case, detail: str) -> None:
    AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE,
                             target=f"family {case.family_id}", detail=detail, ip=actor.ip)


def _move(case: Case, to: CaseStatus, actor: Actor, reason: str = "") -> None:
    StatusChange.objects.create(case=case, from_status=case.status, to_status=to, reason=reason[:500],
                                by=actor.username)
    case.status = to
    case.save()
    _log(actor, case, f"status {to.value}")


def allocate(family_id: str, agency: Agency, worker: AbstractBaseUser, actor: Actor) -> Case:
    """Triage: allocate the family to a lead agency and lead worker (the worker's team takes the case)."""
    profile = getattr(worker, "profile", None)
    if profile is None or profile.role != Role.LEAD_WORKER or not worker.is_active:
        raise CaseworkError(f"{worker.get_username()} is not an active lead worker")
    with transaction.atomic():
        case = _locked(family_id)
        if case.status not in (S.IDENTIFIED, S.NOT_ALLOCATED, S.TRIAGED):
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                "only identified or triaged families can be allocated")
        case.lead_worker, case.agency, case.team = worker, agency, profile.team
        case.not_allocated_reason = ""
        _move(case, S.TRIAGED, actor, f"allocated to {agency.name}, lead worker {worker.get_username()}")
    return case


def not_allocate(family_id: str, reason: NotAllocatedReason, actor: Actor) -> Case:
    """Triage: decide the family is not to be allocated, with one of the agreed reasons."""
    with transaction.atomic():
        case = _locked(family_id)
        if case.status not in (S.IDENTIFIED, S.TRIAGED, S.NOT_ALLOCATED):
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                "only identified or triaged families can be set aside at triage")
        case.not_allocated_reason = reason
        case.lead_worker = case.team = case.agency = None
        _move(case, S.NOT_ALLOCATED, actor, NotAllocatedReason(reason).label)
    return case


def move(family_id: str, to: CaseStatus, actor: Actor, reason: str = "") -> Case:
    """Move a case one step along the workflow, if the workflow allows that step."""
    with transaction.atomic():
        case = _locked(family_id)
        if to not in MOVES[CaseStatus(case.status)]:
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                f"it cannot move to {CaseStatus(to).label.lower()}")
        _move(case, to, actor, reason)
    return case


def attach(workspace: Workspace, family_id: str, attached_on: date, actor: Actor) -> Case:
    """Attach a triaged family: freeze its baseline through the case record, then move the case on."""
    from priority_families.outcomes.attach import AttachError, attach_family

    with transaction.atomic():
        case = _locked(family_id)
        if case.status != S.TRIAGED or case.lead_worker is None or case.agency is None:
            raise CaseworkError(f"family {family_id} must be allocated at triage before it is attached")
        try:
            attach_family(workspace, family_id, attached_on, case.lead_worker.get_username(), case.agency.name,
                          actor=actor.username)
        except AttachError as exc:
            raise CaseworkError("; ".join(p.reason for p in exc.problems) or str(exc)) from exc
        case.attached_on = attached_on
        _move(case, S.ATTACHED, actor, f"attached on {attached_on.isoformat()}")
    return case


def attest(family_id: str, headline: str, indicator: str, statement: str, attested_on: date,
           evidence: UploadedFile, actor: Actor, attested_by: str) -> None:
    """Record an attestation with its uploaded evidence file through the case record's `attest`."""
    from priority_families.outcomes.attest import AttestError
    from priority_families.outcomes.attest import attest as record_attestation

    name = Path(evidence.name or "evidence").name.replace("/", "_") or "evidence"
    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        case = _locked(family_id)
        path = Path(tmp) / name
        with path.open("wb") as out:
            for chunk in evidence.chunks():
                out.write(chunk)
        try:
            record_attestation(family_id, headline, indicator, attested_by, statement, path, actor=actor.username,
                               attested_on=attested_on)
        except AttestError as exc:
            raise CaseworkError(str(exc)) from exc
        _log(actor, case, f"attestation {headline}/{indicator}")


def sync_claims(actor: Actor) -> int:
    """Cases whose family has a results claim in the ledger move to claimed (with their checks scheduled)."""
    from priority_families.claims.models import Claim

    open_cases = Case.objects.filter(status__in=(S.ATTACHED, S.ASSESSED, S.PLAN_AGREED, S.PROGRESS))
    claimed = list(Claim.objects.filter(family_id__in=open_cases.values("family_id"))
                   .values_list("family_id", "claimed_on"))
    for family_id, claimed_on in claimed:
        mark_claimed(family_id, claimed_on, actor)
    return len(claimed)


def mark_claimed(family_id: str, claimed_on: date, actor: Actor) -> Case:
    """Record that the family's results were claimed, and schedule its sustainability checks."""
    with transaction.atomic():
        case = _locked(family_id)
        if case.status not in (S.ATTACHED, S.ASSESSED, S.PLAN_AGREED, S.PROGRESS):
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: it cannot be claimed")
        _move(case, S.CLAIMED, actor, f"claimed on {claimed_on.isoformat()}")
        SustainabilityCheck.objects.bulk_create([
            SustainabilityCheck(case=case, due_on=shift_months(claimed_on, m))
            for m in range(SUSTAIN_EVERY_MONTHS, SUSTAIN_FOR_MONTHS + 1, SUSTAIN_EVERY_MONTHS)
        ])
    return case


def record_check(family_id: str, due_on: date, outcome: SustainabilityCheck.Outcome, actor: Actor) -> None:
    """Record a sustainability check's outcome (once)."""
    from django.utils import timezone

    with transaction.atomic():
        case = _locked(family_id)
        check = case.checks.select_for_update().filter(due_on=due_on).first()
        if check is None or check.outcome != SustainabilityCheck.Outcome.DUE:
            raise CaseworkError(f"no sustainability check due on {due_on.isoformat()} for family {family_id}")
        check.outcome, check.by, check.checked_at = outcome, actor.username, timezone.now()
        check.save()
        _log(actor, case, f"sustainability check {due_on.isoformat()} {outcome}")


def add_note(family_id: str, text: str, actor: Actor) -> CaseNote:
    if not text.strip():
        raise CaseworkError("Enter the note")
    with transaction.atomic():
        case = _locked(family_id)
        note = CaseNote.objects.create(case=case, text=text.strip(), by=actor.username)
        _log(actor, case, "case note added")
    return note


def add_action(family_id: str, description: str, owner: str, due_on: date | None, actor: Actor) -> PlanAction:
    if not description.strip() or not owner.strip():
        raise CaseworkError("Enter the action and who will do it")
    with transaction.atomic():
        case = _locked(family_id)
        action = PlanAction.objects.create(case=case, description=description.strip(), owner=owner.strip(),
                                           due_on=due_on, by=actor.username)
        _log(actor, case, "plan action added")
    return action


def complete_action(family_id: str, action_id: int, actor: Actor) -> None:
    with transaction.atomic():
        case = _locked(family_id)
        updated = case.actions.filter(pk=action_id, done=False).update(done=True)
        if not updated:
            raise CaseworkError("That action is not open on this family's plan")
        _log(actor, case, f"plan action {action_id} done")
