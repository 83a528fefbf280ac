"""A plan's claim groups (decision 20): which claims a family may have at once is plan data, and a group the
plan cannot honour is refused at load with the file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from priority_families.plans.loader import PlanError, library_files, load_plan, load_plan_file

NATIONAL = library_files()["national-2012"].read_text(encoding="utf-8")


def _problems(tmp_path: Path, text: str) -> str:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan_file(path)
    return str(info.value)


def test_national_2012_claims_progress_to_work_apart_and_other_plans_once():
    plan = load_plan("national-2012")
    assert plan.claim_groups() == ["results", "work", "employment"]
    assert plan.route("continuous_employment").excludes == ["results", "work"]
    for plan_id in ("nottinghamshire-2015", "warwickshire-2015"):
        assert load_plan(plan_id).claim_groups() == ["results"]  # one group: one claim per family, as before


def test_a_group_the_plan_cannot_honour_is_refused(tmp_path):
    unknown = NATIONAL.replace("excludes: [results, work]", "excludes: [results, wages]")
    assert "excludes unknown claim groups ['wages']" in _problems(tmp_path, unknown)
    own = NATIONAL.replace("excludes: [results, work]", "excludes: [employment]")
    assert "excludes its own claim group 'employment'" in _problems(tmp_path, own)
    mutual = NATIONAL.replace("    claim_group: work\n", "    claim_group: work\n    excludes: [employment]\n")
    said = _problems(tmp_path, mutual)
    assert "exclude each other's claim groups" in said and "plan.yaml" in said
