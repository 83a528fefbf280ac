"""Linkage speed, memory and quality on a synthetic county, and family id stability six months on.

For each size: generate a county with one follow-up (or reuse `--county`), ingest it, then run linkage and
households (`link_workspace`, as `pf link` does) in a fresh child process so its peak RSS is linkage's
own; evaluate against truth; then ingest the follow-up into the same workspace, link again and measure how
many truly continuing families kept their id.

    .venv/bin/python benchmarks/bench_linkage.py --people 100000
    .venv/bin/python benchmarks/bench_linkage.py --county /tmp/county --people 0
    .venv/bin/python benchmarks/bench_linkage.py --people 100000 --address-noise hard   (issue 14's county)
    .venv/bin/python benchmarks/bench_linkage.py --county /tmp/county --people 0 --plain
    (`--plain`: also a plain Splink 5 dedupe of the same records in its own child process, `plain_splink.py`)
    (a county without `follow-up-1` is linked once, without the stability check)
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path

import duckdb
from measure import peak_rss_mib, timed

from priority_families.core.engine import Workspace
from priority_families.evaluation.linkage import evaluate_linkage, family_id_stability
from priority_families.linkage import LinkageSettings
from priority_families.refresh import ingest_refresh, link_workspace
from priority_families.synth.county import generate
from priority_families.synth.hard_addresses import AddressNoise

AS_OF = date(2015, 8, 31)


# (module, function) pairs timed by --stages, in the order they run; Splink's training and scoring steps
# are methods of its linker components.
LINKAGE = "priority_families.linkage"
STAGES = (
    (f"{LINKAGE}.prepare", "describe_records"), (f"{LINKAGE}.prepare", "identifier_edges"),
    (f"{LINKAGE}.model", "_train"), (f"{LINKAGE}.model", "learn_place_u"), (f"{LINKAGE}.model", "blocked_pairs"),
    ("splink.internals.linker_components.inference", "LinkerInference.predict"),
    (f"{LINKAGE}.pipeline", "score_descriptions"), (f"{LINKAGE}.guards", "apply_guards"),
    (f"{LINKAGE}.pipeline", "cluster_edges"), (f"{LINKAGE}.pipeline", "cluster_descriptions"),
    (f"{LINKAGE}.pipeline", "_write_pairs"), (f"{LINKAGE}.pipeline", "assign_ids"),
    (f"{LINKAGE}.pipeline", "_write_persons"), ("priority_families.households.build", "build_households"),
)
TRAINING = ("estimate_probability_two_random_records_match", "estimate_u_using_random_sampling",
            "estimate_parameters_using_expectation_maximisation")


def _time_stages() -> None:
    """Wrap each stage so the child prints its seconds and the peak RSS so far (benchmark only)."""
    import functools
    import importlib

    def wrap(owner: object, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def timed_stage(*args: object, **kwargs: object) -> object:
            return timed(f"stage {label}", lambda: fn(*args, **kwargs))
        setattr(owner, name, timed_stage)

    for module, name in STAGES:
        owner: object = importlib.import_module(module)
        if "." in name:
            cls, name = name.split(".")
            owner = getattr(owner, cls)
        wrap(owner, name, name)
    training = importlib.import_module("splink.internals.linker_components.training").LinkerTraining
    for name in TRAINING:
        wrap(training, name, f"  {name}")


def child_link(workspace: Path, chunk: int, stages: bool = False) -> None:
    """Run in the child: link and build households, print seconds and peak RSS as JSON."""
    if stages:
        _time_stages()
    started = time.perf_counter()
    settings = LinkageSettings(pairs_per_chunk=chunk) if chunk else None
    outcome = link_workspace(Workspace(path=workspace), settings)
    seconds = time.perf_counter() - started
    peak = peak_rss_mib()
    r = outcome.link.result
    print(json.dumps({
        "seconds": round(seconds, 1), "peak_rss_mib": round(peak), "records": outcome.link.records,
        "descriptions": r.descriptions, "persons": outcome.link.persons, "pairs_scored": r.pairs_scored,
        "pairs_in_review": r.pairs_in_review, "families": outcome.households.families, "trained": r.trained,
    }))


def timed_link(workspace: Path, chunk: int = 0, stages: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", str(workspace), "--chunk", str(chunk)]
    done = subprocess.run(command + (["--stages"] if stages else []), check=True, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        if line.startswith("stage "):
            print(line, flush=True)
    return json.loads(lines[-1])


def timed_plain(workspace: Path, truth: Path) -> dict:
    """Plain Splink on the workspace's records in a fresh child process (its own peak RSS)."""
    command = [sys.executable, __file__, "--plain-child", str(workspace), "--truth", str(truth)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def evaluate(workspace: Path, truth: Path) -> dict:
    con = Workspace(path=workspace).connect()
    try:
        e = evaluate_linkage(con, truth)
        return {k: round(v, 4) if isinstance(v, float) else v
                for k, v in {**asdict(e), "split_share": e.split_share,
                                 "split_share_records": e.families_split_records / max(e.true_families, 1)}.items()}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--county", type=Path, help="existing county folder (with follow-up-1) to reuse")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=0, help="blocked pairs per prediction chunk (0: default)")
    parser.add_argument("--stages", action="store_true", help="print each linkage stage's seconds (first refresh)")
    parser.add_argument("--address-noise", type=AddressNoise, default=AddressNoise.STANDARD,
                        help="'hard': the address slips of synth.hard_addresses (issue 14)")
    parser.add_argument("--gazetteer", action="store_true", help="synth writes gazetteer.csv, linkage uses it")
    parser.add_argument("--plain", action="store_true",
                        help="also a plain Splink 5 dedupe of the same records (refresh 1), in its own child process")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plain-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--truth", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_link(args.child, args.chunk, args.stages)
        return
    if args.plain_child:
        from plain_splink import plain_dedupe
        print(json.dumps(plain_dedupe(args.plain_child / "store.duckdb", args.truth)))
        return
    scratch = Path(tempfile.mkdtemp(prefix="bench-linkage-"))
    county = args.county
    if county is None:
        county = scratch / "county"
        started = time.perf_counter()
        generate(county, args.people, AS_OF, args.seed, follow_ups=1, address_noise=args.address_noise,
                 gazetteer=args.gazetteer)
        print(f"synth {args.people:,} people: {time.perf_counter() - started:.0f} s", flush=True)
    ws = scratch / "ws"
    started = time.perf_counter()
    ingest_refresh(Workspace(path=ws), county)
    print(f"ingest: {time.perf_counter() - started:.0f} s", flush=True)
    first = timed_link(ws, args.chunk, args.stages)
    print("link, refresh 1:", json.dumps(first), flush=True)
    print("quality, refresh 1:", json.dumps(evaluate(ws, county)), flush=True)
    if args.plain:
        print("plain Splink 5, refresh 1:", json.dumps(timed_plain(ws, county)), flush=True)
    if not (county / "follow-up-1").is_dir():
        print("no follow-up-1 in the county: one refresh only", flush=True)
        shutil.rmtree(scratch, ignore_errors=True)
        return
    before = scratch / "before.duckdb"
    shutil.copyfile(ws / "store.duckdb", before)
    ingest_refresh(Workspace(path=ws), county / "follow-up-1")
    second = timed_link(ws, args.chunk)
    print("link, refresh 2:", json.dumps(second), flush=True)
    print("quality, refresh 2:", json.dumps(evaluate(ws, county / "follow-up-1")), flush=True)
    old, new = duckdb.connect(str(before), read_only=True), Workspace(path=ws).connect()
    stable = family_id_stability(old, county, new, county / "follow-up-1")
    print(f"family id stability: {stable.same_id:,} of {stable.continuing_families:,} continuing families "
          f"kept their id ({stable.share:.2%})", flush=True)
    old.close()
    new.close()
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
