"""Sign in and out: Django's views with a throttle on repeated failures and access-log rows."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from priority_families.casedb import signin
from priority_families.casedb.models import AccessAction
from priority_families.web.access import client_ip, record


class SignInForm(AuthenticationForm):
    """Checks a password only when the throttle admits the try (`casedb.signin`); logs the account, never the
    text typed in the username box."""

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
        typed = self.data.get("username") or ""
        if not typed.strip() or not self.data.get("password"):
            return super().clean()
        account = signin.account_named(typed)
        who = account.get_username() if account is not None else "unknown account"
        ip = client_ip(self.request)
        attempt = signin.admit(typed, ip)
        if attempt.refused is not None:
            record(self.request, AccessAction.SIGN_IN_FAILED, detail=f"throttled ({attempt.refused} limit)",
                   username=who)
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            record(self.request, AccessAction.SIGN_IN_FAILED, detail="wrong username or password", username=who)
            raise
        signin.succeeded(attempt, self.get_user(), ip)
        return cleaned


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
