"""Flags back to partners: tell a partner which of its own people are in the programme, and nothing else.

Seed 002 wants every GP practice "aware of the patients within their practice (i.e. flagged) who have been
identified as living with a Priority Family"; seed 000 reports markers added to the Jobcentre's database.
A partner's agreement (`flags_back` in the register the refresh in force relied on) names the identifiers it
may be sent (e.g. the NHS number) and whether the programme marker ("in the programme since": the family's
attachment date) goes with them. Only people the partner itself supplied (records from the sources and
extracts its agreement covers) who belong to an attached family are flagged, and only with the identifier
values that partner sent us (a valid one): the file tells the partner nothing it did not already hold except
the marker. Every export writes an access-log row (what, to whom, how many, the file's hash) and one
`FlagSent` row per person, in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from priority_families.casedb.models import AccessAction, AccessLog, Attachment, FlagExport, FlagSent
from priority_families.core.engine import Workspace
from priority_families.core.export import copy_to_csv
from priority_families.core.sql import in_list, load_rows
from priority_families.governance import GovernanceError
from priority_families.ingest.agreements import FLAG_IDENTIFIERS, FLAG_MARKER, Agreement
from priority_families.refresh import refresh_in_force, register_in_force

# What each identifier a flag may carry is, from the partner's own record: only a value that passed its check.
IDENTIFIER_SQL = {
    "record_id": "r.record_id",
    "upn": "CASE WHEN r.upn_valid THEN r.upn_std END",
    "nhs_number": "CASE WHEN r.nhs_number_valid THEN r.nhs_number_std END",
    "ni_number": "CASE WHEN r.ni_number_valid THEN r.ni_number_std END",
}


@dataclass(frozen=True)
class FlagsFile:
    partner: str
    path: Path
    people: int
    fields: tuple[str, ...]
    agreements: tuple[str, ...]
    sha256: str


def _allowed(agreements: list[Agreement]) -> tuple[list[Agreement], tuple[str, ...]]:
    """The partner's agreements that allow flags, and the columns the file may hold (in one fixed order)."""
    allowing = [a for a in agreements if a.flags_back is not None]
    ids = {i for a in allowing for i in a.flags_back.identifiers}  # type: ignore[union-attr]
    marker = any(a.flags_back.marker for a in allowing)  # type: ignore[union-attr]
    return allowing, (*(i for i in FLAG_IDENTIFIERS if i in ids), *((FLAG_MARKER,) if marker else ()))


def _select(agreement: Agreement, fields: tuple[str, ...]) -> str:
    """The partner's own records under one agreement, of people in attached families, as flag rows."""
    allowed = set(agreement.flags_back.identifiers)  # type: ignore[union-attr]
    cols = [f"{IDENTIFIER_SQL[f] if f in allowed else 'NULL'} AS {f}" for f in fields if f != FLAG_MARKER]
    any_id = " OR ".join(f"{IDENTIFIER_SQL[f]} IS NOT NULL" for f in FLAG_IDENTIFIERS if f in allowed)
    since = "a.attached_on" if agreement.flags_back.marker else "NULL"  # type: ignore[union-attr]
    return (f"SELECT rp.person_id, {', '.join([*cols, f'{since} AS {FLAG_MARKER}'])} FROM records r "
            "JOIN record_person rp USING (record_key) JOIN family_members fm USING (person_id) "
            f"JOIN attached a USING (family_id) WHERE r.source IN {in_list(agreement.sources)} "
            f"AND r.fact IN {in_list(agreement.facts)} AND ({any_id})")


def export_flags(workspace: Workspace, partner: str, out: Path, by: str, on: date | None = None) -> FlagsFile:
    """Write `flags-PARTNER.csv` in `out` for one partner and record the export; refuse a partner the register
    does not know, whose agreements allow no flags, or whose agreement allowing them is past its review date
    on `on` (default today): nothing written, nothing logged."""
    attached = list(Attachment.objects.values_list("family_id", "attached_on"))
    with workspace.connect() as con:
        refresh = refresh_in_force(con)
        register = register_in_force(con)
        if partner not in {p.id for p in register.partners}:
            raise GovernanceError(f"no partner {partner!r} in the agreements register of refresh "
                                  f"{refresh.refresh_id} (partners: {', '.join(p.id for p in register.partners)})")
        allowing, fields = _allowed(register.of_partner(partner))
        if not allowing:
            names = ", ".join(a.id for a in register.of_partner(partner)) or "none"
            raise GovernanceError(f"no agreement with {partner} allows flags back (agreements: {names}): "
                                  "nothing written")
        lapsed = [a for a in allowing if a.due_for_review(on or date.today())]
        if lapsed:
            raise GovernanceError(f"agreement {lapsed[0].id} with {partner} was due for review on "
                                  f"{lapsed[0].review_on}: no flags are sent under a lapsed agreement")
        load_rows(con, "attached", {"family_id": "VARCHAR", "attached_on": "DATE"}, attached)
        columns = [c for c in fields if c != FLAG_MARKER]
        union = " UNION ALL ".join(_select(a, fields) for a in allowing)
        con.execute(f"CREATE OR REPLACE TEMP TABLE flags AS SELECT person_id, {', '.join(columns)}, "
                    f"MIN({FLAG_MARKER}) AS {FLAG_MARKER} FROM ({union}) GROUP BY ALL")
        people = [p for (p,) in con.execute("SELECT DISTINCT person_id FROM flags ORDER BY 1").fetchall()]
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"flags-{partner}.csv"
        copy_to_csv(con, f"SELECT {', '.join(fields)} FROM flags ORDER BY ALL", path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = FlagsFile(partner, path, len(people), fields, tuple(a.id for a in allowing), digest)
    try:
        _record(result, people, refresh.refresh_id, by)
    except Exception:
        path.unlink()  # a file that was not logged must not leave the building
        raise
    return result


def _record(flags: FlagsFile, people: list[str], refresh_id: str, by: str) -> None:
    with transaction.atomic():
        export = FlagExport.objects.create(partner=flags.partner, agreements=", ".join(flags.agreements),
                                           fields=", ".join(flags.fields), people=flags.people,
                                           file_sha256=flags.sha256, refresh_id=refresh_id, exported_by=by)
        FlagSent.objects.bulk_create([FlagSent(export=export, person_id=p) for p in people])
        AccessLog.objects.create(username=by[:150], action=AccessAction.EXPORT, target=f"partner {flags.partner}",
                                 detail=f"flags {flags.path.name}: {flags.people} people; fields "
                                        f"{', '.join(flags.fields)}; under {', '.join(flags.agreements)}; "
                                        f"sha256 {flags.sha256}"[:500])
