"""Attestations: a lead professional's statement, with an evidence file, that a result was achieved.

Some results are not in any partner extract (engagement with health services); the lead professional
attests them. The evidence file is kept content-addressed by its sha256, so the claim's evidence pack
can name exactly the file an auditor must see.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from priority_families.casedb.models import Attachment, Attestation, AuditEvent, BaselineLine
from priority_families.core.files import private_dir


class AttestError(ValueError):
    """The attestation was refused (unknown family, line not true at attachment, missing evidence)."""


def _store(chunks: Iterable[bytes], suffix: str) -> tuple[str, Path]:
    """Write the evidence into the content-addressed store while hashing it; (sha256, where it is kept)."""
    root = Path(settings.MEDIA_ROOT)
    private_dir(root)
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=root, delete=False, suffix=".part") as out:
        try:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            Path(out.name).unlink(missing_ok=True)
            raise
    sha = digest.hexdigest()
    store = root / sha[:2] / f"{sha}{suffix}"
    private_dir(store.parent)
    if store.exists():
        Path(out.name).unlink()
    else:
        os.replace(out.name, store)
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
           evidence: Iterable[bytes], actor: str, attested_on: date | None = None) -> Attestation:
    """Record an attestation for a line true at attachment; the evidence (a stream of bytes, named
    `evidence_name`) is stored by its sha256."""
    name = Path(evidence_name or "evidence").name or "evidence"
    if not statement.strip() or not attested_by.strip():
        raise AttestError("an attestation needs who attests (--by) and a statement")
    attachment = Attachment.objects.filter(family_id=family_id).first()
    if attachment is None:
        raise AttestError(f"family {family_id} is not attached")
    if not BaselineLine.objects.filter(attachment=attachment, headline=headline, indicator=indicator).exists():
        raise AttestError(f"family {family_id} did not have {headline}/{indicator} at attachment")
    digest, store = _store(evidence, Path(name).suffix)
    with transaction.atomic():
        made = Attestation.objects.create(
            family_id=family_id, headline=headline, indicator=indicator, attested_by=attested_by,
            attested_on=attested_on or date.today(), statement=statement, evidence_name=name,
            evidence_sha256=digest, evidence_path=str(store))
        AuditEvent.objects.create(action="attest", family_id=family_id, actor=actor,
                                  detail={"headline": headline, "indicator": indicator,
                                          "evidence_sha256": digest, "attestation": made.pk})
    return made
