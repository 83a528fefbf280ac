"""Retention: periods as data, a report of what is due, and an explicit, logged deletion that removes a
family's personal data everywhere (store, kept refreshes, case record, files) and keeps the claims' audit."""

from __future__ import annotations

from datetime import date

import pytest

from claims.county import WINDOW, A, claims_county, publish_later
from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    AccessLog,
    BaselineMember,
    CaseNote,
    Claim,
    ClosureReason,
    FamilyAgreement,
    ImmutableRecordError,
    RetentionDeletion,
)
from priority_families.claims.ledger import make_claims
from priority_families.core.calendar import shift_months
from priority_families.governance import GovernanceError
from priority_families.governance.retention import (
    RetentionSettings,
    delete_item,
    due,
    load_settings,
    schedule,
)
from priority_families.outcomes.attach import AttachmentRequest, attach_families

SETTINGS = RetentionSettings(cases_years=6, claims_years=7, access_log_years=2)
LATER_ON = date(2040, 1, 1)


def _claimed_and_closed(tmp_path):
    """F1 and F2 claimed in WINDOW (their packs in out/packs); F1's case then closed, with a note and an agreement."""
    ws = claims_county(tmp_path / "ws", families=4)
    first_refresh = ws.archived()
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "Worker", "Agency") for k in range(4)], actor="t")
    publish_later(ws, 4)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert {c.family_id for c in run.claims} == {"F1", "F2"}
    casework.add_note("F1", "Dad (A1) is back at work.", Actor("worker"))
    casework.record_family_agreement("F1", "Worker", A, "in_person", ["A1"], "the programme", Actor("worker"))
    casework.close_case("F1", ClosureReason.NEEDS_MET, A, Actor("worker"), "results achieved")
    return ws, first_refresh


def _rows(con, table, column, values):
    marks = ", ".join("?" for _ in values)
    return con.execute(f"SELECT count(*) FROM {table} WHERE {column} IN ({marks})", list(values)).fetchall()[0][0]


@pytest.mark.django_db
def test_deleting_a_due_family_removes_its_personal_data_everywhere_and_keeps_the_claim(tmp_path):
    ws, (first_refresh,) = _claimed_and_closed(tmp_path)
    pack = Claim.objects.get(family_id="F1").pack_sha256
    listed = {d.item: d for d in due(ws, LATER_ON, SETTINGS)}
    assert "family:F1" in listed and "family:F2" not in listed  # F2's case is still open
    # the later of: the case closed today + 6 years, the last claim step (2016-06-30) + 7 years
    assert listed["family:F1"].due_on == shift_months(date.today(), 72)
    assert (tmp_path / "out" / "packs" / "F1.html").exists()
    counts = {}
    for refresh_id in [None, first_refresh]:
        with ws.connect(refresh_id=refresh_id) as con:
            theirs = _rows(con, "records r JOIN record_person rp USING (record_key)", "rp.person_id", ["A1", "C1"])
            counts[refresh_id] = (theirs, con.execute("SELECT count(*) FROM records").fetchall()[0][0])
            assert theirs > 0

    row = delete_item(ws, "family:F1", by="Dee P. O.", reason="past retention", on=LATER_ON, settings=SETTINGS,
                      outputs=[tmp_path / "out"])

    for refresh_id in [None, first_refresh]:  # the store in force and the kept earlier refresh
        with ws.connect(refresh_id=refresh_id) as con:
            assert _rows(con, "record_person", "person_id", ["A1", "C1"]) == 0
            assert _rows(con, "persons", "person_id", ["A1", "C1"]) == 0
            assert _rows(con, "family_members", "family_id", ["F1"]) == 0
            assert _rows(con, "cohort", "family_id", ["F1"]) == 0
            theirs, total = counts[refresh_id]
            assert con.execute("SELECT count(*) FROM records").fetchall()[0][0] == total - theirs
            assert _rows(con, "family_members", "family_id", ["F2"]) == 2  # other families untouched
    assert not BaselineMember.objects.filter(attachment__family_id="F1").exists()
    assert BaselineMember.objects.filter(attachment__family_id="F2").exists()
    assert not CaseNote.objects.filter(case__family_id="F1").exists()
    assert not FamilyAgreement.objects.filter(family_id="F1").exists()
    assert not (tmp_path / "out" / "packs" / "F1.html").exists() and (tmp_path / "out" / "packs" / "F2.html").exists()
    claim = Claim.objects.get(family_id="F1")  # what audit needs stays: the claim and its pack hash
    assert claim.pack_sha256 == pack and row.kept["claims"][0]["pack_sha256"] == pack
    assert row.removed["store records"] > 0 and row.removed["case record baseline members"] == 2
    assert AccessLog.objects.filter(target="family:F1", username="Dee P. O.").exists()
    assert "family:F1" not in {d.item for d in due(ws, LATER_ON, SETTINGS)}  # deleted once


@pytest.mark.django_db
def test_nothing_is_deleted_before_it_is_due_or_without_the_act(tmp_path):
    ws, _ = _claimed_and_closed(tmp_path)
    before = ws.store_path.read_bytes()
    with pytest.raises(GovernanceError, match="family:F1 is not yet due for deletion: due on"):
        delete_item(ws, "family:F1", by="Dee", reason="tidy up", on=date(2026, 1, 1), settings=SETTINGS)
    with pytest.raises(GovernanceError, match="family:F2: no such item"):
        delete_item(ws, "family:F2", by="Dee", reason="open case", on=LATER_ON, settings=SETTINGS)
    with pytest.raises(GovernanceError, match="needs the name"):
        delete_item(ws, "family:F1", by=" ", reason="x", on=LATER_ON, settings=SETTINGS)
    due(ws, LATER_ON, SETTINGS)  # the report lists; it deletes nothing
    assert ws.store_path.read_bytes() == before
    assert BaselineMember.objects.filter(attachment__family_id="F1").exists() and not RetentionDeletion.objects.exists()
    with pytest.raises(ImmutableRecordError):  # outside the act, frozen rows stay frozen
        BaselineMember.objects.filter(attachment__family_id="F1").delete()


@pytest.mark.django_db
def test_a_kept_refresh_and_old_access_log_months_fall_due_by_their_periods(tmp_path):
    ws, (first_refresh,) = _claimed_and_closed(tmp_path)
    items = {d.item: d for d in schedule(ws, SETTINGS)}
    assert f"refresh:{first_refresh}" in items  # kept, not in force; its agreements' longest period is 6 years
    assert items[f"refresh:{first_refresh}"].due_on == date(2021, 8, 31)
    assert any(i.startswith("access-log:") for i in items)
    delete_item(ws, f"refresh:{first_refresh}", by="Dee", reason="past the agreements' period", on=LATER_ON,
                settings=SETTINGS)
    assert first_refresh not in ws.archived() and Claim.objects.filter(family_id="F1").exists()


def test_retention_settings_are_validated(tmp_path):
    from priority_families.core.config import Settings
    from priority_families.core.engine import Workspace

    ws = Workspace(Settings(workspace=tmp_path))
    assert load_settings(ws).cases_years == 6  # the shipped default
    (tmp_path / "retention.yaml").write_text("cases_years: 0\nclaims_years: 7\naccess_log_years: 2\nextra: 1\n")
    with pytest.raises(GovernanceError, match=r"retention.yaml: cases_years: Input should be greater than 0"):
        load_settings(ws)


@pytest.mark.django_db
def test_pf_retention_due_and_delete(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from priority_families.cli.app import app

    ws, _ = _claimed_and_closed(tmp_path)
    monkeypatch.setenv("PF_WORKSPACE", str(ws.path))
    runner = CliRunner()
    listed = runner.invoke(app, ["retention", "due", "--on", "2040-01-01", "-w", str(ws.path)], terminal_width=200)
    assert listed.exit_code == 0 and "family:F1" in listed.output and "family:F2" not in listed.output
    early = runner.invoke(app, ["retention", "delete", "family:F1", "--by", "Dee", "--reason", "r", "--on",
                                "2027-01-01", "-w", str(ws.path)], terminal_width=200)
    assert early.exit_code == 1 and "not yet due" in early.output
    done = runner.invoke(app, ["retention", "delete", "family:F1", "--by", "Dee", "--reason", "past retention",
                               "--on", "2040-01-01", "--outputs", str(tmp_path / "out"), "-w", str(ws.path)],
                         terminal_width=200)
    assert done.exit_code == 0 and "kept 1 claims with their pack hashes" in done.output


@pytest.mark.django_db
def test_deleting_a_family_removes_its_team_records_and_case_file(tmp_path, django_user_model):
    """The team around the family holds personal data too: the people referred, assessments, the family map,
    meetings and case-file documents go with the family; a document another family also holds stays."""
    from priority_families.casedb import team
    from priority_families.casedb.models import (
        Assessment,
        AssessmentLine,
        Case,
        CaseDocument,
        LevelChange,
        MapPerson,
        Referral,
        ReferredPerson,
        TeamMeeting,
    )
    from priority_families.outcomes.casefile import add_document

    ws, _ = _claimed_and_closed(tmp_path)
    actor = Actor("worker")
    referrer = django_user_model.objects.create(username="school")
    for family_id in ("F1", "F2"):
        case = Case.objects.get(family_id=family_id)
        referral = Referral.objects.create(referrer=referrer, referrer_agency="School", headlines="education",
                                           worries="absence", family_knows="yes", consent=True,
                                           family_id=family_id, case=case)
        ReferredPerson.objects.create(referral=referral, first_name="Ann", last_name=f"Doe{family_id}")
        assessment = Assessment.objects.create(case=case, assessed_on=A, author="worker")
        AssessmentLine.objects.create(assessment=assessment, headline="education", needs="Ann misses school")
        team.add_map_person(family_id, "Gran", "grandmother", "nearby", actor)
        TeamMeeting.objects.create(case=case, held_on=A, attended="worker\nschool", decisions="Ann to attend",
                                   by="worker")
        LevelChange.objects.create(case=case, level="intensive", step=LevelChange.Step.SET, on=A,
                                   reason="Ann's dad asked for help", by="worker")
    shared = add_document("F1", "other", "Letter", [b"The same letter to both families.\n"], actor)
    add_document("F2", "other", "Letter", [b"The same letter to both families.\n"], actor)
    own = add_document("F1", "other", "Notes", [b"Only F1's notes.\n"], actor)
    assert shared.path != own.path

    row = delete_item(ws, "family:F1", by="Dee P. O.", reason="past retention", on=LATER_ON, settings=SETTINGS,
                      outputs=[tmp_path / "out"])

    assert not ReferredPerson.objects.filter(last_name="DoeF1").exists()
    assert ReferredPerson.objects.filter(last_name="DoeF2").exists()
    for model, field in ((Referral, "case__family_id"), (Assessment, "case__family_id"),
                         (MapPerson, "case__family_id"), (TeamMeeting, "case__family_id"),
                         (CaseDocument, "case__family_id")):
        assert not model.objects.filter(**{field: "F1"}).exists(), model.__name__
        assert model.objects.filter(**{field: "F2"}).exists(), model.__name__
    assert not AssessmentLine.objects.filter(needs="Ann misses school", assessment__case__family_id="F1").exists()
    assert LevelChange.objects.get(case__family_id="F1").reason == ""
    assert LevelChange.objects.get(case__family_id="F2").reason != ""
    from pathlib import Path

    assert not Path(own.path).exists() and Path(shared.path).exists()  # F2 still holds the shared letter
    assert row.removed["case record referrals"] == 2  # the referral and the person it names
    assert row.removed["case record case file documents"] == 2
