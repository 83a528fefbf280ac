"""`pf identify` through the command line, with the real Splink linkage, on a tiny synthetic county."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from priority_families.cli.app import app
from priority_families.synth.county import generate


def test_pf_identify_writes_outputs_and_refuses_a_bad_plan(tmp_path):
    extracts, ws, out = tmp_path / "county", tmp_path / "ws", tmp_path / "out"
    generate(extracts, people=300, as_of=date(2015, 8, 31), seed=5)
    runner = CliRunner()
    result = runner.invoke(app, ["identify", str(extracts), "--out", str(out), "--plan", "warwickshire-2015",
                                 "--workspace", str(ws)])
    assert result.exit_code == 0, result.output
    assert "eligible families" in result.output
    for name in ("cohort.csv", "members.csv", "evidence.csv", "cohort.xlsx"):
        assert (out / name).stat().st_size > 0
    published = (ws / "store.duckdb").read_bytes()
    bad_plan = tmp_path / "bad.yaml"
    bad_plan.write_text("id: bad\nname: Bad\n", encoding="utf-8")
    refused = runner.invoke(app, ["identify", str(extracts), "--out", str(out), "--plan", str(bad_plan),
                                  "--workspace", str(ws)])
    assert refused.exit_code == 1
    assert "bad.yaml:1" in refused.output and "nothing published has changed" in refused.output
    assert (ws / "store.duckdb").read_bytes() == published
