"""`pf team demo|caseloads|referrals` and `pf users add --role partner` as an operator runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.web.test_cli import _pf


@pytest.fixture
def workspace(county: Path, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(county, ws)
    return ws


def test_the_demo_team_is_set_up_once_and_shows_in_caseloads(workspace):
    w = ["-w", str(workspace)]
    refused = _pf("team", "demo", *w)
    assert refused.returncode == 1 and "publish a refresh first" in refused.stderr
    assert _pf("web", "publish", *w).returncode == 0
    first = _pf("team", "demo", *w)
    assert first.returncode == 0, first.stderr
    assert "demo-school" in first.stdout and "matches family" in first.stdout
    again = _pf("team", "demo", *w)  # a second run keeps what is there
    assert again.returncode == 0, again.stderr
    family = first.stdout.split("family ")[1].split()[0]
    assert f"family {family} is led by demo-worker" in again.stdout
    loads = _pf("team", "caseloads", *w)
    assert loads.returncode == 0 and "demo-worker" in loads.stdout and "targeted_early_help: 1" in loads.stdout
    assert _pf("team", "caseloads", "--team", "Nobody", *w).returncode == 1
    report = _pf("team", "referrals", *w)
    assert report.returncode == 0 and "families referred: 0" in report.stdout
    listing = _pf("users", "list", *w).stdout
    assert "demo-hv" in listing and "partner" in listing


def test_a_partner_practitioner_is_added_from_the_command_line(workspace):
    added = _pf("users", "add", "hv", "--role", "partner", "--agency", "Health visiting", "--password-stdin",
                "-w", str(workspace), stdin="A-long-enough-password-1\n")
    assert added.returncode == 0 and "hv (partner)" in added.stdout
