"""An Outcomes Plan as data: the pydantic schema every plan file is validated against.

A council changes its thresholds, windows, kinds and money in its own plan file, never in code, so
everything the identification run and the later claims work need is declared here: headlines, the
eligibility indicators under each, the eligibility rule, the results measures (captured as data for
claims), money, evidence sources and the unit costs/weights that make the priority score.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from priority_families.core.calendar import shift_months
from priority_families.core.vocabulary import Vocabulary
from priority_families.ingest.schema import FACT_KINDS, ColumnType

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
# "Year 10", "year 6", "Y11": a school year named in a label (Reception is year 0).
SCHOOL_YEAR_IN_TEXT = re.compile(r"\b(?:[Yy]ear|Y)\s?(\d{1,2})\b")


class Who(StrEnum):
    """Which members an indicator looks at, by age at as_of (rules.md 'Words')."""

    CHILD = "child"  # under 18
    SCHOOL_AGE_CHILD = "school_age_child"  # 5 to 15
    ADULT = "adult"  # 18 or over
    YOUNG_PERSON = "young_person"  # 16 to 24
    ANY_MEMBER = "any_member"


# The ages (whole years) each group takes in, as `identify.compile.who_condition` reads them; None = no bound.
WHO_AGES: dict[Who, tuple[int, int | None]] = {
    Who.CHILD: (0, 17),
    Who.SCHOOL_AGE_CHILD: (5, 15),
    Who.ADULT: (18, None),
    Who.YOUNG_PERSON: (16, 24),
    Who.ANY_MEMBER: (0, None),
}


def school_year_ages(year: int) -> tuple[int, int]:
    """The ages a pupil in school year `year` has during it: N + 4 on 1 September, N + 5 by 31 August
    (Reception, year 0, is 4 then 5)."""
    return year + 4, year + 5


def school_year_problem(who: Who, year: int) -> str | None:
    """Why an age group cannot contain a school year (no age of the year is in the group), or None."""
    low, high = WHO_AGES[who]
    first, last = school_year_ages(year)
    if last < low or (high is not None and first > high):
        top = f"{low}+" if high is None else f"{low}-{high}"
        return (f"school year {year} is ages {first}-{last}, which the age group {who.value} ({top}) "
                "cannot contain")
    return None


class WindowKind(StrEnum):
    """Which of a person's records count, relative to as_of."""

    MONTHS_BACK = "months_back"  # dated in (as_of - N months, as_of]
    LAST_TERMS = "last_terms"  # in the N most recent school terms ending on or before as_of
    OPEN_AT_AS_OF = "open_at_as_of"  # spell with start <= as_of and (no end or end >= as_of)
    OPEN_OR_STARTING = "open_or_starting"  # open at as_of, or starting in (as_of - N months, as_of]


class Aggregate(StrEnum):
    """How the records in the window become one value per person (or per family)."""

    COUNT = "count"  # number of records
    SUM = "sum"  # sum of `column`
    SHARE_OF_SESSIONS = "share_of_sessions"  # sum(numerator columns) / sum(possible_sessions)
    LATEST = "latest"  # the latest record's kind must be in `latest_kinds`
    DAYS_UNTIL = "days_until"  # days from as_of until `column`, which must fall within `within_months`


class Comparison(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "="


class Scope(StrEnum):
    """Whether the threshold applies to each person's value or to the value summed across the family."""

    PERSON = "person"
    FAMILY = "family"


class EligibilityKind(StrEnum):
    AT_LEAST = "at_least"  # at least N headlines
    ALL_OR_N_PLUS = "all_or_n_plus"  # all of `core`, or N of `core` and the local criterion `plus`


class PlanStatus(StrEnum):
    SHIPPED = "shipped"  # the exact reading of a real plan (rules.md)
    TEMPLATE = "template"  # a starting point a council copies and fills in


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Window(_Model):
    kind: WindowKind
    months: int | None = Field(default=None, ge=1, le=120)
    terms: int | None = Field(default=None, ge=1, le=12)

    @model_validator(mode="after")
    def _needs(self) -> Self:
        needs_months = self.kind in (WindowKind.MONTHS_BACK, WindowKind.OPEN_OR_STARTING)
        if needs_months and self.months is None:
            raise ValueError(f"window kind {self.kind.value} needs `months`")
        if self.kind is WindowKind.LAST_TERMS and self.terms is None:
            raise ValueError("window kind last_terms needs `terms`")
        return self


class Indicator(_Model):
    """One eligibility line: 'a <who> with <aggregate> of <fact> records in <window> <comparison> <threshold>'."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    who: Who
    fact: str
    kinds: list[str] | None = Field(default=None, description="only records of these kinds count")
    window: Window
    aggregate: Aggregate = Aggregate.COUNT
    column: str | None = Field(default=None, description="the column summed (sum) or waited for (days_until)")
    numerator: list[str] | None = Field(default=None, description="absence columns for share_of_sessions")
    latest_kinds: list[str] | None = Field(default=None, description="for latest: kinds that make it true")
    within_months: int | None = Field(default=None, ge=1, description="for days_until")
    comparison: Comparison = Comparison.GE
    threshold: float = 1
    scope: Scope = Scope.PERSON
    evidence: str = Field(description="where the information comes from (source of information)")
    weight: float = Field(default=1.0, ge=0, description="points this indicator adds to the priority score")
    unit_cost: float = Field(default=0.0, ge=0, description="estimated annual cost to the public purse, GBP")
    school_year: int | None = Field(default=None, ge=0, le=13,
                                    description="the school year the line names (RONI Year 10), 0 = Reception")

    school_years: list[int] | None = Field(
        default=None, min_length=2, max_length=2,
        description="[first, last]: only members in these school years at as_of (from the date of birth; "
        "Reception = 0): RONI Year 10, primary school (0-6)")

    @model_validator(mode="after")
    def _school_year_fits(self) -> Self:
        """A line naming a school year (in `school_year`, `school_years` or its label) must look at an age group
        holding it."""
        named = [("school_year", self.school_year)] if self.school_year is not None else []
        if self.school_years is not None:
            first, last = self.school_years
            if not 0 <= first <= last <= 13:
                raise ValueError(f"school_years: {self.school_years} is not [first, last] within Reception (0) to 13")
            named += [("school_years", first), ("school_years", last)]
        named += [("label", int(m.group(1))) for m in SCHOOL_YEAR_IN_TEXT.finditer(self.label)
                  if int(m.group(1)) <= 13]
        for where, year in named:
            problem = school_year_problem(self.who, year)
            if problem:
                raise ValueError(f"{where}: {problem}")
        return self

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        fact = FACT_KINDS.get(self.fact)
        if fact is None:
            raise ValueError(f"unknown fact {self.fact!r}; known: {', '.join(sorted(FACT_KINDS))}")
        columns = {c.name: c for c in fact.columns}
        spell = "start_date" in columns and "end_date" in columns
        kind_col = columns.get("kind")
        for label, kinds in (("kinds", self.kinds), ("latest_kinds", self.latest_kinds)):
            if kinds is None:
                continue
            if kind_col is None:
                raise ValueError(f"`{label}` given but {self.fact} has no kind column")
            if kind_col.kinds is not None:
                bad = sorted(set(kinds) - set(kind_col.kinds))
                if bad:
                    raise ValueError(f"{label} {bad} not in {self.fact}'s kinds {list(kind_col.kinds)}")
        if self.window.kind in (WindowKind.OPEN_AT_AS_OF, WindowKind.OPEN_OR_STARTING) and not spell:
            raise ValueError(f"window {self.window.kind.value} needs a spell fact; {self.fact} has no end_date")
        if self.window.kind is WindowKind.LAST_TERMS and not ("date" in columns or "term" in columns):
            raise ValueError(f"window last_terms needs a dated or termly fact; {self.fact} has neither")
        agg = self.aggregate
        if agg is Aggregate.SHARE_OF_SESSIONS:
            if self.fact != "school_attendance" or not self.numerator:
                raise ValueError("share_of_sessions needs fact school_attendance and `numerator` columns")
            if not 0 <= self.threshold <= 1:
                raise ValueError(f"a share of sessions is between 0 and 1 (15% is 0.15), not {self.threshold:g}")
            bad = [c for c in self.numerator if c not in columns]
            if bad:
                raise ValueError(f"numerator columns {bad} are not columns of {self.fact}")
        if agg is Aggregate.SUM:
            col = columns.get(self.column or "")
            if col is None or col.type not in (ColumnType.INTEGER, ColumnType.NUMBER):
                raise ValueError(f"sum needs `column` naming a numeric column of {self.fact}")
        if agg is Aggregate.LATEST and not self.latest_kinds:
            raise ValueError("latest needs `latest_kinds`")
        if agg is Aggregate.DAYS_UNTIL:
            col = columns.get(self.column or "")
            if col is None or col.type is not ColumnType.DATE or self.within_months is None:
                raise ValueError(f"days_until needs `column` naming a date column of {self.fact} and `within_months`")
        if agg in (Aggregate.LATEST, Aggregate.DAYS_UNTIL) and self.scope is Scope.FAMILY:
            raise ValueError(f"{agg.value} is a per-person aggregate; use scope person")
        return self


class RelativeWindow(_Model):
    """A results window relative to attachment (`a`) or evaluation (`e`): `(d - months, d]`, last terms or at d."""

    relative_to: str = Field(pattern="^(attachment|evaluation)$")
    months: int | None = Field(default=None, ge=1)
    terms: int | None = Field(default=None, ge=1)
    at_date: bool = False


class MeasureKind(StrEnum):
    """Machine-readable shape of a results measure, for the claims work to evaluate."""

    REDUCTION = "reduction"  # progress count <= factor x baseline count; 0 before needs 0 after
    FEWER = "fewer"  # progress count < baseline count, or none where there were none
    NONE_IN_WINDOW = "none_in_window"  # no record of the kinds in the progress window
    BELOW_THRESHOLD = "below_threshold"  # each person's value compares to threshold (education)
    LATEST_KIND = "latest_kind"  # latest record is one of `kinds` and none in the window is `not_kinds`
    SPELL_LASTED = "spell_lasted"  # a spell starting on/after a lasted `weeks` (per benefit kind) by e
    STARTED_IN_WINDOW = "started_in_window"  # a spell of `kinds` starting in the progress window
    ATTESTATION = "attestation"  # lead professional attests, with evidence; not in the extracts
    # a row the lead worker recorded as applying (an assessed need): the lead professional attests it met or
    # not met, with evidence, after its period counted from the assessment; with `tool`, the later score must
    # be better than the score at assessment (`better`: higher or lower)
    ASSESSED_ATTESTATION = "assessed_attestation"


class MeasureTest(_Model):
    kind: MeasureKind
    fact: str | None = None
    kinds: list[str] | None = None
    not_kinds: list[str] | None = None
    who: Who = Who.ANY_MEMBER
    scope: Scope = Scope.FAMILY
    baseline_window: RelativeWindow | None = None
    progress_window: RelativeWindow | None = None
    comparison: Comparison | None = None
    threshold: float | None = None
    factor: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?(/\d+)?$",
                               description="reduction: after <= factor x before; exact, e.g. 0.4 or 4/15")
    weeks: dict[str, int] | None = Field(default=None, description="spell_lasted: weeks by benefit kind or 'other'")
    months: int | None = Field(default=None, ge=1, description="spell_lasted: months the spell must last")
    tool: str | None = Field(default=None, description="assessed_attestation: the scored tool (WEMWBS)")
    better: Literal["higher", "lower"] | None = Field(
        default=None, description="assessed_attestation with a tool: which way the score improves")

    @model_validator(mode="after")
    def _fact_known(self) -> Self:
        if self.fact is not None and self.fact not in FACT_KINDS:
            raise ValueError(f"unknown fact {self.fact!r}")
        if self.kind is MeasureKind.REDUCTION and self.factor is None:
            raise ValueError("reduction needs `factor`")
        if (self.tool is None) != (self.better is None):
            raise ValueError("a scored row names its `tool` and which way it improves (`better`: higher or lower)")
        if self.tool is not None and self.kind is not MeasureKind.ASSESSED_ATTESTATION:
            raise ValueError(f"`tool` is for an assessed_attestation test, not {self.kind.value}")
        if (self.kind is MeasureKind.BELOW_THRESHOLD and self.fact == "school_attendance"
                and self.threshold is not None and not 0 <= self.threshold <= 1):
            raise ValueError(f"a share of sessions is between 0 and 1 (10% is 0.10), not {self.threshold:g}")
        return self

    def factor_fraction(self) -> Fraction | None:
        """The reduction factor as an exact fraction (ratio thresholds are exact, like the oracle's)."""
        return None if self.factor is None else Fraction(self.factor)

    @model_validator(mode="before")
    @classmethod
    def _factor_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("factor"), int | float):
            data = {**data, "factor": str(data["factor"])}
        return data


class ResultMeasure(_Model):
    """One row of an Outcomes Plan's results table, as the auditor reads it and as claims will test it."""

    id: str = Field(pattern=ID_PATTERN)
    lines: list[str] = Field(default_factory=list,
                             description="indicator ids: the measure applies when one of them was true at a")
    assessed_by: str | None = Field(
        default=None, description="an assessed row: who assesses that it applies to a family (the lead professional, "
        "a health professional, the EHE adviser); it applies from the assessment the lead worker records (`pf "
        "assess`), not through a line, and is judged by an assessed_attestation test")
    substantial_change: str
    baseline: str
    significant_progress: str
    sustained: str
    sustained_months: int | None = Field(default=None, ge=0)
    source: str
    tests: list[MeasureTest] = Field(default_factory=list)
    line_kinds: list[str] | None = Field(
        default=None, description="the measure applies only where a line was true through a record of these kinds")
    row: str | None = Field(default=None, description="the row of the council's published plan this measure is")
    note: str | None = Field(default=None, description="for the auditor: the reading taken where the seed is open")

    @property
    def assessed(self) -> bool:
        """Whether the row applies through an assessment the lead worker records, not through a line."""
        return self.assessed_by is not None

    @property
    def scored(self) -> MeasureTest | None:
        """The scored test of an assessed row (a tool score at assessment and a later one), if any."""
        return next((t for t in self.tests if t.tool is not None), None)

    @model_validator(mode="after")
    def _assessed_reading(self) -> Self:
        kinds = {t.kind for t in self.tests}
        if not self.assessed:
            if MeasureKind.ASSESSED_ATTESTATION in kinds:
                raise ValueError(f"results measure {self.id}: an assessed_attestation test needs `assessed_by`")
            return self
        if self.lines or self.line_kinds:
            raise ValueError(f"results measure {self.id} is an assessed row: it applies by assessment, so it names "
                             "no indicator line")
        if kinds != {MeasureKind.ASSESSED_ATTESTATION} or len(self.tests) != 1:
            raise ValueError(f"results measure {self.id} is an assessed row: its one test is assessed_attestation")
        terms = self.tests[0].progress_window is not None and self.tests[0].progress_window.terms
        if self.sustained_months is None and not terms:
            raise ValueError(f"results measure {self.id} is an assessed row: give `sustained_months` (or terms), "
                             "the period it is attested after")
        return self

    @model_validator(mode="after")
    def _meaningful(self) -> Self:
        if not self.lines and not self.assessed:
            raise ValueError(f"results measure {self.id} names no indicator line, so no family could ever have it")
        if self.line_kinds is not None and not self.line_kinds:
            raise ValueError(f"results measure {self.id}: line_kinds is empty, so no family could ever have it")
        if self.sustained_months is not None:
            for test in self.tests:
                window = test.progress_window
                if window is not None and window.months is not None and window.months > self.sustained_months:
                    raise ValueError(f"results measure {self.id} looks back {window.months} months but is sustained "
                                     f"for {self.sustained_months}: the window asks more than the plan says")
        return self


class SeedRow(_Model):
    """A row of the council's published plan the product cannot test yet, kept in the plan so an auditor
    sees every row and why it is not measured (the data or case-record field it would need)."""

    row: str
    substantial_change: str
    baseline: str
    significant_progress: str
    sustained: str
    source: str
    reason: str


class EligibilityPriority(_Model):
    """One eligibility priority as the council printed it (seed 002 Appendix Three), with the indicator lines
    that test it, or why none can yet (a professional's nomination, a record no extract carries)."""

    text: str
    lines: list[str] = Field(default_factory=list, description="indicator ids that test this priority")
    note: str | None = Field(default=None, description="the reading taken, or why no line tests it yet")
    nomination: bool = Field(default=False, description="a professional's nomination of equivalent concern: a "
                             "family may be attached on it (`pf nominate`), with the reason and evidence recorded")

    @model_validator(mode="after")
    def _said(self) -> Self:
        if not self.lines and not self.note:
            raise ValueError(f"eligibility priority {self.text[:40]!r}: give the lines that test it or a note why none")
        return self


class Headline(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    strategic_goal: str | None = Field(default=None, description="the published plan's strategic goal")
    measures: list[str] = Field(default_factory=list, description="the published plan's measures (prose)")
    priority_statement: str | None = Field(default=None, description="Appendix Three's HP statement")
    outcome_statement: str | None = Field(default=None, description="Appendix Three's HO statement")
    eligibility_priorities: list[EligibilityPriority] = Field(
        default_factory=list, description="the published eligibility priorities; when given, every indicator "
        "must test one of them (no eligibility route the council's plan does not have)")
    sustainability: list[str] = Field(default_factory=list, description="the published sustainability list")
    evidence_sources: list[str] = Field(default_factory=list, description="the published evidence sources")
    indicators: list[Indicator] = Field(min_length=1)
    results: list[ResultMeasure] = Field(default_factory=list)
    not_measured: list[SeedRow] = Field(default_factory=list)

    @property
    def takes_nomination(self) -> bool:
        """Whether the published plan lets a professional nominate a family for this headline."""
        return any(p.nomination for p in self.eligibility_priorities)

    @model_validator(mode="after")
    def _priorities_cover_lines(self) -> Self:
        """Every line tests a published priority, and every priority names only lines of this headline."""
        if not self.eligibility_priorities:
            return self
        ids = {i.id for i in self.indicators}
        named = {line for p in self.eligibility_priorities for line in p.lines}
        unknown = sorted(named - ids)
        if unknown:
            raise ValueError(f"eligibility_priorities name unknown indicators {unknown}")
        extra = sorted(ids - named)
        if extra:
            raise ValueError(f"indicators {extra} test no published eligibility priority: an eligibility route the "
                             "council's plan does not have")
        return self

    @model_validator(mode="after")
    def _unique(self) -> Self:
        ids = [i.id for i in self.indicators]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate indicator ids {dupes} in headline {self.id}")
        by_id = {i.id: i for i in self.indicators}
        for measure in self.results:
            unknown = sorted(set(measure.lines) - set(ids))
            if unknown:
                raise ValueError(f"results measure {measure.id} names unknown indicators {unknown}")
            if measure.line_kinds:
                kinds = {k for line in measure.lines for k in (by_id[line].kinds or by_id[line].latest_kinds or [])}
                if not set(measure.line_kinds) & kinds:
                    raise ValueError(f"results measure {measure.id}: line_kinds {measure.line_kinds} are none of "
                                     f"the kinds its lines count ({sorted(kinds)}), so no family could ever have it")
        return self


class Eligibility(_Model):
    kind: EligibilityKind
    at_least: int | None = Field(default=None, ge=1)
    core: list[str] | None = None
    n: int | None = Field(default=None, ge=1)
    plus: str | None = None

    @model_validator(mode="after")
    def _needs(self) -> Self:
        if self.kind is EligibilityKind.AT_LEAST and self.at_least is None:
            raise ValueError("eligibility at_least needs `at_least`")
        if self.kind is EligibilityKind.ALL_OR_N_PLUS and not (self.core and self.n and self.plus):
            raise ValueError("eligibility all_or_n_plus needs `core`, `n` and `plus`")
        return self

    def met_by(self, headlines: set[str]) -> bool:
        """Whether a family with these headlines is eligible (the identification's rule, for a family whose
        headlines include a professional's nomination the extracts cannot show)."""
        if self.kind is EligibilityKind.AT_LEAST:
            return len(headlines) >= (self.at_least or 0)
        core = set(self.core or [])
        return core <= headlines or (len(core & headlines) >= (self.n or 0) and self.plus in headlines)


class YearSplit(_Model):
    year: str
    attachment_share: float = Field(ge=0, le=1)
    results_share: float = Field(ge=0, le=1)


class Money(_Model):
    currency: str = "GBP"
    attachment_fee: float = Field(ge=0)
    results_payment: float = Field(ge=0)
    year_split: list[YearSplit] = Field(default_factory=list, description="national-2012: fee/results share by year")
    note: str | None = None


class Priority(_Model):
    """The transparent priority score: headline_points x headlines + indicator weights + cost / cost_per_point."""

    headline_points: float = Field(default=10.0, ge=0)
    cost_per_point: float = Field(default=1000.0, gt=0)
    note: str | None = None


DEFAULT_CLAIM_GROUP = "results"  # a plan whose routes name no group claims each family once


class ClaimRoute(_Model):
    """A way a family's results may be claimed: its own tests, or the plan's results measures met.

    `measures_met` is `all` (every results measure of every headline the family had at attachment) or a list
    of headlines (every measure of those it had, at least one of them). `results_share` is the share of the
    results payment (after the year's split) a claim by this route is paid: the 2012 Financial Framework paid
    7/8 of it for the crime and education results and 1/8 for progress to work (700 and 100 GBP in 2012-13).
    """

    id: str = Field(pattern=ID_PATTERN)
    description: str
    tests: list[MeasureTest] = Field(default_factory=list)
    measures_met: Literal["all"] | list[str] | None = None
    plus_when_needed: str | None = Field(
        default=None, description="with measures_met: this headline's measures too, for families that needed it to "
        "be eligible (they did not meet every core headline at attachment)")
    results_share: float = Field(default=1.0, ge=0, le=1)
    claim_group: str = Field(
        default=DEFAULT_CLAIM_GROUP, pattern=ID_PATTERN,
        description="routes in one group share one live claim per family (the first route met, in plan order); "
        "routes in different groups are claimed separately, each group once")
    excludes: list[str] = Field(
        default_factory=list, description="claim groups this route rules out: a family claimed by it is not "
        "claimed in those groups, and it is not proposed while the family has a live claim in one of them")

    def rules_out(self, group: str, excludes: Collection[str] = ()) -> bool:
        """Whether a family's claim in `group` (by a route that excludes `excludes`) and a claim by this route
        cannot stand together: they share a group, or either rules the other's group out (decision 20). The
        ledger's proposals and the income forecast both ask this one question."""
        return group == self.claim_group or group in self.excludes or self.claim_group in excludes

    @model_validator(mode="after")
    def _one_reading(self) -> Self:
        if bool(self.tests) == (self.measures_met is not None):
            raise ValueError(f"claim route {self.id}: give either tests or measures_met (one of them)")
        if self.claim_group in self.excludes:
            raise ValueError(f"claim route {self.id}: excludes its own claim group {self.claim_group!r}")
        return self


class ResultsTiming(_Model):
    """How long results wait after attachment, where the outcome rows leave it to the programme's rules."""

    wait_all_months: int | None = Field(
        default=None, ge=0, description="every measure and route waits this many months after attachment")
    terms_after_attachment: bool = Field(
        default=True, description="a measure read over school terms needs its terms to end after attachment")


class Sustainability(_Model):
    """When the lead worker checks that a claimed family's results have lasted: every N months for M months."""

    every_months: int = Field(default=6, ge=1)
    for_months: int = Field(default=24, ge=0)

    def due_dates(self, claimed_on: date) -> list[date]:
        return [shift_months(claimed_on, m) for m in range(self.every_months, self.for_months + 1, self.every_months)]


class Backdating(_Model):
    """Attachment dated before the usual year before the refresh, where the plan allows it: the 2012 Financial
    Framework let a council attach families it had already supported to a successful exit (FIP, FNP) since
    1 December 2010 (seed 001), their attachment dated back."""

    earliest: date = Field(description="the earliest attachment date the plan allows")
    lead_agencies: list[str] = Field(min_length=1, description="back-dating only for families these agencies led")
    note: str | None = None


class ClaimRules(_Model):
    """What the plan says about a claim's life after it has gone to government."""

    reclaim_after_withdrawal: bool = Field(
        default=False, description="a family whose submitted claim was withdrawn may be claimed again later")


class WithdrawalEffect(StrEnum):
    """What follows when a family withdraws its agreement to join the programme."""

    CASEWORK_STOPS = "casework_stops"  # the case is closed: no note, action or move is recorded after it
    CLAIMS_HELD = "claims_held"  # no claim is proposed or submitted for the family while it stays withdrawn


class FamilyAgreementRules(_Model):
    """What the plan says about a family's agreement to join (seed 002: "obtain their agreement to joining the
    Programme") and what a withdrawal means for its case and its claims."""

    on_withdrawal: list[WithdrawalEffect] = Field(
        default_factory=lambda: [WithdrawalEffect.CASEWORK_STOPS, WithdrawalEffect.CLAIMS_HELD])


class Plan(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    authority: str
    status: PlanStatus = PlanStatus.SHIPPED
    description: str = ""
    source: str = ""
    headlines: list[Headline] = Field(min_length=1)
    eligibility: Eligibility
    claim_routes: list[ClaimRoute] = Field(default_factory=list)
    results_timing: ResultsTiming = Field(default_factory=ResultsTiming)
    sustainability: Sustainability = Field(default_factory=Sustainability)
    claims: ClaimRules = Field(default_factory=ClaimRules)
    family_agreement: FamilyAgreementRules = Field(default_factory=FamilyAgreementRules)
    backdating: Backdating | None = None
    money: Money
    priority: Priority = Field(default_factory=Priority)

    @model_validator(mode="after")
    def _references(self) -> Self:
        ids = [h.id for h in self.headlines]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate headline ids {dupes}")
        rule = self.eligibility
        named = [*(rule.core or []), *([rule.plus] if rule.plus else [])]
        unknown = sorted(set(named) - set(ids))
        if unknown:
            raise ValueError(f"eligibility names unknown headlines {unknown}")
        if rule.at_least is not None and rule.at_least > len(ids):
            raise ValueError(f"eligibility at_least {rule.at_least} exceeds the {len(ids)} headlines")
        if rule.n is not None and rule.core is not None and rule.n > len(rule.core):
            raise ValueError("eligibility n exceeds the core headlines")
        for route in self.claim_routes:
            if route.plus_when_needed is not None and route.plus_when_needed != rule.plus:
                raise ValueError(f"claim route {route.id}: plus_when_needed {route.plus_when_needed!r} is not the "
                                 f"eligibility rule's plus headline ({rule.plus!r})")
            if isinstance(route.measures_met, list) and set(route.measures_met) - set(ids):
                raise ValueError(f"claim route {route.id} names unknown headlines "
                                 f"{sorted(set(route.measures_met) - set(ids))}")
        self._check_claim_groups()
        return self

    def _check_claim_groups(self) -> None:
        """Every group a route excludes is some route's group, and no two groups exclude each other (which of
        the two would be claimed would then depend on nothing the plan says)."""
        groups = {r.claim_group for r in self.claim_routes}
        for route in self.claim_routes:
            unknown = sorted(set(route.excludes) - groups)
            if unknown:
                raise ValueError(f"claim route {route.id} excludes unknown claim groups {unknown}")
            for other in self.claim_routes:
                if other.claim_group in route.excludes and route.claim_group in other.excludes:
                    raise ValueError(f"claim routes {route.id} and {other.id} exclude each other's claim groups")

    def claim_groups(self) -> list[str]:
        """The plan's claim groups in the order of their first route."""
        return list(dict.fromkeys(r.claim_group for r in self.claim_routes))

    def route(self, route_id: str) -> ClaimRoute:
        for r in self.claim_routes:
            if r.id == route_id:
                return r
        raise KeyError(route_id)

    def headline(self, headline_id: str) -> Headline:
        for h in self.headlines:
            if h.id == headline_id:
                return h
        raise KeyError(headline_id)

    def indicators(self) -> list[tuple[Headline, Indicator]]:
        return [(h, i) for h in self.headlines for i in h.indicators]

    def vocabulary(self) -> Vocabulary:
        """The shipped vocabulary widened by this plan's own codes: headlines, indicator lines, claim routes."""
        shipped = Vocabulary()
        return Vocabulary({
            "headline": {h.id: h.title for h in self.headlines},
            # an assessed row is its own line (`outcomes.progress`): named by its row and baseline
            "line": {i.id: i.label for _, i in self.indicators()} | {
                m.id: f"{m.row} assessed: {m.baseline}" for h in self.headlines for m in h.results if m.assessed},
            "claim_route": {r.id: shipped.codes("claim_route").get(r.id, r.description) for r in self.claim_routes},
        })
