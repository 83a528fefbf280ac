"""Erasing a family past retention removes its disclosed headlines and professionals' nominations (reasons
name people) and the nomination's evidence file, unless another family's nomination holds the same file."""

from __future__ import annotations

import pytest

from priority_families.casedb.models import Attachment, Disclosure, Nomination
from priority_families.governance.retention import delete_item

from .test_retention import LATER_ON, SETTINGS, A, _claimed_and_closed


def _nomination(family_id: str, path) -> Nomination:
    return Nomination.objects.create(family_id=family_id, headline="health", lines=["ae_attendance"],
                                     nominated_by="Dr Green", nominated_on=A, reason="Ann's asthma",
                                     evidence_name="letter.txt", evidence_sha256="0" * 64, evidence_path=str(path))


@pytest.mark.django_db
def test_erasure_removes_the_familys_disclosures_nominations_and_their_own_evidence(tmp_path):
    ws, _ = _claimed_and_closed(tmp_path)
    own, shared = tmp_path / "own.txt", tmp_path / "shared.txt"
    own.write_text("F1 only\n")
    shared.write_text("both families\n")
    Disclosure.objects.create(attachment=Attachment.objects.get(family_id="F1"), family_id="F1",
                              headline="domestic_abuse", lines=["incident"], disclosed_on=A,
                              reason="Mum (A1) disclosed abuse", recorded_by="worker")
    _nomination("F1", own)
    Nomination.objects.create(family_id="F1", headline="education", lines=["absence"], nominated_by="Head",
                              nominated_on=A, reason="lateness", evidence_name="s.txt", evidence_sha256="1" * 64,
                              evidence_path=str(shared))
    _nomination("F2", shared)

    row = delete_item(ws, "family:F1", by="Dee P. O.", reason="past retention", on=LATER_ON, settings=SETTINGS,
                      outputs=[tmp_path / "out"])

    assert not Disclosure.objects.filter(family_id="F1").exists()
    assert not Nomination.objects.filter(family_id="F1").exists() and Nomination.objects.filter(family_id="F2")
    assert row.removed["case record headlines disclosed"] == 1 and row.removed["case record nominations"] == 2
    assert not own.exists() and shared.exists()  # F2's nomination still holds the shared letter
