"""The team around the family, in the case record: members, meetings, assessment, family map, levels of
support, reopening and caseloads; every refusal changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from priority_families.casedb import team
from priority_families.casedb.caseloads import caseloads, team_totals
from priority_families.casedb.casework import Actor, allocate, close_case, reopen
from priority_families.casedb.levels import LevelsError, parse_levels, support_levels
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Case,
    CaseMember,
    CaseStatus,
    ClosureReason,
    LevelChange,
    Member,
    Role,
    StatusChange,
)
from priority_families.casedb.users import add_user

pytestmark = pytest.mark.django_db
PASSWORD = "Test-password-for-the-tracker-1"
ME = Actor("worker")


@pytest.fixture
def case(published, people, django_user_model) -> Case:
    """A family allocated to `worker`, and a health visitor with a tracker account."""
    fid = Case.objects.order_by("family_id").values_list("family_id", flat=True)[0]
    allocate(fid, Agency.objects.get(name="Family Support"), django_user_model.objects.get(username="worker"),
             Actor("manager"))
    add_user("hv", Role.PARTNER, PASSWORD, "test", "Hana Visitor", agency="Health visiting")
    return Case.objects.get(family_id=fid)


def hv(django_user_model):
    return django_user_model.objects.get(username="hv")


def test_a_member_is_added_and_removed_with_dates_and_logged(case, django_user_model):
    member = team.add_member(case.family_id, hv(django_user_model), "Health visiting", "health_visitor",
                             date(2015, 9, 1), ME)
    assert member.removed_on is None and member.added_by == "worker"
    assert AccessLog.objects.filter(action=AccessAction.CHANGE, target=f"family {case.family_id}",
                                    detail__contains="team member hv added").exists()
    team.remove_member(case.family_id, member.pk, date(2015, 12, 1), ME)
    member.refresh_from_db()
    assert member.removed_on == date(2015, 12, 1) and member.removed_by == "worker"
    # added again later: a second dated row, the first kept
    team.add_member(case.family_id, hv(django_user_model), "Health visiting", "health_visitor", date(2016, 1, 4), ME)
    assert CaseMember.objects.filter(case=case).count() == 2


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.STEPPED_DOWN])
def test_no_member_joins_a_closed_case(case, django_user_model, status):
    Case.objects.filter(pk=case.pk).update(status=status)
    with pytest.raises(team.TeamError, match="no one can join its team until the case is reopened"):
        team.add_member(case.family_id, hv(django_user_model), "Health visiting", "health_visitor",
                        date(2015, 9, 1), ME)
    assert not CaseMember.objects.exists()


def test_member_refusals_name_the_reason(case, django_user_model, people):
    user = hv(django_user_model)
    analyst = django_user_model.objects.get(username="analyst")
    with pytest.raises(team.TeamError, match="not an active practitioner"):
        team.add_member(case.family_id, analyst, "Council", "other", date(2015, 9, 1), ME)
    with pytest.raises(team.TeamError, match="not a role on a case"):
        team.add_member(case.family_id, user, "Health visiting", "astronaut", date(2015, 9, 1), ME)
    with pytest.raises(team.TeamError, match="agency"):
        team.add_member(case.family_id, user, " ", "health_visitor", date(2015, 9, 1), ME)
    team.add_member(case.family_id, user, "Health visiting", "health_visitor", date(2015, 9, 1), ME)
    with pytest.raises(team.TeamError, match="already on this family's team"):
        team.add_member(case.family_id, user, "Health visiting", "health_visitor", date(2015, 9, 2), ME)
    member = CaseMember.objects.get()
    with pytest.raises(team.TeamError, match="before they joined"):
        team.remove_member(case.family_id, member.pk, date(2015, 8, 1), ME)
    assert CaseMember.objects.get().removed_on is None


def test_a_team_meeting_feeds_the_family_plan(case):
    meeting = team.record_meeting(case.family_id, date(2015, 10, 5), ["Wendy Worker (Family Support)", "Hana (HV)"],
                                  "Health visitor to see mum weekly",
                                  [team.MeetingAction("Weekly visit", "Hana Visitor", date(2015, 11, 1)),
                                   team.MeetingAction("School meeting", "Wendy Worker")], ME)
    assert meeting.attendees() == ["Wendy Worker (Family Support)", "Hana (HV)"]
    plan = list(case.actions.values_list("description", "owner"))
    assert ("Weekly visit", "Hana Visitor") in plan and len(plan) == 2
    assert set(meeting.actions.values_list("description", flat=True)) == {"Weekly visit", "School meeting"}
    with pytest.raises(team.TeamError, match="who attended"):
        team.record_meeting(case.family_id, date(2015, 10, 6), [" "], "x", [], ME)
    with pytest.raises(team.TeamError, match="before it is held"):
        team.record_meeting(case.family_id, date.today() + timedelta(days=2), ["A"], "x", [], ME)
    assert case.meetings.count() == 1 and case.actions.count() == 2


def test_an_assessment_is_per_headline_of_the_plan_with_a_scored_family_view(case):
    headline = team.plan_headlines()[0][0]
    scale = support_levels().assessment_scale
    a = team.record_assessment(case.family_id, date(2015, 10, 1), "Wendy Worker",
                               [team.HeadlineView(headline, "attendance 70%", "loves art", "we want help", 4),
                                team.HeadlineView("health")], ME)
    assert [(ln.headline, ln.score, ln.family_view) for ln in a.lines.all()] == [(headline, 4, "we want help")]
    assert a.scale == scale.name
    with pytest.raises(team.TeamError, match="not a headline of the plan"):
        team.record_assessment(case.family_id, date(2015, 10, 1), "W", [team.HeadlineView("nope", "x")], ME)
    with pytest.raises(team.TeamError, match=f"from {scale.lowest} to {scale.highest}"):
        team.record_assessment(case.family_id, date(2015, 10, 1), "W",
                               [team.HeadlineView(headline, "x", score=scale.highest + 1)], ME)
    with pytest.raises(team.TeamError, match="at least one headline"):
        team.record_assessment(case.family_id, date(2015, 10, 1), "W", [team.HeadlineView(headline)], ME)
    assert case.assessments.count() == 1


def test_the_family_map_adds_people_without_changing_the_resolved_household(case):
    before = list(Member.objects.filter(family__family_id=case.family_id).values_list("person_id", flat=True))
    team.add_map_person(case.family_id, "Grandma Joan", "maternal grandmother", "Elsewhere, cares after school", ME)
    assert case.map_people.get().relationship == "maternal grandmother"
    assert list(Member.objects.filter(family__family_id=case.family_id).values_list("person_id", flat=True)) == before
    with pytest.raises(team.TeamError, match="name"):
        team.add_map_person(case.family_id, "", "uncle", "nearby", ME)


def test_levels_step_up_and_down_with_dates_and_reasons(case):
    first = team.step_level(case.family_id, "targeted_early_help", date(2015, 9, 1), "start", ME)
    up = team.step_level(case.family_id, "intensive_family_intervention", date(2015, 10, 1), "DV incident", ME)
    down = team.step_level(case.family_id, "universal", date(2016, 3, 1), "school stable", ME)
    assert [first.step, up.step, down.step] == [LevelChange.Step.SET, LevelChange.Step.UP, LevelChange.Step.DOWN]
    assert team.current_level(case) == "universal"
    with pytest.raises(team.TeamError, match="not one of the council's levels of support"):
        team.step_level(case.family_id, "platinum", date(2016, 4, 1), "x", ME)
    with pytest.raises(team.TeamError, match="already at"):
        team.step_level(case.family_id, "universal", date(2016, 4, 1), "x", ME)
    with pytest.raises(team.TeamError, match="dated after"):
        team.step_level(case.family_id, "targeted_early_help", date(2016, 1, 1), "x", ME)
    with pytest.raises(team.TeamError, match="why"):
        team.step_level(case.family_id, "targeted_early_help", date(2016, 4, 1), " ", ME)
    assert case.levels.count() == 3


def test_a_closed_case_is_reopened_with_its_history_intact(case):
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ATTACHED, attached_on=date(2015, 9, 1))
    close_case(case.family_id, ClosureReason.OTHER, date(2016, 1, 4), ME, "work done")
    before = StatusChange.objects.filter(case=case).count()
    reopened = reopen(case.family_id, "re-referred by the school", ME)
    assert reopened.status == CaseStatus.ATTACHED and reopened.attached_on == date(2015, 9, 1)
    history = list(StatusChange.objects.filter(case=case).values_list("to_status", flat=True))
    assert len(history) == before + 1 and history[-2:] == [CaseStatus.CLOSED, CaseStatus.ATTACHED]
    with pytest.raises(team.CaseworkError, match="only a closed or stepped-down case can be reopened"):
        reopen(case.family_id, "again", ME)
    with pytest.raises(team.CaseworkError, match="why"):
        reopen(case.family_id, "", ME)


def test_a_case_without_attachment_reopens_to_triaged(case):
    close_case(case.family_id, ClosureReason.OTHER, date(2016, 1, 4), ME, "no engagement")
    assert reopen(case.family_id, "back", ME).status == CaseStatus.TRIAGED


def test_caseloads_weigh_open_cases_by_level_against_capacity(case, django_user_model):
    worker = django_user_model.objects.get(username="worker")
    ids = list(Case.objects.exclude(pk=case.pk).order_by("family_id").values_list("family_id", flat=True)[:2])
    for fid in ids:
        allocate(fid, Agency.objects.get(name="Family Support"), worker, ME)
    team.step_level(case.family_id, "intensive_family_intervention", date(2015, 9, 1), "high need", ME)
    close_case(ids[1], ClosureReason.OTHER, date(2016, 1, 4), ME, "closed")  # a closed case is no load
    weights = {lv.code: lv.weight for lv in support_levels().levels}
    team.set_capacity(worker, Decimal("2.5"), Actor("manager"))
    rows = {r.username: r for r in caseloads()}
    mine = rows["worker"]
    assert mine.by_level == {"intensive_family_intervention": 1, support_levels().starting_level: 1}
    assert mine.by_status == {"triaged": 2}
    assert mine.weighted == weights["intensive_family_intervention"] + weights[support_levels().starting_level]
    assert mine.capacity == Decimal("2.5") and mine.over is (mine.weighted > Decimal("2.5"))
    assert rows["worker2"].cases == 0 and rows["worker2"].capacity is None
    north = {t.team: t for t in team_totals(list(rows.values()))}["North"]
    assert north.cases == 2 and north.capacity == Decimal("2.5")
    assert {r.username for r in caseloads(worker.profile.team)} == {"worker", "worker2"}
    with pytest.raises(team.TeamError, match="negative"):
        team.set_capacity(worker, Decimal(-1), ME)


def test_a_levels_file_with_an_unknown_starting_level_names_the_file_and_key(tmp_path):
    bad = tmp_path / "levels.yaml"
    text = ("levels:\n  - {code: universal, label: U, weight: 1}\nstarting_level: gold\nrereferral_months: 12\n"
            "assessment_scale: {name: s, lowest: 1, highest: 5}\n")
    with pytest.raises(LevelsError, match=r"levels.yaml.*starting_level: 'gold' is not one of the levels"):
        parse_levels(text, bad)
    with pytest.raises(LevelsError, match=r"levels\.0\.weight"):
        parse_levels(text.replace("weight: 1", "weight: -1").replace("gold", "universal"), bad)
    assert parse_levels(text.replace("gold", "universal"), bad).rank("universal") == 0


def test_reopening_an_attached_case_leaves_its_attachment_and_frozen_baseline_alone(case, county):
    from priority_families.casedb.models import Attachment, BaselineLine, BaselineMember
    from priority_families.core.engine import Workspace
    from priority_families.outcomes.attach import attach_allocated

    attach_allocated(Workspace(path=county), case.family_id, date(2015, 8, 31), "worker")

    def frozen() -> tuple:
        return (list(Attachment.objects.filter(family_id=case.family_id).values_list("pk", "attached_on")),
                list(BaselineLine.objects.filter(attachment__family_id=case.family_id).values_list("pk", flat=True)),
                list(BaselineMember.objects.filter(attachment__family_id=case.family_id)
                     .values_list("pk", flat=True)))

    before = frozen()
    assert before[0] and before[1]
    close_case(case.family_id, ClosureReason.OTHER, date(2016, 1, 4), ME, "done")
    reopened = reopen(case.family_id, "re-referred", ME)
    assert reopened.status == CaseStatus.ATTACHED and reopened.attached_on == date(2015, 8, 31)
    assert frozen() == before


def test_a_membership_saved_outside_the_team_functions_is_logged_too(case, django_user_model):
    from priority_families.casedb.audit import acting_as

    before = AccessLog.objects.filter(target=f"family {case.family_id}").count()
    with acting_as("shell-user"):
        CaseMember.objects.create(case=case, user=hv(django_user_model), agency="x", role_on_case="other",
                                  added_on=date(2015, 9, 1), added_by="shell-user")
    row = AccessLog.objects.filter(target=f"family {case.family_id}").order_by("-id").first()
    assert AccessLog.objects.filter(target=f"family {case.family_id}").count() == before + 1
    assert row.username == "shell-user" and "team member" in row.detail
    team.add_member(case.family_id, django_user_model.objects.get(username="worker2"), "Family Support", "other",
                    date(2015, 9, 1), ME)  # the named door writes exactly one row
    assert AccessLog.objects.filter(target=f"family {case.family_id}").count() == before + 2
