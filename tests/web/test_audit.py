"""The access log: one row for every response showing a family, every list and admin page, and every change
to users, roles, teams and allocations, whichever door it came through."""

from __future__ import annotations

import pytest
from django.urls import reverse

from priority_families.casedb.casework import Actor, allocate
from priority_families.casedb.models import AccessAction, AccessLog, Agency, Case, Profile, Role, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(published, people, django_user_model) -> str:
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    allocate(family_id, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
             Actor("test"))
    return family_id


def _rows(username: str) -> int:
    return AccessLog.objects.filter(username=username).count()


@pytest.mark.parametrize("form", ["family-note", "family-move", "family-action", "family-attach", "family-attest"])
def test_a_refused_change_that_shows_the_family_again_is_logged_once(signed_in, mine, form):
    client = signed_in("worker")
    before = _rows("worker")
    response = client.post(reverse(f"web:{form}", args=[mine]), {})
    assert response.status_code == 400 and mine in response.content.decode()
    assert _rows("worker") == before + 1
    row = AccessLog.objects.filter(username="worker").first()
    assert row.action == AccessAction.VIEW and row.target == f"family {mine}"


def test_the_family_page_writes_exactly_one_row(signed_in, mine):
    client = signed_in("worker")
    before = _rows("worker")
    assert client.get(reverse("web:family", args=[mine])).status_code == 200
    assert _rows("worker") == before + 1


@pytest.mark.parametrize(("username", "page"), [("worker", "web:cohort"), ("analyst", "web:claims"),
                                                ("admin", "web:access-log"), ("admin", "admin:index"),
                                                ("admin", "admin:auth_user_changelist")])
def test_list_access_log_and_admin_pages_log_their_view(signed_in, mine, username, page):
    client = signed_in(username)
    before = _rows(username)
    assert client.get(reverse(page)).status_code == 200
    assert _rows(username) == before + 1
    assert AccessLog.objects.filter(username=username).first().action == AccessAction.VIEW


def test_a_search_records_what_was_searched_for_in_the_access_log_only(signed_in, mine, caplog):
    caplog.set_level("INFO")
    signed_in("analyst").get(reverse("web:cohort"), {"q": "zebedee 3/4/2005"})
    row = AccessLog.objects.filter(username="analyst", target="cohort").get()
    assert "zebedee 3/4/2005" in row.detail
    assert "zebedee" not in caplog.text


def test_role_changes_and_deletions_in_the_admin_are_logged(signed_in, mine, django_user_model):
    admin = signed_in("admin")
    worker = django_user_model.objects.get(username="worker2")
    profile = worker.profile
    data = {"username": "worker2", "first_name": "Will", "last_name": "Other", "is_active": "on",
            "date_joined_0": "2015-01-01", "date_joined_1": "10:00:00",
            "profile-TOTAL_FORMS": "1", "profile-INITIAL_FORMS": "1", "profile-MIN_NUM_FORMS": "0",
            "profile-MAX_NUM_FORMS": "1", "profile-0-id": str(profile.pk), "profile-0-user": str(worker.pk),
            "profile-0-role": Role.ANALYST, "profile-0-team": str(profile.team_id), "profile-0-agency": ""}
    response = admin.post(reverse("admin:auth_user_change", args=[worker.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Profile.objects.get(user=worker).role == Role.ANALYST
    change = AccessLog.objects.filter(username="admin", action=AccessAction.CHANGE, target__contains="worker2")
    assert change.count() == 1 and "changed" in change.get().detail
    outsider = django_user_model.objects.get(username="outsider")
    response = admin.post(reverse("admin:auth_user_delete", args=[outsider.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert AccessLog.objects.filter(username="admin", action=AccessAction.CHANGE, target__contains="outsider",
                                    detail__startswith="deleted").count() == 1


def test_changes_made_outside_any_named_door_are_logged_by_the_signals(mine, django_user_model):
    from priority_families.casedb.audit import acting_as

    profile = django_user_model.objects.get(username="worker2").profile
    with acting_as("shell-user"):
        profile.role = Role.ANALYST
        profile.save()
        Team.objects.get(name="South").areas.clear()
        case = Case.objects.get(family_id=mine)
        case.lead_worker = django_user_model.objects.get(username="worker2")
        case.save()
    rows = AccessLog.objects.filter(username="shell-user", action=AccessAction.CHANGE)
    assert set(rows.values_list("target", flat=True)) == {"user worker2", "team South", f"family {mine}"}
    assert rows.count() == 3


def test_named_doors_write_one_row_each(people, django_user_model):
    from priority_families.casedb.users import add_user

    before = AccessLog.objects.count()
    add_user("newbie", Role.LEAD_WORKER, "Test-password-for-the-tracker-1", "cli:ops", team="East",
             agency="Early Help", areas=["NG9"])
    assert AccessLog.objects.count() == before + 1
