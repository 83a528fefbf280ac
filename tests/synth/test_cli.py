from pathlib import Path

from typer.testing import CliRunner

from priority_families.cli.app import app


def test_pf_synth_writes_a_county_and_prints_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path / "c"), "--people", "200", "--as-of", "2016-03-31",
                                      "--seed", "2", "--follow-ups", "1"])
    assert result.exit_code == 0, result.output
    assert "truth eligible families" in result.output and "people generated" in result.output
    assert (tmp_path / "c" / "follow-up-1" / "truth" / "family_lineage.csv").exists()
    assert "as_of: 2016-09-30" in (tmp_path / "c" / "follow-up-1" / "refresh.yaml").read_text()


def test_pf_synth_rejects_a_bad_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["synth", str(tmp_path / "c"), "--as-of", "2015-02-30"])
    assert result.exit_code == 1
    assert "not a date" in result.output


def test_pf_synth_refuses_a_file_as_output(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = CliRunner().invoke(app, ["synth", str(target), "--people", "10"])
    assert result.exit_code == 1 and "not a folder" in result.output
