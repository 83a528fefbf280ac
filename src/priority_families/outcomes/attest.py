"""Attestations: a lead professional's statement, with an evidence file, that a result was achieved.

Some results are not in any partner extract (engagement with health services); the lead professional
attests them. The evidence file is kept content-addressed by its sha256, so the claim's evidence pack
can name exactly the file an auditor must see.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date
from enum import StrEnum
from pathlib import Path

from django.conf import settings
from django.db import transaction

from priority_families.casedb.models import (
    EVIDENCE_MODELS,
    Attachment,
    Attestation,
    AuditEvent,
    BaselineLine,
    Case,
    CaseStatus,
)
from priority_families.core.engine import Workspace
from priority_families.core.files import private_dir


class AttestError(ValueError):
    """The attestation was refused (unknown family, line not true at attachment, missing evidence)."""


MAX_EVIDENCE_BYTES = 20 * 2**20  # one evidence file
FAMILY_EVIDENCE_QUOTA = 200 * 2**20  # all of one family's evidence files together
ZIP_KINDS = {"word/": ".docx", "xl/": ".xlsx"}


class EvidenceKind(StrEnum):
    """The evidence types accepted, told apart by their content (never by the name a browser sent)."""

    PDF = ".pdf"
    PNG = ".png"
    JPEG = ".jpg"
    DOCX = ".docx"
    XLSX = ".xlsx"
    TEXT = ".txt"


def evidence_kind(path: Path) -> EvidenceKind | None:
    """What a stored file is by its first bytes (and, for Office files, the parts inside the zip); None when it
    is none of the accepted types. Plain text must be UTF-8 without NUL bytes."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(path)
    return _text_kind(path)


def _office_kind(path: Path) -> EvidenceKind | None:
    try:
        with zipfile.ZipFile(path) as book:
            names = book.namelist()
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, suffix in ZIP_KINDS.items():
        if any(n.startswith(prefix) for n in names):
            return EvidenceKind(suffix)
    return None


def _text_kind(path: Path) -> EvidenceKind | None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            if b"\x00" in block:
                return None
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return EvidenceKind.TEXT


def required_text(value: str, what: str, error: type[ValueError]) -> str:
    """The text without its surrounding spaces; blank is refused ("give ..."), as evidence with no one behind it
    or no statement proves nothing."""
    if not (value or "").strip():
        raise error(f"give {what}")
    return value.strip()


def refuse_closed_case(family_id: str, error: type[ValueError]) -> None:
    """Evidence is not recorded for a family whose case is closed: no one works with it, so the case is
    reopened first (and the reopening is in its history)."""
    if Case.objects.filter(family_id=family_id, status=CaseStatus.CLOSED).exists():
        raise error(f"family {family_id}'s case is closed: reopen it first")


def family_evidence_paths(family_id: str) -> set[str]:
    """Every evidence file kept for the family, by any record that keeps one (attestations, nominations,
    assessed rows and their attestations: `EVIDENCE_MODELS`)."""
    return {p for model in EVIDENCE_MODELS
            for p in model.objects.filter(family_id=family_id).values_list("evidence_path", flat=True)}


def family_evidence_bytes(family_id: str) -> int:
    """The bytes of the distinct evidence files the family keeps: what its per-family quota counts."""
    return sum(Path(p).stat().st_size for p in family_evidence_paths(family_id) if Path(p).is_file())


def _receive(chunks: Iterable[bytes], root: Path) -> tuple[str, Path]:
    """Stream the evidence into a temporary file while hashing it, refusing it as soon as it is too large."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=root, delete=False, suffix=".part") as out:
        try:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_EVIDENCE_BYTES:
                    raise AttestError(f"the evidence file must be smaller than {MAX_EVIDENCE_BYTES // 2**20} MB")
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            Path(out.name).unlink(missing_ok=True)
            raise
    if size == 0:
        Path(out.name).unlink()
        raise AttestError("the evidence file is empty")
    return digest.hexdigest(), Path(out.name)


def store_evidence(chunks: Iterable[bytes], family_id: str) -> tuple[str, Path]:
    """Keep the evidence content-addressed by its sha256, if it is an accepted type within the family's quota;
    (sha256, where it is kept). The stored name's suffix is the type found in the content."""
    root = Path(settings.MEDIA_ROOT)
    private_dir(root)
    sha, part = _receive(chunks, root)
    try:
        kind = evidence_kind(part)
        if kind is None:
            raise AttestError("the evidence file must be a PDF, PNG, JPEG, Word (.docx), Excel (.xlsx) or plain "
                              "text file")
        store = root / sha[:2] / f"{sha}{kind.value}"
        known = store.exists() and str(store) in family_evidence_paths(family_id)
        if not known and family_evidence_bytes(family_id) + part.stat().st_size > FAMILY_EVIDENCE_QUOTA:
            raise AttestError(f"family {family_id} already keeps {FAMILY_EVIDENCE_QUOTA // 2**20} MB of evidence: "
                              "ask an administrator before adding more")
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    private_dir(store.parent)
    if store.exists():
        part.unlink()
    else:
        os.replace(part, store)
    return sha, store


def file_chunks(path: Path) -> Iterator[bytes]:
    """A file's bytes in blocks, for `attest` (a missing file is refused with its name, at once)."""
    if not Path(path).is_file():
        raise AttestError(f"evidence file {path} does not exist")

    def blocks() -> Iterator[bytes]:
        with open(path, "rb") as handle:
            yield from iter(lambda: handle.read(1 << 16), b"")

    return blocks()


def attest(family_id: str, headline: str, indicator: str, attested_by: str, statement: str, evidence_name: str,
           evidence: Iterable[bytes], actor: str, attested_on: date | None = None,
           workspace: Workspace | None = None) -> Attestation:
    """Record an attestation for a line true at attachment; the evidence (a stream of bytes, named
    `evidence_name`) is checked (type by content, size while streaming, the family's quota) and stored by its
    sha256. With `workspace`, the family's progress is judged again for the tracker."""
    name = Path(evidence_name or "evidence").name or "evidence"
    if not statement.strip() or not attested_by.strip():
        raise AttestError("an attestation needs who attests (--by) and a statement")
    attachment = Attachment.objects.filter(family_id=family_id).first()
    if attachment is None:
        raise AttestError(f"family {family_id} is not attached")
    refuse_closed_case(family_id, AttestError)
    if not BaselineLine.objects.filter(attachment=attachment, headline=headline, indicator=indicator).exists():
        raise AttestError(f"family {family_id} did not have {headline}/{indicator} at attachment")
    digest, store = store_evidence(evidence, family_id)
    with transaction.atomic():
        made = Attestation.objects.create(
            family_id=family_id, headline=headline, indicator=indicator, attested_by=attested_by,
            attested_on=attested_on or date.today(), statement=statement, evidence_name=name,
            evidence_sha256=digest, evidence_path=str(store))
        AuditEvent.objects.create(action="attest", family_id=family_id, actor=actor,
                                  detail={"headline": headline, "indicator": indicator,
                                          "evidence_sha256": digest, "attestation": made.pk})
    if workspace is not None:
        from priority_families.outcomes.progress import progress_changed

        progress_changed(workspace, [family_id])
    return made
