"""Dashboard, cohort (filter, search, export) and the family page with its case changes."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from priority_families.casedb import casework
from priority_families.casedb.casework import MOVES, CaseworkError
from priority_families.casedb.figures import figures_by_place
from priority_families.casedb.models import (
    AccessAction,
    Attachment,
    Attestation,
    Case,
    CaseStatus,
    Claim,
    ClosureReason,
    Family,
    FamilyAgreement,
    FamilyProgress,
)
from priority_families.core.engine import Workspace
from priority_families.core.sorting import natural_key
from priority_families.core.vocabulary import Vocabulary
from priority_families.outcomes.attach import AttachError, attach_allocated
from priority_families.outcomes.attest import AttestError
from priority_families.outcomes.attest import attest as attest_line
from priority_families.plans.loader import load_plan
from priority_families.web import queries
from priority_families.web.access import (
    CASE_ROLES,
    CLAIM_ROLES,
    cases_for,
    deny,
    family_or_404,
    record,
    role_of,
    roles_required,
)
from priority_families.web.export import cohort_workbook
from priority_families.web.forms import (
    ActionForm,
    AttachForm,
    AttestationForm,
    CohortFilter,
    MoveForm,
    NoteForm,
)
from priority_families.web.views.common import actor, asked_for, paginate, stored_file, team_summary
from priority_families.web.views.places import level_of, place_context


@roles_required(*CASE_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    totals, by_area, by_agency, target, year = queries.figures(request.user)
    top = max([r["identified"] for r in by_area + by_agency] + [1])
    bars = [("Identified", totals.identified), ("Triaged", totals.triaged), ("Worked with", totals.worked_with),
            ("Claimed", totals.claimed)]
    scale = max([target or 0] + [v for _, v in bars] + [1])
    place = level_of(request)
    by_place = figures_by_place(cases_for(request.user), place.level)
    columns = {"identified": "Identified", "worked_with": "Worked with", "claimed": "Claimed"}
    return render(request, "web/dashboard.html", {
        **place_context(place, by_place, columns, "Families"),
        "totals": totals, "by_area": by_area, "by_agency": by_agency, "top": top,
        "bars": [{"label": label, "value": v, "width": round(300 * v / scale), "y": 24 * i + 4, "text_y": 24 * i + 17,
                  "value_x": round(300 * v / scale) + 116} for i, (label, v) in enumerate(bars)],
        "chart_height": 24 * len(bars) + 8,
        "target_x": round(300 * (target or 0) / scale) + 110, "target": target, "year": year,
        "refresh": queries.latest_refresh(),
    })


@lru_cache(maxsize=4)
def _choices(refresh_key: tuple | None) -> tuple[list[str], list[str]]:
    """The headlines and areas of a published refresh: read once per refresh, not on every request.

    Keyed by the refresh's id and publication time, so a new publish (or another database) reads afresh.
    """
    combos = Family.objects.order_by().values_list("headlines", flat=True).distinct()
    headlines = sorted({h for hs in combos for h in hs.split(";") if h})
    areas = sorted(Family.objects.order_by().values_list("area", flat=True).distinct(), key=natural_key)
    return headlines, areas


def _filtered(request: HttpRequest) -> tuple[CohortFilter, Any]:
    refresh = queries.latest_refresh()
    headlines, areas = _choices((refresh.pk, refresh.published_at) if refresh else None)
    form = CohortFilter(request.GET or None, headlines=headlines, areas=areas)
    data = form.cleaned_data if form.is_valid() else {}
    rows = queries.cohort(request.user, q=data.get("q") or "", headline=data.get("headline") or "",
                          area=data.get("area") or "", status=data.get("status") or "",
                          priority=data.get("priority"))
    return form, rows


def _search_detail(request: HttpRequest, found: int) -> str:
    """What the cohort was filtered and searched by, and how many families it showed (for the access log)."""
    return f"{found} families; {asked_for(request)}; page {request.GET.get('page', '1')}"


@roles_required(*CASE_ROLES)
def cohort(request: HttpRequest) -> HttpResponse:
    form, rows = _filtered(request)
    page, pages = paginate(request, rows.prefetch_related("people"))
    record(request, AccessAction.VIEW, target="cohort", detail=_search_detail(request, page.paginator.count))
    matched = queries.matched_members([f.pk for f in page], form.cleaned_data.get("q") or ""
                                      if form.is_bound and form.is_valid() else "")
    return render(request, "web/cohort.html", {
        "form": form, "page": page, "pages": pages, "total": page.paginator.count,
        "rows": [{"family": f, "matched": matched.get(f.pk, [])} for f in page],
        "export_query": request.GET.urlencode(), "refresh": queries.latest_refresh(),
    })


@roles_required(*CASE_ROLES)
def cohort_export(request: HttpRequest) -> HttpResponse:
    _, rows = _filtered(request)
    refresh = queries.latest_refresh()
    as_of = refresh.as_of.isoformat() if refresh else "unpublished"
    values = rows.values_list("family_id", "area", "status", "headlines", "headline_count", "priority",
                              "members", "lead_worker", "agency")
    body = cohort_workbook(values.iterator(), as_of, filtered_by=asked_for(request),
                           plan=refresh.plan_id if refresh else "", refresh_id=refresh.refresh_id if refresh else "",
                           exported_by=request.user.get_username(), words=_plan_words(refresh))
    record(request, AccessAction.EXPORT, target="cohort workbook", detail=_search_detail(request, rows.count()))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="cohort-{as_of}.xlsx"'
    return response


def _plan_words(refresh: object) -> Vocabulary | None:
    """The vocabulary of the plan in force (its headline titles), or the shipped one if it cannot be read."""
    plan_id = getattr(refresh, "plan_id", "")
    try:
        return load_plan(plan_id).vocabulary() if plan_id else None
    except (FileNotFoundError, ValueError):  # a council's own plan outside the library: codes read as words
        return None


def workspace() -> Workspace:
    return Workspace(path=Path(settings.WORKSPACE))


TIMELINE_ON_PAGE = 10  # the newest partner records; the rest page by page on the family's records page


def _progress(family: Family, attachment: Attachment | None) -> list[FamilyProgress]:
    """The family's progress as judged at the last publish or change (`outcomes.progress.publish_progress`)."""
    if attachment is None:
        return []
    return list(FamilyProgress.objects.filter(family_id=family.family_id))


def _lines(family: Family) -> list[tuple[str, str]]:
    """The lines an attestation may be about: those of the baseline frozen at attachment whose measure waits
    for the lead worker's attestation on the progress judged last (a line met, not yet met from the data or
    not applicable has nothing to attest), by their plan's labels."""
    waiting = (FamilyProgress.objects.filter(family_id=family.family_id, line_status="awaiting_attestation")
               .exclude(indicator=F("measure"))  # an assessed row (its own line) is attested on its own page
               .values_list("headline", "indicator").order_by("headline", "indicator").distinct())
    words = _plan_words(queries.latest_refresh()) or Vocabulary()
    return [(f"{h}|{i}", f"{words.label('headline', h)}: {words.label('line', i)}") for h, i in waiting]


def _family_context(request: HttpRequest, family: Family, **forms: Any) -> dict[str, Any]:
    case = Case.objects.filter(family_id=family.family_id).select_related("lead_worker", "agency", "team").first()
    evidence: dict[str, list] = {}
    for row in family.evidence.all():
        evidence.setdefault(row.headline, []).append(row)
    status = CaseStatus(case.status) if case else None
    attachment = Attachment.objects.filter(family_id=family.family_id).first()
    attestable = _lines(family)
    return {
        "family": family, "case": case, "members": family.people.all(), "evidence": evidence,
        "names": {m.person_id: f"{m.first_name} {m.last_name}".strip().title() or m.person_id
                  for m in family.people.all()},
        "timeline": family.timeline.all()[:TIMELINE_ON_PAGE],
        "timeline_total": family.timeline.count(), "why": family.why.all(),
        "history": case.history.all() if case else [], "notes": case.notes.all() if case else [],
        "actions": case.actions.all() if case else [], "checks": case.checks.all() if case else [],
        "attachment": attachment, "progress": _progress(family, attachment),
        "attestations": Attestation.objects.filter(family_id=family.family_id),
        "claims": Claim.objects.filter(family_id=family.family_id),
        "family_agreements": FamilyAgreement.objects.filter(family_id=family.family_id),
        "moves": [(s.value, s.label) for s in MOVES.get(status, ())] if status else [],
        "can_attach": bool(case and status is CaseStatus.TRIAGED),
        "closed": status is CaseStatus.CLOSED,
        "move_form": forms.get("move_form") or MoveForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "action_form": forms.get("action_form") or ActionForm(),
        "attach_form": forms.get("attach_form") or AttachForm(),
        "attest_form": forms.get("attest_form") or AttestationForm(lines=attestable),
        "attest_waiting": "attest_form" in forms or bool(attestable),
        "errors": forms.get("errors", []), "refresh": queries.latest_refresh(),
        "team_summary": team_summary(case) if case else None,
    }


@roles_required(*CASE_ROLES)
def family(request: HttpRequest, family_id: str) -> HttpResponse:
    fam = family_or_404(request, family_id)
    record(request, AccessAction.VIEW, target=f"family {fam.family_id}")
    return render(request, "web/family.html", _family_context(request, fam))


def _change(request: HttpRequest, family_id: str, form_name: str, form: Any, apply: Any) -> HttpResponse:
    """Validate a case form, apply it through casework, and either go back or re-show the page with errors."""
    fam = family_or_404(request, family_id)
    if form.is_valid():
        try:
            apply(form.cleaned_data)
            messages.success(request, "Saved")
            return redirect("web:family", family_id=fam.family_id)
        except AttachError as exc:
            form.add_error(None, "; ".join(p.reason for p in exc.problems) or str(exc))
        except (CaseworkError, AttestError) as exc:
            form.add_error(None, str(exc))
    record(request, AccessAction.VIEW, target=f"family {fam.family_id}", detail=f"shown again: {form_name} refused")
    return render(request, "web/family.html", _family_context(request, fam, **{form_name: form}), status=400)


@require_POST
@roles_required(*CASE_ROLES)
def move(request: HttpRequest, family_id: str) -> HttpResponse:
    def apply(d: dict) -> None:
        if d["to"] == CaseStatus.CLOSED:
            casework.close_case(family_id, ClosureReason(d["closure_reason"]), timezone.localdate(), actor(request),
                                d.get("reason") or "")
        else:
            casework.move(family_id, CaseStatus(d["to"]), actor(request), d.get("reason") or "")
    return _change(request, family_id, "move_form", MoveForm(request.POST), apply)


@require_POST
@roles_required(*CASE_ROLES)
def add_note(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "note_form", NoteForm(request.POST),
                   lambda d: casework.add_note(family_id, d["text"], actor(request)))


@require_POST
@roles_required(*CASE_ROLES)
def add_action(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "action_form", ActionForm(request.POST),
                   lambda d: casework.add_action(family_id, d["description"], d["owner"], d.get("due_on"),
                                                 actor(request)))


@require_POST
@roles_required(*CASE_ROLES)
def complete_action(request: HttpRequest, family_id: str, action_id: int) -> HttpResponse:
    family_or_404(request, family_id)
    try:
        casework.complete_action(family_id, action_id, actor(request))
        messages.success(request, "Action marked done")
    except CaseworkError as exc:
        messages.error(request, str(exc))
    return redirect("web:family", family_id=family_id)


@require_POST
@roles_required(*CASE_ROLES)
def attach(request: HttpRequest, family_id: str) -> HttpResponse:
    return _change(request, family_id, "attach_form", AttachForm(request.POST),
                   lambda d: attach_allocated(workspace(), family_id, d["attached_on"], request.user.get_username()))


@require_POST
@roles_required(*CASE_ROLES)
def attest(request: HttpRequest, family_id: str) -> HttpResponse:
    fam = family_or_404(request, family_id)
    form = AttestationForm(request.POST, request.FILES, lines=_lines(fam),
                           too_large=getattr(request, "evidence_too_large", False))

    def apply(d: dict) -> None:
        headline, line = d["line"].split("|", 1)
        evidence = d["evidence"]
        attest_line(family_id, headline, line, request.user.get_full_name() or request.user.get_username(),
                    d["statement"], evidence.name or "evidence", evidence.chunks(), request.user.get_username(),
                    attested_on=d["attested_on"], workspace=workspace())
        record(request, AccessAction.CHANGE, target=f"family {family_id}", detail=f"attestation {headline}/{line}")
    return _change(request, family_id, "attest_form", form, apply)


@require_POST
@roles_required(*CASE_ROLES)
def record_check(request: HttpRequest, family_id: str, due_on: str) -> HttpResponse:
    """A sustainability check's outcome: sustained or not, recorded once."""
    from datetime import date

    from priority_families.casedb.models import SustainabilityCheck

    family_or_404(request, family_id)
    outcome = request.POST.get("outcome", "")
    try:
        if outcome not in (SustainabilityCheck.Outcome.SUSTAINED, SustainabilityCheck.Outcome.NOT_SUSTAINED):
            raise CaseworkError("Select whether the family's results were sustained")
        casework.record_check(family_id, date.fromisoformat(due_on), SustainabilityCheck.Outcome(outcome),
                              actor(request))
        messages.success(request, "Sustainability check recorded")
    except (CaseworkError, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect("web:family", family_id=family_id)


def evidence_file(request: HttpRequest, family_id: str, attestation_id: int) -> HttpResponse:
    """An attestation's evidence file, for anyone who may see the family (or, for auditors and analysts, its
    claim's evidence pack); each download is logged."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    role = role_of(request.user)
    claimed = role in CLAIM_ROLES and Claim.objects.filter(family_id=family_id).exists()
    if not claimed:
        if role not in CASE_ROLES:
            raise deny(request, target=f"evidence {family_id}")
        family_or_404(request, family_id)
    attestation = Attestation.objects.filter(family_id=family_id, pk=attestation_id).first()
    if attestation is None or not Path(attestation.evidence_path).is_file():
        raise deny(request, target=f"evidence {family_id}/{attestation_id}")
    record(request, AccessAction.EXPORT, target=f"family {family_id}",
           detail=f"evidence file of attestation {attestation.pk}, sha256 {attestation.evidence_sha256}")
    return stored_file(attestation.evidence_path, f"evidence-{family_id}-{attestation.pk}")


