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

Indicator lines (ids = the indicator ids of the shipped plan YAML; `indicator_lines` reports them)
- national-2012: crime_asb/child_offence, crime_asb/asb_intervention, education/permanent_exclusion,
  education/fixed_exclusions, education/unauthorised_absence, education/education_status,
  work/out_of_work_benefit, local/domestic_abuse, local/marac, local/social_care (child_in_need or
  child_protection open), local/health (mental_health or substance_misuse).
- nottinghamshire-2015 and warwickshire-2015: crime_asb/offence, crime_asb/community_sentence (licence,
  community order or suspended sentence open at as_of), crime_asb/custody_release, crime_asb/asb_intervention
  (starting in the window), crime_asb/asb_incident, education/absence, education/fixed_exclusions,
  education/permanent_exclusion, education/education_status, children_need_help/social_care,
  children_need_help/missing, children_need_help/exploitation, worklessness/out_of_work_benefit,
  worklessness/neet_risk, worklessness/financial_exclusion, domestic_abuse/incident (any role),
  domestic_abuse/marac, health/health_record (any kind), health/ae_attendance.
- nottinghamshire-2015 reads seed 004 row for row (`_NOTTINGHAMSHIRE_MEASURES`, `_nottinghamshire_measure`):
  order_completed = no `breach` of kind order/licence by the adults its lines named in (e - 6 months, e];
  asb_complied = no `breach` of kind asb_intervention by any member in (e - 6 months, e].
- Results measure ids are the plan YAML's result ids: national back_in_school, crime_asb_reduced,
  progress_to_work; Phase 2 offending_reduced, order_completed, asb_reduced, attending_school, stepped_down,
  fewer_missing, exploitation_safe, off_benefit, into_eet, tenancy_kept, fewer_callouts, no_marac,
  engaged_with_health, fewer_ae.
- NEET: a young person's latest `neet.csv` record within the last 12 months decides; when several records
  share that latest date the worst wins (at risk if any of them is neet/roni_red/roni_amber).

Results (`evaluate_results`, attachment date a, evaluation date e)
- The lines and headlines "at a" are those `indicator_lines` finds with `as_of = a`, on the same members
  and facts. Measures are evaluated only for lines true at a.
- Person-bound measures ("that adult", "that young person", "that child") must hold for EVERY person
  for whom the line was true at a. Family-bound measures count across all members, whatever their age.
  Exception: off_benefit (worklessness/out_of_work_benefit) is met when continuous employment holds for
  the family or ANY adult whose benefit made the line true has a qualifying work_progress spell (any kind)
  starting on or after a (the seed's "an adult within the family").
- Ratio thresholds are exact fractions: "at least X% fewer" = after <= (1 - X) * before; "at most P% of
  Q" = after <= P * Q. A measure whose baseline count is 0 is met only when the count after is 0.
  "Fewer than ..., or none where there were none then" = after < before, or after = 0 = before.
- national-2012: nothing is met unless e >= a + 6 months (then no other wait: back_in_school reads the
  last 3 terms before e even if some ended before a). Children (for offences) and school-age children are
  those ages at e, for both the baseline and the progress windows. back_in_school holds vacuously when
  there is no school-age child at e. crime_asb_reduced = child offences at least 33% fewer AND family ASB
  incidents at least 60% fewer, each in (e - 6 months, e] against (a - 6 months, a]. progress_to_work
  (an adult at e with a work_programme or esf spell starting in (e - 6 months, e]) is measured, and is a
  route, only when the family met `work` at a. turned_around needs at least one of education/crime_asb
  at a and every one of those met, and, for a family that did not meet all three national criteria at a
  (so needed `local`), every local measure met: local_abuse_reduced (fewer domestic_abuse records of the
  family in (e - 12 months, e] than in (a - 12 months, a], or none where none; waits 12 months),
  local_treatment_completed and local_social_care_agreed (attested for ("local", "health") and ("local",
  "social_care")). continuous_employment does not depend on the criteria at a.
- Phase 2: each measure needs e >= a + its sustained period: 6 months (offending_reduced,
  order_completed, asb_reduced, stepped_down), 4 months (fewer_missing, exploitation_safe, into_eet),
  8 months (tenancy_kept, fewer_callouts, no_marac, engaged_with_health, fewer_ae). attending_school
  needs every one of the last 3 terms before e to end after a (no baseline term reused); off_benefit has
  no extra wait beyond the durations in its own rule. order_completed answers for community_sentence and
  custody_release: every adult with either line at a has no offence in (e - 6 months, e].
  asb_reduced answers for asb_intervention and asb_incident and counts asb_incident records only.
  stepped_down: no member of the family has a child_in_need or child_protection episode open at e or
  starting in (e - 6 months, e]. fewer_missing, exploitation_safe, tenancy_kept, fewer_callouts and
  no_marac count across all members. into_eet looks at that young person's latest record dated on or
  before e (ties: it is `eet` only if every record on that date is `eet`) and at `neet` (not roni)
  records in (e - 4 months, e]. engaged_with_health is met only when ("health", "health_record") is in
  `attestations`. significant_sustained needs at least one headline at a and every measure met; a family
  with no line true at a has no measures and no significant_sustained route.
- Durations: a spell "has lasted N weeks by e" when (min(end_date or e, e) - start_date) in days >= 7N;
  "lasted N months" when start_date + N months <= min(end_date or e, e).
- Continuous employment: an adult (age at e) with an out-of-work benefit spell open on some day of
  (a - 6 months, a] has an employment spell with a <= start <= e that has lasted 26 weeks (if ANY of their
  out-of-work benefit spells in that window is JSA) or 13 weeks (otherwise), with none of their
  out-of-work benefit spells open on any day of those weeks (start .. start + 7N - 1 days; a benefit
  ending on the job's first day is open that day and breaks it).

Warwickshire (seed 002, Appendix Three) row for row (`_WARWICKSHIRE_MEASURES`, `_warwickshire_measure`).
Its eligibility lines are the appendix's priorities, not Nottinghamshire's basket:
- crime_asb/offence is a CHILD's offence only; there is no asb_incident line; children_need_help has no
  missing line; absence is overall absence >= 15%.
- education/exclusion_days_primary: a school-age child in school years 0-6 at d with fixed exclusions in the
  last 3 terms summing to >= 10 sessions (5 days); exclusion_days_secondary: years 7-11, >= 20 sessions.
  The school year at d: the school year (1 September to 31 August) containing d began in year Y; a child born
  in the school year beginning in year C is in year Y - C - 5 (Reception = 0).
- worklessness/neet: a young person whose latest neet record in the last 12 months is neet (ties: any neet);
  worklessness/roni_year10 and children_need_help/roni_year7: a school-age child in school year 10 (7) whose
  latest record in the last 12 months is roni_red or roni_amber (ties: any of them).
Rows (all with Warwickshire's 6-month wait unless said): prison_programme_engaged (custody_release, attested);
order_completed (community_sentence/custody_release: no offence by those adults in (e - 6 months, e] and no
custody spell of theirs open at e or starting in it); offending_reduced (family offences in (e - 6m, e] at most
67% of (a - 6m, a]); asb_reduced (asb_intervention: family ASB incidents at most 40%, 6 against 6 months);
attendance_high (absence, permanent_exclusion: every school-age child at e below 15% over the last 3 terms,
all ended after a); exclusions_fewer (fixed_exclusions and the days lines: every school-age child fewer than 3
fixed); ap_as_agreed (education_status through alternative_provision: every child below 15%); registered
(education_status through not_registered: every child below 15% and none with a not_registered spell open at
e); caf_engaged (early help, attested), plan_engaged (child in need, attested), cpp_ended (child protection: no
child protection episode of any member open at e or starting in (e - 6m, e]); roni_steps and into_eet (those
people: latest neet record on or before e is eet, and none in (e - 6m, e] of kinds roni_red/roni_amber, or
neet/roni_red/roni_amber for into_eet); exploitation_safe (no exploitation_risk record of the family in (e - 6m,
e]); off_benefit (continuous employment, or that adult has a work_progress spell starting in [a, e] that lasted
by e: volunteering, work_experience, qualification 13 weeks; work_club 6 weeks; apprenticeship 26 weeks if
their benefit open at a was JSA else 13); financial_exclusion_reduced (attested, and no eviction_notice or
homeless record of the family in (e - 6m, e]); engaged_with_services (incident/marac, attested: more reports
never fail it); engaged_with_health (attested); gp_registered (health_record through not_gp_registered: no
not_gp_registered record of the family in (e - 6m, e]); fewer_ae (that child's A&E attendances in (e - 6m, e]
fewer than in (a - 6m, a], or none where none).
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
        self._who: dict[tuple[AgeGroup | None, date], list[str]] = {}
        for f in facts:
            if f.person_id in self.people:
                self._by_person[(f.fact, f.person_id)].append(f.values)

    def who(self, group: AgeGroup | None, d: date) -> list[str]:
        """Member ids in an age group at d (None = any member), in a stable order; kept per (group, d)."""
        key = (group, d)
        if key not in self._who:
            self._who[key] = sorted(
                pid for pid, p in self.people.items() if group is None or in_age_group(p.dob, d, group)
            )
        return self._who[key]

    def rows(self, fact: str, pid: str) -> list[dict]:
        return self._by_person.get((fact, pid), [])

    def count_dated(
        self, fact: str, pid: str, d: date, months: int, kinds: frozenset[str] | None = None
    ) -> int:
        """Records of one person dated in (d - months, d], of the given kinds (None = any)."""
        rows = self.rows(fact, pid)
        if not rows:
            return 0
        since = add_months(d, -months)
        return sum(
            1
            for v in rows
            if (x := v.get("date")) is not None
            and since < x <= d
            and (kinds is None or v.get("kind") in kinds)
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
    appendix_three: bool = False  # Warwickshire's own eligibility priorities (module docstring)


_PHASE2 = {
    PlanId.NOTTINGHAMSHIRE_2015: _Phase2(Fraction(10, 100), 12, False),
    PlanId.WARWICKSHIRE_2015: _Phase2(Fraction(15, 100), 6, True, appendix_three=True),
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
        if fam.count_dated("domestic_abuse", pid, d, 12):
            lines[("local", "domestic_abuse")].add(pid)
        if fam.count_dated("marac", pid, d, 12):
            lines[("local", "marac")].add(pid)
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


def school_year(dob: date | None, d: date) -> int | None:
    """The school year (Reception = 0) a child born on dob is in at d, from the school years (1 Sep - 31 Aug)
    of d and of the birth."""
    if dob is None:
        return None
    began = d.year if d.month >= 9 else d.year - 1
    born_in = dob.year if dob.month >= 9 else dob.year - 1
    return began - born_in - 5


def _latest_in(fam: _Family, pid: str, d: date, kinds: frozenset[str]) -> bool:
    """The person's latest neet record within the last 12 months is one of kinds (ties: any of them)."""
    recent = [v for v in fam.rows("neet", pid) if in_window(v.get("date"), d, 12)]
    if not recent:
        return False
    latest = max(v["date"] for v in recent)
    return any(v.get("kind") in kinds for v in recent if v["date"] == latest)


def _appendix_three_lines(fam: _Family, d: date) -> dict[Line, set]:
    """Warwickshire's eligibility priorities where they differ from the Phase 2 basket (module docstring)."""
    lines: dict[Line, set] = defaultdict(set)
    roni = frozenset({"roni_red", "roni_amber"})
    for pid in fam.who(AgeGroup.SCHOOL_AGE, d):
        year = school_year(fam.people[pid].dob, d)
        sessions = sum(v.get("sessions") or 0 for v in fam.rows("exclusion", pid) if v.get("kind") == "fixed"
                       and v.get("date") is not None and any(t.start <= v["date"] <= t.end for t in last_terms(d)))
        if year is not None and 0 <= year <= 6 and sessions >= 10:
            lines[("education", "exclusion_days_primary")].add(pid)
        if year is not None and 7 <= year <= 11 and sessions >= 20:
            lines[("education", "exclusion_days_secondary")].add(pid)
        if year == 7 and _latest_in(fam, pid, d, roni):
            lines[("children_need_help", "roni_year7")].add(pid)
        if year == 10 and _latest_in(fam, pid, d, roni):
            lines[("worklessness", "roni_year10")].add(pid)
    for pid in fam.who(AgeGroup.YOUNG_PERSON, d):
        if _latest_in(fam, pid, d, frozenset({"neet"})):
            lines[("worklessness", "neet")].add(pid)
    return lines


def _phase2_lines(fam: _Family, d: date, params: _Phase2) -> dict[Line, set]:
    lines = _education_lines(fam, d, params.absence_threshold, overall=True, absence_line="absence")
    if params.appendix_three:
        for line, pids in _appendix_three_lines(fam, d).items():
            lines[line] |= pids
    orders = frozenset({"licence", "community_order", "suspended_sentence"})
    help_kinds = frozenset({"early_help", "child_in_need", "child_protection"})
    money = frozenset({"rent_arrears", "eviction_notice", "debt"})
    for pid in fam.who(None, d):
        if fam.count_dated("offence", pid, d, 12):
            lines[("crime_asb", "offence")].add(pid)
        if fam.any_started("asb_intervention", pid, d, 12):
            lines[("crime_asb", "asb_intervention")].add(pid)
        if fam.count_dated("asb_incident", pid, d, 12):
            lines[("crime_asb", "asb_incident")].add(pid)
        if fam.count_dated("housing", pid, d, 12, money):
            lines[("worklessness", "financial_exclusion")].add(pid)
        if fam.count_dated("domestic_abuse", pid, d, 12):
            lines[("domestic_abuse", "incident")].add(pid)
        if fam.count_dated("marac", pid, d, 12):
            lines[("domestic_abuse", "marac")].add(pid)
        if fam.count_dated("health", pid, d, 12):
            lines[("health", "health_record")].add(pid)
    for pid in fam.who(AgeGroup.ADULT, d):
        if fam.any_open("justice", pid, d, orders):
            lines[("crime_asb", "community_sentence")].add(pid)
        if _custody_release_soon(fam, pid, d):
            lines[("crime_asb", "custody_release")].add(pid)
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
    if params.appendix_three:  # routes the appendix does not have, and the NEET line it splits in two
        for line in (("crime_asb", "asb_incident"), ("children_need_help", "missing"), ("worklessness", "neet_risk")):
            lines.pop(line, None)
        lines[("crime_asb", "offence")] = {pid for pid in lines.get(("crime_asb", "offence"), set())
                                           if in_age_group(fam.people[pid].dob, d, AgeGroup.CHILD)}
    return lines


def _line_people_of_kinds(fam: _Family, line: Line, kinds: frozenset[str], d: date) -> frozenset[str]:
    """The people a line named at d through a record of `kinds` (a row kept for part of a line's basket)."""
    match line:
        case ("children_need_help", "social_care"):
            return frozenset(pid for pid in fam.who(AgeGroup.CHILD, d) if fam.any_open("social_care", pid, d, kinds)
                             or fam.any_started("social_care", pid, d, 12, kinds))
        case ("worklessness", "financial_exclusion"):
            return frozenset(pid for pid in fam.who(None, d) if fam.count_dated("housing", pid, d, 12, kinds))
        case ("education", "education_status"):
            return frozenset(pid for pid in fam.who(AgeGroup.SCHOOL_AGE, d)
                             if fam.any_open("education_status", pid, d, kinds))
        case ("health", "health_record"):
            return frozenset(pid for pid in fam.who(None, d) if fam.count_dated("health", pid, d, 12, kinds))
    raise ValueError(f"no reading of line {line} by kinds")


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
    """One results measure, for the indicator lines true at attachment that it answers for.

    `measure` is the result id of the shipped plan YAML; `reason` carries counts only, never names.
    """

    headline: str
    measure: str
    lines: tuple[str, ...]
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

    def measure(self, headline: str, measure: str) -> MeasureOutcome | None:
        return next((m for m in self.measures if (m.headline, m.measure) == (headline, measure)), None)

    def line_met(self, headline: str, line: str) -> bool | None:
        """The outcome of the measure answering for one indicator line (None if the line was not true at a)."""
        found = next((m for m in self.measures if m.headline == headline and line in m.lines), None)
        return None if found is None else found.met


@dataclass(frozen=True)
class _Measure:
    headline: str
    id: str
    lines: tuple[str, ...]
    sustained_months: int | None  # None: the wait is in the measure itself (terms, spell durations)
    line_kinds: frozenset[str] | None = None  # the row is only for lines made true by records of these kinds


_EDUCATION_LINES = ("absence", "fixed_exclusions", "permanent_exclusion", "education_status")
# The Results table of rules.md, row by row (rows sharing a measure share an entry).
_PHASE2_MEASURES: tuple[_Measure, ...] = (
    _Measure("crime_asb", "offending_reduced", ("offence",), 6),
    _Measure("crime_asb", "order_completed", ("community_sentence", "custody_release"), 6),
    _Measure("crime_asb", "asb_reduced", ("asb_intervention", "asb_incident"), 6),
    _Measure("education", "attending_school", _EDUCATION_LINES, None),
    _Measure("children_need_help", "stepped_down", ("social_care",), 6),
    _Measure("children_need_help", "fewer_missing", ("missing",), 4),
    _Measure("children_need_help", "exploitation_safe", ("exploitation",), 4),
    _Measure("worklessness", "off_benefit", ("out_of_work_benefit",), None),
    _Measure("worklessness", "into_eet", ("neet_risk",), 4),
    _Measure("worklessness", "tenancy_kept", ("financial_exclusion",), 8),
    _Measure("domestic_abuse", "fewer_callouts", ("incident",), 8),
    _Measure("domestic_abuse", "no_marac", ("marac",), 8),
    _Measure("health", "engaged_with_health", ("health_record",), 8),
    _Measure("health", "fewer_ae", ("ae_attendance",), 8),
)
# Warwickshire: seed 002 Appendix Three's outcome measures, row for row (module docstring).
_WARWICKSHIRE_MEASURES: tuple[_Measure, ...] = (
    _Measure("crime_asb", "prison_programme_engaged", ("custody_release",), 6),
    _Measure("crime_asb", "order_completed", ("community_sentence", "custody_release"), 6),
    _Measure("crime_asb", "offending_reduced", ("offence",), 6),
    _Measure("crime_asb", "asb_reduced", ("asb_intervention",), 6),
    _Measure("education", "attendance_high", ("absence", "permanent_exclusion"), None),
    _Measure("education", "exclusions_fewer",
             ("fixed_exclusions", "exclusion_days_primary", "exclusion_days_secondary"), None),
    _Measure("education", "ap_as_agreed", ("education_status",), None, frozenset({"alternative_provision"})),
    _Measure("education", "registered", ("education_status",), None, frozenset({"not_registered"})),
    _Measure("children_need_help", "caf_engaged", ("social_care",), 6, frozenset({"early_help"})),
    _Measure("children_need_help", "plan_engaged", ("social_care",), 6, frozenset({"child_in_need"})),
    _Measure("children_need_help", "cpp_ended", ("social_care",), 6, frozenset({"child_protection"})),
    _Measure("children_need_help", "roni_steps", ("roni_year7",), 6),
    _Measure("children_need_help", "exploitation_safe", ("exploitation",), 6),
    _Measure("worklessness", "off_benefit", ("out_of_work_benefit",), None),
    _Measure("worklessness", "into_eet", ("neet", "roni_year10"), 6),
    _Measure("worklessness", "financial_exclusion_reduced", ("financial_exclusion",), 6),
    _Measure("domestic_abuse", "engaged_with_services", ("incident", "marac"), 6),
    _Measure("health", "engaged_with_health", ("health_record",), 6),
    _Measure("health", "gp_registered", ("health_record",), 6, frozenset({"not_gp_registered"})),
    _Measure("health", "fewer_ae", ("ae_attendance",), 6),
)
# Appendix Three's own periods for the steps towards work (HP4 outcome 1): weeks by work_progress kind.
_WARWICKSHIRE_STEP_WEEKS = {"volunteering": 13, "work_experience": 13, "qualification": 13, "work_club": 6}
# Nottinghamshire, seed 004 row for row (the plan YAML's `row`): the rows the product measures.
_NOTTINGHAMSHIRE_MEASURES: tuple[_Measure, ...] = (
    _Measure("crime_asb", "offending_children", ("offence",), 6),
    _Measure("crime_asb", "offending_adults", ("offence",), 6),
    _Measure("crime_asb", "order_completed", ("community_sentence", "custody_release"), 6),
    _Measure("crime_asb", "asb_reduced", ("asb_incident",), 6),
    _Measure("crime_asb", "asb_complied", ("asb_intervention",), 6),
    _Measure("education", "attendance_high", ("absence",), None),
    _Measure("education", "exclusions_fewer", ("fixed_exclusions",), None),
    _Measure("education", "full_time_education", ("permanent_exclusion", "education_status"), None),
    _Measure("children_need_help", "stepped_down", ("social_care",), 6, frozenset({"child_in_need", "child_protection"})),
    _Measure("children_need_help", "fewer_referrals", ("social_care",), 8),
    _Measure("children_need_help", "fewer_missing", ("missing",), 4),
    _Measure("children_need_help", "exploitation_engaged", ("exploitation",), 4),
    _Measure("worklessness", "off_benefit", ("out_of_work_benefit",), None),
    _Measure("worklessness", "into_eet", ("neet_risk",), 4),
    _Measure("worklessness", "debt_managed", ("financial_exclusion",), 8, frozenset({"debt"})),
    _Measure("worklessness", "eviction_averted", ("financial_exclusion",), 4,
             frozenset({"rent_arrears", "eviction_notice"})),
    _Measure("domestic_abuse", "no_marac", ("marac",), 8),
    _Measure("domestic_abuse", "fewer_callouts", ("incident",), 8),
    _Measure("health", "engaged_with_health", ("health_record", "ae_attendance"), 8),
)
_NATIONAL_MEASURES: tuple[_Measure, ...] = (
    _Measure(
        "education",
        "back_in_school",
        ("permanent_exclusion", "fixed_exclusions", "unauthorised_absence", "education_status"),
        6,
    ),
    _Measure("crime_asb", "crime_asb_reduced", ("child_offence", "asb_intervention"), 6),
    _Measure("work", "progress_to_work", ("out_of_work_benefit",), 6),
    # the local criterion's outcome (seed 000: "there will still be three improved outcomes per family")
    _Measure("local", "local_abuse_reduced", ("domestic_abuse", "marac"), 12),
    _Measure("local", "local_treatment_completed", ("health",), 6),
    _Measure("local", "local_social_care_agreed", ("social_care",), 6),
)


def _reduced_to(after: int, before: int, at_most: Fraction) -> bool:
    """after <= at_most x before; a baseline of 0 is met only by 0 after."""
    return after == 0 if before == 0 else after <= at_most * before


def _fewer_or_none(after: int, before: int) -> bool:
    """Fewer than before, or none where there were none then."""
    return after < before or after == 0


def _counts(after: int, before: int) -> str:
    return f"{after} after against {before} before"


def _oow_spells(fam: _Family, pid: str) -> list[dict]:
    return [
        v for v in fam.rows("benefit", pid) if v.get("kind") in OUT_OF_WORK_BENEFITS and v.get("start_date")
    ]


def _continuous_employment(fam: _Family, a: date, e: date) -> bool:
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
    fam: _Family, e: date, threshold: Fraction, overall: bool, spells_count: bool, spells: frozenset[str] = _AP
) -> tuple[bool, str]:
    """Every school-age child at e below the absence threshold, < 3 fixed, no permanent exclusion (and spells)."""
    failing = 0
    for pid in fam.who(AgeGroup.SCHOOL_AGE, e):
        share = fam.absence_share(pid, e, overall)
        ok = (
            (share is None or share < threshold)
            and fam.exclusions(pid, e, "fixed") < 3
            and fam.exclusions(pid, e, "permanent") == 0
            and not (spells_count and fam.any_open("education_status", pid, e, spells))
        )
        failing += not ok
    return failing == 0, f"{failing} school-age children short of the result"


def _national_measure(fam: _Family, m: _Measure, a: date, e: date, attestations=frozenset()) -> tuple[bool, str]:
    match m.id:
        case "local_abuse_reduced":
            after, before = fam.family_count("domestic_abuse", e, 12), fam.family_count("domestic_abuse", a, 12)
            return _fewer_or_none(after, before), _counts(after, before)
        case "local_treatment_completed" | "local_social_care_agreed":
            done = any(("local", line) in attestations for line in m.lines)
            return done, "attested by the lead professional" if done else "no attestation"
        case "back_in_school":
            return _education_result(fam, e, NATIONAL_ABSENCE, overall=False, spells_count=False)
        case "crime_asb_reduced":
            children = fam.who(AgeGroup.CHILD, e)
            offences_after = sum(fam.count_dated("offence", pid, e, 6) for pid in children)
            offences_before = sum(fam.count_dated("offence", pid, a, 6) for pid in children)
            asb_after, asb_before = (
                fam.family_count("asb_incident", e, 6),
                fam.family_count("asb_incident", a, 6),
            )
            met = _reduced_to(offences_after, offences_before, Fraction(67, 100)) and _reduced_to(
                asb_after, asb_before, Fraction(40, 100)
            )
            return met, f"offences by children {_counts(offences_after, offences_before)}; " + (
                f"ASB incidents {_counts(asb_after, asb_before)}"
            )
        case "progress_to_work":
            progress = frozenset({"work_programme", "esf"})
            met = any(
                fam.any_started("work_progress", pid, e, 6, progress) for pid in fam.who(AgeGroup.ADULT, e)
            )
            return met, "work programme or ESF started" if met else "no work programme or ESF start"
    raise ValueError(f"no national-2012 measure {m.id}")


def _work_progress(fam: _Family, pid: str, a: date, e: date, params: _Phase2) -> bool:
    """That adult has a work_progress spell starting on or after a that has lasted long enough by e."""
    open_at_a = [b for b in _oow_spells(fam, pid) if spell_open(b["start_date"], b.get("end_date"), a)]
    weeks = 26 if any(b["kind"] == "JSA" for b in open_at_a) else 13
    for v in fam.rows("work_progress", pid):
        start, end = v.get("start_date"), v.get("end_date")
        if start is None or not a <= start <= e:
            continue
        if (
            lasted_weeks(start, end, e, weeks)
            if params.work_progress_weeks
            else lasted_months(start, end, e, 4)
        ):
            return True
    return False


def _latest_neet_is_eet(fam: _Family, pid: str, e: date) -> bool:
    known = [v for v in fam.rows("neet", pid) if v.get("date") is not None and v["date"] <= e]
    if not known:
        return False
    latest = max(v["date"] for v in known)
    return all(v.get("kind") == "eet" for v in known if v["date"] == latest)


def _phase2_measure(
    fam: _Family, m: _Measure, pids: frozenset[str], a: date, e: date, params: _Phase2, attestations
) -> tuple[bool, str]:
    """One row of the Results table; `pids` are the members whose lines made the measure apply at a."""
    match m.id:
        case "offending_reduced":
            base = params.offence_baseline_months
            after, before = fam.family_count("offence", e, 6), fam.family_count("offence", a, base)
            return _reduced_to(after, before, Fraction(67, 100) * Fraction(6, base)), _counts(after, before)
        case "order_completed":
            reoffended = sum(1 for pid in pids if fam.count_dated("offence", pid, e, 6))
            return reoffended == 0, f"{reoffended} of {len(pids)} adults offended again"
        case "asb_reduced":
            after, before = fam.family_count("asb_incident", e, 6), fam.family_count("asb_incident", a, 6)
            return _reduced_to(after, before, Fraction(40, 100)), _counts(after, before)
        case "attending_school":
            if min(t.end for t in last_terms(e)) <= a:
                return False, "one of the last 3 terms before evaluation ended by attachment"
            return _education_result(fam, e, params.absence_threshold, overall=True, spells_count=True)
        case "stepped_down":
            still = sum(
                1
                for pid in fam.people
                if fam.any_open("social_care", pid, e, _CIN_CP)
                or fam.any_started("social_care", pid, e, 6, _CIN_CP)
            )
            return still == 0, f"{still} members with a child in need or protection episode"
        case "fewer_missing":
            after, before = (
                fam.family_count("missing_episode", e, 4),
                fam.family_count("missing_episode", a, 4),
            )
            return _fewer_or_none(after, before), _counts(after, before)
        case "exploitation_safe":
            after = fam.family_count("exploitation_risk", e, 4)
            return after == 0, f"{after} exploitation risk records"
        case "off_benefit":
            if _continuous_employment(fam, a, e):
                return True, "continuous employment"
            progressed = any(_work_progress(fam, pid, a, e, params) for pid in pids)
            return progressed, "work progress" if progressed else "no continuous employment or work progress"
        case "into_eet":
            neet = frozenset({"neet"})
            ok = sum(
                1
                for pid in pids
                if _latest_neet_is_eet(fam, pid, e) and not fam.count_dated("neet", pid, e, 4, neet)
            )
            return ok == len(pids), f"{ok} of {len(pids)} young people in education, employment or training"
        case "tenancy_kept":
            after = fam.family_count(
                "housing", e, 8, frozenset({"rent_arrears", "eviction_notice", "homeless"})
            )
            return after == 0, f"{after} arrears, eviction or homeless records"
        case "fewer_callouts":
            after, before = (
                fam.family_count("domestic_abuse", e, 8),
                fam.family_count("domestic_abuse", a, 12),
            )
            return _reduced_to(after, before, Fraction(40, 100) * Fraction(2, 3)), _counts(after, before)
        case "no_marac":
            after = fam.family_count("marac", e, 8)
            return after == 0, f"{after} MARAC referrals"
        case "engaged_with_health":
            attested = ("health", "health_record") in attestations
            return attested, "attested by the lead professional" if attested else "no attestation"
        case "fewer_ae":
            ok = sum(
                1
                for pid in pids
                if _fewer_or_none(
                    fam.count_dated("ae_attendance", pid, e, 8), fam.count_dated("ae_attendance", pid, a, 8)
                )
            )
            return ok == len(pids), f"{ok} of {len(pids)} children with fewer A&E attendances"
    raise ValueError(f"no Phase 2 measure {m.id}")


def _attested(m: _Measure, attestations) -> tuple[bool, str]:
    done = any((m.headline, line) in attestations for line in m.lines)
    return done, "attested by the lead professional" if done else "no attestation"


def _terms_after(a: date, e: date) -> bool:
    """Every one of the last 3 terms before e ended after a (no baseline term reused)."""
    return min(t.end for t in last_terms(e)) > a


def _every_school_child(fam: _Family, e: date, ok) -> tuple[bool, str]:
    failing = sum(1 for pid in fam.who(AgeGroup.SCHOOL_AGE, e) if not ok(pid))
    return failing == 0, f"{failing} school-age children short of the row"


def _nottinghamshire_measure(
    fam: _Family, m: _Measure, pids: frozenset[str], a: date, e: date, params: _Phase2, attestations
) -> tuple[bool, str]:
    """One row of seed 004 as `_NOTTINGHAMSHIRE_MEASURES` lists it; `pids` are the people its lines named at a."""
    match m.id:
        case "offending_children" | "offending_adults":
            group = AgeGroup.CHILD if m.id == "offending_children" else AgeGroup.ADULT
            people = fam.who(group, e)
            after = sum(fam.count_dated("offence", pid, e, 6) for pid in people)
            before = sum(fam.count_dated("offence", pid, a, 12) for pid in people)
            return _reduced_to(after, before, Fraction(67, 100) * Fraction(6, 12)), _counts(after, before)
        case "exploitation_engaged" | "debt_managed" | "engaged_with_health":
            return _attested(m, attestations)
        case "order_completed":
            orders = frozenset({"order", "licence"})
            returned = sum(1 for pid in pids if fam.count_dated("breach", pid, e, 6, orders))
            return returned == 0, f"{returned} of {len(pids)} adults returned to court for non-compliance"
        case "asb_complied":
            after = fam.family_count("breach", e, 6, frozenset({"asb_intervention"}))
            return after == 0, f"{after} ASB intervention breaches"
        case "attendance_high" | "exclusions_fewer" | "full_time_education":
            if not _terms_after(a, e):
                return False, "one of the last 3 terms before evaluation ended by attachment"
            if m.id == "attendance_high":
                return _every_school_child(fam, e, lambda pid: (s := fam.absence_share(pid, e, True)) is None
                                           or s < params.absence_threshold)
            if m.id == "exclusions_fewer":
                return _every_school_child(fam, e, lambda pid: fam.exclusions(pid, e, "fixed") < 3)
            return _every_school_child(fam, e, lambda pid: fam.exclusions(pid, e, "permanent") == 0
                                       and not fam.any_open("education_status", pid, e, _AP))
        case "fewer_referrals":
            after, before = fam.family_count("referral", e, 8), fam.family_count("referral", a, 8)
            return _reduced_to(after, before, Fraction(1, 2)), _counts(after, before)
        case "eviction_averted":
            after = fam.family_count("housing", e, 4, frozenset({"rent_arrears", "eviction_notice", "homeless"}))
            return after == 0, f"{after} arrears, eviction or homeless records"
        case "no_marac":
            after = fam.family_count("marac", e, 8)
            engaged, why = _attested(m, attestations)
            return after == 0 and engaged, f"{after} MARAC referrals; {why}"
    return _phase2_measure(fam, m, pids, a, e, params, attestations)


def _warwickshire_step(fam: _Family, pid: str, a: date, e: date) -> bool:
    """That adult has a step towards work starting in [a, e] that has lasted its Appendix Three period by e."""
    open_at_a = [b for b in _oow_spells(fam, pid) if spell_open(b["start_date"], b.get("end_date"), a)]
    weeks = dict(_WARWICKSHIRE_STEP_WEEKS, apprenticeship=26 if any(b["kind"] == "JSA" for b in open_at_a) else 13)
    return any(v.get("start_date") is not None and a <= v["start_date"] <= e and v.get("kind") in weeks
               and lasted_weeks(v["start_date"], v.get("end_date"), e, weeks[v["kind"]])
               for v in fam.rows("work_progress", pid))


def _steps_from_risk(fam: _Family, pids: frozenset[str], e: date, risky: frozenset[str]) -> tuple[bool, str]:
    ok = sum(1 for pid in pids if _latest_neet_is_eet(fam, pid, e) and not fam.count_dated("neet", pid, e, 6, risky))
    return ok == len(pids), f"{ok} of {len(pids)} young people no longer at risk"


def _warwickshire_education(fam: _Family, m: _Measure, a: date, e: date, threshold: Fraction) -> tuple[bool, str]:
    if not _terms_after(a, e):
        return False, "one of the last 3 terms before evaluation ended by attachment"
    if m.id == "exclusions_fewer":
        return _every_school_child(fam, e, lambda pid: fam.exclusions(pid, e, "fixed") < 3)
    unregistered = frozenset({"not_registered"}) if m.id == "registered" else frozenset()
    return _every_school_child(fam, e, lambda pid: ((s := fam.absence_share(pid, e, True)) is None or s < threshold)
                               and not fam.any_open("education_status", pid, e, unregistered))


def _warwickshire_measure(
    fam: _Family, m: _Measure, pids: frozenset[str], a: date, e: date, params: _Phase2, attestations
) -> tuple[bool, str]:
    """Seed 002 Appendix Three's outcome measures as `_WARWICKSHIRE_MEASURES` lists them."""
    match m.id:
        case "prison_programme_engaged" | "caf_engaged" | "plan_engaged" | "engaged_with_services" \
                | "engaged_with_health":
            return _attested(m, attestations)
        case "order_completed":
            custody = frozenset({"custody"})
            failed = sum(1 for pid in pids if fam.count_dated("offence", pid, e, 6) or fam.any_open(
                "justice", pid, e, custody) or fam.any_started("justice", pid, e, 6, custody))
            return failed == 0, f"{failed} of {len(pids)} adults offended or were in custody"
        case "attendance_high" | "exclusions_fewer" | "ap_as_agreed" | "registered":
            return _warwickshire_education(fam, m, a, e, params.absence_threshold)
        case "cpp_ended":
            still = sum(1 for pid in fam.people if fam.any_open("social_care", pid, e, frozenset({"child_protection"}))
                        or fam.any_started("social_care", pid, e, 6, frozenset({"child_protection"})))
            return still == 0, f"{still} members with a child protection episode"
        case "roni_steps":
            return _steps_from_risk(fam, pids, e, frozenset({"roni_red", "roni_amber"}))
        case "into_eet":
            return _steps_from_risk(fam, pids, e, NEET_AT_RISK)
        case "exploitation_safe":
            after = fam.family_count("exploitation_risk", e, 6)
            return after == 0, f"{after} exploitation risk records"
        case "off_benefit":
            if _continuous_employment(fam, a, e):
                return True, "continuous employment"
            stepped = any(_warwickshire_step(fam, pid, a, e) for pid in pids)
            return stepped, "a step towards work lasted" if stepped else "no continuous employment or lasting step"
        case "financial_exclusion_reduced":
            engaged, why = _attested(m, attestations)
            after = fam.family_count("housing", e, 6, frozenset({"eviction_notice", "homeless"}))
            return engaged and after == 0, f"{after} eviction or homeless records; {why}"
        case "gp_registered":
            after = fam.family_count("health", e, 6, frozenset({"not_gp_registered"}))
            return after == 0, f"{after} not-registered-with-a-GP records"
        case "fewer_ae":
            ok = sum(1 for pid in pids if _fewer_or_none(fam.count_dated("ae_attendance", pid, e, 6),
                                                         fam.count_dated("ae_attendance", pid, a, 6)))
            return ok == len(pids), f"{ok} of {len(pids)} children with fewer A&E attendances"
    return _phase2_measure(fam, m, pids, a, e, params, attestations)


def _outcomes(
    table: tuple[_Measure, ...], at_a: dict[Line, frozenset[str]], a: date, e: date, evaluate,
    fam: _Family | None = None,
) -> list[MeasureOutcome]:
    """Evaluate every measure that has at least one of its lines true at a, after its sustained period."""
    outcomes = []
    for m in table:
        lines = tuple(line for line in m.lines if (m.headline, line) in at_a)
        if lines and m.line_kinds is not None and fam is not None:
            named = {line: _line_people_of_kinds(fam, (m.headline, line), m.line_kinds, a) for line in lines}
            lines = tuple(line for line in lines if named[line])
        if not lines:
            continue
        pids = frozenset().union(*(at_a[(m.headline, line)] for line in lines))
        if m.line_kinds is not None and fam is not None:
            pids = frozenset().union(*(named[line] for line in lines))
        if m.sustained_months is not None and e < add_months(a, m.sustained_months):
            met, why = False, f"evaluated before its {m.sustained_months}-month sustained period ended"
        else:
            met, why = evaluate(m, pids)
        outcomes.append(MeasureOutcome(m.headline, m.id, lines, met, why))
    return outcomes


def _national_routes(
    fam: _Family, a: date, e: date, outcomes: list[MeasureOutcome], headlines_at_a: frozenset[str]
) -> set[str]:
    routes: set[str] = set()
    if e < add_months(a, 6):
        return routes
    turning = [o for o in outcomes if o.headline in ("education", "crime_asb")]
    if sum(1 for c in NATIONAL_CRITERIA if c in headlines_at_a) < len(NATIONAL_CRITERIA):  # local was needed
        turning += [o for o in outcomes if o.headline == "local"]
    if turning and all(o.met for o in turning) and any(o.headline != "local" for o in turning):
        routes.add(Route.TURNED_AROUND)
    if any(o.measure == "progress_to_work" and o.met for o in outcomes):
        routes.add(Route.PROGRESS_TO_WORK)
    if _continuous_employment(fam, a, e):
        routes.add(Route.CONTINUOUS_EMPLOYMENT)
    return routes


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
    evidence; today only ("health", "health_record") is measured that way.
    """
    plan = _plan(plan_id)
    a, e = attached_on, evaluated_on
    if e < a:
        raise ValueError(f"results evaluated on {e} before attachment on {a}")
    fam = _Family(members, facts)
    at_a = _lines(plan, fam, a)
    if plan is PlanId.NATIONAL_2012:
        attested = frozenset(attestations)
        outcomes = _outcomes(_NATIONAL_MEASURES, at_a, a, e,
                             lambda m, _pids: _national_measure(fam, m, a, e, attested))
        routes = _national_routes(fam, a, e, outcomes, frozenset(h for h, _ in at_a))
    else:
        params, attested = _PHASE2[plan], set(attestations)
        if plan is PlanId.NOTTINGHAMSHIRE_2015:
            outcomes = _outcomes(_NOTTINGHAMSHIRE_MEASURES, at_a, a, e,
                                 lambda m, pids: _nottinghamshire_measure(fam, m, pids, a, e, params, attested), fam)
        else:
            outcomes = _outcomes(_WARWICKSHIRE_MEASURES, at_a, a, e,
                                 lambda m, pids: _warwickshire_measure(fam, m, pids, a, e, params, attested), fam)
        routes = set()
        if outcomes and all(o.met for o in outcomes):
            routes.add(Route.SIGNIFICANT_SUSTAINED)
        if _continuous_employment(fam, a, e):
            routes.add(Route.CONTINUOUS_EMPLOYMENT)
    headlines_at_a = frozenset(h for h, _ in at_a)
    met = frozenset(
        h
        for h in headlines_at_a
        if any(o.headline == h for o in outcomes) and all(o.met for o in outcomes if o.headline == h)
    )
    return ResultsVerdict(
        plan_id=plan.value,
        attached_on=a,
        evaluated_on=e,
        lines_at_attachment=frozenset(at_a),
        headlines_at_attachment=headlines_at_a,
        measures=tuple(outcomes),
        headlines_met=met,
        routes=frozenset(str(r) for r in routes),
    )
