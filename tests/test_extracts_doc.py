"""docs/extracts.md is the extract format partners build to: it must name every file, column, kind and
register key the code reads, and point nowhere outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

from priority_families.ingest.agreements import Agreement, Register
from priority_families.ingest.schema import FACT_KINDS, PERSON_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "extracts.md").read_text(encoding="utf-8")


def _table_row(fact: str) -> str:
    row = re.search(rf"^\| `{fact}` \|.*$", DOC, re.MULTILINE)
    assert row, f"docs/extracts.md has no row for {fact}.csv"
    return row.group(0)


def test_every_fact_file_its_columns_and_kinds_are_documented():
    assert f"of the {len(FACT_KINDS)} names" in DOC
    for fact, kind in FACT_KINDS.items():
        row = _table_row(fact)
        for column in kind.columns:
            assert f"`{column.name}`" in row, f"{fact}.csv column {column.name} not in its row"
            for allowed in column.kinds or ():
                assert f"`{allowed}`" in row, f"{fact}.csv kind {allowed} not in its row"


def test_person_columns_geography_and_agreements_are_documented():
    for column in PERSON_COLUMNS:
        assert f"`{column}`" in DOC, column
    for name in ("refresh.yaml", "geography/", "postcodes.csv", "wards.csv", "agreements.yaml", "rejects.csv",
                 "`pcds`", "`osward`", "`oslaua`"):
        assert name in DOC, name
    for key in [*Register.model_fields, *Agreement.model_fields]:
        assert f"`{key}`" in DOC or f"`agreements[].{key}`" in DOC or f", `{key}`" in DOC, key


def test_the_docs_and_readme_point_inside_the_repository():
    for text in (DOC, (ROOT / "README.md").read_text(encoding="utf-8")):
        assert "shared/spec" not in text and "/work/" not in text
    assert "docs/extracts.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_parquet_extracts_and_their_row_numbers_are_documented():
    from priority_families.ingest.refresh import EXTRACT_SUFFIXES

    for suffix in EXTRACT_SUFFIXES:
        assert f"`<fact>{suffix}`" in DOC, suffix
    for message in ("holds the same extract twice", "is not a Parquet file", "row number"):
        assert message in DOC, message
