"""The claims ledger: families whose results are met, claimed once, with an evidence pack each.

The database's unique constraint on `Claim.family_id` is the guard against double claims: two runs at
once (two processes, or the CLI and the web tracker) may both find a family claimable, but only one
insert succeeds; the other skips the family. Everything a run claims is written with its audit rows
in one transaction.
"""

from __future__ import annotations

import calendar
import math
import random
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
from django.db import IntegrityError, transaction

from priority_families.casedb.casework import Actor, record_claim
from priority_families.casedb.models import Attachment, AuditEvent, Claim, SpotCheck
from priority_families.claims.pack import Pack, progress_records, render_pack
from priority_families.claims.workbook import write_claims_workbook
from priority_families.core.calendar import financial_year
from priority_families.core.engine import Workspace
from priority_families.core.export import write_csv
from priority_families.core.files import private_dir, write_private
from priority_families.outcomes.progress import attachment_plan, evaluation
from priority_families.plans.schema import Money, Plan
from priority_families.refresh import in_force, refresh_in_force

CLAIM_COLUMNS = ("family_id", "route", "claimed_on")


class ClaimsError(ValueError):
    """A claims command was given something it cannot use (a bad window, an unknown family)."""


@dataclass(frozen=True)
class ClaimRun:
    window: str
    claimed_on: date
    claims: list[Claim]
    already_claimed: int
    claims_csv: Path
    packs: Path
    workbook: Path


def window_end(window: str) -> date:
    """'2015-07' -> 2015-07-31: claims in a window are evaluated on its last day."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", window)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ClaimsError(f"claim window {window!r} is not YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, calendar.monthrange(year, month)[1])


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


def attachment_amount(plan: Plan, attached_on: date) -> Decimal:
    """The attachment fee for a family attached on `attached_on`, times that year's attachment share."""
    return _pounds(plan.money.attachment_fee * _year_share(plan.money, attached_on, "attachment"))


def _candidates(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(family_id, route) for every family with a route at e and no claim yet (first route in plan order)."""
    claimed = set(Claim.objects.values_list("family_id", flat=True))
    rows = con.execute(
        "SELECT family_id, ARG_MIN(route, route_order) FROM family_routes GROUP BY family_id ORDER BY family_id"
    ).fetchall()
    return [(f, r) for f, r in rows if f not in claimed]


def make_claims(workspace: Workspace, window: str, out: Path, actor: str, pdf: bool = False) -> ClaimRun:
    """Claim every family whose results are met at the window's end and never claimed.

    A window that ends after the refresh in force's as_of is refused: no extract covers its last days, so a
    claim would rest on data nobody has. Writes OUT/claims.csv, OUT/packs/FAMILY.html (and .pdf with `pdf`) and
    OUT/claims.xlsx (claims and every evidence row)."""
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
        candidates = _candidates(con)
        attachments = {a.family_id: a for a in Attachment.objects.filter(family_id__in=[f for f, _ in candidates])}
        behind = progress_records(con, list(attachments.values()), e)
        packs: dict[str, Pack] = {
            fid: render_pack(con, attachments[fid], e, route, window, refresh_id, behind[fid])
            for fid, route in candidates
        }
    with transaction.atomic():
        for fid, route in candidates:
            att = attachments[fid]
            plan = attachment_plan(att)
            try:
                with transaction.atomic():
                    claim = Claim.objects.create(family_id=fid, route=route, window=window, claimed_on=e,
                                                 plan_id=att.plan_id, amount=results_amount(plan, route, att.attached_on),
                                                 pack_sha256=packs[fid].sha256, refresh_id=refresh_id)
                    AuditEvent.objects.create(action="claim", family_id=fid, actor=actor,
                                              detail={"route": route, "window": window, "refresh_id": refresh_id,
                                                      "pack_sha256": packs[fid].sha256})
                    record_claim(fid, e, plan.sustainability.due_dates(e), Actor(actor))
            except IntegrityError:  # claimed by another run since we looked
                skipped += 1
                continue
            made.append(claim)
    for claim in made:
        write_private(packs_dir / f"{claim.family_id}.html", packs[claim.family_id].html)
        if pdf:
            write_private(packs_dir / f"{claim.family_id}.pdf", packs[claim.family_id].pdf())
    claims_csv = out / "claims.csv"
    write_csv(claims_csv, CLAIM_COLUMNS, ((c.family_id, c.route, c.claimed_on.isoformat()) for c in made))
    workbook = write_claims_workbook(out / "claims.xlsx", made, packs)
    return ClaimRun(window, e, made, skipped, claims_csv, packs_dir, workbook)


def regenerate_pack(workspace: Workspace, family_id: str) -> Pack:
    """Rebuild a claim's evidence pack from the stored baseline and the refresh it was claimed on (kept under
    `refreshes/`), so the rebuilt pack is the claimed one, byte for byte."""
    claim = Claim.objects.filter(family_id=family_id).first()
    if claim is None:
        raise ClaimsError(f"family {family_id} has no claim")
    attachment = Attachment.objects.get(family_id=family_id)
    with evaluation(workspace, claim.claimed_on, family_ids=[family_id], refresh_id=claim.refresh_id) as con:
        behind = progress_records(con, [attachment], claim.claimed_on)
        return render_pack(con, attachment, claim.claimed_on, claim.route, claim.window,
                           refresh_in_force(con).refresh_id, behind[family_id])


def draw_spot_check(window: str, share: float, seed: int, actor: str) -> list[str]:
    """Draw a reproducible sample of a window's claims for audit and record it (same seed, same sample)."""
    if not 0 < share <= 1:
        raise ClaimsError(f"share {share} must be in (0, 1]")
    window_end(window)
    drawn = _drawn(window, share, seed)
    if drawn is not None:
        return drawn
    families = sorted(Claim.objects.filter(window=window).values_list("family_id", flat=True))
    sample = sorted(random.Random(seed).sample(families, math.ceil(share * len(families)))) if families else []
    try:
        with transaction.atomic():
            SpotCheck.objects.bulk_create(SpotCheck(window=window, family_id=f, seed=seed, share=share)
                                          for f in sample)
            AuditEvent.objects.create(action="spotcheck", actor=actor,
                                      detail={"window": window, "seed": seed, "share": share, "families": sample})
    except IntegrityError:  # drawn by another run meanwhile: that draw stands
        return _drawn(window, share, seed) or []
    return sample


def _drawn(window: str, share: float, seed: int) -> list[str] | None:
    """The window's recorded draw (None when there is none); a different seed or share is refused."""
    drawn = list(SpotCheck.objects.filter(window=window).order_by("family_id"))
    if not drawn:
        return None
    if drawn[0].seed != seed or drawn[0].share != share:
        raise ClaimsError(f"window {window} already has a spot check drawn with seed {drawn[0].seed} "
                          f"and share {drawn[0].share}")
    return [d.family_id for d in drawn]
