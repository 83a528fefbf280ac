"""Caseloads (open cases per worker and team, by level and status, weighted as the council sets, against each
worker's capacity) and the referral counts (by source, outcome, time to decide, repeat referrals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from statistics import median

from django.contrib.auth import get_user_model
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from priority_families.casedb.levels import support_levels
from priority_families.casedb.models import (
    Case,
    CaseStatus,
    LevelChange,
    Referral,
    ReferralStatus,
    Role,
    Team,
    WorkerCapacity,
)

CLOSED = (CaseStatus.CLOSED, CaseStatus.STEPPED_DOWN, CaseStatus.NOT_ALLOCATED)


@dataclass
class Caseload:
    """One worker's open cases: counts by level and by status, the weighted load and their capacity."""

    username: str
    name: str
    team: str
    by_level: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    weighted: Decimal = Decimal(0)
    capacity: Decimal | None = None

    @property
    def cases(self) -> int:
        return sum(self.by_level.values())

    @property
    def over(self) -> bool:
        return self.capacity is not None and self.weighted > self.capacity

    @property
    def share(self) -> int | None:
        """The weighted load as a percentage of capacity (None without a capacity)."""
        return round(100 * self.weighted / self.capacity) if self.capacity else None


def _level_now() -> Subquery:
    latest = LevelChange.objects.filter(case=OuterRef("pk")).order_by("-on", "-id").values("level")[:1]
    return Coalesce(Subquery(latest), Value(support_levels().starting_level))


def caseloads(team: Team | None = None) -> list[Caseload]:
    """Every active lead worker's caseload (of `team` only, when given), grouped by the database."""
    workers = get_user_model().objects.filter(is_active=True, profile__role=Role.LEAD_WORKER)
    if team is not None:
        workers = workers.filter(profile__team=team)
    workers = workers.select_related("profile__team").order_by("profile__team__name", "username")
    capacity = dict(WorkerCapacity.objects.values_list("user_id", "capacity"))
    loads = {w.pk: Caseload(w.username, w.get_full_name() or w.username,
                            w.profile.team.name if w.profile.team else "", capacity=capacity.get(w.pk))
             for w in workers}
    groups = (Case.objects.filter(lead_worker__in=list(loads)).exclude(status__in=CLOSED)
              .annotate(level_now=_level_now()).values("lead_worker", "level_now", "status")
              .annotate(n=Count("id")).order_by())
    levels = support_levels()
    for g in groups:  # one row per worker, level and status: a handful per worker
        load = loads[g["lead_worker"]]
        load.by_level[g["level_now"]] = load.by_level.get(g["level_now"], 0) + g["n"]
        load.by_status[g["status"]] = load.by_status.get(g["status"], 0) + g["n"]
        level = levels.get(g["level_now"])
        load.weighted += (level.weight if level else Decimal(1)) * g["n"]
    return list(loads.values())


@dataclass(frozen=True)
class TeamLoad:
    team: str
    cases: int
    weighted: Decimal
    capacity: Decimal


def team_totals(loads: list[Caseload]) -> list[TeamLoad]:
    """Each team's open cases, weighted load and capacity (the sum of its workers')."""
    teams: dict[str, list[Caseload]] = {}
    for load in loads:
        teams.setdefault(load.team, []).append(load)
    return [TeamLoad(name, sum(x.cases for x in rows), sum((x.weighted for x in rows), Decimal(0)),
                     sum((x.capacity or Decimal(0) for x in rows), Decimal(0))) for name, rows in sorted(teams.items())]


@dataclass(frozen=True)
class ReferralCounts:
    """The referral report: counts by referring agency and by outcome, the days from referral to decision,
    and how many referrals were repeats of a family referred within the council's window."""

    by_source: dict[str, int]
    by_outcome: dict[str, int]
    decided: int
    median_days_to_decide: float | None
    longest_days_to_decide: int | None
    repeats_in_window: int
    families: int


def referral_counts() -> ReferralCounts:
    """Counted by the database; a referral of a family already referred within the council's window
    (`rereferral_months`) counts once among `families` and is a repeat."""
    rows = Referral.objects.order_by()
    by_source = dict(rows.values_list("referrer_agency").annotate(n=Count("id")).order_by("referrer_agency"))
    by_outcome = {ReferralStatus(s).label: n for s, n in
                  rows.values_list("status").annotate(n=Count("id")).order_by("status")}
    decided = rows.filter(decided_at__isnull=False).annotate(took=F("decided_at") - F("at"))
    days = [t.days for t in decided.values_list("took", flat=True)]
    window = timedelta(days=round(30.44 * support_levels().rereferral_months))
    repeats = rows.filter(same_as__isnull=False).filter(at__lte=F("same_as__at") + window).count()
    return ReferralCounts(by_source, by_outcome, len(days), median(days) if days else None,
                          max(days) if days else None, repeats, rows.count() - repeats)


def open_referrals() -> int:
    return Referral.objects.filter(Q(status=ReferralStatus.WAITING) | Q(status=ReferralStatus.MORE_INFO)).count()
