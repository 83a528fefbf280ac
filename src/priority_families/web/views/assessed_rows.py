"""Seed rows assessed for a family, and their attestation, from the family page.

Seed 004 and seed 002 Appendix Three have rows whose baseline is a professional's assessment (a wellbeing-tool
score, a disclosure, a referral to a programme). The lead worker of the allocated case, or a team manager,
records that such a row applies (its period runs from the assessment date) and, after the period, the lead
professional's attestation that it was met or not; the views parse the forms and call `outcomes.assessed`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from priority_families.casedb.models import (
    AccessAction,
    AssessedNeed,
    Attachment,
    Case,
    CaseStatus,
    Family,
    FamilyProgress,
    RowAttestation,
)
from priority_families.core.engine import StoreError
from priority_families.outcomes.assessed import AssessError, assess_row, assessed_rows, attest_row, period_end
from priority_families.outcomes.progress import attachment_plan
from priority_families.web.access import record, roles_required
from priority_families.web.forms import DATE_INPUTS, UploadForm
from priority_families.web.views.common import actor, saved_or_shown_again
from priority_families.web.views.families import workspace
from priority_families.web.views.nominations import DATE_ERRORS, ROLES, _allowed

EVIDENCE_ERRORS = {"required": "Choose the evidence file", "empty": "The selected file is empty"}
MET_CHOICES = [("met", "Met"), ("not_met", "Not met")]


class AssessForm(UploadForm):
    row = forms.ChoiceField(label="Row of the plan that applies", error_messages={"required": "Select the row"})
    assessed_on = forms.DateField(label="Date of the assessment (the row's period runs from this date)",
                                  input_formats=DATE_INPUTS, error_messages=DATE_ERRORS)
    assessed_by = forms.CharField(label="Who assessed (name and role: lead professional, health professional, EHE "
                                  "adviser)", max_length=200, error_messages={"required": "Enter who assessed"})
    score = forms.CharField(label="Score on the tool at assessment (scored rows only)", max_length=20, required=False)
    reason = forms.CharField(label="What the assessment found", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=5000, required=False)
    evidence = forms.FileField(label="Evidence file (the assessment, the tool's score sheet)",
                               error_messages=EVIDENCE_ERRORS)

    def __init__(self, *args: object, rows: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["row"].choices = [("", "Choose a row"), *rows]


class AttestRowForm(UploadForm):
    row = forms.ChoiceField(label="Assessed row", error_messages={"required": "Select the row"})
    outcome = forms.ChoiceField(label="Outcome (a scored row: the later score decides)", choices=MET_CHOICES,
                                widget=forms.RadioSelect, required=False)
    score = forms.CharField(label="Score on the tool now (scored rows only)", max_length=20, required=False)
    attested_by = forms.CharField(label="Lead professional attesting", max_length=200,
                                  error_messages={"required": "Enter who attests"})
    attested_on = forms.DateField(label="Date of the statement (on or after the end of the row's period)",
                                  input_formats=DATE_INPUTS, error_messages=DATE_ERRORS)
    statement = forms.CharField(label="Statement", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
                                error_messages={"required": "Enter the statement"})
    evidence = forms.FileField(label="Evidence file", error_messages=EVIDENCE_ERRORS)

    def __init__(self, *args: object, rows: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["row"].choices = [("", "Choose a row"), *rows]


def _choices(attachment: Attachment | None) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(rows an assessment may name: the plan's assessed rows not yet assessed; rows that may be attested)."""
    if attachment is None:
        return [], []
    plan = attachment_plan(attachment)
    done = dict(AssessedNeed.objects.filter(family_id=attachment.family_id).values_list("measure", "row"))
    rows = [(m.id, f"{m.row}: {m.baseline} (assessed by {m.assessed_by})") for _, m in assessed_rows(plan)
            if m.id not in done]
    return rows, [(measure, row) for measure, row in sorted(done.items(), key=lambda kv: kv[1])]


def _assessed(family_id: str, attachment: Attachment | None) -> list[dict]:
    """Each assessed row with its period, its status as judged last and its attestations."""
    if attachment is None:
        return []
    plan = attachment_plan(attachment)
    measures = {m.id: m for _, m in assessed_rows(plan)}
    status = dict(FamilyProgress.objects.filter(family_id=family_id, indicator__in=list(measures))
                  .values_list("measure", "line_status"))
    out = []
    for need in AssessedNeed.objects.filter(family_id=family_id).order_by("assessed_on", "id"):
        measure = measures.get(need.measure)
        out.append({"need": need, "measure": measure, "status": status.get(need.measure, ""),
                    "due": period_end(measure, need.assessed_on) if measure else None,
                    "attestations": RowAttestation.objects.filter(need=need).order_by("attested_on", "id")})
    return out


def _page(request: HttpRequest, family: Family, case: Case, status: int = 200, **forms_: Any) -> HttpResponse:
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    to_assess, to_attest = _choices(attachment)
    return render(request, "web/family_assessed_rows.html", {
        "family": family, "case": case, "attachment": attachment, "closed": case.status == CaseStatus.CLOSED,
        "assessed": _assessed(family.family_id, attachment),
        "assess_form": forms_.get("assess_form") or AssessForm(rows=to_assess),
        "attest_form": forms_.get("attest_form") or AttestRowForm(rows=to_attest),
    }, status=status)


@roles_required(*ROLES)
def rows(request: HttpRequest, family_id: str) -> HttpResponse:
    family, case = _allowed(request, family_id)
    record(request, AccessAction.VIEW, target=f"family {family.family_id}", detail="assessed rows")
    return _page(request, family, case)


def _apply(request: HttpRequest, family: Family, case: Case, name: str, form: forms.Form, change: Any
           ) -> HttpResponse:
    return saved_or_shown_again(request, family.family_id, form, change, (AssessError, StoreError),
                                "web:family-rows", lambda shown: _page(request, family, case, status=400, **{name: shown}), name)


@require_POST
@roles_required(*ROLES)
def assess(request: HttpRequest, family_id: str) -> HttpResponse:
    family, case = _allowed(request, family_id)
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    form = AssessForm(request.POST, request.FILES, rows=_choices(attachment)[0],
                      too_large=getattr(request, "evidence_too_large", False))

    def change(d: dict) -> None:
        evidence = d["evidence"]
        assess_row(workspace(), family.family_id, d["row"], d["assessed_on"], d["assessed_by"],
                   evidence.name or "evidence", evidence.chunks(), actor(request), score=d["score"],
                   reason=d["reason"])

    return _apply(request, family, case, "assess_form", form, change)


@require_POST
@roles_required(*ROLES)
def attest(request: HttpRequest, family_id: str) -> HttpResponse:
    family, case = _allowed(request, family_id)
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    form = AttestRowForm(request.POST, request.FILES, rows=_choices(attachment)[1],
                         too_large=getattr(request, "evidence_too_large", False))

    def change(d: dict) -> None:
        evidence = d["evidence"]
        met = {"met": True, "not_met": False}.get(d["outcome"] or "")
        attest_row(workspace(), family.family_id, d["row"], met, d["attested_by"], d["statement"], d["attested_on"],
                   evidence.name or "evidence", evidence.chunks(), actor(request), score=d["score"])

    return _apply(request, family, case, "attest_form", form, change)
