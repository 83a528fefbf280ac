"""Headlines added to a family's results after attachment, and professionals' nominations of equivalent concern.

Seed 004: "Where an additional headline problem or problems arise or are disclosed during the course of the
intervention these will also be addressed": a `Disclosure` adds a headline to an attached family, with its
own baseline frozen at the date it is added (the baseline rows are the attachment's `Baseline*` rows, dated
then). Seed 002 Appendix Three lets professionals nominate a family for a headline "of equivalent concern":
a `Nomination` counts that headline towards eligibility, with who nominated, why and an evidence file.
Both are written once and never changed (the case record's evidence for a results claim).
"""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.attachments import Attachment
from priority_families.casedb.models.base import AppendOnly, WithEvidence


class Disclosure(AppendOnly):
    """A headline problem disclosed or arising during the intervention, added by the lead worker on `disclosed_on`;
    the family's results include it, measured from that date."""

    attachment = models.ForeignKey(Attachment, on_delete=models.PROTECT, related_name="disclosures")
    family_id = models.CharField(max_length=64, db_index=True)
    headline = models.CharField(max_length=64)
    lines = models.JSONField(default=list, help_text="the headline's indicator lines the problem is read as")
    person_id = models.CharField(max_length=64, blank=True, default="",
                                 help_text="the member it is about; blank: every member at attachment")
    disclosed_on = models.DateField(help_text="the date its baseline is frozen at and its results measured from")
    reason = models.TextField()
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id", "disclosed_on", "id"]  # noqa: RUF012 - Django Meta
        constraints = [  # noqa: RUF012 - Django Meta
            models.UniqueConstraint(fields=["family_id", "headline"], name="one_disclosure_per_headline"),
        ]

    def __str__(self) -> str:
        return f"{self.family_id} {self.headline} disclosed {self.disclosed_on}"


class Nomination(WithEvidence):
    """A professional's nomination of a family for a headline of equivalent concern (seed 002 Appendix Three),
    with the reason and an evidence file kept by its sha256, as an attestation's is."""

    family_id = models.CharField(max_length=64, db_index=True)
    headline = models.CharField(max_length=64)
    lines = models.JSONField(default=list, help_text="the headline's indicator lines its results are read by")
    nominated_by = models.CharField(max_length=200, help_text="the nominating professional")
    nominated_on = models.DateField()
    reason = models.TextField()
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id", "nominated_on", "id"]  # noqa: RUF012 - Django Meta
        constraints = [  # noqa: RUF012 - Django Meta
            models.UniqueConstraint(fields=["family_id", "headline"], name="one_nomination_per_headline"),
        ]

    def __str__(self) -> str:
        return f"{self.family_id} {self.headline} nominated {self.nominated_on}"
