"""The team pages, referral pages and caseloads through the tracker: forms that work, forms that refuse and
change nothing, the case file's uploads and logged downloads."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from priority_families.casedb import team
from priority_families.casedb.casework import Actor, allocate, close_case
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Area,
    Case,
    CaseDocument,
    CaseStatus,
    ClosureReason,
    Member,
    Referral,
    ReferralStatus,
    Role,
    Team,
)
from priority_families.casedb.users import add_user
from priority_families.web import uploads

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-for-the-tracker-1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def fid(published, people, django_user_model, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path / "files"
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True)[0]
    allocate(family_id, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
             Actor("manager"))
    add_user("hv", Role.PARTNER, PASSWORD, "test", "Hana Visitor", agency="Health visiting")
    add_user("school", Role.PARTNER, PASSWORD, "test", "Sam School", agency="Greenfield Primary")
    return family_id


def _upload(client, family_id: str, name: str, content: bytes, kind: str = "specialist_assessment"):
    return client.post(reverse("web:team-document", args=[family_id]),
                       {"document-kind": kind, "document-title": "Speech and language",
                        "document-file": SimpleUploadedFile(name, content)})


def test_the_lead_worker_adds_a_member_who_then_sees_the_family(signed_in, fid, django_user_model):
    worker = signed_in("worker")
    hv = django_user_model.objects.get(username="hv")
    response = worker.post(reverse("web:team-member", args=[fid]),
                           {"member-user": hv.pk, "member-agency": "Health visiting",
                            "member-role_on_case": "health_visitor", "member-added_on": "2015-09-01"})
    assert response.status_code == 302
    page = signed_in("hv").get(reverse("web:team", args=[fid])).content.decode()
    assert "Hana Visitor" in page and "Health visitor" in page


def test_a_member_added_to_a_closed_case_is_refused_on_the_page(signed_in, fid, django_user_model):
    Case.objects.filter(family_id=fid).update(status="closed")
    hv = django_user_model.objects.get(username="hv")
    response = signed_in("worker").post(reverse("web:team-member", args=[fid]),
                                        {"member-user": hv.pk, "member-agency": "Health visiting",
                                         "member-role_on_case": "health_visitor", "member-added_on": "2015-09-01"})
    assert response.status_code == 400
    assert "no one can join its team until the case is reopened" in response.content.decode()
    assert not Case.objects.get(family_id=fid).members.exists()


def test_a_step_to_an_unknown_level_is_refused_and_changes_nothing(signed_in, fid):
    response = signed_in("worker").post(reverse("web:team-level", args=[fid]),
                                        {"level-level": "platinum", "level-on": "2015-09-01", "level-reason": "x"})
    assert response.status_code == 400 and "not one of the council&#x27;s levels" in response.content.decode()
    assert not Case.objects.get(family_id=fid).levels.exists()


def test_a_meeting_with_a_bad_action_line_says_which_line(signed_in, fid):
    response = signed_in("worker").post(reverse("web:team-meeting", args=[fid]), {
        "meeting-held_on": "2015-10-01", "meeting-attended": "Wendy\nHana", "meeting-decisions": "Visit weekly",
        "meeting-actions": "Visit | Hana | 2015-11-01\nno owner here"})
    assert response.status_code == 400 and "Action line 2" in response.content.decode()
    assert not Case.objects.get(family_id=fid).meetings.exists()


def test_an_assessment_through_the_page(signed_in, fid):
    headline = team.plan_headlines()[0][0]
    client = signed_in("worker")
    bad = client.post(reverse("web:team-assessment", args=[fid]), {
        "assessment-assessed_on": "2015-10-01", "assessment-author": "Wendy",
        f"assessment-{headline}__score": "99"})
    assert bad.status_code == 400 and not Case.objects.get(family_id=fid).assessments.exists()
    ok = client.post(reverse("web:team-assessment", args=[fid]), {
        "assessment-assessed_on": "2015-10-01", "assessment-author": "Wendy",
        f"assessment-{headline}__needs": "Attendance 80%", f"assessment-{headline}__score": "4"})
    assert ok.status_code == 302
    assert Case.objects.get(family_id=fid).assessments.get().lines.get().score == 4


def test_a_document_is_kept_outside_the_web_root_and_each_download_logged(signed_in, fid, settings):
    client = signed_in("worker")
    assert _upload(client, fid, "salt.pdf", PDF).status_code == 302
    doc = CaseDocument.objects.get()
    assert doc.path.startswith(str(settings.MEDIA_ROOT)) and doc.size == len(PDF)
    response = client.get(reverse("web:team-document-file", args=[fid, doc.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert AccessLog.objects.filter(username="worker", action=AccessAction.EXPORT,
                                    detail__contains=f"case-file document {doc.pk}").exists()
    assert signed_in("hv").get(reverse("web:team-document-file", args=[fid, doc.pk])).status_code == 404


@pytest.mark.parametrize(("name", "content"), [("report.pdf", b"MZ\x90\x00\x03 a program"),
                                               ("sheet.xlsx", b"PK\x03\x04 not a workbook")])
def test_a_disallowed_type_is_refused_whatever_its_name(signed_in, fid, settings, name, content):
    response = _upload(signed_in("worker"), fid, name, content)
    assert response.status_code == 400 and "must be a PDF, PNG, JPEG" in response.content.decode()
    assert not CaseDocument.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_an_oversized_document_is_refused_while_it_streams(signed_in, fid, monkeypatch, settings):
    monkeypatch.setattr(uploads, "MAX_EVIDENCE_BYTES", 100_000)
    response = _upload(signed_in("worker"), fid, "big.pdf", PDF + bytes(1_000_000))
    assert response.status_code == 400 and "must be smaller than" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_the_quota_counts_the_case_file(signed_in, fid, monkeypatch):
    from priority_families.outcomes import casefile

    monkeypatch.setattr(casefile, "FAMILY_EVIDENCE_QUOTA", len(PDF) + 10)
    client = signed_in("worker")
    assert _upload(client, fid, "a.pdf", PDF).status_code == 302
    response = _upload(client, fid, "b.pdf", PDF + b"another")
    assert response.status_code == 400 and "ask an administrator" in response.content.decode()
    assert CaseDocument.objects.count() == 1


def test_a_referral_form_without_the_required_fields_is_shown_again_and_kept_nowhere(signed_in, fid):
    response = signed_in("school").post(reverse("web:referral-new"), {"agency": "Greenfield Primary"})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Describe the worries", "Select at least one headline", "Select whether the family has agreed"):
        assert message in page
    assert not Referral.objects.exists()


def test_a_school_refers_the_manager_accepts_and_the_school_sees_the_outcome(signed_in, fid):
    m = Member.objects.filter(family__family_id=fid).exclude(dob=None).exclude(first_name="").first()
    headline = team.plan_headlines()[0][0]
    school = signed_in("school")
    response = school.post(reverse("web:referral-new"), {
        "p0_first": m.first_name, "p0_last": m.last_name, "p0_dob": m.dob.isoformat(), "p0_postcode": m.postcode,
        "headlines": [headline], "worries": "Attendance", "family_knows": "Mum agreed", "consent": "yes",
        "agency": "Greenfield Primary"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.family_id == fid
    manager = signed_in("manager")
    queue = manager.get(reverse("web:referrals")).content.decode()
    assert f"Known family {fid}" in queue and "Greenfield Primary: 1" in queue
    bad = manager.post(reverse("web:referral-decide", args=[referral.pk]), {"decision": "decline"})
    assert bad.status_code == 400 and "Select why the referral is declined" in bad.content.decode()
    assert manager.post(reverse("web:referral-decide", args=[referral.pk]),
                        {"decision": "accept", "note": "Joined to the family's case"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case.family_id == fid
    mine = school.get(reverse("web:my-teams")).content.decode()
    assert "Accepted" in mine and "Joined to the family&#x27;s case" in mine


def test_the_manager_sees_caseloads_on_the_allocation_screen_and_sets_capacity(signed_in, fid, django_user_model):
    Team.objects.get(name="North").areas.set(Area.objects.all())
    manager = signed_in("manager")
    worker = django_user_model.objects.get(username="worker")
    assert manager.post(reverse("web:caseloads"), {"worker": worker.pk, "capacity": "0.5"}).status_code == 302
    page = manager.get(reverse("web:caseloads")).content.decode()
    assert "Wendy Worker" in page and "Over capacity" in page and "Olive Outside" not in page
    area = Case.objects.exclude(family_id=fid).filter(status="identified").first().area
    triage = manager.get(reverse("web:triage-place", args=["area", area])).content.decode()
    assert 'id="caseloads"' in triage and "Wendy Worker" in triage
    outsider = django_user_model.objects.get(username="outsider")
    refused = manager.post(reverse("web:caseloads"), {"worker": outsider.pk, "capacity": "9"})
    assert refused.status_code == 400 and not hasattr(outsider, "capacity")


def test_reopen_through_the_page_keeps_history(signed_in, fid):
    close_case(fid, ClosureReason.NEEDS_MET, date(2016, 1, 4), Actor("worker"), "done")
    client = signed_in("worker")
    assert "Reopen case" in client.get(reverse("web:team", args=[fid])).content.decode()
    assert client.post(reverse("web:team-reopen", args=[fid]), {"reopen-reason": "re-referred"}).status_code == 302
    page = client.get(reverse("web:team", args=[fid])).content.decode()
    assert "reopened: re-referred" in page and "done" in page
    assert Case.objects.get(family_id=fid).status == CaseStatus.TRIAGED


def test_the_family_page_shows_the_level_and_the_team_today(signed_in, fid, django_user_model):
    from datetime import date

    team.step_level(fid, "intensive_family_intervention", date(2015, 9, 1), "high need", Actor("worker"))
    team.add_member(fid, django_user_model.objects.get(username="hv"), "Health visiting", "health_visitor",
                    date(2015, 9, 1), Actor("worker"))
    page = signed_in("worker").get(reverse("web:family", args=[fid])).content.decode()
    assert "Intensive family intervention (1 step recorded; 1 on the team today)" in page
    assert reverse("web:team", args=[fid]) in page
