"""People and households of the synthetic county, with their moves over the whole timeline.

The county is generated one *unit* at a time: one household, or two whose lives touch (one moves into
the home the other has just left). Places are never shared between units, so a unit's households,
families and their ids can be worked out from the unit alone and the unit then forgotten: this is what
lets a million people stream through in little memory.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property
from itertools import accumulate

from priority_families.ingest.identifiers import make_nhs_number, make_ni_number, make_upn
from priority_families.synth.calendar import add_months, add_years, age_on, birthday_turning
from priority_families.synth.names import BARREL_PARTS, FEMALE_FIRST, MALE_FIRST, NICKNAMES, SURNAMES


@dataclass(frozen=True)
class Timeline:
    """The refresh dates of one county: the base `as_of` then one every 6 months for each follow-up."""

    as_ofs: tuple[date, ...]

    @classmethod
    def starting(cls, as_of: date, follow_ups: int) -> Timeline:
        return cls(tuple(add_months(as_of, 6 * k) for k in range(follow_ups + 1)))

    @property
    def as_of(self) -> date:
        return self.as_ofs[0]

    @property
    def end(self) -> date:
        return self.as_ofs[-1]

    def window_start(self, k: int) -> date:
        """Extracts of refresh `k` hold about 3 years of history: dates after this one."""
        return self._window_starts[k]

    @cached_property
    def _window_starts(self) -> tuple[date, ...]:
        return tuple(add_years(d, -3) for d in self.as_ofs)

    @cached_property
    def start(self) -> date:
        return self.window_start(0)

    @cached_property
    def history_start(self) -> date:
        """Spells may have started long before the extracts' window; people are placed from here."""
        return add_years(self.as_of, -8)

    def random_date(self, rng: random.Random, start: date, end: date) -> date:
        days = (end - start).days
        return start + timedelta(days=rng.randrange(days + 1)) if days > 0 else start


@dataclass(eq=False, slots=True)
class Person:
    """One real individual with clean values and the places they lived at from given dates."""

    person_id: str
    first_name: str
    last_name: str
    dob: date
    sex: str
    nhs_number: str
    upn: str | None
    ni_number: str | None
    moves: list[tuple[date, int]] = field(default_factory=list)
    propensity: float = 0.0
    views: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (first, last) as it holds them

    def place_at(self, d: date) -> int | None:
        """Where the person lived on `d` (None before birth)."""
        if d < self.dob:
            return None
        place = None
        for start, p in self.moves:
            if start <= d:
                place = p
            else:
                break
        return place

    def age(self, d: date) -> int:
        return age_on(self.dob, d)


@dataclass(eq=False)
class Group:
    """People who start the timeline living together, with the household's 'troubled' propensity."""

    members: list[Person]
    propensity: float
    kind: str


@dataclass(eq=False)
class Unit:
    groups: list[Group]
    places: list[int]

    @property
    def people(self) -> list[Person]:
        return [p for g in self.groups for p in g.members]


@dataclass
class PopulationState:
    """The compact state carried from unit to unit: counters and a few recent names."""

    rng: random.Random
    timeline: Timeline
    next_person: int = 1
    next_place: int = 0
    recent_names: deque = field(default_factory=lambda: deque(maxlen=200))
    hard_cases: list[tuple[str, str, str]] = field(default_factory=list)  # (case, person_id, detail)
    rotation: dict[str, int] = field(default_factory=dict)

    def place(self) -> int:
        self.next_place += 1
        return self.next_place - 1

    def turn(self, name: str, n: int) -> int:
        """0, 1, ..., n-1, 0, ... per name: planted edge cases take turns, so every variant occurs."""
        count = self.rotation.get(name, 0)
        self.rotation[name] = count + 1
        return count % n

    def tag(self, case: str, person: Person, detail: str = "") -> None:
        self.hard_cases.append((case, person.person_id, detail))


# A name's weight falls with its rank as 1 / (rank + NAME_RANK_OFFSET), the gentle skew of real name
# frequencies: the commonest surname is about 2.6% of people and the commonest first name about 3% of
# one sex, so John Smith is about one man in 1,300 (England: Smith 1.3%, about one man in 3,000 is a
# John Smith). Same-name strangers, even with the same date of birth, still occur at every county size.
NAME_RANK_OFFSET = 30


@cache
def _cumulative_weights(count: int) -> tuple[float, ...]:
    return tuple(accumulate(1 / (rank + NAME_RANK_OFFSET) for rank in range(count)))


def _weighted(rng: random.Random, names: tuple[str, ...]) -> str:
    """Earlier names are more common, so same-name strangers occur naturally."""
    return rng.choices(names, cum_weights=_cumulative_weights(len(names)))[0]


def first_name(rng: random.Random, sex: str) -> str:
    return _weighted(rng, MALE_FIRST if sex == "M" else FEMALE_FIRST)


def surname(rng: random.Random) -> str:
    if rng.random() < 0.05:
        a, b = rng.sample(BARREL_PARTS, 2)
        return f"{a}-{b}"
    return _weighted(rng, SURNAMES)


def _dob_for_age(rng: random.Random, as_of: date, age: int) -> date:
    """A date of birth that makes someone `age` on `as_of`."""
    latest = add_years(as_of, -age)
    return latest - timedelta(days=rng.randrange(365))


def new_person(state: PopulationState, sex: str, dob: date, first: str, last: str) -> Person:
    rng = state.rng
    end = state.timeline.end
    pid = f"P{state.next_person:07d}"
    state.next_person += 1
    was_pupil = age_on(dob, end) >= 4 and age_on(dob, state.timeline.history_start) <= 16
    return Person(
        person_id=pid,
        first_name=first,
        last_name=last,
        dob=dob,
        sex=sex,
        nhs_number=make_nhs_number(rng),
        upn=make_upn(rng) if was_pupil else None,
        ni_number=make_ni_number(rng) if age_on(dob, end) >= 16 else None,
    )


def _adult(state: PopulationState, sex: str, age: int, last: str | None = None) -> Person:
    rng = state.rng
    as_of = state.timeline.as_of
    if last is None and rng.random() < 0.02 and state.recent_names:
        # An unrelated namesake: same name and birth year as someone in another household.
        first, last, nsex, year = rng.choice(list(state.recent_names))
        dob = date(year, 1, 1) + timedelta(days=rng.randrange(365))
        person = new_person(state, nsex, dob, first, last)
        state.tag("namesake_same_birth_year", person, f"{first} {last} {year}")
        return person
    first = first_name(rng, sex)
    last = last or surname(rng)
    person = new_person(state, sex, _dob_for_age(rng, as_of, age), first, last)
    if first in ("John", "James", "Sarah", "Emma", "Mohammed", "Olivia") or last in ("Smith", "Jones", "Khan"):
        state.recent_names.append((first, last, sex, person.dob.year))
    return person


def _children(state: PopulationState, count: int, mother_age: int, last: str,
              same_name_as: Person | None = None) -> list[Person]:
    """Children of one parent: ages fit the parent's, with occasional twins and birthday edge cases."""
    rng = state.rng
    tl = state.timeline
    kids: list[Person] = []
    max_age = max(0, min(17, mother_age - 17))
    months_ahead = max(0, (tl.end - tl.as_of).days // 30)
    while len(kids) < count:
        sex = rng.choice("MF")
        age_days = rng.randrange(-months_ahead * 30 - 1, (max_age + 1) * 365) if months_ahead else \
            rng.randrange(0, (max_age + 1) * 365)
        dob = tl.as_of - timedelta(days=age_days)
        edge = rng.random()
        if edge < 0.03:
            k = rng.randrange(len(tl.as_ofs))
            turning = (18, 16, 5)[state.turn("birthday", 3)]
            dob = birthday_turning(turning, tl.as_ofs[k])
            kid = new_person(state, sex, dob, first_name(rng, sex), last)
            state.tag(f"birthday_on_as_of_turning_{turning}", kid, tl.as_ofs[k].isoformat())
        elif same_name_as is not None and sex == same_name_as.sex and rng.random() < 0.25:
            kid = new_person(state, sex, dob, same_name_as.first_name, last)
            state.tag("same_name_as_parent", kid, same_name_as.person_id)
            same_name_as = None
        else:
            kid = new_person(state, sex, dob, first_name(rng, sex), last)
        kids.append(kid)
        if rng.random() < 0.03 and len(kids) < count + 1:
            twin_sex = rng.choice("MF")
            name = first_name(rng, twin_sex)
            while name == kid.first_name:
                name = first_name(rng, twin_sex)
            twin = new_person(state, twin_sex, kid.dob, name, last)
            kids.append(twin)
            state.tag("twins", twin, kid.person_id)
    return kids


def _propensity(rng: random.Random, boost: float) -> float:
    u = rng.random() + boost
    if u < 0.80:
        return rng.uniform(0.0, 0.05)
    if u < 0.975:
        return rng.uniform(0.05, 0.25)
    return rng.uniform(0.65, 1.0)


def make_group(state: PopulationState) -> Group:
    """One household as it is at the start of the timeline."""
    rng = state.rng
    r = rng.random()
    if r < 0.26:
        sex = rng.choice("MF")
        return Group([_adult(state, sex, rng.randrange(18, 90))], _propensity(rng, 0.0), "single")
    if r < 0.48:
        age = rng.randrange(20, 85)
        a = _adult(state, "M", age)
        b = _adult(state, "F" if rng.random() < 0.9 else "M", max(18, age + rng.randrange(-5, 4)),
                   a.last_name if rng.random() < 0.6 else None)
        return Group([a, b], _propensity(rng, 0.0), "couple")
    if r < 0.68:
        mum_age = rng.randrange(20, 50)
        dad = _adult(state, "M", mum_age + rng.randrange(0, 6))
        mum = _adult(state, "F", mum_age, dad.last_name if rng.random() < 0.75 else None)
        last = dad.last_name if rng.random() < 0.8 else mum.last_name
        kids = _children(state, 1 + min(int(rng.expovariate(0.9)), 4), mum_age, last,
                         same_name_as=dad if rng.random() < 0.2 else None)
        return Group([dad, mum, *kids], _propensity(rng, 0.02), "couple_with_children")
    if r < 0.81:
        sex = "F" if rng.random() < 0.9 else "M"
        age = rng.randrange(18, 50)
        parent = _adult(state, sex, age)
        last = parent.last_name if rng.random() < 0.8 else surname(rng)
        kids = _children(state, 1 + min(int(rng.expovariate(0.8)), 4), age, last,
                         same_name_as=parent if rng.random() < 0.2 else None)
        return Group([parent, *kids], _propensity(rng, 0.05), "lone_parent")
    if r < 0.87:
        mum_age = rng.randrange(24, 48)
        mum = _adult(state, "F", mum_age)
        step = _adult(state, "M", mum_age + rng.randrange(-3, 8))
        while step.last_name == mum.last_name:
            step.last_name = surname(rng)
        her_last = mum.last_name if rng.random() < 0.5 else surname(rng)
        hers = _children(state, 1 + int(rng.random() < 0.5), mum_age, her_last)
        his = _children(state, 1, mum_age, step.last_name) if rng.random() < 0.5 else []
        joint = _children(state, 1, min(mum_age, 20), step.last_name) if rng.random() < 0.4 else []
        for kid in hers:
            if kid.last_name != step.last_name:
                state.tag("step_family_surnames", kid, step.person_id)
        return Group([mum, step, *hers, *his, *joint], _propensity(rng, 0.05), "step_family")
    # adults only: a parent with grown-up children, or sharers
    if rng.random() < 0.5:
        age = rng.randrange(40, 65)
        parent = _adult(state, rng.choice("MF"), age)
        grown = [_adult(state, rng.choice("MF"), rng.randrange(18, min(30, age - 17)), parent.last_name)
                 for _ in range(1 + int(rng.random() < 0.4))]
        return Group([parent, *grown], _propensity(rng, 0.0), "adults_only")
    sharers = [_adult(state, rng.choice("MF"), rng.randrange(18, 40)) for _ in range(rng.randrange(2, 5))]
    return Group(sharers, _propensity(rng, 0.0), "sharers")


def _settle(group: Group, place: int, start: date) -> None:
    for person in group.members:
        person.moves = [(max(start, person.dob), place)]
        person.propensity = group.propensity


def _move(people: list[Person], place: int, on: date) -> None:
    for person in people:
        if person.dob <= on:
            person.moves.append((on, place))
        else:  # born after the move: born at the new home
            person.moves = [(person.dob, place)]


def make_unit(state: PopulationState) -> Unit:
    """One household, or two whose lives touch; with moves, splits and new families in vacated homes."""
    rng = state.rng
    tl = state.timeline
    first = make_group(state)
    home = state.place()
    _settle(first, home, tl.history_start)
    unit = Unit([first], [home])
    move_from, move_to = add_months(tl.start, 3), add_months(tl.end, -1)
    r = rng.random()
    if r < 0.07:
        # chain: the first household leaves; a second household moves into the home it vacated
        second = make_group(state)
        old = state.place()
        _settle(second, old, tl.history_start)
        away = state.place()
        left = tl.random_date(rng, move_from, add_months(move_to, -2))
        _move(first.members, away, left)
        arrive = left + timedelta(days=rng.randrange(1, 45))
        _move(second.members, home, arrive)
        unit.groups.append(second)
        unit.places += [old, away]
        for person in second.members:
            state.tag("moved_into_vacated_home", person, f"{arrive.isoformat()} after {first.members[0].person_id}")
        for person in first.members:
            state.tag("mover", person, left.isoformat())
    elif r < 0.11 and first.kind in ("couple_with_children", "step_family") and len(first.members) >= 4 \
            and len(adults := [p for p in first.members if p.age(tl.as_of) >= 18][:2]) == 2:
        # split: a parent leaves with some of the children (two adults on as_of: a parent may be 17)
        kids = [p for p in first.members if p not in adults]
        leaver = adults[1] if rng.random() < 0.7 else adults[0]
        taken = kids[: max(1, len(kids) // 2)]
        new_home = state.place()
        on = tl.random_date(rng, move_from, move_to)
        _move([leaver, *taken], new_home, on)
        unit.places.append(new_home)
        for person in (leaver, *taken):
            state.tag("family_split", person, on.isoformat())
    elif r < 0.23:
        away = state.place()
        on = tl.random_date(rng, move_from, move_to)
        _move(first.members, away, on)
        unit.places.append(away)
        for person in first.members:
            state.tag("mover", person, on.isoformat())
    return unit


def nickname_of(first: str) -> tuple[str, ...]:
    return NICKNAMES.get(first, ())
