"""Evidence uploads (type by content, size while streaming, a per-family quota), downloads by whoever may see
the family, each logged; and the family page reading progress judged once, not per view."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from priority_families.casedb import casework
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Agency,
    Attestation,
    Claim,
    FamilyProgress,
)
from priority_families.core.engine import Workspace
from priority_families.outcomes import attest as attest_module
from priority_families.outcomes.attach import attach_allocated
from priority_families.web import uploads

from .conftest import awaiting_attestation

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 synthetic evidence"


@pytest.fixture
def attached(health_family_id, people, county, settings, tmp_path, django_user_model) -> tuple[str, str]:
    """A family allocated to `worker` and attached; (family id, a line waiting for attestation as the form
    names it)."""
    settings.MEDIA_ROOT = tmp_path / "evidence"
    family_id = health_family_id
    casework.allocate(family_id, Agency.objects.get(name="Family Support"),
                      django_user_model.objects.get(username="worker"), Actor("manager"))
    attach_allocated(Workspace(path=county), family_id, date(2015, 8, 31), "worker")
    return family_id, awaiting_attestation(family_id)


def _attest(client, attached: tuple[str, str], name: str, content: bytes):
    family_id, line = attached
    return client.post(reverse("web:family-attest", args=[family_id]), {
        "line": line, "statement": "Engaged with services", "attested_on": "2015-12-01",
        "evidence": SimpleUploadedFile(name, content)})


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "content", "suffix"), [
    ("letter.pdf", PDF, ".pdf"), ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(32), ".png"),
    ("photo.jpeg", b"\xff\xd8\xff\xe0" + bytes(32), ".jpg"), ("report.docx", None, ".docx"),
    ("note.txt", "Attended the clinic — 3 times.".encode(), ".txt"),
])
def test_accepted_types_are_told_by_their_content(signed_in, attached, name, content, suffix):
    response = _attest(signed_in("worker"), attached, name, content if content is not None else _docx())
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Attestation.objects.get(family_id=attached[0]).evidence_path.endswith(suffix)


@pytest.mark.parametrize(("name", "content"), [
    ("letter.pdf", b"<html><script>alert(1)</script></html>\x00"),  # a page named as a PDF
    ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),  # a Windows program
    ("data.xlsx", b"PK\x03\x04 not really a workbook"),
])
def test_other_types_are_refused_whatever_their_name(signed_in, attached, name, content, settings):
    response = _attest(signed_in("worker"), attached, name, content)
    assert response.status_code == 400 and "must be a PDF, PNG, JPEG" in response.content.decode()
    assert not Attestation.objects.exists()
    assert not [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_the_size_limit_is_enforced_while_the_upload_streams(signed_in, attached, monkeypatch, settings):
    monkeypatch.setattr(uploads, "MAX_EVIDENCE_BYTES", 100_000)
    seen = []
    original = uploads.EvidenceSizeLimit.receive_data_chunk

    def counting(self, raw_data, start):
        seen.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(uploads.EvidenceSizeLimit, "receive_data_chunk", counting)
    response = _attest(signed_in("worker"), attached, "big.pdf", PDF + bytes(1_000_000))
    assert response.status_code == 400 and "must be smaller than" in response.content.decode()
    assert sum(seen) < 200_000  # the rest of the file never reached a handler that keeps it
    assert not Attestation.objects.exists()


def test_the_domain_refuses_an_oversized_stream_without_reading_it_all(attached, monkeypatch):
    monkeypatch.setattr(attest_module, "MAX_EVIDENCE_BYTES", 1000)
    read = []

    def chunks():
        for _ in range(100):
            read.append(1)
            yield PDF + bytes(500)

    family_id, line = attached
    with pytest.raises(attest_module.AttestError, match="smaller than"):
        attest_module.attest(family_id, *line.split("|"), "W", "s", "big.pdf", chunks(), "worker")
    assert len(read) < 5


def test_a_family_has_an_evidence_quota(signed_in, attached, monkeypatch):
    monkeypatch.setattr(attest_module, "FAMILY_EVIDENCE_QUOTA", len(PDF) + 10)
    client = signed_in("worker")
    family_id, first = attached
    assert _attest(client, attached, "one.pdf", PDF).status_code == 302
    second = (family_id, awaiting_attestation(family_id))  # the first line is met now: the next one waiting
    assert second[1] != first
    refused = _attest(client, second, "two.pdf", PDF + b" another")
    assert refused.status_code == 400 and "already keeps" in refused.content.decode()
    assert _attest(client, second, "one-again.pdf", PDF).status_code == 302  # the same file costs nothing more
    assert Attestation.objects.count() == 2


def test_evidence_is_downloaded_by_those_who_may_see_the_family_and_each_download_is_logged(signed_in, attached):
    family_id, _line = attached
    assert _attest(signed_in("worker"), attached, "letter.pdf", PDF).status_code == 302
    made = Attestation.objects.get(family_id=family_id)
    url = reverse("web:evidence-file", args=[family_id, made.pk])
    for username in ("worker", "manager", "analyst"):
        response = signed_in(username).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF, username
        assert response["Content-Disposition"].startswith("attachment")
        assert AccessLog.objects.filter(username=username, action=AccessAction.EXPORT,
                                        target=f"family {family_id}").count() == 1
    for username in ("outsider", "manager_south", "admin", "auditor"):  # the auditor sees claimed families only
        assert signed_in(username).get(url).status_code == 404, username
    Claim.objects.create(family_id=family_id, window="2016-07", route="results", claimed_on=date(2016, 7, 31), refresh_id="r",
                         plan_id="p", amount=800, pack_sha256="y")
    assert signed_in("auditor").get(url).status_code == 200


def test_the_family_page_reads_progress_judged_when_it_changed_not_per_view(signed_in, attached, monkeypatch):
    from priority_families.outcomes import progress

    family_id, _line = attached
    assert FamilyProgress.objects.filter(family_id=family_id).exists()  # judged when the family was attached
    before = set(FamilyProgress.objects.filter(family_id=family_id).values_list("line_status", flat=True))

    def no_evaluation(*args, **kwargs):
        raise AssertionError("the family page evaluated the plan")

    monkeypatch.setattr(progress, "evaluation", no_evaluation)
    page = signed_in("worker").get(reverse("web:family", args=[family_id])).content.decode()
    assert 'data-table="progress"' in page
    monkeypatch.undo()
    assert _attest(signed_in("worker"), attached, "letter.pdf", PDF).status_code == 302
    after = set(FamilyProgress.objects.filter(family_id=family_id).values_list("line_status", flat=True))
    assert before and after  # judged again after the attestation
