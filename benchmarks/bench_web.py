"""Benchmark the family tracker: publishing a refresh into the case database, and page response times.

A synthetic county is set up as `bench_identify.py` does (ingest, linkage from ground truth, households,
identification under nottinghamshire-2015), then published into a fresh SQLite case database in the
workspace (or PostgreSQL when DATABASE_URL is set); then an analyst's and a lead worker's pages are timed
through Django's test client (no network; the median of several requests).

    .venv/bin/python benchmarks/bench_web.py --people 100000

`--scale` is the issue's test instead: 100,000 families with their members (~400,000 people), evidence,
why-lines and 1,000,000 partner records, bulk-inserted as synthetic rows straight into the tracker's
tables (executemany in batches, one transaction; names drawn as `pf synth` draws them), a case per family
and 1,000 lead workers with 40 allocated families each; then n requests per page with random inputs, as an
analyst and as a lead worker, reporting p50/p95/max.

    .venv/bin/python benchmarks/bench_web.py --scale --families 100000 --partner-records 1000000
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from measure import timed

REPEATS = 5


def build_county(root: Path, people: int, as_of: date) -> Path:
    from priority_families.core.engine import Workspace
    from priority_families.households import build_households
    from priority_families.identify.run import identify_families
    from priority_families.ingest.refresh import ingest_extracts
    from priority_families.linkage import TruthLinkage, link_records
    from priority_families.plans.loader import load_plan, load_plan_text
    from priority_families.synth.county import generate

    extracts, ws_path = root / "extracts", root / "ws"
    timed(f"synth {people:,} people (setup)", lambda: generate(extracts, people, as_of, seed=1))
    ws = Workspace(path=ws_path)
    with ws.publishing(fresh=True) as con:
        timed("ingest (setup)", lambda: ingest_extracts(con, extracts, as_of))
        timed("truth linkage (setup)", lambda: link_records(con, as_of, linker=TruthLinkage(extracts / "truth")))
        timed("households (setup)", lambda: build_households(con, as_of))
        plan = load_plan("nottinghamshire-2015")
        timed("identify (setup)", lambda: identify_families(con, plan, as_of,
                                                            plan_text=load_plan_text("nottinghamshire-2015")))
    return ws_path


def page_time(client: object, url: str, params: dict | None = None) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        response = client.get(url, params or {})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--workspace", type=Path, help="an identified workspace to reuse instead of a new county")
    parser.add_argument("--scale", action="store_true", help="bulk-load families straight into the tracker")
    parser.add_argument("--families", type=int, default=100_000)
    parser.add_argument("--partner-records", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=60, help="requests per page in --scale mode")
    args = parser.parse_args()
    if args.scale:
        from bench_web_scale import run_scale

        run_scale(args.families, args.partner_records, args.requests, args.workspace)
        return
    root = Path(tempfile.mkdtemp(prefix="bench-web-"))
    ws_path = args.workspace or build_county(root, args.people, date(2015, 8, 31))

    from priority_families import casedb

    os.environ.setdefault("PF_WORKSPACE", str(ws_path))
    timed("case database setup + migrate", lambda: casedb.setup(ws_path))
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from priority_families.casedb.casework import Actor, allocate
    from priority_families.casedb.models import Agency, Case, Member, Role
    from priority_families.casedb.publish import publish_refresh
    from priority_families.casedb.users import add_user
    from priority_families.core.engine import Workspace

    setup_test_environment()  # allow the test client's host
    import logging

    logging.getLogger("priority_families.web").setLevel(logging.WARNING)
    summary = timed("publish refresh (first)", lambda: publish_refresh(Workspace(path=ws_path), by="bench"))
    print(f"  {summary.families:,} families, {summary.members:,} members, {summary.evidence:,} evidence rows, "
          f"{summary.timeline:,} partner records")
    timed("publish refresh (again, replacing)", lambda: publish_refresh(Workspace(path=ws_path), by="bench"))

    password = "Bench-password-for-the-tracker-1"
    for name, role in (("bench_analyst", Role.ANALYST), ("bench_worker", Role.LEAD_WORKER)):
        if not get_user_model().objects.filter(username=name).exists():
            add_user(name, role, password, "bench", team="Bench" if role is Role.LEAD_WORKER else "")
    worker = get_user_model().objects.get(username="bench_worker")
    agency = Agency.objects.get_or_create(name="Bench agency")[0]
    for family_id in Case.objects.filter(status="identified").values_list("family_id", flat=True)[:25]:
        allocate(family_id, agency, worker, Actor("bench"))
    analyst = Client()
    analyst.force_login(get_user_model().objects.get(username="bench_analyst"))
    lead = Client()
    lead.force_login(worker)
    member = Member.objects.exclude(last_name="").select_related("family").first()
    family = member.family.family_id
    print(f"{'page (median of ' + str(REPEATS) + ')':<46} {'seconds':>8}")
    for label, client, url, params in (
        ("analyst dashboard", analyst, reverse("web:dashboard"), None),
        ("analyst cohort page 1", analyst, reverse("web:cohort"), None),
        ("analyst cohort search by surname", analyst, reverse("web:cohort"), {"q": member.last_name}),
        ("analyst cohort search by date of birth", analyst, reverse("web:cohort"),
         {"q": member.dob.isoformat() if member.dob else "2000-01-01"}),
        ("analyst family page", analyst, reverse("web:family", args=[family]), None),
        ("analyst cohort export (whole cohort .xlsx)", analyst, reverse("web:cohort-export"), None),
        ("lead worker cohort (25 families)", lead, reverse("web:cohort"), None),
    ):
        print(f"{label:<46} {page_time(client, url, params):8.3f}", flush=True)


if __name__ == "__main__":
    main()
