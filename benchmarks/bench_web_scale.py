"""The tracker at the issue's scale: 100,000 families and 1,000,000 partner records, pages at p50/p95/max.

Rows are synthetic and bulk-inserted straight into the tracker's tables (not through `pf web publish`, which
only keeps eligible or cased families, ~2% of a county): executemany in batches inside one transaction, so
loading takes seconds rather than the hours a million-person county would take to synthesise and identify.
Names, sexes and dates of birth are drawn as `pf synth` draws them (its skewed name lists, so a surname
search often matches thousands of families: a pessimistic case). Run through `bench_web.py --scale`.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

BATCH = 20_000
HEADLINES = ("crime_asb", "education", "children_need_help", "worklessness", "domestic_abuse", "health")
FACTS = ("offence", "asb_incident", "exclusion", "absence", "cin_referral", "benefit_claim", "dv_incident",
         "ae_attendance")
SOURCES = ("police", "education", "social_care", "dwp", "health", "housing")
WORKERS = 1_000
CASELOAD = 40
AS_OF = date(2015, 8, 31)


def _insert(cursor: Any, model: Any, fields: list[str], rows: Iterator[tuple]) -> int:
    """executemany `rows` (values for `fields`, in order) into `model`'s table, BATCH rows at a time."""
    columns = [model._meta.get_field(f).column for f in fields]
    sql = (f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            cursor.executemany(sql, batch)
            count, batch = count + len(batch), []
    if batch:
        cursor.executemany(sql, batch)
        count += len(batch)
    return count


def _people(rng: random.Random, families: int) -> list[list[tuple]]:
    """Each family's members: (person_id, first, last, dob, sex, postcode, address), 2 to 6 people."""
    from priority_families.synth.population import first_name, surname

    out = []
    for f in range(families):
        last = surname(rng)
        district = f"NG{rng.randrange(1, 25)}"
        postcode = f"{district} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        address = f"{rng.randrange(1, 200)} {rng.choice(('High', 'Mill', 'Church', 'Station'))} Street"
        size = rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6))
        members = []
        for m in range(size):
            sex = rng.choice("MF")
            age = rng.randrange(25, 55) if m < 2 else rng.randrange(0, 18)
            dob = AS_OF - timedelta(days=365 * age + rng.randrange(365))
            members.append((f"P{f:06d}{m}", first_name(rng, sex), last, dob, sex, postcode, address))
        out.append(members)
    return out


def load(families: int, partner_records: int, seed: int = 1) -> dict[str, Any]:
    """Fill the tracker's tables; returns what the timed requests draw from (users, members, families)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from priority_families.casedb.models import (
        Case,
        EvidenceRow,
        Family,
        Member,
        NameWord,
        PartnerRecord,
        Role,
        StatusChange,
        TrackerRefresh,
        WhyLine,
    )
    from priority_families.casedb.publish import refresh_statistics
    from priority_families.casedb.users import add_user
    from priority_families.web.queries import name_words

    rng = random.Random(seed)
    people = _people(rng, families)
    heads = [tuple(sorted(rng.sample(HEADLINES, rng.choice((2, 2, 3, 3, 4))))) for _ in range(families)]
    fids = [f"F{f:06d}" for f in range(families)]
    password = "Bench-password-for-the-tracker-1"
    add_user("bench_analyst", Role.ANALYST, password, "bench")
    add_user("bench_worker", Role.LEAD_WORKER, password, "bench", team="Bench")
    user_model = get_user_model()
    now = time.strftime("%Y-%m-%d %H:%M:%S")
    counts: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cur:
        counts["families"] = _insert(cur, Family, ["id", "family_id", "eligible", "headlines", "headline_count",
                                                   "priority", "members", "area"],
                                     ((f + 1, fids[f], True, ";".join(heads[f]), len(heads[f]),
                                       round(len(heads[f]) + rng.random(), 4), len(people[f]),
                                       people[f][0][5].split()[0]) for f in range(families)))
        counts["members"] = _insert(cur, Member, ["family_id", "person_id", "first_name", "last_name", "dob", "sex",
                                                  "postcode", "address"],
                                    ((f + 1, *p) for f in range(families) for p in people[f]))
        counts["name_words"] = _insert(cur, NameWord, ["family_id", "person_id", "word"],
                                       ((f + 1, p[0], w) for f in range(families) for p in people[f]
                                        for w in dict.fromkeys(name_words(p[1]) + name_words(p[2]))))
        counts["evidence"] = _insert(cur, EvidenceRow, ["family_id", "headline", "indicator", "person_id", "source",
                                                        "record_id", "fact_date", "value"],
                                     ((f + 1, h, f"{h}_indicator", people[f][0][0], SOURCES[i % len(SOURCES)],
                                       f"E{f}-{i}", AS_OF - timedelta(days=rng.randrange(365)), "1")
                                      for f in range(families) for i, h in enumerate(heads[f])))
        counts["why"] = _insert(cur, WhyLine, ["family_id", "headline", "indicator", "person_id", "value",
                                               "value_text", "comparison", "threshold", "met"],
                                ((f + 1, h, f"{h}_indicator", people[f][0][0], 2.0, "", ">=", 1.0, True)
                                 for f in range(families) for h in heads[f]))
        per_family = partner_records // families
        counts["partner_records"] = _insert(
            cur, PartnerRecord, ["family_id", "person_id", "fact", "source", "record_id", "event_date", "kind"],
            ((f + 1, people[f][i % len(people[f])][0], FACTS[i % len(FACTS)], SOURCES[i % len(SOURCES)],
              f"R{f}-{i}", AS_OF - timedelta(days=rng.randrange(1000)), "")
             for f in range(families) for i in range(per_family + (1 if f < partner_records % families else 0))))
        worker_ids = [user_model.objects.get(username="bench_worker").pk]
        worker_ids += list(user_model.objects.bulk_create(
            [user_model(username=f"worker{w:04d}", password="!") for w in range(WORKERS - 1)]
        ))
        worker_ids = [w if isinstance(w, int) else w.pk for w in worker_ids]
        allocated = {f: worker_ids[f // CASELOAD] for f in range(min(families, WORKERS * CASELOAD))}
        counts["cases"] = _insert(cur, Case, ["id", "family_id", "area", "status", "lead_worker", "identified_on",
                                              "attached_on", "updated_at", "not_allocated_reason"],
                                  ((f + 1, fids[f], people[f][0][5].split()[0],
                                    "attached" if f in allocated else "identified", allocated.get(f), AS_OF,
                                    AS_OF if f in allocated else None, now, "") for f in range(families)))
        _insert(cur, StatusChange, ["case", "from_status", "to_status", "reason", "by", "at"],
                ((f + 1, "", "identified", "identified by refresh", "bench", now) for f in range(families)))
        TrackerRefresh.objects.create(refresh_id="bench-scale", as_of=AS_OF, plan_id="nottinghamshire-2015",
                                        families=families, eligible=families, published_by="bench")
        refresh_statistics()  # as publish_refresh ends (ANALYZE on PostgreSQL)
    return {"counts": counts, "people": people, "fids": fids, "heads": heads,
            "mine": [f for f, w in allocated.items() if w == worker_ids[0]]}


def _percentiles(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
    return statistics.median(ordered), p95, ordered[-1]


def run_scale(families: int, partner_records: int, requests: int, workspace: Path | None) -> None:
    """Load the tables, then time each page `requests` times with random inputs and print p50/p95/max."""
    from measure import peak_rss_mib, timed

    ws_path = workspace or Path(tempfile.mkdtemp(prefix="bench-web-scale-")) / "ws"
    from priority_families import casedb

    timed("case database setup + migrate", lambda: casedb.setup(ws_path))
    import logging

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    logging.getLogger("priority_families.web").setLevel(logging.WARNING)
    print(f"database: {settings.DATABASES['default']['ENGINE']}  workspace {ws_path}")
    data = timed(f"bulk load {families:,} families", lambda: load(families, partner_records))
    print("  " + ", ".join(f"{v:,} {k}" for k, v in data["counts"].items()))
    analyst, lead = Client(), Client()
    analyst.force_login(get_user_model().objects.get(username="bench_analyst"))
    lead.force_login(get_user_model().objects.get(username="bench_worker"))
    rng = random.Random(7)
    people, fids, heads, mine = data["people"], data["fids"], data["heads"], data["mine"]

    def member(pool: list[int]) -> tuple:
        return rng.choice(people[rng.choice(pool)])

    def name_and_dob(pool: list[int]) -> str:
        m = member(pool)
        return f"{m[2]} {m[3]:%d/%m/%Y}"

    everyone = list(range(families))
    cohort, family = reverse("web:cohort"), lambda f: reverse("web:family", args=[fids[f]])
    cases = [
        ("dashboard", analyst, lambda: (reverse("web:dashboard"), {}), False),
        ("cohort, no filter", analyst, lambda: (cohort, {}), True),
        ("cohort, headline filter", analyst, lambda: (cohort, {"headline": rng.choice(HEADLINES)}), True),
        ("cohort, headline filter, page 40", analyst,
         lambda: (cohort, {"headline": rng.choice(HEADLINES), "page": 40}), True),
        ("cohort, surname search", analyst, lambda: (cohort, {"q": member(everyone)[2]}), True),
        ("cohort, first name + surname", analyst,
         lambda: (cohort, {"q": " ".join(member(everyone)[1:3])}), True),
        ("cohort, surname + date of birth", analyst,
         lambda: (cohort, {"q": name_and_dob(everyone)}), True),
        ("family page", analyst, lambda: (family(rng.choice(everyone)), {}), False),
        ("lead worker: cohort, headline filter", lead,
         lambda: (cohort, {"headline": heads[rng.choice(mine)][0]}), True),
        ("lead worker: cohort, surname search", lead, lambda: (cohort, {"q": member(mine)[2]}), True),
        ("lead worker: surname + date of birth", lead,
         lambda: (cohort, {"q": name_and_dob(mine)}), True),
        ("lead worker: family page", lead, lambda: (family(rng.choice(mine)), {}), False),
    ]
    print(f"{'page (' + str(requests) + ' requests, seconds)':<46} {'p50':>7} {'p95':>7} {'max':>7}  families found")
    for label, client, make, finds in cases:
        times, found = [], []
        for _ in range(requests):
            url, params = make()
            started = time.perf_counter()
            response = client.get(url, params)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200, (label, url, params, response.status_code)
            if finds:
                found.append(response.context["total"])
                assert found[-1] > 0, (label, params, "found nothing: every search is for someone loaded")
        p50, p95, top = _percentiles(times)
        span = f"{min(found):,}..{max(found):,}" if found else ""
        print(f"{label:<46} {p50:7.3f} {p95:7.3f} {top:7.3f}  {span}", flush=True)
    print(f"peak RSS {peak_rss_mib():.0f} MiB; DATABASE_URL {'set' if os.environ.get('DATABASE_URL') else 'unset'}")
