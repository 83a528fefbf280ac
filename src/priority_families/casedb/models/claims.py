"""The claims ledger: a claim's life as append-only steps, claim batches, and audit samples.

A claim is proposed when the data says a family's results are met (its `Claim` row, with the evidence
pack's checksum); every later step (checked or rejected, audited, submitted in a batch, spot-checked,
withdrawn) is a new `ClaimStep` row, never an edit. The database keeps one live claim per family and claim
group (the plan's `claim_routes[].claim_group`: national-2012 claims progress to work beside the crime and
education result; every other shipped plan has one group): a family's first claim in a group is unique, and any
later claim must follow a step that ended an earlier claim of that group (a rejection or a withdrawal), each
such step at most once (`Claim.follows` is one-to-one).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from priority_families.casedb.models.base import AppendOnly


class StepKind(models.TextChoices):
    """The steps of a claim's life, in order; each happens at most once per claim."""

    PROPOSED = "proposed", "Proposed"
    CHECKED = "checked", "Checked"
    AUDITED = "audited", "Internal audit"
    SUBMITTED = "submitted", "Submitted"
    SPOT_CHECKED = "spot_checked", "Spot-checked"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Verdict(models.TextChoices):
    """What a check, an internal audit or a spot check found."""

    VALID = "valid", "Valid"
    INVALID = "invalid", "Invalid"


class SampleKind(models.TextChoices):
    """Internal audit samples claims before submission; a spot check samples submitted ones."""

    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    SPOT_CHECK = "spot_check", "Spot check"


class Claim(AppendOnly):
    """A Payment-by-Results claim as proposed: the family, route, window, amount and evidence pack."""

    family_id = models.CharField(max_length=64)
    route = models.CharField(max_length=64)
    claim_group = models.CharField(max_length=64, default="results",
                                   help_text="the route's claim group: one live claim per family and group")
    window = models.CharField(max_length=20, help_text="the claim window, e.g. 2015-07")
    claimed_on = models.DateField(help_text="the evaluation date e")
    plan_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    pack_sha256 = models.CharField(max_length=64)
    refresh_id = models.CharField(max_length=100, help_text="the refresh the claim was judged on")
    follows = models.OneToOneField("ClaimStep", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="next_claim",
                                   help_text="the rejection or withdrawal of this family's previous claim "
                                             "in the same claim group")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window", "family_id", "id"]  # noqa: RUF012 - Django Meta
        constraints = (models.UniqueConstraint(fields=("family_id", "claim_group"), condition=Q(follows__isnull=True),
                                               name="one_first_claim_per_family_group"),)

    @property
    def pack_name(self) -> str:
        """The evidence pack's file name (without .html): the family's id, and the route beside it for a claim
        outside the first group (national-2012's progress to work and continuous employment)."""
        return self.family_id if self.claim_group == "results" else f"{self.family_id}.{self.route}"

    @property
    def label(self) -> str:
        """The claim in words, for messages: the family, and the route where a family may have two."""
        return f"family {self.family_id}'s {self.route.replace('_', ' ')} claim"


class ClaimBatch(AppendOnly):
    """Claims submitted to government together for a window, with the declaration: who signed, and when."""

    window = models.CharField(max_length=20)
    submitted_on = models.DateField(help_text="the date the declaration was signed and the batch sent")
    signed_by = models.CharField(max_length=200)
    declaration = models.TextField()
    claims = models.IntegerField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    file_sha256 = models.CharField(max_length=64)
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window", "id"]  # noqa: RUF012 - Django Meta


class ClaimStep(AppendOnly):
    """One step of a claim's life: who, on what date, the verdict and reason where it has one."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="steps")
    step = models.CharField(max_length=20, choices=StepKind.choices)
    verdict = models.CharField(max_length=10, choices=Verdict.choices, blank=True, default="")
    reason = models.CharField(max_length=500, blank=True, default="")
    by = models.CharField(max_length=200, help_text="the named person who took the step")
    on = models.DateField(help_text="the date the step counts from (income moves in this month)")
    batch = models.ForeignKey(ClaimBatch, null=True, blank=True, on_delete=models.PROTECT, related_name="steps")
    amount_to_repay = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    recorded_by = models.CharField(max_length=200, help_text="the account that recorded it")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim_id", "id"]  # noqa: RUF012 - Django Meta
        constraints = (models.UniqueConstraint(fields=("claim", "step"), name="each_step_once_per_claim"),)


class SpotCheck(AppendOnly):
    """A claim drawn for audit (internal audit before submission, or spot check after) with the draw's seed
    and share. A sample draws claims, not families: a family claimed in two groups is two payments, each
    checked on its own evidence."""

    kind = models.CharField(max_length=20, choices=SampleKind.choices, default=SampleKind.SPOT_CHECK)
    window = models.CharField(max_length=20)
    family_id = models.CharField(max_length=64)
    claim = models.ForeignKey(Claim, null=True, on_delete=models.PROTECT, related_name="samples")
    seed = models.IntegerField()
    share = models.FloatField()
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("kind", "window", "claim"), name="one_draw_per_claim"),)
