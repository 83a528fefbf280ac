"""Closing a case from the family page asks why, from the closed list, so closures can be counted by reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from priority_families.casedb.casework import Actor, CaseworkError, allocate, move
from priority_families.casedb.models import Agency, Case, CaseClosure, CaseStatus, ClosureReason

pytestmark = pytest.mark.django_db


@pytest.fixture
def mine(published, people, django_user_model):
    family_id = Case.objects.order_by("family_id").values_list("family_id", flat=True)[0]
    allocate(family_id, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
             Actor("test"))
    return family_id


def test_closing_without_a_reason_from_the_list_is_refused_and_changes_nothing(signed_in, mine):
    response = signed_in("worker").post(reverse("web:family-move", args=[mine]), {"to": "closed"})
    assert response.status_code == 400 and "Select why the case is closed" in response.content.decode()
    assert Case.objects.get(family_id=mine).status != CaseStatus.CLOSED and not CaseClosure.objects.exists()


def test_closing_with_a_reason_records_the_closure_and_the_note(signed_in, mine):
    response = signed_in("worker").post(reverse("web:family-move", args=[mine]),
                                        {"to": "closed", "closure_reason": "needs_met", "reason": "all goals met"})
    assert response.status_code == 302
    closure = CaseClosure.objects.get(case__family_id=mine)
    assert closure.reason == ClosureReason.NEEDS_MET and closure.by == "worker"
    case = Case.objects.get(family_id=mine)
    assert case.status == CaseStatus.CLOSED
    assert case.history.last().reason == "Needs met: all goals met"


def test_a_case_is_never_closed_without_a_closure_row(mine):
    with pytest.raises(CaseworkError, match="Select why the case is closed"):
        move(mine, CaseStatus.CLOSED, Actor("worker"))
