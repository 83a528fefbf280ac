"""Prove results end to end with the product's own linkage: claim decisions against the synthetic truth.

    .venv/bin/python benchmarks/bench_prove.py --people 20000

One synthetic county (`pf synth --follow-ups 3`: half the eligible families attached on as_of, results
truth at every follow-up). Per shipped plan with results, in its own workspace, through the `pf` CLI:
identify at as_of; `pf evaluate attachments` + `pf attach`; identify 12 months later and `pf evaluate
claims`; identify 18 months later and `pf evaluate claims`. Prints each command's wall time and the
agreement tables.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLANS = ("national-2012", "nottinghamshire-2015", "warwickshire-2015")
PF = str(Path(sys.executable).with_name("pf"))


def _run(*args: str, show: bool = False) -> float:
    start = time.perf_counter()
    done = subprocess.run([PF, *args], check=False, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "120"})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"pf {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    print(f"pf {args[0]} {args[1]}: {seconds:.1f} s", flush=True)
    if show:
        print(done.stdout, flush=True)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", default="2015-07-31")
    parser.add_argument("--plans", nargs="*", default=list(PLANS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        county = Path(tmp) / "county"
        _run("synth", str(county), "--people", str(args.people), "--as-of", args.as_of, "--seed", str(args.seed),
             "--follow-ups", "3")
        for plan in args.plans:
            ws = str(Path(tmp) / plan)
            _run("identify", str(county), "--plan", plan, "-w", ws, "--out", f"{ws}/out0")
            _run("evaluate", "attachments", str(county), "-w", ws, "--out", f"{ws}/attachments.csv", show=True)
            _run("attach", f"{ws}/attachments.csv", "-w", ws)
            for k in (2, 3):
                later = str(county / f"follow-up-{k}")
                _run("identify", later, "--plan", plan, "-w", ws, "--out", f"{ws}/out{k}")
                _run("evaluate", "claims", later, "-w", ws, show=True)


if __name__ == "__main__":
    main()
