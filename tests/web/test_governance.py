"""Information governance in the tracker: the family's agreement on the family page and in the manager's list,
and the analyst's subject access page (logged)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    AccessLog,
    Agency,
    Case,
    CaseStatus,
    FamilyAgreement,
    Member,
    SubjectAccessRequest,
)
from priority_families.core.engine import Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_id(published, people, django_user_model) -> str:
    """A family allocated to the North team's worker (so its manager sees it)."""
    fid = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    casework.allocate(fid, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
                      Actor("manager"))
    return fid


def _record(client, family_id: str, kind: str, on: str, adults: list[str] | None = None):
    if adults is None:  # the eldest member
        adults = list(Member.objects.filter(family__family_id=family_id).order_by("dob")
                      .values_list("person_id", flat=True))[:1]
    return client.post(reverse("web:family-agreement", args=[family_id]), {
        "kind": kind, "asked_by": "Wendy Worker, Family Support", "asked_on": on, "method": "in_person",
        "adults": adults, "explained": "The programme, who sees their information, that they may withdraw"})


def test_the_family_page_and_the_managers_list_show_the_agreement(signed_in, family_id):
    worker, manager = signed_in("worker"), signed_in("manager")
    page = worker.get(reverse("web:family", args=[family_id])).content.decode()
    assert "Not yet asked" in page and "Record the family's agreement" in page
    assert _record(worker, family_id, "agreed", "2015-09-01").status_code == 302
    page = worker.get(reverse("web:family", args=[family_id])).content.decode()
    assert "Agreed</strong> on 1 Sep 2015" in page and "Wendy Worker, Family Support" in page
    listing = manager.get(reverse("web:family-agreements"), {"standing": "agreed"}).content.decode()
    assert f'data-family="{family_id}"' in listing and "Agreed" in listing
    assert f'data-family="{family_id}"' not in manager.get(reverse("web:family-agreements"),
                                                          {"standing": "none"}).content.decode()
    _record(worker, family_id, "withdrawn", "2015-10-01")
    assert Case.objects.get(family_id=family_id).status == CaseStatus.CLOSED  # the plan: casework stops
    assert "Withdrawn</strong> on 1 Oct 2015" in worker.get(reverse("web:family", args=[family_id])).content.decode()
    assert FamilyAgreement.objects.filter(family_id=family_id).count() == 2


def test_a_refused_agreement_changes_nothing(signed_in, family_id):
    worker = signed_in("worker")
    response = _record(worker, family_id, "withdrawn", "2015-10-01")  # nothing to withdraw yet
    assert response.status_code == 302 and not FamilyAgreement.objects.exists()
    assert "no agreement to withdraw" in worker.get(reverse("web:family", args=[family_id])).content.decode()
    youngest = Member.objects.filter(family__family_id=family_id).exclude(dob=None).order_by("-dob").first()
    _record(worker, family_id, "agreed", "2015-09-01", adults=[youngest.person_id])
    _record(worker, family_id, "agreed", "2015-09-01", adults=["P9999999"])
    page = worker.get(reverse("web:family", args=[family_id])).content.decode()
    assert "under 18 on 2015-09-01" in page and "P9999999 is not one of the available choices" in page
    assert not FamilyAgreement.objects.exists()
    outsider = signed_in("outsider")  # another team's worker may not see the family, let alone record for it
    assert _record(outsider, family_id, "agreed", "2015-09-01").status_code == 404
    assert not FamilyAgreement.objects.exists()


def test_an_analyst_serves_a_subject_access_request_and_it_is_logged(signed_in, published):
    analyst = signed_in("analyst")
    member = Member.objects.select_related("family").filter(family__members__gt=1).first()
    page = analyst.get(reverse("web:subject-access"), {"person": member.person_id, "reference": "SAR-9"})
    text = page.content.decode()
    assert page.status_code == 200 and "Source records" in text and 'data-redact="third party"' in text
    assert SubjectAccessRequest.objects.get().reference == "SAR-9"
    assert AccessLog.objects.filter(target=f"person {member.person_id}", action="export").count() == 1
    download = analyst.get(reverse("web:subject-access"), {"person": member.person_id, "format": "json"})
    bundle = json.loads(download.content)
    assert bundle["person_id"] == member.person_id
    with Workspace(path=Path(settings.WORKSPACE)).connect() as con:  # the synthetic county's store
        theirs = set(con.execute("SELECT r.source, r.record_id FROM records r JOIN record_person rp USING "
                                 "(record_key) WHERE rp.person_id = ?", [member.person_id]).fetchall())
    assert {(r["source"], r["record_id"]) for r in bundle["sections"]["Source records"]} == theirs
    assert all(r["partner"] for r in bundle["sections"]["Source records"])  # every one under an agreement
    for rows in bundle["sections"].values():
        for r in rows:
            named = {r.get(k) for k in ("person_id", "person_l", "person_r")} - {None}
            assert not named - {member.person_id} or r["redact"] == "third party", r
    missing = analyst.get(reverse("web:subject-access"), {"person": "P404"})
    assert missing.status_code == 404 and "no person" in missing.content.decode()
    assert SubjectAccessRequest.objects.count() == 2  # the page and the download; not the refused id
    assert signed_in("manager").get(reverse("web:subject-access")).status_code == 404  # analysts only
