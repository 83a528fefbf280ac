"""The tracker's page for seed rows assessed for a family: recording an assessment and its attestation through
`outcomes.assessed`, what it refuses (one clear message, nothing kept), and who may use it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from identify.builders import Person, dated
from outcomes.case_store import make_workspace, republish
from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import Agency, Area, AssessedNeed, FamilyProgress, RowAttestation, Team
from priority_families.outcomes.attach import attach_allocated

pytestmark = pytest.mark.django_db
A = date(2015, 8, 31)
AS_OF = date(2016, 4, 30)
WARKS = "warwickshire-2015"


@pytest.fixture
def family(tmp_path, settings, people, django_user_model) -> str:
    """A Warwickshire family allocated to `worker`, attached on A, with a refresh as of AS_OF in the tracker."""
    from priority_families.casedb.publish import publish_refresh

    settings.MEDIA_ROOT = tmp_path / "evidence"
    people_ = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2004, 1, 1))]}
    facts = [dated("offence", "P2", A - timedelta(days=30)), dated("marac", "P1", date(2015, 7, 1))]
    ws = make_workspace(tmp_path / "ws", WARKS, people_, facts, A)
    settings.WORKSPACE = ws.path
    publish_refresh(ws, by="test")
    Team.objects.get(name="North").areas.set(Area.objects.all())
    casework.allocate("F1", Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    attach_allocated(ws, "F1", A, "worker")
    republish(ws, WARKS, people_, facts, AS_OF)
    publish_refresh(ws, by="test")
    return "F1"


def _sheet() -> SimpleUploadedFile:
    return SimpleUploadedFile("wemwbs.pdf", b"%PDF-1.4 synthetic score sheet")


ASSESS = {"row": "wemwbs_improved", "assessed_on": "2015-09-10", "assessed_by": "Kim, key worker", "score": "38",
          "reason": "scored at the first visit"}


def test_the_lead_worker_records_an_assessed_row_then_its_attestation(signed_in, family):
    client = signed_in("worker")
    assert 'data-field="rows-assessed"' in client.get(reverse("web:family", args=[family])).content.decode()
    page = client.get(reverse("web:family-rows", args=[family])).content.decode()
    assert "Record an assessment" in page and "002 HP5 outcome 4" in page and "Attest an assessed row" not in page
    response = client.post(reverse("web:family-assess", args=[family]), {**ASSESS, "evidence": _sheet()})
    assert response.status_code == 302, response.content.decode()[:3000]
    need = AssessedNeed.objects.get(family_id=family)
    assert (need.row, need.assessed_by, need.assessed_on, str(need.score)) == (
        "002 HP5 outcome 4", "Kim, key worker", date(2015, 9, 10), "38.00")
    # the period (6 months) has run by the refresh's as_of: the row waits for its attestation, on its own page
    assert FamilyProgress.objects.get(family_id=family, indicator="wemwbs_improved").line_status == \
        "awaiting_attestation"
    family_page = client.get(reverse("web:family", args=[family])).content.decode()
    assert 'value="domestic_abuse|wemwbs_improved"' not in family_page
    page = client.get(reverse("web:family-rows", args=[family])).content.decode()
    assert "10 Mar 2016" in page and "Attest an assessed row" in page
    response = client.post(reverse("web:family-attest-row", args=[family]), {
        "row": "wemwbs_improved", "score": "47", "attested_by": "Kim", "attested_on": "2016-03-10",
        "statement": "scored again at the review", "evidence": _sheet()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert RowAttestation.objects.get().met is True
    assert FamilyProgress.objects.get(family_id=family, indicator="wemwbs_improved").line_status == "met"
    assert "scored again at the review" in client.get(reverse("web:family-rows", args=[family])).content.decode()


@pytest.mark.parametrize(("form", "says"), [
    ({"assessed_on": "2016-05-01"}, "is after the refresh in force"),
    ({"assessed_on": "2015-08-30"}, "is before family F1"),
    ({"score": ""}, "give the score at assessment"),
    ({"row": "offending_reduced"}, "Select a valid choice"),
    ({"evidence": None}, "Choose the evidence file"),
    ({"assessed_by": ""}, "Enter who assessed"),
])
def test_a_refused_assessment_is_shown_again_with_why_and_nothing_is_kept(signed_in, family, form, says):
    posted = {**ASSESS, "evidence": _sheet()} | form
    response = signed_in("worker").post(reverse("web:family-assess", args=[family]),
                                        {k: v for k, v in posted.items() if v is not None})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert says in response.content.decode()
    assert not AssessedNeed.objects.exists()


def test_an_attestation_before_the_period_ends_is_refused(signed_in, family):
    client = signed_in("manager")
    client.post(reverse("web:family-assess", args=[family]), {**ASSESS, "evidence": _sheet()})
    response = client.post(reverse("web:family-attest-row", args=[family]), {
        "row": "wemwbs_improved", "score": "47", "attested_by": "Kim", "attested_on": "2016-03-09",
        "statement": "s", "evidence": _sheet()})
    assert response.status_code == 400 and "attest it on or after 2016-03-10" in response.content.decode()
    assert not RowAttestation.objects.exists()


@pytest.mark.parametrize(("user", "allowed"), [("worker", True), ("manager", True), ("worker2", False),
                                               ("analyst", False)])
def test_only_the_cases_lead_worker_or_a_manager_may_use_the_page(signed_in, family, user, allowed):
    client = signed_in(user)
    assert client.get(reverse("web:family-rows", args=[family])).status_code == (200 if allowed else 404)
    client.post(reverse("web:family-assess", args=[family]), {**ASSESS, "evidence": _sheet()})
    assert AssessedNeed.objects.exists() is allowed


def test_a_closed_case_is_read_only_and_refuses(signed_in, family):
    from priority_families.casedb.models import ClosureReason

    casework.close_case(family, ClosureReason.NEEDS_MET, date(2016, 4, 1), Actor("manager"))
    client = signed_in("worker")
    page = client.get(reverse("web:family-rows", args=[family])).content.decode()
    assert "reopen it to record an assessment" in page and "Record an assessment" not in page
    response = client.post(reverse("web:family-assess", args=[family]), {**ASSESS, "evidence": _sheet()})
    assert response.status_code == 400 and "case is closed" in response.content.decode()
    assert not AssessedNeed.objects.exists()
