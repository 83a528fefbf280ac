"""Streaming writers for one refresh folder: the extract files, refresh.yaml and the truth files.

Files stay open for the whole run and rows are written as each unit is finished, so memory does not
grow with the county.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import IO, Any

from priority_families.ingest.schema import FACT_KINDS, header_for
from priority_families.synth.agreements import write_register

PLAN_IDS: tuple[str, ...] = ("national-2012", "nottinghamshire-2015", "warwickshire-2015")
TRUTH_HEADERS: dict[str, list[str]] = {
    "records": ["fact", "source", "record_id", "person_id", "household_id", "family_id"],
    "people": ["person_id", "first_name", "last_name", "dob", "sex", "household_id", "family_id",
               "address_line1", "postcode", "uprn"],
    "families": ["family_id", "household_id", "members", "children",
                 *[f"{plan}_{col}" for plan in PLAN_IDS for col in ("eligible", "headlines")]],
    "family_lineage": ["family_id", "previous_family_id", "change"],
    "hard_cases": ["case", "person_id", "detail"],
}


def cell(value: Any) -> str:
    """One CSV cell in the canonical format: ISO dates, blanks for None, no float noise."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class RefreshWriter:
    """All the files of one refresh folder (`OUT` or `OUT/follow-up-K`)."""

    def __init__(self, folder: Path, as_of: date, authority: str,
                 extra_truth: dict[str, list[str]] | None = None) -> None:
        self.folder = folder
        (folder / "truth").mkdir(parents=True, exist_ok=True)
        (folder / "refresh.yaml").write_text(f"as_of: {as_of.isoformat()}\nauthority: {authority}\n",
                                             encoding="utf-8")
        write_register(folder, authority, as_of)
        self._handles: list[IO[str]] = []
        self.facts = {fact: self._open(folder / f"{fact}.csv", header_for(fact)) for fact in FACT_KINDS}
        self.truth = {name: self._open(folder / "truth" / f"{name}.csv", header)
                      for name, header in {**TRUTH_HEADERS, **(extra_truth or {})}.items()}
        self.counts: dict[str, int] = {fact: 0 for fact in FACT_KINDS}

    def _open(self, path: Path, header: list[str]) -> Any:
        handle = path.open("w", newline="", encoding="utf-8")
        self._handles.append(handle)
        writer = csv.writer(handle)
        writer.writerow(header)
        return writer

    def fact_row(self, fact: str, row: list[str]) -> None:
        self.facts[fact].writerow(row)
        self.counts[fact] += 1

    def truth_row(self, name: str, row: list[Any]) -> None:
        self.truth[name].writerow([cell(v) for v in row])

    def close(self) -> None:
        for handle in self._handles:
            handle.close()
