"""What is frozen at attachment, read from the published refresh in a few set-based queries.

For the families being attached (table `new_att(family_id, attached_on)` on the connection): the
members, the indicator lines true for them in the refresh's identification (with the records behind
them), every baseline count their plan's results measures need (per member, with the records behind
each count) and each member's out-of-work benefit position (for continuous employment).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from priority_families.outcomes.measures import (
    CONTINUOUS_EMPLOYMENT_BASELINE_MONTHS,
    OUT_OF_WORK_BENEFITS,
    baseline_window_sql,
    in_list,
    lit,
    months_before,
    plan_tests,
)
from priority_families.plans.schema import Plan

Rows = list[tuple]


@dataclass(frozen=True)
class FrozenBaseline:
    """Rows to write into the case record; each list is keyed by family_id first."""

    members: Rows  # family_id, person_id, dob
    lines: Rows  # family_id, headline, indicator, person_id, source, record_id, fact_date, value
    counts: Rows  # family_id, headline, measure, test_no, fact, person_id, window_start, window_end, count
    records: Rows  # family_id, headline, measure, test_no, person_id, source, record_id, fact_date
    benefits: Rows  # family_id, person_id, jsa_before, jsa_open_at_attachment, open_at_attachment


MEMBER_RECORDS = (
    "SELECT t.family_id, t.attached_on, fm.person_id, r.fact, r.kind, r.\"date\", r.start_date, r.end_date, "
    "r.source, r.record_id, COALESCE(r.\"date\", r.start_date, r.term_start) AS fact_date "
    "FROM new_att t JOIN family_members fm ON fm.family_id = t.family_id "
    "JOIN record_person rp ON rp.person_id = fm.person_id JOIN records r ON r.record_key = rp.record_key"
)


def _baseline_tests_sql(plan: Plan) -> str | None:
    """The plan's tests with a baseline window, one row per (test, indicator line it answers for)."""
    rows = [
        f"({lit(ref.headline.id)}, {lit(ref.measure.id)}, {ref.test_no}, {lit(line)})"
        for ref in plan_tests(plan)
        if ref.test.baseline_window is not None and ref.test.kind.value in ("reduction", "fewer")
        for line in ref.measure.lines
    ]
    if not rows:
        return None
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS v(headline, measure, test_no, indicator)"


def _counts_sql(plan: Plan) -> tuple[str, str] | None:
    """(per-member counts, records behind them) for every applicable baseline test."""
    tests = [r for r in plan_tests(plan)
             if r.test.baseline_window is not None and r.test.kind.value in ("reduction", "fewer")]
    if not tests:
        return None
    applicable = (
        f"applicable AS (SELECT DISTINCT v.headline, v.measure, v.test_no, h.family_id "
        f"FROM ({_baseline_tests_sql(plan)}) v JOIN indicator_hits h ON h.headline = v.headline "
        "AND h.indicator = v.indicator JOIN new_att t ON t.family_id = h.family_id)"
    )
    selects = []
    for ref in tests:
        t = ref.test
        months = t.baseline_window.months or 0  # type: ignore[union-attr]
        kinds = f" AND kind IN {in_list(t.kinds)}" if t.kinds else ""
        selects.append(
            f"SELECT family_id, {lit(ref.headline.id)} AS headline, {lit(ref.measure.id)} AS measure, "
            f"{ref.test_no} AS test_no, {lit(t.fact or '')} AS fact, person_id, "
            f"{months_before('attached_on', months)} AS window_start, attached_on AS window_end, "
            f"source, record_id, fact_date FROM member_records "
            f"WHERE fact = {lit(t.fact or '')}{kinds} AND {baseline_window_sql(t.fact or '', months)}"
        )
        selects.append(
            f"SELECT t.family_id, {lit(ref.headline.id)}, {lit(ref.measure.id)}, {ref.test_no}, "
            f"{lit(t.fact or '')}, fm.person_id, {months_before('t.attached_on', months)}, t.attached_on, "
            "NULL, NULL, NULL FROM new_att t JOIN family_members fm ON fm.family_id = t.family_id"
        )
    union = " UNION ALL ".join(selects)
    base = (
        f"WITH member_records AS ({MEMBER_RECORDS}), {applicable}, "
        f"hits AS (SELECT u.* FROM ({union}) u JOIN applicable a ON a.family_id = u.family_id "
        "AND a.headline = u.headline AND a.measure = u.measure AND a.test_no = u.test_no) "
    )
    counts = (
        base + "SELECT family_id, headline, measure, test_no, fact, person_id, window_start, window_end, "
        "COUNT(record_id) AS count FROM hits GROUP BY ALL ORDER BY ALL"
    )
    records = (
        base + "SELECT family_id, headline, measure, test_no, person_id, source, record_id, fact_date "
        "FROM hits WHERE record_id IS NOT NULL ORDER BY ALL"
    )
    return counts, records


def _benefits_sql() -> str:
    """Each member's out-of-work benefit position at attachment (members with such a spell only)."""
    window_start = months_before("attached_on", CONTINUOUS_EMPLOYMENT_BASELINE_MONTHS)
    open_at_a = "(start_date <= attached_on AND (end_date IS NULL OR end_date >= attached_on))"
    before = f"(start_date <= attached_on AND (end_date IS NULL OR end_date > {window_start}))"
    return (
        f"WITH member_records AS ({MEMBER_RECORDS}) "
        "SELECT family_id, person_id, BOOL_OR(kind = 'JSA' AND " + before + ") AS jsa_before, "
        f"BOOL_OR(kind = 'JSA' AND {open_at_a}) AS jsa_open_at_attachment, BOOL_OR({open_at_a}) AS open_at_attachment "
        f"FROM member_records WHERE fact = 'benefit' AND kind IN {in_list(OUT_OF_WORK_BENEFITS)} "
        f"AND start_date IS NOT NULL AND ({before} OR {open_at_a}) GROUP BY family_id, person_id ORDER BY ALL"
    )


def freeze_baselines(con: duckdb.DuckDBPyConnection, plan: Plan) -> FrozenBaseline:
    """Read everything to freeze for the families in `new_att` from the published refresh."""
    members = con.execute(
        "SELECT t.family_id, fm.person_id, p.dob FROM new_att t JOIN family_members fm "
        "ON fm.family_id = t.family_id JOIN persons p ON p.person_id = fm.person_id ORDER BY ALL"
    ).fetchall()
    lines = con.execute(
        "SELECT h.family_id, h.headline, h.indicator, h.person_id, h.source, h.record_id, h.fact_date, "
        "COALESCE(CAST(h.value AS VARCHAR), '') FROM indicator_hits h JOIN new_att t ON t.family_id = h.family_id "
        "ORDER BY ALL"
    ).fetchall()
    counts: Rows = []
    records: Rows = []
    sql = _counts_sql(plan)
    if sql is not None:
        counts = con.execute(sql[0]).fetchall()
        records = con.execute(sql[1]).fetchall()
    benefits = con.execute(_benefits_sql()).fetchall()
    return FrozenBaseline(members, lines, counts, records, benefits)
