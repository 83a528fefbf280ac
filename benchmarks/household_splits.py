"""Why true families are split over our households: each member outside the family's commonest household,
by cause, on a linked store (issue 14; benchmarks/README.md, "Places", third round).

Works on a copy of the store (the given one is never changed). `--rebuild` forms households again with the
code on the path (linkage as the store has it); `--no-gazetteer` drops the council's gazetteer first;
`--oracle` replaces linkage by the truth's persons before households, so what is left is the households
stage's own share.

    PYTHONPATH=src .venv/bin/python benchmarks/household_splits.py WORKSPACE/store.duckdb COUNTY/truth --rebuild
    PYTHONPATH=src .venv/bin/python benchmarks/household_splits.py WORKSPACE/store.duckdb COUNTY/truth --oracle

Causes, first that applies: linkage split the true person over two of ours; the only address fits two places
(`place_review`); no address at all; linkage merged another true person in whose record decides the current
place; the current place is a line that fits no known place; no record of the person at the family's place;
a record at the family's place and a later one elsewhere (a move the family did not make, two homes, a slip).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import duckdb

from priority_families.evaluation.linkage import evaluate_linkage
from priority_families.households import build_households
from priority_families.linkage.pipeline import _write_persons

CAUSES = """
CREATE OR REPLACE TEMP TABLE split_members AS
WITH main_person AS (  -- our person holding most of the true person's records (ties decided, not random)
    SELECT true_person, first(person_id ORDER BY n DESC, person_id) AS person_id
    FROM (SELECT true_person, person_id, count(*) AS n FROM eval_records GROUP BY ALL) GROUP BY true_person
),
member AS (  -- in the household the evaluation puts the true person in (`eval_person_household`)
    SELECT e.true_family, e.true_person,
           CASE WHEN starts_with(ph.household_id, 'none:') THEN 'none' ELSE ph.household_id END AS hh,
           m.person_id, count(DISTINCT e.person_id) AS persons, count(*) AS records
    FROM eval_records e JOIN eval_person_household ph USING (true_person) JOIN main_person m USING (true_person)
    WHERE e.true_family IS NOT NULL GROUP BY ALL
),
split AS (  -- the family's household: most members, then most of their records (ties decided, not random)
    SELECT true_family, first(hh ORDER BY members DESC, records DESC, hh) AS major FROM (
        SELECT true_family, hh, count(*) AS members, sum(records) AS records FROM member GROUP BY ALL
    ) GROUP BY true_family HAVING count(*) > 1
),
odd AS (SELECT m.*, s.major FROM member m JOIN split s USING (true_family) WHERE m.hh <> s.major),
facts AS (
    SELECT o.*, p.place_id, pl.place_status,
           (SELECT e.true_person FROM eval_records e WHERE e.record_key = p.current_record_key) AS current_true,
           EXISTS (SELECT 1 FROM record_person rp JOIN place_review pr USING (record_key)
                   WHERE rp.person_id = o.person_id) AS in_review,
           EXISTS (SELECT 1 FROM record_person rp JOIN record_place x USING (record_key)
                   JOIN households h ON h.place_id = x.place_id
                   WHERE rp.person_id = o.person_id AND h.household_id = o.major) AS at_major
    FROM odd o LEFT JOIN persons p USING (person_id)
    LEFT JOIN record_place pl ON pl.record_key = p.current_record_key
)
SELECT *, CASE
    WHEN persons > 1 THEN 'linkage: the true person split over two of ours'
    WHEN place_id IS NULL AND in_review THEN 'review: the only address fits two places'
    WHEN place_id IS NULL THEN 'no address at all'
    WHEN current_true <> true_person THEN 'linkage: another true person merged in, whose record decides'
    WHEN place_status = 'unresolved' THEN 'a place of its own (a line that fits no known place)'
    WHEN NOT at_major THEN 'no record at the family''s place'
    ELSE 'a record at the family''s place, a later one elsewhere' END AS cause
FROM facts
"""


def _oracle(con: duckdb.DuckDBPyConnection, truth: Path) -> None:
    """Linkage as the truth has it: each record's person is its true person."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE true_person AS SELECT source, record_id, person_id "
                f"FROM read_csv('{truth / 'records.csv'}', all_varchar = true)")
    con.execute("CREATE OR REPLACE TABLE record_person AS SELECT rp.* REPLACE (t.person_id AS person_id) "
                "FROM record_person rp JOIN true_person t USING (source, record_id)")
    _write_persons(con)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2015, 8, 31))
    parser.add_argument("--rebuild", action="store_true", help="form households again with this code")
    parser.add_argument("--no-gazetteer", action="store_true", help="drop the gazetteer first (implies --rebuild)")
    parser.add_argument("--oracle", action="store_true", help="the truth's persons instead of linkage's")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="household-splits-") as tmp:
        copy = Path(tmp) / "store.duckdb"
        shutil.copyfile(args.store, copy)
        con = duckdb.connect(str(copy))
        if args.no_gazetteer:
            con.execute("DROP TABLE IF EXISTS gazetteer")
        if args.oracle:
            _oracle(con, args.truth)
        if args.rebuild or args.no_gazetteer or args.oracle:
            build_households(con, args.as_of)
        e = evaluate_linkage(con, args.truth)
        print(f"pair precision {e.pair_precision:.4f} recall {e.pair_recall:.4f}; household precision "
              f"{e.household_precision:.4f} recall {e.household_recall:.4f} F1 {e.household_f1:.4f}; families "
              f"split {e.families_split} of {e.true_families} ({e.split_share:.2%}), by records "
              f"{e.families_split_records}")
        con.execute(CAUSES)
        rows = con.execute("SELECT cause, count(*), count(DISTINCT true_family) FROM split_members "
                           "GROUP BY cause ORDER BY 2 DESC, 1").fetchall()
        print("| cause | members | families |\n|---|---:|---:|")
        for cause, members, families in rows:
            print(f"| {cause} | {members} | {families} |")
        con.close()


if __name__ == "__main__":
    sys.exit(main())
