"""Attachment and the frozen baseline: what a later claim is checked against, written once at attachment."""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.base import AppendOnly, WithEvidence


class Attachment(AppendOnly):
    """A family taken on by a lead worker: the date results are measured from, with the plan it is held to."""

    family_id = models.CharField(max_length=64, unique=True)
    attached_on = models.DateField()
    lead_worker = models.CharField(max_length=200)
    lead_agency = models.CharField(max_length=200)
    plan_id = models.CharField(max_length=100)
    plan_sha256 = models.CharField(max_length=64)
    plan_yaml = models.TextField()
    refresh_id = models.CharField(max_length=100)
    refresh_as_of = models.DateField()
    area = models.CharField(max_length=100, blank=True, default="")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id"]  # noqa: RUF012 - Django Meta

    def __str__(self) -> str:
        return f"{self.family_id} attached {self.attached_on}"


class BaselineMember(AppendOnly):
    """A member of the family at attachment (dates of birth frozen as a fallback for ages at evaluation)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="members")
    person_id = models.CharField(max_length=64)
    dob = models.DateField(null=True)


class BaselineLine(AppendOnly):
    """An indicator line true for the family at attachment, per person it named (from the refresh's evidence)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="lines")
    headline = models.CharField(max_length=64)
    indicator = models.CharField(max_length=64)
    person_id = models.CharField(max_length=64, null=True)
    source = models.CharField(max_length=100)
    record_id = models.CharField(max_length=100)
    fact_date = models.DateField(null=True)
    value = models.CharField(max_length=200, blank=True, default="")


class BaselineCount(AppendOnly):
    """One baseline count a results measure compares against: per person, in a window before attachment."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="counts")
    headline = models.CharField(max_length=64)
    measure = models.CharField(max_length=64)
    test_no = models.IntegerField()
    fact = models.CharField(max_length=64)
    person_id = models.CharField(max_length=64)
    window_start = models.DateField(help_text="exclusive")
    window_end = models.DateField(help_text="inclusive (the attachment date)")
    count = models.IntegerField()


class BaselineRecord(AppendOnly):
    """A partner record behind a baseline count: `(source, record_id)` points back at the extract row."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="records")
    headline = models.CharField(max_length=64)
    measure = models.CharField(max_length=64)
    test_no = models.IntegerField()
    person_id = models.CharField(max_length=64)
    source = models.CharField(max_length=100)
    record_id = models.CharField(max_length=100)
    fact_date = models.DateField(null=True)


class BaselineBenefit(AppendOnly):
    """An adult's out-of-work benefit position at attachment (for continuous employment and work progress)."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="benefits")
    person_id = models.CharField(max_length=64)
    jsa_before = models.BooleanField(help_text="a JSA spell open on some day of (a - 6 months, a]")
    jsa_open_at_attachment = models.BooleanField()
    open_at_attachment = models.BooleanField()


class Attestation(WithEvidence):
    """A lead professional's signed statement, with an evidence file kept by its sha256."""

    family_id = models.CharField(max_length=64)
    headline = models.CharField(max_length=64)
    indicator = models.CharField(max_length=64)
    attested_by = models.CharField(max_length=200)
    attested_on = models.DateField()
    statement = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id", "headline", "indicator", "id"]  # noqa: RUF012 - Django Meta


class AuditEvent(AppendOnly):
    """Who changed the case record, when and how; written in the same transaction as the change."""

    action = models.CharField(max_length=64)
    family_id = models.CharField(max_length=64, blank=True, default="")
    actor = models.CharField(max_length=200)
    detail = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]  # noqa: RUF012 - Django Meta
