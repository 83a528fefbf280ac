"""Prove results end to end: a synthetic county with attachments and 18 months of follow-ups, every
shipped plan with results, claim decisions against the truth's results for every attached family.

Linkage is the truth's (this proves results, not linkage); everything else is the product: ingest,
households, identification, `truth_attachments` -> attach, later refreshes, evaluation of claims.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.evaluation.claims import evaluate_claims, truth_attachments
from priority_families.linkage import TruthLinkage
from priority_families.outcomes.attach import attach_from_csv
from priority_families.refresh import run_refresh
from priority_families.synth.county import generate

A = date(2015, 7, 31)
PLANS = ("national-2012", "nottinghamshire-2015", "warwickshire-2015")


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("prove") / "extracts"
    generate(out, people=2500, as_of=A, seed=5, follow_ups=3, attach_share=1.0)
    return out


def _refresh(ws: Workspace, folder: Path, plan: str, out: Path) -> None:
    run_refresh(ws, folder, plan, out, linker=TruthLinkage(folder / "truth"))


def _truth_claims(folder: Path, plan: str) -> int:
    with open(folder / "truth" / "results.csv", newline="") as handle:
        return sum(1 for r in csv.DictReader(handle) if r["plan_id"] == plan and r["claim"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("plan", PLANS)
def test_claim_decisions_match_the_truth_for_every_attached_family(county: Path, tmp_path: Path, plan: str):
    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    _refresh(ws, county, plan, tmp_path / "out0")
    made = truth_attachments(ws, county, tmp_path / "attachments.csv")
    assert made.unmapped == made.not_eligible == 0
    assert len(made.rows) >= 5
    attach_from_csv(ws, tmp_path / "attachments.csv", actor="test")

    for k, months in ((2, 12), (3, 18)):
        later = county / f"follow-up-{k}"
        _refresh(ws, later, plan, tmp_path / f"out{k}")
        result = evaluate_claims(ws, later)
        assert result.evaluated_on == date(2015 + (7 + months) // 12, (7 + months - 1) % 12 + 1, 31)
        agreement = result.plans[plan]
        assert agreement.differences == [], (months, agreement.differences)
        assert agreement.families == agreement.agree == agreement.same_routes == len(made.rows)
        assert agreement.claims_truth == agreement.claims_ours == _truth_claims(later, plan)
    assert agreement.claims_ours > 0, "18 months on, some attached families should have results to claim"
    assert agreement.claims_ours < agreement.families, "and some should not"


@pytest.mark.django_db(transaction=True)
def test_claims_are_evaluated_on_the_refresh_the_workspace_holds(county: Path, tmp_path: Path):
    from priority_families.evaluation.truth import TruthError

    ws = Workspace(Settings(workspace=tmp_path / "ws", threads=1))
    _refresh(ws, county, "nottinghamshire-2015", tmp_path / "out0")
    with pytest.raises(TruthError, match="as of 2015-07-31 but"):
        evaluate_claims(ws, county / "follow-up-1")
    with pytest.raises(TruthError, match="attachment refresh"):
        evaluate_claims(ws, county)
