"""Publish the latest refresh from the DuckDB store into the tracker's read-only tables.

Computed results are published by the refresh, never edited by hand: each publish replaces the published
tables whole, in one transaction, so a page never shows half of one refresh and half of another. It keeps
eligible families and every family that already has a case, and opens a case (status `identified`) for each
newly eligible family. A family ever attached keeps its page for the life of the programme: when the refresh
in force no longer holds it (its members moved on, or it was re-formed), its page is published from its
frozen baseline (headlines and members at attachment).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

import duckdb
from django.db import connection, models, transaction

from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    Area,
    Attachment,
    BaselineLine,
    BaselineMember,
    Case,
    CaseStatus,
    EvidenceRow,
    Family,
    Member,
    NameWord,
    PartnerRecord,
    StatusChange,
    TrackerRefresh,
    Ward,
    WhyLine,
)
from priority_families.core.engine import Workspace
from priority_families.core.sql import load_rows
from priority_families.geography import has_geography
from priority_families.refresh import RefreshError, refresh_in_force

BATCH = 5000
Step = Callable[[str, int], None]


class PublishError(RuntimeError):
    """The store cannot be published (no identification run, missing table)."""


@dataclass(frozen=True)
class PublishSummary:
    refresh_id: str
    as_of: date
    plan_id: str
    families: int
    eligible: int
    new_cases: int
    members: int
    evidence: int
    timeline: int


KEPT = (  # eligible families, families with a case, and attached families the refresh no longer holds
    "CREATE TEMP TABLE kept AS SELECT family_id, eligible, headlines, headline_count, priority, members, area, "
    "{places} "
    "FROM cohort WHERE eligible OR family_id IN (SELECT family_id FROM has_case) "
    "UNION ALL SELECT family_id, FALSE, headlines, headline_count, 0.0, members, area, NULL, NULL, NULL, NULL "
    "FROM frozen_families "
    "WHERE family_id NOT IN (SELECT family_id FROM cohort)"
)
KEPT_MEMBERS = (
    "CREATE TEMP TABLE kept_members AS SELECT fm.family_id, fm.person_id FROM family_members fm "
    "JOIN kept k USING (family_id) UNION ALL SELECT f.family_id, f.person_id FROM frozen_members f "
    "WHERE f.family_id NOT IN (SELECT family_id FROM cohort)"
)
MEMBERS = (
    "SELECT fm.family_id, fm.person_id, COALESCE(p.first_name, ''), COALESCE(p.last_name, ''), p.dob, "
    "COALESCE(p.sex, ''), COALESCE(p.postcode_std, ''), COALESCE(p.address_std, '') "
    "FROM kept_members fm LEFT JOIN persons p USING (person_id) ORDER BY fm.family_id, fm.person_id"
)
NAME_WORDS = (  # queries.name_words in SQL: accents dropped, lower case, split at anything not a-z
    "SELECT family_id, person_id, word FROM (SELECT DISTINCT fm.family_id, p.person_id, "
    "unnest(regexp_split_to_array(lower(strip_accents(COALESCE(p.first_name, '') || ' ' || "
    "COALESCE(p.last_name, ''))), '[^a-z]+')) AS word "
    "FROM kept_members fm JOIN persons p USING (person_id)) "
    "WHERE word <> '' ORDER BY family_id, person_id, word"
)
EVIDENCE = (
    "SELECT h.family_id, h.headline, h.indicator, COALESCE(h.person_id, ''), h.source, h.record_id, "
    "h.fact_date, COALESCE(CAST(h.value AS VARCHAR), '') FROM indicator_hits h JOIN kept k USING (family_id) "
    "ORDER BY h.family_id, h.headline, h.indicator, h.fact_date, h.source, h.record_id"
)
WHY = (
    "SELECT v.family_id, v.headline, v.indicator, COALESCE(v.person_id, ''), v.value, "
    "COALESCE(v.value_text, ''), COALESCE(v.comparison, ''), v.threshold, COALESCE(v.met, FALSE) "
    "FROM indicator_values v JOIN kept k USING (family_id) ORDER BY v.family_id, v.headline, v.indicator"
)
TIMELINE = (
    "SELECT fm.family_id, fm.person_id, r.fact, r.source, r.record_id, r.event_date, COALESCE(r.kind, '') "
    "FROM kept_members fm JOIN record_person rp USING (person_id) "
    "JOIN records r ON r.record_key = rp.record_key ORDER BY fm.family_id, r.event_date, r.source, r.record_id"
)


def _batches(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[list[tuple]]:
    cur = con.execute(sql)
    while rows := cur.fetchmany(BATCH):
        yield rows


def _load_case_record(con: duckdb.DuckDBPyConnection) -> None:
    """The families with a case, and every attached family's frozen headlines and members, beside the refresh;
    the frozen families' rows are made set-wise in DuckDB."""
    load_rows(con, "has_case", {"family_id": "VARCHAR"}, [(f,) for f in Case.objects.values_list("family_id", flat=True)])
    load_rows(con, "frozen_members", {"family_id": "VARCHAR", "person_id": "VARCHAR"},
              list(BaselineMember.objects.values_list("attachment__family_id", "person_id")))
    load_rows(con, "frozen_lines", {"family_id": "VARCHAR", "headline": "VARCHAR"},
              list(BaselineLine.objects.values_list("attachment__family_id", "headline").distinct()))
    load_rows(con, "frozen_attachments", {"family_id": "VARCHAR", "area": "VARCHAR"},
              list(Attachment.objects.values_list("family_id", "area")))
    con.execute(
        "CREATE OR REPLACE TEMP TABLE frozen_families AS SELECT a.family_id, "
        "COALESCE(h.headlines, '') AS headlines, COALESCE(h.n, 0) AS headline_count, "
        "COALESCE(m.n, 0) AS members, a.area FROM frozen_attachments a "
        "LEFT JOIN (SELECT family_id, STRING_AGG(DISTINCT headline, ';' ORDER BY headline) AS headlines, "
        "COUNT(DISTINCT headline) AS n FROM frozen_lines GROUP BY family_id) h USING (family_id) "
        "LEFT JOIN (SELECT family_id, COUNT(*) AS n FROM frozen_members GROUP BY family_id) m USING (family_id)"
    )


def _places(con: duckdb.DuckDBPyConnection) -> str:
    """The cohort's place columns; NULLs for a store identified before the cohort carried them."""
    names = ("ward_code", "ward", "district", "locality")
    have = {r[0] for r in con.execute("DESCRIBE cohort").fetchall()}
    return ", ".join(n if n in have else f"NULL AS {n}" for n in names)


def _publish_wards(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the tracker's wards with the lookup the refresh holds (none without one), so a table by ward,
    district or locality lists every ward, those with no family included."""
    Ward.objects.all().delete()
    if has_geography(con):
        Ward.objects.bulk_create([Ward(code=c, name=n, district_code=dc, district=d, locality=lo) for c, n, dc, d, lo
                                  in con.execute("SELECT ward_code, ward, district_code, district, locality "
                                                 "FROM geography_wards ORDER BY ward_code").fetchall()])


def _clear_published() -> None:
    """Empty the published tables (children first), without loading rows into Python."""
    for model in (PartnerRecord, WhyLine, EvidenceRow, NameWord, Member, Family):
        model.objects.all()._raw_delete(model.objects.db)


def _copy(con: duckdb.DuckDBPyConnection, sql: str, model: type[models.Model], fields: list[str],
          ids: dict[str, int]) -> int:
    """Copy query rows (first column a family_id) into `model`, batch by batch."""
    count = 0
    for rows in _batches(con, sql):
        model.objects.bulk_create(
            [model(family_id=ids[r[0]], **dict(zip(fields, r[1:], strict=True))) for r in rows],
            batch_size=BATCH,
        )
        count += len(rows)
    return count


def refresh_statistics() -> None:
    """On PostgreSQL, ANALYZE the tables a publish replaced, so the first pages after it get good plans.

    Autovacuum would do it too, but only some time after a bulk load; SQLite keeps no statistics here.
    """
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (Family, Member, NameWord, EvidenceRow, WhyLine, PartnerRecord, Case)]
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {', '.join(tables)}")


def _open_cases(as_of: date, by: str) -> int:
    """A case, status identified, for each eligible family that has none yet, with its first history row."""
    have = Case.objects.values("family_id")
    new = list(Family.objects.filter(eligible=True).exclude(family_id__in=have).values_list("family_id", "area"))
    Case.objects.bulk_create(
        [Case(family_id=f, area=a, status=CaseStatus.IDENTIFIED, identified_on=as_of) for f, a in new],
        batch_size=BATCH,
    )
    StatusChange.objects.bulk_create(
        [StatusChange(case=c, to_status=CaseStatus.IDENTIFIED, reason="identified by refresh", by=by)
         for c in Case.objects.filter(history__isnull=True)],
        batch_size=BATCH,
    )
    return len(new)


def publish_refresh(workspace: Workspace, by: str, step: Step | None = None) -> PublishSummary:
    """Copy the latest identification from `workspace`'s store into the tracker, replacing the last one."""
    step = step or (lambda _name, _n: None)
    with workspace.connect() as con:
        try:
            refresh = refresh_in_force(con)
            plan_id = refresh.plan.id
        except RefreshError as exc:
            raise PublishError(str(exc)) from None
        refresh_id, as_of, authority = refresh.refresh_id, refresh.as_of, refresh.authority
        _load_case_record(con)
        con.execute(KEPT.format(places=_places(con)))
        con.execute(KEPT_MEMBERS)
        with transaction.atomic():
            _clear_published()
            families = con.execute(
                "SELECT family_id, eligible, COALESCE(headlines, ''), headline_count, priority, members, "
                "COALESCE(area, ''), COALESCE(ward_code, ''), COALESCE(ward, ''), COALESCE(district, ''), "
                "COALESCE(locality, '') FROM kept ORDER BY family_id"
            ).fetchall()
            Family.objects.bulk_create(
                [Family(family_id=f, eligible=e, headlines=h, headline_count=c, priority=p, members=m, area=a,
                        ward_code=wc, ward=w, district=d, locality=lo)
                 for f, e, h, c, p, m, a, wc, w, d, lo in families],
                batch_size=BATCH,
            )
            _publish_wards(con)
            ids = dict(Family.objects.values_list("family_id", "pk"))
            step("families", len(families))
            Area.objects.bulk_create([Area(code=a) for a in {r[6] for r in families if r[6]}],
                                     ignore_conflicts=True)
            members = _copy(con, MEMBERS, Member, ["person_id", "first_name", "last_name", "dob", "sex",
                                                   "postcode", "address"], ids)
            step("members", members)
            _copy(con, NAME_WORDS, NameWord, ["person_id", "word"], ids)
            evidence = _copy(con, EVIDENCE, EvidenceRow, ["headline", "indicator", "person_id", "source",
                                                          "record_id", "fact_date", "value"], ids)
            step("evidence", evidence)
            _copy(con, WHY, WhyLine, ["headline", "indicator", "person_id", "value", "value_text",
                                      "comparison", "threshold", "met"], ids)
            timeline = _copy(con, TIMELINE, PartnerRecord, ["person_id", "fact", "source", "record_id",
                                                            "event_date", "kind"], ids)
            step("timeline", timeline)
            eligible = sum(1 for r in families if r[1])
            new_cases = _open_cases(as_of, by)
            TrackerRefresh.objects.create(refresh_id=refresh_id, as_of=as_of, plan_id=plan_id,
                                            authority=authority, families=len(families), eligible=eligible,
                                            published_by=by)
            AccessLog.objects.create(username=by, action=AccessAction.PUBLISH, target=refresh_id,
                                     detail=f"{len(families)} families, {new_cases} new cases")
            refresh_statistics()
    return PublishSummary(refresh_id, as_of, plan_id, len(families), eligible, new_cases, members, evidence,
                          timeline)
