"""`pf report`: board papers from an outcome framework, and what measure owners enter against it (thin adapters
over `reports.board` and `reports.frameworks`)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, actor, case_workspace, console, fail
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError

report_app = typer.Typer(help="Reports for boards: board papers from outcome frameworks, and entering measures.",
                         no_args_is_help=True)

FrameworkOption = Annotated[str, typer.Option(
    "--framework", help="A framework id from the library (pf report frameworks) or a YAML file.")]
PeriodOption = Annotated[str, typer.Option(
    "--period", help="A programme year (2015/16), a quarter (2016Q2) or a month (2016-07).")]


def _framework(ref: str):
    from priority_families.reports.framework_files import FrameworkError, load_framework

    try:
        return load_framework(ref)
    except FrameworkError as exc:
        raise fail(str(exc)) from None


@report_app.command("board")
def board(
    framework: FrameworkOption,
    period: PeriodOption,
    out: Annotated[Path, typer.Option("--out", help="Folder for the paper (HTML, PDF, Word, Excel, charts).")],
    level: Annotated[str, typer.Option("--level", help="Geography level of the area table: ward, district or "
                                                       "locality.")] = "ward",
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Write the board paper for a framework and period: its table with RAG, charts, ward and agency tables."""
    ws = case_workspace(workspace_path)
    from priority_families.reports.board import board_paper, write_board_paper
    from priority_families.reports.frameworks import FrameworkError

    chosen = _framework(framework)
    try:
        paper = board_paper(ws, chosen, period, level)
        written = write_board_paper(paper, out)
    except (FrameworkError, StoreError, ValueError) as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"{chosen.board}: {chosen.title}, {paper.period.label}")
    for column in ("measure", "value", "RAG"):
        table.add_column(column)
    for _priority, _outcome, measure, rag, _update, _lead in paper.rows():
        s = next(v for v in paper.scored.values() if v.measure.label == measure)
        table.add_row(measure, "not entered" if s.value is None else f"{s.value:,.1f}".removesuffix(".0"), rag)
    console.print(table)
    console.print(f"results judged on refresh {paper.stats.refresh_id} as of {paper.stats.judged_on}")
    console.print("written: " + ", ".join(str(p) for p in written[:4]) + f" and {len(written) - 4} chart files")


@report_app.command("enter")
def enter_cmd(
    framework: FrameworkOption,
    measure: Annotated[str, typer.Option("--measure", help="The measure's id in the framework.")],
    period: PeriodOption,
    value: Annotated[str | None, typer.Option("--value", help="The value (an entered measure only).")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Where the value comes from.")] = None,
    narrative: Annotated[str | None, typer.Option("--narrative", help="Achievements to date / next steps.")] = None,
    rag: Annotated[str | None, typer.Option("--rag", help="Override the rule's RAG: RED, AMBER or GREEN.")] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why the RAG is overridden.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Enter a measure's value with its source, its narrative, or a RAG override with a reason, for a period."""
    case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor, CaseworkError
    from priority_families.reports.frameworks import FrameworkError, enter

    chosen = _framework(framework)
    asked = [k for k, given in (("value", value is not None), ("narrative", narrative is not None),
                                ("rag", rag is not None)) if given]
    if len(asked) != 1:
        raise fail("give exactly one of --value (with --source), --narrative or --rag (with --reason)")
    try:
        number = Decimal(value) if value is not None else None
    except InvalidOperation:
        raise fail(f"--value {value!r} is not a number") from None
    try:
        entry = enter(chosen, measure, period, asked[0], Actor(actor()), value=number,
                      rag=(rag or "").upper(), text=source or narrative or reason or "")
    except (FrameworkError, CaseworkError) as exc:
        raise fail(str(exc)) from None
    console.print(f"{entry.get_kind_display().lower()} entered for {chosen.id} {measure} {entry.period}")


@report_app.command("history")
def history_cmd(
    framework: FrameworkOption,
    measure: Annotated[str, typer.Option("--measure", help="The measure's id in the framework.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Every value, narrative and override ever entered for a measure, newest first."""
    case_workspace(workspace_path)
    from priority_families.reports.frameworks import FrameworkError, history

    try:
        entries = history(_framework(framework), measure)
    except FrameworkError as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"{framework} {measure}")
    for column in ("at", "by", "period", "kind", "value / RAG", "text"):
        table.add_column(column)
    for e in entries:
        table.add_row(f"{e.at:%Y-%m-%d %H:%M}", e.by, e.period, e.kind, e.rag or ("" if e.value is None else str(e.value)),
                      e.text)
    console.print(table)


@report_app.command("frameworks")
def frameworks_cmd() -> None:
    """The outcome frameworks shipped in the library."""
    from priority_families.reports.framework_files import library, load_framework

    for framework_id in library():
        f = load_framework(framework_id)
        console.print(f"{framework_id}: {f.board}: {f.title} ({f.layout.value} layout)")




allocations_app = typer.Typer(help="What the allocations report reads: triage meetings, group tags, shared "
                                   "allocations, closures.", no_args_is_help=True)


@report_app.command("allocations")
def allocations(
    as_of: Annotated[datetime, typer.Option("--as-of", formats=["%Y-%m-%d"],
                                                help="The date the case record is read as of (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the report (HTML, PDF, Excel, chart).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Seed 001's allocations tables and chart: meetings, agencies per rollout group, wards, reasons, target."""
    ws = case_workspace(workspace_path)
    from priority_families.reports.allocations import allocations_report, write_allocations

    on = as_of.date()
    try:
        report = allocations_report(ws, on)
        written = write_allocations(report, out, actor=f"cli:{actor()}")
    except (StoreError, ValueError) as exc:
        raise fail(str(exc)) from None
    header, rows = report.tables()["by_rollout_group"]
    table = Table(title=f"Allocations as of {on} per rollout group")
    for column in header:
        table.add_column(column.replace("_", " "), justify="left" if column == header[0] else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)
    console.print("written: " + ", ".join(str(p) for p in written))


@allocations_app.command("meeting")
def meeting(
    ward: Annotated[str, typer.Option("--ward", help="The ward's name or code in the geography lookup.")],
    held_on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="The meeting's date (YYYY-MM-DD).")],
    rollout: Annotated[int, typer.Option("--rollout", min=1, help="The rollout phase (group).")],
    attendees: Annotated[str, typer.Option("--attendees", help="Agencies and people present.")],
    decisions: Annotated[str, typer.Option("--decisions", help="What the meeting decided.")],
    reviewed: Annotated[int, typer.Option("--reviewed", min=0, help="Families reviewed.")] = 0,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Record a rollout (triage) meeting for a ward."""
    ws = case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor, CaseworkError
    from priority_families.reports.allocations import AllocationsError, record_meeting

    try:
        made = record_meeting(ws, ward, held_on.date(), rollout, attendees, decisions, Actor(actor()),
                              reviewed)
    except (AllocationsError, CaseworkError, StoreError) as exc:
        raise fail(str(exc)) from None
    console.print(f"triage meeting for {made.ward} on {made.held_on} recorded (rollout {made.rollout})")


@allocations_app.command("tag")
def tag(
    family: Annotated[str, typer.Option("--family", help="The family id.")],
    group: Annotated[str, typer.Option("--tag", help="FIP or PILOT.")],
    on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="From this date (YYYY-MM-DD).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Put a case in a group (FIP, the pilot group)."""
    case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor, CaseworkError, tag_case
    from priority_families.casedb.models import GroupTag

    if group.upper() not in GroupTag.values:
        raise fail(f"--tag {group!r} is not one of {', '.join(GroupTag.values)}")
    try:
        tag_case(family, GroupTag(group.upper()), on.date(), Actor(actor()))
    except CaseworkError as exc:
        raise fail(str(exc)) from None
    console.print(f"family {family} tagged {group.upper()}")


@allocations_app.command("share")
def share(
    family: Annotated[str, typer.Option("--family", help="The family id.")],
    agency: Annotated[str, typer.Option("--agency", help="The agency sharing the case.")],
    on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="From this date (YYYY-MM-DD).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Share an allocated case with a further agency."""
    case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor, CaseworkError, share_allocation
    from priority_families.reports.allocations import AllocationsError, agency_named

    try:
        share_allocation(family, agency_named(agency), on.date(), Actor(actor()))
    except (AllocationsError, CaseworkError) as exc:
        raise fail(str(exc)) from None
    console.print(f"family {family} shared with {agency}")


@allocations_app.command("close")
def close(
    family: Annotated[str, typer.Option("--family", help="The family id.")],
    reason: Annotated[str, typer.Option("--reason", help="needs_met, stepped_up, disengaged, moved_away, "
                                                         "no_longer_eligible or other.")],
    on: Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="The closure's date (YYYY-MM-DD).")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Close a case with a reason from the closed list (counted as "closed because needs were met")."""
    case_workspace(workspace_path)
    from priority_families.casedb.casework import Actor, CaseworkError, close_case
    from priority_families.casedb.models import ClosureReason

    if reason not in ClosureReason.values:
        raise fail(f"--reason {reason!r} is not one of {', '.join(ClosureReason.values)}")
    try:
        close_case(family, ClosureReason(reason), on.date(), Actor(actor()))
    except CaseworkError as exc:
        raise fail(str(exc)) from None
    console.print(f"family {family} closed: {ClosureReason(reason).label}")


returns_app = typer.Typer(help="The government's data returns: the quarterly return, Family Monitoring Data, Family "
                                 "Progress Data, the national evaluation extract, the calendar of returns.",
                            no_args_is_help=True)
OnOption = Annotated[datetime, typer.Option("--on", formats=["%Y-%m-%d"],
                                            help="The date the return is made for (YYYY-MM-DD).")]
OutOption = Annotated[Path, typer.Option("--out", help="Folder to write the return into.")]


@returns_app.command("monitoring")
def monitoring(
    on: OnOption,
    seed: Annotated[int, typer.Option("--seed", help="The sample's seed: the same seed draws the same sample.")],
    out: OutOption,
    share: Annotated[float, typer.Option("--share", help="The share sampled (at least 0.1).")] = 0.1,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Family Monitoring Data for a reproducible random sample (at least 10%) of the families worked with."""
    ws = case_workspace(workspace_path)
    from priority_families.reports.government import GovernmentReturnError, family_monitoring

    try:
        sample = family_monitoring(ws, on.date(), seed, out, share)
    except (GovernmentReturnError, StoreError) as exc:
        raise fail(str(exc)) from None
    console.print(f"{len(sample.families)} of {sample.population} families sampled (seed {sample.seed}, share "
                  f"{sample.share:.0%}) -> {out}/fmd-{sample.on}.csv and .json")


@returns_app.command("progress")
def progress_data(on: OnOption, out: OutOption, workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """Family Progress Data: each family's problems at the start and now."""
    ws = case_workspace(workspace_path)
    from priority_families.reports.government import family_progress_data

    try:
        path = family_progress_data(ws, on.date(), out)
    except StoreError as exc:
        raise fail(str(exc)) from None
    console.print(f"family progress data -> {path}")


@returns_app.command("evaluation")
def evaluation_extract(
    on: OnOption,
    out: OutOption,
    key_file: Annotated[Path | None, typer.Option(
        "--key-file", help="The council's pseudonymisation key (at least 32 bytes); else PF_EVALUATION_KEY.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """The national evaluation extract, people and families pseudonymised by HMAC-SHA256 under the council's key."""
    ws = case_workspace(workspace_path)
    from priority_families.reports.government import (
        GovernmentReturnError,
        evaluation_key,
        national_evaluation,
    )

    try:
        path = national_evaluation(ws, on.date(), evaluation_key(key_file), out)
    except (GovernmentReturnError, StoreError) as exc:
        raise fail(str(exc)) from None
    console.print(f"national evaluation extract (pseudonymised) -> {path}")


@returns_app.command("calendar")
def calendar(year: Annotated[int, typer.Option("--year", help="The programme year's first year (2015 for "
                                                              "2015/16).")]) -> None:
    """The returns due in a programme year, by due date."""
    from priority_families.reports.calendar_of_returns import returns_calendar

    table = Table(title=f"Returns due in {year}/{(year + 1) % 100:02d}")
    for column in ("due", "return", "period", "how"):
        table.add_column(column)
    for due in returns_calendar(year):
        table.add_row(due.due_on.isoformat(), due.name, due.period, due.command)
    console.print(table)


@returns_app.command("quarterly")
def quarterly(
    quarter: Annotated[str, typer.Option("--quarter", help="Calendar quarter, e.g. 2015Q2.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the return's tables as CSV here.")] = None,
    by: Annotated[str, typer.Option("--by", help="Group areas by ward, district or locality of the refresh's "
                                    "geography lookup, or by area (postcode district).")] = "area",
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """The quarterly return: identified, attached, worked with, claims by route, predicted, by area/agency."""
    ws = case_workspace(workspace_path)
    from priority_families.reports.returns import ReturnError, quarterly_return

    try:
        r = quarterly_return(ws, quarter, by=by)
    except (ReturnError, StoreError) as exc:
        raise fail(str(exc)) from None
    summary = Table(title=f"Return {r.quarter} ({r.start} to {r.end}), from refresh {r.refresh_id} "
                          f"as of {r.refresh_as_of}")
    summary.add_column("measure")
    summary.add_column("families", justify="right")
    for label, value in (("identified (eligible in that refresh)", r.identified),
                         ("attached in quarter", r.attached_in_quarter),
                         ("worked with (attached by the quarter's end)", r.worked_with),
                         ("claims predicted next quarter (met, not yet claimed)", r.predicted_next_quarter)):
        summary.add_row(label, str(value))
    console.print(summary)
    for title, cols, rows in (("Claims by route", ("route", "submitted in quarter", "standing", "withdrawn in quarter"),
                               r.claims_by_route),
                              (f"By {r.level}", (r.level, "identified", "attached"), r.by_area),
                              ("By lead agency", ("lead agency", "attached in quarter", "worked with"), r.by_agency)):
        table = Table(title=title)
        for c in cols:
            table.add_column(c)
        for row in rows:
            table.add_row(*(str(v) for v in row))
        console.print(table)
    agencies = sorted({agency for _area, agency, _n in r.area_by_agency})
    cross = Table(title=f"Worked with, by {r.level} and lead agency")
    for c in (r.level, *agencies, "total"):
        cross.add_column(c, justify="left" if c == r.level else "right")
    counts = {(area, agency): n for area, agency, n in r.area_by_agency}
    for area in dict.fromkeys(area for area, _agency, _n in r.area_by_agency):
        values = [counts.get((area, agency), 0) for agency in agencies]
        cross.add_row(area, *(str(v) for v in values), str(sum(values)))
    console.print(cross)
    if r.note:
        console.print(f"Note: {r.note}.")
    if out is not None:
        from priority_families.core.export import write_csv
        from priority_families.core.files import private_dir

        private_dir(out)
        for stem, (header, rows) in r.tables().items():
            write_csv(out / f"{stem}.csv", header, rows)
        console.print(f"return tables written to {out}")


def register(app: typer.Typer) -> None:
    """Add `pf report`, `pf allocations` and `pf returns` to the `pf` app."""
    app.add_typer(report_app, name="report")
    app.add_typer(allocations_app, name="allocations")
    app.add_typer(returns_app, name="returns")
