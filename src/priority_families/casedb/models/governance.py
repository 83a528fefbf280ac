"""Information governance in the case record: the family's agreement, flags sent back to partners, subject
access requests and retention deletions. Every row is append-only: each is evidence a data-protection officer
relies on (a withdrawal is a new row, never an edit of the agreement)."""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.base import AppendOnly


class ConsentKind(models.TextChoices):
    AGREED = "agreed", "Agreed to join"
    WITHDRAWN = "withdrawn", "Withdrew"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    LETTER = "letter", "By letter"
    ONLINE = "online", "Online"


class FamilyAgreement(AppendOnly):
    """A family's agreement to join the programme, or its withdrawal: who asked, when, how, which adults
    agreed (or withdrew) and what they were told."""

    family_id = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=10, choices=ConsentKind.choices)
    asked_by = models.CharField(max_length=200)
    asked_on = models.DateField()
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    adults = models.JSONField(default=list)  # person ids of the adults who agreed (or withdrew)
    explained = models.TextField()
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("family_id", "asked_on", "id")


class FlagExport(AppendOnly):
    """One flags file sent to a partner: under which agreements, which fields, how many people, its hash."""

    partner = models.CharField(max_length=100, db_index=True)
    agreements = models.CharField(max_length=500)
    fields = models.CharField(max_length=500)
    people = models.IntegerField()
    file_sha256 = models.CharField(max_length=64)
    refresh_id = models.CharField(max_length=100)
    exported_by = models.CharField(max_length=150)
    exported_at = models.DateTimeField(auto_now_add=True)


class FlagSent(AppendOnly):
    """A person named in a flags file (so a subject access request can say who was told about them)."""

    export = models.ForeignKey(FlagExport, on_delete=models.PROTECT, related_name="sent")
    person_id = models.CharField(max_length=64, db_index=True)


class SubjectAccessRequest(AppendOnly):
    """A subject access request served: for whom, by whom, and the hash of the machine-readable bundle."""

    person_id = models.CharField(max_length=64, db_index=True)
    reference = models.CharField(max_length=200, blank=True, default="")
    served_by = models.CharField(max_length=150)
    served_at = models.DateTimeField(auto_now_add=True)
    refresh_id = models.CharField(max_length=100)
    bundle_sha256 = models.CharField(max_length=64)


class RetentionDeletion(AppendOnly):
    """An explicit deletion of an item past its retention period: what, by whom, why, and what was kept."""

    item = models.CharField(max_length=200, db_index=True)
    deleted_by = models.CharField(max_length=150)
    reason = models.CharField(max_length=500)
    due_on = models.DateField()
    removed = models.JSONField(default=dict)  # counts of what was removed, per place
    kept = models.JSONField(default=dict)  # what audit keeps (claims and their pack hashes)
    deleted_at = models.DateTimeField(auto_now_add=True)
