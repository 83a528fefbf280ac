"""`pf progress` when its output is a file (`pf progress ... > progress.txt`): no Rich table cut to 80
columns with "…" in its cells, but the full table in a file under --out (or printed whole as Markdown)
and a short summary; labels, not codes, wherever a person reads."""

from __future__ import annotations

import csv

import pytest

from priority_families.core.vocabulary import Vocabulary

from .test_cli import _pf, ws  # noqa: F401  (the fixture: six attached families, a later refresh)

TRUNCATED = "…"


@pytest.mark.django_db
def test_progress_to_a_file_writes_the_full_table_and_a_summary(ws):  # noqa: F811
    out = ws.parent / "progress"
    run = _pf(ws, "progress", "--as-of", "2016-06-30", "--out", str(out))
    assert TRUNCATED not in run.stdout
    with open(out / "progress.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = (out / "progress.md").read_text()
    body = [line for line in table.splitlines() if line.startswith("| F")]
    assert len(body) == len(rows) and TRUNCATED not in table
    assert f"Progress at 2016-06-30: {len(rows)} rows, the full table in {out / 'progress.md'}" in run.stdout
    assert len(run.stdout.splitlines()) < 20  # a summary, not the table
    assert "Significant and sustained progress" in run.stdout and "Claim routes open at 2016-06-30" in run.stdout
    _no_raw_codes(run.stdout + table)


@pytest.mark.django_db
def test_progress_without_out_prints_the_whole_table_as_markdown(ws):  # noqa: F811
    run = _pf(ws, "progress", "--as-of", "2016-06-30")
    assert TRUNCATED not in run.stdout and "| family | headline | measure |" in run.stdout
    assert "Parents and children involved in crime or anti-social behaviour" in run.stdout
    _no_raw_codes(run.stdout)


def _no_raw_codes(text: str) -> None:
    words = Vocabulary()
    cells = {c.strip() for line in text.splitlines() for c in line.split("|")}
    for group in ("claim_route", "measure_status", "headline_status", "fact", "source"):
        for code in words.codes(group):
            assert code not in cells, f"{group} code {code!r} shown raw"
            if "_" in code:
                assert code not in text, f"{group} code {code!r} shown raw"
    for raw in ("crime_asb", "significant_sustained", "continuous_employment", "None"):
        assert raw not in cells and (raw == "None" or raw not in text), raw
