"""Attestations: a lead professional's statement, with an evidence file, that a result was achieved.

Some results are not in any partner extract (engagement with health services); the lead professional
attests them. The evidence file is kept content-addressed by its sha256, so the claim's evidence pack
can name exactly the file an auditor must see.
"""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction

from priority_families.outcomes.models import Attachment, Attestation, AuditEvent, BaselineLine


class AttestError(ValueError):
    """The attestation was refused (unknown family, line not true at attachment, missing evidence)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def attest(family_id: str, headline: str, indicator: str, attested_by: str, statement: str, evidence: Path,
           actor: str, attested_on: date | None = None) -> Attestation:
    """Record an attestation for a line true at attachment; the evidence file is stored by its sha256."""
    evidence = Path(evidence)
    if not evidence.is_file():
        raise AttestError(f"evidence file {evidence} does not exist")
    if not statement.strip() or not attested_by.strip():
        raise AttestError("an attestation needs who attests (--by) and a statement")
    attachment = Attachment.objects.filter(family_id=family_id).first()
    if attachment is None:
        raise AttestError(f"family {family_id} is not attached")
    if not BaselineLine.objects.filter(attachment=attachment, headline=headline, indicator=indicator).exists():
        raise AttestError(f"family {family_id} did not have {headline}/{indicator} at attachment")
    digest = _sha256(evidence)
    store = Path(settings.MEDIA_ROOT) / digest[:2] / f"{digest}{evidence.suffix}"
    store.parent.mkdir(parents=True, exist_ok=True)
    if not store.exists():
        shutil.copyfile(evidence, store)
    with transaction.atomic():
        made = Attestation.objects.create(
            family_id=family_id, headline=headline, indicator=indicator, attested_by=attested_by,
            attested_on=attested_on or date.today(), statement=statement, evidence_name=evidence.name,
            evidence_sha256=digest, evidence_path=str(store))
        AuditEvent.objects.create(action="attest", family_id=family_id, actor=actor,
                                  detail={"headline": headline, "indicator": indicator,
                                          "evidence_sha256": digest, "attestation": made.pk})
    return made
