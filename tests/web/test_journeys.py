"""Each role's day in real headless Chromium (Debian's), at desktop width and at 390 px (a phone).

The manager triages a ward and allocates; the lead worker attaches the family, records a whole-family
assessment, a plan action, a note and an attestation with its evidence and opens that evidence; the analyst
exports the cohort and a window's claims workbook; the auditor opens a claim, its evidence file and the pack,
and has the tracker verify the pack's checksum. Every page visited is checked with axe-core (no serious or
critical violation) and, at 390 px, for a page that scrolls sideways. Screenshots (the visible window, small)
are kept in tests/web/artefacts/journeys/ and committed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from priority_families.casedb import casework, team
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    Agency,
    Area,
    Attestation,
    Case,
    CaseNote,
    CaseStatus,
    Family,
    PlanAction,
    SampleKind,
    SpotCheck,
    Team,
    TrackerRefresh,
)
from priority_families.core.engine import Workspace
from priority_families.outcomes.attach import attach_allocated
from priority_families.outcomes.attest import attest
from workbooks import sheets

from .conftest import awaiting_attestation, claim_as_the_ledger_records_it
from .test_browser import check as axe_check
from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
JOURNEYS = Path(__file__).parent / "artefacts" / "journeys"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1200, "height": 900}


def look(page: Page, name: str) -> None:
    """axe at this width (no serious or critical violation), no sideways scrolling on a phone, and a small
    screenshot of the window kept as an artefact."""
    axe_check(page, f"journey-{name}")  # the full-page screenshot stays uncommitted beside the others
    width = page.viewport_size["width"]
    if width <= PHONE["width"]:
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name}: the page scrolls {overflow}px sideways at {width}px"
    JOURNEYS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(JOURNEYS / f"{name}-{width}.png"), full_page=False)


def sign_out(page: Page) -> None:
    """Sign out; on a phone the service navigation is folded behind its Menu button first."""
    menu = page.get_by_role("button", name="Menu")
    if menu.count() and menu.first.is_visible():
        menu.first.click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def screen(request, page: Page) -> Page:
    page.set_viewport_size(request.param)
    return page


@pytest.fixture
def ward_of_waiting(published, people) -> tuple[str, Family]:
    """The manager's team covers every area; a ward with a family waiting, and its highest-priority family."""
    Team.objects.get(name="North").areas.set(Area.objects.all() or [
        Area.objects.get_or_create(code=a)[0] for a in Case.objects.values_list("area", flat=True).distinct()])
    waiting = Family.objects.filter(eligible=True).exclude(ward="").order_by("-priority", "family_id").first()
    return waiting.ward, waiting


def test_the_manager_triages_a_ward_and_allocates(screen: Page, live_server, ward_of_waiting):
    page, base = screen, live_server.url
    ward, _ = ward_of_waiting
    sign_in(page, base, "manager")
    expect(page.get_by_role("heading", name="What is waiting for you")).to_be_visible()
    look(page, "manager-01-home")
    page.get_by_role("link", name="Families waiting for triage in your areas", exact=True).click()
    expect(page.get_by_role("heading", name="Triage meetings")).to_be_visible()
    look(page, "manager-02-triage-by-ward")
    page.get_by_role("link", name=ward, exact=True).click()
    expect(page.get_by_role("heading", name=ward, level=1)).to_be_visible()
    card = page.locator(".govuk-summary-card").first
    family_id = card.get_attribute("id").removeprefix("family-")
    card.get_by_text("Record the decision").click()
    card.get_by_label("Allocate to a lead agency and lead worker").check()
    card.get_by_label("Lead agency", exact=True).select_option(label="Family Support")
    card.get_by_label("Lead worker", exact=True).select_option(label="Wendy Worker")
    look(page, "manager-03-ward-meeting")
    card.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(family_id)
    assert Case.objects.get(family_id=family_id).status == CaseStatus.TRIAGED
    # the summary of a family still waiting is open to the manager of its area before allocation
    page.locator(".govuk-summary-card__title a").first.click()
    expect(page.get_by_role("heading", name="Members")).to_be_visible()
    look(page, "manager-04-waiting-family")
    sign_out(page)


@pytest.fixture
def allocated(health_family_id, people, django_user_model, settings, tmp_path) -> str:
    """A family allocated to the lead worker; it has the health headline, so once attached a line of it waits
    for the lead worker's attestation."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
    family_id = health_family_id
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    return family_id


def test_the_lead_worker_attaches_plans_notes_and_attests_with_evidence(screen: Page, live_server, allocated,
                                                                        tmp_path):
    page, base = screen, live_server.url
    sign_in(page, base, "worker")
    look(page, "worker-01-home")
    page.goto(f"{base}/families/")
    page.locator(f"a[href='/families/{allocated}/']").first.click()
    expect(page.locator(".govuk-caption-l")).to_contain_text(allocated)
    page.get_by_label("Date attached").fill("2015-08-31")
    page.get_by_role("button", name="Attach family").click()
    expect(page.locator("[data-field=attached]")).to_contain_text("31 August 2015")
    page.get_by_label("Action", exact=True).fill("School attendance plan with the head of year")
    page.get_by_label("Who will do it").fill("Head of year")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("cell", name="School attendance plan with the head of year", exact=True)).to_be_visible()
    page.get_by_role("link", name="Team around the family", exact=False).click()  # the whole-family assessment
    page.get_by_text("Record an assessment").click()
    assessment = page.locator("form[action$='/team/assessments']")
    assessment.get_by_label("Date of the assessment").fill("2015-09-07")
    assessment.get_by_label("Assessed by").fill("Wendy Worker")
    headline_title = team.plan_criteria()[0][1]
    assessment.get_by_label(f"{headline_title}: needs").fill("Mornings are hard; attendance 80%")
    assessment.get_by_label(f"{headline_title}: score", exact=False).fill("4")
    assessment.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("Mornings are hard; attendance 80%")).to_be_visible()
    look(page, "worker-02-assessment")
    page.goto(f"{base}/families/{allocated}/")
    page.get_by_label("Case note").fill("Met the family at home; agreed the plan.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Met the family at home; agreed the plan.", exact=True)).to_be_visible()
    evidence = tmp_path / "school-letter.txt"
    evidence.write_text("Synthetic letter: attendance improved.")
    page.get_by_label("Headline and indicator line").select_option(index=1)  # the first line waiting for it
    page.get_by_label("Statement", exact=True).fill("The family engaged with the school nurse.")
    page.get_by_label("Date of the statement").fill("2015-12-01")
    page.get_by_label("Evidence file").set_input_files(str(evidence))
    page.get_by_role("button", name="Record attestation").click()
    expect(page.get_by_text("The family engaged with the school nurse.", exact=False).first).to_be_visible()
    look(page, "worker-03-family")
    with page.expect_download() as download:  # the evidence opens for those allowed to see the family
        page.locator("[data-evidence]").first.evaluate("a => { a.setAttribute('download', ''); a.click(); }")
    assert Path(download.value.path()).read_text() == "Synthetic letter: attendance improved."
    assert PlanAction.objects.filter(case__family_id=allocated).exists()
    assert CaseNote.objects.filter(case__family_id=allocated).exists()
    assert Attestation.objects.filter(family_id=allocated).exists()
    sign_out(page)


def test_the_analyst_exports_the_cohort_and_the_claims_workbook(screen: Page, live_server, claimed):
    page, base = screen, live_server.url
    sign_in(page, base, "analyst")
    look(page, "analyst-01-home")
    page.goto(f"{base}/families/")
    look(page, "analyst-02-cohort")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export these families to a workbook").click()
    assert download.value.suggested_filename.startswith("cohort-") and \
        Path(download.value.path()).read_bytes()[:2] == b"PK"
    page.goto(f"{base}/claims/?window=2015-08")
    look(page, "analyst-03-claims")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the claims workbook for window 2015-08").click()
    assert download.value.suggested_filename == "claims-2015-08.xlsx"
    assert sheets(Path(download.value.path()).read_bytes())["claims"][1][0] == claimed
    page.goto(f"{base}/dashboard/?by=locality")
    expect(page.get_by_text("Families by locality")).to_be_visible()
    look(page, "analyst-04-dashboard-by-locality")
    sign_out(page)


@pytest.fixture
def claimed(health_family_id, people, county, django_user_model, settings, tmp_path) -> str:
    settings.MEDIA_ROOT = tmp_path / "evidence"
    family_id = health_family_id
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 3, 1), "worker")
    headline, line = awaiting_attestation(family_id).split("|")
    attest(family_id, headline, line, "Wendy Worker", "Engaged with the school nurse", "letter.txt",
           [b"Synthetic letter for the auditor."], "worker", attested_on=date(2015, 7, 1))
    refresh = TrackerRefresh.objects.first()
    claim = claim_as_the_ledger_records_it(county, family_id, route="significant_sustained", window="2015-08",
                                           claimed_on=date(2015, 8, 31), plan_id=refresh.plan_id,
                                           amount=Decimal(800), refresh_id=refresh.refresh_id)
    SpotCheck.objects.create(kind=SampleKind.SPOT_CHECK, window="2015-08", family_id=family_id, claim=claim,
                             seed=1, share=0.1)
    return family_id


def test_the_auditor_opens_a_claim_and_its_evidence(screen: Page, live_server, claimed):
    page, base = screen, live_server.url
    sign_in(page, base, "auditor")
    expect(page.locator("[data-count=samples]")).to_have_text("1 waiting")
    look(page, "auditor-01-home")
    page.locator(f"a[href^='/claims/{claimed}/?route=']").first.click()
    expect(page.get_by_text("Significant and sustained progress")).to_be_visible()
    look(page, "auditor-02-evidence-pack")
    page.get_by_role("button", name="Verify the pack's checksum").click()
    expect(page.locator("[data-verified=matches]")).to_contain_text("Verified")
    look(page, "auditor-03-pack-verified")
    with page.expect_download() as download:
        page.locator("[data-evidence]").first.evaluate("a => { a.setAttribute('download', ''); a.click(); }")
    assert Path(download.value.path()).read_text() == "Synthetic letter for the auditor."
    sign_out(page)
