"""Benchmark attachment, progress, claims (with evidence packs), income, savings and the quarterly return
on a synthetic county with follow-up data, and count agreement with the rules oracle.

    .venv/bin/python benchmarks/bench_claims.py --people 20000

Linkage is taken from the synthetic truth (Splink is measured under Linkage). Every eligible family of the
first refresh is attached on its as_of; the second follow-up (12 months later) is published, and claims are
made for the window ending on its as_of.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

A = date(2015, 8, 31)
E = date(2016, 8, 31)


def _timed(label: str, results: list, fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    results.append((label, time.perf_counter() - start))
    print(f"{label}: {results[-1][1]:.2f} s", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--plan", default="nottinghamshire-2015")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--oracle", action="store_true", help="also compare every family with the oracle")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-claims-"))
    from priority_families import casedb

    casedb.setup(root / "ws")
    from priority_families.claims.income import income_report
    from priority_families.claims.ledger import make_claims
    from priority_families.claims.savings import load_unit_costs, savings_report
    from priority_families.core.config import Settings
    from priority_families.core.engine import Workspace
    from priority_families.linkage import TruthLinkage
    from priority_families.outcomes.attach import AttachmentRequest, attach_families
    from priority_families.outcomes.progress import PROGRESS_SQL, evaluation
    from priority_families.refresh import run_refresh
    from priority_families.reports.returns import quarterly_return
    from priority_families.synth.county import generate

    results: list[tuple[str, float]] = []
    extracts = root / "extracts"
    _timed("synth (2 follow-ups)", results, generate, extracts, people=args.people, as_of=A, seed=args.seed,
           follow_ups=2)
    ws = Workspace(Settings(workspace=root / "ws"))
    _timed("refresh at a (truth linkage)", results, run_refresh, ws, extracts, args.plan, root / "out0",
           linker=TruthLinkage(extracts / "truth"))
    with open(root / "out0" / "cohort.csv", newline="") as handle:
        eligible = [r["family_id"] for r in csv.DictReader(handle) if r["eligible"] == "true"]
    _timed(f"attach {len(eligible)} families (baselines frozen)", results, attach_families, ws,
           [AttachmentRequest(f, A, "Worker", "Agency") for f in eligible], "bench")
    later = extracts / "follow-up-2"
    _timed("refresh 12 months later", results, run_refresh, ws, later, args.plan, root / "out2",
           linker=TruthLinkage(later / "truth"))

    def progress() -> int:
        with evaluation(ws, E) as con:
            return len(con.execute(PROGRESS_SQL).fetchall())

    rows = _timed("progress at e (every attached family)", results, progress)
    run = _timed("claims (ledger, packs, workbook)", results, make_claims, ws, E.strftime("%Y-%m"), root / "claims",
                 "bench")
    _timed("income", results, income_report, E, 0.6)
    _timed("savings", results, savings_report, ws, load_unit_costs())
    _timed("quarterly return", results, quarterly_return, ws, "2016Q3")
    routes: dict[str, int] = {}
    for c in run.claims:
        routes[c.route] = routes.get(c.route, 0) + 1
    print(f"people {args.people}; eligible/attached {len(eligible)}; progress rows {rows}; claims {len(run.claims)} "
          f"{routes}")
    if args.oracle:
        sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "claims"))
        from test_synthetic_county import (
            _oracle_view,  # the test's oracle view of the same members and records
        )

        from priority_families.synth.oracle import evaluate_results

        with evaluation(ws, E) as con:
            ours: dict[str, set[str]] = {}
            for f, r in con.execute("SELECT family_id, route FROM family_routes").fetchall():
                ours.setdefault(f, set()).add(r)
            members, facts = _oracle_view(con)
        agree = sum(ours.get(f, set()) == set(evaluate_results(args.plan, A, E, members.get(f, []),
                                                              facts.get(f, [])).routes) for f in eligible)
        print(f"claim routes agreeing with the oracle: {agree} of {len(eligible)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB; workspace {root}")


if __name__ == "__main__":
    main()
