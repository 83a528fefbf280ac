"""Reports tests reuse the outcomes and claims helpers (a published store of hand-built families)."""

from __future__ import annotations

import pytest

from claims.county import check_and_submit
from priority_families.claims.ledger import make_claims
from priority_families.outcomes.attach import AttachmentRequest, attach_families

from .county import FAMILIES, WINDOW, A, publish_later, reports_county


@pytest.fixture
def claimed_county(tmp_path):
    ws = reports_county(tmp_path)
    attach_families(ws, [AttachmentRequest(f"F{n}", A, "W", "Police" if n % 2 else "School")
                         for n in range(FAMILIES)], actor="t")
    publish_later(ws)
    make_claims(ws, WINDOW, tmp_path / "claims", actor="t")
    check_and_submit(tmp_path / "batch", window=WINDOW)
    return ws
