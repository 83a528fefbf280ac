"""The team around the family: the family's team page (members, meetings, notes, plan actions, assessment,
family map, case file, level of support and history) for its lead worker, manager, analysts and members.

Every page checks the family is within the user's reach (`web.access.case_or_404`, which counts a current
membership); every view is logged; every change goes through `casedb.team`, `casedb.casework` or
`outcomes.casefile`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from priority_families.casedb import casework, team
from priority_families.casedb.casework import CaseworkError
from priority_families.casedb.levels import support_levels
from priority_families.casedb.models import AccessAction, Case, CaseDocument, Family, Role
from priority_families.outcomes.casefile import CaseFileError, add_document
from priority_families.web.access import (
    TEAM_ROLES,
    case_or_404,
    deny,
    leads_case,
    member_of,
    record,
    role_of,
    roles_required,
)
from priority_families.web.forms import ActionForm, NoteForm
from priority_families.web.team_forms import (
    AssessmentForm,
    DatedForm,
    DocumentForm,
    LevelForm,
    MapPersonForm,
    MeetingForm,
    MemberForm,
    ReasonForm,
)
from priority_families.web.views.common import actor, stored_file

FORMS = ("member_form", "meeting_form", "note_form", "action_form", "assessment_form", "map_form",
         "document_form", "level_form", "reopen_form")


def _assessment_form(data: Any = None) -> AssessmentForm:
    scale = support_levels().assessment_scale
    return AssessmentForm(data, headlines=team.plan_headlines(), scale=(scale.name, scale.lowest, scale.highest))


def _context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    family = Family.objects.filter(family_id=case.family_id).first()
    levels = support_levels()
    level_history = [{"row": lv, "label": levels.label(lv.level)} for lv in case.levels.order_by("on", "id")]
    lead = leads_case(request.user, case)
    return {
        "case": case, "family": family, "household": family.people.all() if family else [],
        "map_people": case.map_people.all(), "lead": lead,
        "members": case.members.select_related("user").order_by("removed_on", "added_on", "id"),
        "meetings": case.meetings.prefetch_related("actions"), "notes": case.notes.all(),
        "actions": case.actions.all(), "assessments": case.assessments.prefetch_related("lines"),
        "documents": case.documents.all(), "history": case.history.all(), "referrals": case.referrals.all(),
        "level_now": levels.label(team.current_level(case)), "level_history": level_history,
        "levels": levels.choices(), "can_reopen": lead and case.status in casework.REOPENABLE,
        "ended": case.status in team.ENDED, "today": timezone.localdate(),
        "member_form": forms.get("member_form") or MemberForm(),
        "meeting_form": forms.get("meeting_form") or MeetingForm(),
        "note_form": forms.get("note_form") or NoteForm(prefix="note"),
        "action_form": forms.get("action_form") or ActionForm(prefix="action"),
        "assessment_form": forms.get("assessment_form") or _assessment_form(),
        "map_form": forms.get("map_form") or MapPersonForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "level_form": forms.get("level_form") or LevelForm(),
        "reopen_form": forms.get("reopen_form") or ReasonForm(),
        "form_list": [forms.get(f) for f in FORMS if forms.get(f) is not None],
    }


@roles_required(*TEAM_ROLES)
def page(request: HttpRequest, family_id: str) -> HttpResponse:
    """The family's team page."""
    case = case_or_404(request, family_id)
    record(request, AccessAction.VIEW, target=f"family {case.family_id}", detail="team page")
    return render(request, "web/team.html", _context(request, case))


def _change(request: HttpRequest, family_id: str, name: str, form: Any, apply: Any, lead_only: bool = False,
            ) -> HttpResponse:
    """Validate a team form and apply it through the domain; re-show the page with the errors otherwise.

    A change by someone outside the family's reach, or (for `lead_only`) not leading the case, is a logged 404.
    """
    case = case_or_404(request, family_id)
    if lead_only and not leads_case(request.user, case):
        raise deny(request, target=f"family {family_id}")
    if form.is_valid():
        try:
            apply(form.cleaned_data)
            messages.success(request, "Saved")
            return redirect("web:team", family_id=case.family_id)
        except (CaseworkError, CaseFileError) as exc:
            form.add_error(None, str(exc))
    record(request, AccessAction.VIEW, target=f"family {case.family_id}", detail=f"team page again: {name} refused")
    return render(request, "web/team.html", _context(request, case, **{name: form}), status=400)


@require_POST
@roles_required(Role.LEAD_WORKER, Role.TEAM_MANAGER)
def add_member(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "member_form", MemberForm(request.POST),
                   lambda d: team.add_member(family_id, d["user"], d["agency"], d["role_on_case"], d["added_on"],
                                             actor(request)), lead_only=True)


@require_POST
@roles_required(Role.LEAD_WORKER, Role.TEAM_MANAGER)
def remove_member(request: HttpRequest, family_id: str, member_id: int) -> HttpResponse:
    return _change(request, family_id, "member_form", DatedForm(request.POST),
                   lambda d: team.remove_member(family_id, member_id, d["on"], actor(request)), lead_only=True)


@require_POST
@roles_required(*TEAM_ROLES)
def add_note(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "note_form", NoteForm(request.POST, prefix="note"),
                   lambda d: casework.add_note(family_id, d["text"], actor(request)))


@require_POST
@roles_required(*TEAM_ROLES)
def add_action(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "action_form", ActionForm(request.POST, prefix="action"),
                   lambda d: casework.add_action(family_id, d["description"], d["owner"], d.get("due_on"),
                                                 actor(request)))


@require_POST
@roles_required(*TEAM_ROLES)
def complete_action(request: HttpRequest, family_id: str, action_id: int) -> HttpResponse:
    case = case_or_404(request, family_id)
    try:
        casework.complete_action(case.family_id, action_id, actor(request))
        messages.success(request, "Action marked done")
    except CaseworkError as exc:
        messages.error(request, str(exc))
    return redirect("web:team", family_id=case.family_id)


@require_POST
@roles_required(*TEAM_ROLES)
def add_meeting(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "meeting_form", MeetingForm(request.POST),
                   lambda d: team.record_meeting(family_id, d["held_on"], d["attended"].splitlines(), d["decisions"],
                                                 d["actions"], actor(request)))


@require_POST
@roles_required(*TEAM_ROLES)
def add_assessment(request: HttpRequest, family_id: str) -> HttpResponse:
    form = _assessment_form(request.POST)
    return _change(request, family_id, "assessment_form", form,
                   lambda d: team.record_assessment(family_id, d["assessed_on"], d["author"], form.lines(),
                                                    actor(request)))


@require_POST
@roles_required(*TEAM_ROLES)
def add_map_person(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "map_form", MapPersonForm(request.POST),
                   lambda d: team.add_map_person(family_id, d["name"], d["relationship"], d["lives"], actor(request)))


@require_POST
@roles_required(*TEAM_ROLES)
def add_case_document(request: HttpRequest, family_id: str) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES, too_large=getattr(request, "evidence_too_large", False))
    return _change(request, family_id, "document_form", form,
                   lambda d: add_document(family_id, d["kind"], d["title"], d["file"].chunks(), actor(request)))


@require_POST
@roles_required(Role.LEAD_WORKER, Role.TEAM_MANAGER)
def step_level(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "level_form", LevelForm(request.POST),
                   lambda d: team.step_level(family_id, d["level"], d["on"], d["reason"], actor(request)),
                   lead_only=True)


@require_POST
@roles_required(Role.LEAD_WORKER, Role.TEAM_MANAGER)
def reopen(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "reopen_form", ReasonForm(request.POST),
                   lambda d: casework.reopen(family_id, d["reason"], actor(request)), lead_only=True)


@roles_required(*TEAM_ROLES)
def document(request: HttpRequest, family_id: str, document_id: int) -> HttpResponse:
    """A case-file document, for anyone who may see the family; each download is logged."""
    case = case_or_404(request, family_id)
    doc = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if doc is None or not Path(doc.path).is_file():
        raise deny(request, target=f"document {family_id}/{document_id}")
    record(request, AccessAction.EXPORT, target=f"family {family_id}",
           detail=f"case-file document {doc.pk}, sha256 {doc.sha256}")
    return stored_file(doc.path, f"casefile-{family_id}-{doc.pk}")


@roles_required(Role.PARTNER, Role.LEAD_WORKER)
def my_teams(request: HttpRequest) -> HttpResponse:
    """The families whose team the practitioner is on today, and their own referrals with the outcomes."""
    cases = member_of(request.user).distinct().order_by("family_id")
    referrals = request.user.referrals.prefetch_related("people").select_related("case")
    record(request, AccessAction.VIEW, target="my teams", detail=f"{cases.count()} families")
    return render(request, "web/my_teams.html", {"cases": cases, "referrals": referrals,
                                                 "is_partner": role_of(request.user) is Role.PARTNER})
