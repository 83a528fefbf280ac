"""Who may see what, and the access log every view of a family, export and change writes to.

A page a role may not use, or a family outside a user's reach, answers 404 (not 403): the answer does not
tell anyone that the family exists. Every such attempt is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from priority_families.casedb.models import AccessAction, AccessLog, Case, Family, Role
from priority_families.casedb.team import current_memberships

log = logging.getLogger("priority_families.web.access")

CASE_ROLES = (Role.LEAD_WORKER, Role.TEAM_MANAGER, Role.ANALYST)
# Who may open the team pages of a family (the partner practitioner only as a current member of its team).
TEAM_ROLES = (*CASE_ROLES, Role.PARTNER)
# Who may refer a family, and who works the referral queue.
REFERRER_ROLES = (Role.PARTNER, Role.LEAD_WORKER, Role.TEAM_MANAGER)
QUEUE_ROLES = (Role.TEAM_MANAGER, Role.ANALYST)
CLAIM_ROLES = (Role.ANALYST, Role.AUDITOR)


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's role, or None for anyone without an active profile."""
    if not user.is_authenticated or not user.is_active:
        return None
    profile = getattr(user, "profile", None)
    return Role(profile.role) if profile is not None else None


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the connection's, or behind our reverse proxy (PF_BEHIND_PROXY) the address the
    proxy appended last to X-Forwarded-For (earlier entries are whatever the client claimed)."""
    if request is None:
        return None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.PF_BEHIND_PROXY else ""
    last = forwarded.rsplit(",", 1)[-1].strip()
    return last or request.META.get("REMOTE_ADDR")


def record(request: HttpRequest | None, action: AccessAction, target: str = "", detail: str = "",
           username: str | None = None) -> AccessLog:
    """Append one access-log row, and one application-log line naming the action, the user and the target.

    `target` is an id or a page, never personal data: it goes to the application log too. `detail` stays in
    the access log only (an append-only table only administrators read), so it may say what someone searched
    for, names included: who looked for whom is exactly what an audit must be able to answer.
    """
    name = username if username is not None else (
        request.user.get_username() if request is not None and request.user.is_authenticated else "anonymous"
    )
    row = AccessLog.objects.create(
        username=name[:150], action=action, target=target[:200], detail=detail[:500],
        path=(request.path if request is not None else "")[:500], ip=client_ip(request),
    )
    log.info("access %s %s %s", action.value, name, target)
    return row


def deny(request: HttpRequest, target: str = "") -> Http404:
    """Log a refused attempt and give the 404 to raise."""
    record(request, AccessAction.DENIED, target=target or request.path, detail=request.method or "")
    return Http404("Page not found")


def roles_required(*roles: Role) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Only these roles may use the view; anyone else signed in gets a logged 404."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles:
                raise deny(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def member_of(user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases whose team the user is on today: from the day they were added, until the day they were removed
    (need-to-know: a member removed sees the family no more)."""
    return Case.objects.filter(pk__in=current_memberships().filter(user=user).values("case_id"))


def cases_for(user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases a user may see: their own and those whose team they are on (lead worker), those whose team
    they are on (partner practitioner), their team's and those waiting for triage in their team's areas
    (manager), all (analyst)."""
    role = role_of(user)
    if role is Role.ANALYST:
        return Case.objects.all()
    if role is Role.LEAD_WORKER:
        return Case.objects.filter(Q(lead_worker=user) | Q(pk__in=member_of(user).values("pk")))
    if role is Role.PARTNER:
        return Case.objects.filter(pk__in=member_of(user).values("pk"))
    if role is Role.TEAM_MANAGER and user.profile.team_id is not None:
        # their team's cases, and the cases no team leads yet in the areas their team covers: the families
        # they triage (a manager must read a family's summary to decide whether and to whom to allocate it)
        waiting = Q(team__isnull=True, area__in=user.profile.team.areas.values("code"))
        return Case.objects.filter(Q(team_id=user.profile.team_id) | waiting)
    return Case.objects.none()


def families_for(user: AbstractBaseUser) -> QuerySet[Family]:
    """The published families a user may see."""
    if role_of(user) is Role.ANALYST:
        return Family.objects.all()
    return Family.objects.filter(family_id__in=cases_for(user).values("family_id"))


def family_or_404(request: HttpRequest, family_id: str) -> Family:
    """The family if the user may see it; otherwise a logged 404 whether or not it exists."""
    family = families_for(request.user).filter(family_id=family_id).first()
    if family is None:
        raise deny(request, target=f"family {family_id}")
    return family


def case_or_404(request: HttpRequest, family_id: str) -> Case:
    """The case if the user may see it (its team pages work for a case opened by a referral, which no refresh
    has published yet); otherwise a logged 404 whether or not it exists."""
    case = cases_for(request.user).filter(family_id=family_id).first()
    if case is None:
        raise deny(request, target=f"family {family_id}")
    return case


def leads_case(user: AbstractBaseUser, case: Case) -> bool:
    """The case's lead worker, or a manager of its team: who may add and remove its team's members, set its
    level of support, record its assessment and reopen it."""
    role = role_of(user)
    if role is Role.LEAD_WORKER:
        return case.lead_worker_id == user.pk
    return role is Role.TEAM_MANAGER and case.team_id is not None and case.team_id == user.profile.team_id


def can_change_case(user: AbstractBaseUser, case: Case) -> bool:
    return cases_for(user).filter(pk=case.pk).exists() and role_of(user) in CASE_ROLES


def visible_roles(roles: Iterable[Role]) -> list[str]:
    return [r.value for r in roles]
