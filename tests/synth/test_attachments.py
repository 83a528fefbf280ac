"""Synthetic attachments and their results truth: attached families change after attachment, and a
realistic share (not none, not all) reach results by each route."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from priority_families.synth.county import generate
from priority_families.synth.writer import PLAN_IDS

from .synth_support import AS_OF, read_csv


@pytest.fixture(scope="module")
def attached_county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("attached")
    generate(out, 4000, AS_OF, seed=3, follow_ups=3)
    return out


def test_attachments_are_eligible_families_attached_on_as_of(attached_county: Path) -> None:
    attachments = read_csv(attached_county / "truth" / "attachments.csv")
    families = {r["family_id"]: r for r in read_csv(attached_county / "truth" / "families.csv")}
    assert len(attachments) >= 8
    for row in attachments:
        assert row["attached_on"] == AS_OF.isoformat() and row["lead_worker"] and row["lead_agency"]
        assert any(families[row["family_id"]][f"{plan}_eligible"] == "true" for plan in PLAN_IDS)
    eligible = sum(any(f[f"{plan}_eligible"] == "true" for plan in PLAN_IDS) for f in families.values())
    assert 0.25 * eligible <= len(attachments) <= 0.75 * eligible
    assert {r["trajectory"] for r in attachments} == {"improves", "works", "both", "unchanged"}


def test_results_truth_covers_every_attached_family_and_eligible_plan(attached_county: Path) -> None:
    attachments = {r["family_id"] for r in read_csv(attached_county / "truth" / "attachments.csv")}
    families = {r["family_id"]: r for r in read_csv(attached_county / "truth" / "families.csv")}
    expected = {(f, p) for f in attachments for p in PLAN_IDS if families[f][f"{p}_eligible"] == "true"}
    for k in (1, 2, 3):
        rows = read_csv(attached_county / f"follow-up-{k}" / "truth" / "results.csv")
        assert {(r["family_id"], r["plan_id"]) for r in rows} == expected
        for r in rows:
            assert (r["claim"] == "") == (r["routes"] == "")
            assert set(r["claim"].split(";")) <= set(r["routes"].split(";"))  # one claim per claim group
            assert ";" not in r["claim"] or r["plan_id"] == "national-2012"  # the only plan with two groups
    two = {r["claim"] for k in (1, 2, 3) for r in read_csv(attached_county / f"follow-up-{k}" / "truth" / "results.csv")
           if ";" in r["claim"]}
    assert two == {"progress_to_work;turned_around"}  # a family turned around and starting the Work Programme
    assert not (attached_county / "follow-up-1" / "truth" / "attachments.csv").exists()


def test_a_realistic_share_reach_results_by_each_route_18_months_on(attached_county: Path) -> None:
    rows = read_csv(attached_county / "follow-up-3" / "truth" / "results.csv")
    claims = Counter((r["plan_id"], r["claim"]) for r in rows)
    for plan in ("nottinghamshire-2015", "warwickshire-2015"):
        total = sum(n for (p, _), n in claims.items() if p == plan)
        assert claims[(plan, "significant_sustained")] > 0 and claims[(plan, "continuous_employment")] > 0
        assert 0 < claims[(plan, "")] < total
    assert sum(n for (p, c), n in claims.items() if p == "national-2012" and c) > 0
    # six months after attachment nothing sustained for 6 months or more can be claimed yet on most routes
    early = read_csv(attached_county / "follow-up-1" / "truth" / "results.csv")
    assert sum(bool(r["claim"]) for r in early) < sum(bool(r["claim"]) for r in rows)


def test_no_attachments_without_follow_ups_unless_asked(tmp_path: Path) -> None:
    generate(tmp_path / "a", 300, AS_OF, seed=3)
    assert not (tmp_path / "a" / "truth" / "attachments.csv").exists()
    summary = generate(tmp_path / "b", 300, AS_OF, seed=3, attach_share=1.0)
    assert summary.attached == len(read_csv(tmp_path / "b" / "truth" / "attachments.csv"))


def test_attach_share_zero_leaves_the_county_as_without_attachments(tmp_path: Path) -> None:
    generate(tmp_path / "a", 400, AS_OF, seed=4, follow_ups=1, attach_share=0.0)
    generate(tmp_path / "b", 400, AS_OF, seed=4, follow_ups=1)
    base = [(tmp_path / x / "offence.csv").read_bytes() for x in "ab"]
    # attaching changes only what happens after attachment (new job records do shift later DWP record ids)
    assert base[0] == base[1]
