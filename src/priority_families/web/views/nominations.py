"""A headline found after attachment and a professional's nomination, from the family page.

Seed 004: a headline problem disclosed during the intervention is added to the family's results, with its own
baseline at the date it is added. Seed 002 Appendix Three: a professional may nominate a family for a headline
of equivalent concern, with the reason and evidence. The lead worker of the allocated case, or a team
manager, may record either; the views parse the form and call `outcomes.nominations`, nothing more.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from priority_families.casedb.models import (
    AccessAction,
    Attachment,
    BaselineLine,
    Case,
    CaseStatus,
    Disclosure,
    Family,
    Nomination,
    Role,
)
from priority_families.core.engine import StoreError
from priority_families.outcomes.nominations import NominationError, disclose_headline, nominate
from priority_families.outcomes.progress import attachment_plan
from priority_families.plans.loader import load_plan
from priority_families.plans.schema import Plan
from priority_families.web import queries
from priority_families.web.access import deny, family_or_404, record, role_of, roles_required
from priority_families.web.forms import DATE_INPUTS, UploadForm
from priority_families.web.views.common import actor, saved_or_shown_again
from priority_families.web.views.families import workspace

ROLES = (Role.LEAD_WORKER, Role.TEAM_MANAGER)
DATE_ERRORS = {"required": "Enter the date", "invalid": "Enter the date as year-month-day, like 2015-10-01"}


class DisclosureForm(forms.Form):
    headline = forms.ChoiceField(label="Headline found since attachment",
                                 error_messages={"required": "Select the headline"})
    disclosed_on = forms.DateField(label="Date it was disclosed or arose (its baseline is frozen at this date)",
                                   input_formats=DATE_INPUTS, error_messages=DATE_ERRORS)
    reason = forms.CharField(label="What was disclosed or arose", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000, error_messages={"required": "Enter what was disclosed or arose"})

    def __init__(self, *args: object, headlines: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["headline"].choices = [("", "Choose a headline"), *headlines]


class NominationForm(UploadForm):
    headline = forms.ChoiceField(label="Headline of equivalent concern",
                                 error_messages={"required": "Select the headline"})
    nominated_by = forms.CharField(label="Nominating professional (name and role)", max_length=200,
                                   error_messages={"required": "Enter the nominating professional"})
    nominated_on = forms.DateField(label="Date of the nomination", input_formats=DATE_INPUTS,
                                   error_messages=DATE_ERRORS)
    reason = forms.CharField(label="The concern, and why it is equivalent", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000, error_messages={"required": "Enter the reason for the nomination"})
    evidence = forms.FileField(label="Evidence file (the nomination, a letter, an assessment)",
                               error_messages={"required": "Choose the evidence file",
                                               "empty": "The selected file is empty"})

    def __init__(self, *args: object, headlines: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["headline"].choices = [("", "Choose a headline"), *headlines]


def _allowed(request: HttpRequest, family_id: str) -> tuple[Family, Case]:
    """The family and its case, if the user is the allocated case's lead worker or a manager who may see it."""
    family = family_or_404(request, family_id)
    case = Case.objects.filter(family_id=family.family_id).first()
    role = role_of(request.user)
    allowed = case is not None and (role is Role.TEAM_MANAGER or (
        role is Role.LEAD_WORKER and case.lead_worker_id == request.user.pk))
    if not allowed:
        raise deny(request, target=f"family {family_id} headlines")
    return family, case


def _plan(attachment: Attachment | None) -> Plan | None:
    """The plan the family is held to (attached), or the plan in force it would be attached under."""
    if attachment is not None:
        return attachment_plan(attachment)
    refresh = queries.latest_refresh()
    try:
        return load_plan(refresh.plan_id) if refresh is not None else None
    except (FileNotFoundError, ValueError):  # a council's own plan outside the library
        return None


def _choices(family_id: str, attachment: Attachment | None) -> tuple[list, list]:
    """(headlines a disclosure may add, headlines a nomination may name) for this family now."""
    plan = _plan(attachment)
    if plan is None:
        return [], []
    if attachment is not None:
        have = set(BaselineLine.objects.filter(attachment=attachment).values_list("headline", flat=True))
        return [(h.id, h.title) for h in plan.headlines if h.id not in have and h.results], []
    named = set(Nomination.objects.filter(family_id=family_id).values_list("headline", flat=True))
    return [], [(h.id, h.title) for h in plan.headlines if h.takes_nomination and h.id not in named]


def _page(request: HttpRequest, family: Family, case: Case, status: int = 200, **forms_: Any) -> HttpResponse:
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    disclose_choices, nominate_choices = _choices(family.family_id, attachment)
    return render(request, "web/family_headlines.html", {
        "family": family, "case": case, "attachment": attachment,
        "closed": case.status == CaseStatus.CLOSED,
        "disclosures": Disclosure.objects.filter(family_id=family.family_id),
        "nominations": Nomination.objects.filter(family_id=family.family_id),
        "disclose_form": forms_.get("disclose_form") or DisclosureForm(headlines=disclose_choices),
        "nominate_form": forms_.get("nominate_form") or NominationForm(headlines=nominate_choices),
    }, status=status)


@roles_required(*ROLES)
def headlines(request: HttpRequest, family_id: str) -> HttpResponse:
    family, case = _allowed(request, family_id)
    record(request, AccessAction.VIEW, target=f"family {family.family_id}", detail="headlines added and nominations")
    return _page(request, family, case)


def _apply(request: HttpRequest, family: Family, case: Case, name: str, form: forms.Form, change: Any
           ) -> HttpResponse:
    return saved_or_shown_again(request, family.family_id, form, change, (NominationError, StoreError),
                                "web:family-headlines", lambda shown: _page(request, family, case, status=400, **{name: shown}), name)


@require_POST
@roles_required(*ROLES)
def disclose(request: HttpRequest, family_id: str) -> HttpResponse:
    family, case = _allowed(request, family_id)
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    form = DisclosureForm(request.POST, headlines=_choices(family.family_id, attachment)[0])
    return _apply(request, family, case, "disclose_form", form, lambda d: disclose_headline(
        workspace(), family.family_id, d["headline"], d["disclosed_on"], d["reason"], actor(request)))


@require_POST
@roles_required(*ROLES)
def nominate_family(request: HttpRequest, family_id: str) -> HttpResponse:
    family, case = _allowed(request, family_id)
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    form = NominationForm(request.POST, request.FILES, headlines=_choices(family.family_id, attachment)[1],
                          too_large=getattr(request, "evidence_too_large", False))

    def change(d: dict) -> None:
        evidence = d["evidence"]
        nominate(workspace(), family.family_id, d["headline"], d["nominated_by"], d["reason"], d["nominated_on"],
                 evidence.name or "evidence", evidence.chunks(), actor(request))

    return _apply(request, family, case, "nominate_form", form, change)

