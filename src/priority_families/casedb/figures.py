"""The programme's headline figures, from the case record alone: what the dashboard, the return and every
report count, under one written definition each.

- **identified**: families with a case (opened when a refresh first found the family eligible, or when it was
  attached through a bulk file);
- **triaged**: cases a triage decision has been made on (no longer just identified);
- **worked with**: a family is worked with from its attachment date, whatever happens to its case afterwards
  (assessed, claimed, stepped down or closed): the count on a date D is the families attached on or before D.
  This is what the government's returns and the councils' board papers call families "worked with";
- **claimed**: families with a results claim submitted to government on or before D and not withdrawn on or
  before D (`claims_standing`). A proposed or checked claim has not been claimed; a withdrawal takes the family
  out from the withdrawal's date, never before it.
- **claims**: the results claims standing on D (the same definition, counted per claim): a national-2012 family
  claimed for progress to work beside its crime and education result is one family claimed and two claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from priority_families.casedb.models import Attachment, Case, CaseStatus, Claim, ClaimStep, StepKind

WORKED_WITH = "families attached on or before the date, whatever has happened to their case since"


def worked_with(attachments: QuerySet[Attachment], on: date | None = None) -> QuerySet[Attachment]:
    """The attachments that count as families worked with on `on` (all recorded, when `on` is None)."""
    return attachments if on is None else attachments.filter(attached_on__lte=on)


CLAIMED = "results claims submitted on or before the date and not withdrawn on or before it"


def claims_standing(on: date | None = None) -> QuerySet[Claim]:
    """The claims that count on `on` (all recorded, when None): submitted by then and not withdrawn by then.
    Income, the return and every figure count claims through this."""
    submitted = ClaimStep.objects.filter(claim=OuterRef("pk"), step=StepKind.SUBMITTED)
    withdrawn = ClaimStep.objects.filter(claim=OuterRef("pk"), step=StepKind.WITHDRAWN)
    if on is not None:
        submitted, withdrawn = submitted.filter(on__lte=on), withdrawn.filter(on__lte=on)
    return Claim.objects.filter(Exists(submitted)).exclude(Exists(withdrawn))


@dataclass(frozen=True)
class Figures:
    identified: int
    triaged: int
    worked_with: int
    claimed: int
    claims: int


def _counts(on: date | None) -> dict[str, Count]:
    attached = worked_with(Attachment.objects.filter(family_id=OuterRef("family_id")), on)
    claims = claims_standing(on).filter(family_id=OuterRef("family_id"))
    per_family = claims.order_by().values("family_id").annotate(n=Count("pk")).values("n")
    return {
        "identified": Count("id"),
        "triaged": Count("id", filter=~Q(status=CaseStatus.IDENTIFIED)),
        "worked_with": Count("id", filter=Q(Exists(attached))),
        "claimed": Count("id", filter=Q(Exists(claims))),
        "claims": Coalesce(Sum(Subquery(per_family, output_field=IntegerField())), 0),
    }


def programme_figures(cases: QuerySet[Case], on: date | None = None) -> tuple[Figures, list[dict], list[dict]]:
    """The figures for these cases, and the same by area and by lead agency (one pass over the cases each)."""
    counts = _counts(on)
    by_area = list(cases.values("area").annotate(**counts).order_by("area"))
    totals = Figures(**{key: sum(row[key] for row in by_area) for key in counts})
    by_agency = list(cases.exclude(agency=None).values("agency__name").annotate(**counts).order_by("agency__name"))
    return totals, by_area, by_agency


def ledger_figures(on: date | None = None) -> Figures:
    """The same figures counted straight from the ledgers (attachments and claims), for checking the case
    record against them: every attached or claimed family must have its case."""
    attached = worked_with(Attachment.objects.all(), on)
    return Figures(identified=Case.objects.count(), triaged=Case.objects.exclude(status=CaseStatus.IDENTIFIED).count(),
                   worked_with=attached.count(),
                   claimed=claims_standing(on).values("family_id").distinct().count(),
                   claims=claims_standing(on).count())


def figures_by_place(cases: QuerySet[Case], level: str, on: date | None = None) -> list[dict]:
    """The same figures per area at a level of the geography (`casedb.places`): every area listed, zeros
    included, sorted naturally."""
    from priority_families.casedb.places import count_by_place  # places reads the published tables too

    return count_by_place(cases, level, _counts(on))
