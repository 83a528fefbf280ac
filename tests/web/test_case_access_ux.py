"""A closed case is read only (the page offers no form, and the server refuses too); a manager reads the
summary of a family waiting for triage in their team's areas before allocating it (logged), and no other."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor, CaseworkError
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Area,
    Attestation,
    BaselineLine,
    Case,
    CaseNote,
    CaseStatus,
    ClosureReason,
    PlanAction,
    Team,
)
from priority_families.core.engine import Workspace
from priority_families.outcomes.attach import attach_allocated
from priority_families.outcomes.attest import AttestError
from priority_families.outcomes.attest import attest as attest_line


@pytest.fixture
def closed(published, people, county, settings, tmp_path, django_user_model) -> str:
    """A family allocated to `worker`, attached, then closed because its needs were met."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 8, 31), "worker")
    casework.close_case(family_id, ClosureReason.NEEDS_MET, date(2015, 12, 1), Actor("worker"))
    return family_id


def test_a_closed_case_offers_no_forms_and_refuses_notes_actions_and_attestations(closed, signed_in):
    client = signed_in("worker")
    page = client.get(reverse("web:family", args=[closed])).content.decode()
    assert "read only" in page
    for action in ("web:family-note", "web:family-action", "web:family-attest"):
        assert reverse(action, args=[closed]) not in page
    line = BaselineLine.objects.filter(attachment__family_id=closed).first()
    note = client.post(reverse("web:family-note", args=[closed]), {"text": "After closure"})
    action = client.post(reverse("web:family-action", args=[closed]),
                         {"description": "More work", "owner": "Worker", "due_on": "2016-01-01"})
    attest = client.post(reverse("web:family-attest", args=[closed]), {
        "line": f"{line.headline}|{line.indicator}", "statement": "Late", "attested_on": "2015-12-02",
        "evidence": SimpleUploadedFile("late.pdf", b"%PDF-1.4 late", content_type="application/pdf")})
    for response in (note, action, attest):
        assert response.status_code == 400 and "is closed" in response.content.decode()
    assert not CaseNote.objects.filter(case__family_id=closed).exists()
    assert not PlanAction.objects.filter(case__family_id=closed).exists()
    assert not Attestation.objects.filter(family_id=closed).exists()


def test_the_domain_refuses_a_closed_case_whatever_the_door(closed):
    with pytest.raises(CaseworkError, match="is closed"):
        casework.add_note(closed, "note", Actor("cli:root"))
    with pytest.raises(CaseworkError, match="is closed"):
        casework.add_action(closed, "act", "owner", None, Actor("cli:root"))
    line = BaselineLine.objects.filter(attachment__family_id=closed).first()
    with pytest.raises(AttestError, match="is closed"):
        attest_line(closed, line.headline, line.indicator, "Wendy", "statement", "e.pdf", [b"%PDF-1.4 x"], "cli:root")


def test_a_reopened_case_takes_notes_again(closed):
    casework.reopen(closed, "re-referred", Actor("manager"))
    assert casework.add_note(closed, "Back again", Actor("worker")).text == "Back again"


def test_a_manager_reads_a_waiting_family_in_their_areas_only(published, people, signed_in):
    waiting = Case.objects.filter(status=CaseStatus.IDENTIFIED, team__isnull=True).order_by("family_id")
    mine, theirs = waiting.first(), waiting.exclude(area=waiting.first().area).first()
    Team.objects.get(name="North").areas.set([Area.objects.get_or_create(code=mine.area)[0]])
    client = signed_in("manager")
    response = client.get(reverse("web:family", args=[mine.family_id]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(username="manager", action=AccessAction.VIEW,
                                    target=f"family {mine.family_id}").exists()
    assert client.get(reverse("web:family", args=[theirs.family_id])).status_code == 404
    assert signed_in("manager_south").get(reverse("web:family", args=[mine.family_id])).status_code == 404
