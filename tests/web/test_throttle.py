"""Sign-in throttling per normalised account and per client address (`casedb.signin`)."""

from __future__ import annotations

import logging

import pytest
from django.test import Client
from django.urls import reverse

from priority_families.casedb import signin
from priority_families.casedb.models import AccessAction, AccessLog

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-for-the-tracker-1"


def _try(username: str, password: str, ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(reverse("web:sign-in"), {"username": username, "password": password})


def _signed_in(response) -> bool:
    return response.status_code == 302


def test_look_alike_and_upper_case_spellings_share_one_account_count(people, settings):
    spellings = ["analyst", "ANALYST", "\U0001d41analyst", "Ａnalyst", " analyst"]  # 𝐚 bold, Ａ full width
    for i in range(settings.PF_SIGN_IN_FAILURES):
        _try(spellings[i % len(spellings)], "wrong", ip=f"10.0.1.{i}")
    response = _try("\U0001d41anal\U0001d432st", "wrong", ip="10.0.1.99")
    assert "Too many failed attempts" in response.content.decode()
    assert not _signed_in(_try("analyst", PASSWORD, ip="10.0.1.100"))


def test_the_right_password_from_a_previously_successful_address_beats_an_account_lock(people, settings):
    assert _signed_in(_try("analyst", PASSWORD, ip="192.0.2.7"))  # the user's usual address
    for i in range(settings.PF_SIGN_IN_FAILURES + 3):
        _try("analyst", "wrong", ip=f"203.0.113.{i}")  # an attacker from many addresses
    assert not _signed_in(_try("analyst", PASSWORD, ip="203.0.113.200"))
    assert _signed_in(_try("analyst", PASSWORD, ip="192.0.2.7"))


def test_refused_tries_do_not_renew_the_account_lock(people, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    for i in range(settings.PF_SIGN_IN_FAILURES):
        _try("analyst", "wrong", ip=f"198.51.100.{i}")
    start = timezone.now()
    for i in range(10):  # the attacker keeps trying while locked
        _try("analyst", "wrong", ip=f"198.51.100.{50 + i}")
    later = start + timedelta(minutes=settings.PF_SIGN_IN_WINDOW_MINUTES + 1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _signed_in(_try("analyst", PASSWORD, ip="198.51.100.200"))


def test_one_address_is_limited_across_accounts_and_backs_off_exponentially(people, settings, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    settings.PF_SIGN_IN_ADDRESS_ATTEMPTS = 4
    names = ["worker", "worker2", "manager", "auditor"]
    for name in names:
        _try(name, "wrong", ip="203.0.113.9")
    assert "Too many failed attempts" in _try("analyst", PASSWORD, ip="203.0.113.9").content.decode()
    assert _signed_in(_try("analyst", PASSWORD, ip="203.0.113.10"))  # another address is unaffected
    now = timezone.now()
    window = timedelta(minutes=settings.PF_SIGN_IN_WINDOW_MINUTES)
    monkeypatch.setattr(timezone, "now", lambda: now + window + timedelta(seconds=1))
    for name in names:  # the next window opens, twice as long, and the script uses it up again
        _try(name, "wrong", ip="203.0.113.9")
    monkeypatch.setattr(timezone, "now", lambda: now + 2 * window + timedelta(seconds=2))
    assert not _signed_in(_try("auditor", PASSWORD, ip="203.0.113.9"))  # still inside the doubled window
    monkeypatch.setattr(timezone, "now", lambda: now + 4 * window)
    assert _signed_in(_try("auditor", PASSWORD, ip="203.0.113.9"))


def test_concurrent_tries_are_counted_exactly(people, settings):
    """Every try reserves its slot before its password is checked: however the tries interleave, no more than
    the allowance are ever admitted (the reservation is one conditional UPDATE)."""
    admitted = [signin.admit("analyst", f"10.9.0.{i}") for i in range(20)]  # 20 tries in flight at once
    assert sum(a.refused is None for a in admitted) == settings.PF_SIGN_IN_FAILURES


def test_the_username_as_typed_is_never_logged(people, caplog):
    caplog.set_level(logging.DEBUG)
    secret = "My-Password-Typed-In-The-Wrong-Box"
    _try(secret, "wrong")
    assert secret not in caplog.text and secret.lower() not in caplog.text
    row = AccessLog.objects.filter(action=AccessAction.SIGN_IN_FAILED).get()
    assert row.username == "unknown account"
    from priority_families.casedb.models import SignInThrottle

    assert not SignInThrottle.objects.filter(key__icontains="password").exists()
