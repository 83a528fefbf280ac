"""Follow-up refreshes describe the same county six months on, with stable person and family ids."""

from __future__ import annotations

from collections import Counter

from .synth_support import read_csv


def test_follow_up_keeps_person_ids_and_record_keys(county) -> None:
    out, _ = county
    base = {p["person_id"]: p for p in read_csv(out / "truth" / "people.csv")}
    later = {p["person_id"]: p for p in read_csv(out / "follow-up-1" / "truth" / "people.csv")}
    kept = set(base) & set(later)
    assert len(kept) >= 0.95 * len(base)
    assert all((base[p]["first_name"], base[p]["dob"]) == (later[p]["first_name"], later[p]["dob"]) for p in kept)
    base_records = {(r["source"], r["record_id"]): r["person_id"] for r in read_csv(out / "truth" / "records.csv")}
    later_records = {(r["source"], r["record_id"]): r["person_id"]
                     for r in read_csv(out / "follow-up-1" / "truth" / "records.csv")}
    shared = set(base_records) & set(later_records)
    assert len(shared) >= 0.6 * len(base_records)
    assert all(base_records[k] == later_records[k] for k in shared)
    assert len(set(later_records) - set(base_records)) > 100  # new records in the new six months


def test_family_lineage_follows_the_majority_rule(county) -> None:
    out, _ = county
    base = {f["family_id"]: f for f in read_csv(out / "truth" / "families.csv")}
    later = {f["family_id"]: f for f in read_csv(out / "follow-up-1" / "truth" / "families.csv")}
    lineage = read_csv(out / "follow-up-1" / "truth" / "family_lineage.csv")
    assert {row["family_id"] for row in lineage} == set(later)
    changes = Counter(row["change"] for row in lineage)
    assert changes["unchanged"] > 0.8 * len(later)
    assert changes["moved"] > 0 and changes["split"] > 0 and changes["new"] > 0
    members_then = _members(out / "truth" / "people.csv")
    members_now = _members(out / "follow-up-1" / "truth" / "people.csv")
    for row in lineage:
        fid = row["family_id"]
        if row["change"] in ("unchanged", "moved", "merged"):
            assert fid in base and row["previous_family_id"] == fid
            assert 2 * len(members_then[fid] & members_now[fid]) > len(members_then[fid])
        else:
            assert fid not in base  # ids are never reused
            if row["change"] == "split":
                assert members_then[row["previous_family_id"]] & members_now[fid]
    moved = [row["family_id"] for row in lineage if row["change"] == "moved"]
    assert all(base[f]["household_id"] != later[f]["household_id"] for f in moved)


def _members(path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for p in read_csv(path):
        if p["family_id"]:
            out.setdefault(p["family_id"], set()).add(p["person_id"])
    return out
