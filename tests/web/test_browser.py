"""Real headless Chromium against a live server: the journeys lead workers, managers and auditors make.

Each page visited is checked with axe-core (no serious or critical WCAG 2.2 A/AA violations) and
screenshotted into tests/web/artefacts/ (kept as test artefacts, not committed).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Q
from playwright.sync_api import Page, expect

from priority_families.casedb.models import Area, Case, CaseStatus, Family, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HERE = Path(__file__).parent
ARTEFACTS = HERE / "artefacts"
AXE = HERE.parents[1] / "src/priority_families/web/frontend/node_modules/axe-core/axe.min.js"
PASSWORD = "Test-password-for-the-tracker-1"


def check(page: Page, name: str) -> None:
    """Screenshot the page and fail on any serious or critical axe-core violation."""
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    assert AXE.is_file(), f"axe-core missing at {AXE}: run `make setup-web`"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
        return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target)}));
    }""")
    assert result == [], f"{name}: {json.dumps(result, indent=1)}"


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_triage_find_attach_attest_and_see_progress(page: Page, live_server, published, people, tmp_path,
                                                    settings):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    Team.objects.get(name="North").areas.set(Area.objects.all())
    family = Family.objects.filter(eligible=True, headlines__contains="health").order_by("family_id").first()
    member = family.people.exclude(last_name="").first()
    base = live_server.url

    # keyboard: the first tab stop is the skip link
    page.goto(f"{base}/sign-in/")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Tab")  # the service name, then the username; submit the empty form from the keyboard
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check(page, "01-sign-in-error")

    # a manager allocates the family at the area's triage meeting
    sign_in(page, base, "manager")
    expect(page.get_by_role("heading", name="What is waiting for you")).to_be_visible()
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    check(page, "02-dashboard")
    ahead = Case.objects.filter(area=family.area, family_id__in=Family.objects.filter(
        Q(priority__gt=family.priority) | Q(priority=family.priority, family_id__lt=family.family_id))
        .values("family_id")).count()  # the meeting lists families highest priority first, 20 a page
    page.goto(f"{base}/triage/by/area/{family.area}/?page={ahead // 20 + 1}")
    section = page.locator(f"#family-{family.family_id}")
    section.get_by_text("Record the decision").click()
    section.get_by_label("Allocate to a lead agency and lead worker").check()
    section.get_by_label("Lead agency", exact=True).select_option(label="Family Support")
    section.get_by_label("Lead worker", exact=True).select_option(label="Wendy Worker")
    check(page, "03-triage")
    section.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(family.family_id)
    assert Case.objects.get(family_id=family.family_id).status == CaseStatus.TRIAGED
    sign_out(page)

    # the lead worker finds the family by a member's name and attaches it
    sign_in(page, base, "worker")
    page.get_by_role("link", name="Families", exact=True).click()
    page.get_by_label("Name, date of birth or postcode").fill(member.last_name.lower())
    page.get_by_role("button", name="Find families").click()
    check(page, "04-find-family")
    page.locator(f"a[href='/families/{family.family_id}/']").first.click()
    expect(page.locator(".govuk-caption-l")).to_contain_text(family.family_id)
    page.get_by_label("Date attached").fill("2015-08-31")
    page.get_by_role("button", name="Attach family").click()
    expect(page.locator("[data-field=attached]")).to_contain_text("31 August 2015")

    # an attestation with an uploaded evidence file
    evidence = tmp_path / "school-letter.txt"
    evidence.write_text("Synthetic letter: attendance improved.")
    page.get_by_label("Headline and indicator line").select_option(index=1)
    page.get_by_label("Statement", exact=True).fill("The family engaged with the school nurse.")
    page.get_by_label("Date of the statement").fill("2015-12-01")
    page.get_by_label("Evidence file").set_input_files(str(evidence))
    page.get_by_role("button", name="Record attestation").click()
    expect(page.get_by_text("The family engaged with the school nurse.")).to_be_visible()
    expect(page.get_by_text("school-letter.txt", exact=False)).to_be_visible()

    # progress per measure is shown
    expect(page.locator("[data-table=progress]")).to_be_visible()
    check(page, "05-family-attached")


def test_auditor_opens_a_claims_evidence_pack(page: Page, live_server, published, people):
    from priority_families.casedb.models import Claim

    family = Family.objects.order_by("family_id").first()
    Claim.objects.create(family_id=family.family_id, route="significant_sustained", window="2016-03",
                         claimed_on=date(2016, 3, 31), plan_id="nottinghamshire-2015", amount=Decimal(800),
                         pack_sha256="0" * 64)
    sign_in(page, live_server.url, "auditor")
    expect(page.get_by_role("heading", name="What is waiting for you")).to_be_visible()
    page.goto(f"{live_server.url}/claims/")
    expect(page.get_by_role("heading", name="Claims")).to_be_visible()
    check(page, "06-claims")
    page.get_by_role("link", name=f"{family.family_id} evidence pack").click()
    expect(page.get_by_role("heading", name=f"Family {family.family_id}")).to_be_visible()
    expect(page.get_by_text("Significant and sustained progress")).to_be_visible()
    check(page, "07-evidence-pack")
    # the auditor cannot open case data
    response = page.goto(f"{live_server.url}/families/{family.family_id}/")
    assert response.status == 404
