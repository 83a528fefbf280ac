"""Seed rows that apply to a family because a professional assessed it, and their attested outcomes.

Seed 004 and seed 002 Appendix Three have rows whose baseline is an assessment by the lead or a health
professional (a wellbeing-tool score, a safety plan after a disclosure, a member referred to a programme): no
extract says which families they apply to. The lead worker records that such a row applies (`AssessedNeed`:
the row, the date and who assessed, the evidence, and for a scored tool the score then); its period runs from
the assessment date, and the lead professional attests it met or not met after the period (`RowAttestation`,
with the later score for a scored tool). Both are written once and never changed; a correction is a new
attestation (the latest counts).
"""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.attachments import Attachment
from priority_families.casedb.models.base import WithEvidence


class AssessedNeed(WithEvidence):
    """A plan row (an assessed results measure) that applies to an attached family from `assessed_on`."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="assessed_needs")
    family_id = models.CharField(max_length=64, db_index=True)
    headline = models.CharField(max_length=64)
    measure = models.CharField(max_length=64, help_text="the plan's assessed results measure")
    row = models.CharField(max_length=100, help_text="the published plan's row, as the plan file names it")
    person_id = models.CharField(max_length=64, blank=True, default="",
                                 help_text="the member assessed; blank: the family")
    assessed_on = models.DateField(help_text="the row's baseline: its period runs from this date")
    assessed_by = models.CharField(max_length=200, help_text="who assessed (name and role)")
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                help_text="a scored tool's score at assessment")
    reason = models.TextField(blank=True, default="")
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id", "assessed_on", "id"]  # noqa: RUF012 - Django Meta
        constraints = [  # noqa: RUF012 - Django Meta
            models.UniqueConstraint(fields=["family_id", "measure"], name="one_assessment_per_row"),
        ]

    def __str__(self) -> str:
        return f"{self.family_id} {self.row} assessed {self.assessed_on}"


class RowAttestation(WithEvidence):
    """The lead professional's statement that an assessed row was met or not, after its period, with evidence
    (and the later score for a scored tool)."""

    need = models.ForeignKey(AssessedNeed, on_delete=models.PROTECT, related_name="attestations")
    family_id = models.CharField(max_length=64, db_index=True)
    met = models.BooleanField()
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True,
                                help_text="a scored tool's later score")
    attested_by = models.CharField(max_length=200)
    attested_on = models.DateField()
    statement = models.TextField()
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id", "attested_on", "id"]  # noqa: RUF012 - Django Meta

    def __str__(self) -> str:
        return f"{self.family_id} {self.need_id} {'met' if self.met else 'not met'} {self.attested_on}"
