"""Savings on the samples the plan names: by phase, by entry year, by count or share with a seed; net of the cost
of service; every price uprated to one year with a deflator table."""

from __future__ import annotations

from datetime import date

import pytest
from typer.testing import CliRunner

from priority_families.claims.savings import (
    Deflator,
    SavingsError,
    Selection,
    ServiceCost,
    load_deflators,
    load_unit_costs,
    phase_selection,
    savings_report,
    service_cost_from_returns,
    uprating,
)
from priority_families.claims.spend import Posting
from priority_families.cli.app import app
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.plans.finance import load_financial_plan

from .county import A, claims_county, publish_later

EARLY = date(2015, 3, 15)  # a 2014-15 entrant (the refresh as of A covers a year back)
PHASE_2 = ("nottinghamshire-2015",)


@pytest.fixture
def county(tmp_path):
    """F0-F3 attached on A (2015-16), F4-F7 on EARLY (2014-15), all with a full year after attachment."""
    ws = claims_county(tmp_path / "ws", families=8)
    attach_families(ws, [AttachmentRequest(f"F{k}", A if k < 4 else EARLY, "W", "Agency") for k in range(8)],
                    actor="t")
    publish_later(ws, families=8)
    return ws


def _ids(report) -> set[str]:
    return {row[0] for row in report.families}


@pytest.mark.django_db
def test_samples_by_phase_and_entry_year_are_reproducible(county):
    costs = load_unit_costs()
    entrants = savings_report(county, costs, selection=Selection("2", PHASE_2, "2014-15", "50%", seed=1))
    assert entrants.population == 4 and len(entrants.families) == 2 and _ids(entrants) <= {"F4", "F5", "F6", "F7"}
    again = savings_report(county, costs, selection=Selection("2", PHASE_2, "2014-15", "50%", seed=1))
    assert again.families == entrants.families
    whole_phase = savings_report(county, costs, selection=Selection("2", PHASE_2, None, "5", seed=1))
    assert whole_phase.population == 8 and len(whole_phase.families) == 5
    later = savings_report(county, costs, selection=Selection(None, (), "2015-16", None))
    assert _ids(later) == {"F0", "F1", "F2", "F3"}
    phase_1 = Selection("1", ("national-2012",), None, None)
    assert savings_report(county, costs, selection=phase_1).population == 0  # attached under another plan
    with pytest.raises(SavingsError, match="80 families was asked for, but only 0"):
        savings_report(county, costs, selection=Selection("1", ("national-2012",), None, "80"))
    with pytest.raises(SavingsError, match="financial year like 2014-15"):
        savings_report(county, costs, selection=Selection(None, (), "2014", None))


def test_phases_come_from_the_financial_plan():
    plan = load_financial_plan("demo-county-2015")
    assert phase_selection(plan, "1", None, "80", 0).phase_plans == ("national-2012",)
    with pytest.raises(SavingsError, match="has no phase '9'"):
        phase_selection(plan, "9", None, None, 0)


@pytest.mark.django_db
def test_net_savings_deduct_the_cost_of_service_and_every_price_is_uprated(county):
    costs = load_unit_costs()
    assert {c.price_year for c in costs} == {2015}
    deflators = {2015: Deflator(year=2015, index=50, source="t", illustrative=False),
                 2016: Deflator(year=2016, index=100, source="t", illustrative=False)}
    service = ServiceCost(1000, 2015, "test", False)
    base = savings_report(county, costs, service_cost=service, deflators=deflators)
    n, before, after, gross = base.cohort
    assert n == 8 and before > 0 and base.price_year == 2015
    assert base.net_saving == pytest.approx(gross - 8 * 1000)
    doubled = savings_report(county, costs, service_cost=service, price_year=2016, deflators=deflators)
    assert doubled.cohort[1:] == pytest.approx((2 * before, 2 * after, 2 * gross))
    assert doubled.service_cost.per_family == 2000 and doubled.net_saving == pytest.approx(2 * gross - 8 * 2000)
    with pytest.raises(SavingsError, match="no index for \\[2017\\]"):
        savings_report(county, costs, price_year=2017, deflators=deflators)


def test_deflators_are_data_marked_illustrative(tmp_path):
    shipped = load_deflators()
    assert all(d.illustrative and d.source for d in shipped.values())
    assert uprating(2015, 2016, shipped) == pytest.approx(shipped[2016].index / shipped[2015].index)
    bad = tmp_path / "deflators.csv"
    bad.write_text("year,index,source,illustrative\n2015,100,x,no\n2016,-1,x,no\n2015,99,x,no\n")
    with pytest.raises(SavingsError, match=r"deflators.csv:3: index(.|\n)*deflators.csv:4: year: 2015 appears twice"):
        load_deflators(bad)


def test_cost_of_service_from_providers_returns():
    returned = [Posting("workers", date(2015, 9, 30), 9000, "P", 3, 12),
                Posting("workers", date(2015, 12, 31), 6000, "P", 3, 8),
                Posting("admin", date(2015, 12, 1), 500, "ledger")]
    cost = service_cost_from_returns(returned)
    assert cost.per_family == 4 * 15000 / 20 and cost.price_year == 2015


@pytest.mark.django_db
def test_pf_savings_by_phase_and_entry_year_gross_and_net(county, monkeypatch):
    monkeypatch.setenv("PF_WORKSPACE", str(county.path))
    run = CliRunner().invoke(app, ["savings", "--phase", "2", "--entered", "2014-15", "--sample", "50%",
                                   "--seed", "1", "-w", str(county.path)], env={"COLUMNS": "220"})
    assert run.exit_code == 0, run.stdout + run.stderr
    assert "net saving" in run.stdout and "entered in 2014-15" in run.stdout and "2 families costed of 4" in run.stdout
    bad = CliRunner().invoke(app, ["savings", "--phase", "1", "--sample", "80", "-w", str(county.path)])
    assert bad.exit_code == 1 and "only 0" in bad.stderr
