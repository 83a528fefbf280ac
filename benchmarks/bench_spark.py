"""Benchmark the refresh on both engines: synth, then `pf identify` on DuckDB and on Spark, with the pairs
each blocking join makes and the largest blocks.

Each engine runs in its own process (peak memory is per engine: the Python process, and for Spark the JVM
it starts, a child process). The two published stores are then compared table by table (the equivalence
test's comparison), and the blocking counts are taken from the descriptions with DuckDB (both engines make
the same pairs: the stores are equal).

    .venv/bin/python benchmarks/bench_spark.py --people 100000 [--extracts DIR] [--master local[2]]
        [--driver-memory 6g] [--engines duckdb,spark] [--memory-limit 20GB] [--plain]

`--plain`: then a plain Splink 5 dedupe of the first engine's ingested records (`plain_splink.py`), in its own
process, so the refresh and plain Splink are measured in one run on one machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from priority_families.core.config import Settings, SparkSettings
from priority_families.core.engine import Workspace
from priority_families.linkage import prepare
from priority_families.linkage.blocking import BROAD_RULES, JOINS, block_pairs
from priority_families.linkage.model import with_place_keys
from priority_families.refresh import run_refresh
from priority_families.synth.county import generate

AS_OF = date(2015, 7, 31)
PLAN = "nottinghamshire-2015"
BLOCK_KEYS = ("dob", "postcode", "first_name, last_name", "dob, last_name", "postcode, first_name")


def run_one(engine: str, extracts: Path, root: Path, args: argparse.Namespace) -> dict:
    """One refresh on `engine` (in this process): seconds, persons, pairs, peak memory of us and the JVM."""
    spark = SparkSettings(master=args.master, driver_memory=args.driver_memory, executor_memory=args.driver_memory,
                          shuffle_partitions=args.shuffle_partitions, checkpoint_dir=root / "checkpoints")
    ws = Workspace(Settings(workspace=root / engine, engine=engine, spark=spark, threads=args.threads,
                            memory_limit=args.memory_limit))
    started = time.perf_counter()
    result = run_refresh(ws, extracts, PLAN, root / f"out-{engine}")
    seconds = time.perf_counter() - started
    jvm = {"jvm_cpu_s": 0.0, "jvm_peak_mib": 0}
    if engine == "spark":
        from priority_families.core import spark as engine_spark
        jvm = jvm_usage(engine_spark._session.sparkContext._gateway.proc.pid)
        engine_spark.stop_spark()
    return {**jvm, "engine": engine, "seconds": round(seconds, 1), "persons": result.linkage.persons,
            "records": result.linkage.records, "pairs_scored": result.linkage.result.pairs_scored,
            "families": result.identify.families, "eligible": result.identify.eligible,
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "store": str(ws.store_path)}


def jvm_usage(pid: int) -> dict:
    """CPU seconds and peak RSS of the JVM pyspark started (read from /proc: pyspark never reaps it, so
    RUSAGE_CHILDREN does not see it)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    peak = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmHWM"))
    return {"jvm_cpu_s": round((int(fields[11]) + int(fields[12])) / ticks, 1),
            "jvm_peak_mib": round(int(peak.split()[1]) / 1024)}


def blocking_counts(store: Path) -> tuple[int, dict[str, int], dict[str, int]]:
    """(descriptions, candidate pairs per blocking join, largest block per key) from a published store."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{store}' AS s (READ_ONLY)")
    con.execute("CREATE TEMP TABLE records AS SELECT * FROM s.records")
    n = prepare.describe_records(con)
    prepare.identifier_edges(con)  # loads the nickname groups the joins read
    from priority_families.linkage.blocking import similar_names
    similar_names(con, "link_descriptions", "first_name", "similar_first_names")
    similar_names(con, "link_descriptions", "last_name", "similar_last_names")
    joins = {}
    for join in JOINS:
        label = join.keys + (f" [{join.side}]" if join.side else "") + (f" [via {join.via[0]}]" if join.via else "")
        joins[label] = con.execute(f"SELECT count(*) FROM ({join.select('link_descriptions')})").fetchall()[0][0]
    # the broad rules read the place keys Splink's input carries (the house number)
    con.execute(f"CREATE TEMP TABLE keyed_descriptions AS {with_place_keys('link_descriptions')}")
    for rule, keys in BROAD_RULES.items():
        joins[f"broad: {rule}"] = block_pairs(con, "keyed_descriptions", keys)
    largest = {keys: con.execute(f"SELECT max(c) FROM (SELECT count(*) AS c FROM link_descriptions "
                                 f"GROUP BY {keys})").fetchall()[0][0] for keys in BLOCK_KEYS}
    return n, joins, largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--extracts", type=Path)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--driver-memory", default="6g")
    parser.add_argument("--shuffle-partitions", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory-limit", default=None, help="DuckDB's cap, e.g. 20GB")
    parser.add_argument("--plain", action="store_true", help="then plain Splink 5 on the same records")
    parser.add_argument("--plain-store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    extracts = args.extracts or Path(tempfile.gettempdir()) / f"pf-bench-spark/county-{args.people}"
    if args.one:
        print(json.dumps(run_one(args.one, extracts, args.root, args)))
        return
    if args.plain_store:
        from plain_splink import plain_dedupe
        print(json.dumps(plain_dedupe(args.plain_store, extracts)))
        return
    if not (extracts / "people.csv").exists() and not any(extracts.glob("*.csv")):
        started = time.perf_counter()
        generate(extracts, people=args.people, as_of=AS_OF, seed=1)
        print(f"synth {args.people:,} people: {time.perf_counter() - started:.1f} s", flush=True)
    root = Path(tempfile.mkdtemp(prefix="pf-bench-spark-"))
    runs = []
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--one", engine, "--root", str(root), "--extracts", str(extracts),
                   *sys.argv[1:]]
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout  # its errors show
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]), flush=True)
    print("| engine | people | records | seconds | peak RSS MiB (Python) | JVM CPU s | JVM peak MiB | pairs kept |")
    for r in runs:
        print(f"| {r['engine']} | {args.people:,} | {r['records']:,} | {r['seconds']} | {r['peak_mib']:,} | "
              f"{r['jvm_cpu_s']} | {r['jvm_peak_mib']:,} | {r['pairs_scored']:,} |")
    if len(runs) == 2:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "spark"))
        from test_equivalence import TABLES, assert_same_tables
        assert_same_tables(Path(runs[0]["store"]), Path(runs[1]["store"]),
                           {**TABLES, "cohort": None, "indicator_hits": None})
        print("published stores equal on both engines (persons, links, households, families, cohort, evidence)")
    if args.plain:
        command = [sys.executable, __file__, "--plain-store", runs[0]["store"], "--extracts", str(extracts)]
        out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
        print("plain Splink 5 on the same records:", out.strip().splitlines()[-1], flush=True)
    n, joins, largest = blocking_counts(Path(runs[0]["store"]))
    print(f"\ndescriptions: {n:,}\n| blocking join | candidate pairs | per description |")
    for label, count in joins.items():
        print(f"| `{label}` | {count:,} | {count / max(n, 1):.2f} |")
    print("\n| block key | largest block (descriptions) |")
    for keys, size in largest.items():
        print(f"| {keys} | {size:,} |")


if __name__ == "__main__":
    main()
