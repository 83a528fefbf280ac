"""Boundary tests for the rules oracle: hand-built families for every indicator line of every plan."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from priority_families.synth.oracle import (
    add_months,
    age_at,
    evaluate_family,
    indicator_lines,
    last_terms,
)
from priority_families.synth.truth import CleanFact, TruePerson

AS_OF = date(2015, 9, 15)  # last 3 terms: 2015-summer, 2015-spring, 2014-autumn
YEAR_AGO = date(2014, 9, 15)  # as_of - 12 months: just outside every 12-month window
NAT, NOTTS, WARKS = "national-2012", "nottinghamshire-2015", "warwickshire-2015"
DAY = timedelta(days=1)
_ids = itertools.count()


# ---------------------------------------------------------------------------------------------- builders


def person(pid: str, age: int, *, days_short: int = 0, on: date = AS_OF) -> TruePerson:
    """A person who turns `age` on `on` (birthday exactly then), or `days_short` days later."""
    dob = date(on.year - age, on.month, on.day) + timedelta(days=days_short)
    return TruePerson(person_id=pid, dob=dob, sex="U")


def child(pid: str = "c1", age: int = 10, **kw) -> TruePerson:
    return person(pid, age, **kw)


def adult(pid: str = "a1", age: int = 35, **kw) -> TruePerson:
    return person(pid, age, **kw)


def fact(file: str, pid: str, /, **values) -> CleanFact:
    return CleanFact(fact=file, person_id=pid, source="test", record_id=f"r{next(_ids)}", values=values)


def spell(file: str, pid: str, start: date, end: date | None = None, kind: str | None = None, **kw) -> CleanFact:
    return fact(file, pid, start_date=start, end_date=end, kind=kind, **kw)


def attendance(pid: str, term: str, possible: int, unauthorised: int = 0, authorised: int = 0) -> CleanFact:
    return fact(
        "school_attendance",
        pid,
        term=term,
        possible_sessions=possible,
        authorised_absence=authorised,
        unauthorised_absence=unauthorised,
    )


def three_terms(pid: str, possible: int, unauthorised: int = 0, authorised: int = 0) -> list[CleanFact]:
    """Attendance for the last 3 terms before AS_OF; absences all in the first term."""
    return [
        attendance(pid, "2014-autumn", possible, unauthorised, authorised),
        attendance(pid, "2015-spring", possible),
        attendance(pid, "2015-summer", possible),
    ]


def lines(plan: str, members: list[TruePerson], facts: list[CleanFact], as_of: date = AS_OF) -> set:
    return set(indicator_lines(plan, as_of, members, facts))


def headlines(plan: str, members: list[TruePerson], facts: list[CleanFact], as_of: date = AS_OF) -> set:
    return set(evaluate_family(plan, as_of, members, facts).headlines)


# ---------------------------------------------------------------------------------------------- words


def test_month_arithmetic_clamps_to_month_end() -> None:
    assert add_months(date(2015, 8, 31), -6) == date(2015, 2, 28)
    assert add_months(date(2016, 8, 31), -6) == date(2016, 2, 29)
    assert add_months(date(2015, 1, 15), -12) == date(2014, 1, 15)
    assert add_months(date(2015, 10, 31), 4) == date(2016, 2, 29)


def test_age_counts_birthday_on_the_day() -> None:
    assert age_at(date(2000, 9, 15), AS_OF) == 15
    assert age_at(date(2000, 9, 16), AS_OF) == 14
    assert age_at(date(2000, 2, 29), date(2015, 2, 28)) == 14
    assert age_at(date(2000, 2, 29), date(2015, 3, 1)) == 15


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2015, 7, 31), ["2015-summer", "2015-spring", "2014-autumn"]),
        (date(2015, 7, 30), ["2015-spring", "2014-autumn", "2014-summer"]),
        (date(2015, 1, 1), ["2014-autumn", "2014-summer", "2014-spring"]),
        (AS_OF, ["2015-summer", "2015-spring", "2014-autumn"]),
    ],
)
def test_last_three_terms_are_those_ended_by_d(d: date, expected: list[str]) -> None:
    assert [t.label for t in last_terms(d)] == expected


def test_unknown_plan_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown plan 'nope'"):
        evaluate_family("nope", AS_OF, [child()], [])


def test_facts_of_non_members_are_ignored() -> None:
    stranger_facts = [
        fact("offence", "x9", date=AS_OF),
        spell("benefit", "x9", date(2015, 1, 1), kind="JSA"),
        *three_terms("x9", 100, unauthorised=90),
    ]
    for plan in (NAT, NOTTS, WARKS):
        assert headlines(plan, [child(), adult()], stranger_facts) == set()


# ---------------------------------------------------------------------------------------------- national-2012


@pytest.mark.parametrize(
    ("offence_on", "met"),
    [(AS_OF, True), (YEAR_AGO + DAY, True), (YEAR_AGO, False), (AS_OF + DAY, False)],
)
def test_national_child_offence_window_edges(offence_on: date, met: bool) -> None:
    got = lines(NAT, [child()], [fact("offence", "c1", date=offence_on)])
    assert (("crime_asb", "child_offence") in got) is met


@pytest.mark.parametrize(("age", "days_short", "met"), [(17, 1, True), (18, 0, False), (35, 0, False)])
def test_national_offence_counts_only_for_children_at_as_of(age: int, days_short: int, met: bool) -> None:
    offender = person("p", age, days_short=days_short)
    got = lines(NAT, [offender, child()], [fact("offence", "p", date=AS_OF)])
    assert (("crime_asb", "child_offence") in got) is met


@pytest.mark.parametrize(("start", "met"), [(YEAR_AGO + DAY, True), (YEAR_AGO, False), (AS_OF, True)])
def test_national_asb_intervention_starting_in_window_any_member(start: date, met: bool) -> None:
    got = lines(NAT, [child(), adult()], [spell("asb_intervention", "a1", start, kind="injunction")])
    assert (("crime_asb", "asb_intervention") in got) is met


def test_national_asb_incident_alone_is_not_a_line() -> None:
    assert lines(NAT, [child()], [fact("asb_incident", "c1", date=AS_OF)]) == set()


@pytest.mark.parametrize(
    ("on", "met"),
    [
        (date(2015, 7, 31), True),  # last day of summer term
        (date(2014, 9, 1), True),  # first day of the oldest of the 3 terms
        (date(2014, 8, 31), False),  # holiday before it
        (date(2015, 8, 10), False),  # summer holiday, after the last term
        (date(2015, 9, 5), False),  # the autumn term still running at as_of
    ],
)
def test_national_permanent_exclusion_in_last_three_terms(on: date, met: bool) -> None:
    got = lines(NAT, [child()], [fact("exclusion", "c1", date=on, kind="permanent", sessions=10)])
    assert (("education", "permanent_exclusion") in got) is met


@pytest.mark.parametrize(
    ("dates", "met"),
    [
        ([date(2014, 10, 1), date(2015, 2, 1), date(2015, 5, 1)], True),
        ([date(2014, 10, 1), date(2015, 2, 1)], False),
        ([date(2014, 7, 1), date(2015, 2, 1), date(2015, 5, 1)], False),  # one in an older term
    ],
)
def test_fixed_exclusions_three_versus_two(dates: list[date], met: bool) -> None:
    facts = [fact("exclusion", "c1", date=d, kind="fixed", sessions=2) for d in dates]
    for plan in (NAT, NOTTS, WARKS):
        assert (("education", "fixed_exclusions") in lines(plan, [child()], facts)) is met


def test_fixed_exclusions_are_counted_per_child_not_summed() -> None:
    facts = [
        fact("exclusion", "c1", date=date(2014, 10, 1), kind="fixed"),
        fact("exclusion", "c1", date=date(2015, 2, 1), kind="fixed"),
        fact("exclusion", "c2", date=date(2015, 5, 1), kind="fixed"),
    ]
    assert lines(NOTTS, [child("c1"), child("c2")], facts) == set()


@pytest.mark.parametrize(
    ("possible", "unauthorised", "met"),
    [(100, 45, True), (100, 44, False), (1000, 450, True), (1000, 447, False)],  # 15% vs 14.9%
)
def test_national_unauthorised_absence_fifteen_percent(possible: int, unauthorised: int, met: bool) -> None:
    got = lines(NAT, [child()], three_terms("c1", possible, unauthorised=unauthorised))
    assert (("education", "unauthorised_absence") in got) is met


def test_national_absence_ignores_authorised_and_terms_outside_the_three() -> None:
    facts = [
        *three_terms("c1", 100, unauthorised=40, authorised=50),
        attendance("c1", "2015-autumn", 20, unauthorised=20),  # still running at as_of
        attendance("c1", "2014-summer", 100, unauthorised=100),  # older than the 3 terms
    ]
    assert lines(NAT, [child()], facts) == set()


def test_absence_with_no_possible_sessions_is_not_met() -> None:
    facts = [attendance("c1", "2015-summer", 0, unauthorised=0)]
    for plan in (NAT, NOTTS, WARKS):
        assert lines(plan, [child()], facts) == set()


@pytest.mark.parametrize(
    ("age", "days_short", "met"),
    [(5, 0, True), (5, 1, False), (15, 0, True), (16, 0, False), (16, 1, True)],
)
def test_education_lines_only_for_school_age_children(age: int, days_short: int, met: bool) -> None:
    pupil = child("c1", age, days_short=days_short)
    facts = three_terms("c1", 100, unauthorised=50)
    for plan in (NAT, NOTTS):
        assert bool(headlines(plan, [pupil], facts) & {"education"}) is met


@pytest.mark.parametrize(
    ("kind", "start", "end", "met"),
    [
        ("alternative_provision", date(2015, 1, 1), AS_OF, True),  # ends on as_of: still open
        ("alternative_provision", date(2015, 1, 1), AS_OF - DAY, False),
        ("alternative_provision", AS_OF, None, True),
        ("alternative_provision", AS_OF + DAY, None, False),
        ("not_registered", date(2014, 1, 1), None, True),
        ("home_educated", date(2014, 1, 1), None, False),
    ],
)
def test_education_status_spell_open_at_as_of(kind: str, start: date, end: date | None, met: bool) -> None:
    facts = [spell("education_status", "c1", start, end, kind)]
    for plan in (NAT, NOTTS, WARKS):
        assert (("education", "education_status") in lines(plan, [child()], facts)) is met


@pytest.mark.parametrize(
    ("kind", "age", "days_short", "end", "met"),
    [
        ("JSA", 35, 0, None, True),
        ("UC_work_related", 35, 0, None, True),
        ("SDA", 35, 0, AS_OF, True),
        ("ESA", 35, 0, AS_OF - DAY, False),
        ("child_benefit", 35, 0, None, False),
        ("JSA", 18, 0, None, True),  # 18 on as_of
        ("JSA", 18, 1, None, False),  # 18 tomorrow
    ],
)
def test_out_of_work_benefit_open_for_an_adult(kind: str, age: int, days_short: int, end, met: bool) -> None:
    claimant = adult("a1", age, days_short=days_short)
    facts = [spell("benefit", "a1", date(2015, 1, 1), end, kind)]
    assert (("work", "out_of_work_benefit") in lines(NAT, [claimant, child()], facts)) is met
    assert (("worklessness", "out_of_work_benefit") in lines(NOTTS, [claimant, child()], facts)) is met


@pytest.mark.parametrize(
    ("f", "line"),
    [
        (fact("domestic_abuse", "a1", date=YEAR_AGO + DAY, role="victim", risk="high"), "domestic_abuse"),
        (fact("marac", "a1", date=AS_OF), "domestic_abuse"),
        (spell("social_care", "c1", date(2015, 1, 1), AS_OF, "child_in_need"), "social_care"),
        (spell("social_care", "c1", date(2015, 1, 1), None, "child_protection"), "social_care"),
        (fact("health", "a1", date=AS_OF, kind="mental_health"), "health"),
        (fact("health", "c1", date=YEAR_AGO + DAY, kind="substance_misuse"), "health"),
    ],
)
def test_national_local_lines(f: CleanFact, line: str) -> None:
    assert lines(NAT, [child(), adult()], [f]) == {("local", line)}


@pytest.mark.parametrize(
    "f",
    [
        fact("domestic_abuse", "a1", date=YEAR_AGO),
        fact("marac", "a1", date=YEAR_AGO),
        spell("social_care", "c1", date(2015, 1, 1), AS_OF - DAY, "child_in_need"),
        spell("social_care", "c1", date(2015, 1, 1), None, "early_help"),
        spell("social_care", "a1", date(2015, 1, 1), None, "child_protection"),  # an adult
        fact("health", "a1", date=AS_OF, kind="physical_health"),
        fact("health", "a1", date=YEAR_AGO, kind="mental_health"),
    ],
)
def test_national_local_near_misses(f: CleanFact) -> None:
    assert lines(NAT, [child(), adult()], [f]) == set()


_NAT_CRIME = fact("offence", "c1", date=AS_OF)
_NAT_EDU = fact("exclusion", "c1", date=date(2015, 5, 1), kind="permanent")
_NAT_WORK = spell("benefit", "a1", date(2015, 1, 1), None, "JSA")
_NAT_LOCAL = fact("marac", "a1", date=AS_OF)


@pytest.mark.parametrize(
    ("facts", "eligible"),
    [
        ([_NAT_CRIME, _NAT_EDU, _NAT_WORK], True),
        ([_NAT_CRIME, _NAT_EDU, _NAT_LOCAL], True),
        ([_NAT_CRIME, _NAT_WORK, _NAT_LOCAL], True),
        ([_NAT_EDU, _NAT_WORK, _NAT_LOCAL], True),
        ([_NAT_CRIME, _NAT_EDU], False),
        ([_NAT_WORK, _NAT_LOCAL], False),
        ([_NAT_CRIME, _NAT_EDU, _NAT_WORK, _NAT_LOCAL], True),
        ([], False),
    ],
)
def test_national_eligibility_combinations(facts: list[CleanFact], eligible: bool) -> None:
    verdict = evaluate_family(NAT, AS_OF, [child(), adult()], facts)
    assert verdict.eligible is eligible
    expected = {
        h for f, h in [(_NAT_CRIME, "crime_asb"), (_NAT_EDU, "education"), (_NAT_WORK, "work"), (_NAT_LOCAL, "local")]
        if f in facts
    }
    assert verdict.headlines == expected


# ---------------------------------------------------------------------------------------------- phase 2 plans


@pytest.mark.parametrize("plan", [NOTTS, WARKS])
@pytest.mark.parametrize(
    ("who", "on", "met"),
    [("a1", AS_OF, True), ("c1", YEAR_AGO + DAY, True), ("a1", YEAR_AGO, False), ("c1", AS_OF + DAY, False)],
)
def test_phase2_offence_by_child_or_adult(plan: str, who: str, on: date, met: bool) -> None:
    assert (("crime_asb", "offence") in lines(plan, [child(), adult()], [fact("offence", who, date=on)])) is met


@pytest.mark.parametrize(
    ("kind", "end", "release", "age", "met"),
    [
        ("licence", None, None, 35, True),
        ("community_order", AS_OF, None, 35, True),
        ("suspended_sentence", AS_OF - DAY, None, 35, False),
        ("licence", None, None, 17, False),  # not an adult
        ("custody", None, add_months(AS_OF, 12), 35, True),  # release exactly 12 months after
        ("custody", None, add_months(AS_OF, 12) + DAY, 35, False),
        ("custody", None, AS_OF, 35, True),
        ("custody", None, None, 35, False),  # no release date
        ("custody", AS_OF - DAY, date(2015, 12, 1), 35, False),  # already out
    ],
)
def test_phase2_justice_spells(kind: str, end, release, age: int, met: bool) -> None:
    offender = person("p", age)
    facts = [spell("justice", "p", date(2014, 1, 1), end, kind, release_date=release)]
    for plan in (NOTTS, WARKS):
        assert (("crime_asb", "justice") in lines(plan, [offender, child()], facts)) is met


@pytest.mark.parametrize(
    ("f", "met"),
    [
        (fact("asb_incident", "c1", date=YEAR_AGO + DAY), True),
        (fact("asb_incident", "a1", date=YEAR_AGO), False),
        (spell("asb_intervention", "a1", AS_OF, None, "contract"), True),
        (spell("asb_intervention", "a1", YEAR_AGO, None, "contract"), False),
    ],
)
def test_phase2_asb_line(f: CleanFact, met: bool) -> None:
    for plan in (NOTTS, WARKS):
        assert (("crime_asb", "asb") in lines(plan, [child(), adult()], [f])) is met


@pytest.mark.parametrize(
    ("possible", "unauthorised", "authorised", "notts", "warks"),
    [
        (100, 15, 15, True, False),  # 30/300 = 10% overall
        (1000, 150, 147, False, False),  # 297/3000 = 9.9%
        (100, 0, 45, True, True),  # 15%, authorised only
        (1000, 300, 147, True, False),  # 447/3000 = 14.9%
    ],
)
def test_phase2_overall_absence_thresholds(possible, unauthorised, authorised, notts: bool, warks: bool) -> None:
    facts = three_terms("c1", possible, unauthorised=unauthorised, authorised=authorised)
    assert (("education", "absence") in lines(NOTTS, [child()], facts)) is notts
    assert (("education", "absence") in lines(WARKS, [child()], facts)) is warks


def test_phase2_permanent_exclusion_line() -> None:
    facts = [fact("exclusion", "c1", date=date(2015, 3, 31), kind="permanent")]
    assert lines(NOTTS, [child()], facts) == {("education", "permanent_exclusion")}


@pytest.mark.parametrize(
    ("f", "member", "met"),
    [
        (spell("social_care", "c1", date(2015, 1, 1), None, "early_help"), "child", True),
        (spell("social_care", "c1", date(2013, 1, 1), AS_OF, "child_protection"), "child", True),
        (spell("social_care", "c1", YEAR_AGO + DAY, date(2015, 1, 1), "child_in_need"), "child", True),
        (spell("social_care", "c1", YEAR_AGO, date(2015, 1, 1), "child_in_need"), "child", False),
        (spell("social_care", "c1", date(2015, 1, 1), None, "looked_after"), "child", False),
        (spell("social_care", "c1", date(2015, 1, 1), None, "early_help"), "adult", False),
    ],
)
def test_phase2_children_need_help_social_care(f: CleanFact, member: str, met: bool) -> None:
    subject = child("c1", 12) if member == "child" else person("c1", 18)
    members = [subject, child("c2", 3)]
    assert (("children_need_help", "social_care") in lines(NOTTS, members, [f])) is met


@pytest.mark.parametrize(("kind", "line"), [("missing_episode", "missing"), ("exploitation_risk", "exploitation")])
@pytest.mark.parametrize(("who", "on", "met"), [("c1", YEAR_AGO + DAY, True), ("c1", YEAR_AGO, False), ("a1", AS_OF, False)])
def test_phase2_missing_and_exploitation(kind: str, line: str, who: str, on: date, met: bool) -> None:
    got = lines(WARKS, [child(), adult()], [fact(kind, who, date=on)])
    assert (("children_need_help", line) in got) is met


@pytest.mark.parametrize(
    ("records", "age", "days_short", "met"),
    [
        ([(date(2015, 3, 1), "eet"), (date(2015, 8, 1), "neet")], 17, 0, True),
        ([(date(2015, 3, 1), "neet"), (date(2015, 8, 1), "eet")], 17, 0, False),  # latest is eet
        ([(date(2015, 8, 1), "roni_amber"), (date(2015, 8, 1), "eet")], 17, 0, True),  # tie: worst wins
        ([(date(2015, 8, 1), "roni_red")], 17, 0, True),
        ([(YEAR_AGO, "neet")], 17, 0, False),  # just outside the window
        ([(YEAR_AGO, "eet"), (YEAR_AGO + DAY, "neet")], 20, 0, True),
        ([(YEAR_AGO + DAY, "neet"), (AS_OF + DAY, "eet")], 20, 0, True),  # a future record is ignored
        ([(date(2015, 8, 1), "neet")], 16, 0, True),  # 16 on as_of
        ([(date(2015, 8, 1), "neet")], 16, 1, False),  # 15 at as_of
        ([(date(2015, 8, 1), "neet")], 24, 0, True),
        ([(date(2015, 8, 1), "neet")], 25, 0, False),
    ],
)
def test_phase2_latest_neet_record_rule(records, age: int, days_short: int, met: bool) -> None:
    young = person("y1", age, days_short=days_short)
    facts = [fact("neet", "y1", date=d, kind=k) for d, k in records]
    assert (("worklessness", "neet_risk") in lines(NOTTS, [young, child()], facts)) is met


@pytest.mark.parametrize(
    ("kind", "on", "met"),
    [
        ("rent_arrears", AS_OF, True),
        ("eviction_notice", YEAR_AGO + DAY, True),
        ("debt", date(2015, 1, 1), True),
        ("homeless", AS_OF, False),
        ("debt", YEAR_AGO, False),
    ],
)
def test_phase2_financial_exclusion(kind: str, on: date, met: bool) -> None:
    got = lines(NOTTS, [child(), adult()], [fact("housing", "a1", date=on, kind=kind)])
    assert (("worklessness", "financial_exclusion") in got) is met


@pytest.mark.parametrize(
    ("f", "line", "met"),
    [
        (fact("domestic_abuse", "c1", date=AS_OF, role="other"), "incident", True),
        (fact("domestic_abuse", "a1", date=YEAR_AGO), "incident", False),
        (fact("marac", "a1", date=YEAR_AGO + DAY), "marac", True),
        (fact("marac", "a1", date=AS_OF + DAY), "marac", False),
    ],
)
def test_phase2_domestic_abuse(f: CleanFact, line: str, met: bool) -> None:
    assert (("domestic_abuse", line) in lines(NOTTS, [child(), adult()], [f])) is met


@pytest.mark.parametrize(
    ("f", "met"),
    [
        (fact("health", "a1", date=AS_OF, kind="physical_health"), True),
        (fact("health", "c1", date=YEAR_AGO + DAY, kind="adhd"), True),
        (fact("health", "a1", date=YEAR_AGO, kind="mental_health"), False),
    ],
)
def test_phase2_health_record_any_kind(f: CleanFact, met: bool) -> None:
    assert (("health", "health_record") in lines(WARKS, [child(), adult()], [f])) is met


@pytest.mark.parametrize(
    ("who", "dates", "met"),
    [
        ("c1", [AS_OF, date(2015, 1, 1), YEAR_AGO + DAY], True),
        ("c1", [AS_OF, date(2015, 1, 1)], False),
        ("c1", [AS_OF, date(2015, 1, 1), YEAR_AGO], False),  # one just outside the window
        ("a1", [AS_OF, date(2015, 1, 1), YEAR_AGO + DAY], False),  # an adult
    ],
)
def test_phase2_ae_attendances_three_versus_two(who: str, dates: list[date], met: bool) -> None:
    facts = [fact("ae_attendance", who, date=d) for d in dates]
    assert (("health", "ae_attendance") in lines(NOTTS, [child(), adult()], facts)) is met


def test_ae_attendances_are_counted_per_child() -> None:
    facts = [fact("ae_attendance", "c1", date=AS_OF), fact("ae_attendance", "c2", date=AS_OF)]
    facts.append(fact("ae_attendance", "c2", date=AS_OF))
    assert (("health", "ae_attendance")) not in lines(NOTTS, [child("c1"), child("c2")], facts)


@pytest.mark.parametrize("plan", [NOTTS, WARKS])
def test_phase2_eligibility_needs_two_headlines(plan: str) -> None:
    members = [child(), adult()]
    one = [fact("offence", "a1", date=AS_OF), fact("asb_incident", "c1", date=AS_OF)]
    two = [*one, fact("health", "a1", date=AS_OF, kind="adhd")]
    assert evaluate_family(plan, AS_OF, members, one) == evaluate_family(plan, AS_OF, members, one)
    assert not evaluate_family(plan, AS_OF, members, one).eligible
    verdict = evaluate_family(plan, AS_OF, members, two)
    assert verdict.eligible
    assert verdict.headlines == {"crime_asb", "health"}


def test_phase2_all_six_headlines() -> None:
    facts = [
        fact("offence", "a1", date=AS_OF),
        *three_terms("c1", 100, unauthorised=50),
        fact("missing_episode", "c1", date=AS_OF),
        spell("benefit", "a1", date(2015, 1, 1), None, "ESA"),
        fact("marac", "a1", date=AS_OF),
        *[fact("ae_attendance", "c1", date=AS_OF) for _ in range(3)],
    ]
    for plan in (NOTTS, WARKS):
        assert headlines(plan, [child(), adult()], facts) == {
            "crime_asb",
            "education",
            "children_need_help",
            "worklessness",
            "domestic_abuse",
            "health",
        }
    # national-2012 counts only offences by children, and absence there is unauthorised absence
    assert headlines(NAT, [child(), adult()], facts) == {"education", "work", "local"}


def test_line_reports_the_members_that_make_it_true() -> None:
    facts = [fact("offence", "a1", date=AS_OF), fact("offence", "c1", date=AS_OF)]
    got = indicator_lines(NOTTS, AS_OF, [child(), adult(), child("c2")], facts)
    assert got == {("crime_asb", "offence"): frozenset({"a1", "c1"})}
