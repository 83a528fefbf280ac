"""Real headless Chromium: an analyst opens the board paper on the Reports page, enters a measure's value and
narrative, and sees them on the paper and in the access log; a manager records a triage meeting. Each page is
checked with axe-core and screenshotted into tests/web/artefacts/ (as the other browser tests do)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from priority_families.casedb.models import AccessLog, MeasureEntry, TriageMeeting

from .test_browser import check, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_board_paper_and_entering_a_measure(page: Page, live_server, published, people):
    base = live_server.url
    sign_in(page, base, "analyst")
    page.get_by_role("link", name="Reports").click()
    page.get_by_label("Outcome framework").select_option("hwbb-priority-families")
    page.get_by_label("Period").fill("2015-08")
    page.get_by_role("button", name="Show the board paper").click()
    row = page.locator('tr[data-measure="workers_trained"]')
    expect(row.locator('[data-field="rag"]')).to_have_text("not rated")
    expect(page.locator('tr[data-measure="families_worked_with"] [data-field="update"]')).to_contain_text(
        "families have been worked with")
    check(page, "reports-board")

    row.get_by_role("link", name="Enter value or narrative").click()
    page.get_by_label("Value", exact=True).fill("150")
    page.get_by_role("button", name="Save").click()  # no source: refused, nothing saved
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter where the value comes from")
    assert MeasureEntry.objects.count() == 0
    check(page, "reports-measure-error")
    page.get_by_label("Where the value comes from").fill("Workforce team's training log")
    page.get_by_label("Achievements to date / next steps").fill("Next steps: train the remaining staff.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#history")).to_contain_text("Workforce team's training log")
    expect(page.locator("#history")).to_contain_text("Next steps: train the remaining staff.")
    check(page, "reports-measure")

    page.get_by_role("link", name="Back to the board paper").click()
    update = page.locator('tr[data-measure="workers_trained"] [data-field="update"]')
    expect(update).to_contain_text("Over 150 workers have been trained")
    expect(update).to_contain_text("Next steps: train the remaining staff.")
    logged = AccessLog.objects.filter(username="analyst", action="change",
                                      target="framework hwbb-priority-families measure workers_trained")
    assert sorted(logged.values_list("detail", flat=True)) == ["narrative entered for 2015-08",
                                                                "value entered for 2015-08"]
    sign_out(page)


def test_a_manager_records_a_triage_meeting(page: Page, live_server, published, people):
    base = live_server.url
    sign_in(page, base, "manager")
    page.goto(f"{base}/reports/meetings/")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the ward")
    check(page, "reports-meetings-error")
    page.get_by_label("Ward").select_option(label="Bestwood")
    page.get_by_label("Date of the meeting").fill("2015-07-01")
    page.get_by_label("Rollout phase").fill("1")
    page.get_by_label("Who attended").fill("Police, schools, FCT")
    page.get_by_label("What the meeting decided").fill("Twelve families flagged for allocation")
    page.get_by_label("Families reviewed").fill("30")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator("#meetings")).to_contain_text("Bestwood")
    check(page, "reports-meetings")
    assert TriageMeeting.objects.get().by == "manager"
    page.goto(f"{base}/reports/allocations/?as_of=2015-08-31")
    expect(page.locator("body")).to_contain_text("Rollout group 1")
    check(page, "reports-allocations")
