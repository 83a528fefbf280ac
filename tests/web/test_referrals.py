"""Referrals: made with what they need or not at all, matched to known families with the linkage's own
comparisons, two referrals of one family seen as one, decided from the queue, counted in the report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from priority_families.casedb import team
from priority_families.casedb.caseloads import referral_counts
from priority_families.casedb.casework import Actor, allocate, close_case
from priority_families.casedb.models import (
    Agency,
    Case,
    CaseStatus,
    ClosureReason,
    Member,
    Referral,
    ReferralStatus,
    ReferredPerson,
    Role,
)
from priority_families.casedb.referral_match import score
from priority_families.casedb.users import add_user

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-for-the-tracker-1"


@pytest.fixture
def school(published, people, django_user_model):
    add_user("school", Role.PARTNER, PASSWORD, "test", "Sam School", agency="Greenfield Primary")
    return django_user_model.objects.get(username="school")


def known_person() -> Member:
    """A published member with a name, date of birth and postcode."""
    return (Member.objects.exclude(first_name="").exclude(last_name="").exclude(dob=None).exclude(postcode="")
            .order_by("person_id").first())


def form(*people: team.PersonReferred, **changes: object) -> team.ReferralForm:
    headline = team.plan_headlines()[0][0]
    base = {"people": list(people), "headlines": [headline], "worries": "Poor attendance, arrears",
            "family_knows": "Mum knows and agreed", "consent": True, "agency": "Greenfield Primary"}
    return team.ReferralForm(**{**base, **changes})


def _criterion(group: int) -> str:
    """The first criterion of the plan's `group`-th headline."""
    return team.plan_criteria()[group][2][0][0]


def test_a_referral_names_the_plans_criteria_it_is_made_against(school):
    referral = team.make_referral(school, form(team.PersonReferred("Amy", "Stone"), criteria=[_criterion(0)]),
                                  Actor("school"))
    assert referral.criteria_list() == [_criterion(0)]


def test_a_referral_without_what_it_needs_is_refused_and_nothing_is_kept(school):
    person = team.PersonReferred("Amy", "Stone")
    cases = [
        (form(), "first and last name of at least one person"),
        (form(team.PersonReferred("Amy", "")), "both names"),
        (form(person, headlines=[]), "at least one headline"),
        (form(person, headlines=["moon"]), "'moon' is not a headline of the plan"),
        (form(person, worries=" "), "Describe the worries"),
        (form(person, family_knows=""), "what the family knows"),
        (form(person, agency=""), "Enter your agency"),
        (form(person, criteria=["moon.crater"]), "'moon.crater' is not one of the plan's criteria"),
        (form(person, criteria=[_criterion(1)]), "under a headline not selected"),
    ]
    for bad, message in cases:
        with pytest.raises(team.TeamError, match=message):
            team.make_referral(school, bad, Actor("school"))
    assert not Referral.objects.exists() and not ReferredPerson.objects.exists()


def test_a_known_person_written_differently_is_matched_to_their_family(school):
    m = known_person()
    # the surname in lower case, the postcode without its space: the linkage's standardisation reads them
    written = team.PersonReferred(m.first_name, m.last_name.lower(), m.dob, m.postcode.replace(" ", "").lower())
    referral = team.make_referral(school, form(written), Actor("school"))
    assert referral.family_id == m.family.family_id
    assert referral.people.get().person_id == m.person_id
    assert "matched family" in referral.match_detail


def test_a_person_the_data_does_not_know_is_not_matched(school):
    m = known_person()
    stranger = team.PersonReferred("Zebedee", "Quixotic-Nobody", m.dob.replace(year=1901), "ZZ9 9ZZ")
    referral = team.make_referral(school, form(stranger), Actor("school"))
    assert referral.family_id == "" and referral.same_as is None


def test_scoring_uses_the_linkage_levels_nickname_and_date_slip():
    rows = [("1", "", "William", "Smith", None, "NG7 2AB")]
    known = [("p1", "F1", "Bill", "Smith", None, "NG7 2AB"), ("p2", "F2", "Mary", "Jones", None, "LE1 1AA")]
    from datetime import date
    rows = [(*r[:4], date(1980, 3, 12), r[5]) for r in rows]
    known = [(*k[:4], date(1980, 3, 21), k[5]) for k in known]  # day digits swapped: a slip
    found = score(rows, known)
    assert [(m.other, m.family_id) for m in found] == [("p1", "F1")]
    assert score(rows, [("p3", "F3", "William", "Smith", date(1950, 1, 1), "TR1 1AA")]) == []


def test_two_referrals_of_one_unknown_family_are_seen_as_one(school, people, django_user_model):
    from datetime import date

    born = date(2009, 5, 17)
    first = team.make_referral(school, form(team.PersonReferred("Kayleigh", "Brennan", born, "NG5 1AA")),
                               Actor("school"))
    worker = django_user_model.objects.get(username="worker")
    second = team.make_referral(worker, form(team.PersonReferred("Kayleigh", "Brenan", born, "NG5 1AA"),
                                             agency="Family Support"), Actor("worker"))
    assert first.family_id == "" and second.same_as == first
    case = team.accept_referral(first.pk, "", Actor("manager"))
    assert case.family_id == f"R{first.pk:06d}" and case.status == CaseStatus.IDENTIFIED and case.area == "NG5"
    assert team.current_level(case) == team.support_levels().starting_level
    joined = team.accept_referral(second.pk, "", Actor("manager"))
    assert joined.pk == case.pk
    counts = referral_counts()
    assert counts.repeats_in_window == 1 and counts.families == 1
    assert counts.by_source == {"Family Support": 1, "Greenfield Primary": 1}
    assert counts.by_outcome == {"Accepted": 2} and counts.decided == 2


def test_accepting_a_known_familys_referral_joins_its_case_and_reopens_a_closed_one(school, people,
                                                                                      django_user_model):
    m = known_person()
    fid = m.family.family_id
    allocate(fid, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
             Actor("manager"))
    close_case(fid, ClosureReason.NEEDS_MET, date(2016, 1, 4), Actor("worker"), "finished")
    referral = team.make_referral(school, form(team.PersonReferred(m.first_name, m.last_name, m.dob, m.postcode)),
                                  Actor("school"))
    case = team.accept_referral(referral.pk, "welcome back", Actor("manager"))
    assert case.family_id == fid and case.status == CaseStatus.TRIAGED
    assert Case.objects.filter(family_id__startswith="R").count() == 0
    reasons = list(case.history.values_list("to_status", "reason"))
    assert reasons[-2][0] == CaseStatus.CLOSED and "re-referred by Greenfield Primary" in reasons[-1][1]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED and referral.case == case and referral.decided_by == "manager"
    with pytest.raises(team.TeamError, match="already accepted"):
        team.decline_referral(referral.pk, "social_care", "", Actor("manager"))


def test_decline_needs_a_reason_from_the_list_and_ask_for_more_goes_back_to_the_referrer(school, people,
                                                                                        django_user_model):
    referral = team.make_referral(school, form(team.PersonReferred("Amy", "Stone")), Actor("school"))
    with pytest.raises(team.TeamError, match="Select why"):
        team.decline_referral(referral.pk, "we are busy", "", Actor("manager"))
    team.ask_for_more(referral.pk, "Which school year is Amy in?", Actor("manager"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.MORE_INFO and referral.decided_at is None
    with pytest.raises(team.TeamError, match="not waiting for your answer"):
        team.answer_referral(referral.pk, django_user_model.objects.get(username="worker"), "Y3", Actor("worker"))
    team.answer_referral(referral.pk, school, "Year 3", Actor("school"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITING and "Answer: Year 3" in referral.worries
    team.decline_referral(referral.pk, "single_agency", "School support fits", Actor("manager"))
    referral.refresh_from_db()
    assert referral.get_decline_reason_display() == "A single-agency need"
    assert referral_counts().by_outcome == {"Declined": 1}


def test_a_re_referral_outside_the_window_is_a_new_referral(school):
    from datetime import date

    amy = team.PersonReferred("Amy", "Stone", date(2010, 1, 2), "NG5 1AA")
    first = team.make_referral(school, form(amy), Actor("school"))
    second = team.make_referral(school, form(amy), Actor("school"))
    assert second.same_as == first
    assert referral_counts().repeats_in_window == 1
    months = team.support_levels().rereferral_months
    Referral.objects.filter(pk=first.pk).update(at=first.at - timedelta(days=31 * months + 31))
    counts = referral_counts()
    assert counts.repeats_in_window == 0 and counts.families == 2


def test_a_new_familys_case_needs_an_area_for_its_triage(school):
    referral = team.make_referral(school, form(team.PersonReferred("Amy", "Stone")), Actor("school"))
    with pytest.raises(team.TeamError, match="Enter the area"):
        team.accept_referral(referral.pk, "", Actor("manager"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WAITING and not Case.objects.filter(family_id__startswith="R").exists()
    case = team.accept_referral(referral.pk, "", Actor("manager"), area="ng7")
    assert case.area == "NG7" and case.status == CaseStatus.IDENTIFIED


def test_a_family_set_aside_at_triage_goes_back_to_triage_when_referred(school):
    from priority_families.casedb.casework import not_allocate
    from priority_families.casedb.models import NotAllocatedReason

    m = known_person()
    fid = m.family.family_id
    not_allocate(fid, NotAllocatedReason.DEFERRED, Actor("manager"))
    referral = team.make_referral(school, form(team.PersonReferred(m.first_name, m.last_name, m.dob, m.postcode)),
                                  Actor("school"))
    case = team.accept_referral(referral.pk, "", Actor("manager"))
    assert case.family_id == fid and case.status == CaseStatus.IDENTIFIED
    assert "back to triage: referred by Greenfield Primary" in case.history.last().reason
