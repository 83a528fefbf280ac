"""One case record: whichever door an attachment or a claim comes through (a bulk file, the tracker, `pf claims`),
the case, the dashboard and the ledgers agree, and every family ever attached keeps its page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from claims.county import LATER, WINDOW, A, _county, check_and_submit, claims_county, publish_later
from outcomes.case_store import republish
from priority_families.casedb.figures import ledger_figures, programme_figures
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Attachment,
    Case,
    CaseStatus,
    Claim,
    Family,
    SustainabilityCheck,
)
from priority_families.casedb.publish import publish_refresh
from priority_families.claims.ledger import make_claims
from priority_families.cli.app import app
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.plans.loader import load_plan

PLAN = "nottinghamshire-2015"


@pytest.fixture
def ws(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    ws = claims_county(tmp_path / "ws", families=4)
    settings.WORKSPACE = ws.path
    return ws


def _dashboard(client) -> dict[str, int]:
    page = client.get(reverse("web:dashboard")).content.decode()
    figures = {}
    for key in ("identified", "triaged", "worked_with", "claimed"):
        start = page.index(f'data-figure="{key}">') + len(f'data-figure="{key}">')
        figures[key] = int(page[start:].split("<", 1)[0].split()[0].replace(",", ""))
    return figures


def test_bulk_attachment_and_claims_move_the_case_and_the_dashboard_equals_the_ledger(ws, people, signed_in):
    publish_refresh(ws, by="test")  # opens a case for each eligible family
    attach_families(ws, [AttachmentRequest("F0", A, "worker", "Family Support"),
                         AttachmentRequest("F1", A, "worker", "Family Support"),
                         AttachmentRequest("F2", A, "A. Partner", "Police")], actor="t", file="att.csv")
    cases = {c.family_id: c for c in Case.objects.select_related("lead_worker", "agency")}
    assert {f: cases[f].status for f in ("F0", "F1", "F2", "F3")} == {
        "F0": CaseStatus.ATTACHED, "F1": CaseStatus.ATTACHED, "F2": CaseStatus.ATTACHED, "F3": CaseStatus.IDENTIFIED}
    assert cases["F0"].lead_worker.username == "worker" and cases["F0"].attached_on == A
    assert cases["F2"].lead_worker is None and cases["F2"].agency.name == "Police"

    worker_page = signed_in("worker").get(reverse("web:family", args=["F0"])).content.decode()
    assert "Attach family" not in worker_page and "Attached" in worker_page

    publish_later(ws, families=4)
    made = make_claims(ws, WINDOW, ws.path.parent / "claims", actor="t").claims
    assert made, "the county has families whose results are met by the window"
    assert Case.objects.get(family_id=made[0].family_id).status == CaseStatus.ATTACHED  # proposed, not claimed
    assert _dashboard(signed_in("analyst"))["claimed"] == 0
    check_and_submit(ws.path.parent / "batch")
    schedule = load_plan(PLAN).sustainability.due_dates(made[0].claimed_on)
    for claim in made:
        case = Case.objects.get(family_id=claim.family_id)
        assert case.status == CaseStatus.CLAIMED
        assert list(SustainabilityCheck.objects.filter(case=case).values_list("due_on", flat=True)) == schedule

    publish_refresh(ws, by="test")
    shown = _dashboard(signed_in("analyst"))
    assert shown["worked_with"] == Attachment.objects.count() == 3
    assert shown["claimed"] == Claim.objects.count() == len(made)
    totals, _areas, _agencies = programme_figures(Case.objects.all())
    assert totals == ledger_figures()
    result = CliRunner().invoke(app, ["figures", "-w", str(ws.path)])
    assert result.exit_code == 0, result.stderr
    assert "worked with" in result.stdout and "NO" not in result.stdout


def test_a_family_the_latest_refresh_no_longer_holds_keeps_its_page(ws, people, signed_in):
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "worker", "Family Support") for k in range(4)], actor="t")
    people_now, facts = _county(4)
    gone = {p.person_id for p in people_now.pop("F0")}
    republish(ws, PLAN, people_now, [f for f in facts if f.person_id not in gone], LATER)
    summary = publish_refresh(ws, by="test")
    family = Family.objects.get(family_id="F0")
    assert not family.eligible and family.members == 2
    assert set(family.headline_list()) == {"crime_asb", "domestic_abuse"}  # frozen at attachment
    assert summary.families == Family.objects.count()

    client = signed_in("analyst")
    response = client.get(reverse("web:family", args=["F0"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "not eligible in the refresh in force" in page and "Attached" in page
    assert AccessLog.objects.filter(username="analyst", action=AccessAction.VIEW, target="family F0").exists()


def test_the_tracker_offers_attachment_only_where_the_case_record_allows_it(ws, people, signed_in):
    from priority_families.casedb.casework import Actor, allocate
    from priority_families.casedb.models import Agency
    from priority_families.outcomes.attach import AttachError, attach_allocated

    publish_refresh(ws, by="test")
    attach_families(ws, [AttachmentRequest("F1", A, "worker", "Family Support")], actor="t")
    with pytest.raises(AttachError, match="already attached"):
        attach_allocated(ws, "F1", A, "worker")
    from django.contrib.auth import get_user_model

    worker = get_user_model().objects.get(username="worker")
    allocate("F3", Agency.objects.get(name="Family Support"), worker, Actor("manager"))
    response = signed_in("worker").post(reverse("web:family-attach", args=["F3"]), {"attached_on": A.isoformat()})
    assert response.status_code == 302
    case = Case.objects.get(family_id="F3")
    assert case.status == CaseStatus.ATTACHED and Attachment.objects.get(family_id="F3").lead_worker == "worker"
    assert list(case.history.values_list("to_status", flat=True)) == [
        CaseStatus.IDENTIFIED, CaseStatus.TRIAGED, CaseStatus.ATTACHED]


def test_the_refreshes_page_lists_every_kept_refresh_with_its_plan_and_sources(ws, people, signed_in):
    from priority_families.refresh import published_refreshes

    publish_later(ws, families=4)
    kept = published_refreshes(ws)
    assert [r.as_of for r in kept] == [A, LATER]
    page = signed_in("analyst").get(reverse("web:refreshes")).content.decode()
    assert "<title>Refreshes – " in page and page.count('data-table="kept-refreshes"') == 1
    listed = page[page.index('data-table="kept-refreshes"'):]
    for r in kept:  # id, plan hash and records per source (the builders' one source is "test")
        assert r.refresh_id in listed and r.plan_sha256[:12] in listed
        assert f"test {r.records_by_source['test']}" in listed
