"""The team around the family in real headless Chromium: a school refers, the manager accepts the match, the
lead worker builds the team and the case file, a health visitor works on the family and loses it when removed,
the case steps down, closes, is re-referred and reopened, and the manager allocates from the caseloads.

Each page is checked with axe-core (no serious or critical violation) and screenshotted into
tests/web/artefacts/ (`check` from the main browser tests).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from tests.web.test_browser import PASSWORD, check, sign_in, sign_out

from priority_families.casedb import team
from priority_families.casedb.casework import Actor, allocate
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Area,
    Case,
    CaseStatus,
    Member,
    Referral,
    Role,
    Team,
)
from priority_families.casedb.users import add_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def refer(page: Page, base: str, m: Member, headline_title: str, criterion_label: str) -> None:
    page.goto(f"{base}/referrals/new")
    page.get_by_label("Person 1: first name").fill(m.first_name)
    page.get_by_label("Person 1: last name").fill(m.last_name)
    page.get_by_label("Person 1: date of birth").fill(m.dob.isoformat())
    page.get_by_label("Person 1: postcode").fill(m.postcode)
    page.get_by_label(headline_title, exact=True).check()
    page.get_by_text("Which of the plan's criteria do you know the family meets?").click()
    page.get_by_label(criterion_label, exact=True).check()
    page.get_by_label("What are you worried about?").fill("Attendance has fallen to 80% this term.")
    page.get_by_label("What does the family know about this referral?").fill("Mum knows and wants help.")
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Your agency").fill("Greenfield Primary")


def form(page: Page, ending: str):
    return page.locator(f"form[action$='{ending}']")


def test_the_team_around_the_family_journeys(page: Page, live_server, published, people, tmp_path, settings,
                                             django_user_model):
    settings.MEDIA_ROOT = tmp_path / "files"
    base = live_server.url
    Team.objects.get(name="North").areas.set(Area.objects.all())
    add_user("school", Role.PARTNER, PASSWORD, "test", "Sam School", agency="Greenfield Primary")
    add_user("hv", Role.PARTNER, PASSWORD, "test", "Hana Visitor", agency="Health visiting")
    m = Member.objects.exclude(first_name="").exclude(last_name="").exclude(dob=None).exclude(postcode="") \
        .order_by("family__family_id", "person_id").first()
    fid = m.family.family_id
    allocate(fid, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
             Actor("manager"))
    other = Case.objects.filter(status=CaseStatus.IDENTIFIED).exclude(family_id=fid).order_by("family_id").first()
    _, headline_title, lines = team.plan_criteria()[0]
    criterion_label = lines[0][1]

    # a school practitioner refers a family; a referral without what it needs is refused first
    sign_in(page, base, "school")
    expect(page.get_by_role("heading", name="What is waiting for you")).to_be_visible()
    expect(page.get_by_text("Families whose team you are on")).to_be_visible()
    page.goto(f"{base}/referrals/new")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the worries")
    check(page, "team-01-referral-refused")
    refer(page, base, m, headline_title, criterion_label)
    check(page, "team-02-referral-form")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent to the programme team")
    referral = Referral.objects.get()
    expect(page.locator(f"#outcome-{referral.pk}")).to_contain_text("Waiting for a decision")
    sign_out(page)

    # the manager sees it matched to the known family and accepts it
    sign_in(page, base, "manager")
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_text(f"Known family {fid}")).to_be_visible()
    check(page, "team-03-referral-queue")
    page.get_by_role("link", name=f"Referral {referral.pk}").click()
    expect(page.locator("#match")).to_contain_text(fid)
    expect(page.get_by_text(criterion_label)).to_be_visible()
    page.get_by_label("Accept").check()
    page.get_by_label("Note to the referrer").fill("Joined to the family's case")
    check(page, "team-04-referral-decision")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(f"family {fid}")
    sign_out(page)

    # the lead worker adds a health visitor, records a team meeting, an assessment and a document
    sign_in(page, base, "worker")
    page.goto(f"{base}/families/{fid}/")
    page.get_by_role("link", name="Team around the family", exact=False).click()
    members = form(page, "/team/members")
    members.get_by_label("Practitioner").select_option(label="Hana Visitor (hv)")
    members.get_by_label("Their agency").fill("Health visiting")
    members.get_by_label("Role on this case").select_option(label="Health visitor")
    members.get_by_label("Date added").fill("2015-09-01")
    members.get_by_role("button", name="Add member").click()
    expect(page.locator("#team ~ table").first).to_contain_text("Hana Visitor")
    meeting = form(page, "/team/meetings")
    meeting.get_by_label("Date of the meeting").fill("2015-10-05")
    meeting.get_by_label("Who attended").fill("Wendy Worker (Family Support)\nHana Visitor (Health visiting)")
    meeting.get_by_label("Decisions").fill("Weekly home visits; school to review attendance.")
    meeting.get_by_label("Actions (optional)").fill("Weekly home visit | Hana Visitor | 2015-11-01")
    meeting.get_by_role("button", name="Record meeting").click()
    expect(page.get_by_role("heading", name="Meeting of 5 Oct 2015")).to_be_visible()
    expect(page.locator("#plan ~ table").first).to_contain_text("Weekly home visit")  # the meeting fed the plan
    page.get_by_text("Record an assessment").click()
    assessment = form(page, "/team/assessments")
    assessment.get_by_label("Date of the assessment").fill("2015-10-06")
    assessment.get_by_label("Assessed by").fill("Wendy Worker")
    assessment.get_by_label(f"{headline_title}: needs").fill("Attendance 80%")
    assessment.get_by_label(f"{headline_title}: the family's view").fill("We want the mornings to be easier")
    assessment.get_by_label(f"{headline_title}: score", exact=False).fill("4")
    assessment.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("We want the mornings to be easier")).to_be_visible()
    letter = tmp_path / "speech-and-language.txt"
    letter.write_text("Synthetic specialist assessment: speech and language.")
    document = form(page, "/team/documents")
    document.get_by_label("Kind of document").select_option(label="Specialist assessment")
    document.get_by_label("Title").fill("Speech and language assessment")
    document.get_by_label("File", exact=True).set_input_files(str(letter))
    document.get_by_role("button", name="Add document").click()
    expect(page.get_by_role("link", name="Speech and language assessment")).to_be_visible()
    check(page, "team-05-team-page")
    sign_out(page)

    # the health visitor sees only that family and adds a note
    sign_in(page, base, "hv")
    page.get_by_role("link", name="My families' teams").click()
    expect(page.locator("#my-families")).to_contain_text(fid)
    expect(page.locator("#my-families li")).to_have_count(1)
    page.get_by_role("link", name=f"Family {fid}").click()
    form(page, "/team/notes").get_by_label("Case note").fill("Home visit: baby well, mum tired.")
    form(page, "/team/notes").get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Home visit: baby well, mum tired.")).to_be_visible()
    check(page, "team-06-health-visitor")
    page.goto(f"{base}/families/{fid}/")  # the family's data pages are not hers
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    sign_out(page)

    # removed, the health visitor gets the same answer as for any family outside her reach, and it is logged
    sign_in(page, base, "worker")
    page.goto(f"{base}/families/{fid}/team/")
    page.get_by_role("button", name="Remove Hana Visitor").click()
    expect(page.locator("#team ~ table").first).not_to_contain_text("On the team")
    sign_out(page)
    sign_in(page, base, "hv")
    page.get_by_role("link", name="My families' teams").click()
    expect(page.locator("#my-families")).not_to_contain_text(fid)
    page.goto(f"{base}/families/{fid}/team/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    check(page, "team-07-removed-member")
    assert AccessLog.objects.filter(username="hv", action=AccessAction.DENIED, target=f"family {fid}").exists()
    sign_out(page)

    # the case is stepped down, closed, re-referred and reopened with its history intact
    sign_in(page, base, "worker")
    page.goto(f"{base}/families/{fid}/team/")
    level = form(page, "/team/level")
    level.get_by_label("Level of support").select_option(label="Intensive family intervention")
    level.get_by_label("Date of the step").fill("2015-10-01")
    level.get_by_label("Reason").fill("Domestic abuse incident")
    level.get_by_role("button", name="Save the level").click()
    level = form(page, "/team/level")
    level.get_by_label("Level of support").select_option(label="Targeted early help")
    level.get_by_label("Date of the step").fill("2016-02-01")
    level.get_by_label("Reason").fill("Safety plan holding")
    level.get_by_role("button", name="Save the level").click()
    expect(page.locator("#level-now")).to_have_text("Targeted early help")
    expect(page.get_by_role("cell", name="Stepped down")).to_be_visible()
    page.goto(f"{base}/families/{fid}/")
    page.get_by_label("Move the case to").select_option(label="Closed")
    page.get_by_label("Why the case is closed (when closing it)").select_option(label="Needs met")
    page.get_by_role("button", name="Move case").click()
    sign_out(page)
    sign_in(page, base, "school")
    refer(page, base, m, headline_title, criterion_label)
    page.get_by_role("button", name="Send referral").click()
    sign_out(page)
    sign_in(page, base, "manager")
    again = Referral.objects.order_by("-id").first()
    assert again.same_as_id == referral.pk and again.family_id == fid
    page.goto(f"{base}/referrals/{again.pk}/")
    expect(page.get_by_text(f"The same family as referral {referral.pk}")).to_be_visible()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Save decision").click()
    page.goto(f"{base}/families/{fid}/team/")
    expect(page.locator("#case-status")).to_have_text("Triaged")
    history = page.locator("#history ~ table").first
    expect(history).to_contain_text("Closed")
    expect(history).to_contain_text("reopened: re-referred by Greenfield Primary")
    expect(page.get_by_text("Weekly home visits; school to review attendance.")).to_be_visible()  # kept
    check(page, "team-08-reopened")

    # the manager allocates from the caseload view
    page.get_by_role("link", name="Caseloads").click()
    expect(page.locator("#caseloads")).to_contain_text("Wendy Worker")
    check(page, "team-09-caseloads")
    page.goto(f"{base}/triage/by/area/{other.area}/")
    expect(page.locator("#caseloads")).to_contain_text("Wendy Worker")
    section = page.locator(f"#family-{other.family_id}")
    section.get_by_text("Record the decision").click()
    section.get_by_label("Allocate to a lead agency and lead worker").check()
    section.get_by_label("Lead agency", exact=True).select_option(label="Family Support")
    section.get_by_label("Lead worker", exact=True).select_option(label="Will Other")
    check(page, "team-10-allocate-with-caseloads")
    section.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(other.family_id)
    assert Case.objects.get(family_id=other.family_id).lead_worker.username == "worker2"
    assert Path(settings.MEDIA_ROOT).exists()
