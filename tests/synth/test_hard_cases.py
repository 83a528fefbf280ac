"""The hard cases a naive linkage or a careless rule would get wrong are all present in a small county."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

from priority_families.ingest.schema import FACT_KINDS
from priority_families.synth.calendar import add_months, age_on
from priority_families.synth.names import NICKNAMES
from priority_families.synth.noise import ascii_fold

from .synth_support import read_csv

PLANTED = (
    "twins", "same_name_as_parent", "step_family_surnames", "moved_into_vacated_home", "mover", "family_split",
    "namesake_same_birth_year", "birthday_on_as_of_turning_18", "birthday_on_as_of_turning_16",
    "birthday_on_as_of_turning_5", "absence_overall_10pct", "absence_overall_9.75pct",
    "absence_unauthorised_15pct", "absence_unauthorised_14.75pct", "fixed_exclusions_3_in_last_3_terms",
    "fixed_exclusions_2_in_last_3_terms", "benefit_spell_ends_on_as_of", "benefit_spell_ends_day_before_as_of",
    "edge_offence_in", "edge_offence_out", "edge_custody_release_12_months_after",
    "edge_custody_release_12_months_and_a_day_after", "edge_domestic_abuse_in", "edge_domestic_abuse_out",
    "edge_health_in", "edge_health_out", "two_attendance_rows_per_term",
)


def _truth_by_key(folder) -> dict[tuple[str, str], str]:
    return {(r["source"], r["record_id"]): r["person_id"] for r in read_csv(folder / "truth" / "records.csv")}


def test_every_planted_case_is_present(county) -> None:
    out, _ = county
    cases = Counter(r["case"] for r in read_csv(out / "truth" / "hard_cases.csv"))
    missing = [case for case in PLANTED if cases[case] == 0]
    assert missing == []


def test_twins_namesakes_and_step_families_show_in_the_people(county) -> None:
    out, _ = county
    people = read_csv(out / "truth" / "people.csv")
    households: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in people:
        households[p["household_id"]].append(p)
    twins = same_name = step = 0
    for members in households.values():
        dobs = Counter((p["dob"], p["last_name"]) for p in members)
        twins += any(n >= 2 for n in dobs.values())
        names = defaultdict(list)
        for p in members:
            names[(p["first_name"], p["last_name"])].append(date.fromisoformat(p["dob"]))
        same_name += any(len(d) >= 2 and (max(d) - min(d)).days > 16 * 365 for d in names.values())
        if any(p["family_id"] for p in members):
            step += len({p["last_name"] for p in members}) >= 3
    name_year = Counter((p["first_name"], p["last_name"], p["dob"][:4]) for p in people)
    namesakes = [k for k, n in name_year.items() if n >= 2
                 and len({p["household_id"] for p in people if (p["first_name"], p["last_name"], p["dob"][:4]) == k}) >= 2]
    assert twins >= 3 and same_name >= 2 and step >= 5 and len(namesakes) >= 3


def test_nicknames_swapped_names_and_noisy_dates_of_birth_occur(county) -> None:
    out, _ = county
    people = {p["person_id"]: p for p in read_csv(out / "truth" / "people.csv")}
    person_of = _truth_by_key(out)
    nick = swapped = dob_swapped = dob_blank = rows = 0
    for fact in FACT_KINDS:
        for row in read_csv(out / f"{fact}.csv"):
            p = people.get(person_of[(row["source"], row["record_id"])])
            if p is None:
                continue
            rows += 1
            first, last = row["first_name"].strip().lower(), row["last_name"].strip().lower()
            nick += first in {n.lower() for n in NICKNAMES.get(p["first_name"], ())}
            swapped += (first, last) == (ascii_fold(p["last_name"]).lower(), ascii_fold(p["first_name"]).lower()) \
                and first != last
            dob_blank += row["dob"] == ""
            true_dob = date.fromisoformat(p["dob"])
            if row["dob"] and true_dob.day <= 12 and true_dob.day != true_dob.month:
                dob_swapped += row["dob"] == date(true_dob.year, true_dob.day, true_dob.month).isoformat()
    assert nick / rows > 0.005 and swapped / rows > 0.003
    assert dob_blank / rows > 0.01 and dob_swapped > 10


def test_boundary_facts_sit_exactly_on_the_edges(county) -> None:
    out, _ = county
    person_of = _truth_by_key(out)
    cases = read_csv(out / "truth" / "hard_cases.csv")
    justice = defaultdict(set)
    for row in read_csv(out / "justice.csv"):
        justice[person_of[(row["source"], row["record_id"])]].add(row["release_date"])
    offences = defaultdict(set)
    for row in read_csv(out / "offence.csv"):
        offences[person_of[(row["source"], row["record_id"])]].add(row["date"])
    people = {p["person_id"]: p for p in read_csv(out / "truth" / "people.csv")}
    checked = 0
    for case in cases:
        as_of = date.fromisoformat(case["detail"]) if len(case["detail"]) == 10 else None
        if as_of is None or as_of != date(2015, 8, 31):
            continue
        pid = case["person_id"]
        if case["case"] == "edge_custody_release_12_months_after":
            assert add_months(as_of, 12).isoformat() in justice[pid]
            checked += 1
        elif case["case"] == "edge_offence_out" and pid in people:
            assert add_months(as_of, -12).isoformat() in offences[pid]
            checked += 1
        elif case["case"].startswith("birthday_on_as_of_turning_") and pid in people:
            turning = int(case["case"].rsplit("_", 1)[1])
            dob = date.fromisoformat(people[pid]["dob"])
            assert (dob.month, dob.day) == (as_of.month, as_of.day) or dob.month == 2
            assert age_on(dob, as_of) == turning
            checked += 1
    assert checked >= 3


def test_absence_edges_add_up_exactly_over_the_last_three_terms(county) -> None:
    out, _ = county
    person_of = _truth_by_key(out)
    expected = {"absence_overall_10pct": (40, None), "absence_overall_9.75pct": (39, None),
                "absence_unauthorised_15pct": (60, 60), "absence_unauthorised_14.75pct": (59, 59)}
    terms = {"2014-autumn", "2015-spring", "2015-summer"}  # the last 3 terms before 2015-08-31
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in read_csv(out / "school_attendance.csv"):
        if row["term"] in terms:
            s = sums[person_of[(row["source"], row["record_id"])]]
            s[0] += int(row["possible_sessions"])
            s[1] += int(row["authorised_absence"]) + int(row["unauthorised_absence"])
            s[2] += int(row["unauthorised_absence"])
    checked = 0
    for case in read_csv(out / "truth" / "hard_cases.csv"):
        if case["case"] in expected and case["detail"] == "2015-08-31":
            overall, unauthorised = expected[case["case"]]
            possible, absent, unauth = sums[case["person_id"]]
            assert possible == 400 and absent == overall
            assert unauthorised is None or unauth == unauthorised
            checked += 1
    assert checked >= 2
