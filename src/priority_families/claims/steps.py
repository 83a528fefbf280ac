"""Where a claim stands: read from its append-only steps, never stored as a status that could be edited.

A claim is live from its proposal until it is rejected at check or withdrawn. It goes to government when it is
submitted in a batch; it counts in income and every report from that step's date until a withdrawal's date.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from priority_families.casedb.models import Claim, ClaimStep, StepKind, Verdict


class ClaimsError(ValueError):
    """A claims command was given something it cannot use (a bad window, an unknown family, a step out of turn);
    nothing was changed."""


def window_end(window: str) -> date:
    """'2015-07' -> 2015-07-31: claims in a window are evaluated on its last day."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", window)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ClaimsError(f"claim window {window!r} is not YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class ClaimState:
    """A claim with its steps by kind."""

    claim: Claim
    steps: dict[str, ClaimStep]

    def step(self, kind: StepKind) -> ClaimStep | None:
        return self.steps.get(kind.value)

    @property
    def checked(self) -> bool:
        step = self.step(StepKind.CHECKED)
        return step is not None and step.verdict == Verdict.VALID

    @property
    def rejected(self) -> bool:
        step = self.step(StepKind.CHECKED)
        return step is not None and step.verdict == Verdict.INVALID

    @property
    def submitted(self) -> bool:
        return StepKind.SUBMITTED.value in self.steps

    @property
    def withdrawn(self) -> bool:
        return StepKind.WITHDRAWN.value in self.steps

    @property
    def live(self) -> bool:
        return not (self.rejected or self.withdrawn)

    @property
    def ending(self) -> ClaimStep | None:
        """The step that ended the claim (a rejection at check or a withdrawal), if any."""
        return self.step(StepKind.WITHDRAWN) or (self.step(StepKind.CHECKED) if self.rejected else None)

    @property
    def status(self) -> str:
        """The claim's latest standing in words."""
        if self.withdrawn:
            return "withdrawn"
        if self.rejected:
            return "rejected at check"
        spot = self.step(StepKind.SPOT_CHECKED)
        if spot is not None:
            return f"spot-checked {spot.verdict}"
        if self.submitted:
            return "submitted"
        if StepKind.AUDITED.value in self.steps:
            return "checked and audited" if self.checked else "audited"
        return "checked" if self.checked else "proposed"


def states(claims: QuerySet[Claim]) -> list[ClaimState]:
    """These claims with their steps (two queries)."""
    return [ClaimState(c, {s.step: s for s in c.steps.all()}) for c in claims.prefetch_related("steps")]


def latest_state(family_id: str, route: str | None = None) -> ClaimState | None:
    """The family's latest claim by `route`, or its latest claim of any route when `route` is None (a family has
    at most one live claim per claim group, and ended ones before it)."""
    claims = Claim.objects.filter(family_id=family_id)
    if route is not None:
        claims = claims.filter(route=route)
    found = states(claims.order_by("-id")[:1])
    return found[0] if found else None


def latest_by_group(family_id: str) -> dict[str, ClaimState]:
    """The family's latest claim in each claim group it has been claimed in."""
    latest: dict[str, ClaimState] = {}
    for state in states(Claim.objects.filter(family_id=family_id).order_by("id")):
        latest[state.claim.claim_group] = state
    return latest


def live_state(family_id: str, route: str | None = None) -> ClaimState:
    """The family's live claim (by `route` where given), or an error that says why there is none, or that the
    family has two live claims and the route must be named."""
    latest = latest_by_group(family_id)
    if not latest:
        raise ClaimsError(f"family {family_id} has no claim")
    if route is not None:
        chosen = [s for s in latest.values() if s.claim.route == route]
        if not chosen:
            raise ClaimsError(f"family {family_id} has no {route.replace('_', ' ')} claim "
                              f"(its claims: {', '.join(sorted(s.claim.route for s in latest.values()))})")
    else:
        chosen = [s for s in latest.values() if s.live] or [max(latest.values(), key=lambda s: s.claim.id)]
        if len(chosen) > 1:
            raise ClaimsError(f"family {family_id} has {len(chosen)} live claims "
                              f"({', '.join(sorted(s.claim.route for s in chosen))}): name one with --route")
    state = chosen[0]
    if not state.live:
        raise ClaimsError(f"{state.claim.label} for window {state.claim.window} is already {state.status}")
    return state


def history(family_id: str) -> list[tuple[Claim, list[ClaimStep]]]:
    """Every claim the family has had, oldest first, with every step (who, when, verdict, reason)."""
    return [(s.claim, sorted(s.steps.values(), key=lambda step: step.id))
            for s in states(Claim.objects.filter(family_id=family_id).order_by("id"))]
