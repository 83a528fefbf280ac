"""Retention: what is due for deletion, and the explicit, logged act that deletes it.

Periods are data: each sharing agreement's `retention_years` (what its partner sent, counted from the as_of of
the refresh it arrived in: a kept refresh is due when its longest period has passed), and the council's
periods for cases, claims and the access log (`retention.yaml`: the workspace's, else the shipped default).
`due` lists what is due on a day; nothing is deleted except by `delete_item`, one item at a time, by a named
person with a reason, and only when it is due.

Items:
- `family:F0000001`: a family whose case closed (or stepped down) more than `cases_years` ago and whose last
  claim step is more than `claims_years` old. Deleting it removes its members' personal data from the
  published store and every kept refresh (any row naming their person ids, the family, their records' keys
  or their records' source and id), from the case record (notes, plan actions, checks, the family's
  agreement, baseline, attestations, flags sent, the tracker's published rows) and from files (attestation
  evidence files; claim packs and subject-access bundles in the folders named). The claims ledger stays as it
  is (each claim with its pack hash), as do the attachment and the audit events: what audit needs.
- `refresh:REFRESH_ID`: a kept refresh (not the one in force) past the longest retention period of the
  agreements it relied on: the kept store file is removed; claims judged on it keep their pack hashes.
- `access-log:YYYY-MM`: the access-log rows of a month older than `access_log_years`.

Each deletion writes a `RetentionDeletion` row (what was removed, what was kept) and an access-log row, in
the case record's transaction.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import yaml
from django.db import transaction
from django.db.models import Max, Q
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from priority_families.casedb.models import (
    EVIDENCE_MODELS,
    AccessAction,
    AccessLog,
    AssessedNeed,
    Assessment,
    Attestation,
    BaselineBenefit,
    BaselineCount,
    BaselineLine,
    BaselineMember,
    BaselineRecord,
    Case,
    CaseDocument,
    CaseNote,
    CaseStatus,
    Claim,
    ClaimHold,
    ClaimStep,
    Disclosure,
    EvidenceRow,
    Family,
    FamilyAgreement,
    FamilyProgress,
    FlagSent,
    LevelChange,
    MapPerson,
    Member,
    Nomination,
    PartnerRecord,
    PlanAction,
    Referral,
    RetentionDeletion,
    RowAttestation,
    StatusChange,
    SustainabilityCheck,
    TeamMeeting,
    WhyLine,
)
from priority_families.casedb.models.base import erasing_personal_data
from priority_families.core.calendar import shift_months
from priority_families.core.engine import Workspace
from priority_families.core.sql import has_table, load_rows
from priority_families.governance import GovernanceError
from priority_families.refresh import in_force, published_refreshes

RETENTION_FILE = "retention.yaml"
DEFAULT_SETTINGS = Path(__file__).with_name(RETENTION_FILE)
ENDED = (CaseStatus.CLOSED, CaseStatus.STEPPED_DOWN)


class RetentionSettings(BaseModel):
    """The council's retention periods, in years."""

    model_config = ConfigDict(extra="forbid")

    cases_years: int = Field(gt=0, le=100)
    claims_years: int = Field(gt=0, le=100)
    access_log_years: int = Field(gt=0, le=100)


def load_settings(workspace: Workspace, path: Path | None = None) -> RetentionSettings:
    """The retention settings: `path`, else the workspace's `retention.yaml`, else the shipped default."""
    chosen = path or (workspace.path / RETENTION_FILE if (workspace.path / RETENTION_FILE).exists()
                      else DEFAULT_SETTINGS)
    try:
        return RetentionSettings.model_validate(yaml.safe_load(Path(chosen).read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        lines = [f"{chosen}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()] \
            if isinstance(exc, ValidationError) else [f"{chosen}: {exc}"]
        raise GovernanceError("not valid retention settings:\n" + "\n".join(lines)) from None


@dataclass(frozen=True)
class DueItem:
    item: str
    due_on: date
    why: str


def _years(on: date, years: int) -> date:
    return shift_months(on, 12 * years)


def _family_due(settings: RetentionSettings) -> list[DueItem]:
    """Families whose case ended, with the day their data falls due (the later of the case and claim periods)."""
    erased = set(RetentionDeletion.objects.values_list("item", flat=True))
    ended = (StatusChange.objects.filter(case__status__in=ENDED, to_status__in=ENDED)
             .values("case__family_id").annotate(on=Max("at")))
    claims = dict(ClaimStep.objects.values("claim__family_id").annotate(on=Max("on"))
                  .values_list("claim__family_id", "on"))
    found = []
    for row in ended:
        family_id, closed = row["case__family_id"], row["on"].date()
        due = _years(closed, settings.cases_years)
        why = f"case ended {closed}, kept {settings.cases_years} years"
        if family_id in claims:
            claim_due = _years(claims[family_id], settings.claims_years)
            if claim_due > due:
                due, why = claim_due, f"last claim step {claims[family_id]}, kept {settings.claims_years} years"
        if f"family:{family_id}" not in erased:
            found.append(DueItem(f"family:{family_id}", due, why))
    return found


def _refresh_due(workspace: Workspace) -> list[DueItem]:
    """Kept refreshes (not the one in force) with the day the longest period of their agreements ends."""
    current = in_force(workspace).refresh_id if workspace.exists() else None
    found = []
    for refresh in published_refreshes(workspace):
        if refresh.refresh_id == current:
            continue
        with workspace.connect(refresh_id=refresh.refresh_id) as con:
            years = con.execute("SELECT max(retention_years) FROM refresh_agreements").fetchall()[0][0] \
                if has_table(con, "refresh_agreements") else None
        if years is not None:
            found.append(DueItem(f"refresh:{refresh.refresh_id}", _years(refresh.as_of, years),
                                 f"data as of {refresh.as_of}, longest agreement period {years} years"))
    return found


def _log_due(settings: RetentionSettings) -> list[DueItem]:
    months = sorted({(a.year, a.month) for a in AccessLog.objects.dates("at", "month")})
    return [DueItem(f"access-log:{y:04d}-{m:02d}", _years(shift_months(date(y, m, 1), 1), settings.access_log_years),
                    f"access-log rows of {y:04d}-{m:02d}, kept {settings.access_log_years} years") for y, m in months]


def schedule(workspace: Workspace, settings: RetentionSettings) -> list[DueItem]:
    """Every item with a retention period and the day it falls due."""
    return sorted(_family_due(settings) + _refresh_due(workspace) + _log_due(settings),
                  key=lambda d: (d.due_on, d.item))


def due(workspace: Workspace, on: date, settings: RetentionSettings) -> list[DueItem]:
    """What is due for deletion on `on` (listed only: nothing is deleted)."""
    return [d for d in schedule(workspace, settings) if d.due_on <= on]


# --- The act of deletion ----------------------------------------------------------------------------------


def delete_item(workspace: Workspace, item: str, by: str, reason: str, on: date, settings: RetentionSettings,
                outputs: list[Path] | None = None) -> RetentionDeletion:
    """Delete one due item (see the module docstring); refuse one that is unknown or not yet due."""
    if not by.strip() or not reason.strip():
        raise GovernanceError("a deletion needs the name of the person deleting and a reason")
    known = {d.item: d for d in schedule(workspace, settings)}
    if item not in known:
        raise GovernanceError(f"{item}: no such item with a retention period (see `pf retention due`)")
    if known[item].due_on > on:
        raise GovernanceError(f"{item} is not yet due for deletion: due on {known[item].due_on} "
                              f"({known[item].why}); nothing deleted")
    kind, _, key = item.partition(":")
    with transaction.atomic():  # the case record's part and the record of the act: together or not at all
        removed, kept = {"family": _erase_family, "refresh": _erase_refresh, "access-log": _erase_log}[kind](
            workspace, key, outputs or [])
        row = RetentionDeletion.objects.create(item=item, deleted_by=by.strip()[:150], reason=reason.strip()[:500],
                                               due_on=known[item].due_on, removed=removed, kept=kept)
        AccessLog.objects.create(username=by.strip()[:150], action=AccessAction.CHANGE, target=item[:200],
                                 detail=f"deleted past retention (due {known[item].due_on}): {reason.strip()}"[:500])
    return row


def _claims_kept(family_ids: list[str] | None = None, refresh_id: str | None = None) -> dict[str, Any]:
    claims = Claim.objects.all()
    if family_ids is not None:
        claims = claims.filter(family_id__in=family_ids)
    if refresh_id is not None:
        claims = claims.filter(refresh_id=refresh_id)
    return {"claims": [{"family_id": c.family_id, "window": c.window, "amount": str(c.amount),
                        "pack_sha256": c.pack_sha256} for c in claims.order_by("id")]}


def _erase_family(workspace: Workspace, family_id: str, outputs: list[Path]) -> tuple[dict, dict]:
    members = sorted(set(BaselineMember.objects.filter(attachment__family_id=family_id)
                         .values_list("person_id", flat=True))
                     | set(Member.objects.filter(family__family_id=family_id).values_list("person_id", flat=True)))
    removed: dict[str, int] = {}
    current = in_force(workspace).refresh_id if workspace.exists() else None
    if current is not None:
        with workspace.publishing(fresh=False) as con:
            members = _erase_from_store(con, family_id, members, removed)
        for refresh_id in workspace.archived():
            if refresh_id != current:
                with workspace.rewriting_kept(refresh_id) as con:
                    _erase_from_store(con, family_id, members, removed)
    removed |= _erase_files(workspace, family_id, members, outputs)
    with erasing_personal_data():
        removed |= _erase_case_record(family_id, members)
    return removed, _claims_kept(family_ids=[family_id])


def _erase_from_store(con: duckdb.DuckDBPyConnection, family_id: str, members: list[str],
                      removed: dict[str, int]) -> list[str]:
    """Delete every row of a store that names the family, its members, their records or their records'
    partner keys (found by column names, so a table added later is covered too). Returns the members."""
    load_rows(con, "erase_people", {"person_id": "VARCHAR"}, [(m,) for m in members])
    load_rows(con, "erase_family", {"family_id": "VARCHAR"}, [(family_id,)])
    if has_table(con, "family_members"):
        con.execute("INSERT INTO erase_people SELECT person_id FROM family_members WHERE family_id IN "
                    "(SELECT family_id FROM erase_family) EXCEPT SELECT person_id FROM erase_people")
    con.execute("CREATE OR REPLACE TEMP TABLE erase_records AS SELECT r.record_key, r.source, r.record_id FROM "
                "records r JOIN record_person rp ON rp.record_key = r.record_key WHERE rp.person_id IN "
                "(SELECT person_id FROM erase_people)")
    tests = {
        "person_id": "person_id IN (SELECT person_id FROM erase_people)",
        "family_id": "family_id IN (SELECT family_id FROM erase_family)",
        "record_key": "record_key IN (SELECT record_key FROM erase_records)",
        "record_key_l": "record_key_l IN (SELECT record_key FROM erase_records) OR record_key_r IN "
                        "(SELECT record_key FROM erase_records)",
        "record_id": "(source, record_id) IN (SELECT (source, record_id) FROM erase_records)",
        "record_id_l": "(source_l, record_id_l) IN (SELECT (source, record_id) FROM erase_records) OR "
                       "(source_r, record_id_r) IN (SELECT (source, record_id) FROM erase_records)",
    }
    tables = con.execute("SELECT table_name, list(column_name) FROM duckdb_columns() WHERE database_name = "
                         "current_database() AND schema_name = 'main' GROUP BY 1 ORDER BY 1").fetchall()
    for table, columns in tables:
        where = [test for column, test in tests.items() if column in columns
                 and (column != "record_id" or "source" in columns)]
        if where:
            n = con.execute(f'DELETE FROM "{table}" WHERE {" OR ".join(f"({w})" for w in where)}').fetchall()[0][0]
            removed[f"store {table}"] = removed.get(f"store {table}", 0) + n
    people = [p for (p,) in con.execute("SELECT person_id FROM erase_people ORDER BY 1").fetchall()]
    for temp in ("erase_people", "erase_family", "erase_records"):
        con.execute(f"DROP TABLE {temp}")
    return people


def _erase_case_record(family_id: str, members: list[str]) -> dict[str, int]:
    """Delete the family's personal data from the case record; the claims ledger and attachment stay."""
    cases = Case.objects.filter(family_id=family_id)
    queries = {
        "case notes": CaseNote.objects.filter(case__in=cases),
        "plan actions": PlanAction.objects.filter(case__in=cases),
        "sustainability checks": SustainabilityCheck.objects.filter(case__in=cases),
        "family's agreement": FamilyAgreement.objects.filter(family_id=family_id),
        "baseline members": BaselineMember.objects.filter(attachment__family_id=family_id),
        "baseline lines": BaselineLine.objects.filter(attachment__family_id=family_id),
        "baseline counts": BaselineCount.objects.filter(attachment__family_id=family_id),
        "baseline records": BaselineRecord.objects.filter(attachment__family_id=family_id),
        "baseline benefits": BaselineBenefit.objects.filter(attachment__family_id=family_id),
        "attestations": Attestation.objects.filter(family_id=family_id),
        "headlines disclosed": Disclosure.objects.filter(family_id=family_id),
        "nominations": Nomination.objects.filter(family_id=family_id),
        "assessed rows' attestations": RowAttestation.objects.filter(family_id=family_id),
        "assessed rows": AssessedNeed.objects.filter(family_id=family_id),  # after their attestations (protected)
        "flags sent": FlagSent.objects.filter(person_id__in=members),
        "tracker members": Member.objects.filter(family__family_id=family_id),
        "tracker evidence": EvidenceRow.objects.filter(family__family_id=family_id),
        "tracker partner records": PartnerRecord.objects.filter(family__family_id=family_id),
        "tracker why lines": WhyLine.objects.filter(family__family_id=family_id),
        "tracker progress": FamilyProgress.objects.filter(family_id=family_id),
        "claims held for review (their pairs name members' records)": ClaimHold.objects.filter(family_id=family_id),
        "team meetings": TeamMeeting.objects.filter(case__in=cases),
        "assessments": Assessment.objects.filter(case__in=cases),
        "family map people": MapPerson.objects.filter(case__in=cases),
        "case file documents": CaseDocument.objects.filter(case__in=cases),
    }
    referrals = Referral.objects.filter(Q(case__in=cases) | Q(family_id=family_id))
    Referral.objects.filter(same_as__in=referrals).update(same_as=None)  # a later referral of another family
    referrals.update(same_as=None)
    queries["referrals"] = referrals  # with the people referred (names, dates of birth, postcodes)
    removed = {f"case record {name}": query.delete()[0] for name, query in queries.items()}
    StatusChange.objects.filter(case__in=cases).update(reason="")  # free text may name people; the steps stay
    LevelChange.objects.filter(case__in=cases).update(reason="")  # the same for steps between levels of support
    # Team memberships stay: who could see the family, and when, is part of the audit trail, and names no one
    # in the family.
    removed["case record tracker family"] = Family.objects.filter(family_id=family_id).delete()[0]
    return removed


def _erase_files(workspace: Workspace, family_id: str, members: list[str], outputs: list[Path]) -> dict[str, int]:
    """Evidence files of the family's attestations, nominations and assessed rows, its case-file documents, and
    its claim packs and its members' subject-access bundles in the workspace and the output folders named."""
    paths = {Path(p) for model in EVIDENCE_MODELS
             for p in model.objects.filter(family_id=family_id).values_list("evidence_path", flat=True)}
    paths |= {Path(p) for p in CaseDocument.objects.filter(case__family_id=family_id).values_list("path", flat=True)}
    # Files are kept by their content's hash: one another family also holds (the same letter sent to two
    # households) stays for that family.
    named = [str(p) for p in paths]
    paths -= {Path(p) for model in EVIDENCE_MODELS for p in model.objects.exclude(family_id=family_id)
              .filter(evidence_path__in=named).values_list("evidence_path", flat=True)}
    paths -= {Path(p) for p in CaseDocument.objects.exclude(case__family_id=family_id)
              .filter(path__in=named).values_list("path", flat=True)}
    for folder in [workspace.path, *outputs]:
        paths |= set(Path(folder).glob(f"**/packs/{family_id}.*"))
        paths |= {p for m in members for p in Path(folder).glob(f"**/subject-access-{m}")}
    removed = 0
    for path in sorted(paths):
        if path.is_dir():
            shutil.rmtree(path)
            removed += 1
        elif path.is_file():
            path.unlink()
            removed += 1
    return {"files": removed}


def _erase_refresh(workspace: Workspace, refresh_id: str, outputs: list[Path]) -> tuple[dict, dict]:
    path = workspace.archive_path(refresh_id)
    path.unlink()
    return {"kept refresh file": 1}, _claims_kept(refresh_id=refresh_id)


def _erase_log(workspace: Workspace, month: str, outputs: list[Path]) -> tuple[dict, dict]:
    year, mon = (int(p) for p in month.split("-"))
    with erasing_personal_data():
        n = AccessLog.objects.filter(at__year=year, at__month=mon).delete()[0]
    return {"access-log rows": n}, {}
