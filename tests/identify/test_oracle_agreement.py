"""The compiled SQL agrees with the independent rules oracle (synth/oracle.py) on random boundary-heavy families.

Families are drawn with dates of birth on age boundaries and facts dated on window edges, so every
reading (windows, terms, ages, thresholds, latest-record ties, release horizons) is exercised; each
plan's verdict AND each indicator line (the oracle uses the plans' indicator ids) must match the oracle's for every family.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import duckdb
import pytest

from priority_families.core.calendar import last_terms, shift_months, years_before
from priority_families.identify.run import identify_families
from priority_families.synth.oracle import evaluate_family, indicator_lines
from priority_families.synth.truth import CleanFact, TruePerson

from .builders import AS_OF, Fact, Person, build_store
from .conftest import shipped

PLANS = ("national-2012", "nottinghamshire-2015", "warwickshire-2015")
DAY = timedelta(days=1)


def _edge_dates(rng: random.Random) -> date:
    year_ago = shift_months(AS_OF, -12)
    edges = [year_ago, year_ago + DAY, AS_OF, AS_OF + DAY, AS_OF - DAY, shift_months(AS_OF, -6)]
    for t in last_terms(AS_OF, 4):
        edges += [t.start, t.end, t.end + DAY, t.start - DAY]
    if rng.random() < 0.6:
        return rng.choice(edges)
    return AS_OF - timedelta(days=rng.randint(0, 900))


def _dob(rng: random.Random) -> date | None:
    if rng.random() < 0.05:
        return None
    years = rng.choice([1, 4, 5, 8, 15, 16, 17, 18, 24, 25, 30, 45])
    return years_before(AS_OF, years) + timedelta(days=rng.choice([-1, 0, 0, 1, 40, -200]))


def _fact(rng: random.Random, pid: str) -> Fact:
    kind = rng.choice([
        "offence", "asb_incident", "asb_intervention", "justice", "exclusion", "school_attendance",
        "education_status", "benefit", "social_care", "missing_episode", "exploitation_risk", "neet",
        "domestic_abuse", "marac", "health", "ae_attendance", "housing",
    ])
    d = _edge_dates(rng)
    end = rng.choice([None, d + timedelta(days=rng.randint(0, 400)), AS_OF, AS_OF - DAY])
    end = None if end is not None and end < d else end
    match kind:
        case "school_attendance":
            term = rng.choice(last_terms(AS_OF, 4)).label
            possible = rng.choice([0, 100, 120, 1000])
            return Fact(kind, pid, {"term": term, "possible_sessions": possible,
                                    "authorised_absence": rng.choice([0, 4, 5, 9, 10]),
                                    "unauthorised_absence": rng.choice([0, 5, 6, 14, 15, 149, 150])})
        case "exclusion":
            return Fact(kind, pid, {"date": d, "kind": rng.choice(["fixed", "fixed", "permanent"]), "sessions": 2})
        case "justice":
            k = rng.choice(["custody", "licence", "community_order", "suspended_sentence"])
            release = rng.choice([None, AS_OF, AS_OF - DAY, shift_months(AS_OF, 12), shift_months(AS_OF, 12) + DAY])
            return Fact(kind, pid, {"start_date": d, "end_date": end, "kind": k,
                                    "release_date": release if k == "custody" else None})
        case "education_status" | "benefit" | "social_care" | "asb_intervention":
            kinds = {"education_status": ["alternative_provision", "not_registered", "home_educated"],
                     "benefit": ["JSA", "ESA", "UC_work_related", "PIP"],
                     "social_care": ["early_help", "child_in_need", "child_protection", "looked_after"],
                     "asb_intervention": ["injunction", "abc"]}[kind]
            return Fact(kind, pid, {"start_date": d, "end_date": end, "kind": rng.choice(kinds)})
        case "neet":
            return Fact(kind, pid, {"date": rng.choice([d, shift_months(AS_OF, -2)]),
                                    "kind": rng.choice(["neet", "roni_red", "roni_amber", "eet"])})
        case "health":
            return Fact(kind, pid, {"date": d, "kind": rng.choice(["mental_health", "physical_health", "adhd"])})
        case "housing":
            return Fact(kind, pid, {"date": d, "kind": rng.choice(["rent_arrears", "homeless", "debt"])})
        case "domestic_abuse":
            return Fact(kind, pid, {"date": d, "role": "victim", "risk": "standard"})
        case "offence":
            return Fact(kind, pid, {"date": d, "gravity": 3})
        case _:
            return Fact(kind, pid, {"date": d})


def _county(seed: int, families: int) -> tuple[dict[str, list[Person]], list[Fact]]:
    rng = random.Random(seed)
    fams: dict[str, list[Person]] = {}
    facts: list[Fact] = []
    for f in range(families):
        people = [Person(f"P{f}_{i}", _dob(rng)) for i in range(rng.randint(1, 4))]
        fams[f"F{f:04d}"] = people
        for _ in range(rng.randint(0, 9)):
            facts.append(_fact(rng, rng.choice(people).person_id))
    return fams, facts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_matches_the_oracle_family_by_family(seed):
    fams, facts = _county(seed, 150)
    con = duckdb.connect()
    build_store(con, fams, facts)
    by_person: dict[str, list[CleanFact]] = {}
    for n, f in enumerate(facts):
        by_person.setdefault(f.person_id, []).append(CleanFact(f.fact, f.person_id, "test", f"R{n}", f.values))
    checked = 0
    for plan_id in PLANS:
        identify_families(con, shipped(plan_id), AS_OF)
        cohort = {fid: (bool(e), h) for fid, e, h in con.execute(
            "SELECT family_id, eligible, headlines FROM cohort").fetchall()}
        ours: dict[str, set] = {}
        for fid, h, i, pid in con.execute(
                "SELECT family_id, headline, indicator, person_id FROM indicator_values WHERE met").fetchall():
            ours.setdefault(fid, set()).add((h, i, pid))
        for fid, people in fams.items():
            members = [TruePerson(p.person_id, p.dob, "U") for p in people]
            fam_facts = [cf for p in people for cf in by_person.get(p.person_id, [])]
            verdict = evaluate_family(plan_id, AS_OF, members, fam_facts)
            expected_lines = {(h, i, pid) for (h, i), pids in indicator_lines(plan_id, AS_OF, members, fam_facts).items()
                              for pid in pids}
            eligible, headlines = cohort[fid]
            assert (eligible, headlines) == (verdict.eligible, ";".join(sorted(verdict.headlines))), (plan_id, fid)
            assert ours.get(fid, set()) == expected_lines, (plan_id, fid)
            checked += 1
    assert checked == 3 * 150
    con.close()
