"""Results and cohort statistics for board papers: what seeds 000 and 003 report, from the ledger, the case
record and the refresh.

- **Worked with** (`casedb.figures.WORKED_WITH`) and **claimed** (`casedb.figures.CLAIMED`) per programme year
  (April to March, `core.calendar.financial_year`) and to date, counted on the report's date D.
- **Results**: the attached families meeting each headline's results (every results measure of the headline met,
  `outcomes.progress`), per programme year of attachment and to date, and how many of them were claimed; and the
  families per combination of headlines met (each family once, under the exact set it meets).
- **Cohort profile** of the families worked with, on their members frozen at attachment (`BaselineMember`) and
  the refresh's records on each family's attachment date: adults on an out-of-work benefit, workless families
  (an adult on an out-of-work benefit and no adult in work), children in need, on a child protection plan, looked
  after.
- **Before and after**: exclusions, offences and ASB incidents of the attached families' members in the
  `window_months` before attachment and in the `window_months` up to the evaluation date, and the unauthorised
  absence rate over the `terms` school terms ending on or before each (families attached at least
  `window_months` before the evaluation date only, so both windows are whole). The windows are the plan's:
  six months for offending and ASB, three terms for attendance in the national and Nottinghamshire plans.
- **By area**: every area of a geography level (`priority_families.geography`), zeros included.
- **Closures** per reason of the closed list (`casedb.models.ClosureReason`), so "cases closed because needs were
  met" (seed 003) is counted.

Results are judged on the refresh standing on D (the latest as of D or earlier) at its as_of: nothing is
judged past the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from priority_families.casedb.figures import claims_standing, worked_with
from priority_families.casedb.models import (
    Attachment,
    BaselineMember,
    CaseClosure,
    ClaimStep,
    ClosureReason,
    StepKind,
)
from priority_families.core.calendar import financial_year_sql
from priority_families.core.engine import Workspace
from priority_families.core.sql import in_list, load_rows
from priority_families.geography import FAMILY_PLACES_SQL, LEVELS, UNPLACED, areas_sql, has_geography
from priority_families.ingest.schema import OUT_OF_WORK_BENEFITS
from priority_families.outcomes.progress import evaluation
from priority_families.refresh import refresh_standing_on

TO_DATE = "to date"
WINDOW_MONTHS = 6
TERMS = 3
SOCIAL_CARE = ("child_in_need", "child_protection", "looked_after")
BEFORE_AFTER = (("permanent exclusions", "exclusion", "permanent"), ("fixed term exclusions", "exclusion", "fixed"),
                ("offences", "offence", None), ("ASB incidents", "asb_incident", None))


@dataclass(frozen=True)
class Profile:
    families: int
    adults: int
    adults_out_of_work_benefits: int
    workless_families: int
    children: int
    child_in_need: int
    child_protection: int
    looked_after: int

    def share(self, part: str) -> float | None:
        """A part of the profile as a share of its whole (adults, families or children)."""
        whole = {"adults_out_of_work_benefits": self.adults, "workless_families": self.families}.get(part,
                                                                                                     self.children)
        return getattr(self, part) / whole if whole else None


@dataclass(frozen=True)
class ProgrammeStatistics:
    on: date
    refresh_id: str
    judged_on: date  # the refresh's as_of: results are judged on its data
    identified: int
    worked_with: list[tuple[str, int]]  # programme year (or TO_DATE), families
    claimed: list[tuple[str, str, int]]  # programme year (or TO_DATE), route, families
    results: list[tuple[str, str, int, int]]  # programme year of attachment (or TO_DATE), headline, met, claimed
    combinations: list[tuple[str, int, int]]  # headlines met (' + '), families, of them claimed
    combinations_by_year: list[tuple[str, str, int, int]]  # programme year attached, headlines met, families, claimed
    profile: Profile
    before_after: list[tuple[str, int, float, float]]  # measure, families, before, after
    by_area: list[tuple[str, int, int, int]]  # area, identified, worked with, claimed
    by_agency: list[tuple[str, int]]  # lead agency, worked with
    level: str
    closed: list[tuple[str, int]] = ()  # closure reason (the closed list), cases closed on or before D

    def closed_for(self, reason: str) -> int:
        return dict(self.closed).get(reason, 0)

    def worked_with_to_date(self) -> int:
        return dict(self.worked_with).get(TO_DATE, 0)

    def claimed_to_date(self, route: str | None = None) -> int:
        return sum(n for year, r, n in self.claimed if year == TO_DATE and route in (None, r))

    def tables(self) -> dict[str, tuple[tuple[str, ...], list[tuple]]]:
        """Every table by name: (header, rows), for workbooks and CSV."""
        p = self.profile
        return {
            "worked_with": (("programme_year", "families_worked_with"), self.worked_with),
            "claimed": (("programme_year", "route", "families_claimed"), self.claimed),
            "results": (("programme_year_attached", "headline", "families_met", "of_them_claimed"), self.results),
            "combinations": (("headlines_met", "families", "of_them_claimed"), self.combinations),
            "combinations_by_year": (("programme_year_attached", "headlines_met", "families", "of_them_claimed"),
                                     self.combinations_by_year),
            "profile": (("measure", "count", "of", "share"), [
                (name, getattr(p, part), whole, p.share(part)) for name, part, whole in (
                    ("adults on out-of-work benefits", "adults_out_of_work_benefits", p.adults),
                    ("workless families", "workless_families", p.families),
                    ("children in need", "child_in_need", p.children),
                    ("children on a child protection plan", "child_protection", p.children),
                    ("children looked after", "looked_after", p.children))]),
            "before_after": (("measure", "families", "before", "after"), self.before_after),
            f"by_{self.level}": ((self.level, "identified", "worked_with", "claimed"), self.by_area),
            "by_agency": (("lead_agency", "worked_with"), self.by_agency),
            "closures": (("closure_reason", "cases_closed"), [(ClosureReason(r).label, n) for r, n in self.closed]),
        }


def load_case_record(con: duckdb.DuckDBPyConnection, on: date, prefix: str = "s_") -> None:
    """The families worked with on `on` (PREFIXatt, with lead agency and plan), their members at attachment
    (PREFIXmembers) and their standing submitted claims (PREFIXclaims), handed to the engine once for a report's
    SQL: the statistics and the government returns count from the same rows."""
    attachments = worked_with(Attachment.objects.all(), on)
    load_rows(con, f"{prefix}att", {"family_id": "VARCHAR", "attached_on": "DATE", "lead_agency": "VARCHAR",
                                    "plan_id": "VARCHAR"},
              list(attachments.values_list("family_id", "attached_on", "lead_agency", "plan_id")))
    load_rows(con, f"{prefix}members", {"family_id": "VARCHAR", "person_id": "VARCHAR", "dob": "DATE"},
              list(BaselineMember.objects.filter(attachment__in=attachments).values_list(
                  "attachment__family_id", "person_id", "dob")))
    load_rows(con, f"{prefix}claims", {"family_id": "VARCHAR", "route": "VARCHAR", "claimed_on": "DATE"},
              list(ClaimStep.objects.filter(step=StepKind.SUBMITTED, claim__in=claims_standing(on)).values_list(
                  "claim__family_id", "claim__route", "on")))


def programme_statistics(workspace: Workspace, on: date, level: str = "ward") -> ProgrammeStatistics:
    """The statistics on `on`, grouped by `level` of the geography (ward, district or locality)."""
    areas_sql(level)  # refuse an unknown level before any work
    refresh = refresh_standing_on(workspace, on)
    with evaluation(workspace, refresh.as_of, refresh_id=refresh.refresh_id, attached_by=on) as con:
        load_case_record(con, on)
        identified = con.execute("SELECT COUNT(*) FROM cohort WHERE eligible").fetchall()[0][0]
        return ProgrammeStatistics(
            on, refresh.refresh_id, refresh.as_of, int(identified), _worked_with(con), _claimed(con),
            _results(con), _combinations(con), _combinations_by_year(con), _profile(con),
            _before_after(con, refresh.as_of), _by_area(con, level), _by_agency(con), level, _closed(con, on))


def _worked_with(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return con.execute(
        f"SELECT COALESCE({financial_year_sql('attached_on')}, '{TO_DATE}') AS y, COUNT(*) FROM s_att "
        f"GROUP BY ROLLUP ({financial_year_sql('attached_on')}) ORDER BY y = '{TO_DATE}', y").fetchall()


def _claimed(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int]]:
    year = financial_year_sql("claimed_on")
    return con.execute(
        f"SELECT COALESCE(y, '{TO_DATE}'), route, COUNT(DISTINCT family_id) FROM (SELECT {year} AS y, * "
        f"FROM s_claims) GROUP BY GROUPING SETS ((y, route), (route)) ORDER BY y IS NULL, y, route").fetchall()


_MET = ("SELECT h.family_id, h.headline, a.attached_on, h.family_id IN (SELECT family_id FROM s_claims) AS claimed "
        "FROM headline_status h JOIN s_att a ON a.family_id = h.family_id WHERE h.status = 'met'")


def _results(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int]]:
    year = financial_year_sql("attached_on")
    return con.execute(
        f"SELECT COALESCE(y, '{TO_DATE}'), headline, COUNT(*), COUNT(*) FILTER (WHERE claimed) FROM "
        f"(SELECT {year} AS y, * FROM ({_MET})) GROUP BY GROUPING SETS ((y, headline), (headline)) "
        "ORDER BY y IS NULL, y, headline").fetchall()


def _combinations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    return con.execute(
        "SELECT combination, COUNT(*), COUNT(*) FILTER (WHERE claimed) FROM (SELECT family_id, "
        f"STRING_AGG(headline, ' + ' ORDER BY headline) AS combination, BOOL_OR(claimed) AS claimed FROM ({_MET}) "
        "GROUP BY family_id) GROUP BY combination ORDER BY COUNT(*) DESC, combination").fetchall()


def _combinations_by_year(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, int, int]]:
    return con.execute(
        "SELECT y, combination, COUNT(*), COUNT(*) FILTER (WHERE claimed) FROM (SELECT family_id, "
        f"{financial_year_sql('ANY_VALUE(attached_on)')} AS y, "
        f"STRING_AGG(headline, ' + ' ORDER BY headline) AS combination, BOOL_OR(claimed) AS claimed FROM ({_MET}) "
        "GROUP BY family_id) GROUP BY y, combination ORDER BY y, COUNT(*) DESC, combination").fetchall()


# The members frozen at attachment with the refresh's records that were open (spells) on the attachment date.
_OPEN_ON_ATTACHMENT = (
    "SELECT m.family_id, m.person_id, m.dob > CAST(a.attached_on - INTERVAL 18 YEAR AS DATE) AS child, "
    "r.fact, r.kind FROM s_members m JOIN s_att a ON a.family_id = m.family_id "
    "LEFT JOIN record_person rp ON rp.person_id = m.person_id "
    "LEFT JOIN records r ON r.record_key = rp.record_key AND r.fact IN ('benefit', 'employment', 'social_care') "
    "AND r.start_date <= a.attached_on AND (r.end_date IS NULL OR r.end_date >= a.attached_on)"
)


def _profile(con: duckdb.DuckDBPyConnection) -> Profile:
    benefit = f"fact = 'benefit' AND kind IN {in_list(OUT_OF_WORK_BENEFITS)}"
    people = ("SELECT family_id, person_id, BOOL_OR(child) AS child, "
              f"COALESCE(BOOL_OR({benefit}), FALSE) AS on_benefit, "
              "COALESCE(BOOL_OR(fact = 'employment'), FALSE) AS in_work, "
              + ", ".join(f"COALESCE(BOOL_OR(fact = 'social_care' AND kind = '{k}'), FALSE) AS {k}"
                          for k in SOCIAL_CARE)
              + f" FROM ({_OPEN_ON_ATTACHMENT}) GROUP BY family_id, person_id")
    families = ("SELECT family_id, BOOL_OR(on_benefit AND NOT child) AND NOT BOOL_OR(in_work AND NOT child) "
                f"AS workless FROM ({people}) GROUP BY family_id")
    row = con.execute(
        f"SELECT (SELECT COUNT(*) FROM s_att), COUNT(*) FILTER (WHERE NOT child), "
        "COUNT(*) FILTER (WHERE NOT child AND on_benefit), "
        f"(SELECT COUNT(*) FROM ({families}) WHERE workless), COUNT(*) FILTER (WHERE child), "
        + ", ".join(f"COUNT(*) FILTER (WHERE child AND {k})" for k in SOCIAL_CARE)
        + f" FROM ({people})").fetchall()[0]
    return Profile(*(int(v) for v in row))


def _before_after(con: duckdb.DuckDBPyConnection, e: date) -> list[tuple[str, int, float, float]]:
    """Counts in the window before attachment and the window up to e; the absence rate over the terms."""
    families = (f"SELECT * FROM s_att WHERE attached_on <= CAST(DATE '{e.isoformat()}' - "
                f"INTERVAL {WINDOW_MONTHS} MONTH AS DATE)")
    events = (
        "SELECT f.family_id, r.fact, r.kind, "
        f"r.date > CAST(f.attached_on - INTERVAL {WINDOW_MONTHS} MONTH AS DATE) AND r.date <= f.attached_on AS before, "
        f"r.date > CAST(DATE '{e.isoformat()}' - INTERVAL {WINDOW_MONTHS} MONTH AS DATE) "
        f"AND r.date <= DATE '{e.isoformat()}' AS after "
        f"FROM ({families}) f JOIN s_members m ON m.family_id = f.family_id "
        "JOIN record_person rp ON rp.person_id = m.person_id JOIN records r ON r.record_key = rp.record_key "
        "WHERE r.fact IN ('exclusion', 'offence', 'asb_incident')")
    n = con.execute(f"SELECT COUNT(*) FROM ({families})").fetchall()[0][0]
    rows = []
    for name, fact, kind in BEFORE_AFTER:
        which = f"fact = '{fact}'" + (f" AND kind = '{kind}'" if kind else "")
        before, after = con.execute(f"SELECT COUNT(*) FILTER (WHERE before), COUNT(*) FILTER (WHERE after) "
                                    f"FROM ({events}) WHERE {which}").fetchall()[0]
        rows.append((name, int(n), float(before), float(after)))
    return [*rows, ("unauthorised absence rate", int(n), *_absence_rates(con, families, e))]


def _absence_rates(con: duckdb.DuckDBPyConnection, families: str, e: date) -> tuple[float, float]:
    """Unauthorised absence over possible sessions in the `TERMS` terms ending on or before attachment, and
    in the `TERMS` terms ending on or before e (0.0 when no session was possible)."""
    terms = ("SELECT f.family_id, w.side, t.term_end FROM (" + families + ") f, "
             f"(VALUES ('before'), ('after')) w(side), term_ends t WHERE t.term_end <= CASE w.side "
             f"WHEN 'before' THEN f.attached_on ELSE DATE '{e.isoformat()}' END "
             f"QUALIFY ROW_NUMBER() OVER (PARTITION BY f.family_id, w.side ORDER BY t.term_end DESC) <= {TERMS}")
    rates = dict(con.execute(
        "SELECT t.side, COALESCE(SUM(r.unauthorised_absence) / NULLIF(SUM(r.possible_sessions), 0), 0) "
        f"FROM ({terms}) t JOIN s_members m ON m.family_id = t.family_id "
        "JOIN record_person rp ON rp.person_id = m.person_id JOIN records r ON r.record_key = rp.record_key "
        "AND r.fact = 'school_attendance' AND r.term_end = t.term_end GROUP BY t.side").fetchall())
    return float(rates.get("before", 0.0)), float(rates.get("after", 0.0))


def _by_area(con: duckdb.DuckDBPyConnection, level: str) -> list[tuple[str, int, int, int]]:
    """Every area of the level, zeros included, and families the lookup cannot place (if any)."""
    if not has_geography(con):
        return []
    code = LEVELS[level][0]
    placed = (f"SELECT family_id, {code} AS area_code FROM ({FAMILY_PLACES_SQL})")
    counted = (
        "SELECT COALESCE(p.area_code, '') AS area_code, COUNT(*) FILTER (WHERE c.eligible) AS identified, "
        "COUNT(a.family_id) AS worked_with, COUNT(DISTINCT s.family_id) AS claimed "
        "FROM (SELECT family_id FROM cohort WHERE eligible UNION SELECT family_id FROM s_att) f "
        "LEFT JOIN cohort c ON c.family_id = f.family_id LEFT JOIN s_att a ON a.family_id = f.family_id "
        "LEFT JOIN (SELECT DISTINCT family_id FROM s_claims) s ON s.family_id = f.family_id "
        f"LEFT JOIN ({placed}) p ON p.family_id = f.family_id GROUP BY 1")
    return con.execute(
        f"SELECT COALESCE(a.area, '{UNPLACED}'), COALESCE(n.identified, 0), COALESCE(n.worked_with, 0), "
        f"COALESCE(n.claimed, 0) FROM ({areas_sql(level)}) a FULL JOIN ({counted}) n ON n.area_code = a.area_code "
        "ORDER BY a.area IS NULL, a.area").fetchall()


def _closed(con: duckdb.DuckDBPyConnection, on: date) -> list[tuple[str, int]]:
    """Cases closed on or before `on` per reason of the closed list, zeros included (a case's latest closure)."""
    load_rows(con, "s_closures", {"case_id": "BIGINT", "reason": "VARCHAR", "n": "BIGINT"},
              list(CaseClosure.objects.filter(on__lte=on).values_list("case_id", "reason", "id")))
    load_rows(con, "s_reasons", {"reason": "VARCHAR", "k": "INTEGER"},
              [(r, k) for k, r in enumerate(ClosureReason.values)])
    return con.execute(
        "SELECT r.reason, COUNT(c.case_id) FROM s_reasons r LEFT JOIN (SELECT case_id, arg_max(reason, n) AS reason "
        "FROM s_closures GROUP BY case_id) c ON c.reason = r.reason GROUP BY r.reason, r.k ORDER BY r.k").fetchall()


def _by_agency(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    return con.execute("SELECT lead_agency, COUNT(*) FROM s_att GROUP BY 1 ORDER BY 1").fetchall()


def statistics_labels() -> dict[str, Any]:
    """Label functions for the code columns of `ProgrammeStatistics.tables` (routes; headlines, also joined
    with " + "), from the plans families are attached under, for workbooks that keep the code beside it."""
    from priority_families.outcomes.progress import progress_vocabulary

    words = progress_vocabulary()

    def headlines(value: Any) -> str:
        return " + ".join(words.label("headline", h) for h in str(value or "").split(" + ") if h)

    return {"route": lambda v: words.label("claim_route", v), "headline": lambda v: words.label("headline", v),
            "headlines_met": headlines}
