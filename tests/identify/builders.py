"""Small builders for the store tables identification reads (records, persons, families ...).

Tests describe families as people with dates of birth and facts with keyword defaults; the builder
writes the contract tables of docs/store.md directly, so identification is tested without ingest or
linkage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from priority_families.core.calendar import last_terms

AS_OF = date(2015, 8, 31)

RECORD_COLUMNS = {
    "record_key": "BIGINT", "fact": "VARCHAR", "source": "VARCHAR", "record_id": "VARCHAR",
    "line": "INTEGER", "kind": "VARCHAR", "role": "VARCHAR", "risk": "VARCHAR", "term": "VARCHAR",
    "date": "DATE", "start_date": "DATE", "end_date": "DATE", "release_date": "DATE",
    "term_start": "DATE", "term_end": "DATE", "event_date": "DATE",
    "possible_sessions": "INTEGER", "authorised_absence": "INTEGER", "unauthorised_absence": "INTEGER",
    "sessions": "INTEGER", "gravity": "INTEGER", "hours_per_week": "DOUBLE", "postcode_std": "VARCHAR",
}


@dataclass
class Person:
    person_id: str
    dob: date | None
    postcode: str = "NG7 2AB"


@dataclass
class Fact:
    fact: str
    person_id: str
    values: dict[str, Any] = field(default_factory=dict)


def term_dates(label: str) -> tuple[date, date]:
    year, season = label.split("-")
    y = int(year)
    return {
        "autumn": (date(y, 9, 1), date(y, 12, 31)),
        "spring": (date(y, 1, 1), date(y, 3, 31)),
        "summer": (date(y, 4, 1), date(y, 7, 31)),
    }[season]


def attendance(person_id: str, term: str, possible: int, authorised: int = 0, unauthorised: int = 0) -> Fact:
    return Fact("school_attendance", person_id, {"term": term, "possible_sessions": possible,
                                                 "authorised_absence": authorised,
                                                 "unauthorised_absence": unauthorised})


def termly_attendance(person_id: str, as_of: date, possible: int, authorised: int = 0,
                      unauthorised: int = 0) -> list[Fact]:
    """Attendance for each of the last 3 terms before as_of with the same counts."""
    return [attendance(person_id, t.label, possible, authorised, unauthorised) for t in last_terms(as_of, 3)]


def dated(fact: str, person_id: str, on: date, **values: Any) -> Fact:
    return Fact(fact, person_id, {"date": on, **values})


def spell(fact: str, person_id: str, start: date, end: date | None = None, **values: Any) -> Fact:
    return Fact(fact, person_id, {"start_date": start, "end_date": end, **values})


def build_store(con: duckdb.DuckDBPyConnection, families: dict[str, list[Person]], facts: list[Fact]) -> None:
    """Write records, record_person, persons, families and family_members for the given families."""
    cols = ", ".join(f'"{c}" {t}' for c, t in RECORD_COLUMNS.items() if c != "postcode_std")
    con.execute(f"CREATE OR REPLACE TABLE records ({cols})")
    con.execute("CREATE OR REPLACE TABLE record_person (record_key BIGINT, person_id VARCHAR)")
    con.execute("CREATE OR REPLACE TABLE persons (person_id VARCHAR, dob DATE, postcode_std VARCHAR, "
                "first_name VARCHAR, last_name VARCHAR, sex VARCHAR, address_std VARCHAR)")
    con.execute("CREATE OR REPLACE TABLE families (family_id VARCHAR, household_id VARCHAR, members INTEGER, "
                "children INTEGER)")
    con.execute("CREATE OR REPLACE TABLE family_members (family_id VARCHAR, person_id VARCHAR)")
    fam_rows, person_rows, member_rows = [], [], []
    for fid, people in families.items():
        fam_rows.append((fid, "H" + fid[1:], len(people), 0))
        for p in people:
            person_rows.append((p.person_id, p.dob, p.postcode, "TEST", p.person_id, None, None))
            member_rows.append((fid, p.person_id))
    names = [c for c in RECORD_COLUMNS if c != "postcode_std"]
    record_rows, link_rows = [], []
    for key, f in enumerate(facts, start=1):
        row: dict[str, Any] = {"record_key": key, "fact": f.fact, "source": "test", "record_id": f"R{key}",
                               "line": key + 1, **f.values}
        if "term" in f.values:
            row["term_start"], row["term_end"] = term_dates(f.values["term"])
        row["event_date"] = row.get("date") or row.get("start_date") or row.get("term_start")
        record_rows.append(tuple(row.get(n) for n in names))
        link_rows.append((key, f.person_id))
    _bulk(con, "families", ["family_id", "household_id", "members", "children"], fam_rows)
    _bulk(con, "persons", ["person_id", "dob", "postcode_std", "first_name", "last_name", "sex", "address_std"],
          person_rows)
    _bulk(con, "family_members", ["family_id", "person_id"], member_rows)
    _bulk(con, "records", names, record_rows)
    _bulk(con, "record_person", ["record_key", "person_id"], link_rows)


def _bulk(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert many rows at once through a pandas frame (row-by-row inserts are slow in DuckDB)."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=columns, dtype=object)  # noqa: F841 - read by DuckDB below
    quoted = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM frame")
