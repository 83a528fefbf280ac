"""Headlines disclosed after attachment, and professionals' nominations of equivalent concern.

Seed 004: "Where an additional headline problem or problems arise or are disclosed during the course of the
intervention these will also be addressed", and the family's results are measured on "each and every
assessed issue". `disclose_headline` adds such a headline to an attached family: its baseline is frozen at
the date it is added, by the code attachment freezes with (`baseline.freeze_counts`), and its results measures
count from that date (`progress`), so the family's results claim includes it.

Seed 002 Appendix Three lets professionals nominate a family for a headline "of equivalent concern" (HP1,
HP2, HP3, HP6). `nominate` records the nomination with the nominating professional, the reason and an evidence
file kept by its sha256 (as an attestation's); attachment then counts the headline towards eligibility even
when the data alone does not make the family eligible, and freezes its lines with the rest.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from django.db import IntegrityError, transaction

from priority_families.casedb.casework import Actor, CaseworkError, record_disclosure, record_nomination
from priority_families.casedb.models import (
    Attachment,
    AuditEvent,
    BaselineCount,
    BaselineLine,
    BaselineMember,
    BaselineRecord,
    Disclosure,
    Nomination,
)
from priority_families.core.engine import Workspace
from priority_families.core.sql import load_rows
from priority_families.outcomes.attest import (
    AttestError,
    refuse_closed_case,
    required_text,
    store_evidence,
)
from priority_families.outcomes.baseline import freeze_counts
from priority_families.outcomes.progress import attachment_plan, progress_changed
from priority_families.plans.schema import Headline, Plan
from priority_families.refresh import RefreshError, refresh_in_force


class NominationError(ValueError):
    """A disclosure or nomination refused; the message says why, and nothing was recorded."""


def _headline(plan: Plan, headline: str) -> Headline:
    known = [h.id for h in plan.headlines]
    if headline not in known:
        raise NominationError(f"unknown headline {headline!r} in plan {plan.id}: its headlines are {', '.join(known)}")
    return plan.headline(headline)


def _lines(plan: Plan, headline: Headline, lines: list[str] | None) -> list[str]:
    """The headline's indicator lines the problem is read as: those named, or all of them (every results
    measure of the headline then applies)."""
    ids = [i.id for i in headline.indicators]
    unknown = sorted(set(lines or []) - set(ids))
    if unknown:
        raise NominationError(f"headline {headline.id} of plan {plan.id} has no line {', '.join(unknown)}: "
                              f"its lines are {', '.join(ids)}")
    chosen = [i for i in ids if i in set(lines or ids)]
    if not any(set(m.lines) & set(chosen) for m in headline.results):
        raise NominationError(f"no results measure of headline {headline.id} in plan {plan.id} reads "
                              f"{', '.join(chosen)}: the family's results could not include it")
    return chosen




# --- a headline disclosed during the intervention -------------------------------------------------------------


def _disclosure_checks(attachment: Attachment, family_id: str, headline: str, on: date, person_id: str) -> None:
    refuse_closed_case(family_id, NominationError)
    if on < attachment.attached_on:
        raise NominationError(f"{on} is before family {family_id}'s attachment on {attachment.attached_on}")
    if on > date.today():
        raise NominationError(f"{on} is in the future")
    if BaselineLine.objects.filter(attachment=attachment, headline=headline).exists():
        raise NominationError(f"family {family_id} already has headline {headline} in its baseline")
    if person_id and not BaselineMember.objects.filter(attachment=attachment, person_id=person_id).exists():
        raise NominationError(f"{person_id} was not a member of family {family_id} at attachment")


def _freeze_at(workspace: Workspace, plan: Plan, family_id: str, headline: str, lines: list[str],
               on: date) -> tuple[list[tuple], list[tuple]]:
    """The headline's baseline counts at `on`, from the refresh in force (which must cover that date)."""
    with workspace.connect() as con:
        try:
            refresh = refresh_in_force(con)
            refresh.require_covers(on, "a disclosed headline's baseline")
        except RefreshError as exc:
            raise NominationError(str(exc)) from None
        load_rows(con, "new_att", {"family_id": "VARCHAR", "attached_on": "DATE"}, [(family_id, on)])
        load_rows(con, "disclosed_hits", {"family_id": "VARCHAR", "headline": "VARCHAR", "indicator": "VARCHAR"},
                  [(family_id, headline, line) for line in lines])
        return freeze_counts(con, plan, "disclosed_hits", headline)


def disclose_headline(workspace: Workspace, family_id: str, headline: str, on: date, reason: str, actor: Actor,
                      lines: list[str] | None = None, person_id: str = "") -> Disclosure:
    """Add a headline disclosed during the intervention to an attached family, its baseline frozen at `on`.

    The lines are written beside the attachment's (source `disclosure`, dated `on`; for `person_id`, or every
    member at attachment), its baseline counts and their records with windows ending on `on`, the disclosure
    row, the case's history, the access log and the audit event, in one transaction; progress is judged again.
    """
    reason = required_text(reason, "the reason the headline is added (what was disclosed or arose)",
                           NominationError)
    attachment = Attachment.objects.filter(family_id=family_id).first()
    if attachment is None:
        raise NominationError(f"family {family_id} is not attached: a headline is added after attachment")
    plan = attachment_plan(attachment)
    _headline(plan, headline)
    _disclosure_checks(attachment, family_id, headline, on, person_id)
    chosen = _lines(plan, plan.headline(headline), lines)
    counts, records = _freeze_at(workspace, plan, family_id, headline, chosen, on)
    members = [person_id] if person_id else list(
        BaselineMember.objects.filter(attachment=attachment).values_list("person_id", flat=True))
    try:
        with transaction.atomic():
            made = record_disclosure(Disclosure(attachment=attachment, family_id=family_id, headline=headline,
                                                lines=chosen, person_id=person_id, disclosed_on=on, reason=reason,
                                                recorded_by=actor.username), actor)
            _write_disclosed(attachment, made, members, counts, records)
            AuditEvent.objects.create(action="disclose", family_id=family_id, actor=actor.username,
                                      detail={"headline": headline, "lines": chosen, "disclosed_on": on.isoformat(),
                                              "disclosure": made.pk})
    except CaseworkError as exc:
        raise NominationError(str(exc)) from None
    except IntegrityError:  # another worker added the same headline meanwhile
        raise NominationError(f"family {family_id} already has headline {headline} in its baseline") from None
    progress_changed(workspace, [family_id])
    return made


def _write_disclosed(attachment: Attachment, made: Disclosure, members: list[str], counts: list[tuple],
                     records: list[tuple]) -> None:
    BaselineLine.objects.bulk_create(
        BaselineLine(attachment=attachment, headline=made.headline, indicator=line, person_id=p or None,
                     source="disclosure", record_id=f"disclosure {made.pk}", fact_date=made.disclosed_on)
        for line in made.lines for p in members)
    BaselineCount.objects.bulk_create(
        BaselineCount(attachment=attachment, headline=h, measure=m, test_no=n, fact=fact, person_id=p,
                      window_start=ws, window_end=we, count=c) for _f, h, m, n, fact, p, ws, we, c in counts)
    BaselineRecord.objects.bulk_create(
        BaselineRecord(attachment=attachment, headline=h, measure=m, test_no=n, person_id=p, source=s,
                       record_id=rid, fact_date=d) for _f, h, m, n, p, s, rid, d in records)


# --- a professional's nomination of equivalent concern -------------------------------------------------------


def _nomination_checks(workspace: Workspace, family_id: str, headline: str, on: date) -> Plan:
    """The plan in force takes a nomination for the headline; the family is known and not yet attached; the
    date is not in the future; the data does not already give the family the headline."""
    with workspace.connect() as con:
        try:
            refresh = refresh_in_force(con)
            plan = refresh.plan
        except RefreshError as exc:
            raise NominationError(str(exc)) from None
        row = con.execute("SELECT headlines FROM cohort WHERE family_id = ?", [family_id]).fetchone()
    h = _headline(plan, headline)
    if not h.takes_nomination:
        raise NominationError(f"plan {plan.id} takes no professional's nomination for headline {headline}: "
                              "none of its published eligibility priorities is a nomination")
    if row is None:
        raise NominationError(f"unknown family {family_id} in {refresh.refresh_id}")
    if Attachment.objects.filter(family_id=family_id).exists():
        raise NominationError(f"family {family_id} is already attached: add a headline found since with "
                              "pf disclose")
    refuse_closed_case(family_id, NominationError)
    if on > date.today():
        raise NominationError(f"{on} is in the future")
    if headline in (row[0] or "").split(";"):
        raise NominationError(f"family {family_id} already has headline {headline} from the data: "
                              "no nomination is needed")
    if Nomination.objects.filter(family_id=family_id, headline=headline).exists():
        raise NominationError(f"family {family_id} is already nominated for headline {headline}")
    return plan


def nominate(workspace: Workspace, family_id: str, headline: str, nominated_by: str, reason: str, on: date,
             evidence_name: str, evidence: Iterable[bytes], actor: Actor, lines: list[str] | None = None
             ) -> Nomination:
    """Record a professional's nomination of a family for a headline of equivalent concern, with the reason
    and an evidence file (checked and kept by its sha256 as attestation evidence is), in one transaction with
    the case's history, the access log and the audit event. Attachment then counts the headline."""
    by = required_text(nominated_by, "the nominating professional", NominationError)
    reason = required_text(reason, "the reason for the nomination (the concern, and why it is equivalent)",
                           NominationError)
    name = Path(evidence_name or "").name
    if not name:
        raise NominationError("give the evidence file for the nomination")
    plan = _nomination_checks(workspace, family_id, headline, on)
    chosen = _lines(plan, plan.headline(headline), lines)
    try:
        digest, store = store_evidence(evidence, family_id)
    except AttestError as exc:
        raise NominationError(str(exc)) from None
    try:
        with transaction.atomic():
            made = record_nomination(Nomination(
                family_id=family_id, headline=headline, lines=chosen, nominated_by=by, nominated_on=on,
                reason=reason, evidence_name=name, evidence_sha256=digest, evidence_path=str(store),
                recorded_by=actor.username), actor)
            AuditEvent.objects.create(action="nominate", family_id=family_id, actor=actor.username,
                                      detail={"headline": headline, "lines": chosen, "nominated_on": on.isoformat(),
                                              "evidence_sha256": digest, "nomination": made.pk})
    except CaseworkError as exc:
        raise NominationError(str(exc)) from None
    except IntegrityError:  # recorded by someone else meanwhile
        raise NominationError(f"family {family_id} is already nominated for headline {headline}") from None
    return made
