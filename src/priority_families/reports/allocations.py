"""The allocations report (seed 001's data summary): rollout (triage) meetings per ward with dates; allocations
per agency per rollout group with FIP, shared, PBR potential, not to be allocated and yet to be allocated, with
totals; the same by ward, every ward listed; not-allocated counts by reason; allocations against the year's
target; and a chart of allocations by agency.

Read from the case record as it stood on D: a case's status on D is the last status change recorded on or before
D (`StatusChange`); a family is **allocated** once triage allocated it or it was attached, on or before D
(whatever happened after); it is counted under FIP when tagged FIP on or before D, under *shared* when another
agency shared it on or before D, else under its lead agency (the case's agency; for a family attached through a
bulk file, the attachment's lead agency). **Not to be allocated** and **yet to be allocated** are the statuses on
D. **PBR potential** is the attached families with a claim route open in their progress on the refresh standing
on D. A ward is rolled out in the phase of its first triage meeting on or before D; families are placed in wards
by the refresh's geography lookup (`priority_families.geography`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from priority_families.casedb.casework import Actor, record_triage_meeting
from priority_families.casedb.models import (
    Agency,
    Attachment,
    Case,
    CaseStatus,
    CaseTag,
    GroupTag,
    NotAllocatedReason,
    ProgrammeTarget,
    SharedAllocation,
    StatusChange,
    TriageMeeting,
)
from priority_families.core.calendar import financial_year, financial_year_start
from priority_families.core.engine import Workspace
from priority_families.core.export import produced, workbook, write_metadata_sheet, write_table_sheet
from priority_families.core.files import write_private
from priority_families.core.sql import load_rows
from priority_families.geography import FAMILY_PLACES_SQL, UNPLACED, has_geography
from priority_families.outcomes.progress import evaluation
from priority_families.refresh import refresh_standing_on
from priority_families.reports import charts

FIP, SHARED = "FIP", "shared"
NOT_ROLLED_OUT = "Not yet rolled out"


@dataclass(frozen=True)
class AllocationsReport:
    as_of: date
    refresh_id: str
    columns: list[str]  # the agencies, then FIP and shared
    meetings: list[tuple[str, str, date, int]]  # rollout group, ward, date, families reviewed
    by_rollout: list[tuple]  # group, one count per column, allocated (exc FIP), PBR, not to be allocated, yet to be
    by_ward: list[tuple]  # ward, rollout group, allocated (exc FIP), PBR, not to be allocated, yet to be allocated
    not_allocated: list[tuple[str, int]]  # reason, families
    year: str
    year_target: int | None
    year_allocations: list[tuple[str, int]]  # allocated in the year (exc FIP), PBR potential, FIP, pilot group, total

    def tables(self) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
        tail = ("allocated_exc_fip", "pbr_potential", "not_to_be_allocated", "yet_to_be_allocated")
        return {
            "meetings": (("rollout", "ward", "date_of_meeting", "families_reviewed"), self.meetings),
            "by_rollout_group": (("rollout_group", *self.columns, *tail), self.by_rollout),
            "by_ward": (("ward", "rollout_group", *tail), self.by_ward),
            "not_allocated_by_reason": (("reason", "families"), self.not_allocated),
            "year_allocations": ((f"allocations {self.year}", "families"), self.year_allocations),
        }

    def allocations_by_agency(self) -> list[tuple[str, int]]:
        """The grand total row's count per agency column (the chart)."""
        total = self.by_rollout[-1]
        return list(zip(self.columns, total[1:1 + len(self.columns)], strict=True))


def _load(con: duckdb.DuckDBPyConnection, on: date) -> None:
    load_rows(con, "a_cases", {"family_id": "VARCHAR", "identified_on": "DATE", "agency": "VARCHAR",
                               "reason": "VARCHAR"},
              list(Case.objects.values_list("family_id", "identified_on", "agency__name", "not_allocated_reason")))
    load_rows(con, "a_changes", {"family_id": "VARCHAR", "to_status": "VARCHAR", "n": "BIGINT", "changed_on": "DATE"},
              list(StatusChange.objects.filter(at__date__lte=on).values_list("case__family_id", "to_status", "id",
                                                                             "at__date")))
    load_rows(con, "a_lead", {"family_id": "VARCHAR", "lead_agency": "VARCHAR", "attached_on": "DATE"},
              list(Attachment.objects.filter(attached_on__lte=on).values_list("family_id", "lead_agency",
                                                                              "attached_on")))
    load_rows(con, "a_tags", {"family_id": "VARCHAR", "tag": "VARCHAR"},
              list(CaseTag.objects.filter(on__lte=on).values_list("case__family_id", "tag")))
    load_rows(con, "a_shared", {"family_id": "VARCHAR"},
              [(f,) for f in SharedAllocation.objects.filter(on__lte=on).values_list("case__family_id", flat=True)])
    load_rows(con, "a_meetings", {"ward_code": "VARCHAR", "ward": "VARCHAR", "held_on": "DATE", "rollout": "INTEGER",
                                  "reviewed": "INTEGER", "n": "BIGINT"},
              list(TriageMeeting.objects.filter(held_on__lte=on).values_list(
                  "ward_code", "ward", "held_on", "rollout", "families_reviewed", "id")))
    placed = FAMILY_PLACES_SQL if has_geography(con) else \
        "SELECT family_id, NULL AS ward_code, NULL AS ward FROM families"
    con.execute(
        "CREATE OR REPLACE TEMP TABLE a_state AS "
        "WITH last AS (SELECT family_id, arg_max(to_status, n) AS status_on, "
        f"MIN(changed_on) FILTER (WHERE to_status = '{CaseStatus.TRIAGED.value}') AS triaged_on "
        "FROM a_changes GROUP BY family_id), "
        "rolled AS (SELECT ward_code, FIRST(rollout ORDER BY held_on, n) AS rollout FROM a_meetings "
        "GROUP BY ward_code), "
        "s AS (SELECT c.family_id, COALESCE(l.status_on, 'identified') AS status_on, "
        "LEAST(l.triaged_on, ld.attached_on) AS allocated_on, c.reason, "
        "COALESCE(c.agency, ld.lead_agency, 'unknown') AS agency, "
        f"EXISTS (SELECT 1 FROM a_tags t WHERE t.family_id = c.family_id AND t.tag = '{GroupTag.FIP.value}') AS fip, "
        "EXISTS (SELECT 1 FROM a_shared s WHERE s.family_id = c.family_id) AS shared, "
        "c.family_id IN (SELECT family_id FROM family_routes) AS pbr, p.ward_code, "
        f"COALESCE(p.ward, '{UNPLACED}') AS ward, "
        f"COALESCE('Rollout group ' || r.rollout, '{NOT_ROLLED_OUT}') AS rollout_group "
        "FROM a_cases c LEFT JOIN last l ON l.family_id = c.family_id "
        "LEFT JOIN a_lead ld ON ld.family_id = c.family_id "
        f"LEFT JOIN ({placed}) p ON p.family_id = c.family_id LEFT JOIN rolled r ON r.ward_code = p.ward_code "
        f"WHERE c.identified_on <= DATE '{on.isoformat()}' OR l.family_id IS NOT NULL OR ld.family_id IS NOT NULL) "
        "SELECT *, allocated_on IS NOT NULL AS allocated FROM s")


_TAIL = ("COUNT(*) FILTER (WHERE allocated AND NOT fip), COUNT(*) FILTER (WHERE pbr), "
         f"COUNT(*) FILTER (WHERE NOT allocated AND status_on = '{CaseStatus.NOT_ALLOCATED.value}'), "
         f"COUNT(*) FILTER (WHERE NOT allocated AND status_on = '{CaseStatus.IDENTIFIED.value}')")


def _column_sql(columns: list[str]) -> str:
    counts = []
    for column in columns:
        if column == FIP:
            counts.append("COUNT(*) FILTER (WHERE allocated AND fip)")
        elif column == SHARED:
            counts.append("COUNT(*) FILTER (WHERE allocated AND NOT fip AND shared)")
        else:
            counts.append(f"COUNT(*) FILTER (WHERE allocated AND NOT fip AND NOT shared AND agency = "
                          f"'{column.replace(chr(39), chr(39) * 2)}')")
    return ", ".join(counts)


def _by_rollout(con: duckdb.DuckDBPyConnection, columns: list[str]) -> list[tuple]:
    """One row per rollout group (in phase order), then the wards not yet rolled out, then the grand total."""
    phases = [n for (n,) in con.execute("SELECT DISTINCT rollout FROM a_meetings ORDER BY 1").fetchall()]
    order = [*(f"Rollout group {n}" for n in phases), NOT_ROLLED_OUT]
    counted = {row[0]: row for row in con.execute(
        f"SELECT rollout_group, {_column_sql(columns)}, {_TAIL} FROM a_state GROUP BY rollout_group").fetchall()}
    zeros = (0,) * (len(columns) + 4)
    rows = [counted.get(group, (group, *zeros)) for group in order]
    total = con.execute(f"SELECT 'Grand total', {_column_sql(columns)}, {_TAIL} FROM a_state").fetchall()
    return rows + total


def _by_ward(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    wards = "SELECT ward_code, ward FROM geography_wards" if has_geography(con) else \
        "SELECT NULL::VARCHAR AS ward_code, NULL::VARCHAR AS ward WHERE FALSE"
    tail = _TAIL.replace("COUNT(*)", "COUNT(s.family_id)")
    rows = con.execute(
        f"SELECT COALESCE(w.ward, '{UNPLACED}'), COALESCE(ANY_VALUE(s.rollout_group), "
        f"(SELECT 'Rollout group ' || MIN(rollout) FROM a_meetings m WHERE m.ward_code = w.ward_code), "
        f"'{NOT_ROLLED_OUT}'), {tail} FROM ({wards}) w FULL JOIN a_state s ON s.ward_code = w.ward_code "
        "GROUP BY w.ward_code, w.ward ORDER BY w.ward IS NULL, w.ward").fetchall()
    total = con.execute(f"SELECT 'Grand total', '', {_TAIL} FROM a_state").fetchall()
    return rows + total


def allocations_report(workspace: Workspace, as_of: date) -> AllocationsReport:
    """Seed 001's tables and chart as the case record stood on `as_of`."""
    refresh = refresh_standing_on(workspace, as_of)
    agencies = sorted(set(Agency.objects.values_list("name", flat=True))
                      | set(Attachment.objects.filter(attached_on__lte=as_of).values_list("lead_agency", flat=True)))
    columns = [*agencies, FIP, SHARED]
    with evaluation(workspace, refresh.as_of, refresh_id=refresh.refresh_id, attached_by=as_of) as con:
        _load(con, as_of)
        meetings = con.execute("SELECT 'Rollout ' || rollout, ward, held_on, reviewed FROM a_meetings "
                               "ORDER BY held_on, n").fetchall()
        by_rollout = _by_rollout(con, columns)
        by_ward = _by_ward(con)
        reasons = dict(con.execute(f"SELECT reason, COUNT(*) FROM a_state WHERE NOT allocated AND status_on = "
                                   f"'{CaseStatus.NOT_ALLOCATED.value}' GROUP BY reason").fetchall())
        year_rows = _year(con, as_of)
    target = ProgrammeTarget.objects.filter(year=financial_year_start(as_of)).values_list("families", flat=True).first()
    not_allocated = [(r.label, int(reasons.get(r.value, 0))) for r in NotAllocatedReason]
    if reasons.get("", 0):
        not_allocated.append(("no reason recorded", int(reasons[""])))
    return AllocationsReport(as_of, refresh.refresh_id, columns, meetings, by_rollout, by_ward, not_allocated,
                             financial_year(as_of), target, year_rows)


def _year(con: duckdb.DuckDBPyConnection, as_of: date) -> list[tuple[str, int]]:
    """Seed 001's year allocations: families allocated in the programme year of `as_of` (from its 1 April to
    `as_of`) from rollout meetings (exc FIP), those of them with PBR potential, FIP, the pilot group."""
    start = f"DATE '{date(financial_year_start(as_of), 4, 1).isoformat()}'"
    allocated, pbr, fip = con.execute(
        f"SELECT COUNT(*) FILTER (WHERE NOT fip), COUNT(*) FILTER (WHERE pbr), COUNT(*) FILTER (WHERE fip) "
        f"FROM a_state WHERE allocated AND allocated_on >= {start}").fetchall()[0]
    pilot = con.execute(f"SELECT COUNT(*) FROM a_state WHERE allocated AND allocated_on >= {start} AND family_id IN "
                        f"(SELECT family_id FROM a_tags WHERE tag = '{GroupTag.PILOT.value}')").fetchall()[0][0]
    return [("Allocations from rollout meetings (exc FIP)", int(allocated)), ("of them PBR - potential claims", int(pbr)),
            ("FIP", int(fip)), ("of them in the pilot group", int(pilot)), ("Grand total", int(allocated) + int(fip))]


# --- Writing it ------------------------------------------------------------------------------------------


def write_allocations(report: AllocationsReport, out: Path, actor: str = "") -> list[Path]:
    """OUT/allocations-D.{html,pdf,xlsx} and the chart of allocations by agency (.svg, .png)."""
    import weasyprint  # loads pango: only when the report is written

    from priority_families.reports.board import CSS, table_html

    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"allocations-{report.as_of.isoformat()}"
    chart = charts.by_agency(report.allocations_by_agency(), "Allocations by agency")
    made = report.year_allocations[-1][1]
    target = (f"The target for {report.year} is {report.year_target:,} families; {made:,} have been allocated "
              f"({made / report.year_target:.0%})." if report.year_target else
              f"No target is recorded for {report.year}; {made:,} families have been allocated in it.")
    parts = [(f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Allocations as of "
             f"{report.as_of.isoformat()}</title><style>{CSS}</style></head><body>"),
             f"<h1>Priority Families allocations as of {report.as_of.isoformat()}</h1>",
             (f"<p class='meta'>Case record as it stood on {report.as_of.isoformat()}; PBR potential from refresh "
             f"{report.refresh_id}. {target}</p>")]
    for name, (header, rows) in report.tables().items():
        parts += table_html(name.replace("_", " ").capitalize(), header, rows)
    parts.append(f"<div class='chart'><img alt='{chart.title}' src='data:image/svg+xml;base64,"
                 f"{base64.b64encode(chart.svg).decode()}'></div></body></html>")
    page = "".join(parts)
    written = [write_private(stem.with_suffix(".html"), page.encode()),
               write_private(stem.with_suffix(".pdf"), weasyprint.HTML(string=page).write_pdf())]
    book = workbook(stem.with_suffix(".xlsx"))
    try:
        write_metadata_sheet(book, [
            ("as_of", report.as_of.isoformat()), ("plan", "the outcomes plan of the refresh in force"),
            ("filter", f"every ward and agency; programme year {report.year}"),
            *produced(actor, report.refresh_id)], title=f"Priority Families allocations as of {report.as_of}")
        for name, (header, rows) in report.tables().items():
            write_table_sheet(book, name, header, rows)
    finally:
        book.close()
    written.append(stem.with_suffix(".xlsx"))
    written += [write_private(out / f"{stem.name}-by_agency.svg", chart.svg),
                write_private(out / f"{stem.name}-by_agency.png", chart.png)]
    return written


# --- Recording what the report reads ---------------------------------------------------------------------


class AllocationsError(ValueError):
    """A ward, agency or family the record does not know; the message names it."""


def ward_of(workspace: Workspace, ward: str) -> tuple[str, str]:
    """A ward of the lookup in force, by code or name (case-insensitive): (code, name)."""
    with workspace.connect() as con:
        if not has_geography(con):
            raise AllocationsError("the refresh in force has no geography lookup: put geography/postcodes.csv and "
                                   "geography/wards.csv in the extracts folder and refresh")
        found = con.execute("SELECT ward_code, ward FROM geography_wards WHERE upper(ward_code) = upper(?) "
                            "OR upper(ward) = upper(?)", [ward.strip(), ward.strip()]).fetchall()
        known = [w for (w,) in con.execute("SELECT ward FROM geography_wards ORDER BY ward").fetchall()]
    if len(found) != 1:
        raise AllocationsError(f"no ward {ward!r} in the lookup in force (wards: {', '.join(known)})")
    return found[0]


def wards(workspace: Workspace) -> list[tuple[str, str]]:
    """Every ward of the lookup in force: (code, name), by name."""
    with workspace.connect() as con:
        if not has_geography(con):
            raise AllocationsError("the refresh in force has no geography lookup: put geography/postcodes.csv and "
                                   "geography/wards.csv in the extracts folder and refresh")
        return con.execute("SELECT ward_code, ward FROM geography_wards ORDER BY ward").fetchall()


def record_meeting(workspace: Workspace, ward: str, held_on: date, rollout: int, attendees: str, decisions: str,
                   actor: Actor, families_reviewed: int = 0) -> TriageMeeting:
    """Record a rollout (triage) meeting for a ward of the lookup in force."""
    code, name = ward_of(workspace, ward)
    return record_triage_meeting(code, name, held_on, rollout, attendees, decisions, actor, families_reviewed)


def agency_named(name: str) -> Agency:
    """An agency of the case record by name (case-insensitive)."""
    found = Agency.objects.filter(name__iexact=name.strip()).first()
    if found is None:
        known = ", ".join(Agency.objects.values_list("name", flat=True))
        raise AllocationsError(f"no agency {name!r} (agencies: {known or 'none yet'})")
    return found


def meetings() -> list[TriageMeeting]:
    """Every triage meeting recorded, in date order."""
    return list(TriageMeeting.objects.all())
