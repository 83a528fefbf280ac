"""What every page shares: navigation by role, the actor for case changes, pagination."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from priority_families.casedb.casework import Actor
from priority_families.casedb.models import AccessAction, Role
from priority_families.web.access import client_ip, record, role_of

PAGE_SIZE = 25

NAV: list[tuple[str, str, tuple[Role, ...]]] = [
    ("Dashboard", "web:dashboard", (Role.LEAD_WORKER, Role.TEAM_MANAGER, Role.ANALYST)),
    ("Families", "web:cohort", (Role.LEAD_WORKER, Role.TEAM_MANAGER, Role.ANALYST)),
    ("Triage", "web:triage", (Role.TEAM_MANAGER, Role.ANALYST)),
    ("My families' teams", "web:my-teams", (Role.PARTNER, Role.LEAD_WORKER)),
    ("Refer a family", "web:referral-new", (Role.PARTNER, Role.LEAD_WORKER, Role.TEAM_MANAGER)),
    ("Referrals", "web:referrals", (Role.TEAM_MANAGER, Role.ANALYST)),
    ("Caseloads", "web:caseloads", (Role.TEAM_MANAGER, Role.ANALYST)),
    ("Sustainability checks", "web:sustainability", (Role.LEAD_WORKER, Role.TEAM_MANAGER, Role.ANALYST)),
    ("Review queue", "web:review", (Role.ANALYST,)),
    ("Family agreements", "web:family-agreements", (Role.TEAM_MANAGER, Role.ANALYST)),
    ("Subject access", "web:subject-access", (Role.ANALYST,)),
    ("Claims", "web:claims", (Role.ANALYST, Role.AUDITOR)),
    ("Returns", "web:returns", (Role.ANALYST,)),
    ("Reports", "web:reports", (Role.ANALYST, Role.TEAM_MANAGER)),
    ("Refreshes", "web:refreshes", (Role.ANALYST,)),
    ("Access log", "web:access-log", (Role.ADMINISTRATOR,)),
    ("Users and reference data", "admin:index", (Role.ADMINISTRATOR,)),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Template context: the service navigation for the signed-in user's role."""
    role = role_of(request.user) if hasattr(request, "user") else None
    if role is None:
        return {"nav": [], "role": None}
    items = []
    for label, name, roles in NAV:
        if role in roles:
            url = reverse(name)
            current = request.path == url or (url != "/" and request.path.startswith(url))
            items.append({"label": label, "url": url, "current": current})
    return {"nav": items, "role": role}


def actor(request: HttpRequest) -> Actor:
    return Actor(username=request.user.get_username(), ip=client_ip(request))


def saved_or_shown_again(request: HttpRequest, family_id: str, form: forms.Form, change: Callable[[dict], Any],
                         refusals: tuple[type[Exception], ...], done: str,
                         shown_again: Callable[[forms.Form], HttpResponse], name: str) -> HttpResponse:
    """Record a family's change through its domain function and go back to `done`, or show the page again
    (status 400, logged as a view) with why the form or the domain refused it."""
    if form.is_valid():
        try:
            change(form.cleaned_data)
            messages.success(request, "Saved")
            return redirect(done, family_id=family_id)
        except refusals as exc:
            form.add_error(None, str(exc))
    record(request, AccessAction.VIEW, target=f"family {family_id}", detail=f"shown again: {name} refused")
    return shown_again(form)


def asked_for(request: HttpRequest) -> str:
    """What a list was filtered or searched by (every query parameter but the page), for the access log."""
    return " ".join(f"{k}={v!r}" for k, v in sorted(request.GET.items()) if v and k != "page") or "no filter"


def paginate(request: HttpRequest, rows: QuerySet, size: int | None = None) -> tuple[Page, list[dict[str, Any]]]:
    """A page of rows and the GOV.UK pagination items for it (keeping the other query parameters)."""
    page = Paginator(rows, size or PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    items = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if number == Paginator.ELLIPSIS:
            items.append({"ellipsis": True})
            continue
        params["page"] = number
        items.append({"number": number, "href": "?" + params.urlencode(), "current": number == page.number})
    def link(n: int) -> str:
        params["page"] = n
        return "?" + params.urlencode()
    page.previous_href = link(page.previous_page_number()) if page.has_previous() else ""
    page.next_href = link(page.next_page_number()) if page.has_next() else ""
    return page, items


def team_summary(case: Any) -> dict[str, Any]:
    """The family page's line about the team around the family: the level of support now, the members today."""
    from priority_families.casedb.levels import support_levels
    from priority_families.casedb.team import current_level, current_memberships

    members = current_memberships().filter(case=case).count()
    return {"level": support_levels().label(current_level(case)), "members": members,
            "steps": case.levels.count()}


EVIDENCE_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".txt": "text/plain",
                  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def stored_file(path: str, name: str) -> FileResponse:
    """A kept evidence or case-file document as a download (never shown inline: the browser runs nothing in it),
    named `name` plus the file's own suffix. The caller has checked who may see it and logged the download."""
    suffix = Path(path).suffix
    response = FileResponse(open(path, "rb"), as_attachment=True, filename=f"{name}{suffix}",  # noqa: SIM115
                            content_type=EVIDENCE_TYPES.get(suffix, "application/octet-stream"))
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
