"""Subject access (UK GDPR Article 15): everything the council holds about one resolved person, in one bundle.

`gather` reads, for a person id of the refresh in force: the source records behind the person with the
partner and agreement each came under and the refresh they arrived in; the person as resolved; the links
between their records; the families they belong to; the evidence (indicator hits) of those families; and from
the case record the family's case, status history, notes, plan actions, attachment, attestations, claims, the
family's agreement, flags sent about them and the access-log rows about them or their family.

Every row carries `redact`: empty when the row is the person's own data; `third party` when it is another
person's (a family member, a linked record of someone else): the officer redacts it before release; `review`
for free text about the family (notes, plan actions, statements) that may name others. The bundle is written
as JSON (machine-readable), one CSV per section, HTML, and PDF (WeasyPrint, as the claim packs are), and the
request is logged (`SubjectAccessRequest` and an access-log row) in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

import duckdb
from django.db import transaction
from django.db.models import Q

from priority_families.casedb.models import (
    AccessAction,
    AccessLog,
    AssessedNeed,
    AssessmentLine,
    Attachment,
    Attestation,
    Case,
    CaseDocument,
    CaseNote,
    Claim,
    FamilyAgreement,
    FlagSent,
    LevelChange,
    MapPerson,
    PlanAction,
    ReferredPerson,
    RowAttestation,
    StatusChange,
    SubjectAccessRequest,
    TeamMeeting,
)
from priority_families.core.engine import Workspace
from priority_families.core.export import write_csv
from priority_families.core.files import private_dir, write_private
from priority_families.core.sql import has_table
from priority_families.governance import GovernanceError
from priority_families.refresh import refresh_in_force

OWN, THIRD_PARTY, REVIEW = "", "third party", "review"


@dataclass
class Section:
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    @property
    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            seen.update(dict.fromkeys(row))
        return list(seen)


@dataclass
class Bundle:
    person_id: str
    refresh_id: str
    as_of: date
    sections: list[Section]

    def as_json(self) -> bytes:
        data = {"person_id": self.person_id, "refresh_id": self.refresh_id, "as_of": self.as_of,
                "redact": {"third party": "another person's data: redact before release",
                           "review": "free text about the family: read and redact what names others"},
                "sections": {s.title: s.rows for s in self.sections}}
        return json.dumps(data, indent=2, default=_plain, ensure_ascii=False).encode()

    def as_html(self) -> str:
        parts = [f"<h1>Subject access: person {escape(self.person_id)}</h1>",
                 (f"<p>What the council holds, from refresh {escape(self.refresh_id)} (data as of {self.as_of}) "
                  "and the case record. Rows marked <span class='redact'>third party</span> are another person's "
                  "data and rows marked <span class='review'>review</span> are free text that may name others: "
                  "the officer redacts them before release.</p>")]
        for s in self.sections:
            parts.append(f"<h2>{escape(s.title)} ({len(s.rows)})</h2>")
            if s.note:
                parts.append(f"<p>{escape(s.note)}</p>")
            if not s.rows:
                parts.append("<p>None held.</p>")
                continue
            cols = s.columns
            head = "".join(f"<th>{escape(c)}</th>" for c in cols)
            body = "".join(
                f"<tr class='{_css(r.get('redact', OWN))}'>"
                + "".join(f"<td>{escape(_text(r.get(c)))}</td>" for c in cols) + "</tr>" for r in s.rows)
            parts.append(f"<table><tr>{head}</tr>{body}</table>")
        style = ("body{font-family:sans-serif;font-size:9pt} table{border-collapse:collapse;margin-bottom:1em} "
                 "td,th{border:1px solid #999;padding:2px 4px;text-align:left} "
                 ".redact{background:#000;color:#fff} tr.redact td{background:#fbb;color:#000} "
                 ".review{background:#fd8} tr.review td{background:#ffe9a8}")
        return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Subject access "
                f"{escape(self.person_id)}</title><style>{style}</style></head><body>{''.join(parts)}</body></html>")


def _css(mark: str) -> str:
    return {THIRD_PARTY: "redact", REVIEW: "review"}.get(mark, "own")


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def _text(value: Any) -> str:
    return "" if value is None else _plain(value) if not isinstance(value, str) else value


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _store_sections(con: duckdb.DuckDBPyConnection, person_id: str, as_of: date) -> tuple[list[Section], list[str]]:
    """What the published store holds about the person, and the families they belong to."""
    agreements = "refresh_agreements" if has_table(con, "refresh_agreements") else \
        "(SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS fact, NULL::VARCHAR AS partner, NULL::VARCHAR AS agreement_id)"
    records = _rows(con, f"SELECT ra.partner, ra.agreement_id, ?::DATE AS received_as_of, r.* FROM records r "
                         f"JOIN record_person rp ON rp.record_key = r.record_key LEFT JOIN {agreements} ra "
                         "ON ra.source = r.source AND ra.fact = r.fact WHERE rp.person_id = ? "
                         "ORDER BY r.source, r.fact, r.record_id", [as_of, person_id])
    person = _rows(con, "SELECT * FROM persons WHERE person_id = ?", [person_id])
    families = [f for (f,) in con.execute("SELECT DISTINCT family_id FROM family_members WHERE person_id = ? "
                                          "ORDER BY 1", [person_id]).fetchall()]
    members = _rows(con, "SELECT fm.family_id, fm.person_id, p.first_name, p.last_name, p.dob FROM family_members fm "
                         "LEFT JOIN persons p USING (person_id) WHERE fm.family_id IN (SELECT family_id FROM "
                         "family_members WHERE person_id = ?) ORDER BY 1, 2", [person_id])
    evidence = _rows(con, "SELECT h.family_id, h.headline, h.indicator, COALESCE(h.person_id, rp.person_id) AS "
                          "person_id, h.source, h.record_id, h.fact_date, h.value FROM indicator_hits h LEFT JOIN "
                          "record_person rp USING (record_key) WHERE h.family_id IN (SELECT family_id FROM "
                          "family_members WHERE person_id = ?) ORDER BY ALL", [person_id]) \
        if has_table(con, "indicator_hits") else []
    links = _rows(con, "SELECT l.record_key_l, l.record_key_r, l.match_probability, l.route, pl.person_id AS "
                       "person_l, pr.person_id AS person_r FROM link_pairs l JOIN record_person pl ON "
                       "pl.record_key = l.record_key_l JOIN record_person pr ON pr.record_key = l.record_key_r "
                       "WHERE ? IN (pl.person_id, pr.person_id) ORDER BY 1, 2", [person_id]) \
        if has_table(con, "link_pairs") else []
    for row in records + person:
        row["redact"] = OWN
    for row in members + evidence:
        row["redact"] = OWN if row["person_id"] == person_id else THIRD_PARTY
    for row in links:
        row["redact"] = OWN if row["person_l"] == row["person_r"] == person_id else THIRD_PARTY
    return [
        Section("Source records", records, "Every record a partner sent that belongs to this person, with the "
                "partner and the sharing agreement it came under."),
        Section("Person as resolved", person, "The person the records were resolved into (best values)."),
        Section("Links", links, "Pairs of records the matching joined; a pair with another person's record is "
                "marked third party."),
        Section("Families", members, "The families the person belongs to; other members are third parties."),
        Section("Evidence", evidence, "The records that made the programme's indicators true for the family."),
    ], families


def _case_sections(person_id: str, families: list[str]) -> list[Section]:
    """What the case record holds about the person's families and about the person."""
    def rows(query: Any, *fields: str, mark: str = OWN) -> list[dict[str, Any]]:
        return [{**r, "redact": mark} for r in query.values(*fields)]

    cases = Case.objects.filter(family_id__in=families)
    targets = Q(target__in=[f"family {f}" for f in families]) | Q(target=f"person {person_id}")
    return [
        Section("Cases", rows(cases, "family_id", "status", "identified_on", "attached_on")),
        Section("Status history", rows(StatusChange.objects.filter(case__in=cases), "case__family_id", "from_status",
                                       "to_status", "reason", "by", "at", mark=REVIEW)),
        Section("Case notes", rows(CaseNote.objects.filter(case__in=cases), "case__family_id", "text", "by", "at",
                                   mark=REVIEW)),
        Section("Plan actions", rows(PlanAction.objects.filter(case__in=cases), "case__family_id", "description",
                                     "owner", "due_on", "done", mark=REVIEW)),
        Section("Attachment and assessment", rows(Attachment.objects.filter(family_id__in=families), "family_id",
                                                  "attached_on", "lead_worker", "lead_agency", "plan_id")),
        Section("Attestations", rows(Attestation.objects.filter(family_id__in=families), "family_id", "headline",
                                     "indicator", "attested_by", "attested_on", "statement", "evidence_name",
                                     "evidence_sha256", mark=REVIEW)),
        Section("Rows assessed for the family", rows(AssessedNeed.objects.filter(family_id__in=families),
                                                     "family_id", "row", "person_id", "assessed_on", "assessed_by",
                                                     "score", "reason", "evidence_name", "evidence_sha256",
                                                     mark=REVIEW)),
        Section("Assessed rows attested", rows(RowAttestation.objects.filter(family_id__in=families), "family_id",
                                               "need__row", "met", "score", "attested_by", "attested_on",
                                               "statement", "evidence_name", "evidence_sha256", mark=REVIEW)),
        *_team_sections(person_id, cases, rows),
        Section("Claims", rows(Claim.objects.filter(family_id__in=families), "family_id", "route", "window",
                               "claimed_on", "amount", "pack_sha256")),
        Section("Family's agreement", rows(FamilyAgreement.objects.filter(family_id__in=families), "family_id",
                                           "kind", "asked_by", "asked_on", "method", "adults", "explained",
                                           mark=REVIEW)),
        Section("Flags sent to partners", rows(FlagSent.objects.filter(person_id=person_id), "export__partner",
                                               "export__fields", "export__exported_at", "export__exported_by")),
        Section("Access log", rows(AccessLog.objects.filter(targets).order_by("at", "id"), "at", "username",
                                   "action", "target", "detail")),
        Section("Earlier subject access requests",
                rows(SubjectAccessRequest.objects.filter(person_id=person_id), "served_at", "served_by",
                     "reference")),
    ]


def _team_sections(person_id: str, cases: Any, rows: Any) -> list[Section]:
    """What the team around the family recorded: referrals (the people named in them: the person's own row, and
    every other person marked), assessments, the family map, meetings, levels of support and the case file."""
    referred = ReferredPerson.objects.filter(Q(referral__case__in=cases) | Q(person_id=person_id))
    fields = ("referral_id", "referral__referrer_agency", "referral__at", "referral__worries",
              "referral__family_knows", "first_name", "last_name", "dob", "postcode")
    return [
        Section("Referrals naming the person", rows(referred.filter(person_id=person_id), *fields, mark=REVIEW)),
        Section("Other people named in the family's referrals",
                rows(referred.exclude(person_id=person_id), *fields, mark=THIRD_PARTY)),
        Section("Assessments", rows(AssessmentLine.objects.filter(assessment__case__in=cases),
                                    "assessment__case__family_id", "assessment__assessed_on", "assessment__author",
                                    "headline", "needs", "strengths", "family_view", "score", mark=REVIEW)),
        Section("Family map: people added by workers", rows(MapPerson.objects.filter(case__in=cases),
                                                            "case__family_id", "name", "relationship", "lives",
                                                            mark=THIRD_PARTY)),
        Section("Team meetings", rows(TeamMeeting.objects.filter(case__in=cases), "case__family_id", "held_on",
                                      "attended", "decisions", mark=REVIEW)),
        Section("Levels of support", rows(LevelChange.objects.filter(case__in=cases), "case__family_id", "level",
                                          "step", "on", "reason", mark=REVIEW)),
        Section("Case file documents (the files themselves are sent with the bundle on request)",
                rows(CaseDocument.objects.filter(case__in=cases), "case__family_id", "kind", "title", "sha256",
                     mark=REVIEW)),
    ]


def gather(workspace: Workspace, person_id: str) -> Bundle:
    """The bundle for one person of the refresh in force; an id the refresh does not hold is refused."""
    with workspace.connect() as con:
        refresh = refresh_in_force(con)
        if not con.execute("SELECT count(*) FROM persons WHERE person_id = ?", [person_id]).fetchall()[0][0]:
            raise GovernanceError(f"no person {person_id!r} in refresh {refresh.refresh_id}: check the id "
                                  "(a person id looks like P0000001)")
        store, families = _store_sections(con, person_id, refresh.as_of)
    return Bundle(person_id, refresh.refresh_id, refresh.as_of, store + _case_sections(person_id, families))


def log_request(bundle: Bundle, by: str, reference: str = "") -> SubjectAccessRequest:
    """Record the request served: who, for whom, and the hash of the machine-readable bundle."""
    with transaction.atomic():
        served = SubjectAccessRequest.objects.create(
            person_id=bundle.person_id, reference=reference[:200], served_by=by[:150], refresh_id=bundle.refresh_id,
            bundle_sha256=hashlib.sha256(bundle.as_json()).hexdigest())
        AccessLog.objects.create(username=by[:150], action=AccessAction.EXPORT, target=f"person {bundle.person_id}",
                                 detail=f"subject access request {reference}: {sum(len(s.rows) for s in bundle.sections)}"
                                        f" rows; sha256 {served.bundle_sha256}"[:500])
    return served


@dataclass(frozen=True)
class SubjectAccessFiles:
    json: Path
    html: Path
    pdf: Path | None
    csvs: list[Path]
    rows: int
    to_redact: int


def serve_request(workspace: Workspace, person_id: str, out: Path, by: str, reference: str = "",
                  pdf: bool = True) -> SubjectAccessFiles:
    """`pf subject-access`: write the bundle for one person into `out` (JSON, CSVs, HTML, PDF) and log it."""
    bundle = gather(workspace, person_id)
    folder = private_dir(Path(out) / f"subject-access-{person_id}")
    json_path = write_private(folder / "bundle.json", bundle.as_json())
    html = bundle.as_html()
    html_path = write_private(folder / "bundle.html", html.encode())
    csvs = [write_csv(folder / f"{i:02d}-{s.title.lower().replace(' ', '-').replace(chr(39), '')}.csv", s.columns,
                      [[_text(r.get(c)) for c in s.columns] for r in s.rows])
            for i, s in enumerate(bundle.sections, 1) if s.rows]
    pdf_path = None
    if pdf:
        import weasyprint  # imported here: it loads the pango libraries, only needed for PDFs

        pdf_path = write_private(folder / "bundle.pdf", weasyprint.HTML(string=html).write_pdf())
    log_request(bundle, by, reference)
    rows = [r for s in bundle.sections for r in s.rows]
    return SubjectAccessFiles(json_path, html_path, pdf_path, csvs, len(rows),
                              sum(1 for r in rows if r.get("redact")))
