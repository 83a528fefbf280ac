"""Generate a synthetic county: extracts in the canonical format plus ground truth, for K+1 refreshes.

Each unit (one household, or two whose lives touch) is simulated over the whole timeline once; its
records are then written to every refresh whose window shows them, and its truth (households,
families, family ids across refreshes, eligibility from the rules oracle) is worked out on the clean
records that refresh shows. Then the unit is dropped: only counters stay in memory.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from priority_families.ingest.schema import FACT_KINDS
from priority_families.synth.attachments import (
    ATTACHMENT_HEADER,
    RESULTS_HEADER,
    Attached,
    Attacher,
    results_rows,
)
from priority_families.synth.calendar import age_on
from priority_families.synth.facts import Record, RecordMaker, UnitFacts
from priority_families.synth.gazetteer import write_gazetteer
from priority_families.synth.geography import write_county_geography
from priority_families.synth.hard_addresses import AddressNoise, harden_addresses
from priority_families.synth.oracle import evaluate_family
from priority_families.synth.places import address_of
from priority_families.synth.population import Person, PopulationState, Timeline, make_unit
from priority_families.synth.truth import CleanFact, TruePerson
from priority_families.synth.writer import PLAN_IDS, RefreshWriter, cell

AUTHORITY = "Synthetown"


@dataclass
class RefreshSummary:
    as_of: date
    folder: Path
    people: int = 0
    households: int = 0
    families: int = 0
    records: dict[str, int] = field(default_factory=dict)
    eligible: dict[str, int] = field(default_factory=lambda: {plan: 0 for plan in PLAN_IDS})
    lineage: dict[str, int] = field(default_factory=dict)
    results: dict[str, int] = field(default_factory=dict)  # attached families with a claim route, per plan


@dataclass
class SynthSummary:
    seed: int
    people_generated: int
    refreshes: list[RefreshSummary]
    seconds: float = 0.0
    attached: int = 0


@dataclass
class _FamilyState:
    """What a unit remembers of its families at the previous refresh: id, members, place."""

    families: dict[str, tuple[frozenset[str], int]] = field(default_factory=dict)


class _Ids:
    def __init__(self) -> None:
        self.next_family = 1

    def family(self) -> str:
        self.next_family += 1
        return f"F{self.next_family - 1:07d}"


def refresh_folder(out: Path, k: int) -> Path:
    return out if k == 0 else out / f"follow-up-{k}"


def current_places(records: list[Record]) -> dict[str, int]:
    """Each person's current place: the place on their most recent dated record with an address line;
    ties go to the record with a UPRN (rules.md, 'People, households, families')."""
    best: dict[str, tuple[date, bool, int]] = {}
    for r in records:
        if r.place is None:
            continue
        key = (r.event, r.has_uprn, r.place)
        pid = r.person.person_id
        old = best.get(pid)
        if old is None or key[:2] > old[:2]:
            best[pid] = key
    return {pid: key[2] for pid, key in best.items()}


def assign_families(current: dict[str, tuple[frozenset[str], int]], previous: _FamilyState,
                    ids: _Ids) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Family ids for this refresh's families (keyed by household id) and their lineage rows.

    A family keeps the id of a previous family when it holds more than half of that family's members
    (at most one successor can); it is `moved` when its place changed, `merged` when it also holds
    members of another previous family, else `unchanged`. A family that keeps no id but holds members
    of a previous family is a `split` from the one it shares most members with; otherwise `new`.
    """
    ids_by_household: dict[str, str] = {}
    lineage: list[tuple[str, str, str]] = []
    for household_id in sorted(current):
        members, place = current[household_id]
        overlaps = sorted(
            ((len(members & old_members), fid) for fid, (old_members, _) in previous.families.items()
             if members & old_members),
            key=lambda x: (-x[0], x[1]),
        )
        keeper = next((fid for n, fid in overlaps if 2 * n > len(previous.families[fid][0])), None)
        if keeper is not None:
            old_place = previous.families[keeper][1]
            change = "merged" if len(overlaps) > 1 else ("moved" if old_place != place else "unchanged")
            ids_by_household[household_id] = keeper
            lineage.append((keeper, keeper, change))
        elif overlaps:
            fid = ids.family()
            ids_by_household[household_id] = fid
            lineage.append((fid, overlaps[0][1], "split"))
        else:
            fid = ids.family()
            ids_by_household[household_id] = fid
            lineage.append((fid, "", "new"))
    previous.families = {ids_by_household[h]: current[h] for h in current}
    return ids_by_household, lineage


def household_id_of(place: int) -> str:
    return f"H{place:07d}"


class CountyWriter:
    """Writes one unit at a time to every refresh folder and keeps the running summary."""

    def __init__(self, out: Path, timeline: Timeline, authority: str, attacher: Attacher | None = None,
                 gazetteer: bool = False) -> None:
        self.timeline = timeline
        self.gazetteer = gazetteer
        self.attacher = attacher
        extra = {"attachments": ATTACHMENT_HEADER} if attacher else {}
        self.writers = [RefreshWriter(refresh_folder(out, k), as_of, authority,
                                      extra if k == 0 else {"results": RESULTS_HEADER} if attacher else {})
                        for k, as_of in enumerate(timeline.as_ofs)]
        self.summaries = [RefreshSummary(as_of, refresh_folder(out, k)) for k, as_of in enumerate(timeline.as_ofs)]
        self.ids = _Ids()
        self.attached = 0
        self.places = 0  # one more than the highest place number any refresh shows (for the lookup)

    def write_unit(self, people: list[Person], records: list[Record],
                   hard_cases: list[tuple[str, str, str]]) -> None:
        family_state = _FamilyState()
        attached: list[Attached] = []
        for k, as_of in enumerate(self.timeline.as_ofs):
            window_start = self.timeline.window_start(k)
            shown = [r for r in records if r.visible(as_of, window_start)]
            eligible = self._write_refresh(k, as_of, people, shown, family_state)
            for row in hard_cases:
                self.writers[k].truth_row("hard_cases", list(row))
            if k == 0 and self.attacher is not None:
                attached = self.attacher.choose(eligible, as_of)
                records = self.attacher.change(records, people, attached)
                for family in attached:
                    self.writers[0].truth_row("attachments", family.attachment_row())
                self.attached += len(attached)
            elif attached:
                self._write_results(k, as_of, people, shown, attached, eligible)

    def _write_results(self, k: int, as_of: date, people: list[Person], shown: list[Record],
                       attached: list[Attached], families: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        """Results of the attached families at this refresh: their members at attachment and now (the
        members of the family that carries the id on), as the case record reads them."""
        facts = [CleanFact(r.fact, r.person.person_id, r.source, r.record_id, r.values_at(as_of)) for r in shown]
        for family in attached:
            now = families.get(family.family_id, ((), ()))[0]
            for row in results_rows(family, as_of, people, facts, now):
                self.writers[k].truth_row("results", row)
                if row[-1]:
                    plan = str(row[1])
                    self.summaries[k].results[plan] = self.summaries[k].results.get(plan, 0) + 1

    def _write_refresh(self, k: int, as_of: date, people: list[Person], shown: list[Record],
                       family_state: _FamilyState) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Write one refresh's rows for the unit; return its families' members and the plans they are eligible
        under (family id -> (members, plans))."""
        writer, summary = self.writers[k], self.summaries[k]
        places = current_places(shown)
        self.places = max([self.places, *(place + 1 for place in places.values())])
        by_id = {p.person_id: p for p in people}
        households: dict[str, list[Person]] = {}
        for pid, place in places.items():
            households.setdefault(household_id_of(place), []).append(by_id[pid])
        families = {
            hid: (frozenset(p.person_id for p in members), places[members[0].person_id])
            for hid, members in households.items()
            if any(age_on(p.dob, as_of) < 18 for p in members)
        }
        family_ids, lineage = assign_families(families, family_state, self.ids)
        household_of = {pid: household_id_of(place) for pid, place in places.items()}
        family_of = {pid: family_ids.get(hid, "") for pid, hid in household_of.items()}
        for r in shown:
            values = r.values_at(as_of)
            writer.fact_row(r.fact, [r.source, r.record_id, *r.columns,
                                     *[cell(values.get(c)) for c in FACT_KINDS[r.fact].column_names]])
            pid = r.person.person_id
            writer.truth_row("records", [r.fact, r.source, r.record_id, pid, household_of.get(pid, ""),
                                         family_of.get(pid, "")])
        for pid in sorted(places):
            p, addr = by_id[pid], address_of(places[pid])
            writer.truth_row("people", [pid, p.first_name, p.last_name, p.dob, p.sex, household_of[pid],
                                        family_of[pid], addr.line1, addr.postcode, addr.uprn])
        eligible: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        facts_of: dict[str, list[CleanFact]] = {}
        for r in shown:
            facts_of.setdefault(r.person.person_id, []).append(
                CleanFact(r.fact, r.person.person_id, r.source, r.record_id, r.values_at(as_of)))
        for hid in sorted(families):
            members = sorted(families[hid][0])
            true_members = [TruePerson(pid, by_id[pid].dob, by_id[pid].sex) for pid in members]
            facts = [f for pid in members for f in facts_of.get(pid, [])]
            row: list[object] = [family_ids[hid], hid, len(members),
                                 sum(1 for pid in members if age_on(by_id[pid].dob, as_of) < 18)]
            plans = []
            for plan in PLAN_IDS:
                verdict = evaluate_family(plan, as_of, true_members, facts)
                row += [verdict.eligible, ";".join(sorted(verdict.headlines))]
                summary.eligible[plan] += verdict.eligible
                if verdict.eligible:
                    plans.append(plan)
            writer.truth_row("families", row)
            eligible[family_ids[hid]] = (tuple(members), tuple(plans))
        for row in lineage:
            writer.truth_row("family_lineage", list(row))
            summary.lineage[row[2]] = summary.lineage.get(row[2], 0) + 1
        summary.people += len(places)
        summary.households += len(households)
        summary.families += len(families)
        return eligible

    def close(self) -> list[RefreshSummary]:
        for writer, summary in zip(self.writers, self.summaries):
            writer.close()
            write_county_geography(writer.folder, self.places)
            if self.gazetteer:
                write_gazetteer(writer.folder, self.places)
            summary.records = dict(writer.counts)
        return self.summaries


def default_attach_share(follow_ups: int) -> float:
    """Half the eligible families are attached when there are follow-ups to see their results in."""
    return 0.5 if follow_ups > 0 else 0.0


def generate(out: Path, people: int, as_of: date, seed: int, follow_ups: int = 0,
             authority: str = AUTHORITY, on_progress: Callable[[int], None] | None = None,
             attach_share: float | None = None,
             address_noise: AddressNoise = AddressNoise.STANDARD, gazetteer: bool = False) -> SynthSummary:
    """Write a county of about `people` people to `out` (and `out/follow-up-K` for each follow-up).

    Same arguments, same bytes: every random choice comes from generators seeded with `seed`.
    `on_progress` is called with the number of people generated so far after each unit.
    `attach_share` of the families eligible under any plan are attached on `as_of` (see
    `synth.attachments`), written to `truth/attachments.csv`, with their results at each follow-up in
    `follow-up-K/truth/results.csv`; default `default_attach_share(follow_ups)`.
    `address_noise` `hard` adds the slips of `synth.hard_addresses` (blank postcodes and shifted digits on
    the latest record, flats written other ways, abbreviations with typos, the street alone).
    `gazetteer` writes `gazetteer.csv` (every place of the county's streets, as an LLPG would) in each
    refresh folder (`synth.gazetteer`).
    """
    started = time.perf_counter()
    share = default_attach_share(follow_ups) if attach_share is None else attach_share
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"attach share {share} is not between 0 and 1")
    timeline = Timeline.starting(as_of, follow_ups)
    state = PopulationState(random.Random(seed), timeline)
    maker = RecordMaker(state.rng)
    attacher = Attacher(seed, share, maker.counters) if share > 0 else None
    county = CountyWriter(Path(out), timeline, authority, attacher, gazetteer)
    generated = 0
    try:
        while generated < people:
            unit = make_unit(state)
            maker.records = []
            records = UnitFacts(state, maker).generate(unit)
            if AddressNoise(address_noise) is AddressNoise.HARD:
                harden_addresses(state, records, timeline)
            unit_people = unit.people
            county.write_unit(unit_people, records, state.hard_cases)
            state.hard_cases = []
            generated += len(unit_people)
            if on_progress is not None:
                on_progress(generated)
    finally:
        summaries = county.close()
    return SynthSummary(seed, generated, summaries, time.perf_counter() - started, county.attached)

