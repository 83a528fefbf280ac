"""The case file: documents (specialist assessments, the plan, consent forms, letters) attached to a family's
case, checked as attestation evidence is (type by content, size while streaming, the family's quota) and kept
by their sha256 under the workspace, outside anything the web server serves."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from priority_families.casedb.casework import Actor, _locked, _log
from priority_families.casedb.models import CaseDocument, DocumentKind
from priority_families.core.files import private_dir
from priority_families.outcomes.attest import (
    FAMILY_EVIDENCE_QUOTA,
    AttestError,
    _receive,
    evidence_kind,
    family_evidence_bytes,
)


class CaseFileError(ValueError):
    """A document refused (type, size, quota, missing title); nothing is kept."""


def case_file_bytes(family_id: str) -> int:
    """What the family's case file and attestation evidence keep, together (one quota for both)."""
    docs = set(CaseDocument.objects.filter(case__family_id=family_id).values_list("path", flat=True))
    return family_evidence_bytes(family_id) + sum(Path(p).stat().st_size for p in docs if Path(p).is_file())


def add_document(family_id: str, kind: str, title: str, chunks: Iterable[bytes], actor: Actor) -> CaseDocument:
    """Check and keep a document on the family's case file, with its access-log row."""
    if kind not in DocumentKind.values:
        raise CaseFileError("Select what kind of document this is")
    if not title.strip():
        raise CaseFileError("Enter the document's title")
    root = Path(settings.MEDIA_ROOT) / "casefile"
    private_dir(root)
    try:
        sha, part = _receive(chunks, root)
    except AttestError as exc:
        raise CaseFileError(str(exc).replace("evidence file", "document")) from None
    try:
        found = evidence_kind(part)
        if found is None:
            raise CaseFileError("the document must be a PDF, PNG, JPEG, Word (.docx), Excel (.xlsx) or plain text "
                                "file")
        size = part.stat().st_size
        if case_file_bytes(family_id) + size > FAMILY_EVIDENCE_QUOTA:
            raise CaseFileError(f"family {family_id} already keeps {FAMILY_EVIDENCE_QUOTA // 2**20} MB of files: "
                                "ask an administrator before adding more")
        store = root / sha[:2] / f"{sha}{found.value}"
        with transaction.atomic():
            case = _locked(family_id)
            doc = CaseDocument.objects.create(case=case, kind=kind, title=title.strip()[:200], path=str(store),
                                              sha256=sha, size=size, by=actor.username)
            _log(actor, case, f"document {doc.pk} added to the case file, sha256 {sha}")
            private_dir(store.parent)
            os.replace(part, store)
    finally:
        part.unlink(missing_ok=True)
    return doc
