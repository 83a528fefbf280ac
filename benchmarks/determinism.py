"""Does one county give the same store every time? Ingest and link it several times, then diff every table.

Each run ingests the county into a fresh workspace, links (linkage and households, as `pf link` does), and,
when the county has `follow-up-1`, ingests and links that too. The stores are compared by the partners' keys
(`source`, `record_id`), so a run on shuffled extracts (different record keys) is comparable: persons as the
sets of their records, households and families as the sets of their persons, each record's place, each
person's current record; and, as written, person and family ids and `id_lineage`.

    PYTHONPATH=src .venv/bin/python benchmarks/determinism.py --county /tmp/hh2/s20000 --runs 3
    PYTHONPATH=src .venv/bin/python benchmarks/determinism.py --county /tmp/hh2/s5000 --threads 1,2
    PYTHONPATH=src .venv/bin/python benchmarks/determinism.py --county /tmp/hh2/s5000 --runs 2 --shuffle 7
    (--threads: one run per thread count; --shuffle SEED: runs after the first read every extract's rows
    shuffled, so the ids, which follow row order, are expected to differ)
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from pathlib import Path

import duckdb

from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.refresh import ingest_refresh, link_workspace

FOLLOW_UP = "follow-up-1"

# Per store, each a relation of partners' keys (views over the attached store `s`); the first is a helper.
VIEWS = {
    "person_records": """SELECT p.person_id, list_sort(list(p.source || ':' || p.record_id)) AS records
                         FROM s.record_person p GROUP BY p.person_id""",
    "persons": "SELECT records FROM person_records",
    "record_places": """SELECT r.source, r.record_id, p.place_id, p.place_status, p.place_score, p.place_evidence
                        FROM s.record_place p JOIN s.records r USING (record_key)""",
    "current_records": """SELECT m.records, r.source || ':' || r.record_id AS current_record, p.place_id
                          FROM s.persons p JOIN person_records m USING (person_id)
                          LEFT JOIN s.records r ON r.record_key = p.current_record_key""",
    "households": """SELECT h.place_id, list_sort(list(m.records::VARCHAR)) AS persons
                     FROM s.person_household ph JOIN person_records m USING (person_id)
                     JOIN s.households h USING (household_id) GROUP BY h.household_id, h.place_id""",
    "families": """SELECT list_sort(list(m.records::VARCHAR)) AS persons
                   FROM s.family_members f JOIN person_records m USING (person_id) GROUP BY f.family_id""",
    "link_pairs": """SELECT least(l.source || ':' || l.record_id, r.source || ':' || r.record_id) AS a,
                            greatest(l.source || ':' || l.record_id, r.source || ':' || r.record_id) AS b, x.route
                     FROM s.link_pairs x JOIN s.records l ON l.record_key = x.record_key_l
                     JOIN s.records r ON r.record_key = x.record_key_r""",
    "person_ids": "SELECT person_id, records FROM person_records",
    "family_ids": """SELECT f.family_id, list_sort(list(m.records::VARCHAR)) AS persons
                     FROM s.family_members f JOIN person_records m USING (person_id) GROUP BY f.family_id""",
    "id_lineage": "SELECT * FROM s.id_lineage",
}


def shuffled_copy(county: Path, to: Path, seed: int) -> Path:
    """The county with every extract's data rows in another order (header first; lines hold no newline)."""
    shutil.copytree(county, to)
    for csv in to.rglob("*.csv"):
        if "truth" in csv.parts or "geography" in csv.parts:
            continue
        lines = csv.read_text().splitlines(keepends=True)
        body = lines[1:]
        random.Random(seed).shuffle(body)
        csv.write_text(lines[0] + "".join(body))
    return to


def run(county: Path, scratch: Path, name: str, threads: int | None) -> list[Path]:
    """Ingest and link the county (and its follow-up); the store after each refresh."""
    ws = Workspace(Settings(threads=threads), path=scratch / name)
    stores = []
    for refresh, folder in enumerate((county, county / FOLLOW_UP), start=1):
        if not folder.is_dir():
            break
        ingest_refresh(ws, folder)
        link_workspace(ws)
        stores.append(scratch / f"{name}-refresh{refresh}.duckdb")
        shutil.copyfile(ws.store_path, stores[-1])
    return stores


def canonical(con: duckdb.DuckDBPyConnection, store: Path, schema: str) -> None:
    """The store's tables as the partners' keys (`VIEWS`), materialised in `schema` of `con`."""
    con.execute(f"ATTACH '{store}' AS s (READ_ONLY)")
    con.execute(f"CREATE SCHEMA {schema}")
    con.execute(f"SET schema = '{schema}'")
    for view, sql in VIEWS.items():
        con.execute(f"CREATE TABLE {view} AS {sql}")
    con.execute("SET schema = 'main'")
    con.execute("DETACH s")


def differing(first: Path, other: Path) -> dict[str, int]:
    """Rows of each view in one store and not the other (both ways)."""
    con = duckdb.connect()
    canonical(con, first, "a")
    canonical(con, other, "b")
    found = {view: con.execute(f"SELECT count(*) FROM ((FROM a.{view} EXCEPT ALL FROM b.{view}) "
                               f"UNION ALL (FROM b.{view} EXCEPT ALL FROM a.{view}))").fetchall()[0][0]
             for view in list(VIEWS)[1:]}
    con.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--county", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--threads", help="comma-separated thread counts, one run each (0: all cores)")
    parser.add_argument("--shuffle", type=int, help="seed: runs after the first read shuffled extracts")
    args = parser.parse_args()
    threads = [int(t) or None for t in args.threads.split(",")] if args.threads else [None] * args.runs
    scratch = Path(tempfile.mkdtemp(prefix="determinism-"))
    try:
        shuffled = shuffled_copy(args.county, scratch / "shuffled", args.shuffle) if args.shuffle is not None \
            else args.county
        runs = [run(args.county if i == 0 else shuffled, scratch, f"run{i}", t) for i, t in enumerate(threads)]
        for refresh in range(len(runs[0])):
            for i in range(1, len(runs)):
                found = differing(runs[0][refresh], runs[i][refresh])
                print(f"refresh {refresh + 1}, run {i} (threads {threads[i] or 'all'}) against run 0 "
                      f"(threads {threads[0] or 'all'}): " + ", ".join(f"{k} {v}" for k, v in found.items()),
                      flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
