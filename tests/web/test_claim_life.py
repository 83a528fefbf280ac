"""The tracker's side of a claim's life: the auditor records a spot check after viewing the evidence (logged),
an invalid verdict withdraws the claim; lead workers and managers see the sustainability checks to do."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Area,
    Case,
    Claim,
    ClaimStep,
    StepKind,
    Team,
)

pytestmark = pytest.mark.django_db
WINDOW = "2015-08"


@pytest.fixture
def submitted(published, people, county, django_user_model, tmp_path) -> str:
    """A family allocated to `worker`, attached, its claim proposed, checked, submitted and drawn for spot check."""
    from priority_families.claims.life import check_claims, draw_spot_check, submit_batch
    from priority_families.core.engine import Workspace
    from priority_families.outcomes.attach import attach_allocated
    from priority_families.refresh import in_force

    Team.objects.get(name="North").areas.set(Area.objects.all())
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    worker = django_user_model.objects.get(username="worker")
    casework.allocate(family_id, Agency.objects.get(name="Family Support"), worker, Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 3, 1), "worker")
    claim = Claim.objects.create(family_id=family_id, route="significant_sustained", window=WINDOW,
                                 claimed_on=date(2015, 8, 31), plan_id="nottinghamshire-2015", amount=Decimal(800),
                                 pack_sha256="0" * 64, refresh_id=in_force(Workspace(path=county)).refresh_id)
    ClaimStep.objects.create(claim=claim, step=StepKind.PROPOSED, by="t", on=claim.claimed_on, recorded_by="t")
    check_claims(WINDOW, [family_id], by="Checker", actor="t", on=date(2015, 9, 2))
    submit_batch(WINDOW, "Head of Service", date(2015, 9, 2), tmp_path / "batch", actor="t")
    assert draw_spot_check(WINDOW, 1.0, seed=0, actor="t") == [family_id]
    return family_id


def test_the_auditor_records_an_invalid_spot_check_after_viewing_the_evidence(signed_in, submitted):
    auditor = signed_in("auditor")
    url = reverse("web:spot-check-verdict", args=[submitted])
    auditor.post(url, {"verdict": "invalid", "reason": "no evidence of the school record"})
    assert not ClaimStep.objects.filter(step=StepKind.SPOT_CHECKED).exists()  # the evidence was not opened
    page = auditor.get(reverse("web:evidence-pack", args=[submitted])).content.decode()
    assert "Record the spot check" in page and "Submitted" in page and "Head of Service" in page
    viewed = AccessLog.objects.get(username="auditor", action=AccessAction.VIEW, target=f"evidence pack {submitted}")
    assert "baseline lines" in viewed.detail
    auditor.post(url, {"verdict": "invalid", "reason": " "})
    assert not ClaimStep.objects.filter(step=StepKind.SPOT_CHECKED).exists()  # invalid needs its reason
    assert signed_in("analyst").post(url, {"verdict": "valid"}).status_code == 404  # auditors only
    assert auditor.post(url, {"verdict": "invalid", "reason": "no evidence of the school record"}).status_code == 302
    withdrawn = ClaimStep.objects.get(claim__family_id=submitted, step=StepKind.WITHDRAWN)
    assert withdrawn.by == "auditor" and withdrawn.amount_to_repay == Decimal(800)
    change = AccessLog.objects.get(username="auditor", action=AccessAction.CHANGE,
                                   target=f"spot check {WINDOW} {submitted}")
    assert "after viewing the evidence pack" in change.detail
    page = auditor.get(reverse("web:evidence-pack", args=[submitted])).content.decode()
    assert "Record the spot check" not in page and "Withdrawn" in page and "£800" in page
    assert "Withdrawn" in auditor.get(reverse("web:claims")).content.decode()


def test_lead_workers_and_managers_see_the_sustainability_checks_to_do(signed_in, submitted):
    url = reverse("web:sustainability") + "?on=2016-03-15"  # the first check was due on 29 Feb 2016
    page = signed_in("worker").get(url).content.decode()
    assert submitted in page and "Overdue" in page and "29 Feb 2016" in page
    assert submitted in signed_in("manager").get(url).content.decode()
    early = signed_in("worker").get(reverse("web:sustainability") + "?on=2015-10-01").content.decode()
    assert submitted not in early and "No sustainability check is overdue" in early
    assert signed_in("auditor").get(url).status_code == 404
