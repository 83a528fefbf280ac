"""Referrals: a practitioner refers a family; the programme team works the queue (accept, decline with a
reason, ask for more); the referrer sees the outcome. Caseloads: per worker and team, against capacity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priority_families.casedb import caseloads as loads
from priority_families.casedb import team
from priority_families.casedb.casework import CaseworkError
from priority_families.casedb.levels import support_levels
from priority_families.casedb.models import AccessAction, Family, Referral, ReferralStatus, Role
from priority_families.web.access import QUEUE_ROLES, REFERRER_ROLES, deny, record, role_of, roles_required
from priority_families.web.team_forms import AnswerForm, CapacityForm, DecisionForm, ReferralForm
from priority_families.web.views.common import actor


def _referral_form(data: Any = None) -> ReferralForm:
    return ReferralForm(data, criteria=team.plan_criteria())


@roles_required(*REFERRER_ROLES)
def new(request: HttpRequest) -> HttpResponse:
    """The referral form; a referral without what it needs is shown again with the errors and kept nowhere."""
    form = _referral_form(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            referral = team.make_referral(request.user, team.ReferralForm(
                form.people(), list(d["headlines"]), d["worries"], d["family_knows"], d["consent"] == "yes",
                d["agency"], list(d["criteria"])), actor(request))
            messages.success(request, f"Referral {referral.pk} sent to the programme team")
            return redirect("web:my-teams" if role_of(request.user) is not Role.TEAM_MANAGER else "web:referrals")
        except CaseworkError as exc:
            form.add_error(None, str(exc))
    status = 400 if request.method == "POST" else 200
    return render(request, "web/referral_new.html", {"form": form}, status=status)


def _shown(referral: Referral) -> dict[str, Any]:
    family = Family.objects.filter(family_id=referral.family_id).first() if referral.family_id else None
    labels = {key: label for _, _, lines in team.plan_criteria() for key, label in lines}
    return {"r": referral, "family": family, "people": referral.people.all(),
            "criteria": [labels.get(c, c) for c in referral.criteria_list()]}


@roles_required(*QUEUE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """The referral queue: waiting first, then the decided ones."""
    waiting = Referral.objects.filter(status__in=[ReferralStatus.WAITING, ReferralStatus.MORE_INFO]).order_by("at")
    decided = Referral.objects.exclude(status__in=[ReferralStatus.WAITING, ReferralStatus.MORE_INFO])[:50]
    record(request, AccessAction.VIEW, target="referral queue", detail=f"{waiting.count()} waiting")
    return render(request, "web/referrals.html", {
        "waiting": [_shown(r) for r in waiting.select_related("referrer", "same_as")],
        "decided": decided.select_related("case"), "counts": loads.referral_counts()})


def _detail(request: HttpRequest, referral: Referral, form: DecisionForm | None = None,
            status: int = 200) -> HttpResponse:
    record(request, AccessAction.VIEW, target=f"referral {referral.pk}",
           detail=f"family {referral.family_id}" if referral.family_id else "")
    return render(request, "web/referral.html", {**_shown(referral), "form": form or DecisionForm(),
                                                 "repeats": referral.repeats.all()}, status=status)


@roles_required(*QUEUE_ROLES)
def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        raise deny(request, target=f"referral {referral_id}")
    return _detail(request, referral)


@require_POST
@roles_required(*QUEUE_ROLES)
def decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None:
        raise deny(request, target=f"referral {referral_id}")
    form = DecisionForm(request.POST)
    if form.is_valid():
        d, who = form.cleaned_data, actor(request)
        try:
            if d["decision"] == "accept":
                case = team.accept_referral(referral.pk, d["note"] or "", who, area=d["area"] or "")
                messages.success(request, f"Referral accepted: family {case.family_id}")
            elif d["decision"] == "decline":
                team.decline_referral(referral.pk, d["reason"], d["note"] or "", who)
                messages.success(request, "Referral declined")
            else:
                team.ask_for_more(referral.pk, d["note"], who)
                messages.success(request, "More information asked for")
            return redirect("web:referrals")
        except CaseworkError as exc:
            form.add_error(None, str(exc))
    return _detail(request, referral, form, status=400)


@require_POST
@roles_required(*REFERRER_ROLES)
def answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = Referral.objects.filter(pk=referral_id, referrer=request.user).first()
    if referral is None:
        raise deny(request, target=f"referral {referral_id}")
    form = AnswerForm(request.POST)
    try:
        if not form.is_valid():
            raise CaseworkError("Enter your answer")
        team.answer_referral(referral.pk, request.user, form.cleaned_data["answer"], actor(request))
        messages.success(request, "Answer sent")
    except CaseworkError as exc:
        messages.error(request, str(exc))
    return redirect("web:my-teams")


def _workers(request: HttpRequest) -> Any:
    people = get_user_model().objects.filter(is_active=True, profile__role=Role.LEAD_WORKER).order_by("username")
    if role_of(request.user) is Role.TEAM_MANAGER:
        people = people.filter(profile__team_id=request.user.profile.team_id)
    return people


@roles_required(Role.TEAM_MANAGER, Role.ANALYST)
def caseloads(request: HttpRequest) -> HttpResponse:
    """Open cases per worker and team, by level and status, weighted, against capacity (a manager sees their
    team's; analysts every team's); a manager sets their workers' capacity here."""
    form = CapacityForm(request.POST or None, workers=_workers(request))
    if request.method == "POST" and form.is_valid():
        team.set_capacity(form.cleaned_data["worker"], form.cleaned_data["capacity"], actor(request))
        messages.success(request, "Capacity saved")
        return redirect("web:caseloads")
    scope = request.user.profile.team if role_of(request.user) is Role.TEAM_MANAGER else None
    rows = loads.caseloads(scope)
    record(request, AccessAction.VIEW, target="caseloads", detail=f"{len(rows)} workers")
    return render(request, "web/caseloads.html", {
        "rows": rows, "teams": loads.team_totals(rows), "levels": support_levels().levels,
        "form": form}, status=400 if request.method == "POST" else 200)
