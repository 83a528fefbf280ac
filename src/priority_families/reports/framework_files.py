"""Outcome framework files: the YAML schema (pydantic), periods, and the library of shipped frameworks.

Free of the case record, so a framework can be listed and validated without a workspace; what measure owners
enter and how measures are scored live in `reports.frameworks`.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from priority_families.core.calendar import shift_months

LIBRARY = Path(__file__).parent / "frameworks"


class FrameworkError(ValueError):
    """A framework file, a period or an entry that cannot be used; the message names what and why."""


# --- Periods ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def _last_day(month: date) -> date:
    return date.fromordinal(shift_months(month.replace(day=1), 1).toordinal() - 1)


def period_of(text: str) -> Period:
    """`2015/16` (programme year, April-March), `2016Q2` (calendar quarter) or `2016-07` (month)."""
    text = text.strip().upper()
    if match := re.fullmatch(r"(\d{4})/(\d{2})", text):
        year = int(match.group(1))
        if int(match.group(2)) != (year + 1) % 100:
            raise FrameworkError(f"period {text!r}: a programme year is written 2015/16 (the next year's last digits)")
        return Period(text, date(year, 4, 1), date(year + 1, 3, 31))
    if match := re.fullmatch(r"(\d{4})Q([1-4])", text):  # the quarterly return's calendar quarters
        start = date(int(match.group(1)), 3 * int(match.group(2)) - 2, 1)
        return Period(text, start, _last_day(shift_months(start, 2)))
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match.group(1)), int(match.group(2))
        if 1 <= year and 1 <= month <= 12:
            start = date(year, month, 1)
            return Period(text, start, _last_day(start))
    raise FrameworkError(f"period {text!r} is not a programme year (2015/16), a quarter (2016Q2) or a month (2016-07)")


# --- The schema ------------------------------------------------------------------------------------------

# A computed figure: a name, or a name and its argument (a route, headlines joined by '+', a profile part, a
# before/after measure). Each reads `ProgrammeStatistics`; the board paper names the definition beside it.
FIGURE_NAMES = ("identified", "worked_with", "worked_with_in_year", "claimed", "claimed_in_year", "claimed_route",
                "claimed_route_share", "results_met_all", "results_met_any", "results_claimed_all",
                "results_claimed_any", "profile_share", "before", "after", "closed")


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Source(BaseModel):
    """Where a measure's value comes from: a figure the product computes, or a value entered with its source."""

    model_config = ConfigDict(extra="forbid")
    figure: str | None = None
    entered: str | None = Field(None, description="what the entered value is taken from, e.g. a service's return")

    @model_validator(mode="after")
    def _one(self) -> Source:
        if (self.figure is None) == (self.entered is None):
            raise ValueError("give exactly one of `figure` (computed) or `entered` (typed in by the measure owner)")
        if self.figure is not None and self.figure.split(":", 1)[0] not in FIGURE_NAMES:
            raise ValueError(f"figure {self.figure!r} is not one of {', '.join(FIGURE_NAMES)}")
        return self


class Point(BaseModel):
    """A point of a trajectory (`date` in the file: YAML reads a bare `on` as true)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    day: date = Field(alias="date")
    value: float


class RagRule(BaseModel):
    """GREEN on or ahead of the trajectory; AMBER from `amber_from` of it; RED below (for a measure where lower is
    better, the trajectory over the value is compared)."""

    model_config = ConfigDict(extra="forbid")
    amber_from: float = Field(0.9, gt=0, le=1)
    better: Better = Better.HIGHER


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    source: Source
    unit: str = Field("families", description="families, people, percent, incidents, ...")
    baseline: float | None = None
    baseline_on: date | None = None
    target: float | None = None
    target_on: date | None = None
    trajectory: list[Point] = []
    rag: RagRule = RagRule()
    achievement: str = Field("{value}", description="the sentence for 'achievements to date', with {value}, "
                                                    "{target}, {share_of_target}, {on}, {unit}")

    @model_validator(mode="after")
    def _trajectory_in_order(self) -> Measure:
        days = [p.day for p in self.trajectory]
        if days != sorted(days) or len(set(days)) != len(days):
            raise ValueError("trajectory points must be in date order, one per date")
        return self


class OutcomeKind(StrEnum):
    HEADLINE = "headline"
    SECONDARY = "secondary"
    KEY_ACTION = "key_action"


class Outcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: OutcomeKind = OutcomeKind.HEADLINE
    text: str
    lead: str = ""
    measures: list[Measure] = []


class Priority(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    lead: str = ""
    outcomes: list[Outcome]


class Layout(StrEnum):
    STRATEGY = "strategy"  # seed 000: What we will do | RAG | Achievements to date / next steps
    PLAN = "plan"  # seed 003: Outcomes | Performance measures | End of year update | Lead organisation


SENTENCE_FIELDS = ("value", "target", "share_of_target", "on", "unit")


def _check_sentence(measure: Measure, measures: set[str]) -> None:
    """Every placeholder of a measure's sentence is one it can fill: caught when the file is loaded, not when a
    board paper is due."""
    try:
        fields = [name for _text, name, _spec, _conv in string.Formatter().parse(measure.achievement) if name]
    except ValueError as exc:
        raise ValueError(f"measure {measure.id}: its achievement sentence is not well formed ({exc})") from None
    for name in fields:
        key = re.fullmatch(r"([mf])\[(.+)\]", name)
        if name in SENTENCE_FIELDS or (key and key.group(1) == "m" and key.group(2) in measures):
            continue
        if key and key.group(1) == "f" and key.group(2).split(":", 1)[0] in FIGURE_NAMES:
            continue
        raise ValueError(f"measure {measure.id}: its achievement sentence names {{{name}}}, which is not one of "
                         f"{', '.join(SENTENCE_FIELDS)}, m[a measure of the framework] or f[a figure]")


class Framework(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str
    board: str
    layout: Layout = Layout.STRATEGY
    priorities: list[Priority]

    @field_validator("priorities")
    @classmethod
    def _unique_measures(cls, priorities: list[Priority]) -> list[Priority]:
        seen: set[str] = set()
        for m in (m for p in priorities for o in p.outcomes for m in o.measures):
            if m.id in seen:
                raise ValueError(f"measure id {m.id!r} is used twice")
            seen.add(m.id)
        for m in (m for p in priorities for o in p.outcomes for m in o.measures):
            _check_sentence(m, seen)
        return priorities

    def measure(self, measure_id: str) -> Measure:
        for m in (m for p in self.priorities for o in p.outcomes for m in o.measures):
            if m.id == measure_id:
                return m
        raise FrameworkError(f"framework {self.id} has no measure {measure_id!r}")


def load_framework(ref: str | Path) -> Framework:
    """A framework by id from the library, or from a YAML file; errors name the file and the field."""
    path = Path(ref) if str(ref).endswith((".yaml", ".yml")) else LIBRARY / f"{ref}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in LIBRARY.glob("*.yaml")))
        raise FrameworkError(f"no framework {ref!r} (the library has {known}; or give a .yaml file)")
    try:
        return Framework.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{path}: not YAML: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise FrameworkError(f"{path}: {problems}") from None


def library() -> list[str]:
    """The shipped frameworks' ids."""
    return sorted(p.stem for p in LIBRARY.glob("*.yaml"))
