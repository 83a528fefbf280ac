"""The `pf` commands of outcomes and claims, run in-process on a temporary workspace and the test case DB.

(`tests/claims/test_ledger.py` runs `pf attach` and `pf claims` as real subprocesses.)"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from priority_families.cli.app import app


@dataclass
class Ran:
    stdout: str
    stderr: str


def _pf(ws: Path, *args: str, ok: bool = True) -> Ran:
    result = CliRunner().invoke(app, [*args, "-w", str(ws)], env={"COLUMNS": "200"})
    out, err = result.stdout, result.stderr
    assert (result.exit_code == 0) is ok, out + err + repr(result.exception)
    return Ran(out, err)


@pytest.fixture
def ws(tmp_path, settings, monkeypatch) -> Path:
    from claims.county import claims_county, publish_later
    from priority_families.core.engine import Workspace

    settings.MEDIA_ROOT = tmp_path / "evidence_files"
    path = tmp_path / "ws"
    monkeypatch.setenv("PF_WORKSPACE", str(path))  # casedb.setup sets it; restored after the test
    claims_county(path, families=6)
    attachments = path.parent / "att.csv"
    attachments.write_text("family_id,attached_on,lead_worker,lead_agency\n"
                           + "".join(f"F{k},2015-08-31,W,{'Police' if k % 2 else 'Early Help'}\n" for k in range(6)))
    _pf(path, "attach", str(attachments))
    publish_later(Workspace(path=path), families=6)  # the refresh results are judged on
    return path


@pytest.mark.django_db
def test_attach_refuses_a_second_time_with_row_errors(ws):
    run = _pf(ws, "attach", str(ws.parent / "att.csv"), ok=False)
    assert "att.csv:2: family_id: family F0 is already attached" in run.stderr
    assert "nothing attached" in run.stderr


@pytest.mark.django_db
def test_progress_table_and_csv(ws):
    run = _pf(ws, "progress", "--as-of", "2016-06-30", "--out", str(ws.parent / "progress"))
    assert "Progress at 2016-06-30" in run.stdout and "offending adults" in (ws.parent / "progress" / "progress.md"
                                                                            ).read_text()
    assert "6 attached families evaluated" in run.stdout
    with open(ws.parent / "progress" / "progress.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["family_id"] for r in rows} == {f"F{k}" for k in range(6)}
    assert {r["line_status"] for r in rows} <= {"met", "not_yet", "not_applicable", "awaiting_attestation"}
    with open(ws.parent / "progress" / "routes.csv", newline="") as handle:
        routes = {r["family_id"]: r["routes"] for r in csv.DictReader(handle)}
    assert routes["F1"] == "significant_sustained;continuous_employment" and routes["F0"] == ""


@pytest.mark.django_db
def test_progress_and_income_past_the_refresh_in_force_are_refused(ws):
    for args in (("progress", "--as-of", "2017-01-31"), ("income", "--as-of", "2017-01-31")):
        run = _pf(ws, *args, ok=False)
        assert "after the refresh in force" in run.stderr and "as of 2016-12-31" in run.stderr


@pytest.mark.django_db
def test_attest_keeps_the_evidence_checksum(ws):
    evidence = ws.parent / "letter.txt"
    evidence.write_text("GP letter: attended 8 months")
    run = _pf(ws, "attest", "F1", "--headline", "domestic_abuse", "--line", "incident", "--by", "Lead",
              "--statement", "Engaged with support services", "--evidence", str(evidence))
    assert "evidence sha256" in run.stdout
    bad = _pf(ws, "attest", "F1", "--headline", "health", "--line", "health_record", "--by", "Lead",
              "--statement", "s", "--evidence", str(evidence), ok=False)
    assert "did not have health/health_record at attachment" in bad.stderr


@pytest.mark.django_db
def test_claims_spotcheck_income_savings_and_return(ws):
    out = ws.parent / "claims"
    run = _pf(ws, "claims", "--window", "2016-06", "--out", str(out))
    assert "proposed" in run.stdout and (out / "claims.xlsx").exists()
    with open(out / "claims.csv", newline="") as handle:
        claimed = [r["family_id"] for r in csv.DictReader(handle)]
    assert claimed and all((out / "packs" / f"{f}.html").exists() for f in claimed)
    _pf(ws, "claims", "check", "--window", "2016-06", "--all", "--by", "Checker", "--on", "2016-07-04")
    _pf(ws, "claims", "submit", "--window", "2016-06", "--signed-by", "Head", "--out", str(out), "--on", "2016-07-04")
    assert _pf(ws, "spotcheck", "--window", "2016-06", "--share", "0.5", "--seed", "1").stdout.count("F") >= 1
    assert "Budget by financial year" in _pf(ws, "income", "--as-of", "2016-06-30").stdout
    savings = _pf(ws, "savings", "--sample", "50%", "--out", str(ws.parent / "savings"))
    assert "ILLUSTRATIVE" in savings.stdout and (ws.parent / "savings" / "savings.csv").exists()
    ret = _pf(ws, "returns", "quarterly", "--quarter", "2016Q2", "--out", str(ws.parent / "return"))
    assert "claims predicted next quarter" in ret.stdout and "Early Help" in ret.stdout
    with open(ws.parent / "return" / "return_area_by_agency.csv", newline="") as handle:
        assert sorted((r["lead_agency"], r["worked_with"]) for r in csv.DictReader(handle)) == [
            ("Early Help", "3"), ("Police", "3")]
    assert "not YYYYQn" in _pf(ws, "returns", "quarterly", "--quarter", "2016-2", ok=False).stderr
    assert "not YYYY-MM" in _pf(ws, "claims", "--window", "June", "--out", str(out), ok=False).stderr


@pytest.mark.django_db
def test_a_claims_life_through_the_commands(ws):
    out = ws.parent / "claims"
    _pf(ws, "claims", "--window", "2016-06", "--out", str(out))
    with open(out / "claims.csv", newline="") as handle:
        families = sorted(r["family_id"] for r in csv.DictReader(handle))
    rejected, *rest = families
    _pf(ws, "claims", "check", "--window", "2016-06", "--family", rejected, "--by", "Checker",
        "--reject", "not working with the whole family", "--on", "2016-07-04")
    both = _pf(ws, "claims", "check", "--window", "2016-06", "--all", "--family", rest[0], "--by", "C", ok=False)
    assert "not both" in both.stderr
    assert f"{len(rest)} claims checked" in _pf(ws, "claims", "check", "--window", "2016-06", "--all",
                                                "--by", "Checker", "--on", "2016-07-04").stdout
    drawn = _pf(ws, "claims", "audit", "--window", "2016-06", "--share", "1", "--seed", "2").stdout
    assert f"{len(rest)} still without a verdict" in drawn
    refused = _pf(ws, "claims", "submit", "--window", "2016-06", "--signed-by", "Head", "--out", str(out),
                  "--on", "2016-07-04", ok=False)
    assert "nothing submitted" in refused.stderr and "without a verdict" in refused.stderr
    for family in rest:
        _pf(ws, "claims", "audit", "--window", "2016-06", "--family", family, "--verdict", "valid", "--by", "IA",
            "--on", "2016-07-04")
    sent = _pf(ws, "claims", "submit", "--window", "2016-06", "--signed-by", "Head", "--out", str(out),
               "--on", "2016-07-04").stdout
    assert f"{len(rest)} claims" in sent and (out / "batch-2016-06-1.csv").exists()
    _pf(ws, "spotcheck", "--window", "2016-06", "--share", "1", "--seed", "5")
    not_sampled = _pf(ws, "spotcheck", "record", "--window", "2016-06", "--family", rejected, "--verdict", "valid",
                      ok=False)
    assert "not in the spot check sample" in not_sampled.stderr
    _pf(ws, "spotcheck", "record", "--window", "2016-06", "--family", rest[0], "--verdict", "invalid",
        "--reason", "school record is another child's", "--by", "Auditor", "--on", "2016-08-02")
    report = _pf(ws, "spotcheck", "report", "--window", "2016-06", "--out", str(out)).stdout
    assert "amount to repay" in report
    html = (out / "spotcheck-2016-06.html").read_text()
    assert "school record is another child&#x27;s" in html and (out / "spotcheck-2016-06.xlsx").exists()
    from workbooks import assert_laid_out, assert_metadata

    assert_metadata(out / "spotcheck-2016-06.xlsx", filter="random sample")
    assert_laid_out(out / "spotcheck-2016-06.xlsx", 3)
    gone = _pf(ws, "claims", "withdraw", rest[1], "--reason", "found on a case review", "--on", "2016-08-03").stdout
    assert "withdrawn on 2016-08-03" in gone
    twice = _pf(ws, "claims", "withdraw", rest[1], "--reason", "again", "--on", "2016-08-03", ok=False)
    assert "nothing withdrawn" in twice.stderr and "already withdrawn" in twice.stderr
    assert "has no claim" in _pf(ws, "claims", "withdraw", "F99", "--reason", "x", ok=False).stderr
    history = _pf(ws, "claims", "history", rest[0]).stdout
    assert all(step in history for step in ("proposed", "checked", "audited", "submitted", "spot_checked",
                                            "withdrawn"))
    sustained = _pf(ws, "sustainability", "--as-of", "2016-12-31", "--out", str(out)).stdout
    assert "Sustainability checks by claim window" in sustained
    with open(out / "sustainability.csv", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert row["window"] == "2016-06" and int(row["cancelled"]) == 2 * 4  # two withdrawn, four checks each
