"""The case workflow through the tracker's pages: triage, attach (baseline frozen), plan, notes, attest, claim."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor, CaseworkError
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Area,
    Attachment,
    Attestation,
    BaselineLine,
    Case,
    CaseStatus,
    FamilyProgress,
    NotAllocatedReason,
    StatusChange,
    SustainabilityCheck,
    Team,
)

from .conftest import awaiting_attestation, claim_as_the_ledger_records_it

pytestmark = pytest.mark.django_db


@pytest.fixture
def family_id(published, people) -> str:
    Team.objects.get(name="North").areas.set(Area.objects.all())
    return Case.objects.order_by("family_id").values_list("family_id", flat=True).first()


def _triage(client, family_id: str, **data: str):
    area = Case.objects.get(family_id=family_id).area
    form = {f"{family_id}-{k}": v for k, v in data.items()}
    return client.post(reverse("web:triage-place-decide", args=["area", area, family_id]), form)


def test_triage_allocates_to_agency_and_worker(signed_in, family_id, django_user_model):
    manager = signed_in("manager")
    worker = django_user_model.objects.get(username="worker")
    agency = Agency.objects.get(name="Family Support")
    response = _triage(manager, family_id, decision="allocate", agency=str(agency.pk), worker=str(worker.pk))
    assert response.status_code == 302
    case = Case.objects.get(family_id=family_id)
    assert (case.status, case.lead_worker, case.agency, case.team.name) == (CaseStatus.TRIAGED, worker, agency,
                                                                             "North")
    assert StatusChange.objects.filter(case=case, to_status=CaseStatus.TRIAGED, by="manager").exists()
    assert AccessLog.objects.filter(username="manager", action=AccessAction.CHANGE,
                                    target=f"family {family_id}").exists()
    # now the worker can open it
    assert signed_in("worker").get(reverse("web:family", args=[family_id])).status_code == 200


@pytest.mark.parametrize("reason", list(NotAllocatedReason))
def test_triage_not_to_be_allocated_with_each_reason(signed_in, family_id, reason):
    response = _triage(signed_in("analyst"), family_id, decision="not_allocate", reason=reason.value)
    assert response.status_code == 302
    case = Case.objects.get(family_id=family_id)
    assert (case.status, case.not_allocated_reason) == (CaseStatus.NOT_ALLOCATED, reason.value)


def test_triage_errors_are_shown_in_an_error_summary_and_nothing_changes(signed_in, family_id):
    response = _triage(signed_in("analyst"), family_id, decision="allocate")
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Select the lead agency" in page and "Select the lead worker" in page
    assert Case.objects.get(family_id=family_id).status == CaseStatus.IDENTIFIED


def test_workflow_moves_only_along_allowed_steps(family_id, county, django_user_model):
    from priority_families.core.engine import Workspace
    from priority_families.outcomes.attach import AttachError, attach_allocated

    actor = Actor("analyst")
    with pytest.raises(CaseworkError, match="cannot move to assessed"):
        casework.move(family_id, CaseStatus.ASSESSED, actor)
    with pytest.raises(AttachError, match="allocated at triage"):
        attach_allocated(Workspace(path=county), family_id, date(2015, 9, 1), actor.username)
    assert Case.objects.get(family_id=family_id).status == CaseStatus.IDENTIFIED


def test_attach_freezes_the_baseline_then_plan_notes_and_attestation(signed_in, health_family_id, county,
                                                                    django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    family_id = health_family_id
    Team.objects.get(name="North").areas.set(Area.objects.all())
    worker = django_user_model.objects.get(username="worker")
    casework.allocate(family_id, Agency.objects.get(name="Family Support"), worker, Actor("manager"))
    client = signed_in("worker")

    bad = client.post(reverse("web:family-attach", args=[family_id]), {"attached_on": "31/02/2015"})
    assert bad.status_code == 400 and "Enter the date as year-month-day" in bad.content.decode()

    response = client.post(reverse("web:family-attach", args=[family_id]), {"attached_on": "2015-08-31"})
    assert response.status_code == 302, response.content.decode()[:2000]
    attachment = Attachment.objects.get(family_id=family_id)
    assert attachment.attached_on == date(2015, 8, 31) and attachment.lead_worker == "worker"
    assert BaselineLine.objects.filter(attachment=attachment).exists()
    assert Case.objects.get(family_id=family_id).status == CaseStatus.ATTACHED

    for to in (CaseStatus.ASSESSED, CaseStatus.PLAN_AGREED, CaseStatus.PROGRESS):
        assert client.post(reverse("web:family-move", args=[family_id]), {"to": to.value}).status_code == 302
    client.post(reverse("web:family-action", args=[family_id]),
                {"description": "School attendance plan", "owner": "Head of year", "due_on": "2015-10-01"})
    client.post(reverse("web:family-note", args=[family_id]), {"text": "Met the family at home."})

    line = awaiting_attestation(family_id)
    offered = client.get(reverse("web:family", args=[family_id])).content.decode()
    judged = FamilyProgress.objects.filter(family_id=family_id).exclude(line_status="awaiting_attestation")
    assert f'value="{line}"' in offered and judged.exists()
    assert not any(f'value="{h}|{i}"' in offered for h, i in judged.values_list("headline", "indicator")
                   if f"{h}|{i}" != line)
    data_line = judged.values_list("headline", "indicator").first()
    refused = client.post(reverse("web:family-attest", args=[family_id]), {
        "line": "|".join(data_line), "statement": "x", "attested_on": "2015-12-01",
        "evidence": SimpleUploadedFile("letter.pdf", b"%PDF-1.4 synthetic evidence")})
    assert refused.status_code == 400 and not Attestation.objects.filter(family_id=family_id).exists()
    empty = client.post(reverse("web:family-attest", args=[family_id]), {
        "line": line, "statement": "x", "attested_on": "2015-12-01",
        "evidence": SimpleUploadedFile("empty.pdf", b"")})
    assert empty.status_code == 400 and "The selected file is empty" in empty.content.decode()
    upload = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 synthetic evidence", content_type="application/pdf")
    response = client.post(reverse("web:family-attest", args=[family_id]), {
        "line": line, "statement": "Engaged with services",
        "attested_on": "2015-12-01", "evidence": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    made = Attestation.objects.get(family_id=family_id)
    assert made.evidence_name == "letter.pdf" and len(made.evidence_sha256) == 64
    assert made.attested_by == "Wendy Worker"

    page = client.get(reverse("web:family", args=[family_id])).content.decode()
    for text in ("School attendance plan", "Met the family at home.", "Engaged with services", "Making progress",
                 'data-table="progress"'):
        assert text in page, text


def _checks_due(claimed_on: date) -> list[date]:
    """The shipped plan's sustainability schedule (every 6 months for 2 years), read from the plan file."""
    from priority_families.plans.loader import load_plan

    return load_plan("nottinghamshire-2015").sustainability.due_dates(claimed_on)


def test_a_claim_in_the_ledger_moves_the_case_and_schedules_sustainability_checks(family_id, django_user_model):
    case = Case.objects.get(family_id=family_id)
    case.status = CaseStatus.PROGRESS
    case.save()
    casework.record_claim(family_id, date(2016, 3, 31), _checks_due(date(2016, 3, 31)), Actor("analyst"))
    assert Case.objects.get(family_id=family_id).status == CaseStatus.CLAIMED
    checks = list(SustainabilityCheck.objects.filter(case=case).values_list("due_on", flat=True))
    assert checks == [date(2016, 9, 30), date(2017, 3, 31), date(2017, 9, 30), date(2018, 3, 31)]
    casework.record_check(family_id, date(2016, 9, 30), SustainabilityCheck.Outcome.SUSTAINED, Actor("worker"))
    with pytest.raises(CaseworkError):
        casework.record_check(family_id, date(2016, 9, 30), SustainabilityCheck.Outcome.SUSTAINED, Actor("worker"))


def test_sustainability_checks_are_recorded_from_the_family_page(signed_in, family_id):
    case = Case.objects.get(family_id=family_id)
    case.status = CaseStatus.PROGRESS
    case.save()
    casework.record_claim(family_id, date(2016, 3, 31), _checks_due(date(2016, 3, 31)), Actor("analyst"))
    client = signed_in("analyst")
    page = client.get(reverse("web:family", args=[family_id])).content.decode()
    assert "Sustainability checks" in page and "30 Sep 2016" in page
    url = reverse("web:family-check", args=[family_id, "2016-09-30"])
    assert client.post(url, {"outcome": "sustained"}).status_code == 302
    check = SustainabilityCheck.objects.get(case=case, due_on=date(2016, 9, 30))
    assert check.outcome == SustainabilityCheck.Outcome.SUSTAINED and check.by == "analyst"
    client.post(url, {"outcome": "not_sustained"})  # recorded once: the second answer is refused
    assert SustainabilityCheck.objects.get(pk=check.pk).outcome == SustainabilityCheck.Outcome.SUSTAINED


def test_auditor_opens_the_ledgers_evidence_pack_rebuilt_from_the_baseline(signed_in, family_id, county,
                                                                           django_user_model):
    from decimal import Decimal

    from priority_families.casedb.models import Claim
    from priority_families.core.engine import Workspace

    worker = django_user_model.objects.get(username="worker")
    casework.allocate(family_id, Agency.objects.get(name="Family Support"), worker, Actor("manager"))
    from priority_families.outcomes.attach import attach_allocated
    from priority_families.refresh import in_force

    attach_allocated(Workspace(path=county), family_id, date(2015, 3, 1), "worker")
    Claim.objects.create(family_id=family_id, route="significant_sustained", window="2015-08",
                         claimed_on=date(2015, 8, 31), plan_id="nottinghamshire-2015", amount=Decimal(800),
                         pack_sha256="0" * 64, refresh_id=in_force(Workspace(path=county)).refresh_id)
    response = signed_in("auditor").get(reverse("web:generated-pack", args=[family_id]))
    assert response.status_code == 200
    assert family_id in response.content.decode() and len(response["X-Pack-SHA256"]) == 64
    assert AccessLog.objects.filter(username="auditor", action=AccessAction.EXPORT,
                                    target=f"evidence pack {family_id}", detail__contains="differs").exists()
    assert signed_in("worker").get(reverse("web:generated-pack", args=[family_id])).status_code == 404


def test_the_tracker_verifies_a_packs_checksum_against_the_ledger(signed_in, family_id, county, django_user_model):
    from decimal import Decimal

    from priority_families.casedb.models import Claim
    from priority_families.core.engine import Workspace
    from priority_families.outcomes.attach import attach_allocated
    from priority_families.refresh import in_force

    worker = django_user_model.objects.get(username="worker")
    casework.allocate(family_id, Agency.objects.get(name="Family Support"), worker, Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 3, 1), "worker")

    fields = {"route": "significant_sustained", "window": "2015-08", "claimed_on": date(2015, 8, 31),
              "plan_id": "nottinghamshire-2015", "amount": Decimal(800),
              "refresh_id": in_force(Workspace(path=county)).refresh_id}

    def logged() -> list[str]:
        return list(AccessLog.objects.filter(username="auditor", target=f"evidence pack {family_id}",
                                             action=AccessAction.EXPORT).values_list("detail", flat=True))

    auditor = signed_in("auditor")
    url = reverse("web:evidence-pack", args=[family_id])
    with transaction.atomic():  # a claim whose pack is not the one rebuilt (claims are frozen: rolled back)
        Claim.objects.create(family_id=family_id, pack_sha256="0" * 64, **fields)
        assert "data-verified" not in auditor.get(url).content.decode()  # rebuilt only when asked
        differs = auditor.get(url, {"verify": 1}).content.decode()
        assert 'data-verified="differs"' in differs and "does not match" in differs
        assert logged() == ["checksum verified: differs from ledger"]
        transaction.set_rollback(True)
    claim = claim_as_the_ledger_records_it(county, family_id, **fields)
    matches = auditor.get(url, {"verify": 1}).content.decode()
    assert 'data-verified="matches"' in matches and "does not match" not in matches
    assert claim.pack_sha256 in matches and logged() == ["checksum verified: matches the ledger"]


def test_the_analyst_downloads_a_windows_claims_workbook(signed_in, health_family_id, county, django_user_model):
    from decimal import Decimal

    from priority_families.claims.ledger import regenerate_pack
    from priority_families.core.engine import Workspace
    from priority_families.outcomes.attach import attach_allocated
    from priority_families.refresh import in_force
    from workbooks import assert_laid_out, field, metadata, sheets

    family_id = health_family_id
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 3, 1), "worker")
    claim = claim_as_the_ledger_records_it(
        county, family_id, route="significant_sustained", window="2015-08", claimed_on=date(2015, 8, 31),
        plan_id="nottinghamshire-2015", amount=Decimal(800), refresh_id=in_force(Workspace(path=county)).refresh_id)
    analyst = signed_in("analyst")
    listed = analyst.get(reverse("web:claims"), {"window": "2015-08"}).content.decode()
    assert f"{reverse('web:claims-workbook')}?window=2015-08" in listed

    response = analyst.get(reverse("web:claims-workbook"), {"window": "2015-08"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('claims-2015-08.xlsx"')
    book = response.content
    meta = metadata(book)
    assert field(meta, "claim window") == "2015-08" and field(meta, "produced by").startswith("analyst (the tracker)")
    rows = sheets(book)["claims"]
    assert rows[1][0] == family_id and rows[1][-1] == claim.pack_sha256  # the rebuilt pack is the claimed one
    pack = regenerate_pack(Workspace(path=county), family_id)
    measures = sheets(book)["measures"]
    assert len(measures) - 1 == len(next(r for t, _, r in pack.sections if t == "Measures at the claim date"))
    assert_laid_out(book, 2)
    assert AccessLog.objects.filter(username="analyst", action=AccessAction.EXPORT, target="claims workbook",
                                    detail="window 2015-08: 1 claims").exists()

    nothing = analyst.get(reverse("web:claims-workbook"), {"window": "2099-01"})
    assert nothing.status_code == 302  # back to the claims with the reason, no empty workbook
    assert signed_in("worker").get(reverse("web:claims-workbook"), {"window": "2015-08"}).status_code == 404
