"""`pf ingest` on the command line: table printed, exit codes, one-line errors."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from ingest.builders import every_kind_folder, row, write_extract, write_refresh
from priority_families.cli import ingest as ingest_cli


def app() -> typer.Typer:
    """The ingest command inside a multi-command app, as `pf` has it."""
    application = typer.Typer()

    @application.callback()
    def main() -> None:
        """Priority Families."""

    ingest_cli.register(application)
    return application


def test_ingest_prints_counts_and_writes_rejects(tmp_path):
    folder = every_kind_folder(tmp_path / "extracts", rows_per_kind=2)
    write_extract(folder, "offence", [row("offence", record_id="1"), row("offence", record_id="2", date="x")])
    result = CliRunner().invoke(app(), ["ingest", str(folder), "--workspace", str(tmp_path / "ws"),
                                        "--as-of", "2015-07-31"])
    assert result.exit_code == 0, result.output
    assert "offence.csv" in result.output and "not a real date" in result.output
    assert (tmp_path / "ws" / "rejects.csv").read_text().count("\n") == 2
    assert (tmp_path / "ws" / "store.duckdb").exists()


def test_fatal_file_exits_non_zero_with_one_line(tmp_path):
    folder = tmp_path / "extracts"
    write_extract(folder, "offence", [row("offence")])
    write_refresh(folder)
    (folder / "marac.csv").write_bytes(b"source,record_id\n1,\xff\n")
    result = CliRunner().invoke(app(), ["ingest", str(folder), "--workspace", str(tmp_path / "ws")])
    assert result.exit_code == 1
    (line,) = [text for text in result.output.splitlines() if "error:" in text]
    assert "marac.csv" in line and "not UTF-8" in line and "nothing published has changed" in line
    assert not (tmp_path / "ws" / "store.duckdb").exists()
