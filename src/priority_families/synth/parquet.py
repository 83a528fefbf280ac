"""The synthetic county's extracts as Parquet (`pf synth --format parquet`): what a partner exporting from a
data platform sends. Every value is written as text, as the CSV holds it, so a Parquet county and a CSV county
of the same seed publish the same refresh (tests/ingest/test_parquet.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from priority_families.core.sql import sql_str
from priority_families.ingest.schema import FACT_KINDS


def extracts_as_parquet(folder: Path) -> list[Path]:
    """Replace every `<fact>.csv` in `folder` (and its follow-up folders) by `<fact>.parquet`; return them."""
    written = []
    with duckdb.connect() as con:
        for csv in sorted(Path(folder).rglob("*.csv")):
            if csv.stem not in FACT_KINDS or csv.parent.name == "truth":
                continue
            parquet = csv.with_suffix(".parquet")
            con.execute(f"COPY (SELECT * FROM read_csv({sql_str(csv)}, all_varchar = true, header = true, "
                        f"delim = ',', quote = '\"', escape = '\"')) TO {sql_str(parquet)} (FORMAT parquet)")
            csv.unlink()
            written.append(parquet)
    return written
