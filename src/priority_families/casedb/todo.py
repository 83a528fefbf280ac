"""What is waiting for each person: the lists their home page starts from.

A manager sees the families waiting for triage in their team's areas and the referrals waiting for a decision;
a lead worker the plan actions due, the sustainability checks due and the lines awaiting attestation on their
cases; a partner practitioner the families whose team they are on; an analyst the programme's queues; an
auditor the claims drawn for audit that have no verdict yet. Each is a query over the case record, counted by
the database; the lists show the first few items (the full list is one link away).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from priority_families.casedb.models import (
    Case,
    CaseStatus,
    ClaimStep,
    FamilyProgress,
    PlanAction,
    Referral,
    ReferralStatus,
    SampleKind,
    SpotCheck,
    StepKind,
    SustainabilityCheck,
)

SHOWN = 5  # items listed under each task; the count says how many there are
ACTIONS_WITHIN_DAYS = 14
CHECKS_WITHIN_DAYS = 31


@dataclass(frozen=True)
class Item:
    """One thing waiting: the family it is about, what it is, and when it is due (if it has a date)."""

    family_id: str
    text: str
    due_on: date | None = None
    route: str = ""  # a sampled claim's route: a family may have two claims (decision 20)

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.due_on < date.today()


@dataclass(frozen=True)
class Task:
    """A kind of thing waiting for the person, how many there are, and the first few."""

    key: str
    title: str
    count: int
    items: list[Item] = field(default_factory=list)


def triage_waiting(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Cases no team leads yet that wait for a triage decision."""
    return cases.filter(status=CaseStatus.IDENTIFIED, team__isnull=True)


def referrals_waiting() -> QuerySet[Referral]:
    return Referral.objects.filter(status=ReferralStatus.WAITING)


def actions_due(cases: QuerySet[Case], on: date) -> QuerySet[PlanAction]:
    """Plan actions not done, due by `on` plus two weeks (or overdue), on open cases."""
    return (PlanAction.objects.filter(case__in=cases, done=False, due_on__lte=on + timedelta(days=ACTIONS_WITHIN_DAYS))
            .exclude(case__status=CaseStatus.CLOSED).order_by("due_on", "case__family_id"))


def checks_due(cases: QuerySet[Case], on: date) -> QuerySet[SustainabilityCheck]:
    """Sustainability checks still to record, due within a month of `on` (or overdue)."""
    return (SustainabilityCheck.objects.filter(case__in=cases, outcome=SustainabilityCheck.Outcome.DUE,
                                               due_on__lte=on + timedelta(days=CHECKS_WITHIN_DAYS))
            .order_by("due_on", "case__family_id"))


def attestations_awaited(cases: QuerySet[Case]) -> QuerySet[FamilyProgress]:
    """Lines of attached families whose result waits for a lead professional's attestation."""
    return (FamilyProgress.objects.filter(family_id__in=cases.exclude(status=CaseStatus.CLOSED).values("family_id"),
                                          line_status="awaiting_attestation")
            .order_by("family_id", "headline", "indicator"))


def samples_without_verdict() -> QuerySet[SpotCheck]:
    """Claims drawn for internal audit or spot check whose audit step is not recorded yet."""
    audited = ClaimStep.objects.filter(claim=OuterRef("claim"), step=StepKind.AUDITED)
    checked = ClaimStep.objects.filter(claim=OuterRef("claim"), step=StepKind.SPOT_CHECKED)
    return (SpotCheck.objects.filter(
        Q(kind=SampleKind.INTERNAL_AUDIT, claim__isnull=False) & ~Q(Exists(audited))
        | Q(kind=SampleKind.SPOT_CHECK, claim__isnull=False) & ~Q(Exists(checked)))
        .order_by("window", "family_id"))


def manager_tasks(cases: QuerySet[Case]) -> list[Task]:
    waiting = triage_waiting(cases)
    referrals = referrals_waiting()
    return [
        Task("triage", "Families waiting for triage in your areas", waiting.count(),
             [Item(c.family_id, "Waiting for a decision") for c in waiting.order_by("family_id")[:SHOWN]]),
        Task("referrals", "Referrals waiting for a decision", referrals.count(),
             [Item(r.family_id, f"Referral {r.pk} from {r.referrer_agency}") for r in referrals.order_by("pk")[:SHOWN]]),
    ]


def worker_tasks(cases: QuerySet[Case], on: date) -> list[Task]:
    actions, checks, lines = actions_due(cases, on), checks_due(cases, on), attestations_awaited(cases)
    return [
        Task("actions", "Plan actions due", actions.count(),
             [Item(a.case.family_id, a.description, a.due_on) for a in actions.select_related("case")[:SHOWN]]),
        Task("checks", "Sustainability checks due", checks.count(),
             [Item(c.case.family_id, "Check the results have lasted", c.due_on)
              for c in checks.select_related("case")[:SHOWN]]),
        Task("attestations", "Attestations awaited", lines.count(),
             [Item(p.family_id, f"{p.headline}|{p.indicator}") for p in lines[:SHOWN]]),
    ]


def auditor_tasks() -> list[Task]:
    samples = samples_without_verdict()
    return [Task("samples", "Claims drawn for audit without a verdict", samples.count(),
                 [Item(s.family_id, f"{s.get_kind_display()}, {s.claim.route.replace('_', ' ')} claim, window {s.window}",
                       route=s.claim.route) for s in samples.select_related("claim")[:SHOWN]])]


def analyst_tasks(cases: QuerySet[Case], on: date) -> list[Task]:
    """The programme's queues: triage and referrals everywhere, and checks due on any case."""
    return [*manager_tasks(cases), Task("checks", "Sustainability checks due", checks_due(cases, on).count())]
