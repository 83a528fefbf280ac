"""Information governance in the tracker: the family's agreement (recorded on the family page, listed for
managers) and subject access for analysts. Each view calls one domain function and logs what it showed."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from priority_families.casedb import casework
from priority_families.casedb.casework import CaseworkError
from priority_families.casedb.models import AccessAction, ConsentKind, ConsentMethod, FamilyAgreement, Role
from priority_families.core.engine import StoreError, Workspace
from priority_families.governance import GovernanceError
from priority_families.governance.subject_access import gather, log_request
from priority_families.web import queries
from priority_families.web.access import CASE_ROLES, family_or_404, record, roles_required
from priority_families.web.forms import DATE_INPUTS
from priority_families.web.views.common import actor, paginate

STANDINGS = {"": "Any", "none": "Not yet asked", ConsentKind.AGREED.value: "Agreed",
             ConsentKind.WITHDRAWN.value: "Withdrawn"}


class FamilyAgreementForm(forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, label="What the family said",
                             error_messages={"required": "Select whether the family agreed or withdrew"})
    asked_by = forms.CharField(max_length=200, label="Who asked (name and agency)",
                               error_messages={"required": "Enter who asked the family"})
    asked_on = forms.DateField(input_formats=DATE_INPUTS, label="Date",
                               error_messages={"required": "Enter the date", "invalid": "Enter a real date"})
    method = forms.ChoiceField(choices=ConsentMethod.choices, label="How")
    adults = forms.MultipleChoiceField(label="Each adult who agreed or withdrew",
                                       error_messages={"required": "Select each adult"})
    explained = forms.CharField(widget=forms.Textarea, label="What was explained",
                                error_messages={"required": "Enter what was explained to the family"})

    def __init__(self, *args: object, members: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["adults"].choices = [(m, m) for m in members]


@require_POST
@roles_required(*CASE_ROLES)
def family_agreement(request: HttpRequest, family_id: str) -> HttpResponse:
    """Record that the family agreed to join, or withdrew (what follows a withdrawal is the plan's)."""
    fam = family_or_404(request, family_id)
    form = FamilyAgreementForm(request.POST, members=list(fam.people.values_list("person_id", flat=True)))
    if not form.is_valid():
        messages.error(request, "; ".join(str(e[0]) for e in form.errors.values()))
        return redirect("web:family", family_id=fam.family_id)
    d = form.cleaned_data
    record_it = casework.record_family_agreement if d["kind"] == ConsentKind.AGREED else \
        casework.record_agreement_withdrawn
    try:
        record_it(fam.family_id, d["asked_by"], d["asked_on"], ConsentMethod(d["method"]), d["adults"],
                  d["explained"], actor(request))
        messages.success(request, "Family's agreement recorded" if d["kind"] == ConsentKind.AGREED
                         else "Withdrawal recorded")
    except CaseworkError as exc:
        messages.error(request, str(exc))
    return redirect("web:family", family_id=fam.family_id)


def _latest(field: str) -> Subquery:
    return Subquery(FamilyAgreement.objects.filter(family_id=OuterRef("family_id"))
                    .order_by("-asked_on", "-id").values(field)[:1])


@roles_required(Role.TEAM_MANAGER, Role.ANALYST, Role.LEAD_WORKER)
def agreements(request: HttpRequest) -> HttpResponse:
    """The manager's list: the families they may see with their agreement to join (not yet asked, agreed,
    withdrawn), filtered by standing."""
    standing = request.GET.get("standing", "")
    rows = queries.with_case(queries.families_for(request.user)).annotate(
        agreement=_latest("kind"), agreement_on=_latest("asked_on"), asked_by=_latest("asked_by"))
    if standing == "none":
        rows = rows.filter(agreement__isnull=True)
    elif standing in (ConsentKind.AGREED, ConsentKind.WITHDRAWN):
        rows = rows.filter(agreement=standing)
    page, pages = paginate(request, rows.order_by("family_id"))
    record(request, AccessAction.VIEW, target="family agreements",
           detail=f"{page.paginator.count} families; standing {standing or 'any'}")
    return render(request, "web/family_agreements.html", {
        "page": page, "pages": pages, "standing": standing, "standings": STANDINGS.items(),
        "labels": dict(ConsentKind.choices)})


@roles_required(Role.ANALYST)
def subject_access(request: HttpRequest) -> HttpResponse:
    """Subject access for an analyst: everything held about one person, third parties marked; the request is
    logged when the bundle is shown (a GET with `person`)."""
    person_id = request.GET.get("person", "").strip()
    reference = request.GET.get("reference", "").strip()
    context: dict[str, object] = {"person_id": person_id, "reference": reference}
    if person_id:
        try:
            bundle = gather(Workspace(path=Path(settings.WORKSPACE)), person_id)
        except (GovernanceError, StoreError) as exc:
            context["error"] = str(exc)
            record(request, AccessAction.VIEW, target="subject access", detail="refused: no such person")
            return render(request, "web/subject_access.html", context, status=404)
        log_request(bundle, request.user.get_username(), reference)
        if request.GET.get("format") == "json":
            response = HttpResponse(bundle.as_json(), content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="subject-access-{person_id}.json"'
            return response
        context["bundle"] = bundle
        context["sections"] = [
            {"title": s.title, "note": s.note, "columns": (cols := [c for c in s.columns if c != "redact"]),
             "rows": [(r.get("redact", ""), [r.get(c) for c in cols]) for r in s.rows]}
            for s in bundle.sections]
    return render(request, "web/subject_access.html", context)
