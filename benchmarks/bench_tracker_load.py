"""Load on the family tracker as it is served: `pf serve` on 127.0.0.1, 20 users at once over HTTP.

Each user signs in through the sign-in page, then mixes cohort pages, name searches and family pages (lead
workers their own families, analysts any) until it has made `--requests` requests or `--seconds` have
passed: the run is bounded in both. Reports errors (anything but 200, or no answer) and p50/p95/max per
kind of page. Only the loopback address is ever used.

    .venv/bin/python benchmarks/bench_tracker_load.py --people 20000          # the demo county
    .venv/bin/python benchmarks/bench_tracker_load.py --families 100000       # 100k families in the tracker
    .venv/bin/python benchmarks/bench_tracker_load.py --workspace WS          # a workspace set up before
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

HOST = "127.0.0.1"  # never anything else
PASSWORD = "Bench-password-for-the-tracker-1"
PF = str(Path(sys.executable).parent / "pf")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare(ws: Path, users: int, new_county: bool, families: int) -> dict:
    """Publish (or bulk-load) the tracker, add the bench users, allocate families; what the users draw from."""
    from priority_families import casedb

    casedb.setup(ws, settings="priority_families.web.settings")
    from django.contrib.auth import get_user_model

    from priority_families.casedb.models import Agency, Case, Member, Profile, Role, Team
    from priority_families.casedb.users import add_user
    from priority_families.core.engine import Workspace

    if families:
        from bench_web_scale import load

        load(families, partner_records=families * 2)
    elif new_county:
        from priority_families.casedb.publish import publish_refresh
        from priority_families.outcomes.progress import publish_progress

        publish_refresh(Workspace(path=ws), by="bench")
        publish_progress(Workspace(path=ws))
    team = Team.objects.get_or_create(name="Bench")[0]
    agency = Agency.objects.get_or_create(name="Bench agency")[0]
    analysts = [f"load_analyst{i:02d}" for i in range(users // 2)]
    workers = [f"load_worker{i:02d}" for i in range(users - users // 2)]
    for name in analysts + workers:
        if not get_user_model().objects.filter(username=name).exists():
            role = Role.ANALYST if name in analysts else Role.LEAD_WORKER
            add_user(name, role, PASSWORD, "bench", team="Bench" if role is Role.LEAD_WORKER else "")
    free = list(Case.objects.filter(lead_worker__isnull=True).order_by("family_id").values_list("family_id", flat=True))
    caseloads = {}
    for i, name in enumerate(workers):
        user = get_user_model().objects.get(username=name)
        mine = list(Case.objects.filter(lead_worker=user).values_list("family_id", flat=True))
        if not mine:
            mine = free[i * 20:(i + 1) * 20]
            Case.objects.filter(family_id__in=mine).update(lead_worker=user, team=team, agency=agency)
        caseloads[name] = mine
    Profile.objects.filter(user__username__in=workers).update(team=team)
    sample = list(Member.objects.exclude(last_name="").order_by("?").values_list("last_name", "family__family_id")[:300])
    surnames = {name: sorted({m.last_name for m in Member.objects.filter(family__family_id__in=mine)})
                for name, mine in caseloads.items()}
    from django.db import connections

    connections.close_all()
    return {"analysts": analysts, "workers": workers, "caseloads": caseloads, "surnames": surnames,
            "sample": sample}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(ws: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "PF_LOCAL_DEMO": "1", "PF_WORKSPACE": str(ws)}
    errors = open(Path(tempfile.gettempdir()) / "bench-tracker-load-server.log", "w")  # noqa: SIM115
    print(f"server errors: {errors.name}")
    server = subprocess.Popen([PF, "serve", "-w", str(ws), "--host", HOST, "--port", str(port),
                               "--workers", str(workers), "--threads", str(threads)], env=env, stdout=subprocess.DEVNULL,
                              stderr=errors)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://{HOST}:{port}/sign-in/", timeout=5)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("pf serve did not answer")


class User:
    """One person at a browser: their own cookies, signed in once."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.username = username
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def sign_in(self) -> None:
        page = self.opener.open(f"{self.base}/sign-in/", timeout=30).read().decode()
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": TOKEN.search(page).group(1),
                                       "username": self.username, "password": PASSWORD}).encode()
        answer = self.opener.open(urllib.request.Request(f"{self.base}/sign-in/", data=data,
                                                         headers={"Referer": f"{self.base}/sign-in/"}), timeout=30)
        if "/sign-in/" in answer.geturl():
            raise RuntimeError(f"{self.username} could not sign in")

    def get(self, path: str) -> tuple[int, float]:
        started = time.perf_counter()
        try:
            with self.opener.open(f"{self.base}{path}", timeout=60) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError:
            status = 0
        return status, time.perf_counter() - started


def next_request(rng: random.Random, user: str, draw: dict) -> tuple[str, str]:
    """A cohort page, a name search or a family page, as this user would ask for it."""
    kind = rng.choice(("cohort", "search", "family"))
    mine = draw["caseloads"].get(user)
    if kind == "cohort":
        return kind, f"/families/?page={rng.randint(1, 3 if mine else 40)}"
    if kind == "search":
        names = draw["surnames"].get(user) or [m[0] for m in draw["sample"]]
        return kind, "/families/?" + urllib.parse.urlencode({"q": rng.choice(names or ["smith"])})
    family = rng.choice(mine) if mine else rng.choice(draw["sample"])[1]
    return kind, f"/families/{family}/"


def run(base: str, draw: dict, requests: int, seconds: float, seed: int,
        think: float) -> dict[str, list[tuple[int, float]]]:
    results: dict[str, list[tuple[int, float]]] = {"cohort": [], "search": [], "family": []}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    users = draw["analysts"] + draw["workers"]
    ready = threading.Barrier(len(users))

    def browse(index: int, name: str) -> None:
        rng = random.Random(seed + index)
        person = User(base, name)
        person.sign_in()
        ready.wait()
        for _ in range(requests):
            if time.monotonic() > deadline:
                break
            kind, path = next_request(rng, name, draw)
            outcome = person.get(path)
            with lock:
                results[kind].append(outcome)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=browse, args=(i, name)) for i, name in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def report(results: dict[str, list[tuple[int, float]]], wall: float) -> int:
    every = [t for rows in results.values() for _s, t in rows]
    errors = sum(1 for rows in results.values() for s, _t in rows if s != 200)
    print(f"{'page':<8} {'requests':>8} {'errors':>6} {'p50 s':>7} {'p95 s':>7} {'max s':>7}")
    for kind, rows in results.items():
        times = [t for _s, t in rows]
        bad = sum(1 for s, _t in rows if s != 200)
        print(f"{kind:<8} {len(rows):>8} {bad:>6} {statistics.median(times) if times else 0:>7.3f} "
              f"{percentile(times, 0.95):>7.3f} {max(times, default=0):>7.3f}")
    print(f"{'all':<8} {len(every):>8} {errors:>6} {statistics.median(every) if every else 0:>7.3f} "
          f"{percentile(every, 0.95):>7.3f} {max(every, default=0):>7.3f}")
    print(f"{len(every) / wall:.1f} requests/s over {wall:.1f} s")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000, help="synthetic county size (the demo's is 20,000)")
    parser.add_argument("--families", type=int, default=0, help="bulk-load this many families instead")
    parser.add_argument("--workspace", type=Path, help="an identified workspace to use (published if new)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="requests per user at most")
    parser.add_argument("--seconds", type=float, default=120, help="stop asking after this long")
    parser.add_argument("--workers", type=int, default=0, help="pf serve's processes (0: one per core)")
    parser.add_argument("--threads", type=int, default=4, help="pf serve's threads per process")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a user pauses between pages, drawn from 0.5x-1.5x this (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    root = Path(tempfile.mkdtemp(prefix="bench-tracker-load-"))
    new_county = args.workspace is None and not args.families
    if args.workspace is not None:
        ws = args.workspace
    elif args.families:
        ws = root / "ws"
    else:
        from bench_web import build_county

        ws = build_county(root, args.people, date(2015, 8, 31))
    os.environ["PF_WORKSPACE"] = str(ws)
    fresh_tracker = not (ws / "casework.sqlite3").exists() and "DATABASE_URL" not in os.environ
    draw = prepare(ws, args.users, new_county or fresh_tracker, args.families)
    port = free_port()
    server = serve(ws, port, args.workers, args.threads)
    try:
        started = time.perf_counter()
        results = run(f"http://{HOST}:{port}", draw, args.requests, args.seconds, args.seed, args.think)
        errors = report(results, time.perf_counter() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)
    raise SystemExit(1 if errors else 0)


if __name__ == "__main__":
    main()
