"""Ground truth: every record is in it, families follow the rules, the household rule holds."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

from priority_families.ingest.schema import FACT_KINDS
from priority_families.synth.calendar import age_on, term_dates
from priority_families.synth.writer import PLAN_IDS

from .synth_support import AS_OF, read_csv

FLAT = re.compile(r"^(?:Flat (\d+),? (\d+) |(\d+)/(\d+) |(\d+),? )", re.IGNORECASE)
FLAT_AFTER = re.compile(r"^(\d+) .* Flat (\d+)$", re.IGNORECASE)


def _number_and_flat(line: str) -> tuple[str, str | None]:
    """House number and flat of an address line, in any of the ways partners write them."""
    line = line.strip()
    after = FLAT_AFTER.match(line)
    if after:
        return after.group(1), after.group(2)
    m = FLAT.match(line)
    assert m, line
    if m.group(1):
        return m.group(2), m.group(1)
    if m.group(3):
        return m.group(4), m.group(3)
    return m.group(5), None


def _event_date(fact: str, row: dict[str, str]) -> date:
    if "date" in row and fact != "school_attendance":
        return date.fromisoformat(row["date"])
    if "start_date" in row:
        return date.fromisoformat(row["start_date"])
    year, season = row["term"].split("-")
    return term_dates(int(year), season)[0]


def _extract_rows(folder: Path) -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    return {(r["source"], r["record_id"]): (fact, r)
            for fact in FACT_KINDS for r in read_csv(folder / f"{fact}.csv")}


def test_every_record_written_is_in_truth_once(county) -> None:
    out, _ = county
    for folder in (out, out / "follow-up-1"):
        rows = _extract_rows(folder)
        truth = read_csv(folder / "truth" / "records.csv")
        assert len(truth) == len(rows)
        assert {(t["source"], t["record_id"]): t["fact"] for t in truth} == {k: v[0] for k, v in rows.items()}


def test_families_are_households_with_a_child(county) -> None:
    out, _ = county
    people = read_csv(out / "truth" / "people.csv")
    families = read_csv(out / "truth" / "families.csv")
    by_household: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in people:
        by_household[p["household_id"]].append(p)
    family_households = {f["household_id"]: f for f in families}
    for household_id, members in by_household.items():
        children = [p for p in members if age_on(date.fromisoformat(p["dob"]), AS_OF) < 18]
        family = family_households.get(household_id)
        if children:
            assert family is not None and int(family["children"]) == len(children)
            assert int(family["members"]) == len(members)
            assert {p["family_id"] for p in members} == {family["family_id"]}
        else:
            assert family is None and {p["family_id"] for p in members} == {""}
        assert len({(p["address_line1"], p["postcode"], p["uprn"]) for p in members}) == 1
    assert len({f["family_id"] for f in families}) == len(families)
    records = read_csv(out / "truth" / "records.csv")
    person_family = {p["person_id"]: (p["household_id"], p["family_id"]) for p in people}
    assert all(person_family[r["person_id"]] == (r["household_id"], r["family_id"]) for r in records)


def test_current_address_rule_holds_on_the_written_rows(county) -> None:
    """Rebuilt from the extract rows alone: each person's latest dated row with an address (ties to a UPRN)
    carries the house number, flat and postcode of their truth address."""
    out, _ = county
    rows = _extract_rows(out)
    latest: dict[str, tuple[date, bool, dict[str, str]]] = {}
    for t in read_csv(out / "truth" / "records.csv"):
        fact, row = rows[(t["source"], t["record_id"])]
        if not row["address_line1"]:
            continue
        key = (_event_date(fact, row), row["uprn"] != "")
        old = latest.get(t["person_id"])
        if old is None or key > old[:2]:
            latest[t["person_id"]] = (*key, row)
    people = read_csv(out / "truth" / "people.csv")
    assert {p["person_id"] for p in people} == set(latest)
    for p in people:
        row = latest[p["person_id"]][2]
        assert _number_and_flat(row["address_line1"]) == _number_and_flat(p["address_line1"])
        if row["postcode"]:
            assert row["postcode"].replace(" ", "").upper() == p["postcode"].replace(" ", "")
        if row["uprn"]:
            assert row["uprn"] == p["uprn"]


def test_eligibility_shares_are_realistic(county) -> None:
    out, summary = county
    families = read_csv(out / "truth" / "families.csv")
    assert len(families) > 300
    share = {plan: sum(f[f"{plan}_eligible"] == "true" for f in families) / len(families) for plan in PLAN_IDS}
    assert 0.06 <= share["nottinghamshire-2015"] <= 0.2, share
    assert share["national-2012"] < share["nottinghamshire-2015"]
    assert share["warwickshire-2015"] <= share["nottinghamshire-2015"]
    for f in families:
        for plan in PLAN_IDS:
            headlines = f[f"{plan}_headlines"].split(";") if f[f"{plan}_headlines"] else []
            assert headlines == sorted(headlines)
            if plan != "national-2012":
                assert (f[f"{plan}_eligible"] == "true") == (len(headlines) >= 2)
    assert summary.refreshes[0].eligible["nottinghamshire-2015"] == sum(
        f["nottinghamshire-2015_eligible"] == "true" for f in families)
