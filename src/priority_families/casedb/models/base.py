"""Append-only rows: the parts of the case record that are written once and never changed.

A frozen baseline, a ledger row or an access-log row is what an auditor relies on, so an update or delete
through an instance or a queryset raises instead of changing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models

_erasing: ContextVar[bool] = ContextVar("pf_erasing", default=False)


@contextmanager
def erasing_personal_data() -> Iterator[None]:
    """The one door through which frozen rows may be deleted: erasing personal data past its retention period
    (`governance.retention.delete_item`, an explicit, logged act). Updates stay refused."""
    token = _erasing.set(True)
    try:
        yield
    finally:
        _erasing.reset(token)


class ImmutableRecordError(RuntimeError):
    """An attempt to change or delete a frozen part of the case record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise self.model.frozen_error(f"{self.model.__name__} rows are frozen: no update")

    def delete(self) -> tuple[int, dict[str, int]]:
        if _erasing.get():
            return super().delete()
        raise self.model.frozen_error(f"{self.model.__name__} rows are frozen: no delete")


class AppendOnly(models.Model):
    """A row written once and never changed (the error raised on an attempt is the model's `frozen_error`)."""

    frozen_error: type[ImmutableRecordError] = ImmutableRecordError
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.frozen_error(f"{type(self).__name__} {self.pk} is frozen: no update")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _erasing.get():
            return super().delete(*args, **kwargs)
        raise self.frozen_error(f"{type(self).__name__} {self.pk} is frozen: no delete")


class WithEvidence(AppendOnly):
    """A frozen row that rests on an evidence file: its name as uploaded, its sha256 (what the pack and an
    auditor check) and where the case-file store keeps it. Attestations, nominations and assessed rows."""

    evidence_name = models.CharField(max_length=255)
    evidence_sha256 = models.CharField(max_length=64)
    evidence_path = models.CharField(max_length=500)

    class Meta:
        abstract = True
