"""The claims ledger and spot checks: one results claim per family, by any route, ever."""

from __future__ import annotations

from django.db import models

from priority_families.casedb.models.base import AppendOnly


class Claim(AppendOnly):
    """A Payment-by-Results claim. `family_id` is unique: the database refuses a second claim for a family."""

    family_id = models.CharField(max_length=64, unique=True)
    route = models.CharField(max_length=64)
    window = models.CharField(max_length=20, help_text="the claim window, e.g. 2015-07")
    claimed_on = models.DateField(help_text="the evaluation date e")
    plan_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    pack_sha256 = models.CharField(max_length=64)
    refresh_id = models.CharField(max_length=100, help_text="the refresh the claim was judged on")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["window", "family_id"]  # noqa: RUF012 - Django Meta


class SpotCheck(AppendOnly):
    """A family drawn for audit from a claim window's claims, with the draw's seed and share."""

    window = models.CharField(max_length=20)
    family_id = models.CharField(max_length=64)
    seed = models.IntegerField()
    share = models.FloatField()
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("window", "family_id"), name="one_draw_per_family"),)
