"""The quarterly return (seed 001's shape): families identified, attached and worked with, claims by
route, claims predicted for the next quarter, and attachments by area and by lead agency.

Predicted claims are the families not yet claimed that would have a claim route at the end of the next
quarter if nothing new were recorded: the same evaluation as `pf claims`, run at that date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from priority_families.claims.models import Claim
from priority_families.engine import Workspace
from priority_families.identify.calendar import shift_months
from priority_families.outcomes.models import Attachment
from priority_families.outcomes.progress import evaluation


class ReturnError(ValueError):
    """The quarter is not written YYYYQn."""


def quarter_bounds(quarter: str) -> tuple[date, date]:
    """'2015Q2' -> (2015-04-01, 2015-06-30): calendar quarters."""
    match = re.fullmatch(r"(\d{4})Q([1-4])", quarter.strip().upper())
    if not match:
        raise ReturnError(f"quarter {quarter!r} is not YYYYQn, e.g. 2015Q2")
    start = date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
    end = shift_months(start, 3).replace(day=1)
    return start, date.fromordinal(end.toordinal() - 1)


@dataclass(frozen=True)
class QuarterlyReturn:
    quarter: str
    start: date
    end: date
    identified: int
    attached_in_quarter: int
    worked_with: int
    claims_by_route: list[tuple]  # route, claims in quarter, claims to date
    predicted_next_quarter: int
    by_area: list[tuple]  # area, identified, attached
    by_agency: list[tuple]  # lead agency, attached in quarter, worked with
    area_by_agency: list[tuple]  # area, lead agency, worked with (seed 001's ward x agency allocation table)
    # areas are postcode districts from the latest refresh, else as frozen at attachment

    def tables(self) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
        """Every table of the return by file stem: (header, rows)."""
        return {
            "return_summary": (("quarter", "start", "end", "identified", "attached_in_quarter", "worked_with",
                                "predicted_claims_next_quarter"),
                               [(self.quarter, self.start, self.end, self.identified, self.attached_in_quarter,
                                 self.worked_with, self.predicted_next_quarter)]),
            "return_claims_by_route": (("route", "claims_in_quarter", "claims_to_date"), self.claims_by_route),
            "return_by_area": (("area", "identified", "attached"), self.by_area),
            "return_by_agency": (("lead_agency", "attached_in_quarter", "worked_with"), self.by_agency),
            "return_area_by_agency": (("area", "lead_agency", "worked_with"), self.area_by_agency),
        }


def quarterly_return(workspace: Workspace, quarter: str) -> QuarterlyReturn:
    start, end = quarter_bounds(quarter)
    next_end = date.fromordinal(shift_months(end.replace(day=1), 4).toordinal() - 1)
    attachments = pd.DataFrame(  # noqa: F841 - read by DuckDB
        list(Attachment.objects.values_list("family_id", "attached_on", "lead_agency", "area")),
        columns=["family_id", "attached_on", "lead_agency", "area"], dtype=object)
    claims = pd.DataFrame(  # noqa: F841 - read by DuckDB
        list(Claim.objects.values_list("family_id", "route", "claimed_on")),
        columns=["family_id", "route", "claimed_on"], dtype=object)
    with evaluation(workspace, next_end) as con:
        con.execute("CREATE TEMP TABLE q_att AS SELECT CAST(family_id AS VARCHAR) AS family_id, "
                    "CAST(attached_on AS DATE) AS attached_on, CAST(lead_agency AS VARCHAR) AS lead_agency, "
                    "NULLIF(CAST(area AS VARCHAR), '') AS area FROM attachments")
        con.execute("CREATE TEMP TABLE q_claims AS SELECT CAST(family_id AS VARCHAR) AS family_id, "
                    "CAST(route AS VARCHAR) AS route, CAST(claimed_on AS DATE) AS claimed_on FROM claims")
        identified = con.execute("SELECT COUNT(*) FROM cohort WHERE eligible").fetchall()[0][0]
        attached_q, worked = con.execute(
            "SELECT COUNT(*) FILTER (WHERE attached_on BETWEEN ? AND ?), COUNT(*) FILTER (WHERE attached_on <= ?) "
            "FROM q_att", [start, end, end]).fetchall()[0]
        by_route = con.execute(
            "SELECT route, COUNT(*) FILTER (WHERE claimed_on BETWEEN ? AND ?), COUNT(*) FILTER (WHERE claimed_on <= ?) "
            "FROM q_claims GROUP BY route ORDER BY route", [start, end, end]).fetchall()
        predicted = con.execute(
            "SELECT COUNT(DISTINCT r.family_id) FROM family_routes r JOIN q_att a ON a.family_id = r.family_id "
            "WHERE a.attached_on <= ? AND r.family_id NOT IN (SELECT family_id FROM q_claims WHERE claimed_on <= ?)",
            [end, end]).fetchall()[0][0]
        by_area = con.execute(
            "SELECT COALESCE(c.area, a.area, 'unknown') AS area, COUNT(*) FILTER (WHERE c.eligible), "
            "COUNT(a.family_id) FILTER (WHERE a.attached_on <= ?) FROM cohort c "
            "FULL JOIN q_att a ON a.family_id = c.family_id WHERE c.eligible OR a.family_id IS NOT NULL "
            "GROUP BY ALL ORDER BY area", [end]).fetchall()
        by_agency = con.execute(
            "SELECT lead_agency, COUNT(*) FILTER (WHERE attached_on BETWEEN ? AND ?), "
            "COUNT(*) FILTER (WHERE attached_on <= ?) FROM q_att GROUP BY lead_agency ORDER BY lead_agency",
            [start, end, end]).fetchall()
        area_by_agency = con.execute(
            "SELECT COALESCE(c.area, a.area, 'unknown'), a.lead_agency, COUNT(*) FROM q_att a "
            "LEFT JOIN cohort c ON c.family_id = a.family_id WHERE a.attached_on <= ? GROUP BY ALL ORDER BY ALL",
            [end]).fetchall()
    return QuarterlyReturn(quarter.upper(), start, end, int(identified), int(attached_q), int(worked), by_route,
                           int(predicted), by_area, by_agency, area_by_agency)
