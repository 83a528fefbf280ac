"""Render a plan as the document an auditor signs off, in the shape of a council's Outcomes Plan.

Per headline: the eligibility indicators in words (who, which records, which window, which test, source
of information), then the outcomes table: indicator, substantial change, baseline measure, significant
progress, sustained period, source of information. The text is generated from the same data the SQL
is compiled from, so what is signed is what runs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from priority_families.plans.schema import (
    Aggregate,
    ClaimRoute,
    EligibilityKind,
    EligibilityPriority,
    Headline,
    Indicator,
    MeasureKind,
    MeasureTest,
    Plan,
    RelativeWindow,
    ResultMeasure,
    Scope,
    WindowKind,
    WithdrawalEffect,
)

WHO_WORDS = {
    "child": "a child (under 18)",
    "school_age_child": "a school-age child (5 to 15)",
    "adult": "an adult (18 or over)",
    "young_person": "a young person (16 to 24)",
    "any_member": "any member",
}


@dataclass(frozen=True)
class Table:
    title: str
    header: list[str]
    rows: list[list[str]]
    under: dict[int, str] | None = None  # text printed across the table under row i (the row's exact test)


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]
    tables: list[Table]


def _who_words(ind: Indicator) -> str:
    """Who a line looks at, with the school years it keeps to (taken from the date of birth)."""
    if ind.school_years is None:
        return WHO_WORDS[ind.who.value]
    first, last = ind.school_years
    years = f"school year {first}" if first == last else f"school years {first} to {last}"
    return f"{WHO_WORDS[ind.who.value]} in {years} (Reception = 0) at the identification date"


def window_words(ind: Indicator) -> str:
    w = ind.window
    match w.kind:
        case WindowKind.MONTHS_BACK:
            return f"in the last {w.months} months"
        case WindowKind.LAST_TERMS:
            return f"in the last {w.terms} school terms"
        case WindowKind.OPEN_AT_AS_OF:
            return "open at the identification date"
        case WindowKind.OPEN_OR_STARTING:
            return f"open at the identification date or starting in the last {w.months} months"


def test_words(ind: Indicator) -> str:
    per = "summed across the family" if ind.scope is Scope.FAMILY else "per person"
    match ind.aggregate:
        case Aggregate.SHARE_OF_SESSIONS:
            cols = " + ".join(c.replace("_", " ") for c in ind.numerator or [])
            return f"({cols}) / possible sessions {ind.comparison.value} {ind.threshold:.0%}, {per}"
        case Aggregate.SUM:
            return f"sum of {ind.column} {ind.comparison.value} {ind.threshold:g}, {per}"
        case Aggregate.LATEST:
            return f"latest record is {' / '.join(ind.latest_kinds or [])}"
        case Aggregate.DAYS_UNTIL:
            return f"{(ind.column or '').replace('_', ' ')} within {ind.within_months} months after the date"
        case _:
            if ind.threshold == 1 and ind.comparison.value == ">=":
                return "at least one record"
            return f"number of records {ind.comparison.value} {ind.threshold:g}, {per}"


def _records_words(ind: Indicator) -> str:
    kinds = f" ({', '.join(ind.kinds)})" if ind.kinds else ""
    return f"{ind.fact}.csv{kinds}"


def _relative_words(w: RelativeWindow | None) -> str:
    if w is None:
        return ""
    d = "attachment" if w.relative_to == "attachment" else "evaluation"
    if w.terms:
        return f"in the last {w.terms} school terms before {d}"
    parts = [f"in the {w.months} months up to {d}"] if w.months else []
    if w.at_date:
        parts.insert(0, f"open at {d}")
    return " or ".join(parts)


def measure_test_words(test: MeasureTest) -> str:
    """One test of a results row in words, from the same fields the SQL is compiled from."""
    who = WHO_WORDS[test.who.value]
    records = f"{test.fact}.csv" + (f" ({', '.join(test.kinds)})" if test.kinds else "")
    after, before = _relative_words(test.progress_window), _relative_words(test.baseline_window)
    per = "each person named at attachment" if test.scope is Scope.PERSON else "counted across the family"
    match test.kind:
        case MeasureKind.REDUCTION:
            return (f"{records} of {who} {after} at most {test.factor} x those {before} ({per}); none before "
                    "needs none after")
        case MeasureKind.FEWER:
            return f"fewer {records} {after} than {before}, or none where there were none ({per})"
        case MeasureKind.NONE_IN_WINDOW:
            return f"no {records} record of {who} {after} ({per})"
        case MeasureKind.BELOW_THRESHOLD:
            value = "absence / possible sessions" if test.fact == "school_attendance" else f"{records} count"
            threshold = f"{test.threshold:.0%}" if test.fact == "school_attendance" else f"{test.threshold:g}"
            return f"every {who} at evaluation: {value} {after} {(test.comparison or '<')} {threshold}"
        case MeasureKind.LATEST_KIND:
            return (f"that person's latest {records} is {' / '.join(test.kinds or [])} and none "
                    f"{' / '.join(test.not_kinds or [])} {after}")
        case MeasureKind.SPELL_LASTED:
            lasts = (f"{test.months} months" if test.months else
                     ", ".join(f"{w} weeks ({k})" for k, w in (test.weeks or {}).items()))
            return f"a {records} spell of {who} starting on or after attachment that has lasted {lasts}"
        case MeasureKind.STARTED_IN_WINDOW:
            return f"a {records} spell of {who} starting {after}"
        case MeasureKind.ATTESTATION:
            return "attested by the lead professional, with evidence"
        case MeasureKind.ASSESSED_ATTESTATION:
            said = ("the lead professional attests the row met, with evidence, on or after the end of its period "
                    "counted from the assessment")
            if test.tool:
                said += (f", and the later {test.tool} score is {test.better} than the score at assessment "
                         f"({test.better} is better)")
            return said


def _row_test(m: ResultMeasure) -> str:
    joiner = " OR " if all(t.kind is MeasureKind.SPELL_LASTED for t in m.tests) else " AND "
    kinds = f" whose line was true through {', '.join(m.line_kinds)}" if m.line_kinds else ""
    test = joiner.join(measure_test_words(t) for t in m.tests) or "no test"
    note = f" Reading: {m.note}" if m.note else ""
    if m.assessed:
        period = f"{m.sustained_months} months" if m.sustained_months else "three school terms"
        return (f"Test ({m.id}, for families the lead worker records it applies to, assessed by {m.assessed_by}: "
                f"pf assess): {test}; judged from {period} after the assessment date.{note}")
    wait = f"; judged from {m.sustained_months} months after attachment" if m.sustained_months else ""
    return f"Test ({m.id}, for families with {', '.join(m.lines)}{kinds}): {test}{wait}.{note}"


SEED_COLUMNS = ["Substantial change", "Baseline measure", "Significant progress", "Sustained Progress",
                "Source of information"]


def _seed_layout(h: Headline) -> tuple[list[str], Table]:
    """The headline as the council printed it: strategic goal, measures, then the five columns, every row with
    its exact test under it (or why it is not measured yet)."""
    paras = [f"Strategic goal: {h.strategic_goal}"] if h.strategic_goal else []
    if h.measures:
        paras.append("Measures: " + "; ".join(h.measures))
    rows: list[tuple[str, list[str], str]] = []
    for m in h.results:
        cells = [m.substantial_change, m.baseline, m.significant_progress, m.sustained, m.source]
        rows.append((m.row or m.id, cells, _row_test(m)))
    for r in h.not_measured:
        cells = [r.substantial_change, r.baseline, r.significant_progress, r.sustained, r.source]
        rows.append((r.row, cells, f"Not measured yet: {r.reason}"))
    rows.sort(key=lambda r: _row_order(r[0]))
    table = Table("Outcomes", ["Row", *SEED_COLUMNS], [[row, *cells] for row, cells, _ in rows],
                  {i: test for i, (_, _, test) in enumerate(rows)})
    return paras, table


def _row_order(row: str) -> tuple[int, ...]:
    """'004 2.3' sorts as (2, 3), '002 HP3 outcome 10' as (3, 10); a row without a number after its headline
    comes last in it."""
    numbers = [int(n) for n in re.findall(r"\d+", row.split(" ", 1)[-1])][:2]
    return tuple(numbers) + (99,) * (2 - len(numbers))


def _tested_by(p: EligibilityPriority) -> str:
    """What tests a published eligibility priority: its lines, a professional's nomination, or nothing yet."""
    if p.nomination:
        return "a professional's nomination (pf nominate), with the reason and evidence"
    return ", ".join(p.lines) or "no line yet"


def _appendix_three_layout(h: Headline) -> tuple[list[str], list[Table]]:
    """The headline as Warwickshire's Appendix Three prints it: the HO statement, eligibility priorities (each
    with the lines that test it, and the reading under it), outcome measures (each with its exact test under
    it), sustainability and evidence; the lines' exact tests follow once, in the indicators table."""
    paras = [h.outcome_statement] if h.outcome_statement else []
    priorities = Table("Eligibility Priorities", ["Eligibility priority", "Tested by"],
                       [[p.text, _tested_by(p)] for p in h.eligibility_priorities],
                       {i: f"Reading: {p.note}" for i, p in enumerate(h.eligibility_priorities) if p.note})
    rows: list[tuple[str, list[str], str]] = []
    for m in h.results:
        rows.append((m.row or m.id, [m.significant_progress, m.baseline, m.sustained, m.source], _row_test(m)))
    for r in h.not_measured:
        rows.append((r.row, [r.significant_progress, r.baseline, r.sustained, r.source],
                     f"Not measured yet: {r.reason}"))
    rows.sort(key=lambda r: _row_order(r[0]))
    outcomes = Table("Outcome Measures", ["Row", "Outcome measure", "Applies to", "Sustained", "Evidence"],
                     [[row, *cells] for row, cells, _ in rows], {i: test for i, (_, _, test) in enumerate(rows)})
    sustainability = Table("Sustainability", ["Sustainability"], [[s] for s in h.sustainability])
    evidence = Table("Evidence to Support Eligibility", ["Source"], [[s] for s in h.evidence_sources])
    return paras, [priorities, outcomes, sustainability, evidence]


def plan_sections(plan: Plan) -> list[Section]:
    """The plan as document sections (shared by the Markdown and HTML renderings)."""
    rule = plan.eligibility
    if rule.kind is EligibilityKind.AT_LEAST:
        rule_words = f"A family is eligible when it meets the criteria of at least {rule.at_least} headlines."
    else:
        rule_words = (f"A family is eligible when it meets all of {', '.join(rule.core or [])}; or {rule.n} of "
                      f"them and {rule.plus}.")
    sections = [Section("Eligibility", [rule_words, ("A family meets a headline when any of its indicators holds "
                                        "for a member it names, at the identification date (as_of).")], [])]
    for n, h in enumerate(plan.headlines, start=1):
        indicators = Table("Eligibility indicators",
                           ["Indicator", "Who", "Records", "Window", "Test", "Source of information"],
                           [[f"{i.label} ({i.id})", _who_words(i), _records_words(i), window_words(i),
                             test_words(i), i.evidence] for i in h.indicators])
        if h.priority_statement:
            paras, tables = _appendix_three_layout(h)
            sections.append(Section(f"{n}. {h.priority_statement} ({h.id})", paras, [*tables, indicators]))
            continue
        if h.strategic_goal or h.not_measured or any(m.row for m in h.results):
            paras, outcomes = _seed_layout(h)
            sections.append(Section(f"{n}. {h.title} ({h.id})", paras, [outcomes, indicators]))
            continue
        outcomes = Table("Outcomes", ["Indicator", "Substantial change", "Baseline measure", "Significant progress",
                                      "Sustained period", "Source of information"],
                         [[", ".join(m.lines), m.substantial_change, m.baseline, m.significant_progress,
                           m.sustained, m.source] for m in h.results])
        sections.append(Section(f"{n}. {h.title} ({h.id})", [], [indicators, outcomes] if h.results else [indicators]))
    sections.append(_claims_and_money(plan))
    pr = plan.priority
    sections.append(Section("Priority score", [
        (f"priority = {pr.headline_points:g} x headlines met + the weights of the indicators met + estimated "
        f"annual cost / {pr.cost_per_point:,.0f}. Estimated annual cost = the unit cost of each indicator met, "
        "once per person meeting it (once per family for family-wide indicators)."), *([pr.note] if pr.note else [])],
        [Table("Weights and unit costs", ["Headline", "Indicator", "Weight", "Unit cost (annual)"],
               [[h.id, i.id, f"{i.weight:g}", f"{i.unit_cost:,.0f}"] for h, i in plan.indicators()])]))
    sections.append(Section("Sign-off", [("Approved by: ______________________  Role: ______________  "
                                         "Date: ____________")], []))
    return sections


def _money_words(plan: Plan) -> str:
    """The payments as the plan makes them: split by year of attachment, or a fee and a payment per claim."""
    money, cur = plan.money, plan.money.currency
    if money.year_split:
        return (f"Attachment fee: {money.attachment_fee:,.0f} {cur} times the share paid on attachment in the "
                f"financial year the family was attached (table below). Results payment: "
                f"{money.results_payment:,.0f} {cur} times that year's share paid on results, times the route's "
                "share (claim routes below).")
    return (f"Attachment fee: {money.attachment_fee:,.0f} {cur} per family attached. Results payment: "
            f"{money.results_payment:,.0f} {cur} per claim, times the route's share (claim routes below).")


def _route_payment(plan: Plan, share: float) -> str:
    """What a claim by a route is paid, in words and, where the plan splits by year, in each year's pounds."""
    money = plan.money
    words = "the results payment" if share == 1 else f"{share:.1%} of the results payment".replace(".0%", "%")
    if not money.year_split:
        return f"{words}: {money.results_payment * share:,.0f} {money.currency}"
    years = "; ".join(f"{y.year}: {money.results_payment * y.results_share * share:,.0f}" for y in money.year_split)
    return f"{words} ({years} {money.currency})"


def _route_group(route: ClaimRoute) -> str:
    """Which claims a route's claim goes with: its group (one live claim per family and group) and exclusions."""
    words = f"one claim per family in group {route.claim_group}"
    return words + (f"; rules out a claim in {' and '.join(route.excludes)}" if route.excludes else "")


def _withdrawal_words(plan: Plan) -> str:
    """What the plan says follows a family's withdrawal of its agreement to join."""
    effects = {WithdrawalEffect.CASEWORK_STOPS: "its case is closed",
               WithdrawalEffect.CLAIMS_HELD: "no claim is proposed or submitted for it while it stays withdrawn"}
    said = [effects[e] for e in plan.family_agreement.on_withdrawal]
    return ("When a family withdraws its agreement to join the programme, " + "; ".join(said) + "."
            if said else "A family's withdrawal of its agreement to join changes neither its case nor its claims.")


def _claims_and_money(plan: Plan) -> Section:
    """Routes with what each is paid, when results may be judged, the sustainability checks and the money."""
    timing, checks = plan.results_timing, plan.sustainability
    paras = [_money_words(plan)]
    if timing.wait_all_months is not None:
        paras.append(f"No result is judged until {timing.wait_all_months} months after attachment.")
    paras.append(f"After a claim the lead worker checks that the results have lasted every {checks.every_months} "
                 f"months for {checks.for_months} months.")
    paras.append(_withdrawal_words(plan))
    if plan.backdating:
        back = plan.backdating
        paras.append(f"Back-dated attachment: a family led by {', '.join(back.lead_agencies)} may be attached from "
                     f"{back.earliest.day} {back.earliest:%B %Y}, earlier than the usual year before the refresh."
                     + (f" {back.note}" if back.note else ""))
    if plan.money.note:
        paras.append(plan.money.note)
    routes = Table("Claim routes", ["Route", "Description", "Paid"],
                   [[r.id, r.description, _route_payment(plan, r.results_share)] for r in plan.claim_routes])
    if len(plan.claim_groups()) > 1:  # a family may have a claim in each group: say which claims go together
        routes = Table("Claim routes", ["Route", "Description", "Paid", "Claimed"],
                       [[*row, _route_group(r)] for row, r in zip(routes.rows, plan.claim_routes, strict=True)])
    tables = [routes]
    if plan.money.year_split:
        tables.append(Table("Payment split by year of attachment", ["Year", "Share on attachment", "Share on results"],
                            [[y.year, f"{y.attachment_share:.0%}", f"{y.results_share:.0%}"]
                             for y in plan.money.year_split]))
    return Section("Claims and money", paras, tables)


def _title(plan: Plan) -> list[str]:
    return [plan.name, f"Authority: {plan.authority}. Plan id: {plan.id} ({plan.status.value}).",
            plan.description, f"Source: {plan.source}"]


def _md_cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_markdown(plan: Plan) -> str:
    title, *intro = _title(plan)
    out = [f"# {title}", ""]
    for para in intro:
        if para and not para.endswith(": "):
            out += [para, ""]
    for s in plan_sections(plan):
        out += [f"## {s.heading}", ""]
        out += [p for para in s.paragraphs for p in (para, "")]
        for t in s.tables:
            out += [f"**{t.title}**", "", "| " + " | ".join(t.header) + " |",
                    "|" + "---|" * len(t.header)]
            for i, row in enumerate(t.rows):
                out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
                if t.under and i in t.under:
                    out.append("| " + " | ".join([f"↳ {_md_cell(t.under[i])}"] + [""] * (len(t.header) - 1)) + " |")
            out.append("")
    return "\n".join(out)


def render_html(plan: Plan) -> str:
    e = html.escape
    title, *intro = _title(plan)
    body = [f"<h1>{e(title)}</h1>", *[f"<p>{e(p)}</p>" for p in intro if p]]
    for s in plan_sections(plan):
        body.append(f"<h2>{e(s.heading)}</h2>")
        body += [f"<p>{e(p)}</p>" for p in s.paragraphs]
        for t in s.tables:
            body.append(f"<table><caption>{e(t.title)}</caption><thead><tr>"
                        + "".join(f"<th>{e(c)}</th>" for c in t.header) + "</tr></thead><tbody>")
            for i, row in enumerate(t.rows):
                body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
                if t.under and i in t.under:
                    body.append(f"<tr class=\"test\"><td colspan=\"{len(t.header)}\">{e(t.under[i])}</td></tr>")
            body.append("</tbody></table>")
    style = ("body{font-family:Arial,sans-serif;max-width:70em;margin:2em auto;color:#0b0c0c}"
             "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #b1b4b6;"
             "padding:.4em;vertical-align:top;text-align:left}th{background:#f3f2f1}caption{font-weight:bold;"
             "text-align:left;padding:.3em 0}tr.test td{background:#f8f8f8;font-size:90%;border-top:none}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>"
            f"<style>{style}</style></head><body>" + "\n".join(body) + "</body></html>\n")


def render_pdf(plan: Plan) -> bytes:
    """The sign-off document as PDF (A4 landscape: the outcomes tables are six columns wide)."""
    import weasyprint  # imported here: it loads the pango libraries, only needed for PDFs

    page = "<style>@page{size:A4 landscape;margin:1.5cm}body{max-width:none;margin:0;font-size:10pt}</style>"
    return weasyprint.HTML(string=render_html(plan).replace("</head>", page + "</head>", 1)).write_pdf()
