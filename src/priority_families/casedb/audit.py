"""Every change to users, roles, teams, allocations and team memberships writes one access-log row, whichever door
it came through.

The named doors (`users.add_user`, `casework.allocate`, the admin site's change hooks) write their own row and
say so with `logged_here()`; any other save (a Django shell, a script, a future view) is caught by the model
signals below and logged with the actor the request or command set with `acting_as()` ("system" otherwise).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from priority_families.casedb.models import AccessAction, AccessLog, Case, CaseMember, Profile, Team


@dataclass(frozen=True)
class Acting:
    """Who is making changes in this request or command, and from where."""

    username: str
    ip: str | None = None


SYSTEM = Acting("system")
_acting: ContextVar[Acting] = ContextVar("pf_acting", default=SYSTEM)
_logged_here: ContextVar[bool] = ContextVar("pf_logged_here", default=False)


@contextmanager
def acting_as(username: str, ip: str | None = None) -> Iterator[None]:
    """Changes made inside are attributed to `username` (set per request by the tracker's middleware)."""
    token = _acting.set(Acting(username, ip))
    try:
        yield
    finally:
        _acting.reset(token)


@contextmanager
def logged_here() -> Iterator[None]:
    """The caller writes its own access-log row for the changes made inside: the signals stay quiet."""
    token = _logged_here.set(True)
    try:
        yield
    finally:
        _logged_here.reset(token)


def log_change(target: str, detail: str, action: AccessAction = AccessAction.CHANGE) -> None:
    """One access-log row for a change, by the actor in force."""
    who = _acting.get()
    AccessLog.objects.create(username=who.username[:150], action=action, target=target[:200],
                             detail=detail[:500], ip=who.ip)


def _quiet(raw: bool = False) -> bool:
    return raw or _logged_here.get()


def _user_saved(sender: Any, instance: Any, created: bool, raw: bool = False, update_fields: Any = None,
                **kwargs: Any) -> None:
    if _quiet(raw) or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    log_change(f"user {instance.get_username()}", "added" if created else
               f"changed (active {'yes' if instance.is_active else 'no'})")


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not _quiet():
        log_change(f"user {instance.get_username()}", "deleted")


def _profile_saved(sender: Any, instance: Profile, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not _quiet(raw):
        log_change(f"user {instance.user.get_username()}",
                   f"role {instance.role}, team {instance.team_id or '-'}, agency {instance.agency_id or '-'}")


def _profile_deleted(sender: Any, instance: Profile, **kwargs: Any) -> None:
    if not _quiet():
        log_change(f"user {instance.user_id}", "role removed")


def _team_saved(sender: Any, instance: Team, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if not _quiet(raw):
        log_change(f"team {instance.name}", "added" if created else "changed")


def _team_deleted(sender: Any, instance: Team, **kwargs: Any) -> None:
    if not _quiet():
        log_change(f"team {instance.name}", "deleted")


def _team_areas(sender: Any, instance: Any, action: str, pk_set: Any = None, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and not _quiet() and isinstance(instance, Team):
        log_change(f"team {instance.name}", f"areas {action.removeprefix('post_')} {len(pk_set or ())}")


def _case_before(sender: Any, instance: Case, raw: bool = False, **kwargs: Any) -> None:
    """Remember who led the case before, so the save can tell an allocation changed."""
    if raw or instance.pk is None:
        instance._pf_before = (None, None)
        return
    instance._pf_before = tuple(Case.objects.filter(pk=instance.pk).values_list("lead_worker_id", "team_id")
                                .first() or (None, None))


def _case_saved(sender: Any, instance: Case, created: bool, raw: bool = False, **kwargs: Any) -> None:
    before = getattr(instance, "_pf_before", (None, None))
    if _quiet(raw) or before == (instance.lead_worker_id, instance.team_id):
        return
    log_change(f"family {instance.family_id}",
               f"allocation changed: lead worker {instance.lead_worker_id or '-'}, team {instance.team_id or '-'}")


def _member_saved(sender: Any, instance: CaseMember, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A membership is an access grant: one saved outside `casedb.team` is logged like an allocation."""
    if not _quiet(raw):
        log_change(f"family {instance.case.family_id}",
                   f"team member {instance.user_id} {'added' if created else 'changed'}: from {instance.added_on} "
                   f"to {instance.removed_on or '-'}")


def _member_deleted(sender: Any, instance: CaseMember, **kwargs: Any) -> None:
    if not _quiet():
        log_change(f"family {instance.case.family_id}", f"team member {instance.user_id} deleted")


def connect() -> None:
    """Wire the receivers (called once from the app's `ready`)."""
    user = get_user_model()
    post_save.connect(_user_saved, sender=user, dispatch_uid="pf_user_saved")
    post_delete.connect(_user_deleted, sender=user, dispatch_uid="pf_user_deleted")
    post_save.connect(_profile_saved, sender=Profile, dispatch_uid="pf_profile_saved")
    post_delete.connect(_profile_deleted, sender=Profile, dispatch_uid="pf_profile_deleted")
    post_save.connect(_team_saved, sender=Team, dispatch_uid="pf_team_saved")
    post_delete.connect(_team_deleted, sender=Team, dispatch_uid="pf_team_deleted")
    m2m_changed.connect(_team_areas, sender=Team.areas.through, dispatch_uid="pf_team_areas")
    pre_save.connect(_case_before, sender=Case, dispatch_uid="pf_case_before")
    post_save.connect(_case_saved, sender=Case, dispatch_uid="pf_case_saved")
    post_save.connect(_member_saved, sender=CaseMember, dispatch_uid="pf_member_saved")
    post_delete.connect(_member_deleted, sender=CaseMember, dispatch_uid="pf_member_deleted")
