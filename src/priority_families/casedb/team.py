"""The team around the family: every change to a case's members, meetings, assessment, family map, level of
support and to referrals, each in one transaction with its access-log row (as `casework`).

Who may make a change is the tracker's rule (`web.access`); what a change may be is decided here, so the same
refusals hold from any door.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from priority_families.casedb.audit import logged_here
from priority_families.casedb.casework import (
    Actor,
    CaseworkError,
    _locked,
    _log,
    add_action,
    move,
    reopen,
)
from priority_families.casedb.levels import support_levels
from priority_families.casedb.models import (
    Assessment,
    AssessmentLine,
    Case,
    CaseMember,
    CaseStatus,
    DeclineReason,
    Family,
    LevelChange,
    MapPerson,
    Referral,
    ReferralStatus,
    ReferredPerson,
    Role,
    RoleOnCase,
    StatusChange,
    TeamMeeting,
    TrackerRefresh,
    WorkerCapacity,
)
from priority_families.plans.schema import Plan

# A case the team no longer works: no one joins it until it is reopened.
ENDED = (CaseStatus.CLOSED, CaseStatus.STEPPED_DOWN, CaseStatus.NOT_ALLOCATED)
MEMBER_ROLES = (Role.PARTNER, Role.LEAD_WORKER)


class TeamError(CaseworkError):
    """A team change refused; the message says why in the programme's words."""


def current_memberships(on: date | None = None) -> QuerySet[CaseMember]:
    """The memberships in force on a day (today by default): from `added_on` until the day before
    `removed_on`. The one statement of "on the team", which the access rule (`web.access.member_of`) uses."""
    day = on or timezone.localdate()
    return CaseMember.objects.filter(added_on__lte=day).filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))


def add_member(family_id: str, user: AbstractBaseUser, agency: str, role_on_case: str, added_on: date,
               actor: Actor) -> CaseMember:
    """Put a practitioner on the family's team from `added_on`: they see the family from then until removed."""
    profile = getattr(user, "profile", None)
    if profile is None or profile.role not in MEMBER_ROLES or not user.is_active:
        raise TeamError(f"{user.get_username()} is not an active practitioner who can join a team")
    if role_on_case not in RoleOnCase.values:
        raise TeamError(f"{role_on_case!r} is not a role on a case")
    if not agency.strip():
        raise TeamError("Enter the member's agency")
    with transaction.atomic():
        case = _locked(family_id)
        if case.status in ENDED:
            raise TeamError(f"family {family_id} is {case.get_status_display().lower()}: "
                            "no one can join its team until the case is reopened")
        if case.members.filter(user=user, removed_on__isnull=True).exists():
            raise TeamError(f"{user.get_username()} is already on this family's team")
        with logged_here():  # the row for this change is written just below
            member = CaseMember.objects.create(case=case, user=user, agency=agency.strip(),
                                               role_on_case=role_on_case, added_on=added_on, added_by=actor.username)
        _log(actor, case, f"team member {user.get_username()} added as {RoleOnCase(role_on_case).label}")
    return member


def remove_member(family_id: str, member_id: int, removed_on: date, actor: Actor) -> CaseMember:
    """Take a practitioner off the team from `removed_on` (the row is kept: who was on the team, and when)."""
    with transaction.atomic():
        case = _locked(family_id)
        member = case.members.select_for_update().filter(pk=member_id, removed_on__isnull=True).first()
        if member is None:
            raise TeamError("That person is not on this family's team")
        if removed_on < member.added_on:
            raise TeamError("A member cannot leave the team before they joined it")
        member.removed_on, member.removed_by = removed_on, actor.username
        with logged_here():
            member.save()
        _log(actor, case, f"team member {member.user.get_username()} removed")
    return member


@dataclass(frozen=True)
class MeetingAction:
    """An action a team meeting agreed: it joins the family plan."""

    description: str
    owner: str
    due_on: date | None = None


def record_meeting(family_id: str, held_on: date, attended: list[str], decisions: str,
                   actions: list[MeetingAction], actor: Actor) -> TeamMeeting:
    """A team meeting: who came, what was decided, and its actions added to the family plan."""
    people = [a.strip() for a in attended if a.strip()]
    if not people:
        raise TeamError("Enter who attended the meeting")
    if not decisions.strip():
        raise TeamError("Enter what the meeting decided")
    if held_on > timezone.localdate():
        raise TeamError("A meeting cannot be recorded before it is held")
    with transaction.atomic():
        case = _locked(family_id)
        meeting = TeamMeeting.objects.create(case=case, held_on=held_on, attended="\n".join(people),
                                             decisions=decisions.strip(), by=actor.username)
        meeting.actions.set([add_action(family_id, a.description, a.owner, a.due_on, actor) for a in actions])
        _log(actor, case, f"team meeting of {held_on.isoformat()} recorded, {len(actions)} actions")
    return meeting


@dataclass(frozen=True)
class HeadlineView:
    """One headline of an assessment as entered."""

    headline: str
    needs: str = ""
    strengths: str = ""
    family_view: str = ""
    score: int | None = None


def _plan() -> Plan:
    """The plan the published refresh was judged on (the default plan before any publish)."""
    from priority_families.core.config import DEFAULT_PLAN
    from priority_families.plans.loader import load_plan

    refresh = TrackerRefresh.objects.first()
    try:
        return load_plan(refresh.plan_id if refresh else DEFAULT_PLAN)
    except (OSError, ValueError, KeyError):
        return load_plan(DEFAULT_PLAN)


def plan_headlines() -> list[tuple[str, str]]:
    """The headlines (id, title) of the plan in force: what assessments and referrals are written against."""
    return [(h.id, h.title) for h in _plan().headlines if h.indicators]


def plan_criteria() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each headline of the plan in force with its criteria (`headline.indicator`, label): what a referrer
    nominates a family against."""
    return [(h.id, h.title, [(f"{h.id}.{i.id}", i.label) for i in h.indicators]) for h in _plan().headlines
            if h.indicators]


def record_assessment(family_id: str, assessed_on: date, author: str, lines: list[HeadlineView],
                      actor: Actor) -> Assessment:
    """A whole-family assessment: per headline of the plan, needs, strengths, the family's view and a score on
    the council's scale."""
    known = dict(plan_headlines())
    scale = support_levels().assessment_scale
    written = [ln for ln in lines if ln.needs.strip() or ln.strengths.strip() or ln.family_view.strip()
               or ln.score is not None]
    if not written:
        raise TeamError("Enter the assessment of at least one headline")
    for ln in written:
        if ln.headline not in known:
            raise TeamError(f"{ln.headline!r} is not a headline of the plan")
        if ln.score is not None and not scale.lowest <= ln.score <= scale.highest:
            raise TeamError(f"{known[ln.headline]}: the score must be from {scale.lowest} to {scale.highest}")
    if not author.strip():
        raise TeamError("Enter who made the assessment")
    with transaction.atomic():
        case = _locked(family_id)
        assessment = Assessment.objects.create(case=case, assessed_on=assessed_on, author=author.strip(),
                                               scale=scale.name)
        AssessmentLine.objects.bulk_create([
            AssessmentLine(assessment=assessment, headline=ln.headline, needs=ln.needs.strip(),
                           strengths=ln.strengths.strip(), family_view=ln.family_view.strip(), score=ln.score)
            for ln in written])
        _log(actor, case, f"assessment of {assessed_on.isoformat()} recorded")
    return assessment


def add_map_person(family_id: str, name: str, relationship: str, lives: str, actor: Actor) -> MapPerson:
    """Someone the worker knows is part of the family's life, added to the family map (never to the
    resolved household: that is the data's)."""
    if not name.strip() or not relationship.strip() or not lives.strip():
        raise TeamError("Enter the person's name, their relationship to the family and where they live")
    with transaction.atomic():
        case = _locked(family_id)
        person = MapPerson.objects.create(case=case, name=name.strip(), relationship=relationship.strip(),
                                          lives=lives.strip(), by=actor.username)
        _log(actor, case, f"family map: person {person.pk} added")
    return person


def current_level(case: Case) -> str:
    """The case's level of support now (the council's starting level until one is set)."""
    last = case.levels.order_by("-on", "-id").first()
    return last.level if last else support_levels().starting_level


def step_level(family_id: str, level: str, on: date, reason: str, actor: Actor) -> LevelChange:
    """Set or step a case's level of support, dated and with a reason; up or down is read from the council's
    list (a later level is a step up)."""
    levels = support_levels()
    if levels.get(level) is None:
        raise TeamError(f"{level!r} is not one of the council's levels of support "
                        f"({', '.join(c for c, _ in levels.choices())})")
    if not reason.strip():
        raise TeamError("Enter why the level changes")
    with transaction.atomic():
        case = _locked(family_id)
        last = case.levels.order_by("-on", "-id").first()
        if last is not None and on < last.on:
            raise TeamError(f"the level was last changed on {last.on.isoformat()}: a step must be dated after it")
        if last is None:
            step = LevelChange.Step.SET
        elif last.level == level:
            raise TeamError(f"the case is already at {levels.label(level)}")
        else:
            step = LevelChange.Step.UP if levels.rank(level) > levels.rank(last.level) else LevelChange.Step.DOWN
        change = LevelChange.objects.create(case=case, level=level, step=step, on=on, reason=reason.strip()[:500],
                                            by=actor.username)
        _log(actor, case, f"level of support {step.label.lower()}: {level}")
    return change


def set_capacity(worker: AbstractBaseUser, capacity: Decimal, actor: Actor) -> WorkerCapacity:
    """A lead worker's capacity in weighted cases (their contract's share of a full caseload)."""
    if capacity < 0:
        raise TeamError("A capacity cannot be negative")
    with transaction.atomic():
        row, _ = WorkerCapacity.objects.update_or_create(user=worker, defaults={"capacity": capacity,
                                                                                "by": actor.username})
        from priority_families.casedb.models import AccessAction, AccessLog

        AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE,
                                 target=f"user {worker.get_username()}", detail=f"capacity {capacity}", ip=actor.ip)
    return row


# ---- referrals -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PersonReferred:
    """A person as the referrer wrote them."""

    first_name: str
    last_name: str
    dob: date | None = None
    postcode: str = ""


@dataclass(frozen=True)
class ReferralForm:
    """What a referral must say: who, the worries against the plan's headlines, what the family knows and
    whether it agreed, the referrer's agency."""

    people: list[PersonReferred]
    headlines: list[str]
    worries: str
    family_knows: str
    consent: bool
    agency: str
    criteria: list[str] = field(default_factory=list)


def _check_referral(form: ReferralForm) -> None:
    problems = []
    if not any(p.first_name.strip() and p.last_name.strip() for p in form.people):
        problems.append("Enter the first and last name of at least one person")
    if any(bool(p.first_name.strip()) != bool(p.last_name.strip()) for p in form.people):
        problems.append("Enter both names of each person")
    known = dict(plan_headlines())
    if not form.headlines:
        problems.append("Select at least one headline the family needs help with")
    problems += [f"{h!r} is not a headline of the plan" for h in form.headlines if h not in known]
    criteria = {key for _, _, lines in plan_criteria() for key, _ in lines}
    problems += [f"{c!r} is not one of the plan's criteria" for c in form.criteria if c not in criteria]
    problems += [f"the criterion {c!r} is under a headline not selected: select {c.split('.')[0]!r} too"
                 for c in form.criteria if c in criteria and c.split(".")[0] not in form.headlines]
    if not form.worries.strip():
        problems.append("Describe the worries")
    if not form.family_knows.strip():
        problems.append("Say what the family knows about this referral")
    if not form.agency.strip():
        problems.append("Enter your agency")
    if problems:
        raise TeamError("; ".join(problems))


def make_referral(referrer: AbstractBaseUser, form: ReferralForm, actor: Actor) -> Referral:
    """A practitioner's referral, matched to the known families and to earlier referrals of the same family
    (`casedb.referral_match`) as it is made."""
    from priority_families.casedb.referral_match import match_referral

    _check_referral(form)
    people = [p for p in form.people if p.first_name.strip()]
    with transaction.atomic():
        referral = Referral.objects.create(
            referrer=referrer, referrer_agency=form.agency.strip(), headlines=";".join(form.headlines),
            criteria=";".join(form.criteria),
            worries=form.worries.strip(), family_knows=form.family_knows.strip(), consent=form.consent)
        ReferredPerson.objects.bulk_create([
            ReferredPerson(referral=referral, first_name=p.first_name.strip(), last_name=p.last_name.strip(),
                           dob=p.dob, postcode=p.postcode.strip().upper()) for p in people])
        match_referral(referral)
        _log_referral(actor, referral, "referral made")
    return referral


def _log_referral(actor: Actor, referral: Referral, detail: str) -> None:
    from priority_families.casedb.models import AccessAction, AccessLog

    AccessLog.objects.create(username=actor.username, action=AccessAction.CHANGE, target=f"referral {referral.pk}",
                             detail=detail, ip=actor.ip)


def _locked_referral(referral_id: int) -> Referral:
    referral = Referral.objects.select_for_update().filter(pk=referral_id).first()
    if referral is None:
        raise TeamError(f"there is no referral {referral_id}")
    if referral.status not in (ReferralStatus.WAITING, ReferralStatus.MORE_INFO):
        raise TeamError(f"referral {referral_id} is already {referral.get_status_display().lower()}")
    return referral


def _decide(referral: Referral, status: ReferralStatus, actor: Actor, note: str) -> None:
    referral.status, referral.decided_by, referral.decided_at = status, actor.username, timezone.now()
    referral.decision_note = note.strip()
    referral.save()


def accept_referral(referral_id: int, note: str, actor: Actor, area: str = "") -> Case:
    """Accept a referral: the family's case when it has one (a closed one is reopened, one set aside at triage
    goes back to triage: a re-referral is the same family's case, its history kept), or a new case waiting at
    triage (a nomination, in the plan's sense, of a family the data had not identified)."""
    with transaction.atomic():
        referral = _locked_referral(referral_id)
        case = _case_of(referral)
        if case is None:
            case = _open_referred_case(referral, area, actor)
        elif case.status in (CaseStatus.CLOSED, CaseStatus.STEPPED_DOWN):
            case = reopen(case.family_id, f"re-referred by {referral.referrer_agency} (referral {referral.pk})", actor)
        elif case.status == CaseStatus.NOT_ALLOCATED:
            case = move(case.family_id, CaseStatus.IDENTIFIED, actor,
                        f"back to triage: referred by {referral.referrer_agency} (referral {referral.pk})")
        else:
            StatusChange.objects.create(case=case, from_status=case.status, to_status=case.status,
                                        reason=f"referral {referral.pk} from {referral.referrer_agency} joined",
                                        by=actor.username)
        referral.case = case
        _decide(referral, ReferralStatus.ACCEPTED, actor, note)
        _log(actor, case, f"referral {referral.pk} accepted")
        _log_referral(actor, referral, f"accepted: family {case.family_id}")
    return case


def _open_referred_case(referral: Referral, area: str, actor: Actor) -> Case:
    """A new case for a referred family, waiting at triage in its area, at the council's starting level."""
    where = area.strip().upper() or _area(referral)
    if not where:
        raise TeamError("Enter the area the family's triage is held in (no referred person has a postcode)")
    case = Case.objects.create(family_id=referral.family_id or f"R{referral.pk:06d}", area=where,
                               status=CaseStatus.IDENTIFIED, identified_on=timezone.localdate())
    StatusChange.objects.create(case=case, to_status=CaseStatus.IDENTIFIED,
                                reason=f"opened by referral {referral.pk} from {referral.referrer_agency}",
                                by=actor.username)
    LevelChange.objects.create(case=case, level=support_levels().starting_level, step=LevelChange.Step.SET,
                               on=timezone.localdate(), reason=f"referral {referral.pk}", by=actor.username)
    return case


def _case_of(referral: Referral) -> Case | None:
    """The case the referral joins: the matched family's, or the one an earlier referral of the family made."""
    if referral.family_id:
        case = Case.objects.select_for_update().filter(family_id=referral.family_id).first()
        if case is not None:
            return case
    earlier = referral.same_as
    while earlier is not None:
        if earlier.case_id is not None:
            return Case.objects.select_for_update().get(pk=earlier.case_id)
        earlier = earlier.same_as
    return None


def _area(referral: Referral) -> str:
    """The published family's area, or the postcode district of the first referred person with a postcode (the
    area triage is held in)."""
    family = Family.objects.filter(family_id=referral.family_id).first() if referral.family_id else None
    if family is not None and family.area:
        return family.area
    postcode = next((p.postcode for p in referral.people.all() if p.postcode), "")
    return postcode.split(" ")[0] if " " in postcode else postcode[:-3].strip()


def decline_referral(referral_id: int, reason: str, note: str, actor: Actor) -> Referral:
    """Decline a referral with one of the agreed reasons (the referrer sees it)."""
    if reason not in DeclineReason.values:
        raise TeamError("Select why the referral is declined")
    with transaction.atomic():
        referral = _locked_referral(referral_id)
        referral.decline_reason = reason
        _decide(referral, ReferralStatus.DECLINED, actor, note)
        _log_referral(actor, referral, f"declined: {reason}")
    return referral


def ask_for_more(referral_id: int, question: str, actor: Actor) -> Referral:
    """Ask the referrer for more information before deciding."""
    if not question.strip():
        raise TeamError("Say what more you need to know")
    with transaction.atomic():
        referral = _locked_referral(referral_id)
        _decide(referral, ReferralStatus.MORE_INFO, actor, question)
        referral.decided_at = None  # not decided yet: the time to decide runs on
        referral.save()
        _log_referral(actor, referral, "more information asked for")
    return referral


def answer_referral(referral_id: int, referrer: AbstractBaseUser, answer: str, actor: Actor) -> Referral:
    """The referrer's answer to a question: added to the worries, and the referral waits for a decision again."""
    if not answer.strip():
        raise TeamError("Enter your answer")
    with transaction.atomic():
        referral = _locked_referral(referral_id)
        if referral.referrer_id != referrer.pk or referral.status != ReferralStatus.MORE_INFO:
            raise TeamError("This referral is not waiting for your answer")
        referral.worries = f"{referral.worries}\n\nAsked: {referral.decision_note}\nAnswer: {answer.strip()}"
        referral.status = ReferralStatus.WAITING
        referral.save()
        _log_referral(actor, referral, "more information given")
    return referral
