"""Helpers shared by the synth tests (a module name unique across test folders)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

AS_OF = date(2015, 8, 31)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
