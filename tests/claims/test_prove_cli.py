"""`pf evaluate attachments` and `pf evaluate claims`, in-process on a small synthetic county (linkage from
the truth, so the figures are about results)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.linkage import TruthLinkage
from priority_families.refresh import run_refresh
from priority_families.synth.county import generate

PLAN = "warwickshire-2015"


def _pf(ws: Path, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(ws)], env={"COLUMNS": "200"})
    assert (result.exit_code == 0) is ok, result.stdout + result.stderr + repr(result.exception)
    return result.stdout + result.stderr


@pytest.mark.django_db(transaction=True)
def test_attach_from_truth_then_evaluate_claims_a_year_later(tmp_path: Path, monkeypatch) -> None:
    county = tmp_path / "county"
    generate(county, people=1200, as_of=date(2015, 8, 31), seed=8, follow_ups=2)
    path = tmp_path / "ws"
    monkeypatch.setenv("PF_WORKSPACE", str(path))
    ws = Workspace(Settings(workspace=path, threads=1))
    run_refresh(ws, county, PLAN, tmp_path / "out0", linker=TruthLinkage(county / "truth"))

    assert "attachment refresh" in _pf(path, "evaluate", "claims", str(county), ok=False)
    out = _pf(path, "evaluate", "attachments", str(county), "--out", str(tmp_path / "att.csv"))
    with open(tmp_path / "att.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert f"{len(rows)} attachments under {PLAN}" in out and rows
    assert {r["attached_on"] for r in rows} == {"2015-08-31"} and all(r["family_id"].startswith("F") for r in rows)
    assert f"attached {len(rows)} families" in _pf(path, "attach", str(tmp_path / "att.csv"))

    later = county / "follow-up-2"
    assert "as of 2015-08-31 but" in _pf(path, "evaluate", "claims", str(later), ok=False)
    run_refresh(ws, later, PLAN, tmp_path / "out2", linker=TruthLinkage(later / "truth"))
    out = _pf(path, "evaluate", "claims", str(later))
    assert "Claim decisions against truth at 2016-08-31" in out
    row = next(line for line in out.splitlines() if PLAN in line)
    assert f"{len(rows)} " in row and "100.0%" in row
