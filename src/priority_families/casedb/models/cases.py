"""Case work people enter (cases, status history, triage decisions, notes, plan actions, sustainability
checks), changed only through `casedb.casework` functions, each in a transaction with its log row."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from priority_families.casedb.models.people import Agency, Team


class CaseStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    TRIAGED = "triaged", "Triaged"
    NOT_ALLOCATED = "not_allocated", "Not to be allocated"
    ATTACHED = "attached", "Attached"
    ASSESSED = "assessed", "Assessed"
    PLAN_AGREED = "plan_agreed", "Plan agreed"
    PROGRESS = "progress", "Making progress"
    CLAIMED = "claimed", "Claimed"
    CLOSED = "closed", "Closed"
    STEPPED_DOWN = "stepped_down", "Stepped down"


class NotAllocatedReason(models.TextChoices):
    SOCIAL_CARE_CASE = "social_care_case", "Social care case"
    NEEDS_DATA_CHECK = "needs_data_check", "Needs data check"
    SINGLE_AGENCY_NEED = "single_agency_need", "Single-agency need"
    MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of area"
    DEFERRED = "deferred", "Deferred"
    FALSE_POSITIVE = "false_positive", "False positive"


class Case(models.Model):
    """The council's work with one family: where it is in the workflow and who leads it."""

    family_id = models.CharField(max_length=64, unique=True)
    area = models.CharField(max_length=100, blank=True, default="", db_index=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.IDENTIFIED)
    lead_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT)
    not_allocated_reason = models.CharField(max_length=30, choices=NotAllocatedReason.choices, blank=True, default="")
    identified_on = models.DateField()
    attached_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("family_id",)


class StatusChange(models.Model):
    """One step of a case's status history (append-only by convention: only `casework` writes it)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="history")
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True, default="")
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices)
    reason = models.CharField(max_length=500, blank=True, default="")
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("at", "id")


class CaseNote(models.Model):
    """A lead worker's or manager's note on the case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    text = models.TextField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-at", "-id")


class PlanAction(models.Model):
    """An action in the family plan: what, who, by when, and whether it is done."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("done", "due_on", "id")


class SustainabilityCheck(models.Model):
    """A check, every 6 months for 2 years after a claim, that the family's results have lasted."""

    class Outcome(models.TextChoices):
        DUE = "due", "Due"
        SUSTAINED = "sustained", "Sustained"
        NOT_SUSTAINED = "not_sustained", "Not sustained"
        CANCELLED = "cancelled", "Cancelled (claim withdrawn)"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="checks")
    due_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.DUE)
    by = models.CharField(max_length=150, blank=True, default="")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("due_on",)
        constraints = (models.UniqueConstraint(fields=["case", "due_on"], name="one_check_per_date"),)
