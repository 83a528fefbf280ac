"""Seed rows a professional assesses (issue 12): each converted row at its boundary, and the refusals.

A row whose baseline is an assessment (a wellbeing-tool score, a disclosure, a referral to a programme) applies
to a family from the day the lead worker records the assessment; the lead professional attests it met or not
met after the row's period counted from that day; a scored tool's later score must be better. Each row below is
checked one day either side of its period, met and not met (for a score: improved, and not).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from identify.builders import Person, dated
from priority_families.casedb.casework import Actor, close_case
from priority_families.casedb.models import (
    AccessLog,
    AssessedNeed,
    AuditEvent,
    ClosureReason,
    RowAttestation,
    StatusChange,
)
from priority_families.outcomes.assessed import AssessError, assess_row, attest_row, period_end
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.progress import evaluation
from priority_families.plans.loader import load_plan

from .case_store import make_workspace, republish

A = date(2015, 8, 31)
S = date(2015, 9, 10)  # the day the row is assessed
DAY = timedelta(days=1)
ADULT, CHILD = "P1", "P2"
PEOPLE = {"F1": [Person(ADULT, date(1980, 1, 1)), Person(CHILD, date(2006, 1, 1))]}
# an offence and a MARAC referral: eligible under both Phase 2 plans
FACTS = [dated("offence", CHILD, A - DAY * 30), dated("marac", ADULT, date(2015, 7, 1))]
WORKER = Actor("lead")
NOTTS, WARKS = "nottinghamshire-2015", "warwickshire-2015"

# (plan, published row, measure, the period's last day counted from S, scored)
ROWS = [
    (NOTTS, "004 1.4", "substance_order_complied", date(2016, 3, 10), False),
    (NOTTS, "004 2.3", "ehe_suitable", date(2016, 7, 31), False),  # the third term ending after S
    (NOTTS, "004 3.2", "wellbeing_improved", date(2016, 5, 10), True),
    (NOTTS, "004 3.4", "early_years_accessed", date(2016, 1, 10), False),
    (NOTTS, "004 5.3", "perpetrator_programme", date(2016, 5, 10), False),
    (NOTTS, "004 5.4", "safety_plan", date(2016, 5, 10), False),
    (NOTTS, "004 5.5", "moving_forward", date(2016, 1, 10), False),
    (NOTTS, "004 6.2", "home_safety", date(2016, 5, 10), False),
    (NOTTS, "004 6.3", "early_years_attending", date(2016, 5, 10), False),
    (NOTTS, "004 6.5", "new_parent_engaged", date(2016, 5, 10), False),
    (NOTTS, "004 6.6", "long_term_illness_supported", date(2016, 1, 10), False),
    (NOTTS, "004 6.7", "healthy_lifestyles", date(2016, 1, 10), False),
    (WARKS, "002 HP3 outcome 1", "triple_p", date(2016, 3, 10), False),
    (WARKS, "002 HP3 outcome 8", "charm_attended", date(2016, 3, 10), False),
    (WARKS, "002 HP5 outcome 4", "wemwbs_improved", date(2016, 3, 10), True),
    (WARKS, "002 HP5 outcome 5", "dv_programme", date(2016, 3, 10), False),
    (WARKS, "002 HP5 outcome 6", "counselling_improved", date(2016, 3, 10), False),
    (WARKS, "002 HP5 outcome 7", "understanding_experience", date(2016, 3, 10), False),
    (WARKS, "002 HP6 outcome 2", "risk_reduced", date(2016, 3, 10), False),
    (WARKS, "002 HP6 outcome 3", "plans_reviewed", date(2016, 9, 10), False),
    (WARKS, "002 HP6 outcome 4", "programme_of_support", date(2016, 3, 10), False),
]


@pytest.fixture
def evidence(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "evidence"
    path = tmp_path / "assessment.txt"
    path.write_text("the assessment, signed\n", encoding="utf-8")
    return path


def _attached(tmp_path, plan: str, as_of: date):
    ws = make_workspace(tmp_path / "ws", plan, PEOPLE, FACTS, A)
    attach_families(ws, [AttachmentRequest("F1", A, "lead", "Agency")], actor="t")
    republish(ws, plan, PEOPLE, FACTS, as_of)
    return ws


def _chunks(path):
    return [path.read_bytes()]


def _assess(ws, file, row, **changes):
    args = {"family_id": "F1", "row": row, "on": S, "assessed_by": "Lee, lead professional",
            "evidence_name": file.name, "evidence": _chunks(file), "actor": WORKER} | changes
    return assess_row(ws, **args)


def _attest(ws, file, row, on, met=None, score=None, **changes):
    args = {"family_id": "F1", "row": row, "met": met, "attested_by": "Lee", "statement": "seen the plan",
            "on": on, "evidence_name": file.name, "evidence": _chunks(file), "actor": WORKER,
            "score": score} | changes
    return attest_row(ws, **args)


def _status(ws, measure: str, e: date) -> tuple[str, date | None, str]:
    with evaluation(ws, e) as con:
        return con.execute("SELECT status, earliest, detail FROM measure_status WHERE measure = ?",
                           [measure]).fetchone()


@pytest.mark.django_db
@pytest.mark.parametrize(("plan", "row", "measure", "due", "scored"), ROWS, ids=[r[1] for r in ROWS])
def test_an_assessed_row_at_its_boundary(tmp_path, evidence, plan, row, measure, due, scored):
    ws = _attached(tmp_path, plan, due + DAY)
    _assess(ws, evidence, row, score=40 if scored else None)
    assert _status(ws, measure, due - DAY)[:2] == ("not_yet", due)  # a day before the period ends
    assert _status(ws, measure, due)[0] == "awaiting_attestation"  # the period has run: the attestation is due
    with pytest.raises(AssessError, match=f"attest it on or after {due}"):
        _attest(ws, evidence, row, due - DAY, met=True, score=41 if scored else None)
    _attest(ws, evidence, row, due, met=None if scored else False, score=40 if scored else None)  # not met / same
    assert _status(ws, measure, due)[0] == "not_yet"
    _attest(ws, evidence, row, due + DAY, met=None if scored else True, score=41 if scored else None)
    status, _, detail = _status(ws, measure, due + DAY)
    assert status == "met", detail
    if scored:
        assert "40.00 at assessment, 41.00 later" in detail


@pytest.mark.django_db
def test_a_row_applies_only_once_assessed_and_an_attestation_counts_from_its_date(tmp_path, evidence):
    due = date(2016, 1, 10)  # 5.5: 4 months from S
    ws = _attached(tmp_path, NOTTS, due + DAY)
    with evaluation(ws, due) as con:  # not assessed: the row does not apply
        assert con.execute("SELECT COUNT(*) FROM measure_status WHERE measure = 'moving_forward'").fetchone()[0] == 0
    need = _assess(ws, evidence, "004 5.5")
    plan = load_plan(NOTTS)
    assert period_end(next(m for m in plan.headline(need.headline).results if m.id == need.measure), S) == due
    _attest(ws, evidence, "004 5.5", due + DAY, met=True)
    assert _status(ws, "moving_forward", due)[0] == "awaiting_attestation"  # the attestation is dated after e
    assert _status(ws, "moving_forward", due + DAY)[0] == "met"


@pytest.mark.django_db
def test_every_converted_row_has_its_boundary_case():
    for plan in (NOTTS, WARKS):
        assessed = {m.id for h in load_plan(plan).headlines for m in h.results if m.assessed}
        assert assessed == {measure for p, _, measure, _, _ in ROWS if p == plan}


@pytest.mark.django_db
def test_the_familys_results_include_the_assessed_row(tmp_path, evidence):
    # the family has no health line at attachment: the assessed 6.2 row brings the health headline into its results
    due = date(2016, 5, 10)
    ws = _attached(tmp_path, NOTTS, due)

    def health(e: date) -> tuple[str, tuple | None]:
        with evaluation(ws, e) as con:
            headline = con.execute("SELECT status FROM headline_status WHERE headline = 'health'").fetchone()[0]
            line = con.execute("SELECT indicator, status FROM line_status WHERE measure = 'home_safety'").fetchone()
        return headline, line

    assert health(due) == ("not_applicable", None)
    _assess(ws, evidence, "004 6.2")
    assert health(due - DAY) == ("not_yet", ("home_safety", "not_yet"))
    assert health(due) == ("awaiting_attestation", ("home_safety", "awaiting_attestation"))  # listed with the lines
    _attest(ws, evidence, "004 6.2", due, met=True)
    assert health(due) == ("met", ("home_safety", "met"))


@pytest.mark.django_db
def test_a_lower_score_is_not_an_improvement_on_wemwbs(tmp_path, evidence):
    ws = _attached(tmp_path, WARKS, date(2016, 3, 10))
    _assess(ws, evidence, "wemwbs_improved", score="45")
    with pytest.raises(AssessError, match="is not better than 45"):
        _attest(ws, evidence, "wemwbs_improved", date(2016, 3, 10), met=True, score="44")
    made = _attest(ws, evidence, "wemwbs_improved", date(2016, 3, 10), score="44")
    assert made.met is False and made.score == Decimal(44)
    assert _status(ws, "wemwbs_improved", date(2016, 3, 10))[0] == "not_yet"


@pytest.mark.django_db
def test_recording_an_assessment_writes_history_access_log_and_audit(tmp_path, evidence):
    ws = _attached(tmp_path, NOTTS, date(2015, 12, 1))
    made = _assess(ws, evidence, "004 3.2", score="31.5", person_id=ADULT)
    assert (made.measure, made.headline, made.row, made.score) == ("wellbeing_improved", "children_need_help",
                                                                   "004 3.2", Decimal("31.5"))
    assert len(made.evidence_sha256) == 64
    assert AuditEvent.objects.filter(action="assess_row", family_id="F1").count() == 1
    assert StatusChange.objects.filter(case__family_id="F1", reason__contains="row 004 3.2 applies").exists()
    assert AccessLog.objects.filter(target="family F1", detail__contains="row 004 3.2 applies").exists()


REFUSALS = [
    ({"row": "004 9.9"}, "has no assessed row '004 9.9'"),
    ({"row": "offending_children"}, "has no assessed row"),  # a row measured from data is not assessed
    ({"on": date(2015, 12, 2)}, "after the refresh in force"),
    ({"on": A - DAY}, "before family F1's attachment"),
    ({"evidence_name": "", "evidence": None}, "give the evidence file"),
    ({"assessed_by": " "}, "give who assessed"),
    ({"score": "12"}, "is not scored with a tool: give no score"),
    ({"row": "004 3.2"}, "is scored with the council's chosen wellbeing tool: give the score at assessment"),
    ({"row": "004 3.2", "score": "many"}, "is not a number"),
    ({"person_id": "P9"}, "P9 was not a member of family F1"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("changes", "why"), REFUSALS, ids=[w for _, w in REFUSALS])
def test_a_bad_assessment_is_refused_and_records_nothing(tmp_path, evidence, changes, why):
    ws = _attached(tmp_path, NOTTS, date(2015, 12, 1))
    args = {"row": "004 5.4"} | changes
    with pytest.raises(AssessError, match=why):
        _assess(ws, evidence, **args)
    assert not AssessedNeed.objects.exists() and not AuditEvent.objects.filter(action="assess_row").exists()


@pytest.mark.django_db
def test_a_row_is_assessed_once_and_a_closed_case_refuses(tmp_path, evidence):
    ws = _attached(tmp_path, NOTTS, date(2016, 6, 1))
    _assess(ws, evidence, "004 5.4")
    with pytest.raises(AssessError, match="already has row 004 5.4 assessed"):
        _assess(ws, evidence, "safety_plan")
    with pytest.raises(AssessError, match="has not been assessed for family F1"):
        _attest(ws, evidence, "004 5.5", date(2016, 6, 1), met=True)
    with pytest.raises(AssessError, match="say whether the row was met"):
        _attest(ws, evidence, "004 5.4", date(2016, 6, 1))
    close_case("F1", ClosureReason.NEEDS_MET, date(2016, 6, 1), WORKER)
    with pytest.raises(AssessError, match="case is closed"):
        _attest(ws, evidence, "004 5.4", date(2016, 6, 1), met=True)
    assert AssessedNeed.objects.count() == 1 and not RowAttestation.objects.exists()


@pytest.mark.django_db
def test_the_evidence_pack_shows_the_assessed_row_with_its_date_assessor_and_evidence(tmp_path, evidence):
    from priority_families.casedb.models import Attachment
    from priority_families.claims.pack import ASSESSED_ROWS, progress_records, render_pack

    e = date(2016, 5, 10)
    ws = _attached(tmp_path, NOTTS, e)
    need = _assess(ws, evidence, "004 3.2", score="31")
    _attest(ws, evidence, "004 3.2", e, score="36")
    attachment = Attachment.objects.get(family_id="F1")
    with evaluation(ws, e) as con:
        pack = render_pack(con, attachment, e, "significant_sustained", "w", "r",
                           progress_records(con, [attachment], e)["F1"])
    sections = {title: rows for title, _, rows in pack.sections}
    assessed, attested = sorted(sections[ASSESSED_ROWS])
    assert assessed[:6] == ("assessed: the row applies", "004 3.2", "Children who need help", str(S),
                            "Lee, lead professional", "31.00")
    assert assessed[7:] == (evidence.name, need.evidence_sha256)
    assert attested[:6] == ("attested met", "004 3.2", "Children who need help", str(e), "Lee", "36.00")
    measures = {r[0]: r[1] for r in sections["Measures at the claim date"]}
    assert any("wellbeing improved" in m and s == "Met" for m, s in measures.items()), measures
    assert ASSESSED_ROWS in pack.html.decode()


@pytest.mark.django_db
def test_an_assessed_rows_evidence_counts_towards_the_familys_quota(tmp_path, evidence, monkeypatch):
    from priority_families.outcomes import attest

    monkeypatch.setattr(attest, "FAMILY_EVIDENCE_QUOTA", 2**20)
    ws = _attached(tmp_path, NOTTS, date(2016, 6, 1))
    big = tmp_path / "big.txt"
    big.write_text("x" * (2**20 - 10), encoding="utf-8")  # the next file goes over
    _assess(ws, big, "004 5.4")
    with pytest.raises(AssessError, match="already keeps 1 MB of evidence"):
        _attest(ws, evidence, "004 5.4", date(2016, 5, 10), met=True)
    assert not RowAttestation.objects.exists()


@pytest.mark.django_db
def test_a_file_the_family_already_keeps_is_not_counted_twice(tmp_path, monkeypatch):
    """The same document attached to an assessed row and to its attestation is kept once, so the quota counts it
    once: whichever kind of record keeps it already."""
    from priority_families.outcomes import attest

    monkeypatch.setattr(attest, "FAMILY_EVIDENCE_QUOTA", 2**20)
    ws = _attached(tmp_path, NOTTS, date(2016, 6, 1))
    big = tmp_path / "plan.txt"
    big.write_text("x" * (2**20 - 10), encoding="utf-8")
    need = _assess(ws, big, "004 5.4")
    made = _attest(ws, big, "004 5.4", date(2016, 5, 10), met=True)
    assert made.evidence_path == need.evidence_path
    assert attest.family_evidence_bytes("F1") == big.stat().st_size
