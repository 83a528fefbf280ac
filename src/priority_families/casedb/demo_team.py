"""A team around a family on the synthetic demo's case record, so every journey of the team pages can be walked
at once (`pf team demo`, run by `make demo`): a manager and two lead workers with capacities, partner
practitioners (a school, a health visitor, housing), an analyst and an auditor, one family allocated with housing on its team, and a
person the school can refer who is a member of that family (the referral will match it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from priority_families.casedb.casework import Actor, allocate
from priority_families.casedb.models import Agency, Area, Case, CaseStatus, Member, Role, Team
from priority_families.casedb.team import add_member, set_capacity, step_level
from priority_families.casedb.users import add_user

DEMO_PASSWORD = "synthetic-demo-only"
TEAM = "Demo family intervention team"
AGENCY = "Family Intervention Service"
USERS = (
    ("demo-manager", Role.TEAM_MANAGER, "Maya Manager", TEAM, AGENCY),
    ("demo-worker", Role.LEAD_WORKER, "Lee Worker", TEAM, AGENCY),
    ("demo-worker2", Role.LEAD_WORKER, "Lou Worker", TEAM, AGENCY),
    ("demo-school", Role.PARTNER, "Sam School", "", "Greenfield Primary School"),
    ("demo-hv", Role.PARTNER, "Hana Visitor", "", "Health Visiting Service"),
    ("demo-housing", Role.PARTNER, "Hal Housing", "", "District Council Housing"),
    ("demo-analyst", Role.ANALYST, "Ann Analyst", "", ""),
    ("demo-auditor", Role.AUDITOR, "Aud Auditor", "", ""),
)
CAPACITY = {"demo-worker": Decimal(10), "demo-worker2": Decimal(6)}


@dataclass(frozen=True)
class DemoTeam:
    """What was set up: the users, the family allocated, and the person the school can refer."""

    users: list[str]
    family_id: str
    refer: Member | None


def set_up_demo_team(by: str) -> DemoTeam:
    """Add the demo's team (users that exist already are kept) and allocate one identified family to it."""
    users = get_user_model().objects
    with transaction.atomic():
        for username, role, name, team, agency in USERS:
            if not users.filter(username=username).exists():
                add_user(username, role, DEMO_PASSWORD, by, name, team=team, agency=agency)
        Team.objects.get(name=TEAM).areas.set(Area.objects.all() or _areas())
        actor = Actor(by)
        for username, capacity in CAPACITY.items():
            set_capacity(users.get(username=username), capacity, actor)
        case = (Case.objects.filter(lead_worker__username="demo-worker").first()
                or Case.objects.filter(status=CaseStatus.IDENTIFIED).order_by("family_id").first())
        if case is None:
            raise ValueError("no identified family to allocate: publish a refresh first (pf web publish)")
        if case.lead_worker_id is None:
            allocate(case.family_id, Agency.objects.get_or_create(name=AGENCY)[0], users.get(username="demo-worker"),
                     actor)
            step_level(case.family_id, "targeted_early_help", date.today(), "allocated at triage", actor)
            add_member(case.family_id, users.get(username="demo-housing"), "District Council Housing", "housing",
                       date.today(), actor)
    refer = (Member.objects.filter(family__family_id=case.family_id).exclude(first_name="").exclude(dob=None)
             .order_by("dob").first())
    return DemoTeam([u[0] for u in USERS], case.family_id, refer)


def _areas() -> list[Area]:
    codes = Case.objects.order_by().values_list("area", flat=True).distinct()
    return [Area.objects.get_or_create(code=c)[0] for c in codes if c]
