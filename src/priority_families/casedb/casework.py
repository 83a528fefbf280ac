"""Case work: every state change of a case, each in one transaction with its history and access-log rows.

Views and commands call these functions and nothing else to change a case. Attachment and claims are made by
`priority_families.outcomes` and `.claims` (they freeze the baseline, write the ledger) and call
`record_attachments` / `record_claim` / `record_claim_step` / `record_withdrawal` inside their own transaction,
so a case's status always follows the ledger: there is one case record, whichever door a change came through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import OuterRef, Subquery

from priority_families.casedb.audit import logged_here
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    AssessedNeed,
    Case,
    CaseClosure,
    CaseNote,
    CaseStatus,
    CaseTag,
    ClosureReason,
    ConsentKind,
    ConsentMethod,
    Disclosure,
    EntryKind,
    FamilyAgreement,
    GroupTag,
    MeasureEntry,
    Nomination,
    NotAllocatedReason,
    PlanAction,
    Rag,
    Role,
    RowAttestation,
    SharedAllocation,
    StatusChange,
    SustainabilityCheck,
    Team,
    TriageMeeting,
)
from priority_families.plans.schema import FamilyAgreementRules, WithdrawalEffect

S = CaseStatus
# Moves a person may make by hand. Attachment and claims come through the case record's own doors
# (`record_attachments`, `record_claim`), whichever way they were made (the tracker, `pf attach`, `pf claims`).
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


def _open(case: Case) -> Case:
    """The case, if it still takes case work: a closed case is read only until it is reopened."""
    if case.status == S.CLOSED:
        raise CaseworkError(f"family {case.family_id}'s case is closed: reopen it before adding to it")
    return case


def _log(actor: Actor, case: Case, detail: str) -> None:
    AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE,
                             target=f"family {case.family_id}", detail=detail, ip=actor.ip)


def _move(case: Case, to: CaseStatus, actor: Actor, reason: str = "") -> None:
    StatusChange.objects.create(case=case, from_status=case.status, to_status=to, reason=reason[:500],
                                by=actor.username)
    case.status = to
    with logged_here():  # the one row for this change (allocation included) is written just below
        case.save()
    _log(actor, case, f"status {to.value}")


def allocate(family_id: str, agency: Agency, worker: AbstractBaseUser, actor: Actor,
             team: Team | None = None) -> Case:
    """Triage: allocate the family to a lead agency and lead worker (the worker's team takes the case).

    A team manager allocates for `team`: only to that team's workers, and only families no other team leads.
    """
    profile = getattr(worker, "profile", None)
    if profile is None or profile.role != Role.LEAD_WORKER or not worker.is_active:
        raise CaseworkError(f"{worker.get_username()} is not an active lead worker")
    if team is not None and profile.team_id != team.pk:
        raise CaseworkError(f"{worker.get_username()} is not in your team ({team.name})")
    with transaction.atomic():
        case = _locked(family_id)
        if team is not None and case.team_id not in (None, team.pk):
            raise CaseworkError(f"family {family_id} is led by another team")
        if case.status not in (S.IDENTIFIED, S.NOT_ALLOCATED, S.TRIAGED):
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                "only identified or triaged families can be allocated")
        case.lead_worker, case.agency, case.team = worker, agency, profile.team
        case.not_allocated_reason = ""
        _move(case, S.TRIAGED, actor, f"allocated to {agency.name}, lead worker {worker.get_username()}")
    return case


def not_allocate(family_id: str, reason: NotAllocatedReason, actor: Actor, team: Team | None = None) -> Case:
    """Triage: decide the family is not to be allocated, with one of the agreed reasons (for `team`, as
    `allocate`: only a family no other team leads)."""
    with transaction.atomic():
        case = _locked(family_id)
        if team is not None and case.team_id not in (None, team.pk):
            raise CaseworkError(f"family {family_id} is led by another team")
        if case.status not in (S.IDENTIFIED, S.TRIAGED, S.NOT_ALLOCATED):
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                "only identified or triaged families can be set aside at triage")
        case.not_allocated_reason = reason
        case.lead_worker = case.team = case.agency = None
        _move(case, S.NOT_ALLOCATED, actor, NotAllocatedReason(reason).label)
    return case


def move(family_id: str, to: CaseStatus, actor: Actor, reason: str = "") -> Case:
    """Move a case one step along the workflow, if the workflow allows that step. A case is closed only by
    `close_case`, with a reason from the closed list, so every closure can be counted by its reason."""
    if to == S.CLOSED:
        raise CaseworkError("Select why the case is closed")
    with transaction.atomic():
        case = _locked(family_id)
        if to not in MOVES[CaseStatus(case.status)]:
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                f"it cannot move to {CaseStatus(to).label.lower()}")
        _move(case, to, actor, reason)
    return case


ATTACHABLE = (S.IDENTIFIED, S.TRIAGED, S.NOT_ALLOCATED)
CLAIMABLE = (S.ATTACHED, S.ASSESSED, S.PLAN_AGREED, S.PROGRESS)


@dataclass(frozen=True)
class AttachedFamily:
    """One family attached, as the case record's attachment door passes it to the case."""

    family_id: str
    attached_on: date
    lead_worker: str
    lead_agency: str
    area: str = ""
    identified_on: date | None = None


def check_attachable(family_ids: list[str], allocated_only: bool) -> dict[str, str]:
    """Why each of these families' cases cannot be attached now (family id -> reason); empty when all can.

    Through the tracker a case must first be allocated at triage (`allocated_only`); a bulk attachment file
    may attach a family whose case is new, identified, triaged or set aside at triage.
    """
    reasons = {}
    for case in Case.objects.filter(family_id__in=family_ids):
        if allocated_only and (case.status != S.TRIAGED or case.lead_worker_id is None or case.agency_id is None):
            reasons[case.family_id] = f"family {case.family_id} must be allocated at triage before it is attached"
        elif case.status not in ATTACHABLE:
            reasons[case.family_id] = (f"family {case.family_id} is {case.get_status_display().lower()}: "
                                       "it cannot be attached")
    if allocated_only:
        have = set(Case.objects.filter(family_id__in=family_ids).values_list("family_id", flat=True))
        reasons.update({f: f"family {f} has no case" for f in family_ids if f not in have})
    return reasons


def record_attachments(attached: list[AttachedFamily], actor: Actor) -> None:
    """Move each family's case to attached, opening it first when the family came through a bulk file.

    Called by the case record's attachment (`outcomes.attach`) inside its transaction, so the case status and
    the frozen baseline are written together or not at all, whichever door the attachment came through.
    """
    for a in attached:  # a bulk file's rows, each a few queries: the file is a team's list, not a refresh
        case = Case.objects.select_for_update().filter(family_id=a.family_id).first()
        if case is None:
            case = Case.objects.create(family_id=a.family_id, area=a.area, status=S.IDENTIFIED,
                                       identified_on=a.identified_on or a.attached_on)
            StatusChange.objects.create(case=case, to_status=S.IDENTIFIED, reason="opened by attachment",
                                        by=actor.username)
        if case.agency_id is None and a.lead_agency:
            case.agency = Agency.objects.get_or_create(name=a.lead_agency)[0]
        if case.lead_worker_id is None:
            worker = _lead_worker(a.lead_worker)
            case.lead_worker, case.team = worker, (worker.profile.team if worker is not None else None)
        case.attached_on = a.attached_on
        _move(case, S.ATTACHED, actor, f"attached on {a.attached_on.isoformat()}")


def _lead_worker(username: str) -> AbstractBaseUser | None:
    """The tracker user a bulk file names as lead worker, when there is one (the file may name anyone)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username, profile__role=Role.LEAD_WORKER).first()


def record_claim(family_id: str, claimed_on: date, checks_due: list[date], actor: Actor, note: str = "") -> None:
    """The case side of a results claim going to government (its batch submitted), written in the claims
    ledger's transaction: an open case moves to claimed (a closed or stepped-down one keeps its status and gets
    a history row), and the plan's sustainability checks are scheduled from the claim date."""
    with transaction.atomic():
        case = _locked(family_id)
        note = note or f"claimed on {claimed_on.isoformat()}"
        if case.status in CLAIMABLE:
            _move(case, S.CLAIMED, actor, note)
        else:
            _note(case, note, actor)
        SustainabilityCheck.objects.bulk_create([SustainabilityCheck(case=case, due_on=d) for d in checks_due],
                                                ignore_conflicts=True)


def record_claim_step(family_id: str, note: str, actor: Actor) -> None:
    """A step of a claim that does not move the case (proposed, checked, audited): a history row, so the
    case's history shows the claim before it goes to government."""
    with transaction.atomic():
        _note(_locked(family_id), note, actor)


def record_withdrawal(family_id: str, note: str, actor: Actor) -> None:
    """The case side of a claim withdrawn after submission: a claimed case goes back to making progress (the
    work may go on; whether the family may be claimed again is the plan's to say), any other keeps its status
    with a history row, and the sustainability checks still due are cancelled."""
    with transaction.atomic():
        case = _locked(family_id)
        if case.status == S.CLAIMED:
            _move(case, S.PROGRESS, actor, note)
        else:
            _note(case, note, actor)
        case.checks.filter(outcome=SustainabilityCheck.Outcome.DUE).update(
            outcome=SustainabilityCheck.Outcome.CANCELLED, by=actor.username)


def _note(case: Case, note: str, actor: Actor) -> None:
    StatusChange.objects.create(case=case, from_status=case.status, to_status=case.status, reason=note[:500],
                                by=actor.username)
    _log(actor, case, note)


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
        case = _open(_locked(family_id))
        note = CaseNote.objects.create(case=case, text=text.strip(), by=actor.username)
        _log(actor, case, "case note added")
    return note


def add_action(family_id: str, description: str, owner: str, due_on: date | None, actor: Actor) -> PlanAction:
    if not description.strip() or not owner.strip():
        raise CaseworkError("Enter the action and who will do it")
    with transaction.atomic():
        case = _open(_locked(family_id))
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


REOPENABLE = (S.CLOSED, S.STEPPED_DOWN)


def reopen(family_id: str, reason: str, actor: Actor) -> Case:
    """Reopen a closed or stepped-down case (a family re-referred, or stepping back up): the case goes back to
    where its work stood (attached if it was attached, triaged if it has a lead worker, identified otherwise),
    its history kept whole. The attachment, its frozen baseline and any claim are untouched: a reopening is
    more work with the same family, not a new attachment."""
    if not reason.strip():
        raise CaseworkError("Enter why the case is reopened")
    with transaction.atomic():
        case = _locked(family_id)
        if case.status not in REOPENABLE:
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: "
                                "only a closed or stepped-down case can be reopened")
        to = S.ATTACHED if case.attached_on else (S.TRIAGED if case.lead_worker_id else S.IDENTIFIED)
        _move(case, to, actor, f"reopened: {reason.strip()}")
    return case
# --- The family's agreement to join the programme ---------------------------------------------------------


def _agreement_rules(family_id: str) -> FamilyAgreementRules:
    """What the family's plan says follows a withdrawal: the plan it was attached under, else the plan of the
    refresh in the tracker, else the schema's default (casework stops, claims are held)."""
    from priority_families.casedb.models import Attachment, TrackerRefresh
    from priority_families.plans.loader import PlanError, load_plan, plan_from_text

    attachment = Attachment.objects.filter(family_id=family_id).first()
    if attachment is not None:
        return plan_from_text(attachment.plan_yaml, f"<attachment {family_id}>").family_agreement
    published = TrackerRefresh.objects.first()
    try:
        return load_plan(published.plan_id).family_agreement if published else FamilyAgreementRules()
    except PlanError:
        return FamilyAgreementRules()


AGREEMENTS_LATEST_FIRST = ("-asked_on", "-id")  # a family's agreement now is its latest row


def family_agreement(family_id: str) -> FamilyAgreement | None:
    """The family's latest agreement row (agreed or withdrawn), or None when it was never asked."""
    return FamilyAgreement.objects.filter(family_id=family_id).order_by(*AGREEMENTS_LATEST_FIRST).first()


def withdrawn_families(effect: WithdrawalEffect | None = None) -> set[str]:
    """Families whose latest agreement row is a withdrawal (and, with `effect`, whose plan names it)."""
    latest = FamilyAgreement.objects.filter(family_id=OuterRef("family_id")).order_by(*AGREEMENTS_LATEST_FIRST)
    withdrawn = set(FamilyAgreement.objects.filter(pk=Subquery(latest.values("pk")[:1]), kind=ConsentKind.WITHDRAWN)
                    .values_list("family_id", flat=True))
    return withdrawn if effect is None else {f for f in withdrawn if effect in _agreement_rules(f).on_withdrawal}


def _check_adults(family_id: str, adults: list[str], on: date) -> None:
    """Where the tracker holds the family's members, each person named must be one of them and not a child on
    the date (an unknown date of birth is taken as the worker's word)."""
    from priority_families.casedb.models import Member
    from priority_families.core.calendar import shift_months

    members = dict(Member.objects.filter(family__family_id=family_id).values_list("person_id", "dob"))
    if not members:
        return
    strangers = [a for a in adults if a not in members]
    if strangers:
        raise CaseworkError(f"{', '.join(strangers)} not a member of family {family_id}")
    children = [a for a in adults if members[a] is not None and members[a] > shift_months(on, -12 * 18)]
    if children:
        raise CaseworkError(f"{', '.join(children)} under 18 on {on}: name the adults who agreed")


def _consent_row(family_id: str, kind: ConsentKind, asked_by: str, asked_on: date, method: ConsentMethod,
                 adults: list[str], explained: str, actor: Actor) -> tuple[Case, FamilyAgreement]:
    if not asked_by.strip() or not explained.strip():
        raise CaseworkError("Enter who asked the family and what was explained")
    adults = [a.strip() for a in adults if a.strip()]
    if not adults:
        raise CaseworkError("Name each adult who " + ("agreed" if kind == ConsentKind.AGREED else "withdrew"))
    _check_adults(family_id, adults, asked_on)
    case = _locked(family_id)
    latest = family_agreement(family_id)
    agreed = latest is not None and latest.kind == ConsentKind.AGREED
    if kind == ConsentKind.AGREED and agreed:
        raise CaseworkError(f"family {family_id} has already agreed (on {latest.asked_on})")
    if kind == ConsentKind.WITHDRAWN and not agreed:
        raise CaseworkError(f"family {family_id} has no agreement to withdraw")
    if latest is not None and asked_on < latest.asked_on:
        raise CaseworkError(f"the date is before the family's last agreement record ({latest.asked_on})")
    row = FamilyAgreement.objects.create(family_id=family_id, kind=kind, asked_by=asked_by.strip()[:200],
                                         asked_on=asked_on, method=ConsentMethod(method), adults=adults,
                                         explained=explained.strip(), recorded_by=actor.username)
    _log(actor, case, f"family's agreement: {ConsentKind(kind).label.lower()} on {asked_on} ({len(adults)} adults)")
    return case, row


def record_family_agreement(family_id: str, asked_by: str, asked_on: date, method: ConsentMethod,
                            adults: list[str], explained: str, actor: Actor) -> FamilyAgreement:
    """The family agreed to join the programme: who asked, when, how, each adult who agreed, what was explained."""
    with transaction.atomic():
        return _consent_row(family_id, ConsentKind.AGREED, asked_by, asked_on, method, adults, explained, actor)[1]


def record_agreement_withdrawn(family_id: str, asked_by: str, on: date, method: ConsentMethod, adults: list[str],
                               explained: str, actor: Actor) -> FamilyAgreement:
    """The family withdrew its agreement, recorded as the agreement was. What follows is the plan's: with
    `casework_stops` the case is closed; with `claims_held` the claims ledger proposes and submits no claim for
    the family while it stays withdrawn (`withdrawn_families`)."""
    with transaction.atomic():
        case, row = _consent_row(family_id, ConsentKind.WITHDRAWN, asked_by, on, method, adults, explained, actor)
        if WithdrawalEffect.CASEWORK_STOPS in _agreement_rules(family_id).on_withdrawal and case.status != S.CLOSED:
            _close(case, ClosureReason.WITHDREW, on, actor, "the family withdrew its agreement to join the programme")
    return row
# --- Outcome frameworks: what measure owners enter (priority_families.reports.frameworks checks the measure) ---


def record_measure_entry(framework: str, measure: str, period: str, kind: str, actor: Actor, *,
                         value: Decimal | None = None, rag: str = "", text: str = "") -> MeasureEntry:
    """A value with its source, a narrative, or a RAG override with its reason, for one measure and period,
    with its access-log row in the same transaction. Earlier entries stay as the history."""
    kind = EntryKind(kind)
    if kind is EntryKind.VALUE and (value is None or not text.strip()):
        raise CaseworkError("Enter the value and where it comes from")
    if kind is EntryKind.NARRATIVE and not text.strip():
        raise CaseworkError("Enter the narrative")
    if kind is EntryKind.RAG and (rag not in Rag.values or not text.strip()):
        raise CaseworkError("Choose RED, AMBER or GREEN and give the reason for overriding the rule")
    with transaction.atomic():
        entry = MeasureEntry.objects.create(framework=framework, measure=measure, period=period, kind=kind,
                                            value=value if kind is EntryKind.VALUE else None,
                                            rag=rag if kind is EntryKind.RAG else "", text=text.strip(),
                                            by=actor.username)
        AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE,
                                 target=f"framework {framework} measure {measure}"[:200],
                                 detail=f"{kind.label.lower()} entered for {period}", ip=actor.ip)
    return entry


# --- Triage meetings, group tags, shared allocations, closures (the allocations report reads these) ---------


def record_triage_meeting(ward_code: str, ward: str, held_on: date, rollout: int, attendees: str, decisions: str,
                          actor: Actor, families_reviewed: int = 0) -> TriageMeeting:
    """A rollout (triage) meeting for a ward, with its access-log row. The ward must be one of the geography
    lookup's (the caller checks it against the refresh in force)."""
    if not attendees.strip() or not decisions.strip():
        raise CaseworkError("Enter who attended and what the meeting decided")
    if rollout < 1:
        raise CaseworkError("The rollout phase is a number from 1")
    with transaction.atomic():
        meeting = TriageMeeting.objects.create(ward_code=ward_code, ward=ward, held_on=held_on, rollout=rollout,
                                               attendees=attendees.strip(), decisions=decisions.strip(),
                                               families_reviewed=families_reviewed, by=actor.username)
        AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE, target=f"ward {ward_code}",
                                 detail=f"triage meeting of {held_on.isoformat()} recorded (rollout {rollout})",
                                 ip=actor.ip)
    return meeting


def tag_case(family_id: str, tag: GroupTag, on: date, actor: Actor) -> CaseTag:
    """Put a case in a group (FIP, the pilot group) from a date; a case is in a group once."""
    with transaction.atomic():
        case = _locked(family_id)
        if CaseTag.objects.filter(case=case, tag=tag).exists():
            raise CaseworkError(f"family {family_id} is already in the {GroupTag(tag).label.lower()}")
        made = CaseTag.objects.create(case=case, tag=tag, on=on, by=actor.username)
        _log(actor, case, f"tagged {GroupTag(tag).value}")
    return made


def share_allocation(family_id: str, agency: Agency, on: date, actor: Actor) -> SharedAllocation:
    """A further agency shares an allocated case with its lead agency."""
    with transaction.atomic():
        case = _locked(family_id)
        if case.status in (S.IDENTIFIED, S.NOT_ALLOCATED):
            raise CaseworkError(f"family {family_id} is not allocated: allocate it before sharing it")
        if case.agency_id == agency.pk or SharedAllocation.objects.filter(case=case, agency=agency).exists():
            raise CaseworkError(f"{agency.name} already works with family {family_id}")
        made = SharedAllocation.objects.create(case=case, agency=agency, on=on, by=actor.username)
        _log(actor, case, f"allocation shared with {agency.name}")
    return made


def close_case(family_id: str, reason: ClosureReason, on: date, actor: Actor, note: str = "") -> Case:
    """Close a case with a reason from the closed list (the move the workflow allows, and the closure row)."""
    with transaction.atomic():
        case = _locked(family_id)
        if S.CLOSED not in MOVES[CaseStatus(case.status)]:
            raise CaseworkError(f"family {family_id} is {case.get_status_display().lower()}: it cannot be closed")
        _close(case, reason, on, actor, note)
    return case


def _close(case: Case, reason: ClosureReason, on: date, actor: Actor, note: str = "") -> None:
    CaseClosure.objects.create(case=case, reason=ClosureReason(reason), on=on, by=actor.username)
    label = ClosureReason(reason).label
    _move(case, S.CLOSED, actor, f"{label}: {note.strip()}" if note.strip() else label)


def record_disclosure(disclosure: Disclosure, actor: Actor) -> Disclosure:
    """A headline problem disclosed during the intervention (seed 004), added to an open case: the disclosure
    row, a history row and the access-log row, in the caller's transaction (`outcomes.disclose`, which freezes
    the headline's baseline in the same one)."""
    with transaction.atomic():
        case = _open(_locked(disclosure.family_id))
        disclosure.save()
        _note(case, f"headline {disclosure.headline} added, disclosed on {disclosure.disclosed_on.isoformat()}",
              actor)
    return disclosure


def record_nomination(nomination: Nomination, actor: Actor) -> Nomination:
    """A professional's nomination of equivalent concern (seed 002): the nomination row and the access-log row
    (and a history row when the family has a case, which must be open), in one transaction. A family the data
    alone does not make eligible has no case yet; attachment opens it."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(family_id=nomination.family_id).first()
        if case is not None:
            _open(case)
        nomination.save()
        note = (f"nominated for {nomination.headline} by {nomination.nominated_by} on "
                f"{nomination.nominated_on.isoformat()}, evidence sha256 {nomination.evidence_sha256}")
        if case is not None:
            _note(case, note, actor)
        else:
            AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE,
                                     target=f"family {nomination.family_id}", detail=note, ip=actor.ip)
    return nomination


def record_assessed_need(need: AssessedNeed, actor: Actor) -> AssessedNeed:
    """A plan row a professional assessed as applying to the family (seed 004, seed 002: an assessment, a tool
    score, a referral to a programme), added to an open case: the row, a history row and the access-log row, in
    the caller's transaction (`outcomes.assessed.assess_row`, which writes the audit event in the same one)."""
    with transaction.atomic():
        case = _open(_locked(need.family_id))
        need.save()
        _note(case, f"row {need.row} applies, assessed by {need.assessed_by} on {need.assessed_on.isoformat()}, "
                    f"evidence sha256 {need.evidence_sha256}", actor)
    return need


def record_row_attestation(said: RowAttestation, actor: Actor) -> RowAttestation:
    """The lead professional's attestation that an assessed row was met or not, after its period: the row, a
    history row and the access-log row, in the caller's transaction (`outcomes.assessed.attest_row`)."""
    with transaction.atomic():
        case = _open(_locked(said.family_id))
        said.save()
        _note(case, f"row {said.need.row} attested {'met' if said.met else 'not met'} by {said.attested_by} on "
                    f"{said.attested_on.isoformat()}, evidence sha256 {said.evidence_sha256}", actor)
    return said
