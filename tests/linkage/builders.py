"""Build a small `records` table (the ingest contract in docs/store.md) for linkage tests.

Values are given already standardised (as ingest would leave them); only the columns linkage and
households read are filled, the rest of the contract is present with NULLs.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb

COLUMNS: dict[str, str] = {
    "record_key": "BIGINT", "fact": "VARCHAR", "source": "VARCHAR", "record_id": "VARCHAR", "line": "INTEGER",
    "first_name_std": "VARCHAR", "last_name_std": "VARCHAR", "dob": "DATE", "sex_std": "VARCHAR",
    "postcode_std": "VARCHAR", "address_std": "VARCHAR", "flat": "VARCHAR", "house_number": "VARCHAR",
    "uprn": "BIGINT", "upn_std": "VARCHAR", "nhs_number_std": "VARCHAR", "ni_number_std": "VARCHAR",
    "upn_valid": "BOOLEAN", "nhs_number_valid": "BOOLEAN", "ni_number_valid": "BOOLEAN",
    "event_date": "DATE", "date": "DATE",
}


def record(first: str | None, last: str | None, dob: str | None, **kw: Any) -> dict[str, Any]:
    """One record with keyword overrides; `address` like '12 HIGH ST' sets house_number (and flat via
    `flat=`)."""
    row: dict[str, Any] = {
        "fact": "health", "first_name_std": first, "last_name_std": last,
        "dob": date.fromisoformat(dob) if dob else None, "sex_std": kw.pop("sex", None),
        "postcode_std": kw.pop("postcode", None), "address_std": kw.pop("address", None),
        "event_date": date.fromisoformat(kw.pop("on", "2015-01-10")),
    }
    if row["address_std"] and "house_number" not in kw:
        parts = row["address_std"].split()
        numbers = [p for p in parts if p.isdigit()]
        if numbers:
            row["house_number"] = numbers[-1]
            if parts[0] == "FLAT" and len(numbers) > 1:
                row["flat"] = numbers[0]
    for key in ("upn", "nhs_number", "ni_number"):
        if key in kw:
            row[f"{key}_std"] = kw.pop(key)
            row[f"{key}_valid"] = kw.pop(f"{key}_valid", True)
    row.update(kw)
    return row


def make_records(con: duckdb.DuckDBPyConnection, rows: list[dict[str, Any]], source: str = "health") -> None:
    """Create `records` from `rows`; record_key and record_id are numbered in order unless given."""
    cols = ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TABLE records ({cols})")
    names = list(COLUMNS)
    for i, row in enumerate(rows, start=1):
        values = {"record_key": i, "source": source, "record_id": f"R{i}", "line": i + 1, **row}
        con.execute(
            f"INSERT INTO records ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [values.get(n) for n in names],
        )


def filler(n: int = 60, seed: int = 0) -> list[dict[str, Any]]:
    """`n` unrelated people with made-up distinct names, dates and addresses.

    Term frequencies are estimated from the data itself, so a table of three SARAH OKAFORs says SARAH
    is the commonest name there is; filler gives names realistic frequencies.
    """
    syllables = ["BA", "KE", "LI", "MO", "RU", "SA", "TE", "VI", "DO", "NA", "PE", "GU"]
    rows = []
    for i in range(n):
        j = i + seed * n
        first = syllables[j % 12] + syllables[(j // 12) % 12] + "N"
        last = syllables[(j * 7) % 12] + syllables[(j // 3) % 12] + "TON"
        dob = date(1940 + j % 70, 1 + j % 12, 1 + j % 28).isoformat()
        rows.append(record(first, last, dob, sex="MF"[j % 2], postcode=f"NG{10 + j % 9} {j % 9}ZZ",
                           address=f"{100 + j} FILLER RD"))
    return rows


def tables_in_order(tables: dict[str, tuple[str, list[tuple]]], reverse: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory store on one thread holding `tables` (name -> (column definitions, rows)), every table's rows
    written in the given order or its reverse: one thread meets rows in the order written, so a statement that
    picks among ties by row order gives two answers."""
    step = -1 if reverse else 1
    con = duckdb.connect()
    con.execute("SET threads = 1")
    for name, (columns, rows) in tables.items():
        con.execute(f"CREATE TABLE {name} ({columns})")
        con.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(rows[0]))})", rows[::step])
    return con
