"""Security headers Django 5.2 does not set itself: a strict content security policy and a permissions policy.

Every script and style is served from our own origin (no inline script), so the policy can forbid the rest.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ADMIN_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "script-src 'self'", "script-src 'self' 'unsafe-inline'"
)


def security_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        policy = ADMIN_CSP if request.path.startswith("/admin/") else CSP
        response.setdefault("Content-Security-Policy", policy)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.setdefault("Cache-Control", "no-store")
        return response

    return middleware


def acting_user(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Changes a request makes to users, teams or allocations are logged as the signed-in user's, from their address
    (`casedb.audit`), whichever code path makes them."""
    from priority_families.casedb.audit import acting_as
    from priority_families.web.access import client_ip

    def middleware(request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        name = user.get_username() if user is not None and user.is_authenticated else "anonymous"
        with acting_as(name, client_ip(request)):
            return get_response(request)

    return middleware


SESSION_RENEW_SECONDS = 60


def session_renewal(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A signed-in session's idle timeout restarts at most once a minute, not on every request.

    Saving the session on every request (Django's SESSION_SAVE_EVERY_REQUEST) made each page view a database
    write, the largest shared cost under load; renewing it once a minute keeps the 30-minute idle timeout to
    within a minute and writes a sixtieth as often.
    """
    import time

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - int(session.get("_pf_renewed", 0)) >= SESSION_RENEW_SECONDS:
                session["_pf_renewed"] = now  # a change, so SessionMiddleware saves it with a new expiry
        return get_response(request)

    return middleware
