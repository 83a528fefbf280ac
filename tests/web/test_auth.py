"""Sign-in, throttling of repeated failures, sessions, Argon2, CSRF and security headers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from priority_families.casedb.models import AccessAction, AccessLog, AccessLogError, Role
from priority_families.casedb.users import UserError, add_user

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-for-the-tracker-1"


def _sign_in(client: Client, username: str, password: str):
    return client.post(reverse("web:sign-in"), {"username": username, "password": password})


def test_sign_in_and_out_are_logged(people):
    client = Client()
    response = _sign_in(client, "analyst", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("web:home")
    assert AccessLog.objects.filter(username="analyst", action=AccessAction.SIGN_IN).count() == 1
    client.post(reverse("web:sign-out"))
    assert AccessLog.objects.filter(username="analyst", action=AccessAction.SIGN_OUT).count() == 1


def test_wrong_password_shows_an_error_summary_and_is_logged(people):
    response = _sign_in(Client(), "analyst", "wrong")
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page and "Error: Sign in" in page
    assert AccessLog.objects.filter(username="analyst", action=AccessAction.SIGN_IN_FAILED).count() == 1


def test_repeated_failures_are_throttled_even_with_the_right_password(people, settings):
    for _ in range(settings.PF_SIGN_IN_FAILURES):
        _sign_in(Client(), "analyst", "wrong")
    response = _sign_in(Client(), "analyst", PASSWORD)
    assert response.status_code == 200 and "Too many failed attempts" in response.content.decode()
    assert not AccessLog.objects.filter(username="analyst", action=AccessAction.SIGN_IN).exists()
    # another user is unaffected
    assert _sign_in(Client(), "auditor", PASSWORD).status_code == 302


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    add_user("hashcheck", Role.ANALYST, PASSWORD, "test")
    assert get_user_model().objects.get(username="hashcheck").password.startswith("argon2")


def test_weak_passwords_and_missing_teams_are_refused(db):
    with pytest.raises(UserError, match="too short"):
        add_user("weak", Role.ANALYST, "short", "test")
    with pytest.raises(UserError, match="needs a team"):
        add_user("noteam", Role.LEAD_WORKER, PASSWORD, "test")


def test_sessions_expire_after_inactivity(settings):
    from priority_families.web import settings as ours

    assert ours.SESSION_COOKIE_AGE == 30 * 60 and "priority_families.web.middleware.session_renewal" in ours.MIDDLEWARE
    assert ours.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_session_in_use_is_renewed_once_a_minute_not_on_every_request(people):
    """The idle timeout restarts when a minute has passed since the last renewal; requests in between write
    nothing (the session row is not saved on every page view)."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    _sign_in(client, "analyst", PASSWORD)
    client.get(reverse("web:cohort"))
    row = Session.objects.get()
    soon = timezone.now() + timezone.timedelta(minutes=5)
    Session.objects.update(expire_date=soon)  # as if the last renewal was 25 minutes ago
    client.get(reverse("web:cohort"))
    assert Session.objects.get().expire_date == soon  # within the minute: not written again
    session = client.session
    session["_pf_renewed"] -= 61
    session.save()
    Session.objects.update(expire_date=soon)
    client.get(reverse("web:cohort"))
    assert Session.objects.get(pk=row.pk).expire_date > timezone.now() + timezone.timedelta(minutes=29)


def test_an_expired_session_must_sign_in_again(people, settings):
    client = Client()
    _sign_in(client, "analyst", PASSWORD)
    assert client.get(reverse("web:cohort")).status_code == 200
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now())
    response = client.get(reverse("web:cohort"))
    assert response.status_code == 302 and response.url.startswith(reverse("web:sign-in"))


def test_csrf_is_enforced(people):
    client = Client(enforce_csrf_checks=True)
    assert _sign_in(client, "analyst", PASSWORD).status_code == 403


def test_security_headers(people):
    response = Client().get(reverse("web:sign-in"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_access_log_is_append_only(people):
    row = AccessLog.objects.create(username="x", action=AccessAction.VIEW, target="family F1")
    row.target = "family F2"
    with pytest.raises(AccessLogError):
        row.save()
    with pytest.raises(AccessLogError):
        row.delete()
    with pytest.raises(AccessLogError):
        AccessLog.objects.all().delete()
    with pytest.raises(AccessLogError):
        AccessLog.objects.update(username="y")


def test_administrators_search_the_access_log(signed_in, people):
    AccessLog.objects.create(username="worker", action=AccessAction.VIEW, target="family F000123")
    AccessLog.objects.create(username="worker2", action=AccessAction.EXPORT, target="cohort workbook")
    page = signed_in("admin").get(reverse("web:access-log"), {"who": "worker", "target": "F000123"})
    text = page.content.decode()
    assert "family F000123" in text and "cohort workbook" not in text
    page = signed_in("admin").get(reverse("web:access-log"), {"action": "export"}).content.decode()
    assert "cohort workbook" in page and "F000123" not in page


def test_static_assets_use_arial_and_no_crown():
    from pathlib import Path

    from priority_families import web

    static = Path(web.__file__).parent / "static" / "pf"
    css = (static / "pf.css").read_text()
    assert "GDS Transport" not in css and "arial" in css
    assert not list(static.rglob("*crest*")) and not list(static.rglob("*crown*"))


def test_the_database_is_the_one_database_url_names(db):
    import os

    from django.db import connection

    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_empty_sign_in_says_what_to_enter(people):
    page = _sign_in(Client(), "", "").content.decode()
    assert "Enter your username" in page and "Enter your password" in page


def test_a_managers_team_covers_the_areas_given(db):
    from priority_families.casedb.models import Team

    add_user("mo", Role.TEAM_MANAGER, PASSWORD, "test", team="North", areas=["ng1", "NG2"])
    assert sorted(Team.objects.get(name="North").areas.values_list("code", flat=True)) == ["NG1", "NG2"]
    with pytest.raises(UserError, match="give --team"):
        add_user("al", Role.ANALYST, PASSWORD, "test", areas=["NG3"])
