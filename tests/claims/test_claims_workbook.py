"""claims.xlsx as an analyst and an auditor open it: a metadata sheet first, real headers on every sheet
(no `c1`-`c8`, no header rows repeated as data), frozen panes, filters and widths, labels beside codes."""

from __future__ import annotations

import pytest

from priority_families.claims.ledger import make_claims
from priority_families.claims.workbook import CLAIM_HEADER
from workbooks import assert_laid_out, assert_metadata, sheets

from .county import WINDOW, claims_county
from .test_ledger import _attach_all


@pytest.mark.django_db
def test_claims_workbook_has_metadata_and_real_headers(tmp_path):
    ws = claims_county(tmp_path, families=3)
    _attach_all(ws, 3)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="analyst")
    assert run.claims
    assert_metadata(run.workbook, as_of="2016-06-30", plan="nottinghamshire-2015", filter=WINDOW,
                    refresh_id="refresh-20161231", produced_by="analyst")
    book = sheets(run.workbook)
    assert list(book)[:3] == ["About", "claims", "headlines"]
    assert tuple(book["claims"][0]) == CLAIM_HEADER
    claims = {r[0]: r for r in book["claims"][1:]}
    assert set(claims) == {c.family_id for c in run.claims}
    assert all(r[2] in ("Significant and sustained progress", "Continuous employment") for r in claims.values())
    counts = book["baseline counts"]
    assert counts[0] == ["family_id", "measure", "test", "what is counted", "person", "after", "up to", "count"]
    assert all(row[0] in claims for row in counts[1:]) and len(counts) > 1
    for name, rows in book.items():
        flat = [str(c) for r in rows for c in r]
        assert not any(c in {"c1", "c8"} for c in flat), name
        if name != "About":
            assert rows[0] not in rows[1:], f"{name} repeats its header as data"
    for n in range(2, len(book) + 1):
        assert_laid_out(run.workbook, n)


@pytest.mark.django_db
def test_no_raw_code_in_the_evidence_sheets(tmp_path):
    from priority_families.core.vocabulary import Vocabulary

    ws = claims_county(tmp_path, families=2)
    _attach_all(ws, 2)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    words = Vocabulary()
    codes = {c for g in ("source", "fact", "kind", "benefit", "claim_route", "measure_status", "who")
             for c in words.codes(g)}
    for name, rows in sheets(run.workbook).items():
        if name in ("About", "claims"):  # the claims sheet keeps the route code beside its label, for joins
            continue
        for row in rows[1:]:
            for cell in row[1:]:  # column 0 is the family_id key
                text = str(cell)
                assert text not in codes and text != "None", f"{name}: raw {text!r}"
                assert not any("_" in c and c in text for c in codes), f"{name}: raw code in {text!r}"
