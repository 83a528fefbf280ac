"""The claims workbook: one row per claim and, for the auditor, every row of every evidence pack."""

from __future__ import annotations

from pathlib import Path

from priority_families.casedb.models import Attachment, Claim
from priority_families.claims.pack import Pack
from priority_families.core.export import workbook

CLAIM_HEADER = ("family_id", "route", "claimed_on", "window", "amount", "plan_id", "plan_sha256",
                "attached_on", "lead_agency", "evidence_checksum", "pack_sha256")
EVIDENCE_HEADER = ("family_id", "section", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8")


def write_claims_workbook(path: Path, claims: list[Claim], packs: dict[str, Pack]) -> Path:
    """claims.xlsx: a `claims` sheet and an `evidence` sheet (section rows with their column names)."""
    attachments = {a.family_id: a for a in Attachment.objects.filter(family_id__in=[c.family_id for c in claims])}
    book = workbook(path, {"remove_timezone": True})
    try:
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("claims")
        sheet.write_row(0, 0, CLAIM_HEADER, bold)
        for n, c in enumerate(claims, start=1):
            a = attachments[c.family_id]
            pack = packs[c.family_id]
            sheet.write_row(n, 0, (c.family_id, c.route, c.claimed_on.isoformat(), c.window, float(c.amount),
                                   c.plan_id, a.plan_sha256, a.attached_on.isoformat(), a.lead_agency,
                                   pack.checksum, pack.sha256))
        evidence = book.add_worksheet("evidence")
        evidence.write_row(0, 0, EVIDENCE_HEADER, bold)
        row = 1
        for c in claims:
            for title, columns, rows in packs[c.family_id].sections:
                evidence.write_row(row, 0, (c.family_id, title, *columns), bold)
                row += 1
                for values in rows:
                    evidence.write_row(row, 0, (c.family_id, title,
                                                *("" if v is None else str(v) for v in values)))
                    row += 1
    finally:
        book.close()
    return path
