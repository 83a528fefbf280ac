"""A claim's life after its proposal: checked, audited, submitted in a batch, spot-checked, withdrawn.

Each step is a new `ClaimStep` row written with its audit row (and the case's, through `casedb.casework`) in
one transaction; a step out of turn raises `ClaimsError` and changes nothing. Money moves on two steps only:
a submission (income from its date) and a withdrawal after submission (income reversed in the month it is
recorded). A month closes once a later month has a money step: a money step dated in a closed month is
refused, so a month's figures, once a later month has begun, never change.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Count, Max

from priority_families.casedb.casework import (
    Actor,
    record_claim,
    record_claim_step,
    record_withdrawal,
    withdrawn_families,
)
from priority_families.casedb.models import (
    Attachment,
    AuditEvent,
    Claim,
    ClaimBatch,
    ClaimStep,
    SampleKind,
    SpotCheck,
    StepKind,
    Verdict,
)
from priority_families.claims.steps import ClaimsError, ClaimState, live_state, states, window_end
from priority_families.outcomes.progress import attachment_plan
from priority_families.plans.schema import Plan, WithdrawalEffect

BATCH_COLUMNS = ("family_id", "route", "window", "claimed_on", "amount", "plan_id", "pack_sha256")
DECLARATION = ("I declare that, to the best of my knowledge, the families in this claim meet the criteria of "
               "the Outcomes Plan, that the results claimed are supported by the evidence held, and that the "
               "claims have been checked and are open to spot check.")
MONEY_STEPS = (StepKind.SUBMITTED, StepKind.WITHDRAWN)


def _window_states(window: str) -> list[ClaimState]:
    window_end(window)
    return states(Claim.objects.filter(window=window).order_by("family_id", "id"))


def _live_in_window(window: str, family_id: str, route: str | None = None) -> ClaimState:
    state = live_state(family_id, route)
    if state.claim.window != window:
        raise ClaimsError(f"{state.claim.label} is live for window {state.claim.window}, not {window}")
    return state


def split_ref(ref: str, route: str | None = None) -> tuple[str, str | None]:
    """FAMILY:ROUTE (as `claim_refs` writes it) or FAMILY (with `route`, if any) as (family, route)."""
    family_id, _, named = ref.partition(":")
    if named and route and named != route:
        raise ClaimsError(f"{ref} and route {route} name two different claims")
    return family_id, named or route


def claim_refs(claims: list[Claim]) -> list[str]:
    """How commands name these claims (all of one window): the family, or FAMILY:ROUTE for a family claimed in
    two groups in the window, so each names one claim (`pf claims audit --family` takes either)."""
    window = {c.window for c in claims}
    families = [c.family_id for c in claims]
    two = set(Claim.objects.filter(window__in=window, family_id__in=families).values("family_id")
              .annotate(n=Count("id")).filter(n__gt=1).values_list("family_id", flat=True))
    return [f"{c.family_id}:{c.route}" if c.family_id in two else c.family_id for c in claims]


def _named(by: str) -> str:
    if not by.strip():
        raise ClaimsError("name the person who takes this step (--by)")
    return by.strip()


def _step(state: ClaimState, kind: StepKind, by: str, on: date, actor: str, **fields: object) -> ClaimStep:
    """Write one step, its audit row and the case's history row; a step already taken is refused."""
    if state.step(kind) is not None:
        raise ClaimsError(f"{state.claim.label} for window {state.claim.window} is already {kind.label.lower()}")
    try:
        with transaction.atomic():
            step = ClaimStep.objects.create(claim=state.claim, step=kind, by=by, on=on, recorded_by=actor, **fields)
    except IntegrityError as exc:  # taken by another run since we looked
        raise ClaimsError(f"{state.claim.label} is already {kind.label.lower()}") from exc
    state.steps[kind.value] = step
    detail = {"step": kind.value, "window": state.claim.window, "route": state.claim.route, "by": by, "on": on.isoformat(),
              **{k: str(v) for k, v in fields.items() if k in ("verdict", "reason", "amount_to_repay")}}
    AuditEvent.objects.create(action="claim", family_id=state.claim.family_id, actor=actor, detail=detail)
    return step


def check_claims(window: str, family_ids: list[str] | None, by: str, actor: str, on: date,
                 reject_reason: str = "", route: str | None = None) -> list[str]:
    """A named person confirms these proposed claims (eligibility, whole-family working, the result against the
    pack's evidence), or rejects them with a reason; `family_ids` None takes every unchecked live claim of the
    window, else each family's live claim (FAMILY:ROUTE, or `route`, names one where a family has two live
    claims). All or none: one claim that cannot be checked changes nothing."""
    by = _named(by)
    verdict = Verdict.INVALID if reject_reason.strip() else Verdict.VALID
    if family_ids is None:
        chosen = [s for s in _window_states(window) if s.live and s.step(StepKind.CHECKED) is None]
    else:
        chosen = [_live_in_window(window, *split_ref(f, route)) for f in family_ids]
    with transaction.atomic():
        for state in chosen:
            _step(state, StepKind.CHECKED, by, on, actor, verdict=verdict, reason=reject_reason.strip()[:500])
            word = "rejected at check" if verdict == Verdict.INVALID else "checked"
            record_claim_step(state.claim.family_id, f"{_what(state.claim)} for window {window} {word} by {by}",
                              Actor(actor))
    return [s.claim.family_id for s in chosen]


def _what(claim: Claim) -> str:
    """The claim in a case history row: which route, since a family may have two."""
    return f"{claim.route.replace('_', ' ')} claim"


def draw_sample(kind: SampleKind, window: str, share: float, seed: int, actor: str) -> list[str]:
    """Draw a reproducible sample of a window's claims and record it (same seed, same sample): an internal
    audit draws from the live claims not yet submitted, a spot check from the live claims submitted. A sample
    draws claims, not families (a family claimed in two groups is two payments, each on its own evidence);
    returns the claims drawn as `claim_refs` names them."""
    if not 0 < share <= 1:
        raise ClaimsError(f"share {share} must be in (0, 1]")
    window_end(window)
    drawn = _drawn(kind, window, share, seed)
    if drawn is not None:
        return drawn
    submitted = kind == SampleKind.SPOT_CHECK
    pool = sorted((s.claim for s in _window_states(window) if s.live and s.submitted == submitted),
                  key=lambda c: (c.family_id, c.claim_group))
    sample = sorted(random.Random(seed).sample(pool, math.ceil(share * len(pool))),
                    key=lambda c: (c.family_id, c.claim_group)) if pool else []
    refs = claim_refs(sample)
    try:
        with transaction.atomic():
            SpotCheck.objects.bulk_create(SpotCheck(kind=kind, window=window, family_id=c.family_id, claim=c,
                                                    seed=seed, share=share) for c in sample)
            AuditEvent.objects.create(action="spotcheck", actor=actor, detail={
                "kind": kind.value, "window": window, "seed": seed, "share": share, "families": refs})
    except IntegrityError:  # drawn by another run meanwhile: that draw stands
        return _drawn(kind, window, share, seed) or []
    return refs


def draw_spot_check(window: str, share: float, seed: int, actor: str) -> list[str]:
    """The spot check's draw from a window's submitted claims (`draw_sample`)."""
    return draw_sample(SampleKind.SPOT_CHECK, window, share, seed, actor)


def _drawn(kind: SampleKind, window: str, share: float, seed: int) -> list[str] | None:
    """The window's recorded draw (None when there is none); a different seed or share is refused."""
    drawn = list(SpotCheck.objects.filter(kind=kind, window=window).select_related("claim")
                 .order_by("family_id", "claim__claim_group"))
    if not drawn:
        return None
    if drawn[0].seed != seed or drawn[0].share != share:
        raise ClaimsError(f"window {window} already has a {kind.label.lower()} sample drawn with seed "
                          f"{drawn[0].seed} and share {drawn[0].share}")
    return claim_refs([d.claim for d in drawn])


def _sampled(kind: SampleKind, window: str, family_id: str, route: str | None) -> ClaimState:
    """The family's claim drawn in the window's sample (by `route`: a family with two drawn needs it)."""
    drawn = SpotCheck.objects.filter(kind=kind, window=window, family_id=family_id)
    claims = Claim.objects.filter(pk__in=drawn.exclude(claim=None).values("claim_id"))
    if drawn.filter(claim=None).exists():  # a draw recorded before samples named their claim: the family's
        claims = Claim.objects.filter(family_id=family_id, window=window)
    if route is not None:
        claims = claims.filter(route=route)
    found = states(claims.order_by("id"))
    if not found:
        raise ClaimsError(f"family {family_id}{f' ({route})' if route else ''} is not in the "
                          f"{kind.label.lower()} sample of window {window}")
    if len(found) > 1:
        raise ClaimsError(f"family {family_id} has {len(found)} claims in the {kind.label.lower()} sample of window "
                          f"{window} ({', '.join(s.claim.route for s in found)}): name one with --route")
    return found[0]


def record_verdict(kind: SampleKind, window: str, family_id: str, verdict: Verdict, reason: str, by: str,
                   actor: str, on: date, route: str | None = None) -> ClaimStep:
    """Record what an internal audit or a spot check found on a sampled claim (the family's, by `route` or
    FAMILY:ROUTE where two of its claims were drawn); an invalid verdict withdraws the claim in the same transaction (a submitted
    claim's amount is to be repaid)."""
    by = _named(by)
    if verdict == Verdict.INVALID and not reason.strip():
        raise ClaimsError("give the reason the claim is invalid (--reason)")
    family_id, route = split_ref(family_id, route)
    state = _sampled(kind, window, family_id, route)
    if not state.live:
        raise ClaimsError(f"{state.claim.label} for window {window} is already {state.status}")
    step_kind = StepKind.SPOT_CHECKED if kind == SampleKind.SPOT_CHECK else StepKind.AUDITED
    with transaction.atomic():
        step = _step(state, step_kind, by, on, actor, verdict=verdict, reason=reason.strip()[:500])
        if verdict == Verdict.INVALID:
            _withdraw(state, f"{kind.label.lower()} found the claim invalid: {reason.strip()}",
                      by, on, actor)
        else:
            record_claim_step(family_id, f"{_what(state.claim)} for window {window}: {step_kind.label.lower()} "
                              f"valid by {by}", Actor(actor))
    return step


def unaudited(window: str) -> list[str]:
    """The claims in the window's internal audit sample that are live without an audit verdict (`claim_refs`)."""
    sampled = SpotCheck.objects.filter(kind=SampleKind.INTERNAL_AUDIT, window=window).values_list("claim_id")
    waiting = [s.claim for s in states(Claim.objects.filter(pk__in=sampled).order_by("family_id", "claim_group"))
               if s.live and s.step(StepKind.AUDITED) is None]
    return claim_refs(waiting)


def _closed_before(on: date) -> None:
    """Refuse a money step dated in a closed month (one before the latest month with a money step)."""
    latest = ClaimStep.objects.filter(step__in=MONEY_STEPS).aggregate(latest=Max("on"))["latest"]
    if latest is not None and (on.year, on.month) < (latest.year, latest.month):
        raise ClaimsError(f"{on.isoformat()} falls in a closed month: the ledger has money recorded in "
                          f"{latest:%Y-%m}; date this step in {latest:%Y-%m} or later")


@dataclass(frozen=True)
class Submission:
    batch: ClaimBatch
    families: list[str]
    batch_csv: Path
    declaration: Path


def submit_batch(window: str, signed_by: str, on: date, out: Path, actor: str) -> Submission:
    """Submit every checked, live, unsubmitted claim of the window to government as one batch, with the
    declaration signed by `signed_by` on `on`. Refused while the window's internal audit sample has claims
    without a verdict, when no claim is ready, or when `on` is before the window's end or in a closed month.
    Writes OUT/batch-WINDOW-N.csv (one row per claim) and OUT/declaration-WINDOW-N.txt."""
    signed_by = _named(signed_by)
    e = window_end(window)
    if on < e:
        raise ClaimsError(f"a claim for window {window} cannot be submitted before the window ends ({e.isoformat()})")
    waiting = unaudited(window)
    if waiting:
        raise ClaimsError(f"window {window}'s internal audit sample has claims without a verdict: "
                          f"{', '.join(waiting)}")
    held = withdrawn_families(WithdrawalEffect.CLAIMS_HELD)  # the family withdrew: its claim waits
    ready = [s for s in _window_states(window) if s.live and s.checked and not s.submitted
             and s.claim.family_id not in held]
    if not ready:
        raise ClaimsError(f"window {window} has no checked claim waiting to be submitted")
    _closed_before(on)
    text = _batch_csv(ready)
    total = sum((s.claim.amount for s in ready), Decimal(0))
    with transaction.atomic():
        n = ClaimBatch.objects.filter(window=window).count() + 1
        declaration = (f"Payment-by-Results claim, window {window}, batch {n}\n{len(ready)} families, "
                       f"GBP {total:,.2f}\n\n{DECLARATION}\n\nSigned: {signed_by}\nDate: {on.isoformat()}\n")
        batch = ClaimBatch.objects.create(window=window, submitted_on=on, signed_by=signed_by, declaration=declaration,
                                          claims=len(ready), amount=total,
                                          file_sha256=hashlib.sha256(text.encode()).hexdigest(), recorded_by=actor)
        for state in ready:
            _step(state, StepKind.SUBMITTED, signed_by, on, actor, batch=batch)
            plan = attachment_plan_of(state.claim)
            record_claim(state.claim.family_id, state.claim.claimed_on,
                         plan.sustainability.due_dates(state.claim.claimed_on) if plan else [], Actor(actor),
                         note=f"{_what(state.claim)} for window {window} submitted in batch {n} on {on.isoformat()}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    batch_csv = out / f"batch-{window}-{n}.csv"
    batch_csv.write_text(text)
    declaration_txt = out / f"declaration-{window}-{n}.txt"
    declaration_txt.write_text(declaration)
    return Submission(batch, [s.claim.family_id for s in ready], batch_csv, declaration_txt)


def attachment_plan_of(claim: Claim) -> Plan | None:
    """The plan the claimed family was attached under (its sustainability schedule)."""
    attachment = Attachment.objects.filter(family_id=claim.family_id).first()
    return attachment_plan(attachment) if attachment is not None else None


def _batch_csv(ready: list[ClaimState]) -> str:
    handle = io.StringIO()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(BATCH_COLUMNS)
    writer.writerows((c.family_id, c.route, c.window, c.claimed_on.isoformat(), f"{c.amount:.2f}", c.plan_id,
                      c.pack_sha256) for c in (s.claim for s in ready))
    return handle.getvalue()


def _withdraw(state: ClaimState, reason: str, by: str, on: date, actor: str) -> ClaimStep:
    submitted = state.step(StepKind.SUBMITTED)
    if submitted is not None:
        if on < submitted.on:
            raise ClaimsError(f"a withdrawal cannot be dated before the claim's submission ({submitted.on.isoformat()})")
        _closed_before(on)
    repay = state.claim.amount if submitted is not None else Decimal("0.00")
    step = _step(state, StepKind.WITHDRAWN, by, on, actor, reason=reason[:500], amount_to_repay=repay)
    note = f"{_what(state.claim)} for window {state.claim.window} withdrawn by {by}: {reason}"
    if submitted is not None and not _another_standing(state.claim):
        record_withdrawal(state.claim.family_id, note, Actor(actor))
    else:
        record_claim_step(state.claim.family_id, note, Actor(actor))
    return step


def _another_standing(claim: Claim) -> bool:
    """Whether the family has another claim submitted and not withdrawn (in another claim group): its case stays
    claimed when this one is withdrawn."""
    others = states(Claim.objects.filter(family_id=claim.family_id).exclude(pk=claim.pk))
    return any(s.submitted and s.live for s in others)


def withdraw(family_id: str, reason: str, by: str, actor: str, on: date, route: str | None = None) -> ClaimStep:
    """Withdraw the family's live claim (by `route` or FAMILY:ROUTE: a family with two live claims needs it), found invalid
    outside a spot check: the amount to repay is what was claimed if it was submitted, else nothing; income is
    reversed in the month of `on`. The family's other claim, if any, stays as it is."""
    by = _named(by)
    if not reason.strip():
        raise ClaimsError("give the reason for the withdrawal (--reason)")
    state = live_state(*split_ref(family_id, route))
    with transaction.atomic():
        return _withdraw(state, reason.strip(), by, on, actor)
