"""Managing the tracker's users from the command line: add with a role, list, disable (never delete).

Accounts are disabled rather than deleted so the access log and case history keep naming who did what.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from priority_families.casedb.audit import logged_here
from priority_families.casedb.models import AccessAction, AccessLog, Agency, Area, Profile, Role, Team


class UserError(ValueError):
    """A user could not be added or changed; the message says why."""


@dataclass(frozen=True)
class UserRow:
    username: str
    full_name: str
    role: str
    team: str
    agency: str
    active: bool


def add_user(username: str, role: Role, password: str, by: str, full_name: str = "", team: str = "",
             agency: str = "", areas: list[str] | None = None) -> UserRow:
    """Create an account with a role; team, agency and the team's areas are created on first use."""
    User = get_user_model()
    if not username.strip():
        raise UserError("the username is blank")
    if User.objects.filter(username=username).exists():
        raise UserError(f"user {username!r} already exists")
    if role in (Role.LEAD_WORKER, Role.TEAM_MANAGER) and not team:
        raise UserError(f"a {Role(role).label.lower()} needs a team (--team)")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise UserError("; ".join(exc.messages)) from None
    first, _, last = full_name.partition(" ")
    with transaction.atomic(), logged_here():
        agency_row = Agency.objects.get_or_create(name=agency)[0] if agency else None
        team_row = Team.objects.get_or_create(name=team, defaults={"agency": agency_row})[0] if team else None
        if areas and team_row is None:
            raise UserError("areas belong to a team: give --team as well")
        if areas:
            team_row.areas.add(*(Area.objects.get_or_create(code=code.strip().upper())[0] for code in areas))
        user = User.objects.create_user(username=username, password=password, first_name=first, last_name=last)
        if role is Role.ADMINISTRATOR:  # administrators use the admin pages for users and reference data
            user.is_staff = user.is_superuser = True
            user.save()
        Profile.objects.create(user=user, role=role, team=team_row, agency=agency_row)
        AccessLog.objects.create(username=by, action=AccessAction.CHANGE, target=f"user {username}",
                                 detail=f"added with role {Role(role).value}")
    return _row(user)


def _row(user: object) -> UserRow:
    profile = getattr(user, "profile", None)
    return UserRow(user.username, user.get_full_name(), profile.role if profile else "",
                   profile.team.name if profile and profile.team else "",
                   profile.agency.name if profile and profile.agency else "", user.is_active)


def list_users() -> list[UserRow]:
    User = get_user_model()
    return [_row(u) for u in User.objects.select_related("profile__team", "profile__agency").order_by("username")]


def disable_user(username: str, by: str) -> UserRow:
    """Stop an account signing in; its sessions end at the next request."""
    User = get_user_model()
    with transaction.atomic(), logged_here():
        user = User.objects.select_for_update().filter(username=username).first()
        if user is None:
            raise UserError(f"no user {username!r}")
        user.is_active = False
        user.save()
        AccessLog.objects.create(username=by, action=AccessAction.CHANGE, target=f"user {username}",
                                 detail="disabled")
    return _row(user)
