"""national-2012 (the 2012 Financial Framework): a claim on each route is priced from the plan file's money,
through the claims ledger (`make_claims`), never at one figure for every route."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from identify.builders import Person, dated, spell
from outcomes.case_store import make_workspace, republish
from priority_families.claims.ledger import make_claims
from priority_families.core.calendar import financial_year
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.plans.loader import load_plan

A = date(2015, 8, 31)
DAY = timedelta(days=1)
WINDOW, E = "2016-08", date(2016, 8, 31)  # 12 months after attachment; the exclusion is out of the last 3 terms


def _family(k: int) -> list[Person]:
    return [Person(f"A{k}", date(1980, 1, 1)), Person(f"C{k}", date(2004, 1, 1))]


def _core(k: int) -> list:
    """crime/ASB and education at attachment: a child's offence and a permanent exclusion."""
    return [dated("offence", f"C{k}", A - DAY * 20), dated("exclusion", f"C{k}", date(2015, 5, 1), kind="permanent")]


def _offence_after(k: int) -> list:
    return [dated("offence", f"C{k}", E - DAY * 10)]  # the crime/ASB result fails: not turned around


FACTS = (
    # F1 turned around: all three criteria (JSA open), results met, no work progress
    _core(1) + [spell("benefit", "A1", date(2014, 1, 1), kind="JSA")]
    # F2 progress to work only: an offence after attachment, a Work Programme start in the 6 months before e
    + _core(2) + _offence_after(2) + [spell("benefit", "A2", date(2014, 1, 1), kind="JSA"),
                                      spell("work_progress", "A2", E - DAY * 40, kind="work_programme")]
    # F3 continuous employment only: off JSA into a job from 1 October 2015, still in it at e
    + _core(3) + _offence_after(3) + [spell("benefit", "A3", date(2014, 1, 1), date(2015, 9, 30), kind="JSA"),
                                      spell("employment", "A3", date(2015, 10, 1))]
)


def _priced(plan_id: str, route: str, attached_on: date) -> float:
    """The plan file's price of a claim by `route`: results payment x the attachment year's results share x
    the route's share (a year after the last listed takes the last one's)."""
    plan = load_plan(plan_id)
    split = {s.year: s for s in plan.money.year_split}
    year = split.get(financial_year(attached_on), plan.money.year_split[-1])
    share = next(r.results_share for r in plan.claim_routes if r.id == route)
    return plan.money.results_payment * year.results_share * share


@pytest.mark.django_db
def test_a_claim_on_each_route_is_priced_from_the_plan(tmp_path):
    people = {f"F{k}": _family(k) for k in (1, 2, 3)}
    ws = make_workspace(tmp_path / "ws", "national-2012", people, FACTS, A)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "FIP") for k in (1, 2, 3)], actor="t")
    republish(ws, "national-2012", people, FACTS, E)
    run = make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    claims = {c.family_id: (c.route, float(c.amount)) for c in run.claims}
    assert claims == {"F1": ("turned_around", _priced("national-2012", "turned_around", A)),
                      "F2": ("progress_to_work", _priced("national-2012", "progress_to_work", A)),
                      "F3": ("continuous_employment", _priced("national-2012", "continuous_employment", A))}
    # progress to work is an eighth of the results payment, not the whole of it (a test run once paid 2,400)
    assert claims["F2"][1] * 8 == claims["F3"][1] and claims["F1"][1] == claims["F2"][1] * 7
