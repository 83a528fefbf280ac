"""End to end on a small synthetic county: real synth, real ingest, real linkage, measured against truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.core.engine import Workspace
from priority_families.evaluation.linkage import evaluate_linkage, family_id_stability
from priority_families.households import build_households
from priority_families.ingest import ingest_extracts
from priority_families.linkage import TruthLinkage, link_records
from priority_families.synth.county import generate

AS_OF = date(2015, 8, 31)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("county")
    generate(out, 1500, AS_OF, seed=11, follow_ups=1)
    return out


def run_refresh(ws: Workspace, extracts: Path, linker=None) -> None:
    """One refresh the way `pf identify` runs it: a fresh store, then ingest, linkage and households."""
    with ws.publishing(fresh=True) as con:
        report = ingest_extracts(con, extracts)
        link_records(con, report.as_of, linker=linker)
        build_households(con, report.as_of)


def evaluate(ws: Workspace, truth: Path):
    con = ws.connect()
    try:
        return evaluate_linkage(con, truth)
    finally:
        con.close()


def test_linkage_meets_quality_targets_and_family_ids_stay_stable(county: Path, tmp_path: Path) -> None:
    ws = Workspace(path=tmp_path / "ws")
    run_refresh(ws, county)
    first = evaluate(ws, county)
    assert first.records == first.records_in_truth > 0
    assert first.pair_precision >= 0.995
    assert first.pair_recall >= 0.98
    assert first.household_f1 >= 0.99
    before = tmp_path / "before.duckdb"
    before.write_bytes(ws.store_path.read_bytes())

    run_refresh(ws, county / "follow-up-1")
    second = evaluate(ws, county / "follow-up-1")
    assert second.pair_precision >= 0.995 and second.household_f1 >= 0.99
    old, new = duckdb.connect(str(before), read_only=True), ws.connect()
    stability = family_id_stability(old, county, new, county / "follow-up-1")
    old.close()
    new.close()
    assert stability.continuing_families > 100
    assert stability.share >= 0.99


def test_truth_linkage_gives_truth_persons_and_households(county: Path, tmp_path: Path) -> None:
    ws = Workspace(path=tmp_path / "ws")
    run_refresh(ws, county, TruthLinkage(county / "truth"))
    result = evaluate(ws, county)
    assert (result.pair_precision, result.pair_recall) == (1.0, 1.0)
    assert result.household_f1 >= 0.999  # households on true persons follow the rule
    con = ws.connect()
    sample = con.execute("SELECT person_id FROM persons ORDER BY person_id LIMIT 1").fetchall()[0][0]
    con.close()
    assert sample.startswith("P")  # the truth's own person ids


def test_cli_link_review_and_evaluate(county: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ws = str(tmp_path / "ws")
    assert runner.invoke(app, ["ingest", str(county), "-w", ws]).exit_code == 0
    linked = runner.invoke(app, ["link", "-w", ws])
    assert linked.exit_code == 0, linked.output
    assert "pairs in review" in linked.output and "families" in linked.output
    assert (tmp_path / "ws" / "linkage" / "match_weights.html").is_file()
    assert (tmp_path / "ws" / "linkage" / "m_u_parameters.html").is_file()
    queue = tmp_path / "queue.csv"
    exported = runner.invoke(app, ["review", "export", str(queue), "-w", ws])
    assert exported.exit_code == 0 and queue.is_file()
    evaluated = runner.invoke(app, ["evaluate", "linkage", str(county), "-w", ws])
    assert evaluated.exit_code == 0 and "households (B-cubed)" in evaluated.output
    missing = runner.invoke(app, ["evaluate", "linkage", str(tmp_path / "nowhere"), "-w", ws])
    assert missing.exit_code == 1 and "no records.csv" in missing.output
