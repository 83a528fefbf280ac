"""Progress and claim routes agree with the independent rules oracle (`synth.oracle.evaluate_results`).

Random families are drawn with dates of birth on age boundaries at attachment and evaluation, and facts
dated on the edges of every baseline and progress window, term and spell duration. Each plan's
families are identified, attached on as_of and evaluated at several dates; every measure's outcome and
every claim route must match the oracle's for every family.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from identify.builders import Fact, Person
from priority_families.casedb.models import Attestation
from priority_families.core.calendar import last_terms, shift_months, years_before
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.progress import evaluation
from priority_families.synth.attachments import claims_for
from priority_families.synth.oracle import evaluate_results
from priority_families.synth.truth import CleanFact, TruePerson

from .case_store import make_workspace, republish

A = date(2015, 8, 31)
DAY = timedelta(days=1)
EVALUATIONS = (shift_months(A, 4), shift_months(A, 6) - DAY, shift_months(A, 6), shift_months(A, 8),
               shift_months(A, 11), shift_months(A, 14))
PLANS = ("nottinghamshire-2015", "warwickshire-2015", "national-2012")


def _edges() -> list[date]:
    out = [A, A + DAY, A - DAY]
    for m in (4, 6, 8, 12):
        out += [shift_months(A, -m), shift_months(A, -m) + DAY]
    for e in EVALUATIONS:
        out += [e, e - DAY, e + DAY]
        for m in (4, 6, 8):
            out += [shift_months(e, -m), shift_months(e, -m) + DAY]
        for t in last_terms(e, 3):
            out += [t.start, t.end, t.end + DAY]
    return out


EDGES = _edges()


def _date(rng: random.Random) -> date:
    return rng.choice(EDGES) if rng.random() < 0.7 else A + timedelta(days=rng.randint(-400, 420))


def _dob(rng: random.Random) -> date:
    years = rng.choice([4, 5, 8, 15, 16, 17, 18, 24, 30, 45])
    anchor = rng.choice([A, EVALUATIONS[2], EVALUATIONS[4]])
    return years_before(anchor, years) + timedelta(days=rng.choice([-1, 0, 1, 60]))


def _spell(rng: random.Random, fact: str, pid: str, kinds: list[str] | None) -> Fact:
    start = _date(rng)
    end = rng.choice([None, None, start + timedelta(days=rng.choice([0, 90, 91, 181, 182, 200, 400]))])
    values = {"start_date": start, "end_date": end}
    if kinds:
        values["kind"] = rng.choice(kinds)
    return Fact(fact, pid, values)


def _fact(rng: random.Random, pid: str) -> Fact:
    fact = rng.choice([
        "offence", "offence", "asb_incident", "asb_incident", "asb_intervention", "justice", "exclusion",
        "school_attendance", "education_status", "benefit", "benefit", "employment", "work_progress",
        "social_care", "missing_episode", "exploitation_risk", "neet", "domestic_abuse", "marac", "health",
        "ae_attendance", "ae_attendance", "housing",
    ])
    match fact:
        case "school_attendance":
            term = rng.choice(last_terms(EVALUATIONS[-1], 8)).label
            possible = rng.choice([0, 100, 120])
            return Fact(fact, pid, {"term": term, "possible_sessions": possible,
                                    "authorised_absence": rng.choice([0, 5, 9]),
                                    "unauthorised_absence": rng.choice([0, 5, 6, 15])})
        case "justice":
            f = _spell(rng, fact, pid, ["custody", "licence", "community_order", "suspended_sentence"])
            if f.values["kind"] == "custody":
                f.values["release_date"] = rng.choice([None, shift_months(A, 6), shift_months(A, 13)])
            return f
        case "education_status":
            return _spell(rng, fact, pid, ["alternative_provision", "not_registered", "home_educated"])
        case "benefit":
            return _spell(rng, fact, pid, ["JSA", "ESA", "UC_work_related", "PIP"])
        case "employment" | "asb_intervention":
            return _spell(rng, fact, pid, None)
        case "work_progress":
            return _spell(rng, fact, pid, ["volunteering", "apprenticeship", "work_programme", "esf"])
        case "social_care":
            return _spell(rng, fact, pid, ["early_help", "child_in_need", "child_protection", "looked_after"])
        case "exclusion":
            return Fact(fact, pid, {"date": _date(rng), "kind": rng.choice(["fixed", "fixed", "permanent"])})
        case "neet":
            return Fact(fact, pid, {"date": _date(rng), "kind": rng.choice(["neet", "roni_red", "eet", "eet"])})
        case "health":
            return Fact(fact, pid, {"date": _date(rng), "kind": rng.choice(["mental_health", "adhd"])})
        case "housing":
            return Fact(fact, pid, {"date": _date(rng), "kind": rng.choice(["rent_arrears", "homeless", "debt"])})
        case "domestic_abuse":
            return Fact(fact, pid, {"date": _date(rng), "role": "victim", "risk": "high"})
        case _:
            return Fact(fact, pid, {"date": _date(rng)})


def _county(seed: int, n: int, boost: bool = False) -> tuple[dict[str, list[Person]], list[Fact]]:
    rng = random.Random(seed)
    families: dict[str, list[Person]] = {}
    facts: list[Fact] = []
    for f in range(n):
        people = [Person(f"P{f}_{k}", _dob(rng)) for k in range(rng.randint(2, 4))]
        families[f"F{f}"] = people
        for _ in range(rng.randint(6, 22)):
            facts.append(_fact(rng, rng.choice(people).person_id))
        if boost:  # national-2012 needs three criteria: make each likely
            pick = rng.choice(people).person_id
            facts.append(Fact("asb_intervention", pick, {"start_date": A - timedelta(days=rng.randint(0, 300))}))
            facts.append(Fact("benefit", rng.choice(people).person_id, {
                "start_date": A - timedelta(days=rng.randint(0, 300)), "kind": rng.choice(["JSA", "ESA"]),
                "end_date": rng.choice([None, A + timedelta(days=rng.randint(0, 200))])}))
            facts.append(Fact("exclusion", rng.choice(people).person_id,
                              {"date": last_terms(A, 3)[rng.randint(0, 2)].start + timedelta(days=3),
                               "kind": "permanent"}))
    return families, facts


def _oracle_inputs(people: list[Person], facts: list[Fact]) -> tuple[list[TruePerson], list[CleanFact]]:
    ids = {p.person_id for p in people}
    members = [TruePerson(p.person_id, p.dob, "F") for p in people]
    clean = [CleanFact(f.fact, f.person_id, "test", f"R{k}", dict(f.values))
             for k, f in enumerate(facts, start=1) if f.person_id in ids]
    return members, clean


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("plan_id", PLANS)
def test_measures_and_routes_agree_with_oracle(tmp_path, plan_id):
    families, facts = _county(seed=PLANS.index(plan_id) + 11, n=70, boost=plan_id == "national-2012")
    ws = make_workspace(tmp_path, plan_id, families, facts, A)
    with ws.connect() as con:
        eligible = [r[0] for r in con.execute("SELECT family_id FROM cohort WHERE eligible ORDER BY 1").fetchall()]
    assert len(eligible) >= 10, "the random county should give enough eligible families to compare"
    attach_families(ws, [AttachmentRequest(f, A, "Worker", "Agency") for f in eligible], actor="test")
    attested = set(eligible[::2])
    Attestation.objects.bulk_create(
        Attestation(family_id=f, headline="health", indicator="health_record", attested_by="Lead",
                    attested_on=A, statement="engaged", evidence_name="x", evidence_sha256="0" * 64,
                    evidence_path="x") for f in attested)
    republish(ws, plan_id, families, facts, max(EVALUATIONS))  # results are judged on a later refresh
    compared = two_claims = 0
    for e in EVALUATIONS:
        with evaluation(ws, e) as con:
            ours = {(f, h, m): s for f, h, m, s in con.execute(
                "SELECT family_id, headline, measure, status FROM measure_status").fetchall()}
            routes: dict[str, set[str]] = {}
            for f, r in con.execute("SELECT family_id, route FROM family_routes").fetchall():
                routes.setdefault(f, set()).add(r)
            claims: dict[str, set[str]] = {}  # one per claim group (national-2012: progress to work as well)
            for f, r in con.execute("SELECT family_id, route FROM family_claims").fetchall():
                claims.setdefault(f, set()).add(r)
        for fid in eligible:
            members, clean = _oracle_inputs(families[fid], facts)
            truth = evaluate_results(plan_id, A, e, members, clean,
                                     {("health", "health_record")} if fid in attested else set())
            expected = {(fid, o.headline, o.measure): o.met for o in truth.measures}
            got = {k: s == "met" for k, s in ours.items() if k[0] == fid}
            assert got == expected, (fid, e, [o for o in truth.measures])
            assert routes.get(fid, set()) == set(truth.routes), (fid, e, truth.routes)
            assert claims.get(fid, set()) == set(claims_for(plan_id, set(truth.routes))), (fid, e, truth.routes)
            compared += 1
            two_claims += len(claims.get(fid, ())) > 1
    assert compared == len(eligible) * len(EVALUATIONS)
    assert two_claims == 0 or plan_id == "national-2012", two_claims  # the other plans claim a family once
