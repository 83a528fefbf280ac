"""Progress of every attached family at an evaluation date `e`, evaluated as SQL by DuckDB.

The small case-record tables (attachments, frozen lines and baseline counts, attestations) are loaded
into temporary DuckDB tables beside the latest refresh's `records`, and every results measure of each
family's plan is one query over them (`measures.py`). The outcome is a set of tables:

  measure_status   family_id, headline, measure, status, earliest, detail
  line_status      family_id, headline, indicator, measure, status, earliest
  headline_status  family_id, headline, status, earliest
  family_routes    family_id, route          (routes by which the family could be claimed at e)
  family_claims    family_id, route, claim_group, route_order
                   (the claims the family would be claimed by at e: one per claim group, the group's first route
                   met in plan order, less the groups a chosen route excludes; `claims_for_routes` in Python)
  doubtful_links   pairs in the linkage review band that could change a family's measures (`doubtful.py`)

Statuses: `met`, `not_yet` (with `earliest`, the first date it can be met if nothing new is recorded,
when known), `not_applicable` (no line of it was true at attachment) and `awaiting_attestation`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from functools import lru_cache
from itertools import groupby

import duckdb
from django.db import transaction

from priority_families.casedb.models import (
    AssessedNeed,
    Attachment,
    Attestation,
    BaselineBenefit,
    BaselineCount,
    BaselineLine,
    BaselineMember,
    Disclosure,
    FamilyProgress,
    RowAttestation,
    TrackerRefresh,
)
from priority_families.core.calendar import sql_date, term_ends_sql
from priority_families.core.engine import StoreError, Workspace, stage_executor
from priority_families.core.export import copy_to_csv
from priority_families.core.sql import in_list, load_rows
from priority_families.core.sql import sql_str as lit
from priority_families.core.vocabulary import Vocabulary
from priority_families.linkage.ids import IdKind, merged_successors
from priority_families.outcomes.doubtful import create_doubtful_links, find_doubtful_links
from priority_families.outcomes.measures import (
    continuous_employment_sql,
    plan_tests,
    started_in_window_sql,
    test_sql,
)
from priority_families.plans.loader import plan_from_text
from priority_families.plans.schema import MeasureKind, Plan
from priority_families.refresh import SPARK_DIR, in_force, refresh_in_force


class Status(StrEnum):
    MET = "met"
    NOT_YET = "not_yet"
    NOT_APPLICABLE = "not_applicable"
    AWAITING_ATTESTATION = "awaiting_attestation"


FACTS_NEEDED = ("offence", "asb_incident", "school_attendance", "exclusion", "education_status", "social_care",
                "missing_episode", "exploitation_risk", "benefit", "employment", "work_progress", "neet",
                "housing", "domestic_abuse", "marac", "ae_attendance", "health", "asb_intervention", "justice",
                "referral", "breach")


@lru_cache(maxsize=32)
def _parse_plan(text: str) -> Plan:
    return plan_from_text(text, "<attachment plan>")


def attachment_plan(attachment: Attachment) -> Plan:
    """The plan an attachment is held to, parsed once per process (every attachment carries its text)."""
    return _parse_plan(attachment.plan_yaml)


def _load(con: duckdb.DuckDBPyConnection, name: str, rows: list[tuple], columns: dict[str, str]) -> None:
    load_rows(con, name, columns, rows)


ID_FILTER_LIMIT = 500  # above this many attachments, load whole tables and restrict them in DuckDB


def _frozen(model: type, ids: list[int], *fields: str) -> list[tuple]:
    """Rows of one frozen table for these attachments (a few by id; many by one scan, kept below)."""
    query = model.objects.all() if len(ids) > ID_FILTER_LIMIT else model.objects.filter(attachment_id__in=ids)
    return list(query.values_list("attachment__family_id", *fields))


def load_case_record(con: duckdb.DuckDBPyConnection, attachments: list[Attachment]) -> None:
    """Copy the attachments' frozen baselines and the attestations into temp tables on `con`."""
    ids = [a.id for a in attachments]
    _load(con, "att", [(a.family_id, a.attached_on, a.plan_id) for a in attachments],
          {"family_id": "VARCHAR", "attached_on": "DATE", "plan_id": "VARCHAR"})
    _load(con, "frozen_members", _frozen(BaselineMember, ids, "person_id", "dob"),
          {"family_id": "VARCHAR", "person_id": "VARCHAR", "dob": "DATE"})
    _load(con, "att_lines", sorted(set(_frozen(BaselineLine, ids, "headline", "indicator", "person_id")), key=str),
          {"family_id": "VARCHAR", "headline": "VARCHAR", "indicator": "VARCHAR", "person_id": "VARCHAR"})
    _load(con, "att_line_records", _frozen(BaselineLine, ids, "headline", "indicator", "person_id", "source",
                                           "record_id"),
          {"family_id": "VARCHAR", "headline": "VARCHAR", "indicator": "VARCHAR", "person_id": "VARCHAR",
           "source": "VARCHAR", "record_id": "VARCHAR"})
    _load(con, "att_counts", _frozen(BaselineCount, ids, "headline", "measure", "test_no", "person_id", "count"),
          {"family_id": "VARCHAR", "headline": "VARCHAR", "measure": "VARCHAR", "test_no": "INTEGER",
           "person_id": "VARCHAR", "count": "BIGINT"})
    _load(con, "att_benefit", _frozen(BaselineBenefit, ids, "person_id", "jsa_before", "jsa_open_at_attachment",
                                      "open_at_attachment"),
          {"family_id": "VARCHAR", "person_id": "VARCHAR", "jsa_before": "BOOLEAN",
           "jsa_open_at_attachment": "BOOLEAN", "open_at_attachment": "BOOLEAN"})
    attestations = Attestation.objects.all()
    if len(ids) <= ID_FILTER_LIMIT:
        attestations = attestations.filter(family_id__in=[a.family_id for a in attachments])
    _load(con, "attested", list(attestations.values_list("family_id", "headline", "indicator").distinct()),
          {"family_id": "VARCHAR", "headline": "VARCHAR", "indicator": "VARCHAR"})
    disclosed = Disclosure.objects.filter(attachment_id__in=ids) if len(ids) <= ID_FILTER_LIMIT else \
        Disclosure.objects.all()
    _load(con, "headline_from", list(disclosed.values_list("family_id", "headline", "disclosed_on")),
          {"family_id": "VARCHAR", "headline": "VARCHAR", "from_on": "DATE"})
    _load_assessed(con, ids)
    for table in ("frozen_members", "att_lines", "att_line_records", "att_counts", "att_benefit", "attested",
                  "headline_from", "assessed_rows", "row_said"):
        con.execute(f"DELETE FROM {table} WHERE family_id NOT IN (SELECT family_id FROM att)")


def _load_assessed(con: duckdb.DuckDBPyConnection, ids: list[int]) -> None:
    """Assessed rows (`outcomes.assessed`) and their attestations, for these attachments."""
    needs = AssessedNeed.objects.all() if len(ids) > ID_FILTER_LIMIT else \
        AssessedNeed.objects.filter(attachment_id__in=ids)
    _load(con, "assessed_rows", list(needs.values_list("family_id", "headline", "measure", "assessed_on", "score")),
          {"family_id": "VARCHAR", "headline": "VARCHAR", "measure": "VARCHAR", "from_on": "DATE",
           "score": "DECIMAL(8, 2)"})
    said = RowAttestation.objects.all() if len(ids) > ID_FILTER_LIMIT else \
        RowAttestation.objects.filter(need__attachment_id__in=ids)
    _load(con, "row_said", list(said.values_list("family_id", "need__measure", "met", "score", "attested_on", "id")),
          {"family_id": "VARCHAR", "measure": "VARCHAR", "met": "BOOLEAN", "score": "DECIMAL(8, 2)",
           "attested_on": "DATE", "seq": "BIGINT"})


def build_evaluation_records(con: duckdb.DuckDBPyConnection) -> None:
    """Members (frozen at attachment, and now) with their latest dates of birth, and their records.

    A frozen member keeps their frozen id (the baseline is keyed by it) and gathers the records of every
    id a later refresh merged them into (`member_ids`); a current member who is such a successor is that
    frozen member already, so is not listed twice.
    """
    frozen_ids = "(SELECT DISTINCT person_id AS id FROM frozen_members)"
    con.execute(f"CREATE OR REPLACE TEMP TABLE member_ids AS {merged_successors(con, IdKind.PERSON, frozen_ids)}")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE att_members AS "
        "SELECT u.family_id, u.person_id, COALESCE(MAX(p.dob), MAX(u.dob)) AS dob FROM ("
        "SELECT family_id, person_id, dob FROM frozen_members UNION ALL "
        "SELECT fm.family_id, fm.person_id, CAST(NULL AS DATE) FROM family_members fm "
        "JOIN att a ON a.family_id = fm.family_id WHERE NOT EXISTS (SELECT 1 FROM frozen_members f "
        "JOIN member_ids s ON s.id = f.person_id WHERE f.family_id = fm.family_id "
        "AND s.current_id = fm.person_id AND s.id <> fm.person_id)"
        ") u LEFT JOIN persons p ON p.person_id = u.person_id "
        "GROUP BY u.family_id, u.person_id"
    )
    con.execute(
        "INSERT INTO member_ids SELECT DISTINCT person_id, person_id FROM att_members "
        "WHERE person_id NOT IN (SELECT id FROM member_ids)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ev_records AS SELECT m.family_id, m.person_id, m.dob, r.record_key, "
        'r.fact, r.kind, r."date", r.start_date, r.end_date, r.term_start, r.possible_sessions, '
        "r.authorised_absence, r.unauthorised_absence, r.source, r.record_id, "
        'COALESCE(r."date", r.start_date, r.term_start) AS fact_date FROM att_members m '
        "JOIN member_ids s ON s.id = m.person_id "
        "JOIN record_person rp ON rp.person_id = s.current_id JOIN records r ON r.record_key = rp.record_key "
        f"WHERE r.fact IN {in_list(FACTS_NEEDED)}"
    )


def _waits_sql(plan: Plan) -> str:
    """(headline, measure, months, terms) rows: how long each measure waits after attachment."""
    reading = plan.results_timing
    rows = []
    for h in plan.headlines:
        for m in h.results:
            months, terms = m.sustained_months, False
            if all(t.kind is MeasureKind.SPELL_LASTED for t in m.tests):
                months = None
            has_terms = any(t.progress_window is not None and t.progress_window.terms for t in m.tests)
            if m.sustained_months is None and has_terms and reading.terms_after_attachment:
                terms = True
            if reading.wait_all_months is not None:  # a measure sustained longer still waits its own period
                months, terms = max(reading.wait_all_months, m.sustained_months or 0), False
            rows.append(f"({lit(h.id)}, {lit(m.id)}, {months if months is not None else 'NULL'}, {terms})")
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS w(headline, measure, months, terms)"


def _terms_table(con: duckdb.DuckDBPyConnection) -> None:
    """School term end dates for the term-wait rule (the one school calendar, `core.calendar`)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE term_ends AS {term_ends_sql(1990, 2100)}")


def _measure_status(con: duckdb.DuckDBPyConnection, plan: Plan, e: date) -> None:
    refs = plan_tests(plan)
    union = " UNION ALL ".join(test_sql(r, e) for r in refs)
    con.execute(f"CREATE OR REPLACE TEMP TABLE measure_tests AS {union}")
    ed = sql_date(e)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE plan_measure_status AS "
        "WITH m AS (SELECT family_id, headline, measure, "
        "COALESCE(BOOL_AND(ok) FILTER (WHERE NOT alternative), TRUE) "
        "AND COALESCE(BOOL_OR(ok) FILTER (WHERE alternative), TRUE) AS ok, "
        "COALESCE(BOOL_OR(attestation AND NOT ok), FALSE) AS awaiting, "
        "STRING_AGG(detail, '; ' ORDER BY test_no) AS detail, "
        # the first date every failing test can hold: all failing tests, or the soonest alternative
        "CASE WHEN BOOL_OR(NOT ok AND NOT alternative AND clear_on IS NULL) THEN NULL "
        "WHEN COUNT(*) FILTER (WHERE alternative) > 0 AND NOT BOOL_OR(ok) FILTER (WHERE alternative) "
        "AND MIN(clear_on) FILTER (WHERE alternative) IS NULL THEN NULL "
        "ELSE GREATEST(MAX(clear_on) FILTER (WHERE NOT ok AND NOT alternative), "
        "CASE WHEN NOT COALESCE(BOOL_OR(ok) FILTER (WHERE alternative), TRUE) "
        "THEN MIN(clear_on) FILTER (WHERE alternative) END) END AS clear_on "
        "FROM measure_tests GROUP BY family_id, headline, measure), "
        # a headline added after attachment waits from the day it was added (`headline_from`), an assessed row
        # from the day it was assessed (`assessed_rows`)
        "starts AS (SELECT DISTINCT m.family_id, m.headline, m.measure, "
        "COALESCE(ar.from_on, hf.from_on, a.attached_on) AS from_on, ar.from_on IS NOT NULL AS assessed "
        "FROM m JOIN att a ON a.family_id = m.family_id LEFT JOIN headline_from hf "
        "ON hf.family_id = m.family_id AND hf.headline = m.headline LEFT JOIN assessed_rows ar "
        "ON ar.family_id = m.family_id AND ar.headline = m.headline AND ar.measure = m.measure), "
        # the third term ending after each distinct start date (it depends on the date alone)
        "third_term AS (SELECT from_on, term_end FROM (SELECT d.from_on, t.term_end, ROW_NUMBER() OVER "
        "(PARTITION BY d.from_on ORDER BY t.term_end) AS n FROM (SELECT DISTINCT from_on FROM starts) d "
        "JOIN term_ends t ON t.term_end > d.from_on) WHERE n = 3), "
        f"w AS (SELECT m.*, CASE WHEN w.terms THEN tt.term_end WHEN w.months IS NOT NULL "
        "THEN CAST(s.from_on + TO_MONTHS(CAST(w.months AS INTEGER)) AS DATE) ELSE s.from_on END AS wait_until, "
        "s.assessed FROM m JOIN starts s ON s.family_id = m.family_id AND s.headline = m.headline "
        f"AND s.measure = m.measure JOIN ({_waits_sql(plan)}) w ON w.headline = m.headline AND w.measure = m.measure "
        "LEFT JOIN third_term tt ON tt.from_on = s.from_on) "
        "SELECT family_id, headline, measure, "
        # an assessed row waits its period before it awaits the attestation
        f"CASE WHEN awaiting AND NOT (assessed AND {ed} < wait_until) THEN 'awaiting_attestation' "
        f"WHEN {ed} < wait_until THEN 'not_yet' WHEN ok THEN 'met' ELSE 'not_yet' END AS status, "
        f"CASE WHEN (awaiting AND NOT (assessed AND {ed} < wait_until)) OR (ok AND {ed} >= wait_until) THEN NULL "
        f"WHEN {ed} < wait_until "
        "THEN GREATEST(wait_until, COALESCE(clear_on, wait_until)) ELSE clear_on END AS earliest, detail "
        "FROM w"
    )


def _routes(con: duckdb.DuckDBPyConnection, plan: Plan, e: date) -> None:
    """Routes each family could be claimed by at e, in the plan's order of routes."""
    reading = plan.results_timing
    waited = "TRUE"
    if reading.wait_all_months is not None:
        waited = f"{sql_date(e)} >= CAST(a.attached_on + TO_MONTHS({reading.wait_all_months}) AS DATE)"
    measures = {m.id for h in plan.headlines for m in h.results}
    selects = []
    for order, route in enumerate(plan.claim_routes):
        families = "SELECT family_id FROM att"
        if route.id in measures:  # a route that is also a measure needs the measure to apply
            families = f"SELECT DISTINCT family_id FROM plan_measure_status WHERE measure = {lit(route.id)}"
        if route.measures_met is not None:  # the plan's results measures met: all, or those of some headlines
            among = "" if route.measures_met == "all" else f"WHERE headline IN {in_list(route.measures_met)} "
            if route.plus_when_needed is not None and isinstance(route.measures_met, list):
                among += f"OR (headline = {lit(route.plus_when_needed)} AND family_id IN ({_needed_plus(plan)})) "
            sql = f"SELECT family_id FROM plan_measure_status {among}GROUP BY family_id HAVING BOOL_AND(status = 'met')"
        elif route.tests:
            parts = []
            for test in route.tests:
                if test.kind is MeasureKind.SPELL_LASTED:
                    parts.append(f"SELECT family_id FROM ({continuous_employment_sql(test, e, families)}) WHERE ok")
                elif test.kind is MeasureKind.STARTED_IN_WINDOW:
                    parts.append(f"SELECT family_id FROM ({started_in_window_sql(test, e, families)}) WHERE ok")
                else:
                    raise ValueError(f"route {route.id}: test kind {test.kind.value} is not a route test")
            sql = " INTERSECT ".join(parts)
        else:
            raise ValueError(f"plan {plan.id}: route {route.id} has no tests and no known reading")
        selects.append(
            f"SELECT r.family_id, {lit(route.id)} AS route, {order} AS route_order FROM ({sql}) r "
            f"JOIN att a ON a.family_id = r.family_id WHERE {waited}"
        )
    empty = "SELECT CAST(NULL AS VARCHAR) AS family_id, CAST(NULL AS VARCHAR) AS route, 0 AS route_order WHERE FALSE"
    con.execute("CREATE OR REPLACE TEMP TABLE plan_family_routes AS " + " UNION ALL ".join(selects or [empty]))


def _needed_plus(plan: Plan) -> str:
    """Families that did not meet every core headline at attachment, so needed the plus headline to be eligible."""
    core = plan.eligibility.core or []
    return (f"SELECT a.family_id FROM att a LEFT JOIN att_lines l ON l.family_id = a.family_id "
            f"AND l.headline IN {in_list(core)} GROUP BY a.family_id HAVING COUNT(DISTINCT l.headline) < {len(core)}")


def _varchars(values: list[str]) -> str:
    return f"CAST([{', '.join(lit(v) for v in values)}] AS VARCHAR[])"


def _claims_sql(plan: Plan) -> str:
    """The plan's claims for plan_family_routes: each claim group's first route met (plan order), unless another
    chosen route of the family excludes its group (continuous employment rules out the other two)."""
    groups = ", ".join(f"({lit(r.id)}, {lit(r.claim_group)}, {_varchars(r.excludes)})"
                       for r in plan.claim_routes) or f"(NULL, NULL, {_varchars([])})"
    return (
        f"WITH g AS (SELECT * FROM (VALUES {groups}) AS g(route, claim_group, excludes)), "
        "chosen AS (SELECT r.family_id, g.claim_group, ARG_MIN(r.route, r.route_order) AS route, "
        "MIN(r.route_order) AS route_order FROM plan_family_routes r JOIN g ON g.route = r.route GROUP BY ALL), "
        "excluding AS (SELECT c.family_id, UNNEST(g.excludes) AS claim_group FROM chosen c "
        "JOIN g ON g.route = c.route) "
        "SELECT c.family_id, c.route, c.claim_group, c.route_order FROM chosen c "
        "ANTI JOIN excluding x ON x.family_id = c.family_id AND x.claim_group = c.claim_group"
    )


def _all_measures_sql(plan: Plan) -> str:
    rows = [f"({lit(h.id)}, {lit(m.id)}, {lit(i)})" for h in plan.headlines for m in h.results for i in m.lines]
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS pm(headline, measure, indicator)"


def _append(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Add this plan's families to the combined status tables (line, headline, measure, route)."""
    con.execute("INSERT INTO measure_status SELECT * FROM plan_measure_status")
    con.execute("INSERT INTO family_routes SELECT * FROM plan_family_routes")
    con.execute(f"INSERT INTO family_claims {_claims_sql(plan)}")
    con.execute(
        "INSERT INTO line_status SELECT l.family_id, l.headline, l.indicator, pm.measure, "
        "COALESCE(s.status, 'not_applicable'), s.earliest FROM (SELECT DISTINCT family_id, headline, indicator "
        f"FROM att_lines) l LEFT JOIN ({_all_measures_sql(plan)}) pm ON pm.headline = l.headline "
        "AND pm.indicator = l.indicator LEFT JOIN plan_measure_status s ON s.family_id = l.family_id "
        "AND s.headline = l.headline AND s.measure = pm.measure"
    )
    # an assessed row is its own line (its indicator is the row's measure id): the tracker lists it with the lines
    con.execute(
        "INSERT INTO line_status SELECT s.family_id, s.headline, s.measure, s.measure, s.status, s.earliest "
        "FROM plan_measure_status s JOIN assessed_rows ar ON ar.family_id = s.family_id "
        "AND ar.headline = s.headline AND ar.measure = s.measure"
    )
    headlines = ", ".join(f"({lit(h.id)}, {n})" for n, h in enumerate(plan.headlines))
    con.execute(
        "INSERT INTO headline_status SELECT a.family_id, h.headline, CASE "
        "WHEN COUNT(s.measure) = 0 THEN 'not_applicable' WHEN BOOL_AND(s.status = 'met') THEN 'met' "
        "WHEN BOOL_AND(s.status IN ('met', 'awaiting_attestation')) THEN 'awaiting_attestation' "
        "ELSE 'not_yet' END, CASE WHEN COUNT(*) FILTER (WHERE s.status = 'not_yet' AND s.earliest IS NULL) = 0 "
        "THEN MAX(s.earliest) END "
        f"FROM att a CROSS JOIN (VALUES {headlines}) AS h(headline, n) LEFT JOIN plan_measure_status s "
        "ON s.family_id = a.family_id AND s.headline = h.headline GROUP BY a.family_id, h.headline, h.n "
        "ORDER BY a.family_id, h.n"
    )


def _create_outputs(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE OR REPLACE TEMP TABLE measure_status (family_id VARCHAR, headline VARCHAR, "
                "measure VARCHAR, status VARCHAR, earliest DATE, detail VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE line_status (family_id VARCHAR, headline VARCHAR, "
                "indicator VARCHAR, measure VARCHAR, status VARCHAR, earliest DATE)")
    con.execute("CREATE OR REPLACE TEMP TABLE headline_status (family_id VARCHAR, headline VARCHAR, "
                "status VARCHAR, earliest DATE)")
    con.execute("CREATE OR REPLACE TEMP TABLE family_routes (family_id VARCHAR, route VARCHAR, "
                "route_order INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE family_claims (family_id VARCHAR, route VARCHAR, "
                "claim_group VARCHAR, route_order INTEGER)")
    con.execute("CREATE OR REPLACE TEMP TABLE evaluated (family_id VARCHAR, attached_on DATE, plan_id VARCHAR)")
    create_doubtful_links(con)


def evaluate_on(con: duckdb.DuckDBPyConnection, attachments: list[Attachment], e: date) -> None:
    """Evaluate the attachments (attached on or before e) on an open store connection; fill the outputs."""
    _create_outputs(con)
    _terms_table(con)
    due = sorted((a for a in attachments if a.attached_on <= e), key=lambda a: (a.plan_sha256, a.family_id))
    for _sha, group in groupby(due, key=lambda a: a.plan_sha256):
        batch = list(group)
        plan = attachment_plan(batch[0])
        load_case_record(con, batch)
        build_evaluation_records(con)
        _measure_status(con, plan, e)
        _routes(con, plan, e)
        find_doubtful_links(con, plan, e)
        _append(con, plan)
        con.execute("INSERT INTO evaluated SELECT family_id, attached_on, plan_id FROM att")


@contextmanager
def evaluation(workspace: Workspace, e: date, family_ids: list[str] | None = None, refresh_id: str | None = None,
               attached_by: date | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the refresh in force (or the kept refresh `refresh_id`) with every family
    attached by `attached_by` (default e) evaluated at e; refused when e is after that refresh's as_of.

    On a workspace whose engine is spark the evaluation's SQL runs on Spark (`core.engine.stage_executor`)
    and its tables come back to the connection as TEMP tables, so every caller reads the same tables.
    """
    query = Attachment.objects.filter(attached_on__lte=attached_by or e)
    if family_ids is not None:
        query = query.filter(family_id__in=family_ids)
    attachments = list(query)
    con = workspace.connect(refresh_id=refresh_id)
    try:
        refresh_in_force(con).require_covers(e, "an evaluation")
        with stage_executor(con, workspace.settings, workspace.path / SPARK_DIR, "progress", record=False,
                            keep_working=True) as executor:  # the callers read its working tables
            evaluate_on(executor, attachments, e)
        yield con
    finally:
        con.close()


def family_progress(workspace: Workspace, family_id: str) -> list[dict]:
    """A family's lines true at attachment with their measures' states, on the refresh in force (none when the
    family was attached after that refresh's as_of: nothing can be judged yet)."""
    refresh = in_force(workspace)
    attachment = Attachment.objects.filter(family_id=family_id, attached_on__lte=refresh.as_of).first()
    if attachment is None:
        return []
    with evaluation(workspace, refresh.as_of, family_ids=[family_id]) as con:
        cur = con.execute(PROGRESS_SQL)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


PROGRESS_FIELDS = ("family_id", "headline", "measure", "indicator", "line_status", "headline_status", "earliest",
                   "detail")


def publish_progress(workspace: Workspace, family_ids: list[str] | None = None) -> int:
    """Judge the progress of every attached family (or of `family_ids`) once, on the refresh in force, and keep
    the rows in the tracker's `FamilyProgress` table, replacing the families' earlier rows.

    Called when a refresh is published into the tracker (`pf web publish`) and when an attachment or an
    attestation changes a family, so the family page reads a few rows instead of evaluating the plan per
    view. Returns the rows kept; with no refresh in force the families' rows are removed.
    """
    try:
        refresh = in_force(workspace)
        with evaluation(workspace, refresh.as_of, family_ids=family_ids) as con:
            rows = con.execute(PROGRESS_SQL).fetchall()
    except StoreError:
        refresh, rows = None, []
    with transaction.atomic():
        stale = FamilyProgress.objects.all() if family_ids is None else FamilyProgress.objects.filter(
            family_id__in=family_ids)
        stale._raw_delete(stale.db)
        FamilyProgress.objects.bulk_create(
            [FamilyProgress(refresh_id=refresh.refresh_id, **dict(zip(PROGRESS_FIELDS, row, strict=True)))
             for row in rows], batch_size=2000)
    return len(rows)


def progress_changed(workspace: Workspace, family_ids: list[str]) -> None:
    """An attachment or attestation changed these families: judge them again if the tracker is in use."""
    if TrackerRefresh.objects.exists():
        publish_progress(workspace, family_ids)


PROGRESS_SQL = (
    "SELECT l.family_id, l.headline, COALESCE(l.measure, '') AS measure, l.indicator, l.status AS line_status, "
    "h.status AS headline_status, l.earliest, COALESCE(m.detail, '') AS detail FROM line_status l "
    "JOIN headline_status h ON h.family_id = l.family_id AND h.headline = l.headline "
    "LEFT JOIN measure_status m ON m.family_id = l.family_id AND m.headline = l.headline AND m.measure = l.measure "
    "ORDER BY l.family_id, l.headline, l.indicator"
)
ROUTES_SQL = (
    "SELECT v.family_id, v.plan_id, v.attached_on, COALESCE(STRING_AGG(r.route, ';' ORDER BY r.route_order), '') "
    "AS routes FROM evaluated v LEFT JOIN family_routes r ON r.family_id = v.family_id "
    "GROUP BY v.family_id, v.plan_id, v.attached_on ORDER BY v.family_id"
)


def write_progress_csv(con: duckdb.DuckDBPyConnection, out: str) -> None:
    """progress.csv: one row per family and indicator line true at attachment, with its measure's status."""
    copy_to_csv(con, PROGRESS_SQL, out)


def write_routes_csv(con: duckdb.DuckDBPyConnection, out: str) -> None:
    """routes.csv: one row per evaluated family with the claim routes open at e (`;`-separated, plan order)."""
    copy_to_csv(con, ROUTES_SQL, out)


def progress_vocabulary() -> Vocabulary:
    """The labels of every plan families are attached under (headlines, lines, routes), for what people read."""
    extra: dict[str, dict[str, str]] = {}
    for text in Attachment.objects.values_list("plan_yaml", flat=True).distinct():
        for group, codes in _parse_plan(text).vocabulary().groups.items():
            extra.setdefault(group, {}).update(codes)
    return Vocabulary(extra)
