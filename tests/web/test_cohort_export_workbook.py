"""The tracker's cohort export, as the analyst opens it: an About sheet saying the refresh's as_of, the
plan, the filter and who exported it; real headers with labels beside codes; frozen panes and filters."""

from __future__ import annotations

import pytest
from django.urls import reverse

from priority_families.casedb.models import Family, TrackerRefresh
from workbooks import assert_laid_out, assert_metadata, sheets

pytestmark = pytest.mark.django_db


def test_the_cohort_export_says_its_as_of_plan_and_filter(signed_in, published):
    family = Family.objects.first()
    refresh = TrackerRefresh.objects.first()
    response = signed_in("analyst").get(reverse("web:cohort-export"), {"area": family.area})
    meta = assert_metadata(response.content, as_of=refresh.as_of.isoformat(), plan=refresh.plan_id,
                           filter=f"area={family.area!r}", refresh_id=refresh.refresh_id, produced_by="analyst")
    assert "tracker" in meta["produced by"]
    book = sheets(response.content)
    assert list(book) == ["About", "cohort"]
    header, *rows = book["cohort"]
    assert header[:6] == ["family_id", "area", "status", "status (label)", "headlines", "headlines (labels)"]
    assert {r[0] for r in rows} == set(Family.objects.filter(area=family.area).values_list("family_id", flat=True))
    for r in rows:  # headline titles from the plan, not its ids
        assert r[5] and "_" not in r[5] and r[5] != r[4]
    assert_laid_out(response.content, 2)
