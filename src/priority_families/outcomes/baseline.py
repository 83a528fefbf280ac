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


def _frozen_tests(plan: Plan, headline: str | None) -> list:
    """The plan's tests with a baseline window (of one headline when `headline` is given)."""
    return [r for r in plan_tests(plan)
            if r.test.baseline_window is not None and r.test.kind.value in ("reduction", "fewer")
            and headline in (None, r.headline.id)]


def _baseline_tests_sql(plan: Plan, headline: str | None = None) -> str | None:
    """The plan's tests with a baseline window, one row per (test, indicator line it answers for)."""
    rows = [
        f"({lit(ref.headline.id)}, {lit(ref.measure.id)}, {ref.test_no}, {lit(line)})"
        for ref in _frozen_tests(plan, headline)
        for line in ref.measure.lines
    ]
    if not rows:
        return None
    return f"SELECT * FROM (VALUES {', '.join(rows)}) AS v(headline, measure, test_no, indicator)"


HITS = "indicator_hits"  # the lines true for a family in the refresh's identification


def _counts_sql(plan: Plan, hits: str = HITS, headline: str | None = None) -> tuple[str, str] | None:
    """(per-member counts, records behind them) for every applicable baseline test: applicable when one of the
    test's lines is in `hits` (a table or subquery of family_id, headline, indicator) for the family; only the
    tests of `headline` when given (a headline added after attachment)."""
    tests = _frozen_tests(plan, headline)
    if not tests:
        return None
    applicable = (
        f"applicable AS (SELECT DISTINCT v.headline, v.measure, v.test_no, h.family_id "
        f"FROM ({_baseline_tests_sql(plan, headline)}) v JOIN {hits} h ON h.headline = v.headline "
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


def freeze_counts(con: duckdb.DuckDBPyConnection, plan: Plan, hits: str = HITS, headline: str | None = None
                  ) -> tuple[Rows, Rows]:
    """The baseline counts and the records behind them for the families in `new_att`, each at its own date
    (`new_att.attached_on`: the attachment, or the day a headline was added after it)."""
    sql = _counts_sql(plan, hits, headline)
    if sql is None:
        return [], []
    return con.execute(sql[0]).fetchall(), con.execute(sql[1]).fetchall()


def freeze_baselines(con: duckdb.DuckDBPyConnection, plan: Plan, hits: str = HITS) -> FrozenBaseline:
    """Read everything to freeze for the families in `new_att` from the published refresh (`hits`: the lines
    true for them, the identification's own, with any a professional's nomination adds)."""
    members = con.execute(
        "SELECT t.family_id, fm.person_id, p.dob FROM new_att t JOIN family_members fm "
        "ON fm.family_id = t.family_id JOIN persons p ON p.person_id = fm.person_id ORDER BY ALL"
    ).fetchall()
    lines = con.execute(
        "SELECT h.family_id, h.headline, h.indicator, h.person_id, h.source, h.record_id, h.fact_date, "
        "COALESCE(CAST(h.value AS VARCHAR), '') FROM indicator_hits h JOIN new_att t ON t.family_id = h.family_id "
        "ORDER BY ALL"
    ).fetchall()
    counts, records = freeze_counts(con, plan, hits)
    benefits = con.execute(_benefits_sql()).fetchall()
    return FrozenBaseline(members, lines, counts, records, benefits)
