"""The board paper: an outcome framework's table for a period (seed 000's *What we will do | RAG | Achievements
to date / next steps*, or seed 003's *Outcomes | Performance measures | End of year update | Lead organisation*),
its charts, and the ward and agency tables behind it, as HTML, PDF, Word and Excel.

Every figure comes from `reports.statistics` (the ledger, the case record and the refresh) or from a value a
measure owner entered (`reports.frameworks`); the paper holds aggregate counts only, never a family.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO

from priority_families.casedb.figures import CLAIMED, WORKED_WITH
from priority_families.core.engine import Workspace
from priority_families.core.export import (
    produced,
    with_labels,
    workbook,
    write_metadata_sheet,
    write_table_sheet,
)
from priority_families.core.files import write_private
from priority_families.reports import charts
from priority_families.reports.frameworks import (
    FigureValues,
    Framework,
    Layout,
    Outcome,
    OutcomeKind,
    Period,
    Scored,
    number,
    outcome_rag,
    period_of,
    score,
)
from priority_families.reports.statistics import (
    TO_DATE,
    ProgrammeStatistics,
    programme_statistics,
    statistics_labels,
)

KIND_LABELS = {OutcomeKind.HEADLINE: "Headline outcome", OutcomeKind.SECONDARY: "Secondary outcome",
               OutcomeKind.KEY_ACTION: "Key action"}
RAG_COLOURS = {"RED": "#d4351c", "AMBER": "#f47738", "GREEN": "#00703c"}
STAGE_FIGURES = {"identified": "identified", "worked_with": "worked with", "results": "results met",
                 "claimed": "claimed"}


@dataclass(frozen=True)
class BoardPaper:
    framework: Framework
    period: Period
    stats: ProgrammeStatistics
    scored: dict[str, Scored]
    charts: list[charts.Chart]

    def figures(self) -> FigureValues:
        return FigureValues(self.stats, self.period)

    def values(self) -> dict[str, str]:
        """Every measure's value as printed, for sentences naming another measure ({m[id]})."""
        return {k: number(s.value) if s.value is not None else "not entered" for k, s in self.scored.items()}

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """The framework's table, one row per measure: priority, outcome (kind and text), measure, RAG,
        achievements to date / next steps, lead organisation."""
        values, rows = self.values(), []
        for priority in self.framework.priorities:
            for outcome in priority.outcomes:
                for m in outcome.measures:
                    s = self.scored[m.id]
                    rows.append((priority.title, f"{KIND_LABELS[outcome.kind]}: {outcome.text}", m.label,
                                 _rag_text(s), _update(s, self.period.end, values, self.figures()),
                                 outcome.lead or priority.lead))
        return rows


def _rag_text(s: Scored) -> str:
    if s.rag is None:
        return "not rated"
    if s.override_reason:
        return f"{s.rag.value} (overridden from {s.rule_rag.value if s.rule_rag else 'not rated'}: " \
               f"{s.override_reason})"
    return s.rag.value


def _update(s: Scored, on: date, values: dict[str, str], figures: FigureValues | None = None) -> str:
    parts = [s.achievement(on, values, figures)]
    if s.expected is not None:
        parts.append(f"(trajectory {number(round(s.expected, 1))} on {on.isoformat()})")
    if s.narrative:
        parts.append(s.narrative)
    return " ".join(parts)


def board_paper(workspace: Workspace, framework: Framework, period: str, level: str = "ward") -> BoardPaper:
    """The paper for `period`, counted on its last day from the refresh standing then and the case record."""
    p = period_of(period)
    stats = programme_statistics(workspace, p.end, level)
    scored = score(framework, stats, p)
    return BoardPaper(framework, p, stats, scored, _charts(framework, stats, scored))


def _charts(framework: Framework, stats: ProgrammeStatistics, scored: dict[str, Scored]) -> list[charts.Chart]:
    results = sum(n for _c, n, _ in stats.combinations)
    stages = [("identified", stats.identified), ("worked with", stats.worked_with_to_date()),
              ("results met", results), ("claimed", stats.claimed_to_date())]
    targets = [(STAGE_FIGURES[s.measure.source.figure], s.measure.target) for s in scored.values()
               if s.measure.source.figure in STAGE_FIGURES and s.measure.target is not None]
    return [charts.funnel(stages, targets),
            charts.results_over_time([(y, h, n) for y, h, n, _ in stats.results if y != TO_DATE]),
            charts.by_agency(stats.by_agency)]


# --- HTML and PDF ----------------------------------------------------------------------------------------

CSS = """
body { font-family: sans-serif; font-size: 10pt; color: #0b0c0c; margin: 1.5em; }
h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.4em; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0; page-break-inside: auto; }
th, td { border: 1px solid #b1b4b6; padding: 4px 6px; vertical-align: top; text-align: left; }
th { background: #f3f2f1; } td p { margin: 0 0 0.4em; } td.num { text-align: right; }
td.rag { font-weight: bold; color: white; text-align: center; white-space: nowrap; }
td.RED { background: #d4351c; } td.AMBER { background: #f47738; } td.GREEN { background: #00703c; }
td.none { background: #b1b4b6; color: #0b0c0c; }
.chart img { width: 16cm; height: auto; } p.meta { color: #505a5f; }
@page { size: A4 landscape; margin: 1.2cm; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _rag_cell(s_rag: str | None, text: str) -> str:
    return f'<td class="rag {s_rag or "none"}">{_e(text)}</td>'


def _strategy_table(paper: BoardPaper, priority_index: int) -> list[str]:
    priority, values = paper.framework.priorities[priority_index], paper.values()
    out = [("<table><tr><th style='width:38%'>What we will do</th><th style='width:8%'>RAG</th>"
           "<th>Achievements to date / next steps</th></tr>")]
    for outcome in priority.outcomes:
        rag = outcome_rag(outcome, paper.scored)
        updates = "".join(f"<p>{_e(_update(paper.scored[m.id], paper.period.end, values, paper.figures()))}</p>"
                          for m in outcome.measures)
        overrides = [f"{m.label}: {_rag_text(paper.scored[m.id])}" for m in outcome.measures
                     if paper.scored[m.id].override_reason]
        note = "".join(f"<p><em>{_e(o)}</em></p>" for o in overrides)
        out.append(f"<tr><td><strong>{_e(KIND_LABELS[outcome.kind])}</strong><br>{_e(outcome.text)}</td>"
                   f"{_rag_cell(rag.value if rag else None, rag.value if rag else 'not rated')}"
                   f"<td>{updates}{note}</td></tr>")
    return [*out, "</table>"]


def _plan_table(paper: BoardPaper, priority_index: int) -> list[str]:
    priority, values = paper.framework.priorities[priority_index], paper.values()
    out = [("<table><tr><th style='width:22%'>Outcomes</th><th style='width:22%'>Performance measures</th>"
           "<th style='width:8%'>RAG</th><th>End of year update</th><th style='width:14%'>Lead organisation</th></tr>")]
    for outcome in priority.outcomes:
        for k, m in enumerate(outcome.measures):
            s = paper.scored[m.id]
            first = (f"<td rowspan='{len(outcome.measures)}'>{_e(outcome.text)}</td>" if k == 0 else "")
            lead = (f"<td rowspan='{len(outcome.measures)}'>{_e(outcome.lead or priority.lead)}</td>" if k == 0 else "")
            out.append(f"<tr>{first}<td>{_e(m.label)}</td>{_rag_cell(s.rag.value if s.rag else None, _rag_text(s))}"
                       f"<td>{_e(_update(s, paper.period.end, values, paper.figures()))}</td>{lead}</tr>")
    return [*out, "</table>"]


def table_html(title: str, header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    head = "".join(f"<th>{_e(h.replace('_', ' '))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td class='num'>{_e(_cell(v))}</td>" if isinstance(v, (int, float))
                                    else f"<td>{_e(_cell(v))}</td>" for v in row) + "</tr>" for row in rows)
    return [f"<h3>{_e(title)}</h3><table><tr>{head}</tr>{body}</table>"]


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1%}" if 0 < abs(value) < 1 else number(value)
    if isinstance(value, int):
        return f"{value:,}"
    return "" if value is None else str(value).replace("_", " ")


def render_html(paper: BoardPaper) -> str:
    f, s = paper.framework, paper.stats
    parts = [(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(f.board)}: {_e(f.title)}"
             f"</title><style>{CSS}</style></head><body>"),
             f"<h1>{_e(f.board)}: {_e(f.title)}</h1>",
             (f"<p class='meta'>Period {_e(paper.period.label)} ({paper.period.start.isoformat()} to "
             f"{paper.period.end.isoformat()}); figures counted on {paper.period.end.isoformat()}; results judged "
             f"on refresh {_e(s.refresh_id)} as of {s.judged_on.isoformat()}.</p>")]
    table = _plan_table if f.layout is Layout.PLAN else _strategy_table
    for k, priority in enumerate(f.priorities):
        parts.append(f"<h2>{_e(priority.title)}</h2>")
        if priority.lead:
            parts.append(f"<p class='meta'>Lead: {_e(priority.lead)}</p>")
        parts += table(paper, k)
    parts.append("<h2>Charts</h2>")
    for chart in paper.charts:  # as images: inline SVGs would share matplotlib's element ids
        data = base64.b64encode(chart.svg).decode()
        parts.append(f"<div class='chart'><img alt='{_e(chart.title)}' src='data:image/svg+xml;base64,{data}'></div>")
    parts.append("<h2>Tables</h2>")
    for name, (header, rows) in s.tables().items():
        parts += table_html(name.replace("_", " ").capitalize(), header, rows)
    parts.append("<h2>Definitions</h2><ul>"
                 f"<li>Worked with: {_e(WORKED_WITH)}.</li><li>Claimed: {_e(CLAIMED)}.</li>"
                 "<li>Results met: every results measure of a headline met on the refresh's data, for families "
                 "attached by the period's end.</li><li>RAG: on or ahead of the trajectory GREEN; within the "
                 "measure's amber share of it AMBER; below RED; an override shows the rule's RAG and the reason."
                 "</li></ul></body></html>")
    return "".join(parts)


# --- Word and Excel --------------------------------------------------------------------------------------


def _shade(cell: object, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour.lstrip("#"))
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def render_docx(paper: BoardPaper) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    f, values = paper.framework, paper.values()
    document.add_heading(f"{f.board}: {f.title}", level=1)
    document.add_paragraph(f"Period {paper.period.label}; figures counted on {paper.period.end.isoformat()}; results "
                           f"judged on refresh {paper.stats.refresh_id} as of {paper.stats.judged_on.isoformat()}.")
    for priority in f.priorities:
        document.add_heading(priority.title, level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("What we will do", "RAG", "Achievements to date / next steps")):
            cell.text = text
        for outcome in priority.outcomes:
            rag = outcome_rag(outcome, paper.scored)
            cells = table.add_row().cells
            cells[0].text = f"{KIND_LABELS[outcome.kind]}: {outcome.text}"
            cells[1].text = rag.value if rag else "not rated"
            if rag:
                _shade(cells[1], RAG_COLOURS[rag.value])
            cells[2].text = "\n".join(_outcome_lines(paper, outcome, values))
    document.add_heading("Charts", level=2)
    for chart in paper.charts:
        document.add_picture(io.BytesIO(chart.png), width=Cm(16))
    document.add_heading("Tables", level=2)
    for name, (header, rows) in paper.stats.tables().items():
        document.add_heading(name.replace("_", " ").capitalize(), level=3)
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header):
            cell.text = text.replace("_", " ")
        for row in rows:
            for cell, value in zip(table.add_row().cells, row):
                cell.text = _cell(value)
    out = io.BytesIO()
    made = datetime.combine(paper.period.end, time())  # the same paper gives the same file
    document.core_properties.created = document.core_properties.modified = made
    document.save(out)
    return out.getvalue()


def _outcome_lines(paper: BoardPaper, outcome: Outcome, values: dict[str, str]) -> list[str]:
    lines = [_update(paper.scored[m.id], paper.period.end, values, paper.figures()) for m in outcome.measures]
    return lines + [f"{m.label}: {_rag_text(paper.scored[m.id])}" for m in outcome.measures
                    if paper.scored[m.id].override_reason]


def write_xlsx(paper: BoardPaper, path: Path | IO[bytes], actor: str = "") -> Path | IO[bytes]:
    """The paper as a workbook: the framework's rows with RAG colours, each table on a sheet, the charts."""
    book = workbook(path)
    try:
        bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#F3F2F1"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        rags = {k: book.add_format({"bold": True, "font_color": "white", "bg_color": v, "valign": "top"})
                for k, v in RAG_COLOURS.items()}
        write_metadata_sheet(book, [
            ("as_of", f"{paper.stats.judged_on.isoformat()} (results judged on the refresh's data)"),
            ("plan", f"framework {paper.framework.id}: {paper.framework.title}"),
            ("filter", (f"period {paper.period.label}: {paper.period.start.isoformat()} to "
                        f"{paper.period.end.isoformat()}, the whole programme")),
            *produced(actor, paper.stats.refresh_id)], title=f"{paper.framework.title}: {paper.period.label}")
        sheet = book.add_worksheet("board")
        header = ("priority", "outcome", "measure", "RAG", "achievements to date / next steps", "lead")
        sheet.write_row(0, 0, header, bold)
        for r, row in enumerate(paper.rows(), start=1):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value, rags.get(value.split(" ")[0], wrap) if c == 3 else wrap)
        for c, width in enumerate((24, 50, 30, 14, 80, 24)):
            sheet.set_column(c, c, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(paper.rows()), 1), len(header) - 1)
        labels = statistics_labels()
        for name, (head, rows) in paper.stats.tables().items():
            write_table_sheet(book, name, *with_labels(head, rows, labels))
        pictures = book.add_worksheet("charts")
        for k, chart in enumerate(paper.charts):
            pictures.insert_image(k * 26, 0, f"{chart.name}.png", {"image_data": io.BytesIO(chart.png),
                                                                   "x_scale": 0.6, "y_scale": 0.6})
    finally:
        book.close()
    return path


def write_board_paper(paper: BoardPaper, out: Path) -> list[Path]:
    """OUT/board-FRAMEWORK-PERIOD.{html,pdf,docx,xlsx}, and each chart as OUT/board-FRAMEWORK-PERIOD-CHART.svg
    and .png."""
    import weasyprint  # loads pango: only when a paper is written

    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"board-{paper.framework.id}-{paper.period.label.replace('/', '-')}"
    page = render_html(paper)
    written = [write_private(stem.with_suffix(".html"), page.encode()),
               write_private(stem.with_suffix(".pdf"), weasyprint.HTML(string=page).write_pdf()),
               write_private(stem.with_suffix(".docx"), render_docx(paper)),
               write_xlsx(paper, stem.with_suffix(".xlsx"))]
    for chart in paper.charts:
        written.append(write_private(out / f"{stem.name}-{chart.name}.svg", chart.svg))
        written.append(write_private(out / f"{stem.name}-{chart.name}.png", chart.png))
    return written
