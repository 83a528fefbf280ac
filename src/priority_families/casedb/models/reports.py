"""What measure owners enter against an outcome framework: values, narrative and RAG overrides, per period.

Append-only: the latest row of a kind for a (framework, measure, period) is what the board paper shows, and
every earlier row is its history (seed 000's "Achievements to date / next steps" are rewritten each period;
the board may ask what was said before).
"""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.base import AppendOnly, ImmutableRecordError


class EntryKind(models.TextChoices):
    VALUE = "value", "Value"
    NARRATIVE = "narrative", "Narrative"
    RAG = "rag", "RAG override"


class Rag(models.TextChoices):
    RED = "RED", "Red"
    AMBER = "AMBER", "Amber"
    GREEN = "GREEN", "Green"


class MeasureEntryError(ImmutableRecordError):
    """An attempt to change or delete an entered value, narrative or override."""


class MeasureEntry(AppendOnly):
    """One entry by a measure owner: a value with its source, a narrative, or a RAG override with its reason."""

    framework = models.CharField(max_length=80, db_index=True)
    measure = models.CharField(max_length=80)
    period = models.CharField(max_length=20)
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    value = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    rag = models.CharField(max_length=5, choices=Rag.choices, blank=True, default="")
    text = models.TextField(blank=True, default="")  # the narrative, the value's source, or the override's reason
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    frozen_error = MeasureEntryError

    class Meta:
        ordering = ("framework", "measure", "period", "kind", "-at", "-id")
        indexes = [models.Index(fields=["framework", "period", "kind"])]  # noqa: RUF012


class TriageMeetingError(ImmutableRecordError):
    """An attempt to change or delete a recorded triage meeting."""


class TriageMeeting(AppendOnly):
    """A multi-agency rollout (triage, 'matrix') meeting for a ward: when, who came, which rollout phase, and
    what it decided (seed 001: "13 rollout (matrix) meetings, covering 15 of the 20 wards"). A ward is rolled out
    in the phase of its first meeting."""

    ward_code = models.CharField(max_length=20, db_index=True)
    ward = models.CharField(max_length=200)
    held_on = models.DateField()
    rollout = models.PositiveSmallIntegerField(help_text="the rollout phase (group) the meeting belongs to")
    attendees = models.TextField(help_text="agencies and people present")
    decisions = models.TextField(help_text="what the meeting decided (families reviewed, flagged, set aside)")
    families_reviewed = models.PositiveIntegerField(default=0)
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    frozen_error = TriageMeetingError

    class Meta:
        ordering = ("held_on", "id")


class GroupTag(models.TextChoices):
    """Groups a case can belong to beside its allocation (seed 001 counts FIP and the pilot group apart)."""

    FIP = "FIP", "Family Intervention Project"
    PILOT = "PILOT", "Pilot group"


class CaseTag(models.Model):
    """A case's membership of a group, from a date (written only by `casework.tag_case`)."""

    case = models.ForeignKey("casedb.Case", on_delete=models.PROTECT, related_name="tags")
    tag = models.CharField(max_length=10, choices=GroupTag.choices)
    on = models.DateField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("case", "tag")
        constraints = (models.UniqueConstraint(fields=["case", "tag"], name="one_tag_per_case"),)


class SharedAllocation(models.Model):
    """A further agency sharing an allocated case with its lead agency (seed 001's SHARED column), from a date
    (written only by `casework.share_allocation`)."""

    case = models.ForeignKey("casedb.Case", on_delete=models.PROTECT, related_name="shared_with")
    agency = models.ForeignKey("casedb.Agency", on_delete=models.PROTECT)
    on = models.DateField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("case", "agency")
        constraints = (models.UniqueConstraint(fields=["case", "agency"], name="one_share_per_agency"),)


class ClosureReason(models.TextChoices):
    """Why a case was closed: a closed list, so "closed because needs were met" can be counted (seed 003)."""

    NEEDS_MET = "needs_met", "Needs met"
    STEPPED_UP = "stepped_up", "Stepped up to statutory services"
    DISENGAGED = "disengaged", "Family disengaged"
    MOVED_AWAY = "moved_away", "Moved out of the area"
    NO_LONGER_ELIGIBLE = "no_longer_eligible", "No longer eligible"
    WITHDREW = "withdrew", "The family withdrew its agreement to join"
    OTHER = "other", "Other (see the case note)"


class CaseClosureError(ImmutableRecordError):
    """An attempt to change or delete a recorded closure."""


class CaseClosure(AppendOnly):
    """A case's closure with its reason from the closed list, written with the move to closed."""

    case = models.ForeignKey("casedb.Case", on_delete=models.PROTECT, related_name="closures")
    reason = models.CharField(max_length=30, choices=ClosureReason.choices)
    on = models.DateField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    frozen_error = CaseClosureError

    class Meta:
        ordering = ("case", "at")
