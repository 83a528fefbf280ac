"""End to end on a synthetic county with follow-up data: refresh, attach, later refresh, claims.

Linkage is taken from the synthetic truth (so this tests results, not linkage); the records come from our
own ingest. Every eligible family is attached on the first refresh's as_of; 12 months later a second
refresh is published and claims are evaluated on it. Each family's claim decision (routes), and each
measure, must agree with the independent oracle `evaluate_results` on the same members and records.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from priority_families.casedb.models import BaselineCount
from priority_families.claims.ledger import make_claims
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.linkage import TruthLinkage
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.progress import evaluation
from priority_families.refresh import run_refresh
from priority_families.synth.county import generate
from priority_families.synth.oracle import evaluate_results
from priority_families.synth.truth import CleanFact, TruePerson

A = date(2015, 8, 31)
E = date(2016, 8, 31)  # the second follow-up's as_of
VALUE_COLUMNS = ("kind", "date", "start_date", "end_date", "release_date", "term", "possible_sessions",
                 "authorised_absence", "unauthorised_absence", "sessions", "gravity", "role", "risk")


def _oracle_view(con) -> tuple[dict[str, list[TruePerson]], dict[str, list[CleanFact]]]:
    """The evaluated members and their records from the store, in the oracle's noise-free shape."""
    members: dict[str, list[TruePerson]] = {}
    for fid, pid, dob in con.execute("SELECT family_id, person_id, dob FROM att_members").fetchall():
        if dob is not None:
            members.setdefault(fid, []).append(TruePerson(pid, dob, "F"))
    cols = ", ".join(f'r."{c}"' for c in VALUE_COLUMNS)
    facts: dict[str, list[CleanFact]] = {}
    for fid, pid, fact, source, record_id, *values in con.execute(
            f"SELECT m.family_id, m.person_id, r.fact, r.source, r.record_id, {cols} FROM att_members m "
            "JOIN record_person rp ON rp.person_id = m.person_id JOIN records r ON r.record_key = rp.record_key"
    ).fetchall():
        facts.setdefault(fid, []).append(
            CleanFact(fact, pid, source, record_id, dict(zip(VALUE_COLUMNS, values, strict=True))))
    return members, facts


@pytest.mark.django_db(transaction=True)
def test_claims_on_a_synthetic_county_agree_with_the_oracle(tmp_path: Path):
    extracts = tmp_path / "extracts"
    generate(extracts, people=1200, as_of=A, seed=11, follow_ups=2)
    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    plan = "nottinghamshire-2015"
    run_refresh(ws, extracts, plan, tmp_path / "out0", linker=TruthLinkage(extracts / "truth"))
    with open(tmp_path / "out0" / "cohort.csv", newline="") as handle:
        eligible = [r["family_id"] for r in csv.DictReader(handle) if r["eligible"] == "true"]
    assert len(eligible) >= 20
    attach_families(ws, [AttachmentRequest(f, A, "Worker", "Agency") for f in eligible], actor="t")
    frozen = sorted(BaselineCount.objects.values_list("attachment__family_id", "measure", "person_id", "count"))

    later = extracts / "follow-up-2"
    run_refresh(ws, later, plan, tmp_path / "out2", linker=TruthLinkage(later / "truth"))
    assert sorted(BaselineCount.objects.values_list("attachment__family_id", "measure", "person_id", "count")) \
        == frozen

    with evaluation(ws, E) as con:
        ours = {(f, h, m): s for f, h, m, s in con.execute(
            "SELECT family_id, headline, measure, status FROM measure_status").fetchall()}
        routes: dict[str, set[str]] = {}
        for f, r in con.execute("SELECT family_id, route FROM family_routes").fetchall():
            routes.setdefault(f, set()).add(r)
        members, facts = _oracle_view(con)
    claimable = 0
    for fid in eligible:
        truth = evaluate_results(plan, A, E, members.get(fid, []), facts.get(fid, []))
        assert {k[1:]: s == "met" for k, s in ours.items() if k[0] == fid} == \
            {(o.headline, o.measure): o.met for o in truth.measures}, fid
        assert routes.get(fid, set()) == set(truth.routes), fid
        claimable += bool(truth.routes)
    assert claimable > 0, "the county should have some families with results to claim"

    run = make_claims(ws, E.strftime("%Y-%m"), tmp_path / "claims", actor="t")
    assert {c.family_id for c in run.claims} == {f for f in eligible if routes.get(f)}
