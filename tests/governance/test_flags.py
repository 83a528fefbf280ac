"""Flags back to partners: only the fields the agreement allows, only the partner's own people, logged."""

from __future__ import annotations

import csv
import hashlib
from datetime import date

import pytest

from priority_families.casedb.models import AccessLog, FlagExport, FlagSent
from priority_families.governance import GovernanceError
from priority_families.governance.flags import export_flags
from priority_families.outcomes.attach import AttachmentRequest, attach_families

from .store import NHS, governance_workspace

ATTACHED = date(2015, 8, 31)


def _attached(tmp_path):
    ws = governance_workspace(tmp_path / "ws")
    attach_families(ws, [AttachmentRequest("F1", ATTACHED, "Ann", "Early help"),
                         AttachmentRequest("F2", date(2015, 7, 1), "Bob", "Early help")], actor="t")
    return ws


def _rows(path):
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.django_db
def test_a_gp_practice_gets_its_own_patients_nhs_numbers_and_the_marker_only(tmp_path):
    ws = _attached(tmp_path)
    flags = export_flags(ws, "gp_practices", tmp_path / "out", by="dpo")
    rows = _rows(flags.path)
    assert list(rows[0]) == ["nhs_number", "in_programme_since"]
    # P1 and P2 (F1) and P4 (F2) are the GP's patients in attached families; P4's NHS number failed its check,
    # so the GP gets no row it could not match; P5's family (F3) is not attached; P3 never saw the GP.
    assert sorted((r["nhs_number"], r["in_programme_since"]) for r in rows) == sorted(
        [(NHS["P1"], "2015-08-31"), (NHS["P2"], "2015-08-31")])
    text = flags.path.read_text()
    assert NHS["P5"] not in text and "NAME-" not in text and "P1" not in text  # no other field, no other person
    export = FlagExport.objects.get()
    assert (export.partner, export.people, export.fields, export.agreements) == (
        "gp_practices", 2, "nhs_number, in_programme_since", "ISP-GP")
    assert export.file_sha256 == hashlib.sha256(flags.path.read_bytes()).hexdigest()
    assert sorted(FlagSent.objects.values_list("person_id", flat=True)) == ["P1", "P2"]
    log = AccessLog.objects.get(action="export")
    assert log.username == "dpo" and log.target == "partner gp_practices"
    assert "2 people" in log.detail and "nhs_number, in_programme_since" in log.detail and export.file_sha256 in \
        log.detail


@pytest.mark.django_db
def test_the_agreement_decides_the_columns(tmp_path):
    ws = _attached(tmp_path)
    rows = _rows(export_flags(ws, "dwp", tmp_path / "out", by="dpo").path)
    assert [list(r) for r in rows] == [["record_id", "ni_number"]]  # no marker: the DWP agreement says so
    assert rows[0]["ni_number"] == "QQ123456C"


@pytest.mark.django_db
@pytest.mark.parametrize(("partner", "reason"), [
    ("police", "no agreement with police allows flags back"),
    ("nobody", "no partner 'nobody' in the agreements register"),
])
def test_a_partner_not_allowed_flags_gets_nothing_and_nothing_is_logged(tmp_path, partner, reason):
    ws = _attached(tmp_path)
    with pytest.raises(GovernanceError, match=reason):
        export_flags(ws, partner, tmp_path / "out", by="dpo", on=date(2026, 1, 1))
    assert not (tmp_path / "out").exists()
    assert not FlagExport.objects.exists() and not AccessLog.objects.filter(action="export").exists()


@pytest.mark.django_db
def test_pf_flags_and_pf_subject_access_are_thin_commands(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from priority_families.cli.app import app

    ws = _attached(tmp_path)
    monkeypatch.setenv("PF_WORKSPACE", str(ws.path))
    runner = CliRunner()
    done = runner.invoke(app, ["flags", "--partner", "gp_practices", "--out", str(tmp_path / "o"), "-w", str(ws.path)],
                         terminal_width=200)
    assert done.exit_code == 0 and "2 people; fields nhs_number, in_programme_since" in done.output
    refused = runner.invoke(app, ["flags", "--partner", "police", "--out", str(tmp_path / "p"), "-w", str(ws.path)],
                            terminal_width=200)
    assert refused.exit_code == 1 and "no agreement with police allows flags back" in refused.output
    sar = runner.invoke(app, ["subject-access", "P1", "--out", str(tmp_path / "s"), "--no-pdf", "-w", str(ws.path)],
                        terminal_width=200)
    assert sar.exit_code == 0 and (tmp_path / "s" / "subject-access-P1" / "bundle.json").exists()
    missing = runner.invoke(app, ["subject-access", "P404", "--out", str(tmp_path / "s"), "-w", str(ws.path)],
                            terminal_width=200)
    assert missing.exit_code == 1 and "no person 'P404'" in missing.output


@pytest.mark.django_db
def test_no_flags_are_sent_under_a_lapsed_agreement(tmp_path):
    ws = _attached(tmp_path)  # the GP agreement's review date is 2099-12-31
    with pytest.raises(GovernanceError, match="ISP-GP with gp_practices was due for review on 2099-12-31"):
        export_flags(ws, "gp_practices", tmp_path / "out", by="dpo", on=date(2100, 1, 1))
    assert not (tmp_path / "out").exists() and not FlagExport.objects.exists()
