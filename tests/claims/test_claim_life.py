"""A claim's life on a synthetic county: proposed, checked (one rejected), audited, submitted in a batch,
spot-checked (one invalid), withdrawn; income, the return and the figures follow the ledger, and the ledger's
rows before the withdrawal are unchanged, read from the database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from priority_families.casedb.figures import ledger_figures, programme_figures
from priority_families.casedb.models import (
    Case,
    CaseStatus,
    Claim,
    ClaimBatch,
    ClaimStep,
    SampleKind,
    StepKind,
    SustainabilityCheck,
    Verdict,
)
from priority_families.claims.income import income_report
from priority_families.claims.ledger import make_claims
from priority_families.claims.life import (
    check_claims,
    draw_sample,
    record_verdict,
    submit_batch,
    withdraw,
)
from priority_families.claims.steps import ClaimsError, history
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.reports.returns import quarterly_return

from .county import WINDOW, A, claims_county, publish_later

SUBMITTED_ON = date(2016, 7, 5)
WITHDRAWN_ON = date(2016, 8, 10)
LEDGER_TABLES = ("casedb_claim", "casedb_claimstep", "casedb_claimbatch", "casedb_spotcheck")


def _ledger_rows() -> dict[str, list[tuple]]:
    """Every row of the ledger's tables as the database holds them (not through the models)."""
    with connection.cursor() as cursor:
        out = {}
        for table in LEDGER_TABLES:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")
            out[table] = [tuple(str(v) for v in row) for row in cursor.fetchall()]
        return out


def _county(tmp_path, families: int = 12):
    ws = claims_county(tmp_path, families)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "Worker", "Agency") for k in range(families)], actor="t")
    publish_later(ws, families)
    return ws


def _results(ws, on: date) -> float:
    return sum(results for _plan, _att, _claimed, _fees, results, _forecast in income_report(ws, on, 0.5).by_plan)


def _standing(ws, quarter: str) -> int:
    return sum(standing for _route, _in_q, standing, _w in quarterly_return(ws, quarter).claims_by_route)


@pytest.mark.django_db
def test_the_whole_cycle_drops_income_return_and_figures_by_exactly_the_withdrawn_claim(tmp_path):
    ws = _county(tmp_path)
    proposed = sorted(c.family_id for c in make_claims(ws, WINDOW, tmp_path / "claims", actor="t").claims)
    assert len(proposed) >= 6
    assert _results(ws, date(2016, 7, 31)) == 0 and ledger_figures().claimed == 0  # proposed is not claimed
    assert Case.objects.get(family_id=proposed[0]).status == CaseStatus.ATTACHED

    rejected = proposed[0]
    check_claims(WINDOW, [rejected], by="Checker", actor="t", on=SUBMITTED_ON,
                 reject_reason="worker confirms the family moved away before the result")
    checked = check_claims(WINDOW, None, by="Checker", actor="t", on=SUBMITTED_ON)
    assert sorted(checked) == proposed[1:]

    audit = draw_sample(SampleKind.INTERNAL_AUDIT, WINDOW, 0.25, seed=3, actor="t")
    assert audit and rejected not in audit
    assert draw_sample(SampleKind.INTERNAL_AUDIT, WINDOW, 0.25, seed=3, actor="t") == audit  # reproducible
    before = _ledger_rows()
    with pytest.raises(ClaimsError, match="internal audit sample has claims without a verdict"):
        submit_batch(WINDOW, "Head of Service", SUBMITTED_ON, tmp_path / "batch", actor="t")
    assert _ledger_rows() == before and not (tmp_path / "batch").exists()  # nothing changed
    for family in audit:
        record_verdict(SampleKind.INTERNAL_AUDIT, WINDOW, family, Verdict.VALID, "", by="Internal Audit",
                       actor="t", on=SUBMITTED_ON)

    sent = submit_batch(WINDOW, "Head of Service", SUBMITTED_ON, tmp_path / "batch", actor="t")
    assert sorted(sent.families) == proposed[1:]
    assert sent.batch.signed_by == "Head of Service" and sent.batch.submitted_on == SUBMITTED_ON
    assert sent.batch_csv.read_text().count("\n") == len(proposed)  # header + one row per submitted claim
    assert "Signed: Head of Service" in sent.declaration.read_text()
    submitted_total = float(sum(c.amount for c in Claim.objects.filter(family_id__in=sent.families)))
    assert _results(ws, date(2016, 7, 31)) == submitted_total
    assert ledger_figures().claimed == len(sent.families) == _standing(ws, "2016Q3")

    spot = draw_sample(SampleKind.SPOT_CHECK, WINDOW, 0.5, seed=11, actor="t")
    assert set(spot) <= set(sent.families)
    outside = min(set(sent.families) - set(spot))
    with pytest.raises(ClaimsError, match="not in the spot check sample"):
        record_verdict(SampleKind.SPOT_CHECK, WINDOW, outside, Verdict.INVALID, "no evidence", by="Auditor",
                       actor="t", on=WITHDRAWN_ON)
    invalid = spot[0]
    amount = Claim.objects.get(family_id=invalid).amount
    before = _ledger_rows()
    income_july = income_report(ws, date(2016, 7, 31), 0.5)
    record_verdict(SampleKind.SPOT_CHECK, WINDOW, invalid, Verdict.INVALID, "employment record is another person's",
                   by="Auditor", actor="t", on=WITHDRAWN_ON)

    after = _ledger_rows()
    for table, rows in before.items():
        assert after[table][:len(rows)] == rows  # every row before the withdrawal, byte for byte
    assert len(after["casedb_claimstep"]) == len(before["casedb_claimstep"]) + 2  # spot-checked, withdrawn
    withdrawal = ClaimStep.objects.get(claim__family_id=invalid, step=StepKind.WITHDRAWN)
    assert withdrawal.amount_to_repay == amount and withdrawal.by == "Auditor" and withdrawal.on == WITHDRAWN_ON

    assert _results(ws, date(2016, 8, 31)) == pytest.approx(submitted_total - float(amount))
    assert income_report(ws, date(2016, 7, 31), 0.5) == income_july  # the closed month is not rewritten
    by_month = {m: (sub, wd) for m, sub, wd, _net in income_report(ws, date(2016, 8, 31), 0.5).by_month}
    assert by_month == {"2016-07": (submitted_total, 0), "2016-08": (None, -float(amount))}
    assert _standing(ws, "2016Q3") == len(sent.families) - 1
    assert ledger_figures().claimed == len(sent.families) - 1
    assert programme_figures(Case.objects.all())[0].claimed == len(sent.families) - 1
    case = Case.objects.get(family_id=invalid)
    assert case.status == CaseStatus.PROGRESS
    assert not case.checks.filter(outcome=SustainabilityCheck.Outcome.DUE).exists()

    steps = [(s.step, s.by) for _claim, claim_steps in history(invalid) for s in claim_steps]
    assert steps[0] == ("proposed", "t") and steps[-2:] == [("spot_checked", "Auditor"), ("withdrawn", "Auditor")]
    assert ("submitted", "Head of Service") in steps and ("checked", "Checker") in steps


@pytest.mark.django_db
def test_bad_steps_are_refused_and_change_nothing(tmp_path):
    ws = _county(tmp_path, families=4)
    proposed = sorted(c.family_id for c in make_claims(ws, WINDOW, tmp_path / "claims", actor="t").claims)
    family = proposed[0]
    with pytest.raises(ClaimsError, match="no checked claim"):
        submit_batch(WINDOW, "Signatory", SUBMITTED_ON, tmp_path / "b", actor="t")
    check_claims(WINDOW, None, by="Checker", actor="t", on=SUBMITTED_ON)
    before = _ledger_rows()
    for bad in (lambda: check_claims(WINDOW, [family], by="Checker", actor="t", on=SUBMITTED_ON),
                lambda: withdraw("F999", "no such family", by="Analyst", actor="t", on=WITHDRAWN_ON),
                lambda: submit_batch(WINDOW, "Signatory", date(2016, 6, 1), tmp_path / "b", actor="t"),
                lambda: submit_batch(WINDOW, " ", SUBMITTED_ON, tmp_path / "b", actor="t"),
                lambda: withdraw(family, " ", by="Analyst", actor="t", on=WITHDRAWN_ON)):
        with pytest.raises(ClaimsError):
            bad()
        assert _ledger_rows() == before
    submit_batch(WINDOW, "Signatory", SUBMITTED_ON, tmp_path / "b", actor="t")
    withdraw(family, "found outside a spot check", by="Analyst", actor="t", on=WITHDRAWN_ON)
    before = _ledger_rows()
    with pytest.raises(ClaimsError, match="already withdrawn"):
        withdraw(family, "again", by="Analyst", actor="t", on=WITHDRAWN_ON)
    with pytest.raises(ClaimsError, match="closed month"):
        withdraw(proposed[1], "dated back into July", by="Analyst", actor="t", on=date(2016, 7, 20))
    assert _ledger_rows() == before


@pytest.mark.django_db
def test_the_database_keeps_one_live_claim_and_the_plan_says_whether_to_claim_again(tmp_path):
    from django.db import IntegrityError, transaction

    ws = _county(tmp_path, families=4)
    make_claims(ws, WINDOW, tmp_path / "c1", actor="t")
    claim = Claim.objects.order_by("id").first()
    with pytest.raises(IntegrityError), transaction.atomic():  # a second first claim for the family
        Claim.objects.create(family_id=claim.family_id, route=claim.route, window="2016-12", claimed_on=claim.claimed_on,
                             plan_id=claim.plan_id, amount=Decimal(1), pack_sha256="x", refresh_id="r")
    check_claims(WINDOW, None, by="Checker", actor="t", on=SUBMITTED_ON)
    submit_batch(WINDOW, "Signatory", SUBMITTED_ON, tmp_path / "b", actor="t")
    withdraw(claim.family_id, "found invalid", by="Analyst", actor="t", on=WITHDRAWN_ON)
    again = make_claims(ws, "2016-12", tmp_path / "c2", actor="t")
    assert claim.family_id not in {c.family_id for c in again.claims}  # reclaim_after_withdrawal: false
    ClaimBatch.objects.get(window=WINDOW)  # one batch for the window


@pytest.mark.django_db
def test_a_withdrawn_family_is_proposed_again_only_where_the_plan_allows(tmp_path):
    from priority_families.claims.ledger import _may_propose
    from priority_families.claims.steps import latest_state

    ws = _county(tmp_path, families=4)
    family = make_claims(ws, WINDOW, tmp_path / "c1", actor="t").claims[0].family_id
    assert not _may_propose(latest_state(family), "2016-12", reclaim_after_withdrawal=True)  # still live
    check_claims(WINDOW, None, by="Checker", actor="t", on=SUBMITTED_ON)
    submit_batch(WINDOW, "Signatory", SUBMITTED_ON, tmp_path / "b", actor="t")
    withdraw(family, "found invalid", by="Analyst", actor="t", on=WITHDRAWN_ON)
    state = latest_state(family)
    assert not _may_propose(state, "2016-12", reclaim_after_withdrawal=False)
    assert _may_propose(state, "2016-12", reclaim_after_withdrawal=True)
    assert not _may_propose(state, WINDOW, reclaim_after_withdrawal=True)  # never in the same window again
