"""Administrators' pages: users with their role, teams, agencies, areas and targets; the access log read-only.

The admin site answers 404 (logged) to anyone signed in who is not an administrator, like every other page.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from priority_families.casedb.audit import logged_here
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Area,
    Profile,
    ProgrammeTarget,
    Role,
    Team,
)
from priority_families.web.access import deny, record, role_of


class TrackerAdminSite(admin.AdminSite):
    site_header = "Priority Families administration"
    site_title = "Priority Families administration"
    index_title = "Users and reference data"

    def has_permission(self, request: HttpRequest) -> bool:
        return role_of(request.user) is Role.ADMINISTRATOR

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner = super().admin_view(view, cacheable)

        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and role_of(request.user) is not Role.ADMINISTRATOR:
                raise deny(request)
            request.pf_admin_changes = 0
            with logged_here():  # the change hooks below write one row per change instead of the signals
                response = inner(request, *args, **kwargs)
            if request.user.is_authenticated and request.pf_admin_changes == 0:
                record(request, AccessAction.VIEW, target=f"admin {request.path}"[:200],
                       detail=f"{request.method} {response.status_code}")
            return response

        return update_wrapper(wrapped, view)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise deny(request)
        return redirect(f"{reverse('web:sign-in')}?next={request.GET.get('next', reverse('admin:index'))}")


site = TrackerAdminSite(name="admin")


class LoggedAdmin(admin.ModelAdmin):
    """Every addition, change and deletion made in the admin writes one access-log row (and Django's own)."""

    def _logged(self, request: HttpRequest, verb: str, obj: Any, message: Any = "") -> None:
        request.pf_admin_changes = getattr(request, "pf_admin_changes", 0) + 1
        record(request, AccessAction.CHANGE, target=f"{obj._meta.verbose_name} {obj}",
               detail=f"{verb} in admin {message}".strip())

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._logged(request, "added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._logged(request, "changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._logged(request, "deleted", obj)
        return super().log_deletions(request, queryset)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False


class TrackerUserAdmin(LoggedAdmin, UserAdmin):
    inlines = (ProfileInline,)
    list_display = ("username", "first_name", "last_name", "is_active", "role")
    list_filter = ("is_active", "profile__role")

    @admin.display(description="role")
    def role(self, user: Any) -> str:
        profile = getattr(user, "profile", None)
        return profile.get_role_display() if profile else "-"


class AccessLogAdmin(LoggedAdmin):
    list_display = ("at", "username", "action", "target", "ip")
    list_filter = ("action",)
    search_fields = ("username", "target", "path")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


site.register(get_user_model(), TrackerUserAdmin)
site.register(Area, LoggedAdmin)
site.register(Agency, LoggedAdmin)
site.register(Team, LoggedAdmin, filter_horizontal=("areas",))
site.register(ProgrammeTarget, LoggedAdmin)
site.register(AccessLog, AccessLogAdmin)
