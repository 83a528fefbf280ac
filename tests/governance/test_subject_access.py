"""Subject access: every source record of the person, nobody else's data unmarked, the request logged."""

from __future__ import annotations

import json

import pytest

from priority_families.casedb.casework import Actor, add_note
from priority_families.casedb.models import AccessLog, Case, SubjectAccessRequest
from priority_families.governance import GovernanceError
from priority_families.governance.subject_access import THIRD_PARTY, serve_request
from priority_families.outcomes.attach import AttachmentRequest, attach_families

from .store import AS_OF, governance_workspace


def _ids(rows, key="person_id"):
    return {r[key] for r in rows}


@pytest.mark.django_db
def test_a_bundle_holds_every_source_record_of_the_person_and_marks_everyone_else(tmp_path):
    ws = governance_workspace(tmp_path / "ws")
    attach_families(ws, [AttachmentRequest("F1", AS_OF, "Ann", "Early help")], actor="t")
    with ws.connect() as con:
        theirs = set(con.execute("SELECT r.source, r.record_id FROM records r JOIN record_person rp USING "
                                 "(record_key) WHERE rp.person_id = 'P1'").fetchall())
        others = set(con.execute("SELECT r.source, r.record_id FROM records r JOIN record_person rp USING "
                                 "(record_key) WHERE rp.person_id <> 'P1'").fetchall())
    assert len(theirs) == 4
    files = serve_request(ws, "P1", tmp_path / "out", by="dpo", reference="SAR-2016-001", pdf=True)
    data = json.loads(files.json.read_text())
    records = data["sections"]["Source records"]
    assert {(r["source"], r["record_id"]) for r in records} == theirs  # every one, and only theirs
    assert {r["partner"] for r in records} == {"gp_practices", "police", "dwp"}
    assert all(r["received_as_of"] == "2015-08-31" for r in records)
    # every row that names another person is marked for redaction, whatever section it is in
    for title, rows in data["sections"].items():
        for r in rows:
            named = {r.get(k) for k in ("person_id", "person_l", "person_r")} - {None}
            if named - {"P1"}:
                assert r["redact"] == THIRD_PARTY, (title, r)
            if (r.get("source"), r.get("record_id")) in others:
                assert r["redact"] == THIRD_PARTY, (title, r)
    assert _ids(data["sections"]["Families"]) == {"P1", "P2"}
    assert data["sections"]["Claims"] == [] and data["sections"]["Attachment and assessment"][0]["family_id"] == "F1"
    html = files.html.read_text()
    assert "NAME-P1" in html and "class='redact'" in html and files.pdf.read_bytes().startswith(b"%PDF")
    assert files.to_redact > 0 and any(p.name.endswith("source-records.csv") for p in files.csvs)


@pytest.mark.django_db
def test_the_request_is_logged_and_case_notes_are_marked_for_review(tmp_path):
    ws = governance_workspace(tmp_path / "ws")
    Case.objects.create(family_id="F1", identified_on=AS_OF)
    add_note("F1", "Mum says her sister helps with the school run.", Actor("worker"))
    files = serve_request(ws, "P2", tmp_path / "out", by="dpo", reference="SAR-7", pdf=False)
    data = json.loads(files.json.read_text())
    (note,) = data["sections"]["Case notes"]
    assert note["redact"] == "review" and "sister" in note["text"]
    assert any(r["target"] == "family F1" for r in data["sections"]["Access log"])  # the note's own log row
    served = SubjectAccessRequest.objects.get()
    assert (served.person_id, served.served_by, served.reference) == ("P2", "dpo", "SAR-7")
    log = AccessLog.objects.get(target="person P2")
    assert log.action == "export" and log.username == "dpo" and served.bundle_sha256 in log.detail


@pytest.mark.django_db
def test_a_request_for_an_id_that_does_not_exist_is_refused_and_changes_nothing(tmp_path):
    ws = governance_workspace(tmp_path / "ws")
    with pytest.raises(GovernanceError, match="no person 'P999' in refresh refresh-governance"):
        serve_request(ws, "P999", tmp_path / "out", by="dpo")
    assert not (tmp_path / "out").exists()
    assert not SubjectAccessRequest.objects.exists() and not AccessLog.objects.filter(target="person P999").exists()


@pytest.mark.django_db
def test_the_team_around_the_family_records_are_in_the_bundle_and_other_people_referred_are_marked(
        tmp_path, django_user_model):
    from priority_families.casedb.models import (
        Assessment,
        AssessmentLine,
        MapPerson,
        Referral,
        ReferredPerson,
    )

    ws = governance_workspace(tmp_path / "ws")
    case = Case.objects.create(family_id="F1", identified_on=AS_OF)
    referral = Referral.objects.create(referrer=django_user_model.objects.create(username="school"),
                                       referrer_agency="School", headlines="education", worries="absence",
                                       family_knows="yes", consent=True, family_id="F1", case=case)
    ReferredPerson.objects.create(referral=referral, first_name="Pat", last_name="One", person_id="P1")
    ReferredPerson.objects.create(referral=referral, first_name="Sam", last_name="Two", person_id="P2")
    AssessmentLine.objects.create(assessment=Assessment.objects.create(case=case, assessed_on=AS_OF, author="w"),
                                  headline="education", needs="help with mornings")
    MapPerson.objects.create(case=case, name="Aunt Jo", relationship="aunt", lives="next door", by="w")
    data = json.loads(serve_request(ws, "P1", tmp_path / "out", by="dpo", pdf=False).json.read_text())
    sections = data["sections"]
    assert [r["first_name"] for r in sections["Referrals naming the person"]] == ["Pat"]
    (other,) = sections["Other people named in the family's referrals"]
    assert other["first_name"] == "Sam" and other["redact"] == THIRD_PARTY
    assert sections["Assessments"][0]["needs"] == "help with mornings"
    assert sections["Family map: people added by workers"][0]["redact"] == THIRD_PARTY
