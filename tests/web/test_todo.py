"""Each role's home page lists what is waiting for that person, counted the same as an independent query."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    Agency,
    Area,
    Case,
    CaseStatus,
    Claim,
    Member,
    PlanAction,
    SampleKind,
    SpotCheck,
    SustainabilityCheck,
    Team,
)


def _count(page: str, key: str) -> int | None:
    found = re.search(rf'data-count="{key}">(\d+) waiting<', page)
    return int(found.group(1)) if found else None


@pytest.fixture
def allocated(published, people, django_user_model) -> str:
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    return family_id


def test_the_managers_home_counts_the_families_waiting_in_their_areas(published, people, signed_in):
    areas = sorted(set(Case.objects.values_list("area", flat=True)))[:3]
    Team.objects.get(name="North").areas.set([Area.objects.get_or_create(code=a)[0] for a in areas])
    expected = Case.objects.filter(area__in=areas, status=CaseStatus.IDENTIFIED, team__isnull=True).count()
    page = signed_in("manager").get(reverse("web:home")).content.decode()
    assert expected > 0 and _count(page, "triage") == expected
    assert f'href="{reverse("web:triage")}"' in page


def test_a_manager_with_no_areas_has_nothing_waiting(published, people, signed_in):
    page = signed_in("manager").get(reverse("web:home")).content.decode()
    assert _count(page, "triage") is None and "Nothing waiting" in page


def test_the_lead_workers_home_lists_actions_and_checks_due_not_later_ones(allocated, signed_in):
    case = Case.objects.get(family_id=allocated)
    today = date.today()
    PlanAction.objects.create(case=case, description="Book the school meeting", owner="Wendy",
                              due_on=today - timedelta(days=1), by="worker")
    PlanAction.objects.create(case=case, description="Review in the spring", owner="Wendy",
                              due_on=today + timedelta(days=90), by="worker")
    SustainabilityCheck.objects.create(case=case, due_on=today + timedelta(days=3))
    page = signed_in("worker").get(reverse("web:home")).content.decode()
    assert _count(page, "actions") == 1 and "Book the school meeting" in page and "Overdue" in page
    assert "Review in the spring" not in page
    assert _count(page, "checks") == 1
    assert reverse("web:family", args=[allocated]) in page
    surname = Member.objects.filter(family__family_id=allocated).exclude(last_name="").first().last_name
    assert f"{surname.title()}" in page and "family</a>" in page  # by name, the id as secondary text
    other = signed_in("worker2").get(reverse("web:home")).content.decode()
    assert _count(other, "actions") is None and "Book the school meeting" not in other


def test_the_auditors_home_lists_claims_drawn_without_a_verdict(published, people, signed_in):
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True).first()
    claim = Claim.objects.create(family_id=family_id, route="significant_sustained", window="2016-03",
                                 claimed_on=date(2016, 3, 31), plan_id="nottinghamshire-2015", amount=Decimal(800),
                                 pack_sha256="0" * 64)
    SpotCheck.objects.create(kind=SampleKind.SPOT_CHECK, window="2016-03", family_id=family_id, claim=claim,
                             seed=1, share=0.1)
    page = signed_in("auditor").get(reverse("web:home")).content.decode()
    assert _count(page, "samples") == 1 and reverse("web:evidence-pack", args=[family_id]) in page


def test_the_administrator_starts_at_the_access_log(signed_in, people):
    assert signed_in("admin").get(reverse("web:home")).url == reverse("web:access-log")
