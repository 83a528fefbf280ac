"""Time and peak memory of `pf synth` at a given county size.

Usage: .venv/bin/python benchmarks/bench_synth.py [PEOPLE ...] [--follow-ups K] [--keep]

Each size runs in a fresh child process so its peak resident memory (getrusage ru_maxrss) is its own.
Output goes to a temporary folder, deleted afterwards unless --keep.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def run_one(people: int, follow_ups: int, out: Path) -> dict:
    from priority_families.synth.county import generate

    started = time.perf_counter()
    summary = generate(out, people, date(2015, 8, 31), seed=1, follow_ups=follow_ups)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    base = summary.refreshes[0]
    return {
        "people": people,
        "follow_ups": follow_ups,
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "records": sum(sum(r.records.values()) for r in summary.refreshes),
        "families": base.families,
        "eligible_nottinghamshire": base.eligible["nottinghamshire-2015"],
        "output_mib": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("people", nargs="*", type=int, default=[100_000])
    parser.add_argument("--follow-ups", type=int, default=0)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.people[0], args.follow_ups, args.child)))
        return
    print("| people | follow-ups | seconds | peak RSS MiB | records written | families | eligible (notts) | output MiB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for people in args.people:
        out = Path(tempfile.mkdtemp(prefix=f"synth-{people}-"))
        try:
            child = subprocess.run(
                [sys.executable, __file__, str(people), "--follow-ups", str(args.follow_ups), "--child", str(out)],
                check=True, capture_output=True, text=True,
            )
            r = json.loads(child.stdout.strip().splitlines()[-1])
            print(f"| {r['people']:,} | {r['follow_ups']} | {r['seconds']} | {r['peak_rss_mib']} | {r['records']:,} "
                  f"| {r['families']:,} | {r['eligible_nottinghamshire']:,} | {r['output_mib']} |", flush=True)
        finally:
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
