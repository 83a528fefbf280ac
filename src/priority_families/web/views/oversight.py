"""Claims and evidence packs (analysts, auditors), spot-check verdicts (auditors), sustainability checks to do
(lead workers, managers, analysts), refreshes and the review queue (analysts), access log (admins)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Attachment,
    Attestation,
    Claim,
    Role,
    SampleKind,
    SpotCheck,
    StepKind,
    TrackerRefresh,
    Verdict,
)
from priority_families.core.engine import StoreError, Workspace
from priority_families.web.access import (
    CASE_ROLES,
    CLAIM_ROLES,
    cases_for,
    deny,
    record,
    role_of,
    roles_required,
)
from priority_families.web.views.common import paginate

if TYPE_CHECKING:
    from priority_families.claims.pack import Pack


@roles_required(*CLAIM_ROLES)
def claims(request: HttpRequest) -> HttpResponse:
    window = request.GET.get("window", "")
    rows = Claim.objects.all()
    if window:
        rows = rows.filter(window=window)
    page, pages = paginate(request, rows)
    from priority_families.claims.steps import states

    page.object_list = states(Claim.objects.filter(pk__in=[c.pk for c in page.object_list]))
    drawn = SpotCheck.objects.filter(kind=SampleKind.SPOT_CHECK)
    ids = set(drawn.exclude(claim=None).values_list("claim_id", flat=True))
    legacy = set(drawn.filter(claim=None).values_list("window", "family_id"))  # drawn before samples named claims
    sampled = {c.pk for c in (s.claim for s in page.object_list) if c.pk in ids or (c.window, c.family_id) in legacy}
    windows = Claim.objects.order_by("window").values_list("window", flat=True).distinct()
    record(request, AccessAction.VIEW, target="claims", detail=f"window {window or 'all'}; page {page.number}")
    return render(request, "web/claims.html", {
        "page": page, "pages": pages, "window": window, "windows": windows, "sampled": sampled,
        "spot_checks": SpotCheck.objects.filter(kind=SampleKind.SPOT_CHECK).select_related("claim")
        .order_by("window", "family_id", "claim__claim_group"),
        "spot_form": SpotCheckForm() if role_of(request.user) is Role.ANALYST else None,
    })


def _sampled(claim: Claim) -> bool:
    """Whether the claim is in a spot-check sample: drawn itself, or its family and window drawn before samples
    named their claim."""
    rows = SpotCheck.objects.filter(kind=SampleKind.SPOT_CHECK)
    return (rows.filter(claim=claim).exists()
            or rows.filter(claim=None, family_id=claim.family_id, window=claim.window).exists())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@roles_required(*CLAIM_ROLES)
def claims_workbook(request: HttpRequest) -> HttpResponse:
    """A claimed window's claims.xlsx (About, claims, every evidence-pack section), its packs rebuilt from the
    frozen baselines; logged as an export."""
    import tempfile

    from priority_families.claims.ledger import ClaimsError, window_workbook

    window = request.GET.get("window", "")
    with tempfile.TemporaryDirectory() as folder:
        try:
            path, count = window_workbook(_workspace(), window, Path(folder) / "claims.xlsx",
                                          f"tracker:{request.user.get_username()}")
        except (ClaimsError, StoreError) as exc:
            messages.error(request, f"The claims workbook could not be made: {exc}")
            return redirect("web:claims")
        body = path.read_bytes()
    record(request, AccessAction.EXPORT, target="claims workbook", detail=f"window {window}: {count} claims")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="claims-{window}.xlsx"'
    return response


class SpotCheckForm(forms.Form):
    window = forms.CharField(max_length=20, label="Claim window", help_text="For example, 2016-03",
                             error_messages={"required": "Enter the claim window"})
    share = forms.FloatField(min_value=0.01, max_value=1, label="Share of claims to sample", help_text="0.1 is 10%",
                             error_messages={"required": "Enter the share to sample",
                                             "invalid": "Enter the share as a number, like 0.1"})
    seed = forms.IntegerField(label="Seed", help_text="The same seed draws the same sample",
                              error_messages={"required": "Enter the seed", "invalid": "Enter a whole number"})


@require_POST
@roles_required(Role.ANALYST)
def spot_check(request: HttpRequest) -> HttpResponse:
    """Draw a reproducible spot-check sample of a window's claims (the ledger's `draw_spot_check`)."""
    from priority_families.claims.life import draw_spot_check
    from priority_families.claims.steps import ClaimsError

    form = SpotCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
        return redirect("web:claims")
    d = form.cleaned_data
    try:
        drawn = draw_spot_check(d["window"], d["share"], d["seed"], actor=request.user.get_username())
    except ClaimsError as exc:
        messages.error(request, str(exc))
        return redirect("web:claims")
    record(request, AccessAction.CHANGE, target=f"spot check {d['window']}", detail=f"{len(drawn)} claims")
    messages.success(request, f"{len(drawn)} claim{'' if len(drawn) == 1 else 's'} drawn for window {d['window']}")
    return redirect("web:claims")


def _evidence_viewed(family_id: str) -> str:
    """What the evidence pack page shows, in counts (the access log holds no personal data)."""
    attachment = Attachment.objects.filter(family_id=family_id).first()
    lines = attachment.lines.count() if attachment else 0
    records = attachment.records.count() if attachment else 0
    attestations = Attestation.objects.filter(family_id=family_id).count()
    return f"{lines} baseline lines, {records} baseline records, {attestations} attestations"


def _rebuilt_pack(request: HttpRequest, claim: Claim, what: str) -> tuple[Pack | None, str]:
    """The claim's pack rebuilt from the frozen baseline and the refresh it was claimed on, or why it could
    not be; whether its checksum is the ledger's goes to the access log, after `what` was done with it."""
    from priority_families.claims.ledger import ClaimsError, regenerate_pack

    target = f"evidence pack {claim.family_id}"
    try:
        pack = regenerate_pack(_workspace(), claim.family_id, claim.route)
    except (ClaimsError, StoreError) as exc:
        record(request, AccessAction.EXPORT, target=target, detail=f"{what}: the pack could not be rebuilt")
        return None, str(exc)
    verdict = "matches the ledger" if pack.sha256 == claim.pack_sha256 else "differs from ledger"
    record(request, AccessAction.EXPORT, target=target, detail=f"{what}: {verdict}")
    return pack, ""


def _verify_pack(request: HttpRequest, claim: Claim) -> dict[str, object]:
    """Whether the rebuilt pack's checksum is the ledger's, so the auditor does not compare 64 hex digits by eye."""
    pack, problem = _rebuilt_pack(request, claim, "checksum verified")
    return {"matches": pack is not None and pack.sha256 == claim.pack_sha256,
            "rebuilt": pack.sha256 if pack else "", "problem": problem}


@roles_required(*CLAIM_ROLES)
def evidence_pack(request: HttpRequest, family_id: str) -> HttpResponse:
    """A claim's evidence (the claim, the frozen baseline and its source records, the attestations), the
    claim's history step by step, and for an auditor the spot-check verdict form when the claim is sampled. A
    family claimed in two groups (national-2012) has a page per claim (`?route=`), each linking the other."""
    from priority_families.claims.steps import history, latest_by_group, latest_state

    state = latest_state(family_id, request.GET.get("route") or None)
    if state is None:
        raise deny(request, target=f"claim {family_id}")
    claim = state.claim
    attachment = Attachment.objects.filter(family_id=family_id).first()
    record(request, AccessAction.VIEW, target=f"evidence pack {family_id}",
           detail=f"claim {claim.window}: {_evidence_viewed(family_id)}")
    sampled = _sampled(claim)
    may_record = (sampled and state.live and state.step(StepKind.SPOT_CHECKED) is None
                  and role_of(request.user) is Role.AUDITOR)
    verified = _verify_pack(request, claim) if request.GET.get("verify") else None
    return render(request, "web/evidence_pack.html", {
        "verified": verified,
        "claim": claim, "attachment": attachment, "status": state.status, "history": history(family_id),
        "lines": attachment.lines.all() if attachment else [],
        "counts": attachment.counts.all() if attachment else [],
        "records": attachment.records.all() if attachment else [],
        "attestations": Attestation.objects.filter(family_id=family_id),
        "spot_checked": sampled,
        "other_claims": [s.claim for s in latest_by_group(family_id).values() if s.claim.pk != claim.pk],
        "verdict_form": VerdictForm() if may_record else None,
    })


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect, label="What did the check find?",
                                error_messages={"required": "Choose whether the claim is valid or invalid"})
    reason = forms.CharField(max_length=500, required=False, label="Reason",
                             help_text="Required when the claim is invalid: it is withdrawn and repaid")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("verdict") == Verdict.INVALID and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter the reason the claim is invalid")
        return data


@require_POST
@roles_required(Role.AUDITOR)
def spot_check_verdict(request: HttpRequest, family_id: str) -> HttpResponse:
    """An auditor records a spot check's verdict on a sampled claim, after viewing its evidence pack (the view
    is in the access log; the verdict's log row names the evidence viewed). Invalid withdraws the claim."""
    from priority_families.claims.life import record_verdict
    from priority_families.claims.steps import ClaimsError, latest_state

    state = latest_state(family_id, request.POST.get("route") or None)
    if state is None:
        raise deny(request, target=f"claim {family_id}")
    viewed = AccessLog.objects.filter(username=request.user.get_username(), action=AccessAction.VIEW,
                                      target=f"evidence pack {family_id}").exists()
    form = VerdictForm(request.POST)
    if not viewed:
        messages.error(request, "Open the claim's evidence before recording a verdict")
    elif not form.is_valid():
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    else:
        d = form.cleaned_data
        try:
            record_verdict(SampleKind.SPOT_CHECK, state.claim.window, family_id, Verdict(d["verdict"]), d["reason"],
                           by=request.user.get_username(), actor=request.user.get_username(), on=date.today(),
                           route=state.claim.route)
        except ClaimsError as exc:
            messages.error(request, str(exc))
        else:
            record(request, AccessAction.CHANGE, target=f"spot check {state.claim.window} {family_id}",
                   detail=f"verdict {d['verdict']} after viewing the evidence pack: {_evidence_viewed(family_id)}")
            messages.success(request, f"Spot check recorded: {Verdict(d['verdict']).label.lower()}"
                             + (". The claim is withdrawn." if d["verdict"] == Verdict.INVALID else ""))
    return redirect(reverse("web:evidence-pack", args=[family_id]) + f"?route={state.claim.route}")


@roles_required(*CASE_ROLES)
def sustainability(request: HttpRequest) -> HttpResponse:
    """Sustainability checks overdue and due within a month, per lead worker, for the cases the user may see."""
    from priority_families.claims.sustainability import DUE_WITHIN_DAYS, checks_to_do

    try:
        on = datetime.strptime(request.GET.get("on", ""), "%Y-%m-%d").date() if request.GET.get("on") else date.today()
    except ValueError:
        messages.error(request, "Enter the date as year-month-day, like 2016-09-30")
        on = date.today()
    todo = checks_to_do(cases_for(request.user), on)
    workers: dict[str, dict] = {}
    for check in todo:
        row = workers.setdefault(check.worker, {"worker": check.worker, "overdue": [], "due": []})
        row["overdue" if check.overdue else "due"].append(check)
    record(request, AccessAction.VIEW, target="sustainability checks", detail=f"{len(todo)} checks to do")
    return render(request, "web/sustainability.html", {"on": on, "workers": list(workers.values()),
                                                       "within": DUE_WITHIN_DAYS})


PACK_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


@roles_required(*CLAIM_ROLES)
def generated_pack(request: HttpRequest, family_id: str) -> HttpResponse:
    """The claims ledger's own evidence pack, rebuilt from the frozen baseline and the latest refresh."""
    from priority_families.claims.steps import latest_state

    state = latest_state(family_id, request.GET.get("route") or None)
    if state is None:
        raise deny(request, target=f"claim {family_id}")
    pack, problem = _rebuilt_pack(request, state.claim, "pack opened")
    if pack is None:
        messages.error(request, f"The evidence pack could not be rebuilt: {problem}")
        return redirect("web:evidence-pack", family_id=family_id)
    response = HttpResponse(pack.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = PACK_CSP
    response["X-Pack-SHA256"] = pack.sha256
    return response


@roles_required(Role.ANALYST)
def returns(request: HttpRequest) -> HttpResponse:
    """The quarterly return (the claims engineer's `quarterly_return`), for a chosen quarter."""
    from priority_families.reports.returns import ReturnError, quarterly_return

    quarter = request.GET.get("quarter", "").strip()
    by = request.GET.get("by", "").strip() or "area"
    result, error = None, ""
    if quarter:
        try:
            result = quarterly_return(_workspace(), quarter, by=by)
            record(request, AccessAction.VIEW, target=f"quarterly return {result.quarter}")
        except ReturnError as exc:
            error = f"Enter the quarter as a year and quarter number, like 2015Q2 ({exc})"
        except StoreError as exc:
            error = str(exc)
    return render(request, "web/returns.html", {"quarter": quarter, "result": result, "error": error, "by": by,
                                                "levels": [("area", "Postcode district"), ("ward", "Ward"),
                                                           ("district", "District"), ("locality", "Locality")]},
                  status=400 if error else 200)


@roles_required(Role.ANALYST)
def refreshes(request: HttpRequest) -> HttpResponse:
    from priority_families.refresh import published_refreshes

    return render(request, "web/refreshes.html", {"rows": TrackerRefresh.objects.all()[:50],
                                                  "kept": published_refreshes(_workspace())})


@require_POST
@roles_required(Role.ANALYST)
def publish(request: HttpRequest) -> HttpResponse:
    """Publish the store's latest refresh into the tracker (what `pf web publish` does)."""
    from priority_families.casedb.publish import PublishError, publish_refresh
    from priority_families.outcomes.progress import publish_progress

    try:
        done = publish_refresh(_workspace(), by=request.user.get_username())
        publish_progress(_workspace())
        messages.success(request, f"Published the refresh as of {done.as_of:%d %B %Y}: {done.eligible:,} eligible "
                                  f"families, {done.new_cases:,} new")
    except (PublishError, StoreError) as exc:
        messages.error(request, f"Nothing was published: {exc}")
    return redirect("web:refreshes")


def _workspace() -> Workspace:
    return Workspace(path=Path(settings.WORKSPACE))


REVIEW_PAGE_SIZE = 20
REVIEW_FIELDS = [("first_name", "First name"), ("last_name", "Last name"), ("dob", "Date of birth"), ("sex", "Sex"),
                 ("address", "Address"), ("postcode", "Postcode")]


class ReviewQueue:
    """The refresh's review queue as a sequence Django's Paginator can page: each page is read from the store
    (one page at a time, never the whole queue)."""

    def __init__(self, ws: Workspace) -> None:
        from priority_families.refresh import review_queue_page

        self._read = lambda limit, offset: review_queue_page(ws, limit, offset)
        self._total = self._read(0, 0)[1]

    def count(self) -> int:
        return self._total

    def __len__(self) -> int:
        return self._total

    def __getitem__(self, window: slice) -> list[dict]:
        return self._read(window.stop - window.start, window.start)[0]


def compared(pair: dict) -> list[dict]:
    """Each field of a pair side by side, as a reader reads it, with whether the two records agree, so the
    reviewer sees why the model was unsure."""
    from priority_families.core.vocabulary import label

    def shown(field: str, value: object) -> str:
        if value in (None, ""):
            return "Not given"
        if field == "dob":
            return f"{value:%-d %b %Y}" if isinstance(value, date) else str(value)
        return label("sex", value) if field == "sex" else str(value)

    rows = []
    for field, heading in REVIEW_FIELDS:
        left, right = pair.get(f"{field}_l"), pair.get(f"{field}_r")
        if left in (None, "") or right in (None, ""):
            verdict = "missing"
        else:
            verdict = "same" if str(left).strip().lower() == str(right).strip().lower() else "differs"
        rows.append({"label": heading, "left": shown(field, left), "right": shown(field, right), "verdict": verdict})
    return rows


@roles_required(Role.ANALYST)
def review(request: HttpRequest) -> HttpResponse:
    """Uncertain person links, a page at a time, each with why it is uncertain and the fields compared, and
    the reviewer's same person / not the same person decision."""
    page, pages = paginate(request, ReviewQueue(_workspace()), REVIEW_PAGE_SIZE)
    pairs = [{**p, "fields": compared(p), "number": page.start_index() + i} for i, p in enumerate(page)]
    record(request, AccessAction.VIEW, target="review queue",
           detail=f"page {page.number}: {len(pairs)} of {page.paginator.count} pairs shown")
    return render(request, "web/review.html", {"pairs": pairs, "page": page, "pages": pages,
                                               "total": page.paginator.count})


class DecisionForm(forms.Form):
    source_l = forms.CharField(max_length=100)
    record_id_l = forms.CharField(max_length=100)
    source_r = forms.CharField(max_length=100)
    record_id_r = forms.CharField(max_length=100)
    decision = forms.ChoiceField(choices=[("match", "Same person"), ("not_a_match", "Not the same person")])


@require_POST
@roles_required(Role.ANALYST)
def review_decide(request: HttpRequest) -> HttpResponse:
    """Store one decision through the linkage module's own import (validated, atomic publish of the store)."""
    from priority_families.linkage.review import ReviewImportError
    from priority_families.refresh import import_review

    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether the two records are the same person")
        return redirect("web:review")
    d = form.cleaned_data
    try:
        import_review(_workspace(), [{**{k: d[k] for k in ("source_l", "record_id_l", "source_r", "record_id_r",
                                                           "decision")}, "reviewer": request.user.get_username(),
                                      "decided_on": date.today().isoformat()}], queued_only=True)
    except (ReviewImportError, StoreError):
        record(request, AccessAction.DENIED, target="review decision", detail="pair not in the review queue")
        messages.error(request, "Those two records are not in the review queue")
        return redirect("web:review")
    record(request, AccessAction.CHANGE, target="review decision",
           detail=f"{d['source_l']}:{d['record_id_l']} {d['source_r']}:{d['record_id_r']} {d['decision']}")
    messages.success(request, "Decision saved. It applies from the next refresh.")
    return redirect("web:review")


@roles_required(Role.ADMINISTRATOR)
def access_log(request: HttpRequest) -> HttpResponse:
    """Search the access log by who, what, which record and when."""
    rows = AccessLog.objects.all()
    who, action, target = (request.GET.get(k, "").strip() for k in ("who", "action", "target"))
    start, end = request.GET.get("from", ""), request.GET.get("to", "")
    if who:
        rows = rows.filter(username__iexact=who)
    if action:
        rows = rows.filter(action=action)
    if target:
        rows = rows.filter(Q(target__icontains=target) | Q(path__icontains=target))
    try:
        if start:
            rows = rows.filter(at__date__gte=date.fromisoformat(start))
        if end:
            rows = rows.filter(at__date__lte=date.fromisoformat(end))
    except ValueError:
        messages.error(request, "Enter dates as year-month-day, like 2015-09-01")
    page, pages = paginate(request, rows, size=50)
    record(request, AccessAction.VIEW, target="access log",
           detail=f"who={who!r} action={action!r} target={target!r} from={start!r} to={end!r} page {page.number}")
    return render(request, "web/access_log.html", {
        "page": page, "pages": pages, "actions": AccessAction.choices,
        "q": {"who": who, "action": action, "target": target, "from": start, "to": end},
    })
