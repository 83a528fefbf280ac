"""The tracker's page for a headline found since attachment and a professional's nomination: who may use it,
what it records (through `outcomes.nominations`), and what it refuses, on the real test case database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from identify.builders import Person, dated
from outcomes.case_store import make_workspace
from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    Agency,
    Area,
    BaselineLine,
    Case,
    ClosureReason,
    Disclosure,
    Nomination,
    StatusChange,
    Team,
)
from priority_families.core.engine import Workspace
from priority_families.outcomes.attach import attach_allocated
from priority_families.outcomes.progress import attachment_plan
from priority_families.refresh import in_force

pytestmark = pytest.mark.django_db
A = date(2015, 8, 31)


def _allocated(family_id: str, django_user_model) -> None:
    Team.objects.get(name="North").areas.set(Area.objects.all())
    worker = django_user_model.objects.get(username="worker")
    casework.allocate(family_id, Agency.objects.get(name="Family Support"), worker, Actor("manager"))


@pytest.fixture
def attached(published, people, county, django_user_model) -> tuple[str, str]:
    """A family of the synthetic county allocated to `worker` and attached; (family id, a headline it lacks)."""
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    _allocated(family_id, django_user_model)
    attachment = attach_allocated(Workspace(path=county), family_id, A, "worker")
    have = set(BaselineLine.objects.filter(attachment=attachment).values_list("headline", flat=True))
    missing = next(h.id for h in attachment_plan(attachment).headlines if h.id not in have and h.results)
    return family_id, missing


def test_the_lead_worker_adds_a_headline_found_since_attachment(signed_in, attached, county):
    family_id, headline = attached
    client = signed_in("worker")
    family_page = client.get(reverse("web:family", args=[family_id])).content.decode()
    assert 'data-field="headlines-added"' in family_page
    page = client.get(reverse("web:family-headlines", args=[family_id]))
    assert page.status_code == 200 and "Add a headline found since attachment" in page.content.decode()
    on = in_force(Workspace(path=county)).as_of
    response = client.post(reverse("web:family-disclose", args=[family_id]), {
        "headline": headline, "disclosed_on": on.isoformat(), "reason": "Disclosed at a home visit"})
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Disclosure.objects.get(family_id=family_id)
    assert (made.headline, made.disclosed_on, made.recorded_by) == (headline, on, "worker")
    assert BaselineLine.objects.filter(attachment__family_id=family_id, headline=headline,
                                       source="disclosure").exists()
    assert "Disclosed at a home visit" in client.get(reverse("web:family-headlines", args=[family_id])
                                                     ).content.decode()


@pytest.mark.parametrize(("form", "says"), [
    ({"disclosed_on": "2015-08-30", "reason": "r"}, "is before family"),
    ({"disclosed_on": "2015-09-01", "reason": ""}, "Enter what was disclosed or arose"),
    ({"disclosed_on": "tomorrow", "reason": "r"}, "Enter the date as year-month-day"),
])
def test_a_refused_headline_is_shown_again_with_why_and_nothing_is_kept(signed_in, attached, form, says):
    family_id, headline = attached
    response = signed_in("worker").post(reverse("web:family-disclose", args=[family_id]),
                                        {"headline": headline, **form})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert says in response.content.decode()
    assert not Disclosure.objects.exists()


def test_a_headline_already_in_the_baseline_cannot_be_chosen(signed_in, attached):
    family_id, _ = attached
    have = BaselineLine.objects.filter(attachment__family_id=family_id).values_list("headline", flat=True)[0]
    response = signed_in("worker").post(reverse("web:family-disclose", args=[family_id]), {
        "headline": have, "disclosed_on": "2015-09-01", "reason": "r"})
    assert response.status_code == 400 and not Disclosure.objects.exists()


@pytest.mark.parametrize(("user", "allowed"), [("worker", True), ("manager", True), ("worker2", False),
                                               ("analyst", False), ("auditor", False)])
def test_only_the_cases_lead_worker_or_a_manager_may_use_the_page(signed_in, attached, user, allowed):
    family_id, headline = attached
    client = signed_in(user)
    assert client.get(reverse("web:family-headlines", args=[family_id])).status_code == (200 if allowed else 404)
    posted = client.post(reverse("web:family-disclose", args=[family_id]),
                         {"headline": headline, "disclosed_on": "2015-09-01", "reason": "r"})
    assert (posted.status_code in (302, 400)) is allowed
    if not allowed:
        assert not Disclosure.objects.exists()


def test_a_closed_case_refuses(signed_in, attached):
    family_id, headline = attached
    casework.close_case(family_id, ClosureReason.NEEDS_MET, date(2015, 10, 1), Actor("manager"))
    client = signed_in("worker")
    assert "reopen it to add a headline" in client.get(reverse("web:family-headlines", args=[family_id])
                                                       ).content.decode()
    response = client.post(reverse("web:family-disclose", args=[family_id]),
                           {"headline": headline, "disclosed_on": "2015-09-01", "reason": "r"})
    assert response.status_code == 400 and "case is closed" in response.content.decode()
    assert not Disclosure.objects.exists()


@pytest.fixture
def warwickshire(tmp_path, settings, people, django_user_model) -> str:
    """A tracker publishing a Warwickshire refresh with one family (HP1 and HP2 from the data), allocated."""
    from priority_families.casedb.publish import publish_refresh

    settings.MEDIA_ROOT = tmp_path / "evidence"
    people_ = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2004, 1, 1))]}
    facts = [dated("offence", "P2", A - timedelta(days=30)),
             dated("exclusion", "P2", A - timedelta(days=60), kind="permanent")]
    ws = make_workspace(tmp_path / "ws", "warwickshire-2015", people_, facts, A)
    settings.WORKSPACE = ws.path
    publish_refresh(ws, by="test")
    _allocated("F1", django_user_model)
    return "F1"


def test_a_professionals_nomination_is_recorded_with_its_evidence_then_counted_at_attachment(signed_in,
                                                                                            warwickshire):
    client = signed_in("worker")
    page = client.get(reverse("web:family-headlines", args=[warwickshire])).content.decode()
    assert "Record a professional&#x27;s nomination" in page or "Record a professional's nomination" in page
    missing = client.post(reverse("web:family-nominate", args=[warwickshire]), {
        "headline": "health", "nominated_by": "GP", "nominated_on": "2015-08-01", "reason": "r"})
    assert missing.status_code == 400 and "Choose the evidence file" in missing.content.decode()
    response = client.post(reverse("web:family-nominate", args=[warwickshire]), {
        "headline": "health", "nominated_by": "Dr Green, GP", "nominated_on": "2015-08-01",
        "reason": "Untreated condition of equivalent concern",
        "evidence": SimpleUploadedFile("gp-letter.pdf", b"%PDF-1.4 synthetic letter")})
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Nomination.objects.get(family_id=warwickshire)
    assert (made.headline, made.nominated_by, len(made.evidence_sha256)) == ("health", "Dr Green, GP", 64)
    assert StatusChange.objects.filter(case__family_id=warwickshire, reason__contains="nominated for health").exists()
    client.post(reverse("web:family-attach", args=[warwickshire]), {"attached_on": A.isoformat()})
    assert BaselineLine.objects.filter(attachment__family_id=warwickshire, headline="health",
                                       source="nomination").exists()


def test_a_headline_the_plan_takes_no_nomination_for_is_refused(signed_in, warwickshire):
    response = signed_in("manager").post(reverse("web:family-nominate", args=[warwickshire]), {
        "headline": "worklessness", "nominated_by": "GP", "nominated_on": "2015-08-01", "reason": "r",
        "evidence": SimpleUploadedFile("gp-letter.pdf", b"%PDF-1.4 synthetic letter")})
    assert response.status_code == 400 and not Nomination.objects.exists()
