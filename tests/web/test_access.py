"""Every role against every page and export: allowed pages answer, anything else is a logged 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from priority_families.casedb.casework import Actor, allocate
from priority_families.casedb.models import AccessAction, AccessLog, Agency, Area, Case, Role, Team

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-for-the-tracker-1"

ROLES = {"worker": Role.LEAD_WORKER, "manager": Role.TEAM_MANAGER, "analyst": Role.ANALYST,
         "auditor": Role.AUDITOR, "admin": Role.ADMINISTRATOR, "partner": Role.PARTNER}
CASE = {"worker", "manager", "analyst"}


@pytest.fixture
def scene(published, people, django_user_model):
    """Two families allocated to `worker` (team North), one to `outsider` (team South)."""
    ids = list(Case.objects.order_by("family_id").values_list("family_id", flat=True))
    agency = Agency.objects.get(name="Family Support")
    actor = Actor("test")
    allocate(ids[0], agency, django_user_model.objects.get(username="worker"), actor)
    allocate(ids[1], agency, django_user_model.objects.get(username="worker"), actor)
    allocate(ids[2], agency, django_user_model.objects.get(username="outsider"), actor)
    area = Case.objects.get(family_id=ids[0]).area
    Team.objects.get(name="North").areas.set(Area.objects.all())
    # a health visitor on the team around `mine` (and a partner practitioner on no team)
    from datetime import date

    from priority_families.casedb.team import add_member
    from priority_families.casedb.users import add_user

    add_user("partner", Role.PARTNER, PASSWORD, "test", "Hana Visitor", agency="Health visiting")
    add_user("partner2", Role.PARTNER, PASSWORD, "test", "Pat Police", agency="Police")
    add_member(ids[0], django_user_model.objects.get(username="partner"), "Health visiting", "health_visitor",
               date(2015, 9, 1), actor)
    return {"mine": ids[0], "theirs": ids[2], "unallocated": ids[3], "area": area}


def pages(scene: dict) -> dict[str, tuple[str, set[str]]]:
    """Each page or export, with the roles that may use it."""
    return {
        "dashboard": (reverse("web:dashboard"), CASE),
        "cohort": (reverse("web:cohort"), CASE),
        "export": (reverse("web:cohort-export"), CASE),
        "family": (reverse("web:family", args=[scene["mine"]]), CASE),
        "family records": (reverse("web:family-records", args=[scene["mine"]]), CASE),
        "triage": (reverse("web:triage"), {"manager", "analyst"}),
        "triage area": (reverse("web:triage-place", args=["area", scene["area"]]), {"manager", "analyst"}),
        "review": (reverse("web:review"), {"analyst"}),
        "refreshes": (reverse("web:refreshes"), {"analyst"}),
        "returns": (reverse("web:returns"), {"analyst"}),
        "claims": (reverse("web:claims"), {"analyst", "auditor"}),
        "access log": (reverse("web:access-log"), {"admin"}),
        "team page": (reverse("web:team", args=[scene["mine"]]), CASE | {"partner"}),
        "my teams": (reverse("web:my-teams"), {"worker", "partner"}),
        "refer a family": (reverse("web:referral-new"), {"worker", "manager", "partner"}),
        "referral queue": (reverse("web:referrals"), {"manager", "analyst"}),
        "caseloads": (reverse("web:caseloads"), {"manager", "analyst"}),
        "admin": (reverse("admin:index"), {"admin"}),
        "admin users": (reverse("admin:auth_user_changelist"), {"admin"}),
    }


@pytest.mark.parametrize("username", list(ROLES))
def test_every_role_against_every_page(signed_in, scene, username):
    client = signed_in(username)
    for name, (url, allowed) in pages(scene).items():
        before = AccessLog.objects.filter(action=AccessAction.DENIED, username=username).count()
        response = client.get(url)
        if username in allowed:
            assert response.status_code == 200, (username, name, response.status_code)
        else:
            assert response.status_code == 404, (username, name, response.status_code)
            after = AccessLog.objects.filter(action=AccessAction.DENIED, username=username).count()
            assert after == before + 1, (username, name)


def test_auditor_home_is_claims_and_admin_home_is_access_log(signed_in, scene):
    assert "Claims drawn for audit without a verdict" in signed_in("auditor").get("/").content.decode()
    assert signed_in("admin").get("/").url == reverse("web:access-log")
    assert "Families whose team you are on" in signed_in("partner").get("/").content.decode()


def test_lead_worker_trying_another_workers_family_by_url_gets_404_and_is_logged(signed_in, scene):
    client = signed_in("worker")
    for family_id in (scene["theirs"], scene["unallocated"], "F999999"):
        response = client.get(reverse("web:family", args=[family_id]))
        assert response.status_code == 404
        assert b"Page not found" in response.content
        assert AccessLog.objects.filter(username="worker", action=AccessAction.DENIED,
                                        target=f"family {family_id}").exists()
    # a change by URL is refused the same way, and changes nothing
    response = client.post(reverse("web:family-note", args=[scene["theirs"]]), {"text": "not mine"})
    assert response.status_code == 404
    assert not Case.objects.get(family_id=scene["theirs"]).notes.exists()


def test_manager_sees_team_families_only(signed_in, scene):
    north = signed_in("manager")
    assert north.get(reverse("web:family", args=[scene["mine"]])).status_code == 200
    assert north.get(reverse("web:family", args=[scene["theirs"]])).status_code == 404
    south = signed_in("manager_south")
    assert south.get(reverse("web:family", args=[scene["theirs"]])).status_code == 200
    assert south.get(reverse("web:family", args=[scene["mine"]])).status_code == 404
    cohort = north.get(reverse("web:cohort")).content.decode()
    assert scene["mine"] in cohort and scene["theirs"] not in cohort


def test_lead_worker_cohort_and_export_hold_only_their_families(signed_in, scene):
    client = signed_in("worker")
    page = client.get(reverse("web:cohort")).content.decode()
    assert scene["mine"] in page and scene["theirs"] not in page
    book = client.get(reverse("web:cohort-export"))
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    import io
    import zipfile
    sheet = zipfile.ZipFile(io.BytesIO(book.content)).read("xl/sharedStrings.xml").decode()
    assert scene["mine"] in sheet and scene["theirs"] not in sheet
    assert AccessLog.objects.filter(username="worker", action=AccessAction.EXPORT).count() == 1


def test_viewing_a_family_is_logged_with_who_what_and_where(signed_in, scene):
    signed_in("analyst").get(reverse("web:family", args=[scene["mine"]]), REMOTE_ADDR="10.1.2.3")
    row = AccessLog.objects.get(username="analyst", action=AccessAction.VIEW, target=f"family {scene['mine']}")
    assert row.ip == "10.1.2.3" and row.at is not None


def test_signed_out_users_are_sent_to_sign_in(signed_in, scene):
    response = Client().get(reverse("web:family", args=[scene["mine"]]))
    assert response.status_code == 302 and response.url.startswith(reverse("web:sign-in"))


def test_disabled_user_loses_access(signed_in, scene, django_user_model):
    from priority_families.casedb.users import disable_user

    client = signed_in("worker")
    disable_user("worker", by="test")
    response = client.get(reverse("web:family", args=[scene["mine"]]))
    assert response.status_code == 302


@pytest.mark.parametrize("username", ["auditor", "admin", "outsider"])
def test_changes_by_roles_without_the_case_are_refused_and_change_nothing(signed_in, scene, username):
    client = signed_in(username)
    fid = scene["mine"]
    posts = [
        (reverse("web:family-note", args=[fid]), {"text": "x"}),
        (reverse("web:family-move", args=[fid]), {"to": "closed"}),
        (reverse("web:family-action", args=[fid]), {"description": "x", "owner": "y"}),
        (reverse("web:family-attach", args=[fid]), {"attached_on": "2015-09-01"}),
        (reverse("web:family-attest", args=[fid]), {"line": "a|b", "statement": "x", "attested_on": "2015-09-01"}),
        (reverse("web:triage-place-decide", args=["area", scene["area"], scene["unallocated"]]), {}),
        (reverse("web:review-decide"), {}),
        (reverse("web:publish"), {}),
        (reverse("web:spot-check"), {"window": "2016-03", "share": "0.5", "seed": "1"}),
    ]
    for url, data in posts:
        before = AccessLog.objects.filter(action=AccessAction.DENIED, username=username).count()
        assert client.post(url, data).status_code == 404, url
        assert AccessLog.objects.filter(action=AccessAction.DENIED, username=username).count() == before + 1
    case = Case.objects.get(family_id=fid)
    assert case.status == "triaged" and not case.notes.exists() and not case.actions.exists()


def test_a_manager_allocates_only_to_their_own_teams_workers(signed_in, scene):
    client = signed_in("manager")
    fid = scene["unallocated"]
    area = Case.objects.get(family_id=fid).area
    outsider = Case.objects.get(family_id=scene["theirs"]).lead_worker
    agency = Agency.objects.get(name="Family Support")
    response = client.post(reverse("web:triage-place-decide", args=["area", area, fid]),
                           {f"{fid}-decision": "allocate", f"{fid}-agency": agency.pk, f"{fid}-worker": outsider.pk})
    assert response.status_code == 400
    assert Case.objects.get(family_id=fid).lead_worker is None


def test_a_manager_cannot_reallocate_another_teams_family(signed_in, scene, django_user_model):
    client = signed_in("manager")
    fid = scene["theirs"]
    area = Case.objects.get(family_id=fid).area
    worker = django_user_model.objects.get(username="worker")
    agency = Agency.objects.get(name="Family Support")
    response = client.post(reverse("web:triage-place-decide", args=["area", area, fid]),
                           {f"{fid}-decision": "allocate", f"{fid}-agency": agency.pk, f"{fid}-worker": worker.pk})
    assert response.status_code == 404
    assert Case.objects.get(family_id=fid).lead_worker.username == "outsider"
    meeting = client.get(reverse("web:triage-place", args=["area", area])).content.decode()
    assert fid not in meeting


def test_casework_refuses_a_managers_allocation_outside_their_team(scene, django_user_model):
    from priority_families.casedb.casework import CaseworkError

    north = Team.objects.get(name="North")
    agency = Agency.objects.get(name="Family Support")
    with pytest.raises(CaseworkError, match="not in your team"):
        allocate(scene["unallocated"], agency, django_user_model.objects.get(username="outsider"), Actor("m"),
                 team=north)
    with pytest.raises(CaseworkError, match="another team"):
        allocate(scene["theirs"], agency, django_user_model.objects.get(username="worker"), Actor("m"), team=north)


def _denied(username: str) -> int:
    return AccessLog.objects.filter(action=AccessAction.DENIED, username=username).count()


def test_a_member_sees_only_their_familys_team_page_and_never_the_data_pages(signed_in, scene):
    client = signed_in("partner")
    assert client.get(reverse("web:team", args=[scene["mine"]])).status_code == 200
    assert AccessLog.objects.filter(username="partner", action=AccessAction.VIEW,
                                    target=f"family {scene['mine']}").exists()
    for url in (reverse("web:team", args=[scene["theirs"]]), reverse("web:team", args=[scene["unallocated"]]),
                reverse("web:team", args=["F999999"]), reverse("web:family", args=[scene["mine"]]),
                reverse("web:cohort"), reverse("web:evidence-file", args=[scene["mine"], 1])):
        before = _denied("partner")
        response = client.get(url)
        assert response.status_code == 404 and b"Page not found" in response.content, url
        assert _denied("partner") == before + 1, url
    page = client.get(reverse("web:my-teams")).content.decode()
    assert scene["mine"] in page and scene["theirs"] not in page


def test_a_removed_member_gets_the_same_answer_as_any_family_outside_their_reach(signed_in, scene):
    from datetime import date

    from priority_families.casedb.models import CaseMember
    from priority_families.casedb.team import remove_member

    client = signed_in("partner")
    member = CaseMember.objects.get(user__username="partner")
    remove_member(scene["mine"], member.pk, date(2015, 12, 1), Actor("worker"))
    removed = client.get(reverse("web:team", args=[scene["mine"]]))
    never = client.get(reverse("web:team", args=[scene["theirs"]]))
    assert removed.status_code == never.status_code == 404
    def main(r: object) -> str:  # the page's content (the rest carries a fresh CSRF token each time)
        text = r.content.decode()
        return text[text.index("<main"):text.index("</main>")]

    assert main(removed) == main(never) and "Page not found" in main(removed)
    assert AccessLog.objects.filter(username="partner", action=AccessAction.DENIED,
                                    target=f"family {scene['mine']}").exists()
    response = client.post(reverse("web:team-note", args=[scene["mine"]]), {"note-text": "after removal"})
    assert response.status_code == 404 and not Case.objects.get(family_id=scene["mine"]).notes.exists()


def test_a_member_added_for_a_future_date_sees_nothing_yet(signed_in, scene, django_user_model):
    from datetime import timedelta

    from django.utils import timezone

    from priority_families.casedb.team import add_member

    add_member(scene["mine"], django_user_model.objects.get(username="partner2"), "Police", "police",
               timezone.localdate() + timedelta(days=3), Actor("worker"))
    assert signed_in("partner2").get(reverse("web:team", args=[scene["mine"]])).status_code == 404


@pytest.mark.parametrize("username", ["partner", "partner2", "outsider", "auditor"])
def test_team_changes_by_someone_without_the_right_are_refused_logged_and_change_nothing(signed_in, scene,
                                                                                          username):
    """Only the lead worker or manager adds members, steps the level or reopens; a non-member changes nothing."""
    fid = scene["mine"]
    lead_only = [
        (reverse("web:team-member", args=[fid]), {"member-user": "1", "member-agency": "x",
                                                  "member-role_on_case": "police", "member-added_on": "2015-09-01"}),
        (reverse("web:team-level", args=[fid]), {"level-level": "universal", "level-on": "2015-09-01",
                                                 "level-reason": "x"}),
        (reverse("web:team-reopen", args=[fid]), {"reopen-reason": "x"}),
    ]
    any_member = [
        (reverse("web:team-note", args=[fid]), {"note-text": "x"}),
        (reverse("web:team-action", args=[fid]), {"action-description": "x", "action-owner": "y"}),
        (reverse("web:team-map", args=[fid]), {"map-name": "x", "map-relationship": "y", "map-lives": "z"}),
        (reverse("web:team-meeting", args=[fid]), {"meeting-held_on": "2015-09-01", "meeting-attended": "a",
                                                   "meeting-decisions": "b"}),
    ]
    posts = lead_only + ([] if username == "partner" else any_member)
    for url, data in posts:
        before = _denied(username)
        assert signed_in(username).post(url, data).status_code == 404, url
        assert _denied(username) == before + 1, url
    case = Case.objects.get(family_id=fid)
    assert case.members.count() == 1 and not case.levels.exists() and not case.meetings.exists()
    assert not case.notes.exists() and not case.map_people.exists()


def test_a_member_records_notes_and_plan_actions_on_their_family(signed_in, scene):
    client = signed_in("partner")
    fid = scene["mine"]
    assert client.post(reverse("web:team-note", args=[fid]), {"note-text": "Saw mum, baby well"}).status_code == 302
    assert client.post(reverse("web:team-action", args=[fid]),
                       {"action-description": "Weekly visit", "action-owner": "Hana Visitor"}).status_code == 302
    case = Case.objects.get(family_id=fid)
    assert case.notes.get().by == "partner" and case.actions.get().owner == "Hana Visitor"
