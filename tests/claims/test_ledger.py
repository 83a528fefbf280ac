"""The claims ledger: one claim per family ever (also under two processes at once), reproducible packs,
reproducible spot checks."""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from priority_families.casedb.models import Claim, ImmutableRecordError
from priority_families.claims.ledger import (
    ClaimsError,
    make_claims,
    regenerate_pack,
    window_end,
)
from priority_families.claims.life import draw_spot_check
from priority_families.claims.workbook import SECTION_SHEETS
from priority_families.core.engine import Workspace
from priority_families.outcomes.attach import AttachmentRequest, attach_families

from .county import WINDOW, A, check_and_submit, claims_county, publish_later

PF = str(Path(sys.executable).parent / "pf")


def _attach_all(ws, n: int = 12) -> None:
    """Attach every family on A, then publish the later refresh their results are judged on."""
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "Worker", "Agency") for k in range(n)], actor="t")
    publish_later(ws, n)


def _rows(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.django_db
def test_claims_met_families_once_with_routes(tmp_path):
    ws = claims_county(tmp_path)
    _attach_all(ws)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    rows = _rows(run.claims_csv)
    claimed = {r["family_id"]: r["route"] for r in rows}
    reoffended = {f"F{k}" for k in range(12) if k % 3 == 0}
    employed = {f"F{k}" for k in range(12) if k % 4 == 1}
    assert set(claimed) == {f"F{k}" for k in range(12)} - (reoffended - employed)
    assert all(claimed[f] == "continuous_employment" for f in reoffended & employed)
    assert all(r["claimed_on"] == "2016-06-30" for r in rows)
    assert Claim.objects.count() == len(claimed)
    assert {p.stem for p in run.packs.glob("*.html")} == set(claimed)
    again = make_claims(ws, WINDOW, tmp_path / "again", actor="t")
    assert again.claims == [] and _rows(again.claims_csv) == []
    later = make_claims(ws, "2016-12", tmp_path / "later", actor="t")
    assert {c.family_id for c in later.claims}.isdisjoint(claimed)


@pytest.mark.django_db
def test_ledger_rows_are_frozen_and_unique(tmp_path):
    ws = claims_county(tmp_path, families=2)
    _attach_all(ws, 2)
    make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    claim = Claim.objects.first()
    with pytest.raises(ImmutableRecordError):
        Claim.objects.filter(pk=claim.pk).update(route="x")
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(family_id=claim.family_id, route="continuous_employment", window="2016-07",
                             claimed_on=claim.claimed_on, plan_id=claim.plan_id, amount=800, pack_sha256="x")


@pytest.mark.django_db
def test_regenerated_pack_has_the_same_bytes(tmp_path):
    ws = claims_county(tmp_path, families=4)
    _attach_all(ws, 4)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert run.claims
    for claim in run.claims:
        stored = (run.packs / f"{claim.family_id}.html").read_bytes()
        again = regenerate_pack(ws, claim.family_id)
        assert again.html == stored
        assert again.sha256 == claim.pack_sha256
        text = stored.decode()
        assert "offending_adults" in text and claim.family_id in text and "R1" in text or "R" in text


@pytest.mark.django_db
def test_spot_check_is_reproducible_and_recorded(tmp_path):
    ws = claims_county(tmp_path)
    _attach_all(ws)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert draw_spot_check(WINDOW, 0.5, seed=7, actor="t") == []  # proposed claims have not gone to government
    check_and_submit(tmp_path / "batch")
    first = draw_spot_check(WINDOW, 0.5, seed=7, actor="t")
    assert len(first) == -(-len(run.claims) // 2)
    assert draw_spot_check(WINDOW, 0.5, seed=7, actor="t") == first
    with pytest.raises(ClaimsError):
        draw_spot_check(WINDOW, 0.5, seed=8, actor="t")


def test_window_must_be_a_month():
    assert str(window_end("2016-02")) == "2016-02-29"
    for bad in ("2016-13", "2016/06", "June"):
        with pytest.raises(ClaimsError):
            window_end(bad)


def test_two_processes_at_once_never_claim_a_family_twice(tmp_path):
    """Two real `pf claims` processes race on the same case record; the ledger keeps one claim per family."""
    ws_dir = tmp_path / "ws"
    claims_county(ws_dir, families=30)
    env = {**os.environ, "PF_WORKSPACE": str(ws_dir)}
    attachments = tmp_path / "att.csv"
    attachments.write_text("family_id,attached_on,lead_worker,lead_agency\n"
                           + "".join(f"F{k},2015-08-31,W,A\n" for k in range(30)))
    subprocess.run([PF, "attach", str(attachments), "-w", str(ws_dir)], env=env, check=True, capture_output=True)
    publish_later(Workspace(path=ws_dir), families=30)
    runs = [subprocess.Popen([PF, "claims", "--window", WINDOW, "--out", str(tmp_path / f"out{k}"),
                              "-w", str(ws_dir)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for k in range(2)]
    for p in runs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    claimed = [r["family_id"] for k in range(2) for r in _rows(tmp_path / f"out{k}" / "claims.csv")]
    assert len(claimed) == len(set(claimed)) > 0
    with sqlite3.connect(ws_dir / "casework.sqlite3") as db:
        ledger = [r[0] for r in db.execute("SELECT family_id FROM casedb_claim")]
    assert sorted(ledger) == sorted(claimed)


@pytest.mark.django_db
def test_claims_workbook_lists_claims_and_evidence_rows(tmp_path):
    import zipfile

    ws = claims_county(tmp_path, families=3)
    _attach_all(ws, 3)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    with zipfile.ZipFile(run.workbook) as book:
        sheets = book.read("xl/workbook.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert 'name="claims"' in sheets and 'name="baseline counts"' in sheets
    for claim in run.claims:
        assert f">{claim.family_id}<" in strings and claim.pack_sha256 in strings
    for section in ("Baseline counts (frozen at attachment)", "Records behind the progress figures",
                    "Indicator lines at attachment (records behind them)", "Attestations"):
        assert f'name="{SECTION_SHEETS[section]}"' in sheets  # one sheet per pack section


@pytest.mark.django_db
def test_pdf_packs_are_written_and_reproducible(tmp_path):
    ws = claims_county(tmp_path, families=2)
    _attach_all(ws, 2)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t", pdf=True)
    assert run.claims
    for claim in run.claims:
        stored = (run.packs / f"{claim.family_id}.pdf").read_bytes()
        assert stored.startswith(b"%PDF") and regenerate_pack(ws, claim.family_id).pdf() == stored


@pytest.mark.django_db
def test_many_attachments_load_by_scan_with_the_same_result(tmp_path, monkeypatch):
    from priority_families.outcomes import progress

    ws = claims_county(tmp_path, families=6)
    _attach_all(ws, 6)

    def statuses():  # two families asked for: a scan must not bring the others' rows in
        with progress.evaluation(ws, window_end(WINDOW), family_ids=["F0", "F1"]) as con:
            return (con.execute("SELECT * FROM measure_status ORDER BY ALL").fetchall(),
                    con.execute("SELECT * FROM family_routes ORDER BY ALL").fetchall())

    by_id = statuses()
    monkeypatch.setattr(progress, "ID_FILTER_LIMIT", 0)
    assert statuses() == by_id and {r[0] for r in by_id[0]} == {"F0", "F1"}


@pytest.mark.django_db
def test_a_window_ending_after_the_refresh_in_force_is_refused_and_nothing_is_claimed(tmp_path):
    """Claims once were judged on a window's last day whatever the data covered (results claimed on no data)."""
    from priority_families.refresh import RefreshError

    ws = claims_county(tmp_path, families=4)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "Worker", "Agency") for k in range(4)], actor="t")
    publish_later(ws, 4, as_of=date(2016, 6, 15))  # the window 2016-06 ends on the 30th
    with pytest.raises(RefreshError, match=r"claim window 2016-06.*as of 2016-06-15"):
        make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert Claim.objects.count() == 0 and not (tmp_path / "out" / "claims.csv").exists()
