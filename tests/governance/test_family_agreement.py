"""The family's agreement to join: recorded on the case with who asked, when, how, each adult and what was
explained; a withdrawal recorded the same way, with what the plan says follows (casework stops, claims held)."""

from __future__ import annotations

from datetime import date

import pytest

from claims.county import WINDOW, A, claims_county, publish_later
from priority_families.casedb.casework import (
    Actor,
    CaseworkError,
    family_agreement,
    record_agreement_withdrawn,
    record_family_agreement,
    withdrawn_families,
)
from priority_families.casedb.models import AccessLog, Case, CaseStatus, ConsentMethod, FamilyAgreement
from priority_families.claims.ledger import make_claims
from priority_families.claims.life import check_claims, submit_batch
from priority_families.claims.steps import ClaimsError
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.plans.loader import load_plan
from priority_families.plans.schema import WithdrawalEffect

WORKER = Actor("worker")


def _with(section: str) -> str:
    """The shipped plan's text with its family_agreement section replaced."""
    from priority_families.plans.loader import load_plan_text

    text = load_plan_text("nottinghamshire-2015")
    start = text.index("family_agreement:")
    end = text.index("\n\n", start)
    return text[:start] + section.rstrip("\n") + text[end:]


def _agree(family_id: str, on: date = A) -> None:
    record_family_agreement(family_id, "Wendy Worker (Family Support)", on, ConsentMethod.IN_PERSON, ["P1", "P2"],
                            "What the programme is, who will see their information and that they may withdraw",
                            WORKER)


def _withdraw(family_id: str, on: date = date(2016, 3, 1)) -> None:
    record_agreement_withdrawn(family_id, "Wendy Worker (Family Support)", on, ConsentMethod.PHONE, ["P1"],
                               "Mum no longer wants the service; told what happens to the information", WORKER)


def test_the_shipped_plan_says_what_follows_a_withdrawal():
    from priority_families.plans.loader import plan_from_text
    from priority_families.plans.render import render_markdown

    plan = load_plan("nottinghamshire-2015")
    assert plan.family_agreement.on_withdrawal == [WithdrawalEffect.CASEWORK_STOPS, WithdrawalEffect.CLAIMS_HELD]
    assert "its case is closed; no claim is proposed or submitted" in render_markdown(plan)
    text = "family_agreement:\n  on_withdrawal: []\n"
    silent = plan_from_text(_with(text), "<test>")
    assert silent.family_agreement.on_withdrawal == []
    assert "changes neither its case nor its claims" in render_markdown(silent)


@pytest.mark.django_db
def test_agreement_and_withdrawal_are_recorded_with_their_log_rows_and_casework_stops():
    Case.objects.create(family_id="F1", identified_on=A, status=CaseStatus.ATTACHED)
    _agree("F1")
    agreed = family_agreement("F1")
    assert (agreed.kind, agreed.asked_on, agreed.method, agreed.adults) == ("agreed", A, "in_person", ["P1", "P2"])
    with pytest.raises(CaseworkError, match="already agreed"):
        _agree("F1")
    _withdraw("F1")
    assert family_agreement("F1").kind == "withdrawn" and withdrawn_families() == {"F1"}
    assert Case.objects.get(family_id="F1").status == CaseStatus.CLOSED  # the plan: casework stops
    from priority_families.casedb.models import CaseClosure, ClosureReason

    assert CaseClosure.objects.get(case__family_id="F1").reason == ClosureReason.WITHDREW  # counted by its reason
    details = list(AccessLog.objects.filter(target="family F1").values_list("detail", flat=True))
    assert any("agreed to join" in d for d in details) and any("withdrew on 2016-03-01" in d for d in details)
    assert FamilyAgreement.objects.count() == 2  # a withdrawal is a new row: the agreement stays on record


@pytest.mark.django_db
@pytest.mark.parametrize(("call", "reason"), [
    (lambda: _withdraw("F1"), "no agreement to withdraw"),
    (lambda: _agree("F404"), "family F404 has no case"),
    (lambda: record_family_agreement("F1", "W", A, ConsentMethod.PHONE, [" "], "told", WORKER), "Name each adult"),
    (lambda: record_family_agreement("F1", "W", A, ConsentMethod.PHONE, ["P1"], " ", WORKER), "what was explained"),
])
def test_bad_agreements_are_refused_and_change_nothing(call, reason):
    Case.objects.create(family_id="F1", identified_on=A)
    with pytest.raises(CaseworkError, match=reason):
        call()
    assert not FamilyAgreement.objects.exists() and not AccessLog.objects.exists()


@pytest.mark.django_db
def test_the_claims_ledger_holds_the_claims_of_a_family_that_withdrew(tmp_path):
    ws = claims_county(tmp_path, families=4)  # F1 and F2 have results in WINDOW (tests/claims/test_ledger.py)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "Worker", "Agency") for k in range(4)], actor="t")
    publish_later(ws, 4)
    _agree("F1")
    _agree("F2")
    _withdraw("F1", date(2016, 6, 1))  # before the proposal: no claim is proposed
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    assert {c.family_id for c in run.claims} == {"F2"} and run.held == ("F1",)
    _withdraw("F2", date(2016, 7, 1))  # after it: the proposed claim is checked but not submitted
    check_claims(WINDOW, None, by="Checker", actor="t", on=date(2016, 7, 5))
    with pytest.raises(ClaimsError, match="no checked claim waiting"):
        submit_batch(WINDOW, "Signatory", date(2016, 7, 5), tmp_path / "batch", actor="t")
    assert Case.objects.get(family_id="F2").status == CaseStatus.CLOSED


@pytest.mark.django_db
def test_only_adult_members_of_the_family_can_agree():
    from priority_families.casedb.models import Family, Member

    Case.objects.create(family_id="F1", identified_on=A)
    family = Family.objects.create(family_id="F1", eligible=True, headline_count=0, priority=0, members=2)
    Member.objects.create(family=family, person_id="P1", dob=date(1980, 1, 1))
    Member.objects.create(family=family, person_id="P2", dob=date(2000, 1, 1))  # 15 on A
    for adults, reason in ((["P2"], "P2 under 18 on 2015-08-31"), (["P1", "P7"], "P7 not a member of family F1")):
        with pytest.raises(CaseworkError, match=reason):
            record_family_agreement("F1", "W", A, ConsentMethod.PHONE, adults, "told", WORKER)
    assert not FamilyAgreement.objects.exists()
    record_family_agreement("F1", "W", A, ConsentMethod.PHONE, ["P1"], "told", WORKER)
    assert family_agreement("F1").adults == ["P1"]
