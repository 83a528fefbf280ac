"""Sign in and out: Django's views with a throttle on repeated failures and access-log rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from priority_families.casedb.models import AccessAction, AccessLog
from priority_families.web.access import record


def recent_failures(username: str) -> int:
    since = timezone.now() - timedelta(minutes=settings.PF_SIGN_IN_WINDOW_MINUTES)
    return AccessLog.objects.filter(username=username[:150], action=AccessAction.SIGN_IN_FAILED, at__gte=since).count()


class SignInForm(AuthenticationForm):
    """Refuses a username after too many recent failures, even with the right password."""

    error_messages: ClassVar[dict[str, str]] = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "This account is disabled",
        "throttled": "Too many failed attempts. Wait 15 minutes and try again",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)  # focus starts at the skip link
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        if username and recent_failures(username) >= settings.PF_SIGN_IN_FAILURES:
            record(self.request, AccessAction.SIGN_IN_FAILED, detail="throttled", username=username)
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            record(self.request, AccessAction.SIGN_IN_FAILED, username=username)
            raise


class SignInView(auth_views.LoginView):
    template_name = "web/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    template_name = "web/signed_out.html"


@receiver(user_logged_in)
def _signed_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(request, AccessAction.SIGN_IN, username=user.get_username())


@receiver(user_logged_out)
def _signed_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(request, AccessAction.SIGN_OUT, username=user.get_username())
