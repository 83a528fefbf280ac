"""The eligibility truth can be rebuilt from the written files alone: fact columns carry no noise, so the
oracle run on the rows as written (typed per the schema) and the truth people gives the same verdicts."""

from __future__ import annotations

from datetime import date
from typing import Any

from priority_families.ingest.schema import FACT_KINDS, ColumnType
from priority_families.synth.oracle import evaluate_family
from priority_families.synth.truth import CleanFact, TruePerson
from priority_families.synth.writer import PLAN_IDS

from .synth_support import read_csv


def _typed(kind: ColumnType, value: str) -> Any:
    if value == "":
        return None
    if kind == ColumnType.DATE:
        return date.fromisoformat(value)
    if kind == ColumnType.INTEGER:
        return int(value)
    if kind == ColumnType.NUMBER:
        return float(value)
    return value


def test_truth_verdicts_follow_from_the_written_rows(county) -> None:
    out, _ = county
    for folder, as_of in ((out, date(2015, 8, 31)), (out / "follow-up-1", date(2016, 2, 29))):
        person_of = {(r["source"], r["record_id"]): r["person_id"] for r in read_csv(folder / "truth" / "records.csv")}
        facts: dict[str, list[CleanFact]] = {}
        for fact, kind in FACT_KINDS.items():
            for row in read_csv(folder / f"{fact}.csv"):
                pid = person_of[(row["source"], row["record_id"])]
                values = {c.name: _typed(c.type, row[c.name]) for c in kind.columns}
                facts.setdefault(pid, []).append(CleanFact(fact, pid, row["source"], row["record_id"], values))
        people = {p["person_id"]: p for p in read_csv(folder / "truth" / "people.csv")}
        members: dict[str, list[str]] = {}
        for pid, p in people.items():
            if p["family_id"]:
                members.setdefault(p["family_id"], []).append(pid)
        families = read_csv(folder / "truth" / "families.csv")
        assert len(families) == len(members)
        for family in families:
            pids = sorted(members[family["family_id"]])
            true_members = [TruePerson(pid, date.fromisoformat(people[pid]["dob"]), people[pid]["sex"]) for pid in pids]
            family_facts = [f for pid in pids for f in facts.get(pid, [])]
            for plan in PLAN_IDS:
                verdict = evaluate_family(plan, as_of, true_members, family_facts)
                assert (family[f"{plan}_eligible"] == "true") == verdict.eligible
                assert family[f"{plan}_headlines"] == ";".join(sorted(verdict.headlines))
