"""Doubtful links: records that may be a family member's, sit in the linkage review band, and a measure reads.

A claim must not rest on a link nobody has decided. For every evaluated family, a pair of the review queue
(`linkage.review`: two records the model could not call) with one record a member's and the other another
person's is doubtful for the family when that other person has a record a measure of the family reads in
the measure's window: a record of the measure's fact (and kinds), dated in its progress window (or, for a
test without one and for a claim route's own tests, open after attachment and by the evaluation date).
Counted as the member's, such a record could defeat the measure (a new offence) or be what meets it, so the
claim waits for a reviewer (`claims.ledger` holds it as "needs review").

A reviewer's decision on the pair (the latest, whichever way round it was written) settles it: "not the same
person" closes it at the next evaluation; "the same person" keeps it open until the next `pf link` applies
the decision, after which the record is the member's and the measure is judged with it (the pair leaves the
queue). The result is the table

  doubtful_links  family_id, person_id, source_l, record_id_l (the member's record), source_r, record_id_r
                  (the record that may be theirs), match_probability, measures (those it could change),
                  decision, reviewer, decided_on, open
"""

from __future__ import annotations

from datetime import date

import duckdb

from priority_families.core.calendar import sql_date
from priority_families.core.sql import has_table, in_list
from priority_families.core.sql import sql_str as lit
from priority_families.linkage.review import decisions_source, latest_decisions_sql
from priority_families.outcomes.measures import plan_tests, progress_window_sql
from priority_families.plans.schema import MeasureKind, MeasureTest, Plan

DOUBTFUL_COLUMNS = ("family_id VARCHAR, person_id VARCHAR, source_l VARCHAR, record_id_l VARCHAR, "
                    "source_r VARCHAR, record_id_r VARCHAR, match_probability DOUBLE, measures VARCHAR, "
                    "decision VARCHAR, reviewer VARCHAR, decided_on DATE, open BOOLEAN")


def create_doubtful_links(con: duckdb.DuckDBPyConnection) -> None:
    """The empty output table (an evaluation with no review queue leaves it empty)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE doubtful_links ({DOUBTFUL_COLUMNS})")


def _pairs(con: duckdb.DuckDBPyConnection) -> None:
    """`doubt_pairs`: each review-queue pair with one record a member's (frozen or current) and the other
    another person's who is not a member of the same family, with that other person's id."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE doubt_pairs AS "
        "WITH mine AS (SELECT m.family_id, m.person_id, s.current_id, rp.record_key FROM att_members m "
        "JOIN member_ids s ON s.id = m.person_id JOIN record_person rp ON rp.person_id = s.current_id), "
        "q AS (SELECT record_key_l AS mine, record_key_r AS other, match_probability FROM review_queue "
        "UNION ALL SELECT record_key_r, record_key_l, match_probability FROM review_queue) "
        "SELECT DISTINCT mi.family_id, mi.person_id, q.mine, q.other, q.match_probability, "
        "rp.person_id AS other_person FROM mine mi JOIN q ON q.mine = mi.record_key "
        "JOIN record_person rp ON rp.record_key = q.other "
        "WHERE rp.person_id NOT IN (SELECT current_id FROM mine WHERE family_id = mi.family_id)"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE doubt_records AS SELECT d.family_id, d.mine, d.other, a.attached_on, "
        'r.fact, r.kind, r."date", r.start_date, r.end_date, r.term_start, '
        'COALESCE(r."date", r.start_date, r.term_start) AS fact_date FROM doubt_pairs d '
        "JOIN att a ON a.family_id = d.family_id JOIN record_person rp ON rp.person_id = d.other_person "
        "JOIN records r ON r.record_key = rp.record_key"
    )


def _reads(test: MeasureTest, e: date, windowed: bool) -> str | None:
    """A filter on `doubt_records` for the records `test` reads at e (None for a test that reads none)."""
    if test.kind is MeasureKind.ATTESTATION or not test.fact:
        return None
    after = f"COALESCE(end_date, fact_date) >= attached_on AND fact_date <= {sql_date(e)}"
    window = progress_window_sql(test, e) if windowed and test.progress_window else after
    kinds = f" AND kind IN {in_list(test.kinds)}" if test.kinds else ""
    not_kinds = f" AND COALESCE(kind, '') NOT IN {in_list(test.not_kinds)}" if test.not_kinds else ""
    return f"fact = {lit(test.fact)}{kinds}{not_kinds} AND ({window})"


def _hits_sql(plan: Plan, e: date) -> str | None:
    """(family_id, mine, other, measure) for each doubtful record a measure applicable to the family reads,
    or a claim route's own test reads."""
    selects = []
    for ref in plan_tests(plan):
        cond = _reads(ref.test, e, windowed=True)
        if cond is not None:
            selects.append(
                f"SELECT r.family_id, r.mine, r.other, {lit(ref.headline.id + '/' + ref.measure.id)} AS measure "
                f"FROM doubt_records r JOIN (SELECT DISTINCT family_id FROM plan_measure_status "
                f"WHERE headline = {lit(ref.headline.id)} AND measure = {lit(ref.measure.id)}) m "
                f"ON m.family_id = r.family_id WHERE {cond}")
    for route in plan.claim_routes:
        for test in route.tests:
            cond = _reads(test, e, windowed=False)
            if cond is not None:
                selects.append(f"SELECT family_id, mine, other, {lit('route ' + route.id)} FROM doubt_records "
                               f"WHERE {cond}")
    return " UNION ".join(selects) or None


def find_doubtful_links(con: duckdb.DuckDBPyConnection, plan: Plan, e: date) -> None:
    """Add this plan batch's doubtful links to `doubtful_links` (after its measures are judged: only the
    measures that apply to a family count)."""
    if not has_table(con, "review_queue") or not has_table(con, "record_person"):
        return
    hits = _hits_sql(plan, e)
    if hits is None:
        return
    _pairs(con)
    source = decisions_source(con)
    decisions = latest_decisions_sql(source) if source else (
        "SELECT NULL::VARCHAR AS source_l, NULL::VARCHAR AS record_id_l, NULL::VARCHAR AS source_r, "
        "NULL::VARCHAR AS record_id_r, NULL::VARCHAR AS decision, NULL::VARCHAR AS reviewer, "
        "NULL::DATE AS decided_on WHERE FALSE")
    key = "least({a}, {b}) || chr(30) || greatest({a}, {b})"
    con.execute(
        f"INSERT INTO doubtful_links WITH hits AS ({hits}), "
        f"dec AS (SELECT {key.format(a=_rec('source_l', 'record_id_l'), b=_rec('source_r', 'record_id_r'))} "
        f"AS pair, decision, reviewer, decided_on FROM ({decisions})) "
        "SELECT d.family_id, d.person_id, rl.source, rl.record_id, rr.source, rr.record_id, d.match_probability, "
        "STRING_AGG(DISTINCT h.measure, '; ' ORDER BY h.measure), dec.decision, dec.reviewer, dec.decided_on, "
        "COALESCE(dec.decision, '') <> 'not_a_match' "
        "FROM hits h JOIN doubt_pairs d ON d.family_id = h.family_id AND d.mine = h.mine AND d.other = h.other "
        "JOIN records rl ON rl.record_key = d.mine JOIN records rr ON rr.record_key = d.other "
        f"LEFT JOIN dec ON dec.pair = {key.format(a=_rec('rl.source', 'rl.record_id'), b=_rec('rr.source', 'rr.record_id'))} "
        "GROUP BY d.family_id, d.person_id, rl.source, rl.record_id, rr.source, rr.record_id, d.match_probability, "
        "dec.decision, dec.reviewer, dec.decided_on"
    )


def _rec(source: str, record_id: str) -> str:
    return f"({source} || chr(31) || {record_id})"


OPEN_BY_FAMILY_SQL = ("SELECT family_id, COUNT(*) FROM doubtful_links WHERE open GROUP BY family_id "
                      "ORDER BY family_id")
