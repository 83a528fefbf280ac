"""Boundary tests for every indicator line of rules.md, run through the compiled SQL of the shipped plans."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from priority_families.core.calendar import last_terms, shift_months, years_before

from .builders import AS_OF, Person, attendance, dated, spell, termly_attendance
from .conftest import run_family

NOTTS = "nottinghamshire-2015"
WARKS = "warwickshire-2015"
NAT = "national-2012"
YEAR_AGO = shift_months(AS_OF, -12)  # 2014-08-31: just outside every 12-month window
DAY = timedelta(days=1)


def adult(pid: str = "A") -> Person:
    return Person(pid, date(1980, 1, 1))


def pupil(pid: str = "C") -> Person:
    return Person(pid, date(2005, 6, 1))


def born_years_ago(pid: str, years: int, days_later: int = 0) -> Person:
    """Someone whose `years`th birthday is as_of (days_later > 0: the birthday is that many days after)."""
    return Person(pid, years_before(AS_OF, years) + timedelta(days=days_later))


# ------------------------------------------------------------------------------------------- calendar


def test_month_arithmetic_clamps_to_month_end():
    assert shift_months(date(2015, 8, 31), -6) == date(2015, 2, 28)
    assert shift_months(date(2016, 8, 31), -6) == date(2016, 2, 29)
    assert shift_months(date(2015, 8, 31), 12) == date(2016, 8, 31)


def test_last_terms_end_on_or_before_the_date():
    assert [t.label for t in last_terms(date(2015, 8, 31), 3)] == ["2015-summer", "2015-spring", "2014-autumn"]
    assert [t.label for t in last_terms(date(2015, 7, 30), 3)] == ["2015-spring", "2014-autumn", "2014-summer"]
    assert [t.label for t in last_terms(date(2015, 7, 31), 1)] == ["2015-summer"]


# ------------------------------------------------------------------------------------------- windows


@pytest.mark.parametrize(("on", "expected"), [
    (YEAR_AGO, False), (YEAR_AGO + DAY, True), (AS_OF, True), (AS_OF + DAY, False),
])
def test_offence_window_edges(on, expected):
    out = run_family(NOTTS, [adult()], [dated("offence", "A", on, gravity=3)])
    assert (("crime_asb", "offence") in out.lines) is expected


@pytest.mark.parametrize(("end", "expected"), [
    (None, True), (AS_OF, True), (AS_OF - DAY, False),
])
def test_open_spell_ending_on_as_of_is_open(end, expected):
    out = run_family(NOTTS, [adult()], [spell("benefit", "A", date(2014, 1, 1), end, kind="ESA")])
    assert (("worklessness", "out_of_work_benefit") in out.lines) is expected


def test_spell_starting_after_as_of_is_not_open():
    out = run_family(NOTTS, [adult()], [spell("benefit", "A", AS_OF + DAY, None, kind="JSA")])
    assert ("worklessness", "out_of_work_benefit") not in out.lines


def test_benefit_that_is_not_out_of_work_does_not_count():
    out = run_family(NOTTS, [adult()], [spell("benefit", "A", date(2014, 1, 1), None, kind="PIP")])
    assert ("worklessness", "out_of_work_benefit") not in out.lines


@pytest.mark.parametrize(("start", "end", "expected"), [
    (YEAR_AGO + DAY, date(2014, 12, 1), True),  # started in the window, closed since
    (YEAR_AGO, date(2014, 12, 1), False),  # started just before the window and closed
    (date(2013, 1, 1), None, True),  # open at as_of
])
def test_social_care_open_or_starting(start, end, expected):
    out = run_family(NOTTS, [adult(), pupil()], [spell("social_care", "C", start, end, kind="early_help")])
    assert (("children_need_help", "social_care") in out.lines) is expected


def test_looked_after_is_not_a_help_episode():
    out = run_family(NOTTS, [adult(), pupil()], [spell("social_care", "C", date(2015, 1, 1), None, kind="looked_after")])
    assert ("children_need_help", "social_care") not in out.lines


@pytest.mark.parametrize(("start", "expected"), [(YEAR_AGO + DAY, True), (YEAR_AGO, False)])
def test_asb_intervention_must_start_in_the_window(start, expected):
    out = run_family(NOTTS, [adult()], [spell("asb_intervention", "A", start, None, kind="injunction")])
    assert (("crime_asb", "asb_intervention") in out.lines) is expected


# ------------------------------------------------------------------------------------------- custody


@pytest.mark.parametrize(("release", "expected"), [
    (shift_months(AS_OF, 12), True), (shift_months(AS_OF, 12) + DAY, False), (AS_OF, True), (AS_OF - DAY, False),
])
def test_custody_release_within_12_months(release, expected):
    facts = [spell("justice", "A", date(2014, 1, 1), None, kind="custody", release_date=release)]
    out = run_family(NOTTS, [adult()], facts)
    assert (("crime_asb", "custody_release") in out.lines) is expected


def test_custody_spell_closed_before_as_of_does_not_count():
    facts = [spell("justice", "A", date(2014, 1, 1), AS_OF - DAY, kind="custody", release_date=AS_OF + DAY)]
    assert ("crime_asb", "custody_release") not in run_family(NOTTS, [adult()], facts).lines


def test_community_order_of_a_child_does_not_count():
    facts = [spell("justice", "C", date(2015, 1, 1), None, kind="community_order")]
    assert ("crime_asb", "community_sentence") not in run_family(NOTTS, [adult(), pupil()], facts).lines


# ------------------------------------------------------------------------------------------- ages


@pytest.mark.parametrize(("days_later", "expected_child"), [(0, False), (1, True)])
def test_turning_18_on_as_of_is_an_adult(days_later, expected_child):
    person = born_years_ago("Y", 18, days_later)
    out = run_family(NAT, [adult(), person], [dated("offence", "Y", date(2015, 5, 1))])
    assert (("crime_asb", "child_offence") in out.lines) is expected_child
    benefit = run_family(NOTTS, [person], [spell("benefit", "Y", date(2015, 1, 1), None, kind="JSA")])
    assert (("worklessness", "out_of_work_benefit") in benefit.lines) is (not expected_child)


@pytest.mark.parametrize(("years", "days_later", "expected"), [
    (5, 0, True), (5, 1, False), (16, 0, False), (16, 1, True),
])
def test_school_age_is_5_to_15_on_as_of(years, days_later, expected):
    child = born_years_ago("S", years, days_later)
    out = run_family(NOTTS, [adult(), child], [dated("exclusion", "S", date(2015, 5, 1), kind="permanent")])
    assert (("education", "permanent_exclusion") in out.lines) is expected


@pytest.mark.parametrize(("years", "days_later", "expected"), [
    (16, 0, True), (16, 1, False), (25, 0, False), (25, 1, True),
])
def test_young_person_is_16_to_24(years, days_later, expected):
    yp = born_years_ago("Y", years, days_later)
    out = run_family(NOTTS, [adult(), yp], [dated("neet", "Y", date(2015, 5, 1), kind="neet")])
    assert (("worklessness", "neet_risk") in out.lines) is expected


def test_unknown_date_of_birth_is_in_no_age_group_but_is_a_member():
    nobody = Person("X", None)
    out = run_family(NOTTS, [adult(), nobody], [
        dated("ae_attendance", "X", date(2015, d, 1)) for d in (2, 3, 4)
    ] + [dated("domestic_abuse", "X", date(2015, 5, 1), role="victim")])
    assert ("health", "ae_attendance") not in out.lines
    assert ("domestic_abuse", "incident") in out.lines


# ------------------------------------------------------------------------------------------- education


@pytest.mark.parametrize(("unauthorised", "possible", "expected"), [(45, 300, True), (447, 3000, False)])
def test_national_unauthorised_absence_15_percent(unauthorised, possible, expected):
    terms = last_terms(AS_OF, 3)
    facts = [attendance("C", terms[0].label, possible, authorised=50, unauthorised=unauthorised)]
    facts += [attendance("C", t.label, 0) for t in terms[1:]]
    out = run_family(NAT, [adult(), pupil()], facts)
    assert (("education", "unauthorised_absence") in out.lines) is expected


@pytest.mark.parametrize(("authorised", "unauthorised", "expected"), [(5, 5, True), (5, 4, False)])
def test_nottinghamshire_overall_absence_10_percent(authorised, unauthorised, expected):
    facts = termly_attendance("C", AS_OF, 100, authorised, unauthorised)  # 30/300 vs 27/300... per term
    out = run_family(NOTTS, [adult(), pupil()], facts)
    assert (("education", "absence") in out.lines) is expected


def test_nottinghamshire_9_9_percent_is_not_10():
    facts = [attendance("C", last_terms(AS_OF, 3)[0].label, 1000, authorised=50, unauthorised=49)]
    out = run_family(NOTTS, [adult(), pupil()], facts)
    assert ("education", "absence") not in out.lines
    assert out.values[("education", "absence", "C")] == pytest.approx(0.099)


@pytest.mark.parametrize(("overall", "expected"), [(15, True), (14, False)])
def test_warwickshire_persistent_absence_15_percent(overall, expected):
    facts = termly_attendance("C", AS_OF, 100, authorised=overall - 5, unauthorised=5)
    out = run_family(WARKS, [adult(), pupil()], facts)
    assert (("education", "absence") in out.lines) is expected


def test_absence_outside_the_last_3_terms_is_ignored():
    facts = [attendance("C", "2014-summer", 100, 50, 50), *termly_attendance("C", AS_OF, 100, 0, 1)]
    out = run_family(NOTTS, [adult(), pupil()], facts)
    assert ("education", "absence") not in out.lines


def test_no_possible_sessions_is_not_met():
    out = run_family(NOTTS, [adult(), pupil()], termly_attendance("C", AS_OF, 0, 0, 0))
    assert ("education", "absence") not in out.lines


def test_several_records_for_one_term_are_summed():
    label = last_terms(AS_OF, 3)[0].label
    facts = [attendance("C", label, 100, 0, 5), attendance("C", label, 100, 0, 5), attendance("C", label, 0, 10, 0)]
    out = run_family(NOTTS, [adult(), pupil()], facts)
    assert ("education", "absence") in out.lines  # 20 / 200


@pytest.mark.parametrize(("count", "expected"), [(3, True), (2, False)])
def test_fixed_exclusions_3_versus_2(count, expected):
    days = [date(2015, 5, 1), date(2015, 2, 1), date(2014, 10, 1)][:count]
    out = run_family(NOTTS, [adult(), pupil()], [dated("exclusion", "C", d, kind="fixed") for d in days])
    assert (("education", "fixed_exclusions") in out.lines) is expected
    assert (("education", "fixed_exclusions") in run_family(NAT, [adult(), pupil()], [
        dated("exclusion", "C", d, kind="fixed") for d in days]).lines) is expected


def test_fixed_exclusions_are_counted_per_child():
    two = [dated("exclusion", "C", d, kind="fixed") for d in (date(2015, 5, 1), date(2015, 2, 1))]
    out = run_family(NOTTS, [adult(), pupil(), pupil("D")], [*two, dated("exclusion", "D", date(2015, 5, 2), kind="fixed")])
    assert ("education", "fixed_exclusions") not in out.lines


def test_exclusion_in_the_summer_holiday_is_not_in_a_term():
    days = [date(2015, 8, 10), date(2015, 2, 1), date(2014, 10, 1)]
    out = run_family(NOTTS, [adult(), pupil()], [dated("exclusion", "C", d, kind="fixed") for d in days])
    assert ("education", "fixed_exclusions") not in out.lines


@pytest.mark.parametrize(("kind", "end", "expected"), [
    ("alternative_provision", None, True), ("not_registered", AS_OF, True), ("home_educated", None, False),
    ("alternative_provision", AS_OF - DAY, False),
])
def test_education_status_open_at_as_of(kind, end, expected):
    out = run_family(NOTTS, [adult(), pupil()], [spell("education_status", "C", date(2015, 1, 1), end, kind=kind)])
    assert (("education", "education_status") in out.lines) is expected


# ------------------------------------------------------------------------------------------- others


@pytest.mark.parametrize(("facts", "expected"), [
    ([("neet", date(2015, 3, 1)), ("eet", date(2015, 6, 1))], False),
    ([("eet", date(2015, 3, 1)), ("roni_amber", date(2015, 6, 1))], True),
    ([("eet", date(2015, 6, 1)), ("neet", date(2015, 6, 1))], True),  # same date: worst wins
    ([("neet", YEAR_AGO)], False),  # outside the window
    ([("neet", YEAR_AGO), ("eet", YEAR_AGO + DAY)], False),
])
def test_latest_neet_record_decides(facts, expected):
    yp = Person("Y", date(1997, 1, 1))
    out = run_family(NOTTS, [adult(), yp], [dated("neet", "Y", d, kind=k) for k, d in facts])
    assert (("worklessness", "neet_risk") in out.lines) is expected


@pytest.mark.parametrize(("count", "expected"), [(3, True), (2, False)])
def test_a_and_e_attendances_3_versus_2_for_a_child(count, expected):
    days = [date(2015, 2, 1), date(2015, 4, 1), YEAR_AGO + DAY][:count] + [YEAR_AGO]
    out = run_family(NOTTS, [adult(), pupil()], [dated("ae_attendance", "C", d) for d in days])
    assert (("health", "ae_attendance") in out.lines) is expected


def test_a_and_e_attendances_of_an_adult_do_not_count():
    out = run_family(NOTTS, [adult(), pupil()], [dated("ae_attendance", "A", date(2015, m, 1)) for m in (1, 2, 3)])
    assert ("health", "ae_attendance") not in out.lines


@pytest.mark.parametrize(("kind", "expected"), [("rent_arrears", True), ("debt", True), ("homeless", False)])
def test_financial_exclusion_kinds(kind, expected):
    out = run_family(NOTTS, [adult()], [dated("housing", "A", date(2015, 1, 1), kind=kind)])
    assert (("worklessness", "financial_exclusion") in out.lines) is expected


def test_national_local_filter_lines():
    facts = [dated("marac", "A", date(2015, 1, 1)), dated("health", "A", date(2015, 1, 1), kind="substance_misuse"),
             spell("social_care", "C", date(2015, 1, 1), None, kind="child_protection")]
    out = run_family(NAT, [adult(), pupil()], facts)
    assert {("local", "marac"), ("local", "health"), ("local", "social_care")} <= out.lines
    physical = run_family(NAT, [adult()], [dated("health", "A", date(2015, 1, 1), kind="physical_health")])
    assert ("local", "health") not in physical.lines


# ------------------------------------------------------------------------------------------- eligibility


def _crime() -> list:
    return [dated("offence", "C", date(2015, 1, 1))]


def _education() -> list:
    return [dated("exclusion", "C", date(2015, 5, 1), kind="permanent")]


def _work() -> list:
    return [spell("benefit", "A", date(2014, 1, 1), None, kind="JSA")]


def _local() -> list:
    return [dated("domestic_abuse", "A", date(2015, 1, 1), role="victim")]


@pytest.mark.parametrize(("parts", "eligible"), [
    ((_crime, _education, _work), True),
    ((_crime, _education, _local), True),
    ((_crime, _work, _local), True),
    ((_crime, _education), False),
    ((_crime, _local), False),
    ((_local,), False),
])
def test_national_eligibility_rule(parts, eligible):
    facts = [f for part in parts for f in part()]
    out = run_family(NAT, [adult(), pupil()], facts)
    assert out.eligible is eligible


@pytest.mark.parametrize(("parts", "eligible", "headlines"), [
    ((_crime, _education), True, "crime_asb;education"),
    ((_work, _local), True, "domestic_abuse;worklessness"),
    ((_crime,), False, "crime_asb"),
    ((), False, ""),
])
def test_nottinghamshire_needs_two_headlines(parts, eligible, headlines):
    facts = [f for part in parts for f in part()]
    out = run_family(NOTTS, [adult(), pupil()], facts)
    assert (out.eligible, out.headlines) == (eligible, headlines)


# ------------------------------------------------------------------------------------------- evidence


def _evidence(plan_id: str, people, facts) -> list[tuple]:
    import duckdb

    from priority_families.identify.run import identify_families

    from .builders import build_store
    from .conftest import shipped

    con = duckdb.connect()
    build_store(con, {"F1": people}, facts)
    identify_families(con, shipped(plan_id), AS_OF)
    rows = con.execute("SELECT indicator, person_id, record_id, value FROM indicator_hits ORDER BY record_id").fetchall()
    con.close()
    return rows


def test_latest_record_evidence_is_the_latest_record_only():
    yp = Person("Y", date(1997, 1, 1))
    facts = [dated("neet", "Y", date(2015, 1, 1), kind="eet"), dated("neet", "Y", date(2015, 6, 1), kind="neet")]
    assert _evidence(NOTTS, [adult(), yp], facts) == [("neet_risk", "Y", "R2", "neet")]


def test_count_evidence_lists_every_record_in_the_window_and_none_outside():
    days = [date(2015, 5, 1), date(2015, 2, 1), date(2014, 10, 1), date(2014, 6, 1)]
    rows = _evidence(NOTTS, [adult(), pupil()], [dated("exclusion", "C", d, kind="fixed") for d in days])
    assert [r[2] for r in rows] == ["R1", "R2", "R3"]


def test_no_evidence_for_an_indicator_not_met():
    days = [date(2015, 5, 1), date(2015, 2, 1)]
    assert _evidence(NOTTS, [adult(), pupil()], [dated("exclusion", "C", d, kind="fixed") for d in days]) == []


def test_custody_evidence_is_the_spell_with_the_release_date():
    facts = [spell("justice", "A", date(2014, 1, 1), None, kind="custody", release_date=date(2016, 1, 1))]
    assert _evidence(NOTTS, [adult()], facts) == [("custody_release", "A", "R1", "2016-01-01")]


def test_family_scope_sums_across_members():
    facts = [dated("referral", "A", date(2015, 1, 1)), dated("referral", "C", date(2015, 2, 1))]
    out = run_family("supporting-families-2022", [adult(), pupil()], facts)
    assert ("family_relationships", "repeat_referrals") in out.lines
    assert out.values[("family_relationships", "repeat_referrals", None)] == 2
    rows = _evidence("supporting-families-2022", [adult(), pupil()], facts)
    assert [(r[1], r[2]) for r in rows] == [("A", "R1"), ("C", "R2")]
    one = run_family("supporting-families-2022", [adult(), pupil()], facts[:1])
    assert ("family_relationships", "repeat_referrals") not in one.lines
