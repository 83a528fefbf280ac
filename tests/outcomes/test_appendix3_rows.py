"""warwickshire-2015 where seed 002's Appendix Three contradicts Nottinghamshire's rows, at each boundary.

Each case is evaluated by the product's SQL and the independent oracle (`_evaluate` asserts they agree).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from identify.builders import attendance, dated, spell
from priority_families.core.calendar import shift_months

from .test_measures import ADULT, CHILD, MARAC, A, _evaluate

DAY = timedelta(days=1)
E6 = shift_months(A, 6)
WARKS = "warwickshire-2015"
HELP = (("children_need_help", "social_care"),)
OFFENCE = [dated("offence", ADULT, A - DAY * 200)]  # a second headline for the domestic abuse cases


def _status(tmp_path, facts, e, attested=()):
    status, _, _ = _evaluate(tmp_path, facts, e, plan=WARKS, attested=attested)
    return status


@pytest.mark.django_db
@pytest.mark.parametrize(("attested", "e", "expected"), [
    (HELP, E6, "met"), ((), E6, "awaiting_attestation"), (HELP, E6 - DAY, "not_yet")])
def test_hp3_caf_implemented_and_engaging(tmp_path, attested, e, expected):
    facts = [spell("social_care", CHILD, date(2015, 6, 1), kind="early_help"), *MARAC]
    status = _status(tmp_path, facts, e, attested)
    assert status["caf_engaged"][0] == expected and "plan_engaged" not in status and "cpp_ended" not in status


@pytest.mark.django_db
@pytest.mark.parametrize(("attested", "met"), [(HELP, True), ((), False)])
def test_hp3_a_child_in_need_plan_in_place_and_engaging_is_success(tmp_path, attested, met):
    facts = [spell("social_care", CHILD, date(2015, 6, 1), kind="child_in_need"), *MARAC]  # still open at e
    assert (_status(tmp_path, facts, E6, attested)["plan_engaged"][0] == "met") is met


@pytest.mark.django_db
@pytest.mark.parametrize(("starts", "met"), [(shift_months(E6, -6), True), (shift_months(E6, -6) + DAY, False)])
def test_hp3_no_return_to_a_child_protection_plan_over_6_months(tmp_path, starts, met):
    facts = [spell("social_care", CHILD, date(2015, 6, 1), date(2015, 7, 1), kind="child_protection"),
             spell("social_care", CHILD, starts, starts + DAY, kind="child_protection"), *MARAC]
    assert (_status(tmp_path, facts, E6)["cpp_ended"][0] == "met") is met


@pytest.mark.django_db
@pytest.mark.parametrize(("attested", "met"), [((("domestic_abuse", "incident"),), True), ((), False)])
def test_hp5_increased_reporting_is_not_a_failure(tmp_path, attested, met):
    facts = [dated("domestic_abuse", ADULT, A - DAY * 10), *OFFENCE]
    facts += [dated("domestic_abuse", ADULT, E6 - DAY * k) for k in range(3)]  # more reports than before
    assert (_status(tmp_path, facts, E6, attested)["engaged_with_services"][0] == "met") is met


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "met"), [("alternative_provision", True), ("not_registered", False)])
def test_hp2_alternative_provision_as_agreed_with_good_attendance(tmp_path, kind, met):
    e = date(2016, 7, 31)
    facts = [spell("education_status", CHILD, date(2015, 6, 1), kind=kind), *MARAC]
    facts += [attendance(CHILD, t, 120, authorised=12) for t in ("2015-autumn", "2016-spring", "2016-summer")]
    assert (_status(tmp_path, facts, e)["attending_school"][0] == "met") is met
