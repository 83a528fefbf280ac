"""Back-dated attachment, as the plan allows it (national-2012: exits from FIP/FNP since 1 December 2010)."""

from __future__ import annotations

from datetime import date

import pytest

from identify.builders import Person, dated, spell
from priority_families.casedb.models import Attachment
from priority_families.outcomes.attach import AttachError, AttachmentRequest, attach_families
from priority_families.plans.loader import load_plan
from priority_families.plans.render import render_markdown

from .case_store import make_workspace

A = date(2015, 8, 31)
PEOPLE = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2004, 1, 1))]}
FACTS = [dated("offence", "P2", date(2015, 6, 1)), dated("exclusion", "P2", date(2015, 5, 1), kind="permanent"),
         spell("benefit", "P1", date(2014, 1, 1), kind="JSA"), dated("marac", "P1", date(2015, 7, 1))]


def _attach(tmp_path, plan: str, on: date, agency: str):
    ws = make_workspace(tmp_path, plan, PEOPLE, FACTS, A)
    return attach_families(ws, [AttachmentRequest("F1", on, "W", agency)], actor="t")


@pytest.mark.django_db
@pytest.mark.parametrize(("on", "agency"), [(date(2010, 12, 1), "FNP"), (date(2012, 1, 10), "FIP")])
def test_a_fip_or_fnp_family_is_attached_back_to_the_plans_date(tmp_path, on, agency):
    (made,) = _attach(tmp_path, "national-2012", on, agency)
    assert Attachment.objects.get(family_id="F1").attached_on == on == made.attached_on


@pytest.mark.django_db
@pytest.mark.parametrize(("plan", "on", "agency", "reason"), [
    ("national-2012", date(2010, 11, 30), "FIP", "is before 2010-12-01, the earliest back-dated attachment"),
    ("national-2012", date(2012, 1, 10), "Police", "back-dates only families led by FIP, FNP, not 'Police'"),
    ("nottinghamshire-2015", date(2014, 8, 30), "FIP", "is not within a year before the refresh"),
])
def test_back_dating_outside_what_the_plan_allows_is_refused(tmp_path, plan, on, agency, reason):
    with pytest.raises(AttachError) as caught:
        _attach(tmp_path, plan, on, agency)
    (problem,) = caught.value.problems
    assert problem.column == "attached_on" and reason in problem.reason
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_a_year_before_the_refresh_needs_no_back_dating(tmp_path):
    (made,) = _attach(tmp_path, "nottinghamshire-2015", date(2014, 8, 31), "Police")
    assert made.attached_on == date(2014, 8, 31)


def test_the_sign_off_document_states_the_back_dating_rule_once():
    text = render_markdown(load_plan("national-2012"))
    assert text.count("Back-dated attachment: a family led by FIP, FNP may be attached from 1 December 2010") == 1
    assert load_plan("nottinghamshire-2015").backdating is None
