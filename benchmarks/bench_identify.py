"""Benchmark identification: compiled plan SQL, outputs and workbook on a synthetic county.

Ingest, linkage (taken from ground truth, to isolate this stage: Splink is benchmarked under Linkage) and
households are set up first and timed separately; then, for every shipped plan, the identification SQL;
then the CSV outputs and the workbook. Also checks agreement with the truth for every family.

    .venv/bin/python benchmarks/bench_identify.py --people 100000 [--extracts DIR] [--threads 2]

With --full, instead runs the whole refresh as `pf identify` does (Splink linkage included), reports each
stage's time and peak memory beside the I/O floor (DuckDB's plain read_csv of the same files, in its own
process), and compares each of our families with the truth family most of its members' records belong to.

    .venv/bin/python benchmarks/bench_identify.py --full --extracts /tmp/pf-bench-ingest/county-100000
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
from measure import timed

from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.evaluation.identify import evaluate_identification
from priority_families.households import build_households
from priority_families.identify.outputs import write_outputs
from priority_families.identify.run import identify_families
from priority_families.identify.workbook import write_workbook
from priority_families.ingest.refresh import ingest_extracts
from priority_families.linkage import TruthLinkage, link_records
from priority_families.plans.loader import load_plan
from priority_families.synth.county import generate

PLANS = ("national-2012", "nottinghamshire-2015", "warwickshire-2015", "supporting-families-2022")


def truth_agreement(con: duckdb.DuckDBPyConnection, extracts: Path, plan_id: str) -> tuple[int, int, int]:
    """(same verdict and headlines, truth families with the same members as one of ours, truth families)."""
    with (extracts / "truth" / "people.csv").open() as f:
        family_of = {r["person_id"]: r["family_id"] for r in csv.DictReader(f) if r["family_id"]}
    members: dict[str, set[str]] = {}
    for pid, fid in family_of.items():
        members.setdefault(fid, set()).add(pid)
    ours: dict[str, set[str]] = {}
    for fid, pid in con.execute("SELECT family_id, person_id FROM family_members").fetchall():
        ours.setdefault(fid, set()).add(pid)
    by_members = {frozenset(v): k for k, v in ours.items()}
    cohort = {f: (bool(e), h) for f, e, h in con.execute("SELECT family_id, eligible, headlines FROM cohort").fetchall()}
    with (extracts / "truth" / "families.csv").open() as f:
        truth = list(csv.DictReader(f))
    agree = matched = 0
    for row in truth:
        ours_id = by_members.get(frozenset(members.get(row["family_id"], ())))
        expected = (row[f"{plan_id}_eligible"] == "true", row[f"{plan_id}_headlines"])
        matched += ours_id is not None
        agree += ours_id is not None and cohort.get(ours_id) == expected
    return agree, matched, len(truth)


class StageMeter:
    """Wall time and peak resident memory of each stage of `run_refresh`, told apart by its step callback.

    Linux keeps the process's high-water mark (VmHWM); writing 5 to /proc/self/clear_refs resets it, so the
    peak read at the end of a stage is that stage's own.
    """

    def __init__(self) -> None:
        self.stages: list[tuple[str, float, float]] = []  # (stage, seconds, peak MiB)
        self._name: str | None = None
        self._started = 0.0

    def step(self, name: str) -> None:
        self.close()
        self._name, self._started = name, time.perf_counter()
        Path("/proc/self/clear_refs").write_text("5")

    def close(self) -> None:
        if self._name is not None:
            hwm = re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text())
            peak = int(hwm.group(1)) / 1024 if hwm else float("nan")
            self.stages.append((self._name, time.perf_counter() - self._started, peak))
            print(f"    {self._name} done: {self.stages[-1][1]:.1f} s, peak {peak:,.0f} MiB, "
                  f"load average {os.getloadavg()[0]:.1f}", flush=True)
            self._name = None


# What each step of `run_refresh` covers: publishing (CHECKPOINT and rename) ends the identification step.
STAGE_LABELS = {
    "ingest": "ingest",
    "linkage": "linkage (Splink)",
    "households": "households",
    "identification": "identification + publish",
    "outputs": "outputs (rejects, cohort, members, evidence CSV)",
    "workbook": "workbook (cohort.xlsx)",
}


def io_floor(extracts: Path, threads: int | None) -> dict:
    """DuckDB's plain read_csv of the same fact files, in a child process (see bench_ingest.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_ingest import measure

    return measure("floor", extracts, threads)


def full_refresh(extracts: Path, tmp: str, threads: int | None) -> None:
    from priority_families.refresh import run_refresh

    size = sum(p.stat().st_size for p in extracts.glob("*.csv")) / 2**20
    floor = io_floor(extracts, threads)
    print(f"I/O floor: read_csv of {floor['rows']:,} rows ({size:.0f} MiB) in {floor['seconds']:.1f} s, "
          f"peak {floor['peak_rss_mib']:.0f} MiB; load average before {os.getloadavg()[0]:.1f}", flush=True)
    ws = Workspace(Settings(workspace=Path(tmp) / "ws-full", threads=threads))
    meter = StageMeter()
    started = time.perf_counter()
    result = run_refresh(ws, extracts, "nottinghamshire-2015", Path(tmp) / "out-full", step=meter.step)
    meter.close()
    total = time.perf_counter() - started
    print(f"load average after {os.getloadavg()[0]:.1f}\n")
    print("| stage | seconds | x floor | peak RSS MiB |\n|---|---:|---:|---:|")
    for name, seconds, peak in meter.stages:
        print(f"| {STAGE_LABELS.get(name, name)} | {seconds:.1f} | {seconds / floor['seconds']:.1f} | {peak:,.0f} |")
    peak = max(stage[2] for stage in meter.stages)  # clearing VmHWM also resets ru_maxrss
    print(f"| **whole refresh** | **{total:.1f}** | {total / floor['seconds']:.1f} | **{peak:,.0f}** |")
    print(f"| I/O floor (read_csv, own process) | {floor['seconds']:.1f} | 1.0 | {floor['peak_rss_mib']:,.0f} |\n")
    print(f"    {result.ingest.rows_read:,} rows read, {result.linkage.persons:,} persons, "
          f"{result.identify.families:,} families, {result.identify.eligible:,} eligible")
    with ws.connect() as con:
        e = evaluate_identification(con, extracts)
    print(f"    truth: eligible ours {e.eligible_ours:,}, truth {e.eligible_truth:,}, both {e.eligible_both:,}; "
          f"precision {e.precision:.4f}, recall {e.recall:.4f}, F1 {e.f1:.4f}; "
          f"headline agreement {e.headline_agreement:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--extracts", type=Path, default=None, help="reuse a synthetic county folder")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--full", action="store_true", help="the whole refresh with Splink linkage")
    args = parser.parse_args()
    as_of = date(2015, 8, 31)
    with tempfile.TemporaryDirectory() as tmp:
        extracts = args.extracts or Path(tmp) / "county"
        if args.extracts is None:
            timed(f"synth {args.people:,} people", lambda: generate(extracts, args.people, as_of, seed=1))
        if args.full:
            full_refresh(extracts, tmp, args.threads)
            return
        ws = Workspace(Settings(workspace=Path(tmp) / "ws", threads=args.threads))
        with ws.publishing(fresh=True) as con:
            report = timed("ingest (setup)", lambda: ingest_extracts(con, extracts, as_of))
            timed("truth linkage (setup)", lambda: link_records(con, as_of, linker=TruthLinkage(extracts / "truth")))
            timed("households (setup)", lambda: build_households(con, as_of))
            for plan_id in PLANS:
                plan = load_plan(plan_id)
                s = timed(f"identify {plan_id}", lambda plan=plan: identify_families(con, plan, as_of))
                if plan_id != "supporting-families-2022":
                    agree, matched, total = truth_agreement(con, extracts, plan_id)
                    print(f"    {s.families:,} families, {s.eligible:,} eligible, {s.indicator_hits:,} evidence rows; "
                          f"truth: {matched:,}/{total:,} families with the same members, of which {agree:,} "
                          "with the same verdict and headlines")
            identify_families(con, load_plan("nottinghamshire-2015"), as_of)
        print(f"records: {report.rows_accepted:,}")
        with ws.connect() as con:
            out = Path(tmp) / "out"
            timed("outputs (cohort, members, evidence CSV)", lambda: write_outputs(con, out))
            timed("workbook (cohort.xlsx)", lambda: write_workbook(con, out / "cohort.xlsx", "notts", str(as_of)))
            for name in ("cohort.csv", "members.csv", "evidence.csv", "cohort.xlsx"):
                print(f"    {name}: {(out / name).stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
