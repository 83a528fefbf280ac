"""The geography lookup as the tracker sees it: every ward of the refresh in force, with its district and
locality, so a table grouped by ward, district or locality lists every one, with zeros where none of the
families lives (the tracker never opens the store; `casedb.publish` copies the lookup here)."""

from __future__ import annotations

from django.db import models


class Ward(models.Model):
    """A ward of the geography lookup in force (replaced whole by each publish; empty without a lookup)."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    district_code = models.CharField(max_length=20)
    district = models.CharField(max_length=100)
    locality = models.CharField(max_length=100)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
