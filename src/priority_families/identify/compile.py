"""Compile an Outcomes Plan into SQL over the store, in DuckDB's dialect, transpilable to Spark.

Every indicator becomes one SELECT over the members' records: filter by fact, kinds, the member's age
group and the window (all as literal dates computed from as_of), then aggregate per person or per
family into a value compared with the plan's threshold. Values are kept, not only booleans, so `pf why`
can say "absence 14.2% against 15%". Eligibility and the priority score are one more SELECT.

Tables (names take an optional prefix so `pf whatif` can build temporary copies beside the published ones):
  member_records    every record of every family member, with the member's dob
  indicator_records the records each indicator looks at, with the per-record value
  indicator_values  one row per (family, indicator, person or family): value, threshold, met
  indicator_hits    the records that made an indicator true (the evidence)
  cohort            one row per family: eligible, headlines, headline_count, priority, members, area (postcode
                    district) and, from the geography lookup when the store holds one, ward_code, ward,
                    district and locality
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from priority_families.core.calendar import last_terms, shift_months, sql_date, years_before
from priority_families.core.engine import transpile
from priority_families.core.sql import sql_str
from priority_families.ingest.schema import FACT_KINDS
from priority_families.plans.schema import (
    Aggregate,
    Comparison,
    EligibilityKind,
    Headline,
    Indicator,
    Plan,
    Scope,
    Who,
    WindowKind,
)

TABLES = ("member_records", "indicator_records", "indicator_values", "indicator_hits", "cohort")


@dataclass(frozen=True)
class Statement:
    """One table the run creates: `CREATE TABLE <table> AS <sql>`."""

    table: str
    sql: str


_lit = sql_str


def _in_list(values: list[str]) -> str:
    return "(" + ", ".join(_lit(v) for v in values) + ")"


def who_condition(who: Who, as_of: date) -> str:
    """Age group at as_of as dob bounds: a person is N or older when born on or before as_of - N years.

    Public because results measures (outcomes) take ages at the evaluation date the same way.
    """
    def older(n: int) -> str:
        return f"dob <= {sql_date(years_before(as_of, n))}"

    def younger(n: int) -> str:  # age < n
        return f"dob > {sql_date(years_before(as_of, n))}"

    match who:
        case Who.ANY_MEMBER:
            return "TRUE"
        case Who.CHILD:
            return f"({younger(18)} AND dob <= {sql_date(as_of)})"
        case Who.SCHOOL_AGE_CHILD:
            return f"({older(5)} AND {younger(16)})"
        case Who.ADULT:
            return older(18)
        case Who.YOUNG_PERSON:
            return f"({older(16)} AND {younger(25)})"




def school_years_condition(years: list[int] | None, as_of: date) -> str:
    """Members in school years [first, last] at as_of: year N of the school year starting 1 September Y holds
    those born from 1 September Y - N - 5 to 31 August Y - N - 4 (Reception, N = 0, turns 5 during it)."""
    if years is None:
        return "TRUE"
    first, last = years
    y = as_of.year if as_of.month >= 9 else as_of.year - 1
    return f"(dob >= {sql_date(date(y - last - 5, 9, 1))} AND dob <= {sql_date(date(y - first - 4, 8, 31))})"


def _dated_column(ind: Indicator) -> str:
    columns = FACT_KINDS[ind.fact].column_names
    return '"date"' if "date" in columns else "start_date"


def _open_at(d: date) -> str:
    return f"(start_date <= {sql_date(d)} AND (end_date IS NULL OR end_date >= {sql_date(d)}))"


def _window(ind: Indicator, as_of: date) -> str:
    w = ind.window
    match w.kind:
        case WindowKind.MONTHS_BACK:
            col = _dated_column(ind)
            start = shift_months(as_of, -(w.months or 0))
            return f"({col} > {sql_date(start)} AND {col} <= {sql_date(as_of)})"
        case WindowKind.OPEN_AT_AS_OF:
            return _open_at(as_of)
        case WindowKind.OPEN_OR_STARTING:
            start = shift_months(as_of, -(w.months or 0))
            started = f"(start_date > {sql_date(start)} AND start_date <= {sql_date(as_of)})"
            return f"({_open_at(as_of)} OR {started})"
        case WindowKind.LAST_TERMS:
            terms = last_terms(as_of, w.terms or 0)
            if "term" in FACT_KINDS[ind.fact].column_names:
                return "term_start IN (" + ", ".join(sql_date(t.start) for t in terms) + ")"
            col = _dated_column(ind)
            return "(" + " OR ".join(
                f"({col} >= {sql_date(t.start)} AND {col} <= {sql_date(t.end)})" for t in terms
            ) + ")"


def _record_value(ind: Indicator, as_of: date) -> tuple[str, str, str]:
    """(numerator, denominator, per-record text value) for one record of the indicator's fact."""
    match ind.aggregate:
        case Aggregate.SHARE_OF_SESSIONS:
            num = " + ".join(f"COALESCE({c}, 0)" for c in ind.numerator or [])
            den = "COALESCE(possible_sessions, 0)"
            text = f"term || ' ' || CAST({num} AS VARCHAR) || '/' || CAST({den} AS VARCHAR)"
            return f"({num})", den, text
        case Aggregate.SUM:
            return f"COALESCE({ind.column}, 0)", "1", f"CAST(COALESCE({ind.column}, 0) AS VARCHAR)"
        case Aggregate.DAYS_UNTIL:
            days = f"DATE_DIFF('day', {sql_date(as_of)}, {ind.column})"
            return days, "1", f"CAST({ind.column} AS VARCHAR)"
        case _:
            columns = FACT_KINDS[ind.fact].column_names
            text = "kind" if "kind" in columns else ("CAST(gravity AS VARCHAR)" if "gravity" in columns else "NULL")
            return "1", "1", f"COALESCE({text}, '')" if text != "NULL" else "CAST(NULL AS VARCHAR)"


def _qualifies(ind: Indicator, as_of: date) -> str:
    """Per-record test for aggregates decided by a record's own value (release date, latest kind)."""
    if ind.aggregate is Aggregate.DAYS_UNTIL:
        horizon = shift_months(as_of, ind.within_months or 0)
        return f"({ind.column} >= {sql_date(as_of)} AND {ind.column} <= {sql_date(horizon)})"
    if ind.aggregate is Aggregate.LATEST:
        return f"kind IN {_in_list(ind.latest_kinds or [])}"
    return "TRUE"


def indicator_records_sql(headline: Headline, ind: Indicator, as_of: date, prefix: str = "") -> str:
    """The records one indicator looks at, each with its value and whether it can be evidence."""
    num, den, text = _record_value(ind, as_of)
    where = [f"fact = {_lit(ind.fact)}", who_condition(ind.who, as_of), school_years_condition(ind.school_years, as_of),
             _window(ind, as_of)]
    if ind.kinds:
        where.append(f"kind IN {_in_list(ind.kinds)}")
    group = "family_id" if ind.scope is Scope.FAMILY else "family_id, person_id"
    latest = f"MAX(fact_date) OVER (PARTITION BY {group})" if ind.aggregate is Aggregate.LATEST else "NULL"
    return (
        f"SELECT family_id, person_id, {_lit(headline.id)} AS headline, {_lit(ind.id)} AS indicator, "
        f"record_key, source, record_id, fact_date, CAST({text} AS VARCHAR) AS record_value, "
        f"CAST({num} AS DOUBLE) AS num, CAST({den} AS DOUBLE) AS den, {_qualifies(ind, as_of)} AS qualifies, "
        f"CAST({latest} AS DATE) AS latest_date "
        f"FROM {prefix}member_records WHERE " + " AND ".join(where)
    )


def _compare(left: str, op: Comparison, right: str) -> str:
    return f"({left} {op.value} {right})"


def _fraction(x: float) -> Fraction:
    return Fraction(str(x))


def indicator_values_sql(headline: Headline, ind: Indicator, prefix: str = "") -> str:
    """One row per person (or family) the indicator looked at: its value, the threshold and whether it is met."""
    person = "person_id" if ind.scope is Scope.PERSON else "CAST(NULL AS VARCHAR)"
    group = "family_id, person_id" if ind.scope is Scope.PERSON else "family_id"
    thr = _fraction(ind.threshold)
    text = "CAST(NULL AS VARCHAR)"
    match ind.aggregate:
        case Aggregate.SHARE_OF_SESSIONS:
            value = "SUM(num) / NULLIF(SUM(den), 0)"
            # exact: absent * q <op> p * possible, never met without possible sessions
            met = f"(SUM(den) > 0 AND {_compare(f'SUM(num) * {thr.denominator}', ind.comparison, f'{thr.numerator} * SUM(den)')})"
            text = "CAST(CAST(SUM(num) AS BIGINT) AS VARCHAR) || '/' || CAST(CAST(SUM(den) AS BIGINT) AS VARCHAR)"
        case Aggregate.SUM:
            value = "SUM(num)"
            met = _compare("SUM(num)", ind.comparison, repr(float(thr)))
        case Aggregate.LATEST:
            value = "MAX(CASE WHEN fact_date = latest_date AND qualifies THEN 1 ELSE 0 END)"
            met = f"({value} = 1)"
            text = ("COALESCE(MAX(CASE WHEN fact_date = latest_date AND qualifies THEN record_value END), "
                    "MAX(CASE WHEN fact_date = latest_date THEN record_value END))")
        case Aggregate.DAYS_UNTIL:
            value = "MIN(CASE WHEN num >= 0 THEN num END)"
            met = "(MAX(CASE WHEN qualifies THEN 1 ELSE 0 END) = 1)"
            text = "MIN(CASE WHEN num >= 0 THEN record_value END)"
        case _:
            value = "COUNT(*)"
            met = _compare("COUNT(*)", ind.comparison, repr(float(thr)))
    return (
        f"SELECT family_id, {person} AS person_id, {_lit(headline.id)} AS headline, {_lit(ind.id)} AS indicator, "
        f"CAST({value} AS DOUBLE) AS value, CAST({text} AS VARCHAR) AS value_text, "
        f"CAST({float(ind.threshold)!r} AS DOUBLE) AS threshold, {_lit(ind.comparison.value)} AS comparison, "
        f"{met} AS met, COUNT(*) AS records "
        f"FROM {prefix}indicator_records WHERE headline = {_lit(headline.id)} AND indicator = {_lit(ind.id)} "
        f"GROUP BY {group}"
    )


def member_records_sql(plan: Plan) -> str:
    facts = sorted({i.fact for _, i in plan.indicators()})
    return (
        "SELECT fm.family_id, fm.person_id, p.dob, r.record_key, r.fact, r.source, r.record_id, r.kind, "
        'r."date", r.start_date, r.end_date, r.release_date, r.term, r.term_start, r.term_end, '
        "r.possible_sessions, r.authorised_absence, r.unauthorised_absence, r.sessions, r.gravity, "
        'COALESCE(r."date", r.start_date, r.term_start) AS fact_date '
        "FROM family_members fm JOIN persons p ON p.person_id = fm.person_id "
        "JOIN record_person rp ON rp.person_id = fm.person_id "
        "JOIN records r ON r.record_key = rp.record_key "
        f"WHERE r.fact IN {_in_list(facts)}"
    )


def indicator_hits_sql(plan: Plan, prefix: str = "") -> str:
    """Evidence: the records of every met (family, person) indicator value."""
    by_scope = {(h.id, i.id): i for h, i in plan.indicators()}
    family_scoped = [f"({_lit(h)}, {_lit(i)})" for (h, i), ind in by_scope.items() if ind.scope is Scope.FAMILY]
    family_test = (
        f"(r.headline, r.indicator) IN ({', '.join(family_scoped)})" if family_scoped else "FALSE"
    )
    evidence = (
        "CASE WHEN r.latest_date IS NOT NULL THEN r.qualifies AND r.fact_date = r.latest_date "
        "ELSE r.qualifies END"
    )
    return (
        "SELECT r.family_id, r.headline, r.indicator, r.person_id, r.record_key, r.record_value AS value, "
        "r.source, r.record_id, r.fact_date "
        f"FROM {prefix}indicator_records r JOIN {prefix}indicator_values v "
        "ON v.family_id = r.family_id AND v.headline = r.headline AND v.indicator = r.indicator "
        f"AND (v.person_id = r.person_id OR ({family_test} AND v.person_id IS NULL)) "
        f"WHERE v.met AND {evidence}"
    )


def _eligible(plan: Plan, flag: dict[str, str]) -> str:
    rule = plan.eligibility
    if rule.kind is EligibilityKind.AT_LEAST:
        return f"(headline_count >= {rule.at_least})"
    core = " + ".join(flag[h] for h in rule.core or [])
    return f"(({core}) = {len(rule.core or [])} OR (({core}) >= {rule.n} AND {flag[rule.plus or '']} = 1))"


# The places of a family: its ward, district and locality from the geography lookup (by the smallest postcode
# of its members, the postcode its area is taken from), or NULLs when the store holds no lookup.
PLACES_FROM_LOOKUP = (
    "LEFT JOIN geography_postcodes gp ON gp.postcode = a.postcode "
    "LEFT JOIN geography_wards gw ON gw.ward_code = gp.ward_code"
)
PLACES = ("gw.ward_code", "gw.ward", "gw.district", "gw.locality")


def cohort_sql(plan: Plan, prefix: str = "", geography: bool = False) -> str:
    """One row per family: eligibility, headlines met, a transparent priority score and the area (its
    postcode district), with its ward, district and locality when the store holds a geography lookup
    (`priority_families.geography`; NULLs without one, and the tracker then groups by postcode district)."""
    ids = [h.id for h in plan.headlines]
    flag = {h: f"COALESCE(m.h_{h}, 0)" for h in ids}
    weights = ", ".join(
        f"({_lit(h.id)}, {_lit(i.id)}, CAST({i.weight!r} AS DOUBLE), CAST({i.unit_cost!r} AS DOUBLE))"
        for h, i in plan.indicators()
    )
    pivots = ", ".join(f"MAX(CASE WHEN x.headline = {_lit(h)} THEN 1 ELSE 0 END) AS h_{h}" for h in ids)
    count = " + ".join(flag.values())
    names = ", ".join(f"CASE WHEN {flag[h]} = 1 THEN {_lit(h)} END" for h in sorted(ids))
    pr = plan.priority
    names_out = ("ward_code", "ward", "district", "locality")
    columns = PLACES if geography else ("CAST(NULL AS VARCHAR)",) * len(names_out)
    places = ", ".join(f"{c} AS {n}" for c, n in zip(columns, names_out, strict=True))
    joins = PLACES_FROM_LOOKUP if geography else ""
    inner = (
        f"WITH plan_indicators AS (SELECT * FROM (VALUES {weights}) AS t(headline, indicator, weight, unit_cost)), "
        f"met AS (SELECT family_id, headline, indicator, COUNT(*) AS rows_met FROM {prefix}indicator_values "
        "WHERE met GROUP BY family_id, headline, indicator), "
        "scored AS (SELECT x.family_id, SUM(pi.weight) AS weights, SUM(pi.unit_cost * x.rows_met) AS cost, "
        f"{pivots} FROM met x JOIN plan_indicators pi ON pi.headline = x.headline AND pi.indicator = x.indicator "
        "GROUP BY x.family_id), "
        "areas AS (SELECT fm.family_id, MIN(SPLIT_PART(p.postcode_std, ' ', 1)) AS area, "
        "MIN(p.postcode_std) AS postcode "
        "FROM family_members fm JOIN persons p ON p.person_id = fm.person_id GROUP BY fm.family_id), "
        f"counted AS (SELECT f.family_id, f.members, a.area, {places}, {count} AS headline_count, "
        f"CONCAT_WS(';', {names}) AS headlines, COALESCE(m.weights, 0) AS weights, COALESCE(m.cost, 0) AS cost, "
        + ", ".join(f"{flag[h]} AS h_{h}" for h in ids)
        + " FROM families f LEFT JOIN scored m ON m.family_id = f.family_id "
        f"LEFT JOIN areas a ON a.family_id = f.family_id {joins}) "
    )
    flag_out = {h: f"h_{h}" for h in ids}
    eligible = _eligible(plan, flag_out)
    return (
        inner
        + f"SELECT family_id, {eligible} AS eligible, headlines, headline_count, "
        f"ROUND({pr.headline_points!r} * headline_count + weights + cost / {pr.cost_per_point!r}, 2) AS priority, "
        "members, area, ward_code, ward, district, locality, cost AS estimated_cost FROM counted "
        "ORDER BY priority DESC, family_id"
    )


def compile_plan(plan: Plan, as_of: date, prefix: str = "", geography: bool = False) -> list[Statement]:
    """The ordered statements that identify families under `plan` at `as_of` (placing each family in its
    ward, district and locality when `geography`: the store holds a lookup)."""
    pairs = plan.indicators()
    records = " UNION ALL ".join(indicator_records_sql(h, i, as_of, prefix) for h, i in pairs)
    values = " UNION ALL ".join(indicator_values_sql(h, i, prefix) for h, i in pairs)
    return [
        Statement(f"{prefix}member_records", member_records_sql(plan)),
        Statement(f"{prefix}indicator_records", records),
        Statement(f"{prefix}indicator_values", values),
        Statement(f"{prefix}indicator_hits", indicator_hits_sql(plan, prefix)),
        Statement(f"{prefix}cohort", cohort_sql(plan, prefix, geography)),
    ]


def in_dialect(statements: list[Statement], dialect: str) -> list[Statement]:
    """The same statements in another engine's dialect, through the engine seam."""
    return [Statement(s.table, transpile(s.sql, dialect)) for s in statements]
