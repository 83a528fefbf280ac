"""The quarterly return (seed 001's shape): families identified, attached and worked with, claims by
route, claims predicted for the next quarter, and attachments by area and by lead agency.

A return is true to its quarter: it reads the refresh that stood at the quarter's end (the latest published
refresh as of that day or earlier, kept under `refreshes/`) and the case record as it stood then (attachments
and claims standing at the quarter's end: submitted on or before it and not withdrawn by then,
`casedb.figures.CLAIMED`), so re-running it later gives the same file. "Worked with" is
`casedb.figures.WORKED_WITH`. Nothing is evaluated past the data: predicted claims are the families attached
by the quarter's end, not yet claimed, whose results are met on that refresh's data (ready to claim next
quarter), evaluated on its as_of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.casedb.figures import claims_standing, worked_with
from priority_families.casedb.models import Attachment, ClaimStep, StepKind
from priority_families.core.calendar import shift_months
from priority_families.core.engine import Workspace
from priority_families.core.sorting import natural_key
from priority_families.core.sql import load_rows, sql_str
from priority_families.geography import FAMILY_PLACES_SQL, UNPLACED, areas_sql, has_geography
from priority_families.geography import LEVELS as GEOGRAPHY_LEVELS
from priority_families.outcomes.progress import evaluation
from priority_families.refresh import refresh_standing_on


class ReturnError(ValueError):
    """The quarter is not written YYYYQn."""


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """'2015Q2' -> (2015-04-01, 2015-06-30): calendar quarters."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter.strip().upper())
    if not match:
        raise ReturnError(f"quarter {quarter!r} is not YYYYQn, e.g. 2015Q2")
    year = int(match.group(1))
    if not 1 <= year < date.max.year:  # year 0 is no date; 9999Q4 would end in year 10000
        raise ReturnError(f"quarter {quarter!r} is outside the years a return can cover")
    start = date(year, 3 * int(match.group(2)) - 2, 1)
    end = shift_months(start, 3).replace(day=1)
    return start, date.fromordinal(end.toordinal() - 1)


@dataclass(frozen=True)
class QuarterlyReturn:
    quarter: str
    start: date
    end: date
    refresh_id: str
    refresh_as_of: date
    identified: int
    attached_in_quarter: int
    worked_with: int
    claims_by_route: list[tuple]  # route, submitted in quarter, standing at its end, withdrawn in quarter
    predicted_next_quarter: int
    by_area: list[tuple]  # area, identified, attached
    by_agency: list[tuple]  # lead agency, attached in quarter, worked with
    area_by_agency: list[tuple]  # area, lead agency, worked with (seed 001's ward x agency allocation table)
    # areas are at `level`: wards, districts or localities of the refresh's geography lookup (every one listed,
    # zeros included), or postcode districts (from the refresh, else as frozen at attachment); `note` says why
    # the level is not the one asked for
    level: str = "area"
    note: str = ""

    def tables(self) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
        """Every table of the return by file stem: (header, rows)."""
        return {
            "return_summary": (("quarter", "start", "end", "refresh_id", "refresh_as_of", "identified",
                                "attached_in_quarter", "worked_with", "predicted_claims_next_quarter"),
                               [(self.quarter, self.start, self.end, self.refresh_id, self.refresh_as_of,
                                 self.identified, self.attached_in_quarter, self.worked_with,
                                 self.predicted_next_quarter)]),
            "return_claims_by_route": (("route", "claims_in_quarter", "claims_to_date", "withdrawn_in_quarter"),
                                       self.claims_by_route),
            f"return_by_{self.level}": ((self.level, "identified", "attached"), self.by_area),
            "return_by_agency": (("lead_agency", "attached_in_quarter", "worked_with"), self.by_agency),
            f"return_{self.level}_by_agency": ((self.level, "lead_agency", "worked_with"), self.area_by_agency),
        }


LEVELS = ("area", *GEOGRAPHY_LEVELS)  # area: the postcode district
NO_LOOKUP = ("the refresh standing at the quarter's end has no geography lookup, so areas are postcode "
             "districts")


def _places(con: duckdb.DuckDBPyConnection, level: str) -> tuple[str, str, str]:
    """Make `q_places` (family_id, place) and `q_all_places` (every area of the level, for the zeros) in the
    refresh; the level used, why it is not the one asked for, and what a family without a place is called."""
    if level != "area" and has_geography(con):
        con.execute(f"CREATE OR REPLACE TEMP TABLE q_places AS SELECT family_id, {level} AS place "
                    f"FROM ({FAMILY_PLACES_SQL})")
        con.execute(f"CREATE OR REPLACE TEMP TABLE q_all_places AS SELECT DISTINCT area AS place "
                    f"FROM ({areas_sql(level)})")
        return level, "", UNPLACED
    con.execute("CREATE OR REPLACE TEMP TABLE q_places AS SELECT family_id, area AS place FROM cohort")
    con.execute("CREATE OR REPLACE TEMP TABLE q_all_places (place VARCHAR)")
    return "area", NO_LOOKUP if level != "area" else "", "unknown"


def _by_place(con: duckdb.DuckDBPyConnection, unplaced: str) -> list[tuple]:
    """Identified and attached per place: every place of the level, then families it does not place."""
    rows = con.execute(
        "WITH counted AS (SELECT COALESCE(p.place, CASE WHEN (SELECT COUNT(*) FROM q_all_places) = 0 "
        f"THEN a.area END, {sql_str(unplaced)}) AS place, COUNT(*) FILTER (WHERE c.eligible) AS identified, "
        "COUNT(a.family_id) AS attached FROM cohort c FULL JOIN q_att a ON a.family_id = c.family_id "
        "LEFT JOIN q_places p ON p.family_id = COALESCE(c.family_id, a.family_id) "
        "WHERE c.eligible OR a.family_id IS NOT NULL GROUP BY ALL) "
        "SELECT place, COALESCE(identified, 0), COALESCE(attached, 0) FROM q_all_places "
        "FULL JOIN counted USING (place)").fetchall()
    return sorted(rows, key=lambda r: (r[0] == unplaced, natural_key(r[0])))


def quarterly_return(workspace: Workspace, quarter: str, by: str = "area") -> QuarterlyReturn:
    """The return for `quarter`, from the refresh and the case record as they stood at its end, with its
    tables by area at level `by` (area: postcode district; ward, district or locality of the lookup)."""
    if by not in LEVELS:
        raise ReturnError(f"no area level {by!r}: choose one of {', '.join(LEVELS)}")
    start, end = quarter_bounds(quarter)
    refresh = refresh_standing_on(workspace, end)
    attachments = worked_with(Attachment.objects.all(), end)
    with evaluation(workspace, refresh.as_of, refresh_id=refresh.refresh_id, attached_by=end) as con:
        load_rows(con, "q_att", {"family_id": "VARCHAR", "attached_on": "DATE", "lead_agency": "VARCHAR",
                                 "area": "VARCHAR"},
                  [(f, a, agency, area or None) for f, a, agency, area
                   in attachments.values_list("family_id", "attached_on", "lead_agency", "area")])
        load_rows(con, "q_claims", {"family_id": "VARCHAR", "route": "VARCHAR", "claimed_on": "DATE"},
                  list(ClaimStep.objects.filter(step=StepKind.SUBMITTED, claim__in=claims_standing(end)).values_list(
                      "claim__family_id", "claim__route", "on")))
        load_rows(con, "q_withdrawn", {"route": "VARCHAR", "withdrawn_on": "DATE"},
                  list(ClaimStep.objects.filter(step=StepKind.WITHDRAWN, on__range=(start, end),
                                                claim__steps__step=StepKind.SUBMITTED).values_list("claim__route", "on")))
        identified = con.execute("SELECT COUNT(*) FROM cohort WHERE eligible").fetchall()[0][0]
        attached_q, worked = con.execute(
            "SELECT COUNT(*) FILTER (WHERE attached_on BETWEEN ? AND ?), COUNT(*) FROM q_att", [start, end]
        ).fetchall()[0]
        by_route = con.execute(
            "SELECT route, COUNT(*) FILTER (WHERE claimed_on BETWEEN ? AND ?), COUNT(claimed_on), "
            "COUNT(withdrawn_on) FROM (SELECT route, claimed_on, NULL::DATE AS withdrawn_on FROM q_claims "
            "UNION ALL SELECT route, NULL, withdrawn_on FROM q_withdrawn) GROUP BY route ORDER BY route",
            [start, end]).fetchall()
        predicted = con.execute(
            "SELECT COUNT(DISTINCT r.family_id) FROM family_routes r JOIN q_att a ON a.family_id = r.family_id "
            "WHERE r.family_id NOT IN (SELECT family_id FROM q_claims)").fetchall()[0][0]
        level, note, unplaced = _places(con, by)
        by_area = _by_place(con, unplaced)
        by_agency = con.execute(
            "SELECT lead_agency, COUNT(*) FILTER (WHERE attached_on BETWEEN ? AND ?), COUNT(*) "
            "FROM q_att GROUP BY lead_agency ORDER BY lead_agency", [start, end]).fetchall()
        area_by_agency = con.execute(
            f"SELECT COALESCE(p.place, CASE WHEN (SELECT COUNT(*) FROM q_all_places) = 0 THEN a.area END, "
            f"{sql_str(unplaced)}), a.lead_agency, COUNT(*) FROM q_att a "
            "LEFT JOIN q_places p ON p.family_id = a.family_id GROUP BY ALL").fetchall()
    area_by_agency.sort(key=lambda r: (natural_key(r[0]), r[1]))
    return QuarterlyReturn(quarter.upper(), start, end, refresh.refresh_id, refresh.as_of, int(identified),
                           int(attached_q), int(worked), by_route, int(predicted), by_area, by_agency, area_by_agency,
                           level, note)
