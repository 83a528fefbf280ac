"""The ingest accounting property of tests/ingest/test_properties.py, run for longer than CI's budget.

Usage: PYTHONPATH=src:tests .venv/bin/python benchmarks/fuzz_ingest.py [--examples N] [--seed S]

For every generated extract (RFC 4180 rows with broken lines, NULs, CRs, quotes, CRLF and LF endings mixed,
impossible dates of birth): lines read = accepted + rejected + reported, every line number after the header
in exactly one of records, rejects and the line warnings; or an IngestError naming the file with the
published store unchanged. Prints the examples run, the time and the first counterexample if any.
"""

from __future__ import annotations

import argparse
import sys
import time

from hypothesis import HealthCheck, given, seed, settings

from ingest.test_properties import check_accounting, extracts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    runs = 0

    @settings(max_examples=args.examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=extracts())
    def accounting(data: bytes) -> None:
        nonlocal runs
        runs += 1
        check_accounting(data)

    if args.seed is not None:
        accounting = seed(args.seed)(accounting)
    started = time.perf_counter()
    try:
        accounting()
    finally:
        print(f"{runs} examples in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
