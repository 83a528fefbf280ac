"""Claims held for review: a claim that would rest on a doubtful link is not made, and the ledger says so.

When a member of a family whose results are met has a pair in the linkage review band (a record that may be
theirs and that a measure of the family reads in its window), `pf claims` records a `ClaimHold` row instead of
proposing the claim: the family needs review, with the pairs listed. A later run that finds the pairs decided
records what became of the hold (the claim was made, or the family is no longer claimable once the record
counts) as a new row. Rows are never changed: a family's standing in a window is its latest row.
"""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.base import AppendOnly


class HoldEvent(models.TextChoices):
    """What a claims run found for a family whose claim rests, or rested, on a doubtful link."""

    HELD = "held", "Needs review"
    RELEASED = "released", "Released: claim proposed"
    NOT_CLAIMABLE = "not_claimable", "No longer claimable after review"


class ClaimHold(AppendOnly):
    """One finding of a claims run on a claim held for review (who ran it, on which refresh, which pairs)."""

    family_id = models.CharField(max_length=64)
    window = models.CharField(max_length=20, help_text="the claim window, e.g. 2015-07")
    route = models.CharField(max_length=64, blank=True, default="",
                             help_text="the route the claim would take (blank once not claimable)")
    claim_group = models.CharField(max_length=64, default="results",
                                   help_text="the claim group held: a family may be held in each group its plan has")
    event = models.CharField(max_length=20, choices=HoldEvent.choices)
    open_pairs = models.IntegerField(default=0, help_text="pairs in the review band still to decide or to link")
    pairs = models.JSONField(default=list, help_text="the pairs (record keys as partners sent them), no names")
    refresh_id = models.CharField(max_length=100)
    on = models.DateField(help_text="the evaluation date (the window's end)")
    recorded_by = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window", "family_id", "id"]  # noqa: RUF012 - Django Meta
        indexes = (models.Index(fields=("family_id", "window")),)
