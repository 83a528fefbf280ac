"""The database keeps one first claim per family and claim group (`one_first_claim_per_family_group`), on SQLite
and on PostgreSQL (run with DATABASE_URL): a second group is allowed, a second first claim in a group is not."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from priority_families.casedb.models import Claim, ClaimStep, StepKind, Verdict


def _claim(group: str, route: str, follows: ClaimStep | None = None) -> Claim:
    return Claim.objects.create(family_id="F1", route=route, claim_group=group, window="2016-08",
                                claimed_on=date(2016, 8, 31), plan_id="national-2012", amount=100,
                                pack_sha256="0" * 64, refresh_id="r", follows=follows)


@pytest.mark.django_db
def test_one_first_claim_per_family_and_group():
    first = _claim("results", "turned_around")
    _claim("work", "progress_to_work")  # another group: a claim of its own
    with pytest.raises(IntegrityError), transaction.atomic():
        _claim("work", "progress_to_work")  # a second first claim in the group
    with pytest.raises(IntegrityError), transaction.atomic():
        _claim("results", "continuous_employment")  # another route of the same group is the same group
    rejected = ClaimStep.objects.create(claim=first, step=StepKind.CHECKED, verdict=Verdict.INVALID, reason="x",
                                        by="c", on=date(2016, 9, 1), recorded_by="c")
    again = _claim("results", "turned_around", follows=rejected)  # a later claim follows the step that ended one
    assert Claim.objects.filter(family_id="F1").count() == 3 and again.follows == rejected
    with pytest.raises(IntegrityError), transaction.atomic():
        _claim("work", "progress_to_work", follows=rejected)  # a step is followed once
