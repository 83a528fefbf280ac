"""Triage by any level of the geography: the families waiting in a ward (district, locality or postcode
district), a page at a time, each linked to its family page, with its decision form folded away until the
manager opens it (no wall of selects); allocate each family, or record why it is not allocated."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from priority_families.casedb.places import LEVELS, count_by_place, place_label, with_place
from priority_families.web.access import deny, record, role_of, roles_required
from priority_families.web.forms import AllocateForm
from priority_families.web.views.common import actor, paginate
from priority_families.web.views.places import level_of, place_context

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


PAGE = 20
UNPLACED_SLUG = "-"  # the URL of the families the lookup does not place
COUNTS = {"waiting": Count("id", filter=Q(status=CaseStatus.IDENTIFIED)),
          "allocated": Count("id", filter=Q(status=CaseStatus.TRIAGED)),
          "set_aside": Count("id", filter=Q(status=CaseStatus.NOT_ALLOCATED))}
COLUMNS = {"waiting": "Waiting", "allocated": "Allocated", "set_aside": "Not allocated"}


def _place(slug: str) -> str:
    return "" if slug == UNPLACED_SLUG else slug


def _waiting(request: HttpRequest, level: str, place: str):
    return (with_place(_areas_for(request), level).filter(place=place, status__in=AWAITING)
            .select_related("lead_worker", "agency"))


@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def places(request: HttpRequest) -> HttpResponse:
    """Families waiting for triage, allocated and set aside, per area at the level picked; every ward listed."""
    level = level_of(request)
    rows = count_by_place(_areas_for(request), level.level, COUNTS)
    for r in rows:  # a place links to its meeting only when someone waits there
        r["href"] = reverse("web:triage-place", args=[level.level, r["place"] or UNPLACED_SLUG]) \
            if r["waiting"] else ""
    return render(request, "web/triage_places.html",
                  place_context(level, rows, COLUMNS, "Families waiting for triage", empty="No families to triage"))


def _meeting(request: HttpRequest, level: str, place: str, forms: dict[str, AllocateForm] | None = None,
             status: int = 200) -> HttpResponse:
    cases = _waiting(request, level, place)
    priority = {f: p for f, p in Family.objects.filter(family_id__in=cases.values("family_id"))
                .values_list("family_id", "priority")}
    ordered = sorted(cases, key=lambda c: (-priority.get(c.family_id, 0), c.family_id))
    page, pages = paginate(request, ordered, size=PAGE)
    families = {f.family_id: f for f in Family.objects.filter(family_id__in=[c.family_id for c in page])
                .prefetch_related("people")}
    forms = forms or {}
    rows = [{"case": c, "family": families.get(c.family_id), "form": forms.get(c.family_id)
             or _form(request, c.family_id)} for c in page]
    errors = [(r["case"].family_id, r["form"]) for r in rows if r["form"].errors]
    name = place_label(place, level)
    record(request, AccessAction.VIEW, target=f"triage {level} {name}", detail=f"{len(rows)} families shown")
    return render(request, "web/triage_place.html", {
        "level": level, "level_label": LEVELS[level], "place": name, "slug": place or UNPLACED_SLUG,
        "rows": rows, "errors": errors, "page": page, "pages": pages, "waiting": len(ordered),
        "reasons": NotAllocatedReason.choices, "caseload_rows": caseloads(_team(request))}, status=status)


@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def meeting(request: HttpRequest, level: str, place: str) -> HttpResponse:
    if level not in LEVELS:
        raise deny(request, target=f"triage {level}")
    return _meeting(request, level, _place(place))


@require_POST
@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def decide(request: HttpRequest, level: str, place: str, family_id: str) -> HttpResponse:
    """Allocate a family, or record why not; back to the same page of the meeting."""
    where = _place(place)
    if level not in LEVELS or not _waiting(request, level, where).filter(family_id=family_id).exists():
        raise deny(request, target=f"family {family_id}")
    form = _form(request, family_id, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if d["decision"] == "allocate":
                casework.allocate(family_id, d["agency"], d["worker"], actor(request), team=_team(request))
                messages.success(request, f"Family {family_id} allocated to {d['agency'].name}")
            else:
                reason = NotAllocatedReason(d["reason"])
                casework.not_allocate(family_id, reason, actor(request), team=_team(request))
                messages.success(request, f"Family {family_id} not to be allocated: {reason.label.lower()}")
            back = reverse("web:triage-place", args=[level, place])
            page = request.POST.get("page", "")
            return redirect(back + (f"?{urlencode({'page': page})}" if page.isdigit() else ""))
        except CaseworkError as exc:
            form.add_error(None, str(exc))
    return _meeting(request, level, where, {family_id: form}, status=400)
