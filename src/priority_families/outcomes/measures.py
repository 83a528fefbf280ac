"""An Outcomes Plan's results measures as SQL: one SELECT per measure test, over the evaluation tables.

The plan says what each measure tests (`MeasureTest`); this module turns every test into one set-based
query answering, for every attached family the measure applies to, whether the test holds at the
evaluation date `e`, with counts for the auditor and the date the current adverse records leave the
window (`clear_on`, for "not yet, earliest ..."). Dates relative to `e` are literals (one `e` per run);
dates relative to attachment come from each family's own `attached_on`.

Evaluation tables (temporary, built by `progress.py` from the case record and the latest refresh):
  att          family_id, attached_on, plan_id
  att_members  family_id, person_id, dob       members at attachment and now (dob from the latest refresh)
  att_lines    family_id, headline, indicator, person_id   lines true at attachment (frozen)
  att_line_records  the same with the source and record_id behind each (a measure's `line_kinds` reads them)
  att_counts   family_id, headline, measure, test_no, person_id, count   baseline counts (frozen)
  att_benefit  family_id, person_id, jsa_before, jsa_open_at_attachment, open_at_attachment (frozen)
  attested     family_id, headline, indicator
  headline_from  family_id, headline, from_on   a headline added after attachment, measured from from_on
  assessed_rows  family_id, headline, measure, from_on, score   assessed rows (`outcomes.assessed`)
  row_said     family_id, measure, met, score, attested_on, seq   their attestations (the latest counts)
  ev_records   family_id, person_id, dob, fact, kind, date, start_date, end_date, term_start,
               possible_sessions, authorised_absence, unauthorised_absence, source, record_id, fact_date

Readings (where a plan's data leaves a choice; each agrees with `synth.oracle`):
- Tests of kind `spell_lasted` in one measure are alternatives (any one suffices); all other tests of a
  measure must all hold.
- A `spell_lasted` test on `employment` is continuous employment: an adult (at e) on an out-of-work
  benefit on some day of the 6 months before attachment, employed from a date in [a, e] for the weeks
  of `weeks` (JSA, else `other`), with none of their out-of-work benefits open during those weeks. Any
  other `spell_lasted` test is "that adult": a person whose line was true at attachment.
- Person-scoped `none_in_window`, `fewer`, `latest_kind` and `spell_lasted` tests are about the people the
  measure's lines named at attachment ("that adult", "that child"); `below_threshold` is about every
  member in the age group at e ("every school-age child"); family-scoped counts take the age group at e.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from priority_families.core.calendar import last_terms, shift_months, sql_date
from priority_families.core.sql import in_list
from priority_families.core.sql import sql_str as lit
from priority_families.identify.compile import who_condition as who_at  # the compiler's age-group seam
from priority_families.ingest.schema import FACT_KINDS, OUT_OF_WORK_BENEFITS
from priority_families.plans.schema import (
    Aggregate,
    Comparison,
    Headline,
    MeasureKind,
    MeasureTest,
    Plan,
    ResultMeasure,
    Scope,
    Who,
)

CONTINUOUS_EMPLOYMENT_BASELINE_MONTHS = 6
WHO_PLURAL = {Who.CHILD: "children", Who.SCHOOL_AGE_CHILD: "school-age children", Who.ADULT: "adults",
              Who.YOUNG_PERSON: "young people", Who.ANY_MEMBER: "members"}


@dataclass(frozen=True)
class TestRef:
    """One test of one measure, addressed as the case record stores it."""

    headline: Headline
    measure: ResultMeasure
    test_no: int
    test: MeasureTest

    @property
    def alternative(self) -> bool:
        return self.test.kind is MeasureKind.SPELL_LASTED


def plan_tests(plan: Plan) -> list[TestRef]:
    """Every test of every results measure of the plan, numbered within its measure."""
    return [
        TestRef(h, m, n, t) for h in plan.headlines for m in h.results for n, t in enumerate(m.tests)
    ]


def dated_column(fact: str) -> str:
    return '"date"' if "date" in FACT_KINDS[fact].column_names else "start_date"


def months_before(column: str, months: int) -> str:
    """`column - N months` as a DATE, clamped to the month end like `calendar.shift_months`."""
    return f"CAST({column} - INTERVAL {int(months)} MONTH AS DATE)"


def baseline_window_sql(fact: str, months: int, a: str = "attached_on") -> str:
    """Records dated in `(a - months, a]`, with `a` a column (each family has its own attachment date)."""
    col = dated_column(fact)
    return f"({col} > {months_before(a, months)} AND {col} <= {a})"


def _open_at(e: date) -> str:
    return f"(start_date <= {sql_date(e)} AND (end_date IS NULL OR end_date >= {sql_date(e)}))"


def progress_window_sql(test: MeasureTest, e: date) -> str:
    """The test's progress window relative to e as a filter on `ev_records` columns."""
    fact = test.fact or ""
    w = test.progress_window
    if w is None:
        return "TRUE"
    if w.terms:
        terms = last_terms(e, w.terms)
        if "term" in FACT_KINDS[fact].column_names:
            return "term_start IN (" + ", ".join(sql_date(t.start) for t in terms) + ")"
        col = dated_column(fact)
        return "(" + " OR ".join(f"({col} BETWEEN {sql_date(t.start)} AND {sql_date(t.end)})" for t in terms) + ")"
    col = dated_column(fact)
    started = (
        f"({col} > {sql_date(shift_months(e, -w.months))} AND {col} <= {sql_date(e)})" if w.months else None
    )
    if w.at_date:
        return f"({_open_at(e)} OR {started})" if started else _open_at(e)
    return started or "TRUE"


def _clear_on(test: MeasureTest) -> str:
    """When the latest adverse record in a months window leaves it: its date + the window's months."""
    w = test.progress_window
    if w is None or not w.months or w.at_date:
        return "CAST(NULL AS DATE)"
    return f"CAST(MAX(fact_date) + INTERVAL {int(w.months)} MONTH AS DATE)"


def _facts_filter(test: MeasureTest, e: date) -> str:
    parts = [f"fact = {lit(test.fact or '')}", progress_window_sql(test, e)]
    if test.kinds:
        parts.append(f"kind IN {in_list(test.kinds)}")
    return " AND ".join(parts)


def _group(who: Who, e: date) -> str:
    return who_at(who, e)


def _ratio_ok(after: str, before: str, factor: Fraction) -> str:
    """after <= factor x before, exactly; a baseline of 0 is met only by 0 after."""
    return (f"(CASE WHEN {before} = 0 THEN {after} = 0 "
            f"ELSE {after} * {factor.denominator} <= {factor.numerator} * {before} END)")


def _line_rows(ref: TestRef) -> str:
    """`FROM ... WHERE ...` of the lines the measure answers for, true at attachment; with `line_kinds`, only
    those a record of those kinds made true (the frozen record, read with its kind in the refresh)."""
    lines = f"l.headline = {lit(ref.headline.id)} AND l.indicator IN {in_list(ref.measure.lines)}"
    if not ref.measure.line_kinds:
        return f"FROM att_lines l WHERE {lines}"
    return ("FROM att_line_records l JOIN ev_records r ON r.family_id = l.family_id AND r.source = l.source "
            f"AND r.record_id = l.record_id WHERE {lines} AND r.kind IN {in_list(ref.measure.line_kinds)}")


def _fams(ref: TestRef) -> str:
    return f"SELECT DISTINCT l.family_id {_line_rows(ref)}"


def _pids(ref: TestRef) -> str:
    return f"SELECT DISTINCT l.family_id, l.person_id {_line_rows(ref)} AND l.person_id IS NOT NULL"


def _baseline(ref: TestRef, e: date, per_person: bool) -> str:
    """Frozen baseline counts of the test, for members in its age group at e."""
    keys = "c.family_id, c.person_id" if per_person else "c.family_id"
    return (
        f"SELECT {keys}, SUM(c.count) AS n FROM att_counts c JOIN att_members m "
        "ON m.family_id = c.family_id AND m.person_id = c.person_id "
        f"WHERE c.headline = {lit(ref.headline.id)} AND c.measure = {lit(ref.measure.id)} "
        f"AND c.test_no = {ref.test_no} AND {_group(ref.test.who, e) if not per_person else 'TRUE'} "
        f"GROUP BY {keys}"
    )


def _family_after_against_before(ref: TestRef, e: date, ok: str) -> str:
    """A family-scoped count of the test's records after attachment (`a.n`) against the frozen baseline
    (`b.n`), judged by the SQL condition `ok` over them."""
    t = ref.test
    return (
        f"WITH fams AS ({_fams(ref)}), "
        f"after AS (SELECT family_id, COUNT(*) AS n, {_clear_on(t)} AS clear_on FROM ev_records "
        f"WHERE {_facts_filter(t, e)} AND {_group(t.who, e)} GROUP BY family_id), "
        f"before AS ({_baseline(ref, e, per_person=False)}) "
        f"SELECT f.family_id, {ok} AS ok, {lit(t.fact or '')} || ' ' || CAST(COALESCE(a.n, 0) AS VARCHAR) "
        "|| ' after against ' || CAST(COALESCE(b.n, 0) AS VARCHAR) || ' before' AS detail, a.clear_on "
        "FROM fams f LEFT JOIN after a ON a.family_id = f.family_id LEFT JOIN before b ON b.family_id = f.family_id"
    )


def _reduction(ref: TestRef, e: date) -> str:
    factor = ref.test.factor_fraction() or Fraction(1)
    return _family_after_against_before(ref, e, _ratio_ok("COALESCE(a.n, 0)", "COALESCE(b.n, 0)", factor))


def _fewer(ref: TestRef, e: date) -> str:
    t = ref.test
    fewer = "(COALESCE(a.n, 0) < COALESCE(b.n, 0) OR COALESCE(a.n, 0) = 0)"
    if t.scope is Scope.PERSON:
        return (
            f"WITH fams AS ({_fams(ref)}), pids AS ({_pids(ref)}), "
            f"after AS (SELECT family_id, person_id, COUNT(*) AS n, {_clear_on(t)} AS clear_on FROM ev_records "
            f"WHERE {_facts_filter(t, e)} GROUP BY family_id, person_id), "
            f"before AS ({_baseline(ref, e, per_person=True)}), "
            f"per AS (SELECT p.family_id, {fewer} AS ok, a.clear_on FROM pids p "
            "LEFT JOIN after a ON a.family_id = p.family_id AND a.person_id = p.person_id "
            "LEFT JOIN before b ON b.family_id = p.family_id AND b.person_id = p.person_id) "
            "SELECT f.family_id, COALESCE(BOOL_AND(per.ok), TRUE) AS ok, "
            f"CAST(COUNT(*) FILTER (WHERE per.ok) AS VARCHAR) || ' of ' || CAST(COUNT(per.family_id) AS VARCHAR) "
            f"|| ' people with fewer {t.fact} records' AS detail, MAX(per.clear_on) AS clear_on "
            "FROM fams f LEFT JOIN per ON per.family_id = f.family_id GROUP BY f.family_id"
        )
    return _family_after_against_before(ref, e, fewer)


def _none_in_window(ref: TestRef, e: date) -> str:
    t = ref.test
    if t.scope is Scope.PERSON:
        people = f"JOIN ({_pids(ref)}) p ON p.family_id = r.family_id AND p.person_id = r.person_id"
        who = "TRUE"
    else:
        people, who = "", _group(t.who, e)
    return (
        f"WITH fams AS ({_fams(ref)}), "
        f"hits AS (SELECT r.family_id, COUNT(*) AS n, {_clear_on(t)} AS clear_on FROM ev_records r {people} "
        f"WHERE {_facts_filter(t, e)} AND {who} GROUP BY r.family_id) "
        f"SELECT f.family_id, COALESCE(h.n, 0) = 0 AS ok, CAST(COALESCE(h.n, 0) AS VARCHAR) || ' {t.fact}"
        f"{' ' + '/'.join(t.kinds) if t.kinds else ''} records in the window' AS detail, h.clear_on "
        "FROM fams f LEFT JOIN hits h ON h.family_id = f.family_id"
    )


def _absence_numerator(headline: Headline) -> list[str]:
    """The absence columns the headline's own absence indicator uses (overall or unauthorised)."""
    for ind in headline.indicators:
        if ind.aggregate is Aggregate.SHARE_OF_SESSIONS and ind.numerator:
            return list(ind.numerator)
    return ["authorised_absence", "unauthorised_absence"]


def _compare(left: str, op: Comparison, right: str) -> str:
    return f"({left} {op.value} {right})"


def _below_threshold(ref: TestRef, e: date) -> str:
    t = ref.test
    op = t.comparison or Comparison.LT
    thr = Fraction(str(t.threshold if t.threshold is not None else 0))
    if t.fact == "school_attendance":
        num = " + ".join(f"COALESCE(r.{c}, 0)" for c in _absence_numerator(ref.headline))
        value = f"SUM({num})"
        per_ok = (f"(COALESCE(SUM(r.possible_sessions), 0) = 0 OR "
                  f"{_compare(f'{value} * {thr.denominator}', op, f'{thr.numerator} * SUM(r.possible_sessions)')})")
    else:
        per_ok = _compare("COUNT(r.person_id)", op, repr(float(thr)))
    window = progress_window_sql(t, e).replace("term_start", "r.term_start").replace('"date"', 'r."date"')
    kinds = f" AND r.kind IN {in_list(t.kinds)}" if t.kinds else ""
    return (
        f"WITH fams AS ({_fams(ref)}), "
        f"people AS (SELECT family_id, person_id FROM att_members WHERE {_group(t.who, e)}), "
        f"per AS (SELECT p.family_id, p.person_id, {per_ok} AS ok FROM people p LEFT JOIN ev_records r "
        f"ON r.family_id = p.family_id AND r.person_id = p.person_id AND r.fact = {lit(t.fact or '')}{kinds} "
        f"AND {window} GROUP BY p.family_id, p.person_id) "
        "SELECT f.family_id, COALESCE(BOOL_AND(per.ok), TRUE) AS ok, "
        "CAST(COUNT(*) FILTER (WHERE NOT per.ok) AS VARCHAR) || ' of ' || CAST(COUNT(per.person_id) AS VARCHAR) "
        f"|| ' {WHO_PLURAL[t.who]} short on {t.fact}' AS detail, CAST(NULL AS DATE) AS clear_on "
        "FROM fams f LEFT JOIN per ON per.family_id = f.family_id GROUP BY f.family_id"
    )


def _latest_kind(ref: TestRef, e: date) -> str:
    t = ref.test
    fact = lit(t.fact or "")
    col = dated_column(t.fact or "")
    bad = f"r.kind IN {in_list(t.not_kinds)}" if t.not_kinds else "FALSE"
    return (
        f"WITH fams AS ({_fams(ref)}), pids AS ({_pids(ref)}), "
        f"recs AS (SELECT r.family_id, r.person_id, r.{col} AS d, r.kind, r.fact_date, "
        f"({progress_window_sql(t, e)}) AS in_window FROM ev_records r JOIN pids p "
        "ON p.family_id = r.family_id AND p.person_id = r.person_id "
        f"WHERE r.fact = {fact} AND r.{col} <= {sql_date(e)}), "
        "latest AS (SELECT family_id, person_id, MAX(d) AS d FROM recs GROUP BY ALL), "
        f"per AS (SELECT p.family_id, p.person_id, "
        f"COALESCE(BOOL_AND(r.kind IN {in_list(t.kinds or [])}) FILTER (WHERE r.d = l.d), FALSE) "
        f"AND COUNT(*) FILTER (WHERE r.in_window AND {bad}) = 0 AS ok, "
        f"MAX(r.fact_date) FILTER (WHERE r.in_window AND {bad}) AS last_bad FROM pids p "
        "LEFT JOIN latest l ON l.family_id = p.family_id AND l.person_id = p.person_id "
        "LEFT JOIN recs r ON r.family_id = p.family_id AND r.person_id = p.person_id GROUP BY p.family_id, p.person_id) "
        "SELECT f.family_id, COALESCE(BOOL_AND(per.ok), TRUE) AS ok, "
        "CAST(COUNT(*) FILTER (WHERE per.ok) AS VARCHAR) || ' of ' || CAST(COUNT(per.person_id) AS VARCHAR) "
        "|| ' young people with a latest record of ' || " + lit('/'.join(t.kinds or [])) + " AS detail, "
        "CAST(NULL AS DATE) AS clear_on "
        "FROM fams f LEFT JOIN per ON per.family_id = f.family_id GROUP BY f.family_id"
    )


def _weeks(test: MeasureTest, jsa: str) -> str:
    weeks = test.weeks or {}
    other = weeks.get("other", 13)
    return f"(CASE WHEN {jsa} THEN {7 * weeks.get('JSA', other)} ELSE {7 * other} END)"


def headline_starts(headline: str) -> str:
    """Each family's date the headline is measured from: attachment, or the day it was added after it."""
    return ("SELECT a.family_id, COALESCE(hf.from_on, a.attached_on) AS attached_on FROM att a "
            f"LEFT JOIN headline_from hf ON hf.family_id = a.family_id AND hf.headline = {lit(headline)}")


def continuous_employment_sql(test: MeasureTest, e: date, families: str, starts: str = "att") -> str:
    """Families (from `families`) with an adult in continuous employment after an out-of-work benefit."""
    lasted = f"DATE_DIFF('day', r.start_date, LEAST(COALESCE(r.end_date, {sql_date(e)}), {sql_date(e)}))"
    return (
        f"WITH fams AS ({families}), "
        f"adults AS (SELECT b.family_id, b.person_id, {_weeks(test, 'b.jsa_before')} AS days FROM att_benefit b "
        "JOIN att_members m ON m.family_id = b.family_id AND m.person_id = b.person_id "
        f"WHERE {_group(Who.ADULT, e)}), "
        "jobs AS (SELECT a.family_id, a.person_id, r.start_date AS s, a.days FROM adults a "
        "JOIN ev_records r ON r.family_id = a.family_id AND r.person_id = a.person_id "
        f"JOIN {starts} t ON t.family_id = a.family_id "
        f"WHERE r.fact = 'employment' AND r.start_date >= t.attached_on AND r.start_date <= {sql_date(e)} "
        f"AND {lasted} >= a.days), "
        "clean AS (SELECT DISTINCT j.family_id FROM jobs j WHERE NOT EXISTS (SELECT 1 FROM ev_records b "
        "WHERE b.family_id = j.family_id AND b.person_id = j.person_id AND b.fact = 'benefit' "
        f"AND b.kind IN {in_list(OUT_OF_WORK_BENEFITS)} AND b.start_date IS NOT NULL "
        "AND b.start_date <= j.s + (j.days - 1) AND (b.end_date IS NULL OR b.end_date >= j.s))), "
        # a job still open at e, benefit-free so far, holds once it has lasted its weeks
        "ongoing AS (SELECT a.family_id, MIN(r.start_date + a.days) AS clear_on FROM adults a "
        "JOIN ev_records r ON r.family_id = a.family_id AND r.person_id = a.person_id "
        f"JOIN {starts} t ON t.family_id = a.family_id "
        f"WHERE r.fact = 'employment' AND r.start_date >= t.attached_on AND r.start_date <= {sql_date(e)} "
        f"AND (r.end_date IS NULL OR r.end_date >= {sql_date(e)}) AND NOT EXISTS (SELECT 1 FROM ev_records b "
        "WHERE b.family_id = r.family_id AND b.person_id = r.person_id AND b.fact = 'benefit' "
        f"AND b.kind IN {in_list(OUT_OF_WORK_BENEFITS)} AND b.start_date IS NOT NULL "
        f"AND b.start_date <= {sql_date(e)} AND (b.end_date IS NULL OR b.end_date >= r.start_date)) "
        "GROUP BY a.family_id) "
        "SELECT f.family_id, c.family_id IS NOT NULL AS ok, "
        "CASE WHEN c.family_id IS NULL THEN 'no continuous employment' ELSE 'continuous employment' END AS detail, "
        "CAST(o.clear_on AS DATE) AS clear_on FROM fams f LEFT JOIN clean c ON c.family_id = f.family_id "
        "LEFT JOIN ongoing o ON o.family_id = f.family_id"
    )


def _spell_lasted(ref: TestRef, e: date) -> str:
    t = ref.test
    if t.fact == "employment":
        return continuous_employment_sql(t, e, _fams(ref), f"({headline_starts(ref.headline.id)})")
    end = f"LEAST(COALESCE(r.end_date, {sql_date(e)}), {sql_date(e)})"
    if t.months:
        due = f"CAST(r.start_date + INTERVAL {int(t.months)} MONTH AS DATE)"
        lasted = f"{due} <= {end}"
    else:
        days = _weeks(t, "COALESCE(b.jsa_open_at_attachment, FALSE)")
        due = f"r.start_date + {days}"
        lasted = f"DATE_DIFF('day', r.start_date, {end}) >= {days}"
    if t.kinds:  # Appendix Three: each kind of step towards work has its own duration
        lasted = f"{lasted} AND r.kind IN {in_list(t.kinds)}"
    return (
        f"WITH fams AS ({_fams(ref)}), pids AS ({_pids(ref)}), "
        f"done AS (SELECT DISTINCT p.family_id FROM pids p JOIN ({headline_starts(ref.headline.id)}) t "
        "ON t.family_id = p.family_id "
        "JOIN ev_records r ON r.family_id = p.family_id AND r.person_id = p.person_id "
        "LEFT JOIN att_benefit b ON b.family_id = p.family_id AND b.person_id = p.person_id "
        f"WHERE r.fact = {lit(t.fact or '')} AND r.start_date >= t.attached_on AND r.start_date <= {sql_date(e)} "
        f"AND {lasted}), "
        "ongoing AS (SELECT p.family_id, MIN(" + due + ") AS clear_on FROM pids p "
        f"JOIN ({headline_starts(ref.headline.id)}) t ON t.family_id = p.family_id "
        "JOIN ev_records r ON r.family_id = p.family_id AND r.person_id = p.person_id "
        "LEFT JOIN att_benefit b ON b.family_id = p.family_id AND b.person_id = p.person_id "
        f"WHERE r.fact = {lit(t.fact or '')} AND r.start_date >= t.attached_on AND r.start_date <= {sql_date(e)} "
        f"AND (r.end_date IS NULL OR r.end_date >= {sql_date(e)}) "
        + (f"AND r.kind IN {in_list(t.kinds)} " if t.kinds else "") + "GROUP BY p.family_id) "
        "SELECT f.family_id, d.family_id IS NOT NULL AS ok, "
        f"CASE WHEN d.family_id IS NULL THEN 'no lasting {t.fact} spell' ELSE 'a lasting {t.fact} spell' END "
        "AS detail, CAST(o.clear_on AS DATE) AS clear_on FROM fams f LEFT JOIN done d ON d.family_id = f.family_id "
        "LEFT JOIN ongoing o ON o.family_id = f.family_id"
    )


def started_in_window_sql(test: MeasureTest, e: date, families: str) -> str:
    """Families where a member in the test's age group at e started a spell of its kinds in the window."""
    return (
        f"WITH fams AS ({families}), "
        f"hits AS (SELECT DISTINCT family_id FROM ev_records WHERE {_facts_filter(test, e)} "
        f"AND {_group(test.who, e)}) "
        "SELECT f.family_id, h.family_id IS NOT NULL AS ok, "
        f"CASE WHEN h.family_id IS NULL THEN 'no {test.fact} start' ELSE 'a {test.fact} start' END AS detail, "
        "CAST(NULL AS DATE) AS clear_on FROM fams f LEFT JOIN hits h ON h.family_id = f.family_id"
    )


def _attestation(ref: TestRef, e: date) -> str:
    return (
        f"WITH fams AS ({_fams(ref)}), "
        f"done AS (SELECT DISTINCT family_id FROM attested WHERE headline = {lit(ref.headline.id)} "
        f"AND indicator IN {in_list(ref.measure.lines)}) "
        "SELECT f.family_id, d.family_id IS NOT NULL AS ok, "
        "CASE WHEN d.family_id IS NULL THEN 'no attestation' ELSE 'attested by the lead professional' END "
        "AS detail, CAST(NULL AS DATE) AS clear_on FROM fams f LEFT JOIN done d ON d.family_id = f.family_id"
    )


def _assessed_attestation(ref: TestRef, e: date) -> str:
    """An assessed row applies to the families it was assessed for; the latest attestation dated by e decides
    (met, and for a scored tool a later score better than the one at assessment). With no attestation yet the
    row awaits one (`awaiting`); the wait from the assessment date is `progress._measure_status`'s."""
    t = ref.test
    better = ""
    if t.tool:
        op = ">" if t.better == "higher" else "<"
        better = f" AND s.score IS NOT NULL AND f.score IS NOT NULL AND s.score {op} f.score"
    return (
        f"WITH fams AS (SELECT family_id, score FROM assessed_rows WHERE headline = {lit(ref.headline.id)} "
        f"AND measure = {lit(ref.measure.id)}), "
        "said AS (SELECT family_id, met, score FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY family_id "
        f"ORDER BY attested_on DESC, seq DESC) AS n FROM row_said WHERE measure = {lit(ref.measure.id)} "
        f"AND attested_on <= {sql_date(e)}) WHERE n = 1) "
        f"SELECT f.family_id, COALESCE(s.met{better}, FALSE) AS ok, "
        "CASE WHEN s.family_id IS NULL THEN 'no attestation' WHEN s.met THEN 'attested met' "
        "ELSE 'attested not met' END"
        + (f" || {lit(', ' + t.tool + ' ')} || COALESCE(CAST(f.score AS VARCHAR), '?') || ' at assessment, ' "
           "|| COALESCE(CAST(s.score AS VARCHAR), 'none') || ' later'" if t.tool else "")
        + " AS detail, CAST(NULL AS DATE) AS clear_on, s.family_id IS NULL AS awaiting "
        "FROM fams f LEFT JOIN said s ON s.family_id = f.family_id"
    )


_BUILDERS = {
    MeasureKind.REDUCTION: _reduction,
    MeasureKind.FEWER: _fewer,
    MeasureKind.NONE_IN_WINDOW: _none_in_window,
    MeasureKind.BELOW_THRESHOLD: _below_threshold,
    MeasureKind.LATEST_KIND: _latest_kind,
    MeasureKind.SPELL_LASTED: _spell_lasted,
    MeasureKind.STARTED_IN_WINDOW: lambda ref, e: started_in_window_sql(ref.test, e, _fams(ref)),
    MeasureKind.ATTESTATION: _attestation,
    MeasureKind.ASSESSED_ATTESTATION: _assessed_attestation,
}


def test_sql(ref: TestRef, e: date) -> str:
    """One row per family the measure applies to: family_id, headline, measure, test_no, alternative, ok,
    detail, clear_on."""
    inner = _BUILDERS[ref.test.kind](ref, e)
    # an attestation test waits for one while it is not met; an assessed row only until one is recorded
    awaiting = "awaiting" if ref.test.kind is MeasureKind.ASSESSED_ATTESTATION else \
        str(ref.test.kind is MeasureKind.ATTESTATION).upper()
    return (
        f"SELECT family_id, {lit(ref.headline.id)} AS headline, {lit(ref.measure.id)} AS measure, "
        f"{ref.test_no} AS test_no, {str(ref.alternative).upper()} AS alternative, "
        f"{awaiting} AS attestation, ok, detail, clear_on "
        f"FROM ({inner})"
    )
