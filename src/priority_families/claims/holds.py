"""Claims held for review: a family whose claim would rest on a doubtful link is not claimed, and the ledger
says so ("needs review", with the pairs), until a reviewer's decision releases or changes it.

The evaluation finds the doubtful links (`outcomes.doubtful`); `make_claims` leaves the families with an
open one out and records here, in the same transaction as the claims it makes, one `ClaimHold` row per
change of a family's standing in the window and claim group (a family claimed in two groups is held in each): held (the pairs listed), released (the claim was proposed once
the pairs were decided), or not claimable (the decision made the record the member's and the measure no
longer holds). A rerun that finds a family held on the same pairs writes nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.casedb.casework import Actor, record_claim_step
from priority_families.casedb.models import AuditEvent, ClaimHold, HoldEvent

PAIR_FIELDS = ("person_id", "source_l", "record_id_l", "source_r", "record_id_r", "match_probability", "measures",
               "decision", "reviewer", "decided_on", "open")
PAIR_HEADER = ("member", "member's record (source)", "member's record id", "record that may be theirs (source)",
               "record id", "match probability", "measures it could change", "decision", "reviewer", "decided on")


@dataclass(frozen=True)
class NeedsReview:
    """A family whose claim is held: the route it would take and the pairs still open."""

    family_id: str
    route: str
    pairs: tuple[dict, ...]
    claim_group: str = "results"

    @property
    def open_pairs(self) -> int:
        return len(self.pairs)


def doubtful_pairs(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Every doubtful link of the evaluation on `con`, open or decided, by family (sorted, so packs are stable)."""
    cur = con.execute(f"SELECT family_id, {', '.join(PAIR_FIELDS)} FROM doubtful_links ORDER BY ALL")
    out: dict[str, list[dict]] = {}
    for family_id, *values in cur.fetchall():
        row = dict(zip(PAIR_FIELDS, values, strict=True))
        row["decided_on"] = row["decided_on"].isoformat() if row["decided_on"] else None
        out.setdefault(family_id, []).append(row)
    return out


def needing_review(candidates: list[tuple[str, str, str]], doubtful: dict[str, list[dict]]) -> list[NeedsReview]:
    """The candidates (family, route, claim group) with an open doubtful link: their claims wait."""
    return [NeedsReview(f, r, tuple(p for p in doubtful[f] if p["open"]), g) for f, r, g in candidates
            if any(p["open"] for p in doubtful.get(f, []))]


def latest_holds(window: str) -> dict[tuple[str, str], ClaimHold]:
    """Each family's latest hold row in the window per claim group (its standing: held, released or not
    claimable)."""
    latest: dict[tuple[str, str], ClaimHold] = {}
    for hold in ClaimHold.objects.filter(window=window).order_by("id"):
        latest[(hold.family_id, hold.claim_group)] = hold
    return latest


def _pairs_json(pairs: tuple[dict, ...]) -> list[dict]:
    return [{k: v for k, v in p.items() if k != "open"} for p in pairs]


def _record(family_id: str, window: str, route: str, group: str, event: HoldEvent, pairs: list[dict],
            refresh_id: str, on: date, actor: str, note: str) -> ClaimHold:
    """One hold row with its audit row and the case's history row (the caller holds the transaction)."""
    hold = ClaimHold.objects.create(family_id=family_id, window=window, route=route, claim_group=group, event=event,
                                    open_pairs=len(pairs) if event == HoldEvent.HELD else 0, pairs=pairs,
                                    refresh_id=refresh_id, on=on, recorded_by=actor)
    AuditEvent.objects.create(action="claim_hold", family_id=family_id, actor=actor, detail={
        "event": event.value, "window": window, "route": route, "claim_group": group, "open_pairs": hold.open_pairs,
        "refresh_id": refresh_id})
    record_claim_step(family_id, note, Actor(actor))
    return hold


def record_holds(window: str, on: date, refresh_id: str, held: list[NeedsReview], claimed: set[tuple[str, str]],
                 claimable: set[tuple[str, str]], actor: str) -> list[ClaimHold]:
    """Record what this run found, per family and claim group (`claimed` and `claimable` are such pairs): each
    claim held (unless already held on the same pairs), and each held before and no longer: released when its
    claim was proposed (or stays claimable), not claimable when its results are no longer met. Call inside the
    transaction that writes the run's claims."""
    latest = latest_holds(window)
    made = []
    for n in held:
        pairs = _pairs_json(n.pairs)
        before = latest.get((n.family_id, n.claim_group))
        if before is not None and before.event == HoldEvent.HELD and before.pairs == pairs:
            continue
        made.append(_record(n.family_id, window, n.route, n.claim_group, HoldEvent.HELD, pairs, refresh_id, on, actor,
                            f"claim for window {window} held: needs review ({n.open_pairs} doubtful "
                            f"link{'s' if n.open_pairs != 1 else ''} open)"))
    now_held = {(n.family_id, n.claim_group) for n in held}
    for (family_id, group), before in sorted(latest.items()):
        if before.event != HoldEvent.HELD or (family_id, group) in now_held:
            continue
        if (family_id, group) in claimed or (family_id, group) in claimable:
            event, note = HoldEvent.RELEASED, f"claim for window {window} released: the doubtful links are decided"
        else:
            event, note = HoldEvent.NOT_CLAIMABLE, (f"claim for window {window} not made: after review its "
                                                    "results are no longer met")
        made.append(_record(family_id, window, before.route if event == HoldEvent.RELEASED else "", group, event,
                            [], refresh_id, on, actor, note))
    return made
