"""Reference data and people's roles (kept by administrators), and the append-only access log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from priority_families.casedb.models.base import AppendOnly, ImmutableRecordError


class Role(models.TextChoices):
    LEAD_WORKER = "lead_worker", "Lead worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    ANALYST = "analyst", "Programme analyst"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"
    PARTNER = "partner", "Partner practitioner"


class Area(models.Model):
    """An area the programme is organised by (a postcode district, locality or ward group)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return self.name or self.code


class Agency(models.Model):
    """A lead agency that lead workers belong to (family intervention, early help, a housing provider...)."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team of lead workers under one manager, covering some areas."""

    name = models.CharField(max_length=200, unique=True)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    areas = models.ManyToManyField(Area, blank=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """What a user may see and do: their role, and for workers and managers their team and agency."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()})"


class ProgrammeTarget(models.Model):
    """The number of families the council agreed to work with in a programme year (April to March)."""

    year = models.PositiveIntegerField(unique=True, help_text="the year the programme year starts in")
    families = models.PositiveIntegerField()

    class Meta:
        ordering = ("-year",)

    def __str__(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}: {self.families}"


class AccessAction(models.TextChoices):
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    CHANGE = "change", "Changed"
    DENIED = "denied", "Refused"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign in"
    SIGN_OUT = "sign_out", "Signed out"
    PUBLISH = "publish", "Published refresh"


class AccessLogError(ImmutableRecordError):
    """An attempt to change or delete the append-only access log."""


class AccessLog(AppendOnly):
    """Who did what to which record, when and from where. Append-only; administrators search it."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    action = models.CharField(max_length=20, choices=AccessAction.choices)
    target = models.CharField(max_length=200, blank=True, default="", db_index=True)
    detail = models.CharField(max_length=500, blank=True, default="")
    path = models.CharField(max_length=500, blank=True, default="")
    ip = models.GenericIPAddressField(null=True, blank=True)

    frozen_error = AccessLogError

    class Meta:
        ordering = ("-at", "-id")


class SignInThrottle(models.Model):
    """Sign-in attempts counted against one normalised account or one client address, window by window.

    `key` is `account:` and the sha256 of the normalised username (never the name as typed: a password
    typed into the username box must not be stored), or `address:` and the client address. Attempts are
    reserved with one conditional UPDATE before a password is checked, so concurrent tries are counted exactly.
    """

    key = models.CharField(max_length=100, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    window_ends = models.DateTimeField()
    level = models.PositiveSmallIntegerField(default=0, help_text="windows in a row used up (address back-off)")


class TrustedAddress(models.Model):
    """An address a user has signed in from: a lock on their account does not stop them signing in from it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trusted_addresses")
    ip = models.GenericIPAddressField()
    last_success = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "ip"], name="trusted_address_once")]  # noqa: RUF012
