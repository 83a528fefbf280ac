"""Erasing a family past retention removes its assessed rows and their attestations (findings and statements
name people) and their evidence files, unless another family's assessed row holds the same file."""

from __future__ import annotations

import pytest

from priority_families.casedb.models import AssessedNeed, Attachment, RowAttestation
from priority_families.governance.retention import delete_item

from .test_retention import LATER_ON, SETTINGS, A, _claimed_and_closed


def _need(family_id: str, path) -> AssessedNeed:
    return AssessedNeed.objects.create(
        attachment=Attachment.objects.get(family_id=family_id), family_id=family_id, headline="children_need_help",
        measure="wellbeing_improved", row="004 3.2", assessed_on=A, assessed_by="Lee", score=31,
        reason="Ann's score", evidence_name=path.name, evidence_sha256="0" * 64, evidence_path=str(path),
        recorded_by="worker")


@pytest.mark.django_db
def test_erasure_removes_the_familys_assessed_rows_attestations_and_their_own_evidence(tmp_path):
    ws, _ = _claimed_and_closed(tmp_path)
    own, shared = tmp_path / "own.txt", tmp_path / "shared.txt"
    own.write_text("F1 only\n")
    shared.write_text("both families\n")
    need = _need("F1", shared)
    RowAttestation.objects.create(need=need, family_id="F1", met=True, score=36, attested_by="Lee", attested_on=A,
                                  statement="Ann is better", evidence_name="own.txt", evidence_sha256="1" * 64,
                                  evidence_path=str(own), recorded_by="worker")
    kept = _need("F2", shared)

    row = delete_item(ws, "family:F1", by="Dee P. O.", reason="past retention", on=LATER_ON, settings=SETTINGS,
                      outputs=[tmp_path / "out"])

    assert not AssessedNeed.objects.filter(family_id="F1").exists() and not RowAttestation.objects.exists()
    assert AssessedNeed.objects.get(family_id="F2") == kept
    assert row.removed["case record assessed rows"] == 1
    assert row.removed["case record assessed rows' attestations"] == 1
    assert not own.exists() and shared.exists()  # F2's assessed row still holds the shared file


@pytest.mark.django_db
def test_a_members_subject_access_bundle_holds_the_familys_assessed_rows_for_review(tmp_path):
    import json

    from priority_families.governance.subject_access import serve_request
    from priority_families.outcomes.attach import AttachmentRequest, attach_families

    from .store import AS_OF, governance_workspace

    ws = governance_workspace(tmp_path / "ws")
    attach_families(ws, [AttachmentRequest("F1", AS_OF, "Ann", "Early help")], actor="t")
    need = AssessedNeed.objects.create(
        attachment=Attachment.objects.get(family_id="F1"), family_id="F1", headline="health", measure="home_safety",
        row="004 6.2", assessed_on=AS_OF, assessed_by="Lee", reason="Ann's home", evidence_name="a.txt",
        evidence_sha256="0" * 64, evidence_path="a.txt", recorded_by="worker")
    RowAttestation.objects.create(need=need, family_id="F1", met=True, score=36.5, attested_by="Lee", attested_on=AS_OF,
                                  statement="a gate fitted", evidence_name="b.txt", evidence_sha256="1" * 64,
                                  evidence_path="b.txt", recorded_by="worker")
    files = serve_request(ws, "P1", tmp_path / "out", by="dpo", reference="SAR-9", pdf=False)
    sections = json.loads(files.json.read_text())["sections"]
    (assessed,) = sections["Rows assessed for the family"]
    (attested,) = sections["Assessed rows attested"]
    assert (assessed["row"], assessed["reason"], assessed["redact"]) == ("004 6.2", "Ann's home", "review")
    assert (attested["need__row"], attested["statement"], attested["score"]) == ("004 6.2", "a gate fitted", "36.50")
