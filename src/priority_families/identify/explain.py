"""`pf why` and `pf whatif`: read the published identification back, or re-run it under other parameters.

`why` answers a caseworker's question about one family from the stored indicator values: each indicator
met with the records behind it, and each indicator missed with its value against the threshold, closest
first (absence 14.2% against 15%). `whatif` re-runs the compiled plan as temporary tables on the
published store (which it never changes) and compares the cohorts: families gained and lost, by headline
and by area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

from priority_families.identify.run import current_refresh, identify_families
from priority_families.plans.loader import plan_from_text
from priority_families.plans.parameters import set_parameter
from priority_families.plans.schema import Aggregate, Plan


class ExplainError(LookupError):
    """The family or run asked about is not in the store."""


@dataclass(frozen=True)
class Evidence:
    person_id: str | None
    source: str
    record_id: str
    date: date | None
    value: str | None


@dataclass(frozen=True)
class IndicatorResult:
    headline: str
    indicator: str
    label: str
    person_id: str | None
    value: float | None
    value_text: str | None
    threshold: float
    comparison: str
    met: bool
    aggregate: str
    evidence: list[Evidence] = field(default_factory=list)

    def shown(self) -> str:
        """The value as a person reads it: a share as a percentage, days, or a count."""
        if self.value is None:
            return self.value_text or "-"
        if self.aggregate == Aggregate.SHARE_OF_SESSIONS:
            return f"{self.value:.1%} ({self.value_text} sessions) against {self.comparison} {self.threshold:.1%}"
        if self.aggregate == Aggregate.DAYS_UNTIL:
            return f"{self.value:.0f} days until {self.value_text}"
        if self.aggregate == Aggregate.LATEST:
            return f"latest: {self.value_text}"
        return f"{self.value:g} against {self.comparison} {self.threshold:g}"


@dataclass(frozen=True)
class FamilyExplanation:
    family_id: str
    plan_id: str
    as_of: date
    eligible: bool
    headlines: list[str]
    rule: str
    members: int
    met: list[IndicatorResult]
    missed: list[IndicatorResult]
    unknown_ages: list[str] = field(default_factory=list)  # members with no date of birth on any record


def stored_run(con: duckdb.DuckDBPyConnection) -> tuple[Plan, date]:
    """The plan and as_of of the published identification run, refusing one left from an older refresh.

    A later `pf ingest` or `pf link` publishes new records but carries the old cohort over; explaining
    a family from it would explain a cohort that no longer matches the store.
    """
    try:
        rows = con.execute("SELECT plan_yaml, as_of, refresh_id FROM identify_run").fetchall()
    except duckdb.CatalogException as exc:
        raise ExplainError("the store has no identification run: run `pf identify` first") from exc
    text, as_of, refresh_id = rows[0]
    now = current_refresh(con)
    if refresh_id != now:
        raise ExplainError(f"the published cohort is from refresh {refresh_id} but the store now holds refresh "
                           f"{now}: run `pf identify` again")
    return plan_from_text(text, "<identify_run>"), as_of


def rule_text(plan: Plan) -> str:
    rule = plan.eligibility
    if rule.at_least is not None and rule.kind.value == "at_least":
        return f"at least {rule.at_least} headlines"
    return f"all of {', '.join(rule.core or [])}; or {rule.n} of them and {rule.plus}"


def _closeness(r: IndicatorResult) -> float:
    if r.value is None or r.threshold == 0 or r.aggregate in (Aggregate.LATEST, Aggregate.DAYS_UNTIL):
        return 0.0
    ratio = r.value / r.threshold
    return ratio if r.comparison in (">=", ">") else (1 / ratio if ratio else 0.0)


def explain_family(con: duckdb.DuckDBPyConnection, family_id: str) -> FamilyExplanation:
    """Why a family is or is not eligible, from the published store."""
    plan, as_of = stored_run(con)
    rows = con.execute(
        "SELECT eligible, headlines, members FROM cohort WHERE family_id = ?", [family_id]
    ).fetchall()
    if not rows:
        raise ExplainError(f"no family {family_id!r} in the published cohort")
    eligible, headlines, members = rows[0]
    indicators = {(h.id, i.id): i for h, i in plan.indicators()}
    values = con.execute(
        "SELECT headline, indicator, person_id, value, value_text, threshold, comparison, met "
        "FROM indicator_values WHERE family_id = ? ORDER BY headline, indicator, person_id", [family_id]
    ).fetchall()
    hits = con.execute(
        "SELECT headline, indicator, person_id, source, record_id, fact_date, value FROM indicator_hits "
        "WHERE family_id = ? ORDER BY fact_date, source, record_id", [family_id]
    ).fetchall()
    results = []
    for h, i, pid, value, text, thr, comp, met in values:
        ind = indicators[(h, i)]
        ev = [Evidence(p, s, r, d, v) for hh, ii, p, s, r, d, v in hits
              if hh == h and ii == i and (pid is None or p == pid)]
        results.append(IndicatorResult(h, i, ind.label, pid, value, text, thr, comp, bool(met),
                                       ind.aggregate.value, ev if met else []))
    missed = sorted((r for r in results if not r.met), key=_closeness, reverse=True)
    unknown = [r[0] for r in con.execute(
        "SELECT fm.person_id FROM family_members fm JOIN persons p ON p.person_id = fm.person_id "
        "WHERE fm.family_id = ? AND p.dob IS NULL ORDER BY fm.person_id", [family_id]).fetchall()]
    return FamilyExplanation(family_id, plan.id, as_of, bool(eligible), [x for x in (headlines or "").split(";") if x],
                             rule_text(plan), int(members or 0), [r for r in results if r.met], missed, unknown)


@dataclass(frozen=True)
class Change:
    key: str
    before: int
    after: int
    gained: int
    lost: int


@dataclass(frozen=True)
class WhatIf:
    plan_id: str
    settings: list[str]
    as_of: date
    eligible_before: int
    eligible_after: int
    gained: list[str]
    lost: list[str]
    by_headline: list[Change]
    by_area: list[Change]


def _changes(con: duckdb.DuckDBPyConnection, sql_key: str, source: str) -> list[Change]:
    """Counts before/after and gained/lost per key, comparing wb_ (baseline) and wv_ (variant) tables."""
    rows = con.execute(
        f"WITH b AS ({source.format(p='wb_')}), v AS ({source.format(p='wv_')}) "
        f"SELECT COALESCE(b.{sql_key}, v.{sql_key}) AS k, COUNT(b.family_id), COUNT(v.family_id), "
        "COUNT(*) FILTER (WHERE b.family_id IS NULL), COUNT(*) FILTER (WHERE v.family_id IS NULL) "
        f"FROM b FULL OUTER JOIN v ON b.family_id = v.family_id AND b.{sql_key} = v.{sql_key} "
        "GROUP BY k ORDER BY k"
    ).fetchall()
    return [Change(str(k), b, v, g, lost) for k, b, v, g, lost in rows]


def what_if(con: duckdb.DuckDBPyConnection, plan: Plan, settings: list[str], as_of: date | None = None) -> WhatIf:
    """Re-run `plan` with `settings` (PATH=VALUE) on the published store and compare eligible families."""
    if as_of is None:
        _, as_of = stored_run(con)
    variant = plan
    for setting in settings:
        path, sep, value = setting.partition("=")
        if not sep:
            raise ValueError(f"--set {setting!r}: expected PATH=VALUE, e.g. education.absence_threshold=0.10")
        variant = set_parameter(variant, path.strip(), value.strip())
    identify_families(con, plan, as_of, prefix="wb_", temporary=True)
    identify_families(con, variant, as_of, prefix="wv_", temporary=True)
    flips = con.execute(
        "SELECT b.family_id, b.eligible, v.eligible FROM wb_cohort b JOIN wv_cohort v USING (family_id) "
        "WHERE b.eligible <> v.eligible ORDER BY b.family_id"
    ).fetchall()
    before, after = con.execute(
        "SELECT (SELECT COUNT(*) FROM wb_cohort WHERE eligible), (SELECT COUNT(*) FROM wv_cohort WHERE eligible)"
    ).fetchall()[0]
    eligible_headlines = (
        "SELECT DISTINCT c.family_id, v.headline FROM {p}cohort c JOIN {p}indicator_values v "
        "ON v.family_id = c.family_id WHERE c.eligible AND v.met"
    )
    eligible_areas = "SELECT family_id, COALESCE(area, '(unknown)') AS area FROM {p}cohort WHERE eligible"
    return WhatIf(
        plan.id, settings, as_of, before, after,
        [f for f, b, v in flips if v and not b], [f for f, b, v in flips if b and not v],
        _changes(con, "headline", eligible_headlines), _changes(con, "area", eligible_areas),
    )
