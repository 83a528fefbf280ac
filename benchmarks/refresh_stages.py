"""Where `pf identify`'s time goes: the refresh (`run_refresh`) on a folder of extracts, with the wall seconds of
each stage's function (inclusive: a function's time holds the functions it calls).

    .venv/bin/python benchmarks/refresh_stages.py /tmp/pf-bench-spark/county-1000000

The functions are wrapped where they are defined and where other modules imported them by name; a sampling
profiler (py-spy) misses DuckDB's time, because the Python thread waits while DuckDB's threads work.
"""

from __future__ import annotations

import argparse
import collections
import functools
import importlib
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

STAGES: dict[str, tuple[str, ...]] = {
    "priority_families.ingest.refresh": ("ingest_extracts", "_check_file", "_build_lookups", "_load_files"),
    "priority_families.ingest.reading": ("stage_file",),
    "priority_families.linkage.pipeline": ("link_records", "_write_pairs", "_write_persons"),
    "priority_families.linkage.prepare": ("describe_records", "identifier_edges"),
    "priority_families.linkage.model": ("score_descriptions", "dob_wrong_rate", "_train", "learn_place_u",
                                        "_predict_in_chunks"),
    "priority_families.linkage.blocking": ("blocked_pairs",),
    "priority_families.linkage.guards": ("apply_guards",),
    "priority_families.linkage.clustering": ("cluster_edges", "cluster_descriptions"),
    "priority_families.linkage.ids": ("assign_ids",),
    "priority_families.households.build": ("build_households", "_current_places", "_write_families"),
    "priority_families.households.places": ("resolve_places",),
    "priority_families.identify.run": ("identify_families",),
    "priority_families.identify.outputs": ("write_outputs",),
    "priority_families.identify.workbook": ("write_workbook",),
}
SECONDS: collections.Counter[str] = collections.Counter()


def timed(label: str, function: Callable) -> Callable:
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SECONDS[label] += time.perf_counter() - started
    return wrapper


def wrap_stages() -> None:
    """Replace each stage function by a timed one, in its module and wherever it was imported by name."""
    originals = {}
    for module_name, names in STAGES.items():
        module = importlib.import_module(module_name)
        for name in names:
            originals[id(getattr(module, name))] = timed(f"{module_name.split('.', 1)[1]}.{name}",
                                                        getattr(module, name))
    importlib.import_module("priority_families.refresh")
    for module in [m for m in sys.modules.values() if getattr(m, "__name__", "").startswith("priority_families")]:
        for attribute, value in list(vars(module).items()):
            if callable(value) and id(value) in originals:
                setattr(module, attribute, originals[id(value)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("extracts", type=Path)
    parser.add_argument("--plan", default="nottinghamshire-2015")
    args = parser.parse_args()
    wrap_stages()
    from priority_families.core.config import Settings
    from priority_families.core.engine import Workspace
    from priority_families.refresh import run_refresh

    root = Path(tempfile.mkdtemp(prefix="pf-refresh-stages-"))
    try:
        started = time.perf_counter()
        result = run_refresh(Workspace(Settings(workspace=root / "ws")), args.extracts, args.plan, root / "out")
        total = time.perf_counter() - started
    finally:
        shutil.rmtree(root, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"refresh {total:.1f} s, peak {peak:,.0f} MiB, {result.linkage.persons:,} persons, "
          f"{result.identify.families:,} families, {result.identify.eligible:,} eligible")
    print("| seconds | stage |\n|---:|---|")
    for label, seconds in sorted(SECONDS.items(), key=lambda item: -item[1]):
        print(f"| {seconds:.1f} | `{label}` |")


if __name__ == "__main__":
    main()
