"""The spot-check report for a claim window: what was sampled, what the checks found, what is to be repaid.

One HTML page an auditor files (and PDF, by WeasyPrint, as the evidence packs are), and a workbook sheet,
both from the same rows. Like a pack, the page holds no generation timestamp: the same ledger gives the
same bytes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path

from priority_families.casedb.models import Claim, SampleKind, SpotCheck, StepKind, Verdict
from priority_families.claims.steps import states, window_end
from priority_families.core.export import produced, workbook, write_metadata_sheet, write_table_sheet

FAMILY_HEADER = ("family_id", "route", "amount", "verdict", "reason", "checked_by", "checked_on", "amount_to_repay")


@dataclass(frozen=True)
class SpotCheckReport:
    window: str
    seed: int | None
    share: float | None
    families: list[tuple]  # FAMILY_HEADER
    invalid_by_reason: list[tuple[str, int]]

    @property
    def sampled(self) -> int:
        return len(self.families)

    def count(self, verdict: str) -> int:
        return sum(1 for f in self.families if f[3] == verdict)

    @property
    def to_repay(self) -> Decimal:
        return sum((Decimal(f[7]) for f in self.families if f[7]), Decimal(0))

    def summary(self) -> list[tuple[str, str]]:
        return [("claim window", self.window), ("seed", str(self.seed)), ("share", str(self.share)),
                ("sampled", str(self.sampled)), ("valid", str(self.count(Verdict.VALID))),
                ("invalid", str(self.count(Verdict.INVALID))), ("not yet checked", str(self.count(""))),
                ("amount to repay (GBP)", f"{self.to_repay:.2f}")]


def spot_check_report(window: str) -> SpotCheckReport:
    """The window's spot-check sample with each claim's verdict, and the invalid ones counted by reason."""
    window_end(window)
    drawn = list(SpotCheck.objects.filter(kind=SampleKind.SPOT_CHECK, window=window).order_by("family_id"))
    rows = []
    for state in states(Claim.objects.filter(pk__in=[d.claim_id for d in drawn]).order_by("family_id")):
        spot, withdrawn = state.step(StepKind.SPOT_CHECKED), state.step(StepKind.WITHDRAWN)
        c = state.claim
        repay = withdrawn.amount_to_repay if spot is not None and spot.verdict == Verdict.INVALID and withdrawn else None
        rows.append((c.family_id, c.route, f"{c.amount:.2f}", spot.verdict if spot else "",
                     spot.reason if spot else "", spot.by if spot else "", spot.on.isoformat() if spot else "",
                     f"{repay:.2f}" if repay is not None else ""))
    reasons = Counter(r[4] for r in rows if r[3] == Verdict.INVALID)
    return SpotCheckReport(window, drawn[0].seed if drawn else None, drawn[0].share if drawn else None, rows,
                           sorted(reasons.items()))


def _table(headers: tuple[str, ...], rows: list[tuple]) -> str:
    if not rows:
        return "<p>None.</p>\n"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"


def render_html(report: SpotCheckReport) -> bytes:
    """The report as one self-contained HTML page."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>Spot-check report {escape(report.window)}</title><style>body{{font-family:Arial,sans-serif}}"
        "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #999;padding:2px 6px;"
        "text-align:left}</style></head><body>\n"
        f"<h1>Spot-check report: claim window {escape(report.window)}</h1>\n"
        + _table(("measure", "value"), report.summary())
        + "<h2>Invalid claims by reason</h2>\n" + _table(("reason", "claims"), report.invalid_by_reason)
        + "<h2>Families sampled</h2>\n" + _table(FAMILY_HEADER, report.families)
        + "</body></html>\n"
    ).encode()


def write_spot_check_report(report: SpotCheckReport, out: Path, pdf: bool = False, actor: str = "") -> list[Path]:
    """OUT/spotcheck-WINDOW.html (and .pdf with `pdf`) and OUT/spotcheck-WINDOW.xlsx (summary and families)."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"spotcheck-{report.window}"
    html = render_html(report)
    written = [stem.with_suffix(".html")]
    written[0].write_bytes(html)
    if pdf:
        import weasyprint  # imported here: it loads the pango libraries, only needed for PDFs

        written.append(stem.with_suffix(".pdf"))
        written[-1].write_bytes(weasyprint.HTML(string=html.decode()).write_pdf())
    written.append(stem.with_suffix(".xlsx"))
    book = workbook(written[-1])
    try:
        write_metadata_sheet(book, [
            ("as_of", f"claims of window {report.window}"), ("plan", "the plans the sampled claims were made under"),
            ("filter", f"a random sample of the window's claims (seed {report.seed}, share {report.share})"),
            *report.summary(), *produced(actor, "")], title=f"Spot check of claim window {report.window}")
        write_table_sheet(book, "invalid reasons", ("invalid reason", "claims"), report.invalid_by_reason)
        write_table_sheet(book, "families sampled", FAMILY_HEADER, report.families)
    finally:
        book.close()
    return written
