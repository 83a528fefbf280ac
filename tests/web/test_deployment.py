"""Secure-by-default settings: Secure cookies and HSTS unless a local demo, the proxy header only when asked,
and the client address behind our proxy taken from the entry it appended."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from django.test import Client, RequestFactory

from priority_families import web


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict:
    for key in ("PF_LOCAL_DEMO", "PF_BEHIND_PROXY", "PF_HSTS_SECONDS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(Path(web.__file__).parent / "settings.py"))


def test_cookies_are_secure_and_hsts_is_on_by_default(monkeypatch):
    s = _settings(monkeypatch)
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert "SECURE_PROXY_SSL_HEADER" not in s  # opt-in: a direct client must not claim https


def test_the_local_demo_flag_allows_plain_http_cookies(monkeypatch):
    s = _settings(monkeypatch, PF_LOCAL_DEMO="1")
    assert not s["SESSION_COOKIE_SECURE"] and s["SECURE_HSTS_SECONDS"] == 0


def test_behind_a_proxy_https_is_read_from_its_header(monkeypatch):
    s = _settings(monkeypatch, PF_BEHIND_PROXY="1")
    assert s["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https") and s["SECURE_SSL_REDIRECT"]


def test_hsts_is_sent_over_https(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get("/sign-in/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_client_address_behind_the_proxy_is_the_one_it_appended(settings):
    from priority_families.web.access import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    settings.PF_BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.1"
    settings.PF_BEHIND_PROXY = True
    assert client_ip(request) == "198.51.100.7"


def test_the_wsgi_application_refuses_the_demo_key(settings):
    from django.core.exceptions import ImproperlyConfigured

    from priority_families.casedb.settings import DEMO_SECRET_KEY
    from priority_families.web.deployment import refuse_insecure_defaults

    settings.SECRET_KEY, settings.PF_LOCAL_DEMO = DEMO_SECRET_KEY, False
    with pytest.raises(ImproperlyConfigured, match="PF_SECRET_KEY"):
        refuse_insecure_defaults()
    settings.PF_LOCAL_DEMO = True
    refuse_insecure_defaults()


def test_the_server_runs_a_process_per_core_without_request_lines_in_its_log(settings):
    """Search terms (names) travel in query strings: the server's own access log stays off."""
    settings.PF_LOCAL_DEMO = True  # importing the WSGI module refuses the demo secret key otherwise
    from priority_families.web.wsgi import options

    chosen = options("127.0.0.1", 8000, workers=2, threads=4)
    assert chosen["bind"] == "127.0.0.1:8000" and chosen["workers"] == 2 and chosen["threads"] == 4
    assert chosen["accesslog"] is None and chosen["preload_app"] is True
    assert options("::1", 8000, 1, 1)["bind"] == "[::1]:8000"
