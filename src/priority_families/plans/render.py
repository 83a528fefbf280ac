"""Render a plan as the document an auditor signs off, in the shape of a council's Outcomes Plan.

Per headline: the eligibility indicators in words (who, which records, which window, which test, source
of information), then the outcomes table: indicator, substantial change, baseline measure, significant
progress, sustained period, source of information. The text is generated from the same data the SQL
is compiled from, so what is signed is what runs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from priority_families.plans.schema import (
    Aggregate,
    EligibilityKind,
    Indicator,
    Plan,
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


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str]
    tables: list[Table]


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
                           [[f"{i.label} ({i.id})", WHO_WORDS[i.who.value], _records_words(i), window_words(i),
                             test_words(i), i.evidence] for i in h.indicators])
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
    if plan.money.note:
        paras.append(plan.money.note)
    routes = Table("Claim routes", ["Route", "Description", "Paid"],
                   [[r.id, r.description, _route_payment(plan, r.results_share)] for r in plan.claim_routes])
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
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
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
            body += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in t.rows]
            body.append("</tbody></table>")
    style = ("body{font-family:Arial,sans-serif;max-width:70em;margin:2em auto;color:#0b0c0c}"
             "table{border-collapse:collapse;width:100%;margin:1em 0}th,td{border:1px solid #b1b4b6;"
             "padding:.4em;vertical-align:top;text-align:left}th{background:#f3f2f1}caption{font-weight:bold;"
             "text-align:left;padding:.3em 0}")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e(title)}</title>"
            f"<style>{style}</style></head><body>" + "\n".join(body) + "</body></html>\n")


def render_pdf(plan: Plan) -> bytes:
    """The sign-off document as PDF (A4 landscape: the outcomes tables are six columns wide)."""
    import weasyprint  # imported here: it loads the pango libraries, only needed for PDFs

    page = "<style>@page{size:A4 landscape;margin:1.5cm}body{max-width:none;margin:0;font-size:10pt}</style>"
    return weasyprint.HTML(string=render_html(plan).replace("</head>", page + "</head>", 1)).write_pdf()
