"""Outcome frameworks as data: the priorities, outcomes and measures a board governs the programme by.

A framework is a YAML file (`reports/frameworks/*.yaml` ship two, modelled on the Priority Families parts of a
Health and Wellbeing Board's strategy (seed 000) and a Children and Young People's Plan (seed 003)), validated
by the pydantic schema below with errors naming the file and field. Each measure has a source: a figure the
product computes (`FIGURES`, from `reports.statistics`) or a value a measure owner enters with its source
(`casedb.models.MeasureEntry`); a baseline, a target and a trajectory; and a RAG rule on or off trajectory. A
measure owner may override the rule's RAG with a reason, and writes the narrative per period; every entry is
kept, so the narrative has a history.

Periods are a programme year (`2015/16`, April to March), a calendar quarter (`2016Q2`) or a month
(`2016-07`); the figures are counted on the period's last day.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from pydantic import ValidationError

from priority_families.casedb.casework import Actor, record_measure_entry
from priority_families.casedb.models import ClosureReason, EntryKind, MeasureEntry, Rag
from priority_families.core.calendar import financial_year
from priority_families.reports.framework_files import (
    FIGURE_NAMES,
    Better,
    Framework,
    FrameworkError,
    Layout,
    Measure,
    Outcome,
    OutcomeKind,
    Period,
    Source,
    library,
    load_framework,
    period_of,
)
from priority_families.reports.statistics import ProgrammeStatistics

RAG_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN)  # worst first
__all__ = ["Framework", "FrameworkError", "Layout", "Outcome", "OutcomeKind", "Period", "library", "load_framework",
           "period_of"]


# --- Figures ---------------------------------------------------------------------------------------------


def _results(stats: ProgrammeStatistics, headlines: str, claimed: bool, mode: str) -> int:
    wanted = set(headlines.split("+"))
    total = 0
    for combination, met, of_them_claimed in stats.combinations:
        heads = set(combination.split(" + "))
        if (wanted <= heads) if mode == "all" else bool(wanted & heads):
            total += of_them_claimed if claimed else met
    return total


def _before_after(stats: ProgrammeStatistics, name: str, after: bool) -> float:
    for measure, _n, before, later in stats.before_after:
        if measure == name:
            return later if after else before
    raise FrameworkError(f"no before/after measure {name!r}: {', '.join(m for m, *_ in stats.before_after)}")


def figure_value(figure: str, stats: ProgrammeStatistics, period: Period) -> float:
    """A computed figure on the statistics counted on the period's last day."""
    name, _, arg = figure.partition(":")
    year = financial_year(period.end)
    match name:
        case "identified":
            return stats.identified
        case "worked_with":
            return stats.worked_with_to_date()
        case "worked_with_in_year":
            return dict(stats.worked_with).get(year, 0)
        case "claimed":
            return stats.claimed_to_date()
        case "claimed_in_year":
            return sum(n for y, _r, n in stats.claimed if y == year)
        case "claimed_route":
            return stats.claimed_to_date(arg)
        case "claimed_route_share":
            total = stats.claimed_to_date()
            return 100.0 * stats.claimed_to_date(arg) / total if total else 0.0
        case "results_met_all" | "results_met_any" | "results_claimed_all" | "results_claimed_any":
            return _results(stats, arg, "claimed" in name, name.rsplit("_", 1)[1])
        case "profile_share":
            share = stats.profile.share(arg)
            return 100.0 * share if share is not None else 0.0
        case "closed":
            if arg not in ClosureReason.values:
                raise FrameworkError(f"figure {figure!r}: closure reasons are {', '.join(ClosureReason.values)}")
            return stats.closed_for(arg)
        case "before" | "after":  # a rate is shown as a percentage
            value = _before_after(stats, arg, name == "after")
            return 100.0 * value if arg.endswith("rate") else value
    raise FrameworkError(f"figure {figure!r} is not known")


# --- Entries (what measure owners type in) ---------------------------------------------------------------


def enter(framework: Framework, measure_id: str, period: str, kind: str, actor: Actor, *,
          value: Decimal | None = None, rag: str = "", text: str = "") -> MeasureEntry:
    """Record a value (only for an entered measure), a narrative or a RAG override against the framework."""
    measure = framework.measure(measure_id)
    label = period_of(period).label
    if EntryKind(kind) is EntryKind.VALUE and measure.source.entered is None:
        raise FrameworkError(f"measure {measure_id} is computed by the product ({measure.source.figure}): "
                             "its value cannot be typed in")
    return record_measure_entry(framework.id, measure_id, label, kind, actor, value=value, rag=rag, text=text)


def latest_entries(framework: Framework, period: Period) -> dict[tuple[str, str], MeasureEntry]:
    """The entry in force per (measure, kind) for the period: the latest one."""
    found: dict[tuple[str, str], MeasureEntry] = {}
    for entry in MeasureEntry.objects.filter(framework=framework.id, period=period.label).order_by("at", "id"):
        found[(entry.measure, entry.kind)] = entry
    return found


def history(framework: Framework, measure_id: str) -> list[MeasureEntry]:
    """Every entry ever made for a measure, newest first (the narrative's history across periods)."""
    framework.measure(measure_id)
    return list(MeasureEntry.objects.filter(framework=framework.id, measure=measure_id).order_by("-at", "-id"))


# --- Scoring ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scored:
    measure: Measure
    value: float | None
    value_source: str  # the figure, or what the entered value was taken from (as entered)
    expected: float | None  # the trajectory on the period's last day
    rule_rag: Rag | None
    rag: Rag | None
    override_reason: str
    narrative: str
    narrative_by: str

    def achievement(self, on: date, values: dict[str, str] | None = None, figures: Mapping[str, str] | None = None
                    ) -> str:
        """The measure's sentence: {value}, {target}, {share_of_target}, {on}, {unit}, any measure's value of
        the framework as {m[measure_id]} and any computed figure as {f[figure]} (e.g. {f[before:offences]})."""
        if self.value is None:
            return f"{self.measure.label}: no value entered for this period"
        target = self.measure.target
        share = f"{self.value / target:.0%}" if target else ""
        try:
            return self.measure.achievement.format(value=number(self.value), target=number(target or 0),
                                                   share_of_target=share, on=on.strftime("%-d %B %Y"),
                                                   unit=self.measure.unit, m=values or {}, f=figures or {})
        except (KeyError, IndexError, ValueError) as exc:
            raise FrameworkError(f"measure {self.measure.id}: its achievement sentence names {exc}, which is not "
                                 "a placeholder or a measure of the framework") from None


class FigureValues(Mapping[str, str]):
    """Computed figures by name, as printed, worked out when a sentence names one."""

    def __init__(self, stats: ProgrammeStatistics, period: Period) -> None:
        self.stats, self.period = stats, period

    def __getitem__(self, figure: str) -> str:
        try:
            Source(figure=figure)
        except ValidationError:
            raise KeyError(figure) from None
        return number(figure_value(figure, self.stats, self.period))

    def __iter__(self) -> Iterator[str]:
        return iter(FIGURE_NAMES)

    def __len__(self) -> int:
        return len(FIGURE_NAMES)


def number(value: float) -> str:
    """A count as 1,019; anything else to one decimal place."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def expected_on(measure: Measure, on: date) -> float | None:
    """The trajectory on `on`: straight lines between its points (from the baseline), flat after the last."""
    points = [(p.day, p.value) for p in measure.trajectory]
    if measure.baseline is not None and measure.baseline_on is not None:
        points.insert(0, (measure.baseline_on, measure.baseline))
    if not points or on < points[0][0]:
        return None
    for (d0, v0), (d1, v1) in itertools.pairwise(points):
        if d0 <= on <= d1:
            return v0 + (v1 - v0) * (on - d0).days / max((d1 - d0).days, 1)
    return points[-1][1]


def rule_rag(measure: Measure, value: float | None, expected: float | None) -> Rag | None:
    """On or ahead of the trajectory GREEN, from `amber_from` of it AMBER, else RED; None when either is unknown."""
    if value is None or expected is None:
        return None
    if measure.rag.better is Better.HIGHER:
        ratio = value / expected if expected else 1.0
    else:
        ratio = expected / value if value else 1.0
    return Rag.GREEN if ratio >= 1 else Rag.AMBER if ratio >= measure.rag.amber_from else Rag.RED


def score(framework: Framework, stats: ProgrammeStatistics, period: Period) -> dict[str, Scored]:
    """Every measure's value, trajectory, RAG (the rule's, or the override in force) and narrative."""
    entries = latest_entries(framework, period)
    scored = {}
    for m in (m for p in framework.priorities for o in p.outcomes for m in o.measures):
        entered = entries.get((m.id, EntryKind.VALUE))
        if m.source.figure is not None:
            value, source = figure_value(m.source.figure, stats, period), m.source.figure
        else:
            value = float(entered.value) if entered is not None else None
            source = f"entered by {entered.by}: {entered.text}" if entered is not None else m.source.entered or ""
        expected = expected_on(m, period.end)
        by_rule = rule_rag(m, value, expected)
        override = entries.get((m.id, EntryKind.RAG))
        narrative = entries.get((m.id, EntryKind.NARRATIVE))
        scored[m.id] = Scored(m, value, source, expected, by_rule, Rag(override.rag) if override else by_rule,
                              override.text if override else "", narrative.text if narrative else "",
                              narrative.by if narrative else "")
    return scored


def outcome_rag(outcome: Outcome, scored: dict[str, Scored]) -> Rag | None:
    """An outcome's RAG is its worst measure's."""
    rags = [scored[m.id].rag for m in outcome.measures if scored[m.id].rag is not None]
    return min(rags, key=RAG_ORDER.index) if rags else None

