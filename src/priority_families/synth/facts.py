"""The clean facts of one unit over the whole timeline, with problems clustering in troubled homes.

Every household carries a latent propensity; each kind of problem arrives at a rate that grows with
it, so problems cluster and a realistic minority of families meet two or more headlines. On top of
that, a share of people get facts placed exactly on the edges of the rules (a date exactly 12 months
before `as_of`, a spell ending on `as_of`, 15% absence against 14.75%, ...), relative to one of the
refresh dates, so that an off-by-one in the product shows up as a wrong family.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from priority_families.synth.calendar import DAY, add_months, age_on, last_terms, terms_between
from priority_families.synth.noise import person_columns
from priority_families.synth.population import Person, PopulationState, Unit

SOURCE_PREFIX: dict[str, str] = {
    "school_census": "SC", "police": "POL", "youth_justice": "YJ", "housing": "HSG", "probation": "PRB",
    "marac": "MAR", "dwp": "DWP", "work_programme": "WP", "social_care": "SCR", "mash": "MASH",
    "connexions": "CNX", "health": "HLT", "acute_trust": "AE",
}
# (share of rows with an address line, share of those with a UPRN): properties of the clean data.
ADDRESS_SHARE: dict[str, tuple[float, float]] = {
    "school_census": (0.99, 0.3), "police": (0.85, 0.02), "youth_justice": (0.9, 0.02), "housing": (1.0, 0.9),
    "probation": (0.9, 0.02), "marac": (0.7, 0.0), "dwp": (0.97, 0.2), "work_programme": (0.9, 0.0),
    "social_care": (0.95, 0.5), "mash": (0.8, 0.3), "connexions": (0.9, 0.05), "health": (0.9, 0.05),
    "acute_trust": (0.9, 0.0),
}
OUT_OF_WORK = (("JSA", 0.25), ("ESA", 0.25), ("IS", 0.1), ("CA", 0.08), ("IB", 0.04), ("SDA", 0.01),
               ("UC_work_related", 0.27))
ASB_KINDS = ("acceptable_behaviour_contract", "injunction", "criminal_behaviour_order", "tenancy_warning",
             "community_protection_notice")
WORK_STEPS = ("volunteering", "work_club", "work_experience", "apprenticeship", "qualification",
              "work_programme", "esf")


@dataclass(slots=True)
class Record:
    """One extract row: clean values for truth, noisy person columns for the file."""

    fact: str
    source: str
    record_id: str
    person: Person
    event: date  # what dates the row for "current address"
    values: dict[str, Any]
    place: int | None
    has_uprn: bool
    columns: list[str]
    first_seen: date  # shown in refreshes whose as_of is on or after this
    last_date: date | None  # shown while this is blank or after the refresh window's start

    def visible(self, as_of: date, window_start: date) -> bool:
        return self.first_seen <= as_of and (self.last_date is None or self.last_date > window_start)

    def values_at(self, as_of: date) -> dict[str, Any]:
        """The fact values as the partner knows them on `as_of`: a spell ending later is still open."""
        end = self.values.get("end_date")
        if end is not None and end > as_of:
            return {**self.values, "end_date": None}
        return self.values


def pick_weighted(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    r = rng.random() * sum(w for _, w in weighted)
    for name, w in weighted:
        r -= w
        if r < 0:
            return name
    return weighted[-1][0]


class RecordMaker:
    """Numbers records per source and gives each its address and noisy person columns."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.counters: dict[str, int] = {s: 0 for s in SOURCE_PREFIX}
        self.records: list[Record] = []

    def add(self, fact: str, source: str, person: Person, values: dict[str, Any], *, event: date,
            first_seen: date | None = None, last_date: date | None = None, spell: bool = False,
            force_address: bool = False) -> Record | None:
        if event < person.dob:
            return None
        rng = self.rng
        self.counters[source] += 1
        record_id = f"{SOURCE_PREFIX[source]}{self.counters[source]:08d}"
        address_share, uprn_share = ADDRESS_SHARE[source]
        place = person.place_at(event) if force_address or rng.random() < address_share else None
        has_uprn = place is not None and rng.random() < uprn_share
        dob_blank = 0.1 if source in ("marac", "police") else 0.03
        columns = person_columns(rng, person, source, place, has_uprn, dob_blank)
        record = Record(fact, source, record_id, person, event, values, place, has_uprn, columns,
                        first_seen or event, values.get("end_date") if spell else (last_date or event))
        self.records.append(record)
        return record

    def dated(self, fact: str, source: str, person: Person, on: date, **values: Any) -> Record | None:
        return self.add(fact, source, person, {"date": on, **values}, event=on)

    def spell(self, fact: str, source: str, person: Person, start: date, end: date | None,
              **values: Any) -> Record | None:
        return self.add(fact, source, person, {"start_date": start, "end_date": end, **values},
                        event=start, spell=True)


def arrivals(rng: random.Random, rate_per_year: float, start: date, end: date) -> list[date]:
    """Dates of a Poisson process with `rate_per_year` between `start` and `end`."""
    out: list[date] = []
    if rate_per_year <= 0 or end <= start:
        return out
    t = start
    while True:
        gap = rng.expovariate(rate_per_year / 365.25)
        if gap > (end - t).days:
            return out
        t = t + timedelta(days=int(gap))
        out.append(t)


class UnitFacts:
    """Generates every fact of one unit; `state.tag` records the hard cases it plants."""

    def __init__(self, state: PopulationState, maker: RecordMaker) -> None:
        self.state = state
        self.rng = state.rng
        self.tl = state.timeline
        self.maker = maker

    # ---- helpers -------------------------------------------------------------------------------
    def alive_range(self, person: Person, start: date) -> tuple[date, date]:
        return max(start, person.dob), self.tl.end

    def edge_as_of(self) -> date:
        return self.rng.choice(self.tl.as_ofs)

    def boundary(self) -> bool:
        return self.rng.random() < 0.02

    # ---- the unit ------------------------------------------------------------------------------
    def generate(self, unit: Unit) -> list[Record]:
        for group in unit.groups:
            for person in group.members:
                self.person_facts(person)
            self.household_facts(group.members, group.propensity)
        for person in unit.people:
            self.moved_records(person)
        self.ensure_presence(unit.people)
        return self.maker.records

    def person_facts(self, person: Person) -> None:
        self.school(person)
        self.crime(person)
        self.work(person)
        self.young_person(person)
        self.child_risks(person)
        self.health(person)
        self.edges(person)

    # ---- school --------------------------------------------------------------------------------
    def school(self, person: Person) -> None:
        rng, t = self.rng, person.propensity
        terms = [(label, first, last) for label, first, last in terms_between(self.tl.start, self.tl.end)
                 if 4 <= age_on(person.dob, date(first.year if first.month >= 9 else first.year - 1, 8, 31)) <= 15]
        if not terms:
            return
        overrides: dict[str, tuple[int, int, int]] = {}
        if self.rng.random() < 0.05:
            overrides = self.absence_edge(person, {label for label, _, _ in terms})
        rate = 0.02 + rng.random() * 0.05 + t * rng.uniform(0.0, 0.35)
        unauth_share = min(0.9, 0.2 + 0.6 * t)
        dual: set[str] = set()
        if rng.random() < 0.01 + 0.08 * t:
            # dual registration (e.g. a pupil referral unit beside the school): two rows for the same term
            i = rng.randrange(len(terms))
            dual = {label for label, _, _ in terms[i:i + rng.randrange(1, 4)]}
            self.state.tag("two_attendance_rows_per_term", person, ";".join(sorted(dual)))
        for label, first, last in terms:
            if label in overrides:
                possible, auth, unauth = overrides[label]
            else:
                possible = {"autumn": 140, "spring": 120, "summer": 140}[label[5:]] - rng.randrange(0, 6) * 2
                absent = min(possible // 2, max(0, round(possible * rate * rng.uniform(0.5, 1.5))))
                unauth = round(absent * unauth_share)
                auth = absent - unauth
            for row in self.split_term((possible, auth, unauth)) if label in dual else [(possible, auth, unauth)]:
                self.maker.add("school_attendance", "school_census", person,
                               {"term": label, "possible_sessions": row[0], "authorised_absence": row[1],
                                "unauthorised_absence": row[2]},
                               event=first, first_seen=last, last_date=first)
        self.exclusions(person, terms)

    def split_term(self, row: tuple[int, int, int]) -> list[tuple[int, int, int]]:
        """One term's sessions and absences shared between two rows that sum to the original."""
        possible, auth, unauth = row
        share = self.rng.uniform(0.2, 0.5)
        p2 = round(possible * share)
        a2 = min(round(auth * share), p2)
        u2 = min(round(unauth * share), p2 - a2)
        if auth - a2 + unauth - u2 > possible - p2:
            return [row]
        return [(possible - p2, auth - a2, unauth - u2), (p2, a2, u2)]

    def absence_edge(self, person: Person, at_school: set[str]) -> dict[str, tuple[int, int, int]]:
        """Absence over the last 3 terms exactly on, or just under, 10% overall or 15% unauthorised."""
        as_of = self.edge_as_of()
        terms = last_terms(as_of)
        if not 5 <= age_on(person.dob, as_of) <= 15 or any(label not in at_school for label, _, _ in terms):
            return {}
        sizes = (140, 120, 140)  # 400 sessions: 10% = 40, 15% = 60
        case = self.state.turn("absence", 4)
        unauth_total, auth_total, name = (
            (20, 20, "absence_overall_10pct"), (19, 20, "absence_overall_9.75pct"),
            (60, 0, "absence_unauthorised_15pct"), (59, 0, "absence_unauthorised_14.75pct"),
        )[case]
        self.state.tag(name, person, as_of.isoformat())
        out = {}
        for i, (label, _, _) in enumerate(terms):
            u = unauth_total // 3 + (unauth_total % 3 if i == 2 else 0)
            a = auth_total // 3 + (auth_total % 3 if i == 2 else 0)
            out[label] = (sizes[i], a, u)
        return out

    def exclusions(self, person: Person, terms: list[tuple[str, date, date]]) -> None:
        rng, t = self.rng, person.propensity
        fixed_rate = 0.01 + 1.5 * t * t
        edge_terms: list[tuple[str, date, date]] = []
        if self.rng.random() < 0.04:
            as_of = self.edge_as_of()
            if 5 <= age_on(person.dob, as_of) <= 15:
                edge_terms = last_terms(as_of, 4)
        blocked = {label for label, _, _ in edge_terms}
        for label, first, last in terms:
            if label in blocked:
                continue
            for _ in arrivals(rng, fixed_rate * 3, first, last):
                on = self.tl.random_date(rng, first, last)
                self.maker.dated("exclusion", "school_census", person, on, kind="fixed",
                                 sessions=rng.randrange(1, 11))
            if rng.random() < (0.0005 + 0.01 * t):
                on = self.tl.random_date(rng, first, last)
                self.maker.dated("exclusion", "school_census", person, on, kind="permanent", sessions=None)
                kind = "alternative_provision" if rng.random() < 0.8 else "not_registered"
                start = on + timedelta(days=rng.randrange(1, 30))
                self.maker.spell("education_status", "school_census", person, start,
                                 start + timedelta(days=rng.randrange(60, 400)), kind=kind)
        if edge_terms:
            before, *last3 = edge_terms
            count = 3 - self.state.turn("fixed_exclusions", 2)
            self.state.tag(f"fixed_exclusions_{count}_in_last_3_terms", person, last3[-1][2].isoformat())
            dates = [last3[0][1], last3[1][1] + timedelta(days=10), last3[2][2]][:count]
            if count == 2:
                dates.append(before[2])  # the day the 4th-last term ends: outside the 3 terms
            for on in dates:
                self.maker.dated("exclusion", "school_census", person, on, kind="fixed", sessions=2)
        if rng.random() < 0.003 + 0.02 * t and terms:
            start = self.tl.random_date(rng, terms[0][1], terms[-1][2])
            kind = rng.choice(("not_registered", "home_educated", "home_educated"))
            self.maker.spell("education_status", "school_census", person, start,
                             start + timedelta(days=rng.randrange(30, 500)), kind=kind)
        if self.boundary():
            as_of = self.edge_as_of()
            if 5 <= age_on(person.dob, as_of) <= 15:
                closed = self.state.turn("education_spell", 2) == 1
                end = as_of - DAY if closed else as_of
                self.state.tag("education_spell_ends_" + ("day_before_as_of" if closed else "on_as_of"),
                               person, as_of.isoformat())
                self.maker.spell("education_status", "school_census", person, add_months(as_of, -5), end,
                                 kind="alternative_provision")

    # ---- crime ---------------------------------------------------------------------------------
    def crime(self, person: Person) -> None:
        rng, t = self.rng, person.propensity
        start, end = self.alive_range(person, self.tl.start)
        sex_factor = 1.6 if person.sex == "M" else 0.6
        for on in arrivals(rng, (0.005 + 0.8 * t ** 1.5) * sex_factor * 1.5, start, end):
            age = age_on(person.dob, on)
            if age < 10 or (not 12 <= age <= 25 and rng.random() < 1 / 1.5):
                continue  # offending peaks from 12 to 25
            source = "youth_justice" if age < 18 else "police"
            self.maker.dated("offence", source, person, on, gravity=rng.randrange(1, 9))
            if age >= 18 and rng.random() < 0.25:
                self.sentence(person, on + timedelta(days=rng.randrange(20, 90)))
        for on in arrivals(rng, 0.005 + 0.9 * t ** 1.5, start, end):
            if age_on(person.dob, on) >= 10:
                self.maker.dated("asb_incident", "police", person, on)
        for on in arrivals(rng, 0.001 + 0.25 * t * t, start, end):
            if age_on(person.dob, on) >= 10:
                until = on + timedelta(days=rng.randrange(180, 730))
                self.maker.spell("asb_intervention", "housing", person, on, until, kind=rng.choice(ASB_KINDS))
                self.breach(person, on, until, "asb_intervention", "housing")

    def sentence(self, person: Person, start: date) -> None:
        rng = self.rng
        kind = pick_weighted(rng, (("community_order", 0.45), ("suspended_sentence", 0.2), ("custody", 0.2),
                           ("licence", 0.15)))
        if kind == "custody":
            months = rng.randrange(3, 37)
            release = add_months(start, months // 2)
            self.maker.spell("justice", "probation", person, start, release, kind="custody", release_date=release)
            self.maker.spell("justice", "probation", person, release, add_months(start, months), kind="licence",
                             release_date=None)
            self.breach(person, release, add_months(start, months), "licence", "probation")
        else:
            end = add_months(start, rng.randrange(6, 25))
            self.maker.spell("justice", "probation", person, start, end, kind=kind, release_date=None)
            self.breach(person, start, end, "licence" if kind == "licence" else "order", "probation")

    def breach(self, person: Person, start: date, end: date, kind: str, source: str) -> None:
        """Now and then a return to court for failing to comply, dated within the order. Drawn from the person's
        own seeded generator, so adding breaches left the rest of the county as it was."""
        own = random.Random(f"breach:{person.person_id}:{start.isoformat()}:{kind}")
        if own.random() < 0.3 and end > start:
            self.maker.dated("breach", source, person, start + timedelta(days=own.randrange((end - start).days)),
                             kind=kind)

    # ---- work and benefits ---------------------------------------------------------------------
    def work(self, person: Person) -> None:
        rng, t = self.rng, person.propensity
        adult_from = add_months(person.dob, 18 * 12)
        d = max(self.tl.history_start, adult_from)
        if d >= self.tl.end:
            return
        pension_at = add_months(person.dob, 66 * 12)
        if pension_at <= self.tl.end:
            self.maker.spell("benefit", "dwp", person, max(pension_at, self.tl.history_start), None,
                             kind="state_pension")
        r = rng.random()
        state = "employed" if r < 0.76 - 0.55 * t else ("oow" if r < 0.84 + 0.4 * t else "other")
        while d < min(self.tl.end, pension_at):
            mean_years = {"employed": 3.0, "oow": 1.2 + 1.5 * t, "other": 1.5}[state]
            end = d + timedelta(days=max(30, int(rng.expovariate(1 / (mean_years * 365)))))
            shown_end = None if end > self.tl.end else end
            if state == "employed":
                self.maker.spell("employment", "dwp", person, d, shown_end,
                                 hours_per_week=float(rng.choice((8, 16, 20, 25, 30, 37.5, 40))))
            elif state == "oow":
                self.maker.spell("benefit", "dwp", person, d, shown_end, kind=pick_weighted(rng, OUT_OF_WORK))
                if rng.random() < 0.15 + 0.25 * t:
                    step = d + timedelta(days=rng.randrange(20, 200))
                    if step < self.tl.end:
                        self.maker.spell("work_progress", "work_programme", person, step,
                                         step + timedelta(days=rng.randrange(30, 270)), kind=rng.choice(WORK_STEPS))
            d = end + timedelta(days=rng.randrange(1, 60))
            state = pick_weighted(rng, (("employed", 0.68 - 0.4 * t), ("oow", 0.12 + 0.55 * t), ("other", 0.2)))
        if rng.random() < 0.1 + 0.4 * t:
            start = self.tl.random_date(rng, self.tl.history_start, self.tl.end)
            self.maker.spell("benefit", "dwp", person, max(start, adult_from), None,
                             kind=rng.choice(("housing_benefit", "PIP", "UC_in_work", "council_tax_reduction")))
        if self.boundary():
            as_of = self.edge_as_of()
            if age_on(person.dob, as_of) >= 18:
                closed = self.state.turn("benefit_spell", 2) == 1
                self.state.tag("benefit_spell_ends_" + ("day_before_as_of" if closed else "on_as_of"),
                               person, as_of.isoformat())
                self.maker.spell("benefit", "dwp", person, add_months(as_of, -7), as_of - DAY if closed else as_of,
                                 kind=pick_weighted(rng, OUT_OF_WORK))

    # ---- young people --------------------------------------------------------------------------
    def young_person(self, person: Person) -> None:
        rng, t = self.rng, person.propensity
        at15 = add_months(person.dob, 15 * 12 + 6)
        if self.tl.start < at15 <= self.tl.end and rng.random() < 0.5 * t:
            self.maker.dated("neet", "connexions", person, at15, kind=rng.choice(("roni_red", "roni_amber")))
        for half in range(6):
            on = add_months(person.dob, 16 * 12 + 6 * half + 1)
            if self.tl.start < on <= self.tl.end and rng.random() < 0.8:
                kind = "neet" if rng.random() < 0.04 + 0.5 * t else "eet"
                self.maker.dated("neet", "connexions", person, on, kind=kind)
        if self.boundary():
            as_of = self.edge_as_of()
            if 16 <= age_on(person.dob, as_of) <= 24:
                latest_eet = self.state.turn("neet", 2) == 1
                first, second = ("neet", "eet") if latest_eet else ("eet", "neet")
                self.state.tag("neet_latest_" + second, person, as_of.isoformat())
                self.maker.dated("neet", "connexions", person, add_months(as_of, -8), kind=first)
                self.maker.dated("neet", "connexions", person, as_of - timedelta(days=20), kind=second)

    # ---- children at risk ----------------------------------------------------------------------
    def child_risks(self, person: Person) -> None:
        rng, t = self.rng, person.propensity
        start, end = self.alive_range(person, self.tl.start)
        for on in arrivals(rng, 0.002 + 1.0 * t * t, start, end):
            if 11 <= age_on(person.dob, on) <= 17:
                self.maker.dated("missing_episode", "police", person, on)
        for on in arrivals(rng, 0.001 + 0.3 * t * t, start, end):
            if 11 <= age_on(person.dob, on) <= 17:
                self.maker.dated("exploitation_risk", "social_care", person, on)

    # ---- health --------------------------------------------------------------------------------
    def health(self, person: Person) -> None:
        rng, t = self.rng, person.propensity
        start, end = self.alive_range(person, self.tl.start)
        for on in arrivals(rng, 0.01 + 0.5 * t ** 1.5, start, end):
            age = age_on(person.dob, on)
            if age < 18:
                kind = pick_weighted(rng, (("adhd", 0.3), ("ehcp", 0.3), ("mental_health", 0.3), ("physical_health", 0.1)))
            else:
                kind = pick_weighted(rng, (("mental_health", 0.4), ("substance_misuse", 0.2), ("physical_health", 0.25),
                                   ("not_gp_registered", 0.05), ("perinatal_mental_health", 0.1)))
            self.maker.dated("health", "health", person, on, kind=kind)
        for on in arrivals(rng, 0.1, start, end):
            age = age_on(person.dob, on)
            rate_boost = 0.5 if age < 5 else (0.1 + 0.6 * t if age < 18 else 0.1 + 0.4 * t)
            if rng.random() < rate_boost / 0.6 or age >= 18:
                self.maker.dated("ae_attendance", "acute_trust", person, on)
        for on in arrivals(rng, 0.5 if person.dob > add_months(self.tl.as_of, -60) else 0.0, start, end):
            if age_on(person.dob, on) < 5:
                self.maker.dated("ae_attendance", "acute_trust", person, on)

    # ---- dated facts on the 12-month edge ------------------------------------------------------
    def edges(self, person: Person) -> None:
        if not self.boundary() and not self.boundary():
            return
        rng = self.rng
        as_of = self.edge_as_of()
        age = age_on(person.dob, as_of)
        if person.dob > add_months(as_of, -12):
            return  # born inside the window: no date 12 months back to sit on
        choices = ["offence", "asb_incident", "domestic_abuse", "marac", "health", "housing", "ae_attendance"]
        group = "adult" if age >= 18 else "teen" if age >= 11 else "young"
        if group == "adult":
            choices.append("custody_release")
        elif group == "teen":
            choices += ["missing_episode", "exploitation_risk", "social_care"]
        turn = self.state.turn(f"edge_{group}", 2 * len(choices))  # every fact, in and out, in turn
        fact, inside = choices[turn // 2], turn % 2 == 0
        on = add_months(as_of, -12) + (DAY if inside else timedelta(0))
        if inside and fact != "social_care" and rng.random() < 0.15:
            on = as_of  # on as_of itself counts
        label = f"edge_{fact}_" + ("on_as_of" if on == as_of else "in" if inside else "out")
        if fact == "offence":
            self.maker.dated("offence", "youth_justice" if age < 18 else "police", person, on, gravity=3)
        elif fact in ("asb_incident", "missing_episode"):
            self.maker.dated(fact, "police", person, on)
        elif fact == "domestic_abuse":
            self.maker.dated(fact, "police", person, on, role="victim", risk="standard")
        elif fact == "marac":
            self.maker.dated(fact, "marac", person, on)
        elif fact == "health":
            self.maker.dated(fact, "health", person, on, kind="physical_health")
        elif fact == "housing":
            self.maker.dated(fact, "housing", person, on, kind="rent_arrears")
        elif fact == "exploitation_risk":
            self.maker.dated(fact, "social_care", person, on)
        elif fact == "ae_attendance":
            self.maker.dated(fact, "acute_trust", person, on)
        elif fact == "social_care":
            closed = not inside
            start = add_months(as_of, -12)
            self.maker.spell("social_care", "social_care", person, start, as_of - DAY if closed else as_of,
                             kind="child_in_need")
            label = "edge_child_in_need_ends_" + ("day_before_as_of" if closed else "on_as_of")
        elif fact == "custody_release":
            release = add_months(as_of, 12) + (timedelta(0) if inside else DAY)
            start = add_months(as_of, -6)
            self.maker.spell("justice", "probation", person, start, release, kind="custody", release_date=release)
            label = "edge_custody_release_" + ("12_months_after" if inside else "12_months_and_a_day_after")
        self.state.tag(label, person, as_of.isoformat())

    # ---- household-level -----------------------------------------------------------------------
    def household_facts(self, members: list[Person], t: float) -> None:
        rng, tl = self.rng, self.tl
        anchor = members[0]
        start, end = self.alive_range(anchor, tl.start)

        def present(on: date) -> list[Person]:
            home = anchor.place_at(on)
            return [p for p in members if p.dob <= on and p.place_at(on) == home]

        for on in arrivals(rng, 0.005 + 0.8 * t ** 1.5, start, end):
            here = present(on)
            adults = [p for p in here if age_on(p.dob, on) >= 18]
            if len(here) < 2 or not adults:
                continue
            victim = next((p for p in adults if p.sex == "F"), adults[0])
            risk = pick_weighted(rng, (("standard", 0.6 - 0.3 * t), ("medium", 0.3), ("high", 0.1 + 0.3 * t)))
            self.maker.dated("domestic_abuse", "police", victim, on, role="victim", risk=risk)
            for p in here:
                if p is victim:
                    continue
                if age_on(p.dob, on) >= 18 and p.sex == "M":
                    self.maker.dated("domestic_abuse", "police", p, on, role="perpetrator", risk=risk)
                elif rng.random() < 0.3:
                    self.maker.dated("domestic_abuse", "police", p, on, role="other", risk=risk)
            if risk == "high" and rng.random() < 0.7:
                self.maker.dated("marac", "marac", victim, on + timedelta(days=rng.randrange(7, 60)))
        for on in arrivals(rng, 0.005 + 0.6 * t ** 1.5, start, end):
            here = present(on)
            adults = [p for p in here if age_on(p.dob, on) >= 18]
            if adults:
                kind = pick_weighted(rng, (("rent_arrears", 0.45), ("debt", 0.25), ("eviction_notice", 0.2), ("homeless", 0.1)))
                self.maker.dated("housing", "housing", adults[0], on, kind=kind)
        for on in arrivals(rng, 0.003 + 0.8 * t ** 1.5, start, end):
            kids = [p for p in present(on) if age_on(p.dob, on) < 18]
            if not kids:
                continue
            kind = pick_weighted(rng, (("early_help", 0.45), ("child_in_need", 0.3), ("child_protection", 0.2),
                               ("looked_after", 0.05)))
            if rng.random() < 0.7:
                self.maker.dated("referral", "mash", rng.choice(kids), on - timedelta(days=rng.randrange(7, 30)))
            stop = on + timedelta(days=rng.randrange(90, 540))
            for kid in kids:
                self.maker.spell("social_care", "social_care", kid, on, stop, kind=kind)
        kids_ever = [p for p in members if age_on(p.dob, tl.end) < 18]
        parent = next((p for p in members if age_on(p.dob, tl.as_of) >= 18), None)
        if kids_ever and parent is not None:
            first_birth = min(p.dob for p in kids_ever)
            self.maker.spell("benefit", "dwp", parent, max(first_birth, tl.history_start), None, kind="child_benefit")

    # ---- a record soon after a move, so most movers show up at their new home --------------------
    def moved_records(self, person: Person) -> None:
        rng = self.rng
        for on, _place in person.moves[1:]:
            if on > self.tl.end or rng.random() > 0.85:
                continue
            d = on + timedelta(days=rng.randrange(0, 40))
            if d > self.tl.end:
                continue
            if age_on(person.dob, d) >= 18:
                self.maker.spell("benefit", "dwp", person, d, None, kind="housing_benefit")
            else:
                self.maker.dated("ae_attendance", "acute_trust", person, d)

    def ensure_presence(self, people: list[Person]) -> None:
        """Give anyone born by a refresh date but with no addressed record in its window one routine A&E
        attendance with an address, so every person has a current address in every refresh."""
        for k, as_of in enumerate(self.tl.as_ofs):
            window_start = self.tl.window_start(k)
            seen = {id(r.person) for r in self.maker.records
                    if r.place is not None and r.visible(as_of, window_start)}
            for person in people:
                if id(person) not in seen and person.dob <= as_of:
                    low = max(person.dob, window_start + DAY, add_months(as_of, -6))
                    on = self.tl.random_date(self.rng, min(low, as_of), as_of)
                    self.maker.add("ae_attendance", "acute_trust", person, {"date": on}, event=on,
                                   force_address=True)
