"""Attach families to lead workers and freeze their baselines, all or nothing.

Attachment is the moment results are measured from, so everything a later claim is checked against is
copied into the case record then: the plan (text and sha256), the refresh, the lines true for the
family, every baseline count with the records behind it. Nothing here changes afterwards.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import duckdb
from django.db import IntegrityError, transaction

from priority_families.casedb.casework import Actor, AttachedFamily, check_attachable, record_attachments
from priority_families.casedb.models import (
    Attachment,
    AuditEvent,
    BaselineBenefit,
    BaselineCount,
    BaselineLine,
    BaselineMember,
    BaselineRecord,
    Nomination,
)
from priority_families.core.calendar import shift_months
from priority_families.core.engine import Workspace
from priority_families.core.problems import RowProblem, RowsRefused
from priority_families.core.sql import load_rows
from priority_families.outcomes.baseline import HITS, FrozenBaseline, freeze_baselines
from priority_families.refresh import PublishedRefresh, RefreshError, refresh_in_force

ATTACHMENT_COLUMNS = ("family_id", "attached_on", "lead_worker", "lead_agency")


@dataclass(frozen=True)
class AttachmentRequest:
    family_id: str
    attached_on: date
    lead_worker: str
    lead_agency: str
    line: int = 0  # line in the CSV file it came from (0 when not from a file)


AttachProblem = RowProblem


class AttachError(RowsRefused):
    """Some attachments were refused; none were made. Carries every problem with its file/line/column."""


def read_attachments_csv(path: Path) -> list[AttachmentRequest]:
    """Parse ATTACHMENTS.csv; every bad row is reported with its line and column, and none is kept."""
    problems: list[AttachProblem] = []
    requests: list[AttachmentRequest] = []
    name = str(path)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ATTACHMENT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise AttachError([AttachProblem(name, 1, c, "missing column") for c in missing])
        for row in reader:
            line = reader.line_num
            for column in ATTACHMENT_COLUMNS:
                if not (row.get(column) or "").strip():
                    problems.append(AttachProblem(name, line, column, "blank"))
            text = (row.get("attached_on") or "").strip()
            try:
                attached_on = date.fromisoformat(text)
            except ValueError:
                if text:
                    problems.append(AttachProblem(name, line, "attached_on", f"not a date YYYY-MM-DD: {text!r}"))
                continue
            requests.append(AttachmentRequest(row["family_id"].strip(), attached_on, row["lead_worker"].strip(),
                                              row["lead_agency"].strip(), line))
    if problems:
        raise AttachError(problems)
    return requests


def _nominations(requests: list[AttachmentRequest]) -> list[Nomination]:
    """The professionals' nominations each family has on or before the date it is attached on."""
    on = {r.family_id: r.attached_on for r in requests}
    return [n for n in Nomination.objects.filter(family_id__in=list(on)) if n.nominated_on <= on[n.family_id]]


def _eligible(refresh: PublishedRefresh, known: dict[str, tuple[bool, str]], nominated: dict[str, set[str]],
              family_id: str) -> bool:
    """Eligible in the identification, or by the plan's rule once its nominated headlines are counted."""
    eligible, headlines = known[family_id]
    if eligible or family_id not in nominated:
        return bool(eligible)
    return refresh.plan.eligibility.met_by({h for h in (headlines or "").split(";") if h} | nominated[family_id])


def _check(requests: list[AttachmentRequest], con: duckdb.DuckDBPyConnection, refresh: PublishedRefresh,
           file: str, allocated_only: bool, nominations: list[Nomination]) -> list[AttachProblem]:
    """Unknown or ineligible families (a professional's nomination counts its headline), duplicates, dates after
    the refresh, families already attached, cases that cannot be attached (closed; through the tracker, not yet
    allocated)."""
    load_rows(con, "asked", {"family_id": "VARCHAR"}, [(r.family_id,) for r in requests])
    known = {f: (e, h) for f, e, h in con.execute(
        "SELECT c.family_id, c.eligible, c.headlines FROM cohort c JOIN asked f ON f.family_id = c.family_id"
    ).fetchall()}
    nominated: dict[str, set[str]] = {}
    for n in nominations:
        nominated.setdefault(n.family_id, set()).add(n.headline)
    attached = set(Attachment.objects.filter(family_id__in=[r.family_id for r in requests])
                   .values_list("family_id", flat=True))
    case_reasons = check_attachable([r.family_id for r in requests], allocated_only)
    problems, seen = [], set()
    for r in requests:
        where = (file, r.line)
        if r.family_id not in known:
            problems.append(AttachProblem(*where, "family_id", f"unknown family {r.family_id} in {refresh.refresh_id}"))
        elif not _eligible(refresh, known, nominated, r.family_id):
            also = " even with its professionals' nominations" if r.family_id in nominated else ""
            problems.append(AttachProblem(*where, "family_id", f"family {r.family_id} is not eligible{also}"))
        if r.family_id in attached:
            problems.append(AttachProblem(*where, "family_id", f"family {r.family_id} is already attached"))
        elif r.family_id in case_reasons:
            problems.append(AttachProblem(*where, "family_id", case_reasons[r.family_id]))
        if r.family_id in seen:
            problems.append(AttachProblem(*where, "family_id", f"family {r.family_id} appears twice"))
        seen.add(r.family_id)
        date_problem = _attachment_date_problem(r, refresh)
        if date_problem:
            problems.append(AttachProblem(*where, "attached_on", date_problem))
    return problems


def _attachment_date_problem(r: AttachmentRequest, refresh: PublishedRefresh) -> str | None:
    """Why the attachment date is refused: after today, or more than a year before the refresh unless the plan
    allows back-dating to that date for a family its agency led (national-2012: exits from FIP/FNP since
    1 December 2010)."""
    if r.attached_on > date.today():
        return f"{r.attached_on} is after today"
    if r.attached_on >= shift_months(refresh.as_of, -12):
        return None
    back = refresh.plan.backdating
    if back is None:
        return f"{r.attached_on} is not within a year before the refresh or today"
    if r.attached_on < back.earliest:
        return f"{r.attached_on} is before {back.earliest}, the earliest back-dated attachment plan {refresh.plan.id} allows"
    if r.lead_agency not in back.lead_agencies:
        return (f"{r.attached_on} is more than a year before the refresh; plan {refresh.plan.id} back-dates only "
                f"families led by {', '.join(back.lead_agencies)}, not {r.lead_agency!r}")
    return None


NOMINATED_LINES = (
    "SELECT n.family_id, n.headline, n.indicator, fm.person_id, 'nomination', n.record_id, n.nominated_on, '' "
    "FROM nominated_hits n JOIN new_att t ON t.family_id = n.family_id "
    "JOIN family_members fm ON fm.family_id = n.family_id ORDER BY ALL"
)


def _with_nominations(con: duckdb.DuckDBPyConnection, refresh: PublishedRefresh, nominations: list[Nomination]
                      ) -> FrozenBaseline:
    """The baseline, with each nominated headline's lines (for every member, as the nomination is about the
    family) true at attachment beside the identification's: its results measures apply and their counts are
    frozen now, like any other line's."""
    load_rows(con, "nominated_hits", {"family_id": "VARCHAR", "headline": "VARCHAR", "indicator": "VARCHAR",
                                      "record_id": "VARCHAR", "nominated_on": "DATE"},
              [(n.family_id, n.headline, line, f"nomination {n.pk}", n.nominated_on)
               for n in nominations for line in n.lines])
    hits = f"(SELECT family_id, headline, indicator FROM {HITS} UNION ALL SELECT family_id, headline, indicator " \
           "FROM nominated_hits)"
    frozen = freeze_baselines(con, refresh.plan, hits)
    if not nominations:
        return frozen
    return replace(frozen, lines=frozen.lines + con.execute(NOMINATED_LINES).fetchall())


def _write(requests: list[AttachmentRequest], frozen: FrozenBaseline, refresh: PublishedRefresh,
           actor: str, areas: dict[str, str]) -> list[Attachment]:
    """Create the attachments, their frozen rows and the cases' status in one transaction, with an audit row each."""
    with transaction.atomic():
        record_attachments([AttachedFamily(r.family_id, r.attached_on, r.lead_worker, r.lead_agency,
                                           areas.get(r.family_id) or "", refresh.as_of) for r in requests],
                           Actor(actor))
        made = {
            r.family_id: Attachment.objects.create(
                family_id=r.family_id, attached_on=r.attached_on, lead_worker=r.lead_worker,
                lead_agency=r.lead_agency, plan_id=refresh.plan.id, plan_sha256=refresh.plan_sha256 or "",
                plan_yaml=refresh.plan_text, refresh_id=refresh.refresh_id, refresh_as_of=refresh.as_of,
                area=areas.get(r.family_id) or "")
            for r in requests
        }
        BaselineMember.objects.bulk_create(
            BaselineMember(attachment=made[f], person_id=p, dob=d) for f, p, d in frozen.members)
        BaselineLine.objects.bulk_create(
            BaselineLine(attachment=made[f], headline=h, indicator=i, person_id=p, source=s, record_id=rid,
                         fact_date=d, value=v) for f, h, i, p, s, rid, d, v in frozen.lines)
        BaselineCount.objects.bulk_create(
            BaselineCount(attachment=made[f], headline=h, measure=m, test_no=n, fact=fact, person_id=p,
                          window_start=ws, window_end=we, count=c)
            for f, h, m, n, fact, p, ws, we, c in frozen.counts)
        BaselineRecord.objects.bulk_create(
            BaselineRecord(attachment=made[f], headline=h, measure=m, test_no=n, person_id=p, source=s,
                           record_id=rid, fact_date=d) for f, h, m, n, p, s, rid, d in frozen.records)
        BaselineBenefit.objects.bulk_create(
            BaselineBenefit(attachment=made[f], person_id=p, jsa_before=bool(jb), jsa_open_at_attachment=bool(jo),
                            open_at_attachment=bool(o)) for f, p, jb, jo, o in frozen.benefits)
        AuditEvent.objects.bulk_create(
            AuditEvent(action="attach", family_id=r.family_id, actor=actor,
                       detail={"attached_on": r.attached_on.isoformat(), "lead_worker": r.lead_worker,
                               "lead_agency": r.lead_agency, "refresh_id": refresh.refresh_id,
                               "plan_id": refresh.plan.id, "plan_sha256": refresh.plan_sha256})
            for r in requests)
    return list(made.values())


def attach_families(workspace: Workspace, requests: list[AttachmentRequest], actor: str,
                    file: str = "<request>", allocated_only: bool = False) -> list[Attachment]:
    """Attach every requested family and freeze its baseline, or attach none and raise `AttachError`."""
    if not requests:
        return []
    with workspace.connect() as con:
        try:
            refresh = refresh_in_force(con)
            refresh.plan  # noqa: B018 - an identification must be in force
        except RefreshError as exc:
            raise AttachError([AttachProblem("store", 0, "refresh", str(exc))]) from None
        nominations = _nominations(requests)
        problems = _check(requests, con, refresh, file, allocated_only, nominations)
        if problems:
            raise AttachError(problems)
        load_rows(con, "new_att", {"family_id": "VARCHAR", "attached_on": "DATE"},
                  [(r.family_id, r.attached_on) for r in requests])
        frozen = _with_nominations(con, refresh, nominations)
        areas = dict(con.execute("SELECT c.family_id, c.area FROM cohort c JOIN new_att t "
                                 "ON t.family_id = c.family_id").fetchall())
    try:
        made = _write(requests, frozen, refresh, actor, areas)
    except IntegrityError as exc:  # another process attached one of them meanwhile
        raise AttachError([AttachProblem(file, 0, "family_id", f"already attached: {exc}")]) from exc
    from priority_families.outcomes.progress import progress_changed

    progress_changed(workspace, [r.family_id for r in requests])
    return made


def attach_allocated(workspace: Workspace, family_id: str, attached_on: date, actor: str) -> Attachment:
    """Attach one family allocated at triage, with its case's lead worker and agency (the tracker's door)."""
    from priority_families.casedb.models import Case

    case = Case.objects.select_related("lead_worker", "agency").filter(family_id=family_id).first()
    worker = case.lead_worker.get_username() if case is not None and case.lead_worker is not None else ""
    agency = case.agency.name if case is not None and case.agency is not None else ""
    request = AttachmentRequest(family_id, attached_on, worker, agency)
    return attach_families(workspace, [request], actor, allocated_only=True)[0]


def attach_from_csv(workspace: Workspace, path: Path, actor: str) -> list[Attachment]:
    """`pf attach ATTACHMENTS.csv`: attach every row or none."""
    return attach_families(workspace, read_attachments_csv(path), actor, file=str(path))
