"""A professional's nomination of equivalent concern (seed 002 Appendix Three): the family is attached on it
even when the data alone does not make it eligible, with the reason, the professional and the evidence kept;
every refusal changes nothing."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest

from identify.builders import Person, dated, termly_attendance
from priority_families.casedb.casework import Actor
from priority_families.casedb.models import AccessLog, Attachment, AuditEvent, BaselineLine, Nomination
from priority_families.outcomes.attach import AttachError, AttachmentRequest, attach_families
from priority_families.outcomes.nominations import NominationError, nominate
from priority_families.outcomes.progress import evaluation

from .case_store import make_workspace, republish

A = date(2015, 8, 31)
DAY = timedelta(days=1)
PLAN = "warwickshire-2015"
PEOPLE = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2004, 1, 1))]}
ONE_HEADLINE = [dated("offence", "P2", A - DAY * 30)]  # HP1 only: not eligible (at least 2)
LETTER = b"Head teacher's letter: persistent lateness, not authorised.\n"
WORKER = Actor("lead")


@pytest.fixture
def ws(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    return make_workspace(tmp_path / "ws", PLAN, PEOPLE, ONE_HEADLINE, A)


def _nominate(ws, **changes):
    args = {"family_id": "F1", "headline": "education", "nominated_by": "Ms Head, head teacher",
            "reason": "persistent lateness of equivalent concern", "on": A - DAY, "evidence_name": "letter.txt",
            "evidence": iter([LETTER]), "actor": WORKER} | changes
    return nominate(ws, **args)


def _attach(ws, on=A):
    return attach_families(ws, [AttachmentRequest("F1", on, "lead", "Agency")], actor="t")


@pytest.mark.django_db
def test_a_family_the_data_does_not_make_eligible_is_refused_without_a_nomination(ws):
    with pytest.raises(AttachError, match="family F1 is not eligible"):
        _attach(ws)


@pytest.mark.django_db
def test_a_nominated_family_is_attached_with_the_nominated_headlines_lines(ws):
    made = _nominate(ws)
    assert made.evidence_sha256 == hashlib.sha256(LETTER).hexdigest()
    assert made.nominated_by == "Ms Head, head teacher" and made.reason.startswith("persistent lateness")
    (attachment,) = _attach(ws)
    nominated = set(BaselineLine.objects.filter(attachment=attachment, source="nomination").values_list(
        "headline", "record_id", "fact_date").distinct())
    assert nominated == {("education", f"nomination {made.pk}", A - DAY)}
    assert AuditEvent.objects.filter(action="nominate", family_id="F1",
                                     detail__evidence_sha256=made.evidence_sha256).exists()
    assert AccessLog.objects.filter(target="family F1", detail__contains="nominated for education").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("absent", "met"), [(14, True), (15, False)])
def test_the_nominated_headlines_results_are_judged_with_the_familys(ws, absent, met):
    _nominate(ws)
    _attach(ws)
    e = date(2016, 7, 31)  # the third whole term after attachment ends
    terms = termly_attendance("P2", e, 100, unauthorised=absent)  # HP2 outcome 1: below 15% absence
    republish(ws, PLAN, PEOPLE, ONE_HEADLINE + terms, e)
    with evaluation(ws, e) as con:
        education = con.execute("SELECT status FROM headline_status WHERE headline = 'education'").fetchone()
        measures = dict(con.execute("SELECT measure, status FROM measure_status WHERE headline = 'education'")
                        .fetchall())
    # HP2's rows for a child in alternative provision or not registered keep to records of those kinds
    # (`line_kinds`), so they apply only through such a record, never through a nomination
    assert set(measures) == {"attendance_high", "exclusions_fewer"}
    assert measures["attendance_high"] == ("met" if met else "not_yet")
    assert education == ("met" if met else "not_yet",)


@pytest.mark.django_db
def test_a_nomination_dated_after_the_attachment_does_not_count(ws):
    _nominate(ws, on=A)
    with pytest.raises(AttachError, match="family F1 is not eligible$"):
        _attach(ws, on=A - DAY)
    assert not Attachment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "reason"), [
    ({"headline": "gambling"}, "unknown headline 'gambling' in plan warwickshire-2015"),
    ({"headline": "worklessness"}, "takes no professional's nomination for headline worklessness"),
    ({"headline": "crime_asb"}, "already has headline crime_asb from the data"),
    ({"on": date.today() + DAY}, "is in the future"),
    ({"reason": ""}, "give the reason"),
    ({"nominated_by": " "}, "give the nominating professional"),
    ({"evidence_name": ""}, "give the evidence file"),
    ({"evidence": iter([b""])}, "the evidence file is empty"),
    ({"evidence": iter([b"\x00\x01binary"])}, "must be a PDF, PNG, JPEG"),
    ({"family_id": "F9"}, "unknown family F9"),
    ({"lines": ["offence"]}, "has no line offence"),
])
def test_a_refused_nomination_records_nothing(ws, changes, reason):
    with pytest.raises(NominationError) as caught:
        _nominate(ws, **changes)
    assert reason in str(caught.value)
    assert not Nomination.objects.exists() and not AuditEvent.objects.filter(action="nominate").exists()


@pytest.mark.django_db
def test_an_attached_family_is_not_nominated_and_a_headline_is_nominated_once(ws):
    _nominate(ws)
    with pytest.raises(NominationError, match="already nominated for headline education"):
        _nominate(ws, evidence=iter([LETTER]))
    _attach(ws)
    with pytest.raises(NominationError, match="already attached: add a headline found since with pf disclose"):
        _nominate(ws, headline="health", evidence=iter([LETTER]))
    assert Nomination.objects.count() == 1


@pytest.mark.django_db
def test_a_plan_without_nominations_refuses_them(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    ws = make_workspace(tmp_path / "ws", "nottinghamshire-2015", PEOPLE, ONE_HEADLINE, A)
    with pytest.raises(NominationError, match="nottinghamshire-2015 takes no professional's nomination"):
        _nominate(ws)


@pytest.mark.django_db
def test_a_nomination_does_not_attach_a_family_short_of_the_plans_rule(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    ws = make_workspace(tmp_path / "ws", PLAN, PEOPLE, [], A)  # no headline in the data; one nominated of 2
    _nominate(ws)
    with pytest.raises(AttachError, match="not eligible even with its professionals' nominations"):
        _attach(ws)
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_the_evidence_pack_shows_the_nomination_with_its_evidence_checksum(ws):
    from priority_families.claims.pack import ADDED_HEADLINES, progress_records, render_pack

    made = _nominate(ws)
    (attachment,) = _attach(ws)
    e = date(2016, 7, 31)
    republish(ws, PLAN, PEOPLE, ONE_HEADLINE, e)
    with evaluation(ws, e) as con:
        pack = render_pack(con, attachment, e, "significant_sustained", "w", "r",
                           progress_records(con, [attachment], e)["F1"])
    (added,) = {t: rows for t, _, rows in pack.sections}[ADDED_HEADLINES]
    assert added[0] == "professional's nomination" and added[4] == "Ms Head, head teacher"
    assert added[6:] == ("letter.txt", made.evidence_sha256) and made.evidence_sha256 in pack.html.decode()


def test_the_docs_count_the_priorities_a_nomination_tests():
    from pathlib import Path

    from priority_families.plans.loader import load_plan

    doc = (Path(__file__).parents[2] / "docs" / "outcome-rows.md").read_text(encoding="utf-8")
    doc = " ".join(doc[doc.index("## warwickshire-2015 against seed 002 Appendix Three"):].split())
    priorities = [p for h in load_plan(PLAN).headlines for p in h.eligibility_priorities]
    tested, nominated = sum(1 for p in priorities if p.lines), sum(1 for p in priorities if p.nomination)
    untested = len(priorities) - tested - nominated
    assert (nominated, untested) == (4, 5)
    assert (f"of which {tested} are tested by an indicator line, {nominated} by a professional's nomination "
            f"recorded in the case record and {untested} are not**") in doc
    assert doc.count("| nomination | Tested by a professional's nomination") == nominated


@pytest.mark.django_db
def test_a_closed_case_refuses_a_nomination(ws):
    from priority_families.casedb.models import Case, CaseStatus

    Case.objects.create(family_id="F1", status=CaseStatus.CLOSED, identified_on=A)  # set aside, then closed
    with pytest.raises(NominationError, match="F1's case is closed: reopen it first"):
        _nominate(ws)
    assert not Nomination.objects.exists()
