"""The claims workbook: one row per claim and, for the auditor, every row of every evidence pack.

Sheets: About (the window, evaluation date, plans, refresh, who made it and when), claims (codes beside
their labels, so an analyst can join and a reader can read), then one sheet per section of the evidence
pack with that section's own headers and a family_id column, so every column has a real name and a filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from priority_families.casedb.models import Attachment, Claim
from priority_families.claims.holds import PAIR_HEADER, NeedsReview
from priority_families.claims.pack import Pack
from priority_families.core.export import produced, workbook, write_metadata_sheet, write_table_sheet
from priority_families.core.vocabulary import label

CLAIM_HEADER = ("family_id", "route", "route (label)", "claimed_on", "window", "amount", "plan_id",
                "plan_sha256", "attached_on", "lead_agency", "evidence_checksum", "pack_sha256")
SECTION_SHEETS = {
    "Headlines at attachment and now": "headlines",
    "Indicator lines at attachment (records behind them)": "lines at attachment",
    "Baseline counts (frozen at attachment)": "baseline counts",
    "Records behind the baseline counts": "baseline records",
    "Measures at the claim date": "measures",
    "Each measure's inputs": "measure inputs",
    "Records behind the progress figures": "progress records",
    "Attestations": "attestations",
    "Doubtful links (pairs in the linkage review band that could change a measure)": "doubtful links",
    "Headlines added after attachment and professionals' nominations": "added headlines",
}
NEEDS_REVIEW_HEADER = ("family_id", "route", "status", "doubtful pairs open", *PAIR_HEADER)


def write_claims_workbook(path: Path, claims: list[Claim], packs: dict[str, Pack], *, window: str = "",
                          claimed_on: date | None = None, refresh_id: str = "", actor: str = "",
                          needs_review: Sequence[NeedsReview] = ()) -> Path:
    """claims.xlsx: About, claims, and one sheet per evidence-pack section (real headers, filters, frozen), and
    the families held for review with their open pairs (one row per pair). `packs` are by `Claim.pack_name`."""
    attachments = {a.family_id: a for a in Attachment.objects.filter(family_id__in=[c.family_id for c in claims])}
    book = workbook(path, {"remove_timezone": True})
    try:
        write_metadata_sheet(book, [
            ("what this is", "Payment-by-Results claims proposed in one run, with every row of their evidence packs"),
            ("as_of (evaluation date)", claimed_on),
            ("claim window", window),
            ("plan", ", ".join(sorted({c.plan_id for c in claims})) or "none (no claim made)"),
            ("filter", f"families whose results were met in window {window} and not claimed before"),
            ("claims", len(claims)),
            ("needs review (held: a doubtful link is open)", len(needs_review)),
            *produced(actor, refresh_id),
        ], title=f"Priority Families claims, window {window}")
        write_table_sheet(book, "claims", CLAIM_HEADER, (
            (c.family_id, c.route, label("claim_route", c.route), c.claimed_on, c.window, float(c.amount),
             c.plan_id, attachments[c.family_id].plan_sha256, attachments[c.family_id].attached_on,
             attachments[c.family_id].lead_agency, packs[c.pack_name].checksum, packs[c.pack_name].sha256)
            for c in claims))
        # the evidence is the family's: a family claimed in two groups has its sections once (its first claim's)
        each_family = list({c.family_id: c for c in reversed(claims)}.values())[::-1]
        first = next(iter(packs.values()), None)
        sections = [(t, h) for t, h, _ in first.sections] if first else [(t, ()) for t in SECTION_SHEETS]
        for title, columns in sections:
            write_table_sheet(book, SECTION_SHEETS.get(title, title), ("family_id", *columns), (
                (c.family_id, *values) for c in each_family
                for t, _, rows in packs[c.pack_name].sections if t == title for values in rows))
        write_table_sheet(book, "needs review", NEEDS_REVIEW_HEADER, (
            (n.family_id, n.route, "needs review", n.open_pairs, p["person_id"], p["source_l"], p["record_id_l"],
             p["source_r"], p["record_id_r"], p["match_probability"], p["measures"], p["decision"] or "undecided",
             p["reviewer"] or "", p["decided_on"] or "")
            for n in needs_review for p in n.pairs))
    finally:
        book.close()
    return path
