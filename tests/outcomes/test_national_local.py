"""national-2012: the local criterion's outcome (seed 000: "three improved outcomes per family")."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from identify.builders import dated, spell
from priority_families.core.calendar import shift_months

from .test_measures import ADULT, CHILD, A, _evaluate

DAY = timedelta(days=1)
E12 = shift_months(A, 12)
TWO_CORE = [dated("offence", CHILD, A - DAY * 20), dated("exclusion", CHILD, date(2015, 5, 1), kind="permanent")]
WORK = [spell("benefit", ADULT, date(2014, 1, 1), kind="JSA")]
ABUSE_BEFORE = [dated("domestic_abuse", ADULT, A - DAY * 30)]


def _national(tmp_path, facts, e, attested=()):
    return _evaluate(tmp_path, facts, e, plan="national-2012", attested=attested)


@pytest.mark.django_db
@pytest.mark.parametrize(("after", "e", "met"), [
    (0, E12, True),  # fewer than the one before: the local outcome, so the results claim
    (1, E12, False),  # as many as before: no local outcome, no results claim
    (0, E12 - DAY, False),  # the 12 months after attachment are not over
])
def test_two_criteria_and_local_need_the_local_outcome(tmp_path, after, e, met):
    facts = TWO_CORE + ABUSE_BEFORE + [dated("domestic_abuse", ADULT, e - DAY * k) for k in range(after)]
    status, _, routes = _national(tmp_path, facts, e)
    assert (status["local_abuse_reduced"][0] == "met") is met
    assert status["crime_asb_reduced"][0] == status["back_in_school"][0] == "met"
    assert ("turned_around" in routes) is met


@pytest.mark.django_db
def test_all_three_criteria_need_no_local_outcome(tmp_path):
    facts = TWO_CORE + WORK + ABUSE_BEFORE + [dated("domestic_abuse", ADULT, E12 - DAY)]
    status, _, routes = _national(tmp_path, facts, E12)
    assert status["local_abuse_reduced"][0] == "not_yet"
    assert "turned_around" in routes


@pytest.mark.django_db
@pytest.mark.parametrize("attested", [False, True])
def test_treatment_completion_is_attested(tmp_path, attested):
    facts = TWO_CORE + [dated("health", ADULT, A - DAY * 30, kind="substance_misuse")]
    status, _, routes = _national(tmp_path, facts, E12, (("local", "health"),) if attested else ())
    assert status["local_treatment_completed"][0] == ("met" if attested else "awaiting_attestation")
    assert ("turned_around" in routes) is attested
