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
