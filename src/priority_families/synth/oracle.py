"""The rules oracle: an independent, plain-Python reading of `shared/spec/rules.md`, used as ground truth.

The product compiles Outcomes Plans to SQL; this module is the reference it is tested against, so it is
written straight from the prose of rules.md, one family at a time, and shares no code with the plan
engine. It reads only the noise-free view (`TruePerson`, `CleanFact`); facts naming a person who is not
in `members` are ignored.

Exact readings of the points rules.md leaves open (the shipped plan YAML must follow the same ones):

Dates and windows
- Window "(d - N months, d]": `d - N months` is calendar arithmetic with the day clamped to the month end
  (2015-08-31 - 6 months = 2015-02-28); a date x is in the window when `d - N months < x <= d`.
  "In the last 12 months" always means this window ending at `as_of`.
- "Within 12 months after as_of" (custody release): `as_of <= release_date <= as_of + 12 months`. A
  release exactly 12 months after `as_of` is in; a blank release date is not.
- A spell is open at d when `start_date <= d` and (`end_date` blank or `end_date >= d`); so a spell
  ending on d is open at d. A spell "starting in" a window has its `start_date` in that window.
- Age at d = whole years; a birthday on d counts (18 on their 18th birthday). Someone born on 29 February
  has their birthday on 1 March in non-leap years. A person with no date of birth is in no age group.
- Age groups are taken at `as_of` for eligibility and at `e` for results: child < 18, school-age 5..15,
  adult >= 18, young person 16..24.

School terms
- Terms: `Y-autumn` = 1 Sep-31 Dec Y, `Y-spring` = 1 Jan-31 Mar Y, `Y-summer` = 1 Apr-31 Jul Y.
  The last 3 terms before d are the 3 most recent whose END date is on or before d (a term still running
  at d is not one of them).
- Absence share for one child = (sum over attendance records whose `term` is one of those 3 labels of the
  absence) / (sum of their `possible_sessions`); several records for one term are all summed; a blank
  count counts as 0. national-2012 uses unauthorised absence; the Phase 2 plans use overall absence
  (authorised + unauthorised). The line holds when share >= threshold (exact fractions, no rounding:
  15% is met, 14.9% is not). When the possible sessions sum to 0 (or there are no records) the share is
  undefined: the absence line does NOT hold, and in results the absence condition counts as met.
- An exclusion is "in the last 3 terms" when its `date` falls within the date range (start..end
  inclusive) of one of those 3 terms; exclusions in the summer holiday or in a term still running at d
  are not counted. Fixed exclusions are counted per child (>= 3 for the line).
- Every education line (absence, fixed exclusions, permanent exclusion, alternative_provision /
  not_registered spell) is about a school-age child, in every plan.

Indicator lines (the ids this module reports; `indicator_lines`)
- national-2012: crime_asb/child_offence, crime_asb/asb_intervention, education/permanent_exclusion,
  education/fixed_exclusions, education/unauthorised_absence, education/education_status,
  work/out_of_work_benefit, local/domestic_abuse (incident or MARAC), local/social_care, local/health.
- nottinghamshire-2015 and warwickshire-2015: crime_asb/offence, crime_asb/justice (licence, community
  order or suspended sentence open at as_of, or custody open at as_of with release within 12 months),
  crime_asb/asb (intervention starting or incident), education/absence, education/fixed_exclusions,
  education/permanent_exclusion, education/education_status, children_need_help/social_care,
  children_need_help/missing, children_need_help/exploitation, worklessness/out_of_work_benefit,
  worklessness/neet_risk, worklessness/financial_exclusion, domestic_abuse/incident, domestic_abuse/marac,
  health/health_record (any kind), health/ae_attendance.
- NEET: a young person's latest `neet.csv` record within the last 12 months decides; when several records
  share that latest date the worst wins (at risk if any of them is neet/roni_red/roni_amber).

Results (`evaluate_results`, attachment date a, evaluation date e)
- The lines and headlines "at a" are those `indicator_lines` finds with `as_of = a`, on the same members
  and facts. Measures are evaluated only for lines true at a.
- Person-bound measures ("that adult", "that young person", "that child") must hold for EVERY person
  for whom the line was true at a. Family-bound measures count across all members, whatever their age.
  Exception: worklessness/out_of_work_benefit is met when continuous employment holds for the family or
  ANY adult whose benefit made the line true has the qualifying work_progress spell (the seed's "an adult
  within the family").
- Ratio thresholds are exact fractions: "at least X% fewer" = after <= (1 - X) * before; "at most P% of
  Q" = after <= P * Q. A measure whose baseline count is 0 is met only when the count after is 0.
  "Fewer than ..., or none where there were none then" = after < before, or after = 0 = before.
- national-2012: nothing is met unless e >= a + 6 months. Children (for offences) and school-age
  children are those ages at e, for both the baseline and the progress windows. The education result
  holds vacuously when there is no school-age child at e. progress_to_work is a route only when the
  family met `work` at a. turned_around needs at least one of education/crime_asb at a.
- Phase 2: each measure needs e >= a + its sustained period: 6 months (offence, justice, asb,
  social_care), 4 months (missing, exploitation, neet_risk), 8 months (financial_exclusion,
  domestic_abuse incident and marac, health_record, ae_attendance); the education measure needs every
  one of the last 3 terms before e to end after a (no baseline term reused); out_of_work_benefit has no
  extra wait beyond the durations in its own rule. children_need_help/social_care: no member of the
  family has a child_in_need or child_protection episode open at e or starting in (e - 6 months, e].
  The NEET measure looks at that young person's latest record dated on or before e (ties: it is `eet`
  only if every record on that date is `eet`). The health_record measure is met only when
  ("health", "health_record") is in `attestations`; significant_sustained needs at least one headline at a.
- Durations: a spell "has lasted N weeks by e" when (min(end_date or e, e) - start_date) in days >= 7N;
  "lasted N months" when start_date + N months <= min(end_date or e, e).
- Continuous employment: an adult (age at e) with an out-of-work benefit spell open on some day of
  (a - 6 months, a] has an employment spell with a <= start <= e that has lasted 26 weeks (if ANY of their
  out-of-work benefit spells in that window is JSA) or 13 weeks (otherwise), with none of their
  out-of-work benefit spells open on any day of those weeks (start .. start + 7N - 1 days; a benefit
  ending on the job's first day is open that day and breaks it).

Warwickshire (seed 002, Appendix Three) differs from Nottinghamshire in exactly three places:
- education: absence threshold 15% instead of 10%, both for eligibility and for the education measure;
- crime_asb/offence measure: offences by the family in (e - 6 months, e] at most 67% of those in
  (a - 6 months, a] (a 33% reduction over 6 months against a 6-month baseline, not half of 12 months);
  the ASB measure (60% reduction = at most 40%, 6 months against 6 months) is the same as Nottinghamshire;
- worklessness/out_of_work_benefit work-progress alternative: the work_progress spell must have lasted
  26 weeks if that adult's out-of-work benefit spells open at a include JSA, else 13 weeks (instead of
  4 months). Continuous employment is unchanged.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from priority_families.synth.truth import CleanFact, FamilyVerdict, TruePerson

OUT_OF_WORK_BENEFITS = frozenset({"JSA", "ESA", "IB", "IS", "CA", "SDA", "UC_work_related"})
NEET_AT_RISK = frozenset({"neet", "roni_red", "roni_amber"})


class PlanId(StrEnum):
    NATIONAL_2012 = "national-2012"
    NOTTINGHAMSHIRE_2015 = "nottinghamshire-2015"
    WARWICKSHIRE_2015 = "warwickshire-2015"


class Route(StrEnum):
    """Ways a family's results can be claimed."""

    SIGNIFICANT_SUSTAINED = "significant_sustained"
    CONTINUOUS_EMPLOYMENT = "continuous_employment"
    TURNED_AROUND = "turned_around"
    PROGRESS_TO_WORK = "progress_to_work"


class AgeGroup(StrEnum):
    CHILD = "child"
    SCHOOL_AGE = "school_age_child"
    ADULT = "adult"
    YOUNG_PERSON = "young_person"


Line = tuple[str, str]  # (headline, indicator line)


# ---------------------------------------------------------------------------------------------- dates


@lru_cache(maxsize=65536)
def add_months(d: date, months: int) -> date:
    """Calendar month arithmetic, day clamped to the month end (2015-08-31 - 6 months = 2015-02-28).

    Cached: the oracle runs once per family for every family of a county, always around a few dates.
    """
    total = d.year * 12 + (d.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def in_window(x: date | None, d: date, months: int) -> bool:
    """x in (d - N months, d]."""
    return x is not None and add_months(d, -months) < x <= d


def spell_open(start: date | None, end: date | None, d: date) -> bool:
    """Open at d: started on or before d and not ended before d (ending on d is still open)."""
    return start is not None and start <= d and (end is None or end >= d)


def age_at(dob: date | None, d: date) -> int | None:
    """Whole years at d; a birthday on d counts; 29 February birthdays fall on 1 March in other years."""
    if dob is None:
        return None
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


def in_age_group(dob: date | None, d: date, group: AgeGroup) -> bool:
    age = age_at(dob, d)
    if age is None:
        return False
    match group:
        case AgeGroup.CHILD:
            return age < 18
        case AgeGroup.SCHOOL_AGE:
            return 5 <= age <= 15
        case AgeGroup.ADULT:
            return age >= 18
        case AgeGroup.YOUNG_PERSON:
            return 16 <= age <= 24


def lasted_weeks(start: date, end: date | None, e: date, weeks: int) -> bool:
    """The spell has lasted at least `weeks` weeks by e (to its end, or to e if still open)."""
    stop = e if end is None else min(end, e)
    return (stop - start).days >= 7 * weeks


def lasted_months(start: date, end: date | None, e: date, months: int) -> bool:
    stop = e if end is None else min(end, e)
    return add_months(start, months) <= stop


# ---------------------------------------------------------------------------------------------- terms


@dataclass(frozen=True)
class Term:
    label: str
    start: date
    end: date


def term_of(year: int, season: str) -> Term:
    """A school term from its year and season (dates from extracts.md)."""
    match season:
        case "autumn":
            return Term(f"{year}-autumn", date(year, 9, 1), date(year, 12, 31))
        case "spring":
            return Term(f"{year}-spring", date(year, 1, 1), date(year, 3, 31))
        case "summer":
            return Term(f"{year}-summer", date(year, 4, 1), date(year, 7, 31))
    raise ValueError(f"unknown term season {season!r}")


@lru_cache(maxsize=4096)
def last_terms(d: date, n: int = 3) -> tuple[Term, ...]:
    """The n most recent terms whose end date is on or before d, most recent first."""
    found: list[Term] = []
    year = d.year
    while len(found) < n:
        for season in ("autumn", "summer", "spring"):
            term = term_of(year, season)
            if term.end <= d:
                found.append(term)
                if len(found) == n:
                    break
        year -= 1
    return tuple(found)


# ---------------------------------------------------------------------------------------------- family


class _Family:
    """The members and their facts, grouped once so each rule is a short, linear read."""

    def __init__(self, members: Iterable[TruePerson], facts: Iterable[CleanFact]) -> None:
        self.people = {m.person_id: m for m in members}
        self._by_person: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for f in facts:
            if f.person_id in self.people:
                self._by_person[(f.fact, f.person_id)].append(f.values)

    def who(self, group: AgeGroup | None, d: date) -> list[str]:
        """Member ids in an age group at d (None = any member), in a stable order."""
        return sorted(pid for pid, p in self.people.items() if group is None or in_age_group(p.dob, d, group))

    def rows(self, fact: str, pid: str) -> list[dict]:
        return self._by_person.get((fact, pid), [])

    def count_dated(
        self, fact: str, pid: str, d: date, months: int, kinds: frozenset[str] | None = None
    ) -> int:
        return sum(
            1
            for v in self.rows(fact, pid)
            if in_window(v.get("date"), d, months) and (kinds is None or v.get("kind") in kinds)
        )

    def family_count(self, fact: str, d: date, months: int, kinds: frozenset[str] | None = None) -> int:
        return sum(self.count_dated(fact, pid, d, months, kinds) for pid in self.people)

    def any_open(self, fact: str, pid: str, d: date, kinds: frozenset[str]) -> bool:
        return any(
            v.get("kind") in kinds and spell_open(v.get("start_date"), v.get("end_date"), d)
            for v in self.rows(fact, pid)
        )

    def any_started(
        self, fact: str, pid: str, d: date, months: int, kinds: frozenset[str] | None = None
    ) -> bool:
        return any(
            in_window(v.get("start_date"), d, months) and (kinds is None or v.get("kind") in kinds)
            for v in self.rows(fact, pid)
        )

    # -- education ----------------------------------------------------------------------------------

    def absence_share(self, pid: str, d: date, overall: bool) -> Fraction | None:
        """Absence over the last 3 terms before d as an exact fraction; None when no possible sessions."""
        labels = {t.label for t in last_terms(d)}
        absent = possible = 0
        for v in self.rows("school_attendance", pid):
            if v.get("term") in labels:
                possible += v.get("possible_sessions") or 0
                absent += v.get("unauthorised_absence") or 0
                if overall:
                    absent += v.get("authorised_absence") or 0
        return Fraction(absent, possible) if possible > 0 else None

    def exclusions(self, pid: str, d: date, kind: str) -> int:
        terms = last_terms(d)
        return sum(
            1
            for v in self.rows("exclusion", pid)
            if v.get("kind") == kind
            and v.get("date") is not None
            and any(t.start <= v["date"] <= t.end for t in terms)
        )


def _absence_at_least(share: Fraction | None, threshold: Fraction) -> bool:
    return share is not None and share >= threshold


# ---------------------------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class _Phase2:
    """The parameters where Warwickshire and Nottinghamshire differ (see module docstring)."""

    absence_threshold: Fraction
    offence_baseline_months: int  # 12 = compare with half the 12-month count; 6 = with the 6-month count
    work_progress_weeks: bool  # True: 26 weeks after JSA, else 13; False: 4 months


_PHASE2 = {
    PlanId.NOTTINGHAMSHIRE_2015: _Phase2(Fraction(10, 100), 12, False),
    PlanId.WARWICKSHIRE_2015: _Phase2(Fraction(15, 100), 6, True),
}
NATIONAL_ABSENCE = Fraction(15, 100)
NATIONAL_CRITERIA = ("crime_asb", "education", "work")
PHASE2_HEADLINES = (
    "crime_asb",
    "education",
    "children_need_help",
    "worklessness",
    "domestic_abuse",
    "health",
)

_AP = frozenset({"alternative_provision", "not_registered"})
_CIN_CP = frozenset({"child_in_need", "child_protection"})


def _plan(plan_id: str) -> PlanId:
    try:
        return PlanId(plan_id)
    except ValueError:
        raise ValueError(f"unknown plan {plan_id!r}: the oracle knows {', '.join(PlanId)}") from None


def _education_lines(
    fam: _Family, d: date, absence: Fraction, overall: bool, absence_line: str
) -> dict[Line, set]:
    lines: dict[Line, set] = defaultdict(set)
    for pid in fam.who(AgeGroup.SCHOOL_AGE, d):
        if fam.exclusions(pid, d, "permanent") >= 1:
            lines[("education", "permanent_exclusion")].add(pid)
        if fam.exclusions(pid, d, "fixed") >= 3:
            lines[("education", "fixed_exclusions")].add(pid)
        if _absence_at_least(fam.absence_share(pid, d, overall), absence):
            lines[("education", absence_line)].add(pid)
        if fam.any_open("education_status", pid, d, _AP):
            lines[("education", "education_status")].add(pid)
    return lines


def _national_lines(fam: _Family, d: date) -> dict[Line, set]:
    lines = _education_lines(fam, d, NATIONAL_ABSENCE, overall=False, absence_line="unauthorised_absence")
    for pid in fam.who(AgeGroup.CHILD, d):
        if fam.count_dated("offence", pid, d, 12) >= 1:
            lines[("crime_asb", "child_offence")].add(pid)
        if fam.any_open("social_care", pid, d, _CIN_CP):
            lines[("local", "social_care")].add(pid)
    for pid in fam.who(None, d):
        if fam.any_started("asb_intervention", pid, d, 12):
            lines[("crime_asb", "asb_intervention")].add(pid)
        if fam.count_dated("domestic_abuse", pid, d, 12) or fam.count_dated("marac", pid, d, 12):
            lines[("local", "domestic_abuse")].add(pid)
        if fam.count_dated("health", pid, d, 12, frozenset({"mental_health", "substance_misuse"})):
            lines[("local", "health")].add(pid)
    for pid in fam.who(AgeGroup.ADULT, d):
        if fam.any_open("benefit", pid, d, OUT_OF_WORK_BENEFITS):
            lines[("work", "out_of_work_benefit")].add(pid)
    return lines


def _custody_release_soon(fam: _Family, pid: str, d: date) -> bool:
    horizon = add_months(d, 12)
    return any(
        v.get("kind") == "custody"
        and spell_open(v.get("start_date"), v.get("end_date"), d)
        and v.get("release_date") is not None
        and d <= v["release_date"] <= horizon
        for v in fam.rows("justice", pid)
    )


def _latest_neet_at_risk(fam: _Family, pid: str, d: date) -> bool:
    """The young person's latest neet record within the last 12 months is at risk (ties: worst wins)."""
    recent = [v for v in fam.rows("neet", pid) if in_window(v.get("date"), d, 12)]
    if not recent:
        return False
    latest = max(v["date"] for v in recent)
    return any(v.get("kind") in NEET_AT_RISK for v in recent if v["date"] == latest)


def _phase2_lines(fam: _Family, d: date, params: _Phase2) -> dict[Line, set]:
    lines = _education_lines(fam, d, params.absence_threshold, overall=True, absence_line="absence")
    orders = frozenset({"licence", "community_order", "suspended_sentence"})
    help_kinds = frozenset({"early_help", "child_in_need", "child_protection"})
    money = frozenset({"rent_arrears", "eviction_notice", "debt"})
    for pid in fam.who(None, d):
        if fam.count_dated("offence", pid, d, 12):
            lines[("crime_asb", "offence")].add(pid)
        if fam.any_started("asb_intervention", pid, d, 12) or fam.count_dated("asb_incident", pid, d, 12):
            lines[("crime_asb", "asb")].add(pid)
        if fam.count_dated("housing", pid, d, 12, money):
            lines[("worklessness", "financial_exclusion")].add(pid)
        if fam.count_dated("domestic_abuse", pid, d, 12):
            lines[("domestic_abuse", "incident")].add(pid)
        if fam.count_dated("marac", pid, d, 12):
            lines[("domestic_abuse", "marac")].add(pid)
        if fam.count_dated("health", pid, d, 12):
            lines[("health", "health_record")].add(pid)
    for pid in fam.who(AgeGroup.ADULT, d):
        if fam.any_open("justice", pid, d, orders) or _custody_release_soon(fam, pid, d):
            lines[("crime_asb", "justice")].add(pid)
        if fam.any_open("benefit", pid, d, OUT_OF_WORK_BENEFITS):
            lines[("worklessness", "out_of_work_benefit")].add(pid)
    for pid in fam.who(AgeGroup.CHILD, d):
        if fam.any_open("social_care", pid, d, help_kinds) or fam.any_started(
            "social_care", pid, d, 12, help_kinds
        ):
            lines[("children_need_help", "social_care")].add(pid)
        if fam.count_dated("missing_episode", pid, d, 12):
            lines[("children_need_help", "missing")].add(pid)
        if fam.count_dated("exploitation_risk", pid, d, 12):
            lines[("children_need_help", "exploitation")].add(pid)
        if fam.count_dated("ae_attendance", pid, d, 12) >= 3:
            lines[("health", "ae_attendance")].add(pid)
    for pid in fam.who(AgeGroup.YOUNG_PERSON, d):
        if _latest_neet_at_risk(fam, pid, d):
            lines[("worklessness", "neet_risk")].add(pid)
    return lines


def _lines(plan: PlanId, fam: _Family, as_of: date) -> dict[Line, frozenset[str]]:
    raw = (
        _national_lines(fam, as_of)
        if plan is PlanId.NATIONAL_2012
        else _phase2_lines(fam, as_of, _PHASE2[plan])
    )
    return {line: frozenset(pids) for line, pids in raw.items() if pids}


def indicator_lines(
    plan_id: str, as_of: date, members: list[TruePerson], facts: list[CleanFact]
) -> dict[Line, frozenset[str]]:
    """Every indicator line true for the family at as_of, with the member ids that make it true.

    Exposed so tests of the product can compare indicator by indicator, not only the final verdict.
    """
    return _lines(_plan(plan_id), _Family(members, facts), as_of)


def _verdict(plan: PlanId, lines: Iterable[Line]) -> FamilyVerdict:
    headlines = frozenset(h for h, _ in lines)
    if plan is PlanId.NATIONAL_2012:
        core = sum(1 for c in NATIONAL_CRITERIA if c in headlines)
        eligible = core == 3 or (core == 2 and "local" in headlines)
    else:
        eligible = len(headlines) >= 2
    return FamilyVerdict(eligible=eligible, headlines=headlines)


def evaluate_family(
    plan_id: str, as_of: date, members: list[TruePerson], facts: list[CleanFact]
) -> FamilyVerdict:
    """Eligibility and headlines (national-2012: criteria met among crime_asb, education, work, local)."""
    plan = _plan(plan_id)
    return _verdict(plan, _lines(plan, _Family(members, facts), as_of))


# ---------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class MeasureOutcome:
    """One results measure for one indicator line true at attachment; `reason` carries counts, no names."""

    headline: str
    line: str
    met: bool
    reason: str


@dataclass(frozen=True)
class ResultsVerdict:
    """What a family achieved at `evaluated_on` against the problems it had at `attached_on`."""

    plan_id: str
    attached_on: date
    evaluated_on: date
    lines_at_attachment: frozenset[Line]
    headlines_at_attachment: frozenset[str]
    measures: tuple[MeasureOutcome, ...]
    headlines_met: frozenset[str]
    routes: frozenset[str]

    def measure(self, headline: str, line: str) -> MeasureOutcome | None:
        return next((m for m in self.measures if (m.headline, m.line) == (headline, line)), None)


def _reduced_to(after: int, before: int, at_most: Fraction) -> bool:
    """after <= at_most x before; a baseline of 0 is met only by 0 after."""
    return after == 0 if before == 0 else after <= at_most * before


def _fewer_or_none(after: int, before: int) -> bool:
    """Fewer than before, or none where there were none then."""
    return after < before or after == 0


def _count_reason(after: int, before: int) -> str:
    return f"{after} after against {before} before"


def _too_early(a: date, e: date, months: int) -> str | None:
    if e < add_months(a, months):
        return f"evaluated before the {months}-month sustained period after attachment ended"
    return None


def _oow_spells(fam: _Family, pid: str) -> list[dict]:
    return [
        v for v in fam.rows("benefit", pid) if v.get("kind") in OUT_OF_WORK_BENEFITS and v.get("start_date")
    ]


def continuous_employment(fam: _Family, a: date, e: date) -> bool:
    """An adult on an out-of-work benefit in (a - 6 months, a] then employed 26 (JSA) or 13 weeks, benefit-free."""
    window_start = add_months(a, -6)
    for pid in fam.who(AgeGroup.ADULT, e):
        benefits = _oow_spells(fam, pid)
        before = [
            b
            for b in benefits
            if b["start_date"] <= a and (b.get("end_date") is None or b["end_date"] > window_start)
        ]
        if not before:
            continue
        weeks = 26 if any(b["kind"] == "JSA" for b in before) else 13
        for job in fam.rows("employment", pid):
            start = job.get("start_date")
            if start is None or not a <= start <= e or not lasted_weeks(start, job.get("end_date"), e, weeks):
                continue
            last_day = start + timedelta(days=7 * weeks - 1)
            if not any(
                b["start_date"] <= last_day and (b.get("end_date") is None or b["end_date"] >= start)
                for b in benefits
            ):
                return True
    return False


def _education_result(
    fam: _Family, e: date, threshold: Fraction, overall: bool, spells_count: bool
) -> tuple[bool, str]:
    """Every school-age child at e below the absence threshold, < 3 fixed, no permanent exclusion (and spells)."""
    failing = 0
    for pid in fam.who(AgeGroup.SCHOOL_AGE, e):
        share = fam.absence_share(pid, e, overall)
        ok = (
            (share is None or share < threshold)
            and fam.exclusions(pid, e, "fixed") < 3
            and fam.exclusions(pid, e, "permanent") == 0
            and not (spells_count and fam.any_open("education_status", pid, e, _AP))
        )
        failing += not ok
    return failing == 0, f"{failing} school-age children short of the result"


def _national_results(fam: _Family, a: date, e: date, at_a: dict[Line, frozenset[str]]) -> tuple[list, set]:
    criteria = {h for h, _ in at_a}
    measures: list[MeasureOutcome] = []
    early = _too_early(a, e, 6)
    if "education" in criteria:
        met, why = _education_result(fam, e, NATIONAL_ABSENCE, overall=False, spells_count=False)
        measures.append(MeasureOutcome("education", "education", met and not early, early or why))
    if "crime_asb" in criteria:
        children = fam.who(AgeGroup.CHILD, e)
        after = sum(fam.count_dated("offence", pid, e, 6) for pid in children)
        before = sum(fam.count_dated("offence", pid, a, 6) for pid in children)
        met = _reduced_to(after, before, Fraction(67, 100))
        measures.append(
            MeasureOutcome(
                "crime_asb", "child_offences", met and not early, early or _count_reason(after, before)
            )
        )
        after, before = fam.family_count("asb_incident", e, 6), fam.family_count("asb_incident", a, 6)
        met = _reduced_to(after, before, Fraction(40, 100))
        measures.append(
            MeasureOutcome(
                "crime_asb", "asb_incidents", met and not early, early or _count_reason(after, before)
            )
        )
    routes: set[str] = set()
    if early:
        return measures, routes
    results = {"education", "crime_asb"} & criteria
    if results and all(m.met for m in measures if m.headline in results):
        routes.add(Route.TURNED_AROUND)
    if continuous_employment(fam, a, e):
        routes.add(Route.CONTINUOUS_EMPLOYMENT)
    progress = frozenset({"work_programme", "esf"})
    if "work" in criteria and any(
        fam.any_started("work_progress", pid, e, 6, progress) for pid in fam.who(AgeGroup.ADULT, e)
    ):
        routes.add(Route.PROGRESS_TO_WORK)
    return measures, routes


def _work_progress(fam: _Family, pid: str, a: date, e: date, params: _Phase2) -> bool:
    """That adult has a work_progress spell starting on or after a that has lasted long enough by e."""
    if params.work_progress_weeks:
        open_at_a = [b for b in _oow_spells(fam, pid) if spell_open(b["start_date"], b.get("end_date"), a)]
        weeks = 26 if any(b["kind"] == "JSA" for b in open_at_a) else 13
    for v in fam.rows("work_progress", pid):
        start = v.get("start_date")
        if start is None or not a <= start <= e:
            continue
        if params.work_progress_weeks and lasted_weeks(start, v.get("end_date"), e, weeks):
            return True
        if not params.work_progress_weeks and lasted_months(start, v.get("end_date"), e, 4):
            return True
    return False


def _latest_neet_is_eet(fam: _Family, pid: str, e: date) -> bool:
    known = [v for v in fam.rows("neet", pid) if v.get("date") is not None and v["date"] <= e]
    if not known:
        return False
    latest = max(v["date"] for v in known)
    return all(v.get("kind") == "eet" for v in known if v["date"] == latest)


def _phase2_measure(
    fam: _Family, line: Line, pids: frozenset[str], a: date, e: date, params: _Phase2, attestations
) -> tuple[bool, str]:
    """The measure for one indicator line true at a (the Results table of rules.md, row by row)."""
    match line:
        case ("crime_asb", "offence"):
            base = params.offence_baseline_months
            after, before = fam.family_count("offence", e, 6), fam.family_count("offence", a, base)
            return _reduced_to(after, before, Fraction(67, 100) * Fraction(6, base)), _count_reason(
                after, before
            )
        case ("crime_asb", "justice"):
            reoffended = sum(1 for pid in pids if fam.count_dated("offence", pid, e, 6))
            return reoffended == 0, f"{reoffended} of {len(pids)} adults offended again"
        case ("crime_asb", "asb"):
            after, before = fam.family_count("asb_incident", e, 6), fam.family_count("asb_incident", a, 6)
            return _reduced_to(after, before, Fraction(40, 100)), _count_reason(after, before)
        case ("children_need_help", "social_care"):
            open_or_new = sum(
                1
                for pid in fam.people
                if fam.any_open("social_care", pid, e, _CIN_CP)
                or fam.any_started("social_care", pid, e, 6, _CIN_CP)
            )
            return open_or_new == 0, f"{open_or_new} members with a child in need or protection episode"
        case ("children_need_help", "missing"):
            after, before = (
                fam.family_count("missing_episode", e, 4),
                fam.family_count("missing_episode", a, 4),
            )
            return _fewer_or_none(after, before), _count_reason(after, before)
        case ("children_need_help", "exploitation"):
            after = fam.family_count("exploitation_risk", e, 4)
            return after == 0, f"{after} exploitation risk records"
        case ("worklessness", "out_of_work_benefit"):
            if continuous_employment(fam, a, e):
                return True, "continuous employment"
            progressed = any(_work_progress(fam, pid, a, e, params) for pid in pids)
            return progressed, "work progress" if progressed else "no continuous employment or work progress"
        case ("worklessness", "neet_risk"):
            ok = sum(
                1
                for pid in pids
                if _latest_neet_is_eet(fam, pid, e)
                and not fam.count_dated("neet", pid, e, 4, frozenset({"neet"}))
            )
            return ok == len(pids), f"{ok} of {len(pids)} young people in education, employment or training"
        case ("worklessness", "financial_exclusion"):
            kinds = frozenset({"rent_arrears", "eviction_notice", "homeless"})
            after = fam.family_count("housing", e, 8, kinds)
            return after == 0, f"{after} arrears, eviction or homeless records"
        case ("domestic_abuse", "incident"):
            after, before = (
                fam.family_count("domestic_abuse", e, 8),
                fam.family_count("domestic_abuse", a, 12),
            )
            return _reduced_to(after, before, Fraction(40, 100) * Fraction(2, 3)), _count_reason(
                after, before
            )
        case ("domestic_abuse", "marac"):
            after = fam.family_count("marac", e, 8)
            return after == 0, f"{after} MARAC referrals"
        case ("health", "health_record"):
            attested = ("health", "health_record") in attestations
            return attested, "attested by the lead professional" if attested else "no attestation"
        case ("health", "ae_attendance"):
            ok = sum(
                1
                for pid in pids
                if _fewer_or_none(
                    fam.count_dated("ae_attendance", pid, e, 8), fam.count_dated("ae_attendance", pid, a, 8)
                )
            )
            return ok == len(pids), f"{ok} of {len(pids)} children with fewer A&E attendances"
    raise ValueError(f"no results measure for indicator line {line}")


# Sustained period in months per Phase 2 line (education is by terms, worklessness by its own durations).
_SUSTAINED_MONTHS: dict[Line, int] = {
    ("crime_asb", "offence"): 6,
    ("crime_asb", "justice"): 6,
    ("crime_asb", "asb"): 6,
    ("children_need_help", "social_care"): 6,
    ("children_need_help", "missing"): 4,
    ("children_need_help", "exploitation"): 4,
    ("worklessness", "neet_risk"): 4,
    ("worklessness", "financial_exclusion"): 8,
    ("domestic_abuse", "incident"): 8,
    ("domestic_abuse", "marac"): 8,
    ("health", "health_record"): 8,
    ("health", "ae_attendance"): 8,
}


def _phase2_results(
    fam: _Family, a: date, e: date, at_a: dict[Line, frozenset[str]], params: _Phase2, attestations
) -> tuple[list, set]:
    measures: list[MeasureOutcome] = []
    if any(h == "education" for h, _ in at_a):
        terms = last_terms(e)
        if min(t.end for t in terms) <= a:
            measures.append(
                MeasureOutcome("education", "education", False, "a term of the last 3 ended by attachment")
            )
        else:
            met, why = _education_result(fam, e, params.absence_threshold, overall=True, spells_count=True)
            measures.append(MeasureOutcome("education", "education", met, why))
    for line, pids in sorted(at_a.items()):
        if line[0] == "education":
            continue
        early = _too_early(a, e, _SUSTAINED_MONTHS[line]) if line in _SUSTAINED_MONTHS else None
        met, why = _phase2_measure(fam, line, pids, a, e, params, attestations)
        measures.append(MeasureOutcome(line[0], line[1], met and not early, early or why))
    routes: set[str] = set()
    headlines = {h for h, _ in at_a}
    if headlines and all(m.met for m in measures):
        routes.add(Route.SIGNIFICANT_SUSTAINED)
    if continuous_employment(fam, a, e):
        routes.add(Route.CONTINUOUS_EMPLOYMENT)
    return measures, routes


def evaluate_results(
    plan_id: str,
    attached_on: date,
    evaluated_on: date,
    members: list[TruePerson],
    facts: list[CleanFact],
    attestations: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
) -> ResultsVerdict:
    """Results at `evaluated_on` for a family attached on `attached_on`, per the Results parts of rules.md.

    `attestations` holds the (headline, indicator line) pairs a lead professional has attested with
    evidence (today only ("health", "health_record") is measured that way).
    """
    plan = _plan(plan_id)
    if evaluated_on < attached_on:
        raise ValueError(f"results evaluated on {evaluated_on} before attachment on {attached_on}")
    fam = _Family(members, facts)
    at_a = _lines(plan, fam, attached_on)
    if plan is PlanId.NATIONAL_2012:
        measures, routes = _national_results(fam, attached_on, evaluated_on, at_a)
    else:
        measures, routes = _phase2_results(
            fam, attached_on, evaluated_on, at_a, _PHASE2[plan], set(attestations)
        )
    headlines_at_a = frozenset(h for h, _ in at_a)
    met = frozenset(
        h
        for h in headlines_at_a
        if any(m.headline == h for m in measures) and all(m.met for m in measures if m.headline == h)
    )
    return ResultsVerdict(
        plan_id=plan.value,
        attached_on=attached_on,
        evaluated_on=evaluated_on,
        lines_at_attachment=frozenset(at_a),
        headlines_at_attachment=headlines_at_a,
        measures=tuple(measures),
        headlines_met=met,
        routes=frozenset(str(r) for r in routes),
    )
