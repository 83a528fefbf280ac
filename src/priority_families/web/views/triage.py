"""The triage meeting for an area: allocate each identified family, or record why it is not allocated."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priority_families.casedb import casework
from priority_families.casedb.caseloads import caseloads
from priority_families.casedb.casework import CaseworkError
from priority_families.casedb.models import (
    AccessAction,
    Case,
    CaseStatus,
    Family,
    NotAllocatedReason,
    Role,
    Team,
)
from priority_families.web.access import deny, record, role_of, roles_required
from priority_families.web.forms import AllocateForm
from priority_families.web.views.common import actor

AWAITING = (CaseStatus.IDENTIFIED, CaseStatus.NOT_ALLOCATED, CaseStatus.TRIAGED)


def _team(request: HttpRequest) -> Team | None:
    """The team a manager triages for (None for analysts, who triage for every team)."""
    return request.user.profile.team if role_of(request.user) is Role.TEAM_MANAGER else None


def _areas_for(request: HttpRequest) -> QuerySet[Case]:
    """Cases a user may triage: every area for analysts; for managers, their team's areas, less any family
    another team already leads."""
    cases = Case.objects.all()
    if role_of(request.user) is Role.TEAM_MANAGER:
        team = _team(request)
        codes = list(team.areas.values_list("code", flat=True)) if team else []
        cases = cases.filter(area__in=codes).filter(Q(team__isnull=True) | Q(team=team))
    return cases


def _form(request: HttpRequest, family_id: str, data: object = None) -> AllocateForm:
    """The allocation form; a manager chooses among their own team's workers only."""
    return AllocateForm(data, prefix=family_id, team=_team(request))


@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def areas(request: HttpRequest) -> HttpResponse:
    rows = (_areas_for(request).values("area")
            .annotate(waiting=Count("id", filter=Q(status=CaseStatus.IDENTIFIED)),
                      allocated=Count("id", filter=Q(status=CaseStatus.TRIAGED)),
                      set_aside=Count("id", filter=Q(status=CaseStatus.NOT_ALLOCATED)))
            .order_by("area"))
    return render(request, "web/triage_areas.html", {"rows": rows})


def _meeting(request: HttpRequest, area: str, forms: dict[str, AllocateForm] | None = None,
             status: int = 200) -> HttpResponse:
    cases = _areas_for(request).filter(area=area, status__in=AWAITING).select_related("lead_worker", "agency")
    families = {f.family_id: f for f in Family.objects.filter(family_id__in=cases.values("family_id"))}
    forms = forms or {}
    rows = [{"case": c, "family": families.get(c.family_id),
             "form": forms.get(c.family_id) or _form(request, c.family_id)} for c in cases]
    rows.sort(key=lambda r: (-(r["family"].priority if r["family"] else 0), r["case"].family_id))
    errors = [(r["case"].family_id, r["form"]) for r in rows if r["form"].errors]
    record(request, AccessAction.VIEW, target=f"triage {area}", detail=f"{len(rows)} families")
    return render(request, "web/triage.html", {"area": area, "rows": rows, "errors": errors,
                                               "reasons": NotAllocatedReason.choices,
                                               "caseload_rows": caseloads(_team(request))}, status=status)


@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def meeting(request: HttpRequest, area: str) -> HttpResponse:
    if not _areas_for(request).filter(area=area).exists():
        raise deny(request, target=f"triage {area}")
    return _meeting(request, area)


@require_POST
@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def decide(request: HttpRequest, area: str, family_id: str) -> HttpResponse:
    if not _areas_for(request).filter(area=area, family_id=family_id).exists():
        raise deny(request, target=f"family {family_id}")
    form = _form(request, family_id, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "allocate":
                casework.allocate(family_id, d["agency"], d["worker"], actor(request), team=_team(request))
                messages.success(request, f"Family {family_id} allocated to {d['agency'].name}")
            else:
                casework.not_allocate(family_id, NotAllocatedReason(d["reason"]), actor(request),
                                      team=_team(request))
                messages.success(request, f"Family {family_id} not to be allocated: "
                                          f"{NotAllocatedReason(d['reason']).label.lower()}")
            return redirect("web:triage-area", area=area)
        except CaseworkError as exc:
            form.add_error(None, str(exc))
    return _meeting(request, area, {family_id: form}, status=400)
