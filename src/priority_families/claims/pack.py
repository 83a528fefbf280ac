"""Evidence packs: one self-contained HTML page per claim, rebuilt byte for byte from the case record.

A pack shows what an auditor checks: the family's headlines and lines at attachment with the records
behind them, each measure's frozen baseline and its progress at the claim date with the records behind
those figures, attestations with their evidence checksums, the plan and refreshes used, and that no doubtful
link was open (the pairs in the linkage review band that could have changed a measure, as decided). It holds no
generation timestamp, and every list is sorted, so the same baseline and extracts give the same bytes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from html import escape

import duckdb

from priority_families.casedb.models import (
    AssessedNeed,
    Attachment,
    Attestation,
    BaselineCount,
    BaselineLine,
    BaselineRecord,
    Disclosure,
    Nomination,
    RowAttestation,
)
from priority_families.claims.holds import PAIR_HEADER, doubtful_pairs
from priority_families.claims.pack_inputs import INPUT_HEADER, measure_inputs
from priority_families.core.vocabulary import Vocabulary, actor_label, figures_in_words, record_value_label
from priority_families.outcomes.measures import headline_starts, in_list, lit, plan_tests, progress_window_sql
from priority_families.outcomes.progress import attachment_plan
from priority_families.plans.schema import MeasureKind, Plan

PackRows = list[tuple]


@dataclass(frozen=True)
class Pack:
    family_id: str
    html: bytes
    checksum: str = ""  # sha256 of the evidence sections (also printed in the pack)
    sections: tuple[tuple[str, tuple[str, ...], PackRows], ...] = ()  # for the claims workbook

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.html).hexdigest()

    def pdf(self) -> bytes:
        """The pack as PDF (WeasyPrint; the same HTML gives the same bytes)."""
        import weasyprint  # imported here: it loads the pango libraries, only needed for PDFs

        return weasyprint.HTML(string=self.html.decode()).write_pdf()


def progress_records(con: duckdb.DuckDBPyConnection, attachments: list[Attachment], e: date
                     ) -> dict[str, PackRows]:
    """The records behind each progress figure of each family's applicable measures at e, in one query per plan."""
    out: dict[str, PackRows] = {a.family_id: [] for a in attachments}
    by_plan: dict[str, list[str]] = {}
    for a in attachments:
        by_plan.setdefault(a.plan_yaml, []).append(a.family_id)
    for text, families in by_plan.items():
        plan = attachment_plan(next(a for a in attachments if a.plan_yaml == text))
        selects = []
        for ref in plan_tests(plan):
            t = ref.test
            if t.kind is MeasureKind.ATTESTATION or not t.fact:
                continue
            window = progress_window_sql(t, e) if t.progress_window else "r.start_date >= a.attached_on"
            starts = headline_starts(ref.headline.id)  # attachment, or the day the headline was added
            kinds = f" AND kind IN {in_list(t.kinds)}" if t.kinds else ""
            selects.append(
                f"SELECT r.family_id, {lit(ref.headline.id)} AS headline, {lit(ref.measure.id)} AS measure, "
                f"{ref.test_no} AS test_no, r.person_id, r.source, r.record_id, r.fact_date, "
                f"COALESCE(r.kind, '') AS kind FROM ev_records r JOIN ({starts}) a ON a.family_id = r.family_id "
                f"WHERE r.family_id IN {in_list(families)} AND fact = {lit(t.fact)}{kinds} AND {window}"
            )
        if not selects:
            continue
        rows = con.execute(
            f"SELECT u.* FROM ({' UNION ALL '.join(selects)}) u JOIN (SELECT DISTINCT family_id, headline, measure "
            "FROM measure_status) m ON m.family_id = u.family_id AND m.headline = u.headline "
            "AND m.measure = u.measure ORDER BY ALL").fetchall()
        for family_id, *rest in rows:
            out[family_id].append(tuple(rest))
    return out


PACK_CSS = (
    # A4 landscape: the widest tables (records, measure inputs) fit the page; long ids and checksums wrap
    # inside their cell rather than running off the right-hand edge.
    "@page{size:A4 landscape;margin:12mm}body{font-family:Arial,sans-serif;font-size:9pt}"
    "h1{font-size:15pt}h2{font-size:12pt;margin-top:1.2em}"
    "table{border-collapse:collapse;margin-bottom:1em;width:100%;table-layout:auto}"
    "td,th{border:1px solid #999;padding:2px 5px;text-align:left;vertical-align:top;"
    "overflow-wrap:break-word}th{background:#eee;overflow-wrap:normal}"
    "table.summary{width:auto;max-width:100%}table.summary th{width:14em}"
)


def _table(headers: tuple[str, ...], rows: PackRows) -> str:
    if not rows:  # say so: an empty table reads to an auditor like a rendering fault
        return "<p>None.</p>\n"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>\n"


def _summary_table(rows: list[tuple[str, object]]) -> str:
    body = "".join(f"<tr><th scope=\"row\">{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    return f"<table class=\"summary\"><tbody>{body}</tbody></table>\n"


def _measure(words: Vocabulary, headline: str, measure: str) -> str:
    return f"{words.label('headline', headline)}: {measure.replace('_', ' ')}"


ADDED_HEADLINES = "Headlines added after attachment and professionals' nominations"


def added_headlines(family_id: str) -> PackRows:
    """The family's headlines disclosed during the intervention (measured from the day they were added) and its
    professionals' nominations of equivalent concern (with the evidence file's sha256), for the pack."""
    disclosed = [("disclosed during the intervention", h, lines, on, by, reason, "", "")
                 for h, lines, on, by, reason in Disclosure.objects.filter(family_id=family_id).values_list(
                     "headline", "lines", "disclosed_on", "recorded_by", "reason")]
    nominated = [("professional's nomination", h, lines, on, by, reason, name, sha)
                 for h, lines, on, by, reason, name, sha in Nomination.objects.filter(family_id=family_id).values_list(
                     "headline", "lines", "nominated_on", "nominated_by", "reason", "evidence_name", "evidence_sha256")]
    return sorted(disclosed + nominated, key=str)


ASSESSED_ROWS = "Rows assessed for the family and their attestations"
ASSESSED_HEADER = ("what", "row", "headline", "on", "by", "score", "finding or statement", "evidence file", "sha256")


def assessed_rows(family_id: str) -> PackRows:
    """The plan rows a professional assessed as applying to the family (the date its period runs from, who
    assessed, the evidence) and the lead professional's attestations of them, for the pack."""
    needs = [("assessed: the row applies", row, h, on, by, "" if score is None else str(score), reason, name, sha)
             for row, h, on, by, score, reason, name, sha in AssessedNeed.objects.filter(family_id=family_id)
             .values_list("row", "headline", "assessed_on", "assessed_by", "score", "reason", "evidence_name",
                          "evidence_sha256")]
    said = [(f"attested {'met' if met else 'not met'}", row, h, on, by, "" if score is None else str(score),
             statement, name, sha)
            for row, h, met, on, by, score, statement, name, sha in RowAttestation.objects.filter(family_id=family_id)
            .values_list("need__row", "need__headline", "met", "attested_on", "attested_by", "score", "statement",
                         "evidence_name", "evidence_sha256")]
    return sorted(needs + said, key=str)


def _labelled_sections(plan: Plan, headlines: PackRows, lines: PackRows, counts: PackRows, base_records: PackRows,
                       measures: PackRows, inputs: PackRows, progress: PackRows, attestations: PackRows,
                       doubtful: list[dict] | None = None, added: PackRows = (), assessed: PackRows = ()
                       ) -> list[tuple[str, tuple[str, ...], PackRows]]:
    """The pack's sections with every code read through the plan's vocabulary (one section per part)."""
    words = plan.vocabulary()
    facts = {ind.id: ind.fact for _, ind in plan.indicators()}
    src, day = (lambda s: words.label("source", s)), (lambda d: "" if d is None else str(d))
    return [
        ("Headlines at attachment and now", ("headline", "status at claim date"),
         [(words.label("headline", h), words.label("headline_status", st)) for h, st in headlines]),
        ("Indicator lines at attachment (records behind them)",
         ("headline", "indicator", "person", "source", "record id", "date", "value"),
         [(words.label("headline", h), words.label("line", i), p, src(s), r, day(d),
           record_value_label(facts.get(i, ""), v, words)) for h, i, p, s, r, d, v in lines]),
        ("Baseline counts (frozen at attachment)",
         ("measure", "test", "what is counted", "person", "after", "up to", "count"),
         [(_measure(words, h, m), t + 1, words.label("fact", f), p, day(a), day(u), n)
          for h, m, t, f, p, a, u, n in counts]),
        ("Records behind the baseline counts", ("measure", "test", "person", "source", "record id", "date"),
         [(_measure(words, h, m), t + 1, p, src(s), r, day(d)) for h, m, t, p, s, r, d in base_records]),
        ("Measures at the claim date", ("measure", "status", "earliest", "figures"),
         [(_measure(words, h, m), words.label("measure_status", st), day(er), figures_in_words(f, words))
          for h, m, st, er, f in measures]),
        ("Each measure's inputs", INPUT_HEADER, inputs),
        ("Records behind the progress figures",
         ("measure", "test", "person", "source", "record id", "date", "kind"),
         [(_measure(words, h, m), t + 1, p, src(s), r, day(d), words.label("kind", k))
          for h, m, t, p, s, r, d, k in progress]),
        ("Attestations", ("headline", "indicator", "by", "on", "statement", "evidence file", "sha256"),
         [(words.label("headline", h), words.label("line", i), actor_label(by), day(on), st, name, sha)
          for h, i, by, on, st, name, sha in attestations]),
        (DOUBTFUL_SECTION, PAIR_HEADER,
         [(p["person_id"], src(p["source_l"]), p["record_id_l"], src(p["source_r"]), p["record_id_r"],
           f"{p['match_probability']:.3f}", p["measures"], _decision(p), p["reviewer"] or "", p["decided_on"] or "")
          for p in doubtful or []]),
        (ADDED_HEADLINES,
         ("how", "headline", "lines", "measured from / nominated on", "by", "reason", "evidence file", "sha256"),
         [(how, words.label("headline", h), ", ".join(words.label("line", i) for i in ls), day(on), actor_label(by),
           reason, name, sha) for how, h, ls, on, by, reason, name, sha in added]),
        (ASSESSED_ROWS, ASSESSED_HEADER,
         [(what, row, words.label("headline", h), day(on), actor_label(by), score, said, name, sha)
          for what, row, h, on, by, score, said, name, sha in assessed]),
    ]


DOUBTFUL_SECTION = "Doubtful links (pairs in the linkage review band that could change a measure)"


def _decision(pair: dict) -> str:
    return {"not_a_match": "not the same person", "match": "the same person (applied at the next link)"}.get(
        pair["decision"] or "", "undecided")


def _open_links(doubtful: list[dict]) -> str:
    """The pack's line on doubtful links: none open (a claim is only made so), and how many were decided."""
    still_open = sum(1 for p in doubtful if p["open"])
    decided = len(doubtful) - still_open
    head = "none" if not still_open else f"{still_open} OPEN: this claim should have been held for review"
    return head + (f" ({decided} decided not the same person by a reviewer)" if decided else
                   " (no record in the review band could change a measure)")


def render_pack(con: duckdb.DuckDBPyConnection, attachment: Attachment, e: date, route: str, window: str,
                refresh_id: str, progress: PackRows, inputs: PackRows | None = None,
                doubtful: list[dict] | None = None) -> Pack:
    """The evidence pack for one claim, from the frozen baseline, the evaluation tables on `con`, the
    records behind its progress figures (`progress_records`), each measure's inputs
    (`pack_inputs.measure_inputs`, computed here for this family when not given) and the doubtful links the
    evaluation found for it (`claims.holds.doubtful_pairs`; none open, or the claim would be held)."""
    fid = attachment.family_id
    plan = attachment_plan(attachment)
    if inputs is None:
        inputs = measure_inputs(con, [attachment], e)[fid]
    if doubtful is None:
        doubtful = doubtful_pairs(con).get(fid, [])
    lines = sorted(BaselineLine.objects.filter(attachment=attachment).values_list(
        "headline", "indicator", "person_id", "source", "record_id", "fact_date", "value"), key=str)
    counts = sorted(BaselineCount.objects.filter(attachment=attachment).values_list(
        "headline", "measure", "test_no", "fact", "person_id", "window_start", "window_end", "count"), key=str)
    base_records = sorted(BaselineRecord.objects.filter(attachment=attachment).values_list(
        "headline", "measure", "test_no", "person_id", "source", "record_id", "fact_date"), key=str)
    attestations = sorted(Attestation.objects.filter(family_id=fid).values_list(
        "headline", "indicator", "attested_by", "attested_on", "statement", "evidence_name", "evidence_sha256"),
        key=str)
    measures = con.execute(
        "SELECT headline, measure, status, earliest, detail FROM measure_status WHERE family_id = ? ORDER BY ALL",
        [fid]).fetchall()
    headlines = con.execute(
        "SELECT headline, status FROM headline_status WHERE family_id = ? AND status <> 'not_applicable' "
        "ORDER BY ALL", [fid]).fetchall()
    sections = _labelled_sections(plan, headlines, lines, counts, base_records, measures, inputs, progress,
                                  attestations, doubtful, added_headlines(fid), assessed_rows(fid))
    body = "".join(f"<h2>{escape(title)}</h2>\n{_table(h, rows)}" for title, h, rows in sections)
    checksum = hashlib.sha256(body.encode()).hexdigest()
    words = plan.vocabulary()
    summary = _summary_table([
        ("family", fid), ("route", words.label("claim_route", route)), ("claim window", window),
        ("claimed on (evaluation date)", e), ("attached on", attachment.attached_on),
        ("lead worker", attachment.lead_worker), ("lead agency", attachment.lead_agency),
        ("plan", attachment.plan_id), ("plan sha256", attachment.plan_sha256),
        ("refresh at attachment", attachment.refresh_id), ("refresh at claim", refresh_id),
        ("doubtful links open at the claim date", _open_links(doubtful)),
        ("evidence checksum (sha256 of the sections below)", checksum),
    ])
    html = (
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>Evidence pack {escape(fid)}</title><style>{PACK_CSS}</style></head><body>\n"
        f"<h1>Payment-by-Results evidence pack: family {escape(fid)}</h1>\n{summary}{body}</body></html>\n"
    )
    return Pack(fid, html.encode(), checksum, tuple(sections))
