"""The claims ledger: families whose results are met, proposed once, with an evidence pack each.

`make_claims` proposes claims: the first step of a claim's life (`claims.life` takes it on: checked,
audited, submitted, spot-checked, withdrawn). A family is claimed once per claim group its plan has (the
evaluation's `family_claims`: each group's first route met, less the groups a chosen route excludes), so a
national-2012 family may have a progress-to-work claim beside its crime and education claim. The database is
the guard against two live claims for a family in one group: a family's first claim in a group is unique, and a
later one must follow the step that ended the group's claim before (`Claim.follows`, one-to-one). Two runs at
once (two processes, or the CLI and the web tracker) may both find a family claimable, but only one insert
succeeds; the other skips it. Everything a run proposes is written with its audit rows in one transaction.

A claim does not rest on a doubtful link: a family with a pair in the linkage review band that could change
one of its measures (`outcomes.doubtful`) is not claimed but held as "needs review" with the pairs listed
(`claims.holds`, in the same transaction); a reviewer's decision releases or changes it at the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
from django.db import IntegrityError, transaction

from priority_families.casedb.casework import Actor, record_claim_step, withdrawn_families
from priority_families.casedb.models import Attachment, AuditEvent, Claim, ClaimStep, StepKind
from priority_families.claims.holds import NeedsReview, doubtful_pairs, needing_review, record_holds
from priority_families.claims.pack import Pack, progress_records, render_pack
from priority_families.claims.pack_inputs import measure_inputs
from priority_families.claims.steps import ClaimsError, ClaimState, latest_state, states, window_end
from priority_families.claims.workbook import write_claims_workbook
from priority_families.core.calendar import financial_year
from priority_families.core.engine import Workspace
from priority_families.core.export import write_csv
from priority_families.core.files import private_dir, write_private
from priority_families.outcomes.progress import attachment_plan, evaluation
from priority_families.plans.schema import Money, Plan, WithdrawalEffect
from priority_families.refresh import in_force, refresh_in_force

CLAIM_COLUMNS = ("family_id", "route", "claimed_on", "status", "doubtful_pairs_open")
NEEDS_REVIEW = "needs review"


@dataclass(frozen=True)
class ClaimRun:
    window: str
    claimed_on: date
    claims: list[Claim]
    already_claimed: int
    claims_csv: Path
    packs: Path
    workbook: Path
    held: tuple[str, ...] = ()  # families with results whose agreement is withdrawn: no claim while it stays so
    needs_review: tuple[NeedsReview, ...] = ()  # families whose claim would rest on a doubtful link: held


def _year_share(money: Money, attached_on: date, kind: str) -> float:
    """The share of a payment due for the year of attachment where the plan splits it (national-2012); a
    year after the last one listed takes the last one's share, and a plan without a split pays it whole."""
    if not money.year_split:
        return 1.0
    split = next((s for s in money.year_split if s.year == financial_year(attached_on)), money.year_split[-1])
    return split.attachment_share if kind == "attachment" else split.results_share


def _pounds(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def results_amount(plan: Plan, route: str, attached_on: date) -> Decimal:
    """What a claim by `route` is paid: the results payment, times the year of attachment's results share,
    times the route's share of it (the plan says both)."""
    route_share = next((r.results_share for r in plan.claim_routes if r.id == route), 1.0)
    return _pounds(plan.money.results_payment * _year_share(plan.money, attached_on, "results") * route_share)


def expected_results(plan: Plan, attached_on: date) -> Decimal:
    """What a family's met results are expected to earn: the plan's first claim route, and the first route of
    every other claim group that may be claimed beside it (national-2012: the results claim and progress to
    work, 7/8 and 1/8 of the payment). The forecast's reading of a family's worth (decision 20)."""
    taken: list = []
    for route in plan.claim_routes:
        if not any(route.rules_out(t.claim_group, t.excludes) for t in taken):
            taken.append(route)
    return sum((results_amount(plan, r.id, attached_on) for r in taken), Decimal(0))


def attachment_amount(plan: Plan, attached_on: date) -> Decimal:
    """The attachment fee for a family attached on `attached_on`, times that year's attachment share."""
    return _pounds(plan.money.attachment_fee * _year_share(plan.money, attached_on, "attachment"))


def _may_propose(state: ClaimState | None, window: str, reclaim_after_withdrawal: bool) -> bool:
    """A family may be proposed when it has no claim, or its latest claim ended in an earlier window: rejected at
    check or withdrawn before submission (it never went to government), or withdrawn after submission where
    the plan allows a family to be claimed again."""
    if state is None:
        return True
    if state.live or state.claim.window >= window:
        return False
    return not state.submitted or reclaim_after_withdrawal


Candidate = tuple[str, str, str]  # family_id, route, claim_group


def _excluded(plan: Plan, route: str, group: str, live: list[Claim]) -> bool:
    """Whether the family's live claims in other groups rule this route out: it excludes one of their groups, or
    one of their routes excludes its group (continuous employment and the other two, in national-2012)."""
    routes = {r.id: r for r in plan.claim_routes}
    return any(routes[route].rules_out(c.claim_group, routes[c.route].excludes if c.route in routes else ())
               for c in live if c.claim_group != group)


def _candidates(con: duckdb.DuckDBPyConnection, window: str
                ) -> tuple[list[Candidate], dict[tuple[str, str], ClaimStep], dict[str, Attachment], tuple[str, ...]]:
    """(family_id, route, claim_group) for every claim the evaluation finds at e (`family_claims`, one per
    claim group) that may be proposed, the step each follows (a re-proposal in its group), the families'
    attachments, and the families held because they withdrew their agreement (their plan says claims are held)."""
    found = con.execute(
        "SELECT family_id, route, claim_group FROM family_claims ORDER BY family_id, route_order").fetchall()
    held = withdrawn_families(WithdrawalEffect.CLAIMS_HELD)
    rows = [(f, r, g) for f, r, g in found if f not in held]
    families = sorted({f for f, _, _ in rows})
    attachments = {a.family_id: a for a in Attachment.objects.filter(family_id__in=families)}
    latest: dict[tuple[str, str], ClaimState] = {}
    for state in states(Claim.objects.filter(family_id__in=families).order_by("id")):
        latest[(state.claim.family_id, state.claim.claim_group)] = state
    live: dict[str, list[Claim]] = {}
    for (f, _), state in latest.items():
        if state.live:
            live.setdefault(f, []).append(state.claim)
    chosen = []
    for f, r, g in rows:
        plan = attachment_plan(attachments[f])
        if _may_propose(latest.get((f, g)), window, plan.claims.reclaim_after_withdrawal) and not _excluded(
                plan, r, g, live.get(f, [])):
            chosen.append((f, r, g))
    follows = {(f, g): step for f, _, g in chosen if (f, g) in latest and (step := latest[(f, g)].ending) is not None}
    return chosen, follows, attachments, tuple(sorted({f for f, _, _ in found if f in held}))


def _pack_name(family_id: str, route: str, group: str) -> str:
    return Claim(family_id=family_id, route=route, claim_group=group).pack_name


def make_claims(workspace: Workspace, window: str, out: Path, actor: str, pdf: bool = False) -> ClaimRun:
    """Propose a claim for every family whose results are met at the window's end and that may be claimed.

    A window that ends after the refresh in force's as_of is refused: no extract covers its last days, so a
    claim would rest on data nobody has. A family with an open doubtful link is held for review instead
    (`ClaimRun.needs_review`, recorded in the ledger by `claims.holds`). Writes OUT/claims.csv (claims and
    families needing review), OUT/packs/FAMILY.html (and .pdf with `pdf`) and OUT/claims.xlsx (claims, every
    evidence row, and the pairs of the families needing review)."""
    e = window_end(window)
    in_force(workspace).require_covers(e, f"claim window {window}, judged")
    out = Path(out)
    packs_dir = out / "packs"
    private_dir(out)
    private_dir(packs_dir)
    made: list[Claim] = []
    skipped = 0
    with evaluation(workspace, e) as con:
        refresh_id = refresh_in_force(con).refresh_id
        candidates, follows, attachments, held = _candidates(con, window)
        doubtful = doubtful_pairs(con)
        waiting = needing_review(candidates, doubtful)
        candidates = [(f, r, g) for f, r, g in candidates if f not in {n.family_id for n in waiting}]
        claimable = {(f, g) for f, g in con.execute("SELECT family_id, claim_group FROM family_claims").fetchall()}
        families = [attachments[f] for f in dict.fromkeys(f for f, _, _ in candidates)]
        behind = progress_records(con, families, e)
        inputs = measure_inputs(con, families, e)
        packs: dict[str, Pack] = {
            _pack_name(fid, route, group): render_pack(con, attachments[fid], e, route, window, refresh_id,
                                                       behind[fid], inputs[fid], doubtful.get(fid, []))
            for fid, route, group in candidates
        }
    with transaction.atomic():
        for fid, route, group in candidates:
            pack = packs[_pack_name(fid, route, group)]
            att = attachments[fid]
            plan = attachment_plan(att)
            try:
                with transaction.atomic():
                    claim = Claim.objects.create(family_id=fid, route=route, claim_group=group, window=window,
                                                 claimed_on=e, plan_id=att.plan_id,
                                                 amount=results_amount(plan, route, att.attached_on),
                                                 pack_sha256=pack.sha256, refresh_id=refresh_id,
                                                 follows=follows.get((fid, group)))
                    ClaimStep.objects.create(claim=claim, step=StepKind.PROPOSED, by=actor, on=e, recorded_by=actor)
                    AuditEvent.objects.create(action="claim", family_id=fid, actor=actor,
                                              detail={"step": "proposed", "route": route, "claim_group": group,
                                                      "window": window, "refresh_id": refresh_id,
                                                      "pack_sha256": pack.sha256})
                    record_claim_step(fid, f"{route.replace('_', ' ')} claim proposed for window {window}",
                                      Actor(actor))
            except IntegrityError:  # claimed by another run since we looked
                skipped += 1
                continue
            made.append(claim)
        record_holds(window, e, refresh_id, waiting, {(c.family_id, c.claim_group) for c in made}, claimable,
                     actor)
    for claim in made:
        write_private(packs_dir / f"{claim.pack_name}.html", packs[claim.pack_name].html)
        if pdf:
            write_private(packs_dir / f"{claim.pack_name}.pdf", packs[claim.pack_name].pdf())
    claims_csv = out / "claims.csv"
    write_csv(claims_csv, CLAIM_COLUMNS, [*((c.family_id, c.route, c.claimed_on.isoformat(), "proposed", 0)
                                            for c in made),
                                          *((n.family_id, n.route, "", NEEDS_REVIEW, n.open_pairs) for n in waiting)])
    workbook = write_claims_workbook(out / "claims.xlsx", made, packs, window=window, claimed_on=e,
                                     refresh_id=refresh_id, actor=actor, needs_review=waiting)
    return ClaimRun(window, e, made, skipped, claims_csv, packs_dir, workbook, held, tuple(waiting))


def regenerate_pack(workspace: Workspace, family_id: str, route: str | None = None) -> Pack:
    """Rebuild a family's latest claim's evidence pack (by `route`, where given) from the stored baseline and the
    refresh it was claimed on (kept under `refreshes/`), so the rebuilt pack is the claimed one, byte for byte."""
    state = latest_state(family_id, route)
    if state is None:
        raise ClaimsError(f"family {family_id} has no {route.replace('_', ' ') + ' ' if route else ''}claim")
    return regenerate_packs(workspace, [state.claim])[state.claim.pack_name]


def regenerate_packs(workspace: Workspace, claims: list[Claim]) -> dict[str, Pack]:
    """The evidence packs of many claims (by `Claim.pack_name`), rebuilt as `regenerate_pack` does: one
    evaluation per claim date and refresh for all the families claimed then, not one per family."""
    attachments = {a.family_id: a for a in Attachment.objects.filter(family_id__in=[c.family_id for c in claims])}
    groups: dict[tuple[date, str], list[Claim]] = {}
    for claim in claims:
        groups.setdefault((claim.claimed_on, claim.refresh_id), []).append(claim)
    packs: dict[str, Pack] = {}
    for (e, refresh_id), group in groups.items():
        attached = [attachments[f] for f in dict.fromkeys(c.family_id for c in group)]
        with evaluation(workspace, e, family_ids=[c.family_id for c in group], refresh_id=refresh_id) as con:
            behind = progress_records(con, attached, e)
            inputs = measure_inputs(con, attached, e)
            in_force_id = refresh_in_force(con).refresh_id
            doubtful = doubtful_pairs(con)
            for c in group:
                packs[c.pack_name] = render_pack(con, attachments[c.family_id], e, c.route, c.window, in_force_id,
                                                 behind[c.family_id], inputs[c.family_id],
                                                 doubtful=doubtful.get(c.family_id, []))
    return packs


def window_workbook(workspace: Workspace, window: str, path: Path, actor: str) -> tuple[Path, int]:
    """claims.xlsx for a window already claimed (each family's latest claim in it per claim group, its pack
    rebuilt), the same workbook `make_claims` writes, for those who did not run the claim: the analyst and the
    auditor."""
    latest: dict[tuple[str, str], Claim] = {}
    for claim in Claim.objects.filter(window=window).order_by("id"):
        latest[(claim.family_id, claim.claim_group)] = claim
    claims = sorted(latest.values(), key=lambda c: (c.family_id, c.claim_group))
    if not claims:
        raise ClaimsError(f"no claim was made in window {window}")
    packs = regenerate_packs(workspace, claims)
    refreshes = sorted({c.refresh_id for c in claims})
    write_claims_workbook(path, claims, packs, window=window, claimed_on=claims[0].claimed_on,
                          refresh_id=", ".join(refreshes), actor=actor)
    return path, len(claims)
