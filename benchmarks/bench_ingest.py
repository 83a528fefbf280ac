"""Time and peak memory of ingest against the I/O floor: DuckDB's plain `read_csv` of the same files.

Usage: .venv/bin/python benchmarks/bench_ingest.py [PEOPLE ...] [--cache DIR] [--threads N]

For each size a synthetic county is generated once into `--cache` (default /tmp/pf-bench-ingest) and
reused. Each measurement runs in a fresh child process so its peak resident memory (ru_maxrss) and CPU
time (user + system, all threads; steadier than wall time on a shared machine) are its own:
- floor: `CREATE TABLE AS SELECT * FROM read_csv(file, all_varchar=true)` for every fact file, into a
  file-backed DuckDB database, then CHECKPOINT;
- ingest: `ingest_refresh` (staging store, validation, standardisation, publish, rejects.csv).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2015, 7, 31)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def floor(extracts: Path, work: Path, threads: int | None) -> dict:
    import duckdb

    from priority_families.ingest.schema import FACT_KINDS

    cpu_before, started = cpu_seconds(), time.perf_counter()
    con = duckdb.connect(str(work / "floor.duckdb"))
    if threads:
        con.execute(f"SET threads = {threads}")
    rows = 0
    for path in sorted(extracts.glob("*.csv")):
        if path.stem in FACT_KINDS:
            con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_csv(?, all_varchar = true)", [str(path)])
            rows += con.execute(f"SELECT count(*) FROM {path.stem}").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.close()
    return {"seconds": time.perf_counter() - started, "rows": rows, "cpu_before": cpu_before}


def ingest(extracts: Path, work: Path, threads: int | None) -> dict:
    from priority_families.core.config import Settings
    from priority_families.core.engine import Workspace
    from priority_families.refresh import ingest_refresh

    cpu_before, started = cpu_seconds(), time.perf_counter()
    report = ingest_refresh(Workspace(Settings(workspace=work / "ws", threads=threads)), extracts, AS_OF)
    return {"seconds": time.perf_counter() - started, "rows": report.rows_read, "rejected": report.rows_rejected,
            "cpu_before": cpu_before}


def measure(mode: str, extracts: Path, threads: int | None) -> dict:
    """Run one measurement in a child process; return its figures and peak RSS."""
    with tempfile.TemporaryDirectory(prefix=f"bench-ingest-{mode}-") as work:
        args = [sys.executable, __file__, "--child", mode, str(extracts), work]
        if threads:
            args += ["--threads", str(threads)]
        out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def county(people: int, cache: Path) -> Path:
    out = cache / f"county-{people}"
    done = cache / f"county-{people}.complete"  # written only once generation has finished
    if not done.exists():
        from priority_families.synth.county import generate

        shutil.rmtree(out, ignore_errors=True)
        generate(out, people, AS_OF, seed=1)
        done.touch()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("people", nargs="*", type=int, default=[100_000])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "pf-bench-ingest")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, extracts, work = args.child
        result = (floor if mode == "floor" else ingest)(Path(extracts), Path(work), args.threads)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        result["peak_rss_mib"] = usage.ru_maxrss / 1024
        result["cpu_seconds"] = usage.ru_utime + usage.ru_stime - result.pop("cpu_before")
        print(json.dumps(result))
        return
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| people | rows | input MiB | floor s (CPU s) | floor peak MiB | ingest s (CPU s) | ingest peak MiB "
          "| time ratio (CPU) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for people in args.people:
        extracts = county(people, args.cache)
        size = sum(p.stat().st_size for p in extracts.glob("*.csv")) / 2**20
        low = measure("floor", extracts, args.threads)
        full = measure("ingest", extracts, args.threads)
        assert low["rows"] == full["rows"], (low, full)
        print(f"| {people:,} | {full['rows']:,} | {size:.0f} | {low['seconds']:.1f} ({low['cpu_seconds']:.1f}) "
              f"| {low['peak_rss_mib']:.0f} | {full['seconds']:.1f} ({full['cpu_seconds']:.1f}) "
              f"| {full['peak_rss_mib']:.0f} | {full['seconds'] / low['seconds']:.1f} "
              f"({full['cpu_seconds'] / low['cpu_seconds']:.1f}) |", flush=True)
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
