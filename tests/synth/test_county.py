"""The synthetic county's files: format, identifiers, keys and reproducibility."""

from __future__ import annotations

import filecmp
from datetime import date
from pathlib import Path

from priority_families.ingest.identifiers import nhs_number_is_valid, ni_number_is_valid, upn_is_valid
from priority_families.ingest.schema import FACT_KINDS, header_for
from priority_families.synth.county import generate
from priority_families.synth.writer import TRUTH_HEADERS

from .synth_support import AS_OF, read_csv

IDENTIFIER_SOURCES = {
    "upn": {"school_census"},
    "nhs_number": {"health", "acute_trust", "social_care"},
    "ni_number": {"dwp", "probation", "work_programme"},
}
CHECKS = {"upn": upn_is_valid, "nhs_number": nhs_number_is_valid, "ni_number": ni_number_is_valid}


def _all_rows(folder: Path) -> dict[str, list[dict[str, str]]]:
    return {fact: read_csv(folder / f"{fact}.csv") for fact in FACT_KINDS}


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, 300, AS_OF, seed=seed, follow_ups=1)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    # per folder: the extracts, refresh.yaml, agreements.yaml and the truth; + truth/attachments.csv and
    # follow-up-1/truth/results.csv: follow-ups attach families by default;
    # + geography/postcodes.csv and geography/wards.csv in each folder (the county's ward lookup)
    assert len(files) == 2 * (len(FACT_KINDS) + 2 + len(TRUTH_HEADERS)) + 2 + 2 * 2
    _, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []
    _, mismatch, _ = filecmp.cmpfiles(tmp_path / "a", tmp_path / "c", [str(f) for f in files], shallow=False)
    assert "offence.csv" in mismatch


def test_every_fact_file_has_the_canonical_header_and_rows(county) -> None:
    out, _ = county
    for folder in (out, out / "follow-up-1"):
        for fact in FACT_KINDS:
            path = folder / f"{fact}.csv"
            header = path.read_text(encoding="utf-8").splitlines()[0]
            assert header == ",".join(header_for(fact)), fact
            assert len(read_csv(path)) > 0, f"{fact}.csv is empty"
    assert (out / "refresh.yaml").read_text() == "as_of: 2015-08-31\nauthority: Synthetown\n"
    assert (out / "follow-up-1" / "refresh.yaml").read_text() == "as_of: 2016-02-29\nauthority: Synthetown\n"


def test_record_ids_are_unique_within_each_source_across_files(county) -> None:
    out, _ = county
    seen: set[tuple[str, str]] = set()
    for rows in _all_rows(out).values():
        for row in rows:
            key = (row["source"], row["record_id"])
            assert key not in seen
            seen.add(key)


def test_identifiers_only_where_held_and_valid_except_a_few_mistypes(county) -> None:
    out, _ = county
    present = {name: 0 for name in CHECKS}
    invalid = {name: 0 for name in CHECKS}
    for rows in _all_rows(out).values():
        for row in rows:
            for name, check in CHECKS.items():
                if row[name]:
                    assert row["source"] in IDENTIFIER_SOURCES[name], (name, row["source"])
                    present[name] += 1
                    invalid[name] += not check(row[name])
    for name in CHECKS:
        assert present[name] > 500, name
        rate = invalid[name] / present[name]
        lower = 0.002 if name == "ni_number" else 0.005  # some NI mistypes are valid-looking
        assert lower <= rate <= 0.03, (name, rate)


def test_dates_and_counts_are_well_formed(county) -> None:
    out, _ = county
    for fact, rows in _all_rows(out).items():
        for row in rows:
            for column in FACT_KINDS[fact].columns:
                value = row[column.name]
                if column.type == "date" and value:
                    date.fromisoformat(value)
                if column.required and column.name not in ("end_date",):
                    assert value != "", (fact, column.name)
                if column.kinds and value:
                    assert value in column.kinds, (fact, value)
            if row["dob"]:
                date.fromisoformat(row["dob"])
