"""national-2012's claim groups (the 2012 Financial Framework): progress to work is claimed beside the crime and
education result, each priced per route and year from the plan file; continuous employment is the whole results
payment and rules out the other two; a family's two claims live and end apart."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from identify.builders import Person, dated, spell
from outcomes.case_store import make_workspace, republish
from priority_families.claims.ledger import make_claims
from priority_families.core.calendar import financial_year
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.outcomes.progress import evaluation
from priority_families.plans.loader import load_plan

A = date(2015, 8, 31)
DAY = timedelta(days=1)
WINDOW, E = "2016-08", date(2016, 8, 31)  # 12 months after attachment; the exclusion is out of the last 3 terms


def _family(k: int) -> list[Person]:
    return [Person(f"A{k}", date(1980, 1, 1)), Person(f"C{k}", date(2004, 1, 1))]


def _core(k: int) -> list:
    """crime/ASB and education at attachment: a child's offence and a permanent exclusion."""
    return [dated("offence", f"C{k}", A - DAY * 20), dated("exclusion", f"C{k}", date(2015, 5, 1), kind="permanent")]


def _work_programme(k: int) -> list:
    return [spell("work_progress", f"A{k}", E - DAY * 40, kind="work_programme")]


def _into_work(k: int) -> list:
    """Off JSA into a job from 1 October 2015, still in it at e: continuous employment."""
    return [spell("benefit", f"A{k}", date(2014, 1, 1), date(2015, 9, 30), kind="JSA"),
            spell("employment", f"A{k}", date(2015, 10, 1))]


FACTS = (
    # F1 turned around and a Work Programme start: two claims
    _core(1) + [spell("benefit", "A1", date(2014, 1, 1), kind="JSA")] + _work_programme(1)
    # F2 continuous employment and a Work Programme start (not turned around): one claim, the whole payment
    + _core(2) + [dated("offence", "C2", E - DAY * 10)] + _into_work(2) + _work_programme(2)
    # F3 turned around and continuous employment: continuous employment rules the other out
    + _core(3) + _into_work(3)
)
FAMILIES = (1, 2, 3)


def _priced(route: str) -> float:
    """The plan file's price of a claim by `route`: results payment x the attachment year's results share x
    the route's share (read here from the plan, not from the ledger's code)."""
    plan = load_plan("national-2012")
    split = {s.year: s for s in plan.money.year_split}
    year = split.get(financial_year(A), plan.money.year_split[-1])
    share = next(r.results_share for r in plan.claim_routes if r.id == route)
    return plan.money.results_payment * year.results_share * share


def _claimed(tmp_path):
    people = {f"F{k}": _family(k) for k in FAMILIES}
    ws = make_workspace(tmp_path / "ws", "national-2012", people, FACTS, A)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "FIP") for k in FAMILIES], actor="t")
    republish(ws, "national-2012", people, FACTS, E)
    return ws, make_claims(ws, WINDOW, tmp_path / "out", actor="t")


@pytest.mark.django_db
def test_progress_to_work_is_a_second_claim_and_continuous_employment_the_only_one(tmp_path):
    ws, run = _claimed(tmp_path)
    claims = sorted((c.family_id, c.route, c.claim_group, float(c.amount)) for c in run.claims)
    assert claims == [
        ("F1", "progress_to_work", "work", _priced("progress_to_work")),
        ("F1", "turned_around", "results", _priced("turned_around")),
        ("F2", "continuous_employment", "employment", _priced("continuous_employment")),
        ("F3", "continuous_employment", "employment", _priced("continuous_employment")),
    ]
    # 700 + 100 of an 800 payment in a year the plan pays 60% on results: the two claims are the whole of it
    assert _priced("turned_around") + _priced("progress_to_work") == _priced("continuous_employment") == 2400
    with evaluation(ws, E) as con:  # the routes met are all there; the claims are the plan's choice among them
        met = con.execute("SELECT family_id, string_agg(route, ';' ORDER BY route) FROM family_routes "
                          "GROUP BY ALL ORDER BY ALL").fetchall()
    assert met == [("F1", "progress_to_work;turned_around"), ("F2", "continuous_employment;progress_to_work"),
                   ("F3", "continuous_employment;turned_around")]
    # each claim has its own pack, named so the two of a family do not overwrite each other
    assert {p.stem for p in run.packs.glob("*.html")} == {"F1", "F1.progress_to_work", "F2.continuous_employment",
                                                          "F3.continuous_employment"}
    again = make_claims(ws, WINDOW, tmp_path / "again", actor="t")
    assert again.claims == []  # one live claim per family and group: a rerun proposes nothing


@pytest.mark.django_db
def test_a_submitted_claim_withdrawn_leaves_the_case_claimed_while_the_other_stands(tmp_path):
    from priority_families.casedb.models import Case, CaseStatus
    from priority_families.claims.life import check_claims, submit_batch, withdraw

    _ws, _run = _claimed(tmp_path)
    check_claims(WINDOW, None, by="Checker", actor="t", on=E)
    sent = submit_batch(WINDOW, "Head of Service", E, tmp_path / "batch", actor="t")
    assert sorted(sent.families) == ["F1", "F1", "F2", "F3"] and sent.batch.claims == 4
    assert Case.objects.get(family_id="F1").status == CaseStatus.CLAIMED
    repay = withdraw("F1", "not the family's", "Officer", "t", E, route="progress_to_work").amount_to_repay
    assert float(repay) == _priced("progress_to_work")
    assert Case.objects.get(family_id="F1").status == CaseStatus.CLAIMED  # the results claim still stands
    withdraw("F1", "not turned around after all", "Officer", "t", E, route="turned_around")
    assert Case.objects.get(family_id="F1").status == CaseStatus.PROGRESS


@pytest.mark.django_db
def test_withdrawing_one_claim_leaves_the_other_and_the_route_must_be_named(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from priority_families.claims.life import check_claims, withdraw
    from priority_families.claims.steps import ClaimsError, live_state
    from priority_families.cli.app import app

    ws, _run = _claimed(tmp_path)
    monkeypatch.setenv("PF_WORKSPACE", str(ws.path))
    with pytest.raises(ClaimsError, match=r"2 live claims \(progress_to_work, turned_around\): name one with --route"):
        live_state("F1")
    refused = CliRunner().invoke(app, ["claims", "withdraw", "F1", "--reason", "wrong", "-w", str(ws.path)],
                                 env={"COLUMNS": "300"})
    assert refused.exit_code != 0
    said = (refused.stdout + refused.stderr).strip()
    assert said.count("\n") == 0 and "name one with --route" in said and "nothing withdrawn" in said
    checked = CliRunner().invoke(app, ["claims", "check", "--window", WINDOW, "--family", "F1", "--by", "Checker",
                                       "-w", str(ws.path)], env={"COLUMNS": "300"})
    assert checked.exit_code != 0 and "name one with --route" in checked.stdout + checked.stderr
    assert not live_state("F1", "turned_around").checked

    step = withdraw("F1", "the Work Programme start was not the family's", "Officer", "t", E, route="progress_to_work")
    assert step.claim.route == "progress_to_work" and step.amount_to_repay == 0  # never submitted
    assert live_state("F1").claim.route == "turned_around"  # the other claim stands, and is now the only live one
    with pytest.raises(ClaimsError, match="already withdrawn"):
        live_state("F1", "progress_to_work")
    done = CliRunner().invoke(app, ["claims", "check", "--window", WINDOW, "--family", "F1:turned_around", "--by",
                                    "Checker", "-w", str(ws.path)], env={"COLUMNS": "300"})
    assert done.exit_code == 0, done.stdout
    assert live_state("F1").checked
    assert check_claims(WINDOW, ["F2"], by="Checker", actor="t", on=E) == ["F2"]  # one claim: no route needed

    # a month later the withdrawn group is proposed again, following its withdrawal; the live groups are not
    later = date(2016, 9, 30)
    republish(ws, "national-2012", {f"F{k}": _family(k) for k in FAMILIES}, FACTS, later)
    again = make_claims(ws, "2016-09", tmp_path / "later", actor="t")
    assert [(c.family_id, c.route, c.follows) for c in again.claims] == [("F1", "progress_to_work", step)]
