"""Synthetic attachments: a seeded share of eligible families is attached, and their lives then change.

Lead workers attach families the day the cohort is published (`attached_on` = the base refresh's
as_of): a later date would need the refresh to know what happened between as_of and attachment, and
the product freezes baselines from the refresh at attachment. Each attached family then follows one
trajectory, drawn from its own seeded generator so the rest of the county is unchanged:

- `improves`: after attachment its problem events stop (offences, ASB, missing episodes, exploitation,
  domestic abuse, MARAC, exclusions, arrears, NEET), school absence falls, open child-in-need or
  protection episodes close within 1 to 4 months;
- `works`: one adult on an out-of-work benefit at attachment leaves it within 2 to 8 weeks for a job
  that lasts;
- `both`, or `unchanged`.

Half the `improves` families with an adult on an out-of-work benefit at attachment also see that adult start
the Work Programme 6 to 11 months after attachment (drawn from the family's own generator, so every other
draw is unchanged): under national-2012 such a family turned around is claimed twice, for its results and for
progress to work (decision 20), and the oracle must expect both claims.

Only events after attachment change, so the base refresh and its eligibility are untouched. Results
truth is then worked out by the rules oracle on each follow-up's clean records (no attestations).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from priority_families.plans.loader import load_plan
from priority_families.plans.schema import ClaimRoute
from priority_families.synth.calendar import age_on
from priority_families.synth.facts import Record, RecordMaker, pick_weighted
from priority_families.synth.oracle import OUT_OF_WORK_BENEFITS, evaluate_results
from priority_families.synth.population import Person
from priority_families.synth.truth import CleanFact, TruePerson

TRAJECTORIES: tuple[tuple[str, float], ...] = (
    ("improves", 0.35), ("works", 0.2), ("both", 0.15), ("unchanged", 0.3))
AGENCIES = ("Early Help", "Youth Offending Service", "Children's Social Care", "Housing", "Family Intervention")
STOPPED_FACTS = frozenset({"offence", "asb_incident", "missing_episode", "exploitation_risk", "domestic_abuse",
                           "marac", "exclusion", "referral", "asb_intervention", "justice", "education_status",
                           "breach"})
BAD_HOUSING = frozenset({"rent_arrears", "eviction_notice", "homeless", "debt"})
CIN_CP = frozenset({"child_in_need", "child_protection"})
ATTACHMENT_HEADER = ["family_id", "attached_on", "lead_worker", "lead_agency", "trajectory"]
RESULTS_HEADER = ["family_id", "plan_id", "attached_on", "evaluated_on", "headlines_at_attachment",
                  "headlines_met", "routes", "claim"]


@dataclass(frozen=True)
class Attached:
    """One attached truth family: its id and members at attachment and the plans it was eligible under."""

    family_id: str
    members: tuple[str, ...]
    plans: tuple[str, ...]
    attached_on: date
    lead_worker: str
    lead_agency: str
    trajectory: str

    def attachment_row(self) -> list[object]:
        return [self.family_id, self.attached_on, self.lead_worker, self.lead_agency, self.trajectory]


@cache
def _claim_routes(plan_id: str) -> tuple[ClaimRoute, ...]:
    return tuple(load_plan(plan_id).claim_routes)


def claims_for(plan_id: str, routes: set[str]) -> tuple[str, ...]:
    """The oracle's claims for a family meeting `routes`, read from the plan's claim groups: in each group the
    first route met (plan order), less any whose group another chosen route excludes; in plan order."""
    chosen: dict[str, ClaimRoute] = {}
    for route in _claim_routes(plan_id):
        if route.id in routes and route.claim_group not in chosen:
            chosen[route.claim_group] = route
    excluded = {group for route in chosen.values() for group in route.excludes}
    return tuple(r.id for r in chosen.values() if r.claim_group not in excluded)


class Attacher:
    """Chooses attached families unit by unit and changes their records after attachment."""

    def __init__(self, seed: int, share: float, counters: dict[str, int]) -> None:
        self.share = share
        self.rng = random.Random(f"attachments-{seed}")
        self.maker = RecordMaker(self.rng)
        self.maker.counters = counters  # new records continue the county's record numbering

    def choose(self, eligible: dict[str, tuple[tuple[str, ...], tuple[str, ...]]], as_of: date) -> list[Attached]:
        """`eligible`: family id -> (members, plans it is eligible under), for one unit's families."""
        chosen = []
        for fid in sorted(eligible):
            members, plans = eligible[fid]
            if not plans or self.rng.random() >= self.share:
                continue
            worker = f"Lead worker {self.rng.randrange(1, 25):02d}"
            chosen.append(Attached(fid, members, plans, as_of, worker, self.rng.choice(AGENCIES), pick_weighted(self.rng, TRAJECTORIES)))
        return chosen

    def change(self, records: list[Record], people: list[Person], attached: list[Attached]) -> list[Record]:
        """The unit's records with each attached family's trajectory applied after its attachment."""
        by_id = {p.person_id: p for p in people}
        for family in attached:
            members = {by_id[pid] for pid in family.members}
            a = family.attached_on
            if family.trajectory in ("improves", "both"):
                records = self._improve(records, members, a)
            if family.trajectory == "improves":
                self._steps_to_work(records, members, a, family.family_id)
            if family.trajectory in ("works", "both"):
                records = self._into_work(records, members, a)
        return records

    def _improve(self, records: list[Record], members: set[Person], a: date) -> list[Record]:
        kept = []
        for r in records:
            if r.person not in members or r.event <= a and r.fact != "social_care":
                kept.append(r)
                continue
            kind = r.values.get("kind")
            if r.event > a and (r.fact in STOPPED_FACTS or (r.fact == "housing" and kind in BAD_HOUSING)
                                or (r.fact == "ae_attendance" and r.place is None)):
                continue
            if r.event > a and r.fact == "neet" and kind == "neet":
                r.values = {**r.values, "kind": "eet"}
            elif r.event > a and r.fact == "school_attendance":
                possible = r.values["possible_sessions"]
                r.values = {**r.values, "authorised_absence": possible // 50, "unauthorised_absence": 0}
            elif r.fact == "social_care" and kind in CIN_CP:
                if r.event > a:
                    continue
                end = r.values.get("end_date")
                close = a + timedelta(days=self.rng.randrange(30, 120))
                if end is None or end > close:
                    r.values = {**r.values, "end_date": close}
                    r.last_date = close
            kept.append(r)
        return kept

    def _steps_to_work(self, records: list[Record], members: set[Person], a: date, family_id: str) -> None:
        """Half the time, one adult on an out-of-work benefit at `a` starts the Work Programme 6 to 11 months
        later (a progress-to-work result a year on); appended to `records`, drawn from the family's own
        generator so the attacher's draws for every other family are unchanged."""
        rng = random.Random(f"steps-to-work-{family_id}")
        adults = sorted({r.person.person_id: r.person for r in records if r.person in members
                         and _on_benefit(r, a) and age_on(r.person.dob, a) >= 18}.items())
        if not adults or rng.random() >= 0.5:
            return
        maker = RecordMaker(rng)
        maker.counters, maker.records = self.maker.counters, records  # the county's numbering, these records
        start = a + timedelta(days=rng.randrange(183, 335))
        maker.spell("work_progress", "work_programme", adults[rng.randrange(len(adults))][1], start,
                    start + timedelta(days=rng.randrange(60, 200)), kind="work_programme")

    def _into_work(self, records: list[Record], members: set[Person], a: date) -> list[Record]:
        """One adult on an out-of-work benefit at `a` leaves it for a job that lasts."""
        def on_benefit(r: Record) -> bool:
            return _on_benefit(r, a)
        adults = sorted({r.person.person_id: r.person for r in records
                         if r.person in members and on_benefit(r) and age_on(r.person.dob, a) >= 18}.items())
        if not adults:
            return records
        worker = adults[self.rng.randrange(len(adults))][1]
        leaves = a + timedelta(days=self.rng.randrange(14, 56))
        kept = []
        for r in records:
            if r.person is worker and r.fact in ("benefit", "employment") and r.event > a and (
                    r.fact == "employment" or r.values.get("kind") in OUT_OF_WORK_BENEFITS):
                continue
            if r.person is worker and on_benefit(r):
                r.values = {**r.values, "end_date": leaves}
                r.last_date = leaves
            kept.append(r)
        self.maker.records = kept
        self.maker.spell("employment", "dwp", worker, leaves + timedelta(days=1), None,
                         hours_per_week=float(self.rng.choice((16, 20, 25, 30, 37.5))))
        return kept


def _on_benefit(r: Record, a: date) -> bool:
    """An out-of-work benefit spell open at `a`."""
    end = r.values.get("end_date")
    return (r.fact == "benefit" and r.values.get("kind") in OUT_OF_WORK_BENEFITS
            and r.values["start_date"] <= a and (end is None or end > a))


def results_rows(family: Attached, as_of: date, people: list[Person], facts: list[CleanFact],
                 members_now: tuple[str, ...] = ()) -> list[list[object]]:
    """One row per plan the family was eligible under: the oracle's results at this refresh's as_of, over
    its members at attachment and `members_now` (who is in the family carrying its id now)."""
    by_id = {p.person_id: p for p in people}
    pids = sorted(set(family.members) | set(members_now))
    members = [TruePerson(pid, by_id[pid].dob, by_id[pid].sex) for pid in pids]
    own = [f for f in facts if f.person_id in set(pids)]
    rows: list[list[object]] = []
    for plan in family.plans:
        verdict = evaluate_results(plan, family.attached_on, as_of, members, own)
        claim = ";".join(sorted(claims_for(plan, set(verdict.routes))))
        rows.append([family.family_id, plan, family.attached_on, as_of,
                     ";".join(sorted(verdict.headlines_at_attachment)), ";".join(sorted(verdict.headlines_met)),
                     ";".join(sorted(verdict.routes)), claim])
    return rows
