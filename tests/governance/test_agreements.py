"""Sharing agreements as data: a refresh reads a source only under a live agreement in the register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from ingest.builders import agreement, row, write_agreements, write_extract, write_refresh
from priority_families.cli.app import app
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.core.problems import RowsRefused
from priority_families.ingest.agreements import AGREEMENTS_FILE, load_register
from priority_families.refresh import GuardError, PublishGuard, in_force, ingest_refresh


def _ws(tmp_path: Path) -> Workspace:
    return Workspace(Settings(workspace=tmp_path / "ws", threads=1))


def _folder(folder: Path, agreements: list[dict] | None = None) -> Path:
    """Police offences and a GP practice's health records, under the given agreements."""
    write_extract(folder, "offence", [row("offence", record_id=f"o{i}") for i in range(3)])
    write_extract(folder, "health", [row("health", source="gp", record_id=f"h{i}", nhs_number="9434765919")
                                     for i in range(2)])
    write_agreements(folder, agreements if agreements is not None else [
        agreement(id="ISP-POLICE", partner="police", sources=["police"], facts=["offence"], flags_back=None),
        agreement(id="ISP-GP", partner="gp_practices", sources=["gp"], facts=["health"]),
    ])
    write_refresh(folder)
    return folder


def test_a_refresh_relies_on_live_agreements_and_lists_them(tmp_path):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _folder(tmp_path / "a"))
    refresh = in_force(ws)
    assert refresh.agreements == ("ISP-GP", "ISP-POLICE") and refresh.agreements_override is None
    with ws.connect() as con:
        assert con.execute("SELECT source, fact, agreement_id, partner, standing FROM refresh_agreements "
                           "ORDER BY 1").fetchall() == [("gp", "health", "ISP-GP", "gp_practices", "live"),
                                                        ("police", "offence", "ISP-POLICE", "police", "live")]


@pytest.mark.parametrize("cli", [False, True])
def test_a_source_without_an_agreement_is_refused_and_nothing_is_published(tmp_path, cli):
    ws = _ws(tmp_path)
    ingest_refresh(ws, _folder(tmp_path / "a"))
    before, refresh_id = ws.store_path.read_bytes(), in_force(ws).refresh_id
    folder = _folder(tmp_path / "b", [agreement(id="ISP-POLICE", partner="police", sources=["police"],
                                                facts=["offence"])])
    if cli:
        result = CliRunner().invoke(app, ["ingest", str(folder), "-w", str(ws.path)])
        assert result.exit_code == 1 and "gp health: no information-sharing agreement covers it" in result.output
        assert "nothing published" in result.output
    else:
        with pytest.raises(GuardError, match="gp health: no information-sharing agreement covers it"):
            ingest_refresh(ws, folder)
    assert ws.store_path.read_bytes() == before and in_force(ws).refresh_id == refresh_id


def test_a_first_refresh_without_a_register_publishes_nothing(tmp_path):
    folder = _folder(tmp_path / "a")
    (folder / AGREEMENTS_FILE).unlink()
    ws = _ws(tmp_path)
    with pytest.raises(GuardError, match="no information-sharing agreements register"):
        ingest_refresh(ws, folder)
    assert not ws.store_path.exists()


def test_an_agreement_past_its_review_date_is_refused(tmp_path):
    folder = _folder(tmp_path / "a", [
        agreement(id="ISP-POLICE", partner="police", sources=["police"], facts=["offence"], review_on="2016-03-31"),
        agreement(id="ISP-GP", partner="gp_practices", sources=["gp"], facts=["health"]),
    ])
    ws = _ws(tmp_path)
    with pytest.raises(GuardError, match=r"police offence: agreement ISP-POLICE \(police\) was due for review on "
                                         r"2016-03-31"):
        ingest_refresh(ws, folder, guard=PublishGuard(checked_on=date(2016, 4, 1)))
    assert not ws.store_path.exists()
    ingest_refresh(ws, folder, guard=PublishGuard(checked_on=date(2016, 3, 31)))  # live on its review day
    assert in_force(ws).agreements == ("ISP-GP", "ISP-POLICE")


def test_the_override_is_recorded_with_the_refresh(tmp_path, monkeypatch):
    folder = _folder(tmp_path / "a", [agreement(id="ISP-POLICE", partner="police", sources=["police"],
                                                facts=["offence"], review_on="2016-03-31")])
    ws = _ws(tmp_path)
    result = CliRunner().invoke(app, ["ingest", str(folder), "-w", str(ws.path), "--override-agreements",
                                      "GP protocol re-signed 2016-04-02, register not yet updated"])
    assert result.exit_code == 0, result.output
    refresh = in_force(ws)
    assert refresh.agreements == ("ISP-POLICE",)
    assert refresh.agreements_override.startswith("GP protocol re-signed 2016-04-02, register not yet updated (")
    assert "gp health: no information-sharing agreement covers it" in refresh.agreements_override
    assert "police offence: agreement ISP-POLICE (police) was due for review on 2016-03-31" in \
        refresh.agreements_override
    from priority_families.cli.common import console

    monkeypatch.setattr(console, "width", 400)
    shown = CliRunner().invoke(app, ["refreshes", "-w", str(ws.path)])
    assert shown.exit_code == 0 and "1; overridden: GP protocol re-signed 2016-04-02" in shown.output
    with pytest.raises(ValueError, match="needs a reason"):
        PublishGuard(agreements_override="  ")


def _register_text(tmp_path: Path, agreements: list[dict], partners: list[str] | None = None) -> Path:
    return write_agreements(tmp_path / "reg", agreements, partners)


def test_a_register_missing_a_field_names_file_line_and_field_and_changes_nothing(tmp_path):
    bad = agreement(id="ISP-POLICE", partner="police")
    del bad["review_on"]
    path = _register_text(tmp_path, [agreement(), bad])
    with pytest.raises(RowsRefused) as caught:
        load_register(path)
    (problem,) = caught.value.problems
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "id: ISP-POLICE" in text)
    assert (problem.file, problem.line, problem.column, problem.reason) == (
        str(path), line, "agreements.1.review_on", "Field required")
    folder = _folder(tmp_path / "a")
    path.replace(folder / AGREEMENTS_FILE)
    ws = _ws(tmp_path)
    with pytest.raises(GuardError, match=r"agreements.yaml:\d+: agreements.1.review_on: Field required"):
        ingest_refresh(ws, folder)
    assert not ws.store_path.exists()


def test_a_register_naming_an_unknown_partner_is_refused(tmp_path):
    path = _register_text(tmp_path, [agreement(partner="nobody")], partners=["police"])
    with pytest.raises(RowsRefused) as caught:
        load_register(path)
    (problem,) = caught.value.problems
    assert problem.column == "agreements.0.partner" and "unknown partner 'nobody'" in problem.reason
    assert "partner: nobody" in path.read_text().splitlines()[problem.line - 1]


@pytest.mark.parametrize(("values", "reason"), [
    ({"facts": ["health"], "lawful_basis": {"article_6": "6(1)(e)"}},
     "covers health data (health): lawful_basis needs article_9 and dpa_2018_condition"),
    ({"facts": ["offence"], "lawful_basis": {"article_6": "6(1)(e)"}},
     "covers criminal-offence data (offence): lawful_basis needs dpa_2018_condition"),
    ({"review_on": "2014-01-01"}, "review_on 2014-01-01 is not after signed_on 2014-04-01"),
    ({"facts": ["offence", "gossip"]}, "unknown extract kind gossip"),
    ({"flags_back": {"identifiers": ["nhs_number"]}, "fields": ["source", "record_id"]},
     "flags_back names nhs_number, which the agreement does not cover"),
])
def test_a_lawful_basis_must_fit_the_data_it_covers(tmp_path, values, reason):
    with pytest.raises(RowsRefused, match=reason.replace("(", r"\(").replace(")", r"\)")):
        load_register(_register_text(tmp_path, [agreement(**values)]))


def test_pf_agreements_prints_the_register_and_what_is_due_for_review(tmp_path):
    path = _register_text(tmp_path, [
        agreement(id="ISP-POLICE", partner="police", sources=["police"], review_on="2016-03-31"),
        agreement(id="ISP-GP", partner="gp_practices", sources=["gp"], review_on="2016-09-30"),
        agreement(id="ISP-DWP", partner="dwp", sources=["dwp"], review_on="2019-01-01"),
    ])
    result = CliRunner().invoke(app, ["agreements", str(path), "--on", "2016-08-01", "--within", "90"],
                                terminal_width=250)
    assert result.exit_code == 0, result.output
    assert "ISP-POLICE (police): LAPSED: past its review date on 2016-03-31" in result.output
    assert "ISP-GP (gp practices): due for review on 2016-09-30" in result.output
    assert "ISP-DWP (" not in result.output and "ISP-DWP" in result.output  # listed, not due
    def columns(output: str) -> int:
        return next(line for line in output.splitlines() if "┳" in line).count("┳") + 1

    # five columns by default; with --full also sources and extracts, lawful basis and signatory
    full = CliRunner().invoke(app, ["agreements", str(path), "--on", "2016-08-01", "--full"], terminal_width=250)
    assert columns(result.output) == 5 and columns(full.output) == 8
    bad = yaml.safe_load(path.read_text())
    del bad["agreements"][0]["signed_by"]
    path.write_text(yaml.safe_dump(bad))
    result = CliRunner().invoke(app, ["agreements", str(path)], terminal_width=250)
    assert result.exit_code == 1 and "agreements.0.signed_by: Field required" in result.output


def test_a_source_sending_fields_its_agreement_does_not_cover_is_refused(tmp_path):
    narrow = [f for f in agreement()["fields"] if f != "nhs_number"]
    folder = _folder(tmp_path / "a", [
        agreement(id="ISP-POLICE", partner="police", sources=["police"], facts=["offence"], flags_back=None),
        agreement(id="ISP-GP", partner="gp_practices", sources=["gp"], facts=["health"], fields=narrow,
                  flags_back=None),
    ])
    ws = _ws(tmp_path)
    with pytest.raises(GuardError, match="gp health: sends nhs_number, which agreement ISP-GP does not cover"):
        ingest_refresh(ws, folder)
    assert not ws.store_path.exists()
