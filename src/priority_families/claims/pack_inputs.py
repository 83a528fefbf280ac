"""Each measure's inputs, person by person, for the evidence pack: what an auditor recomputes by hand.

A measure's status line ("0 of 1 school-age children short") says what was decided, not from what. This
section lists, for every applicable test of every measure, each member it looked at with the figure before
(the frozen baseline count and its window, or for attendance the terms before attachment) and the figure
after (the records in the progress window, with the window's dates): per child the absence sessions and
share before and after, exclusions before and after, offences and anti-social behaviour per window, and
each adult's employment spell since attachment with its dates, its weeks, the weeks it needs and the
benefit left. One query per plan (a UNION over its tests); rows are sorted, so the pack stays reproducible.
"""

from __future__ import annotations

from datetime import date

import duckdb

from priority_families.casedb.models import Attachment
from priority_families.core.calendar import last_terms, shift_months, sql_date
from priority_families.core.vocabulary import Vocabulary, sessions_absent
from priority_families.ingest.schema import OUT_OF_WORK_BENEFITS
from priority_families.outcomes.measures import (
    TestRef,
    _absence_numerator,
    _group,
    _weeks,
    headline_starts,
    in_list,
    lit,
    months_before,
    plan_tests,
    progress_window_sql,
)
from priority_families.outcomes.progress import attachment_plan
from priority_families.plans.schema import MeasureKind, MeasureTest, Plan

INPUT_HEADER = ("measure", "person", "what is counted", "before: window", "before",
                "after: window", "after")
PackRows = list[tuple]


def progress_window_words(test: MeasureTest, e: date) -> str:
    """The progress window at e in dates, as the measure's SQL reads it (`measures.progress_window_sql`)."""
    w = test.progress_window
    if w is None:
        return "since attachment"
    if w.terms:
        terms = sorted(last_terms(e, w.terms), key=lambda t: t.start)
        return f"{w.terms} terms: {terms[0].start.isoformat()} to {terms[-1].end.isoformat()}"
    parts = []
    if w.months:
        parts.append(f"{shift_months(e, -w.months).isoformat()} (after) to {e.isoformat()}")
    if w.at_date:
        parts.append(f"open on {e.isoformat()}")
    return " or ".join(parts) or "since attachment"


def _counted(test: MeasureTest, words: Vocabulary) -> str:
    what = words.label("fact", test.fact).lower()
    kinds = f" ({', '.join(words.label('kind', k) for k in test.kinds)})" if test.kinds else ""
    return f"{what} records{kinds} of {words.label('who', test.who.value)}"


def _head(ref: TestRef, words: Vocabulary) -> str:
    return lit(f"{words.label('headline', ref.headline.id)}: {ref.measure.id.replace('_', ' ')}")


def _applies(ref: TestRef, alias: str = "p") -> str:
    """Join `alias` to the families the measure applies to."""
    return (f"JOIN (SELECT DISTINCT family_id FROM measure_status WHERE headline = {lit(ref.headline.id)} "
            f"AND measure = {lit(ref.measure.id)}) m ON m.family_id = {alias}.family_id")


def _terms_before(attachments: list[Attachment], n: int) -> str:
    """(family_id, term_start, term_end) of the n terms before each family's attachment, as SQL VALUES."""
    rows = [f"({lit(a.family_id)}, {sql_date(t.start)}, {sql_date(t.end)})"
            for a in attachments for t in last_terms(a.attached_on, n)]
    return f"(VALUES {', '.join(rows)}) bt(family_id, term_start, term_end)"


def _counts_sql(ref: TestRef, e: date, attachments: list[Attachment], words: Vocabulary) -> str:
    """Records counted per member: before, the frozen baseline count (its window) or, for a test over the
    last terms, the same number of terms before attachment; after, the count in the progress window."""
    t = ref.test
    kinds = f" AND kind IN {in_list(t.kinds)}" if t.kinds else ""
    window = (progress_window_sql(t, e) if t.progress_window else  # since the headline counts (attachment or
              f"fact_date >= (SELECT x.attached_on FROM ({headline_starts(ref.headline.id)}) x "  # its disclosure)
              "WHERE x.family_id = ev_records.family_id)")
    months = t.baseline_window.months if t.baseline_window and t.baseline_window.months else None
    terms = t.progress_window.terms if t.progress_window and t.progress_window.terms else None
    if months:
        before_window = (f"strftime({months_before('a.attached_on', months)}, '%Y-%m-%d') || ' (after) to ' || "
                         "strftime(a.attached_on, '%Y-%m-%d')")
        before = (f"SELECT family_id, person_id, SUM(count) AS n FROM att_counts WHERE headline = "
                  f"{lit(ref.headline.id)} AND measure = {lit(ref.measure.id)} AND test_no = {ref.test_no} "
                  "GROUP BY ALL")
    elif terms:
        before_window = lit(f"{terms} terms before attachment")
        before = (f"SELECT r.family_id, r.person_id, COUNT(*) AS n FROM ev_records r JOIN {_terms_before(attachments, terms)} "
                  "ON bt.family_id = r.family_id AND r.fact_date BETWEEN bt.term_start AND bt.term_end "
                  f"WHERE r.fact = {lit(t.fact or '')}{kinds} GROUP BY ALL")
    else:
        before_window = lit("no baseline count (none needed)")
        before = "SELECT NULL AS family_id, NULL AS person_id, NULL AS n WHERE FALSE"
    counted = "CAST(COALESCE(b.n, 0) AS VARCHAR)" if months or terms else lit("")
    return (
        f"SELECT p.family_id, {_head(ref, words)}, p.person_id, {lit(_counted(t, words))}, {before_window}, "
        f"{counted}, {lit(progress_window_words(t, e))}, CAST(COALESCE(r.n, 0) AS VARCHAR) "
        f"FROM (SELECT * FROM att_members WHERE {_group(t.who, e)}) p {_applies(ref)} "
        f"JOIN ({headline_starts(ref.headline.id)}) a ON a.family_id = p.family_id "
        f"LEFT JOIN ({before}) b ON b.family_id = p.family_id AND b.person_id = p.person_id "
        f"LEFT JOIN (SELECT family_id, person_id, COUNT(*) AS n FROM ev_records WHERE fact = {lit(t.fact or '')}"
        f"{kinds} AND {window} GROUP BY ALL) r "
        "ON r.family_id = p.family_id AND r.person_id = p.person_id "
        f"WHERE b.n > 0 OR r.n > 0 OR {str(bool(months or terms)).upper()}"
    )


def _attendance_sql(ref: TestRef, e: date, attachments: list[Attachment], words: Vocabulary) -> str:
    """Per school-age child: absence sessions of the same number of terms before attachment and before e."""
    t = ref.test
    n = t.progress_window.terms if t.progress_window and t.progress_window.terms else 3
    after_starts = ", ".join(sql_date(term.start) for term in last_terms(e, n))
    absent = " + ".join(f"COALESCE(r.{c}, 0)" for c in _absence_numerator(ref.headline))

    def share(where: str) -> str:
        return (f"CAST(SUM({absent}) FILTER (WHERE {where}) AS DOUBLE), "
                f"CAST(SUM(r.possible_sessions) FILTER (WHERE {where}) AS DOUBLE)")

    return (
        f"SELECT p.family_id, p.person_id, {share('bt.term_start IS NOT NULL')}, "
        f"{share(f'r.term_start IN ({after_starts})')} "
        f"FROM (SELECT * FROM att_members WHERE {_group(t.who, e)}) p {_applies(ref)} "
        f"LEFT JOIN ev_records r ON r.family_id = p.family_id AND r.person_id = p.person_id "
        f"AND r.fact = 'school_attendance' LEFT JOIN {_terms_before(attachments, n)} "
        "ON bt.family_id = p.family_id AND bt.term_start = r.term_start "
        "GROUP BY p.family_id, p.person_id"
    )


def _employment_sql(ref: TestRef, e: date, words: Vocabulary) -> str:
    """Per adult who was on an out-of-work benefit: each job since attachment, its dates and weeks, the weeks
    it needs and the benefit it left (the latest out-of-work benefit started on or before the job;
    two started that same day are both named)."""
    ed = sql_date(e)
    def left(b: str) -> str:  # the adult's out-of-work benefits started on or before the job
        return (f"{b}.family_id = r.family_id AND {b}.person_id = r.person_id AND {b}.fact = 'benefit' "
                f"AND {b}.kind IN {in_list(OUT_OF_WORK_BENEFITS)} AND {b}.start_date <= r.start_date")
    # two benefits started on the same latest day are both named (in order), never one picked at random
    benefit = (
        f"(SELECT list(DISTINCT b.kind ORDER BY b.kind) FROM ev_records b WHERE {left('b')} "
        f"AND b.start_date = (SELECT max(c.start_date) FROM ev_records c WHERE {left('c')}))"
    )
    return (
        f"SELECT r.family_id, r.person_id, {benefit} AS benefit, r.start_date, r.end_date, "
        f"DATE_DIFF('day', r.start_date, LEAST(COALESCE(r.end_date, {ed}), {ed})) // 7 AS weeks, "
        f"{_weeks(ref.test, 'ab.jsa_before')} // 7 AS needed FROM att_benefit ab {_applies(ref, 'ab')} "
        "JOIN att a ON a.family_id = ab.family_id JOIN ev_records r ON r.family_id = ab.family_id "
        "AND r.person_id = ab.person_id "
        f"WHERE r.fact = 'employment' AND r.start_date >= a.attached_on AND r.start_date <= {ed}"
    )


def _plan_inputs(con: duckdb.DuckDBPyConnection, plan: Plan, attachments: list[Attachment], e: date
                 ) -> PackRows:
    words = plan.vocabulary()
    families = in_list([a.family_id for a in attachments])
    rows: PackRows = []
    counts = []
    for ref in plan_tests(plan):
        t = ref.test
        if t.kind is MeasureKind.ATTESTATION or not t.fact:
            continue
        if t.fact == "school_attendance":
            head = f"{words.label('headline', ref.headline.id)}: {ref.measure.id.replace('_', ' ')}"
            n = t.progress_window.terms if t.progress_window and t.progress_window.terms else 3
            for fid, pid, absent_b, possible_b, absent_a, possible_a in con.execute(
                    f"SELECT * FROM ({_attendance_sql(ref, e, attachments, words)}) WHERE family_id IN {families} "
                    "ORDER BY ALL").fetchall():
                rows.append((fid, head, pid, "school absence (sessions)", f"{n} terms before attachment",
                             sessions_absent(absent_b, possible_b), progress_window_words(t, e),
                             sessions_absent(absent_a, possible_a)))
        elif t.fact == "employment" and t.kind is MeasureKind.SPELL_LASTED:
            head = f"{words.label('headline', ref.headline.id)}: {ref.measure.id.replace('_', ' ')}"
            for fid, pid, benefit, start, end, weeks, needed in con.execute(
                    f"SELECT * FROM ({_employment_sql(ref, e, words)}) WHERE family_id IN {families} "
                    "ORDER BY ALL").fetchall():
                until = end.isoformat() if end else f"still in work on {e.isoformat()}"
                rows.append((fid, head, pid, "employment spell since attachment",
                             "benefit left", " and ".join(words.label("benefit", k) for k in benefit or [])
                             or "none recorded",
                             f"{start.isoformat()} to {until}", f"{weeks} weeks (needs {needed})"))
        else:
            counts.append(_counts_sql(ref, e, attachments, words))
    if counts:
        rows += con.execute(f"SELECT * FROM ({' UNION ALL '.join(counts)}) WHERE family_id IN {families}"
                            ).fetchall()
    return rows


def measure_inputs(con: duckdb.DuckDBPyConnection, attachments: list[Attachment], e: date
                   ) -> dict[str, PackRows]:
    """Each family's measure inputs (rows of INPUT_HEADER), for the families on `con`'s evaluation at e."""
    out: dict[str, PackRows] = {a.family_id: [] for a in attachments}
    by_plan: dict[str, list[Attachment]] = {}
    for a in attachments:
        by_plan.setdefault(a.plan_yaml, []).append(a)
    for group in by_plan.values():
        for family_id, *rest in sorted(_plan_inputs(con, attachment_plan(group[0]), group, e), key=str):
            out[family_id].append(tuple(rest))
    return out
