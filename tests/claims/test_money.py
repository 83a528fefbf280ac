"""Income, cost savings and the quarterly return on a small county with known attachments and claims."""

from __future__ import annotations

from datetime import date

import pytest

from identify.builders import Person, dated, spell
from outcomes.case_store import make_workspace, republish
from priority_families.claims.income import income_report
from priority_families.claims.ledger import attachment_amount, expected_results, make_claims, results_amount
from priority_families.claims.savings import SavingsError, UnitCost, load_unit_costs, savings_report
from priority_families.core.calendar import financial_year
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.plans.loader import load_plan
from priority_families.refresh import RefreshError
from priority_families.reports.returns import ReturnError, quarter_bounds, quarterly_return

from .county import WINDOW, A, _county, check_and_submit, claims_county, publish_later


def test_financial_years_and_national_split():
    assert financial_year(date(2013, 3, 31)) == "2012-13" and financial_year(date(2013, 4, 1)) == "2013-14"
    plan = load_plan("national-2012")
    for on, fee, results in ((date(2012, 6, 1), 3200, 800), (date(2013, 6, 1), 2400, 1600),
                             (date(2014, 6, 1), 1600, 2400)):
        assert attachment_amount(plan, on) == fee and results_amount(plan, "continuous_employment", on) == results
        # the Financial Framework's split of the results payment between routes: 700 / 100 of 800 in 2012-13
        assert results_amount(plan, "turned_around", on) == results * 7 / 8
        assert results_amount(plan, "progress_to_work", on) == results / 8
        # a family's expected results: the results claim and progress to work beside it, the whole payment
        assert expected_results(plan, on) == results
    notts = load_plan("nottinghamshire-2015")
    assert attachment_amount(notts, A) == 1000 and results_amount(notts, "significant_sustained", A) == 800
    assert expected_results(notts, A) == 800  # one claim per family: the first route only


@pytest.mark.django_db
def test_income_actual_and_forecast(tmp_path):
    ws = claims_county(tmp_path)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "Agency") for k in range(12)], actor="t")
    publish_later(ws)
    claimed = len(make_claims(ws, WINDOW, tmp_path / "out", actor="t").claims)
    proposed = income_report(ws, date(2016, 6, 30), success_rate=0.5)
    assert proposed.by_plan[0][2:5] == (0, 12000.0, 0.0)  # a proposed claim brings nothing in
    check_and_submit(tmp_path / "batch", on=date(2016, 6, 30))
    report = income_report(ws, date(2016, 6, 30), success_rate=0.5)
    assert report.by_plan == [("nottinghamshire-2015", 12, claimed, 12000.0, 800.0 * claimed,
                               800.0 * (12 - claimed) * 0.5)]
    years = {y: (att, res, fc) for y, att, res, fc in report.by_year}
    assert years["2015-16"] == (12000.0, 0.0, 0.0)
    assert years["2016-17"] == (0.0, 800.0 * claimed, 800.0 * (12 - claimed) * 0.5)
    before = income_report(ws, date(2015, 8, 30), success_rate=0.5)
    assert before.by_plan == [] and before.by_year == []
    with pytest.raises(ValueError):
        income_report(ws, date(2016, 6, 30), success_rate=1.5)


def _costs() -> list[UnitCost]:
    return [UnitCost(fact="offence", unit="per_event", value=1000, price_year=2015, source="test", illustrative=True),
            UnitCost(fact="benefit", kind="JSA", unit="per_week", value=70, price_year=2015, source="test",
                     illustrative=False)]


@pytest.mark.django_db
def test_savings_before_and_after_attachment(tmp_path):
    people = {"F1": [Person("P1", date(1980, 1, 1)), Person("P2", date(2005, 5, 5))]}
    facts = [dated("offence", "P1", date(2014, 9, 1)), dated("offence", "P2", date(2015, 8, 31)),
             dated("offence", "P1", date(2014, 8, 31)),  # outside the 12 months before (edge)
             dated("offence", "P2", date(2016, 8, 31)),  # last day of the 12 months after
             dated("domestic_abuse", "P1", date(2015, 7, 1)),
             spell("benefit", "P1", date(2015, 8, 18), date(2015, 9, 7), kind="JSA")]
    ws = make_workspace(tmp_path, "nottinghamshire-2015", people, facts, A)
    attach_families(ws, [AttachmentRequest("F1", A, "W", "Agency")], actor="t")
    assert savings_report(ws, _costs()).cohort[0] == 0  # the year after attachment has not passed yet
    republish(ws, "nottinghamshire-2015", people, facts, date(2016, 9, 30))
    report = savings_report(ws, _costs())
    # before: 2 offences + JSA 2015-08-18..2015-08-31 (14 days = 2 weeks); after: 1 offence + 7 days JSA
    assert report.families == [("F1", A, True, 2140.0, 1070.0, 1070.0)]
    assert report.cohort == (1, 2140.0, 1070.0, 1070.0)
    assert report.illustrative


@pytest.mark.django_db
def test_savings_sample_is_reproducible(tmp_path):
    ws = claims_county(tmp_path)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "Agency") for k in range(12)], actor="t")
    costs = load_unit_costs()
    first = savings_report(ws, costs, sample="25%", seed=3)
    assert len(first.families) == 3
    assert savings_report(ws, costs, sample="25%", seed=3).families == first.families
    assert len(savings_report(ws, costs, sample="5", seed=3).families) == 5
    for bad in ("0", "-3", "150%", "lots"):
        with pytest.raises(SavingsError):
            savings_report(ws, costs, sample=bad)


def test_starter_unit_costs_are_marked_illustrative_and_cite_sources(tmp_path):
    costs = load_unit_costs()
    assert costs and all(c.illustrative and c.source for c in costs)
    bad = tmp_path / "costs.csv"
    bad.write_text("fact,kind,unit,value,price_year,source,illustrative\noffence,,per_year,10,2015,x,no\n")
    with pytest.raises(SavingsError, match="costs.csv:2"):
        load_unit_costs(bad)


@pytest.mark.django_db
def test_quarterly_return(tmp_path):
    ws = claims_county(tmp_path)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "Police" if k % 2 else "Social care")
                         for k in range(12)], actor="t")
    publish_later(ws)
    claimed = make_claims(ws, WINDOW, tmp_path / "out", actor="t").claims
    assert quarterly_return(ws, "2016Q2").claims_by_route == []  # proposed, not yet claimed
    check_and_submit(tmp_path / "batch", on=date(2016, 6, 30))
    r = quarterly_return(ws, "2016Q2")
    assert (r.start, r.end) == (date(2016, 4, 1), date(2016, 6, 30))
    assert r.identified == 12 and r.attached_in_quarter == 0 and r.worked_with == 12
    assert sum(n for _route, n, _to_date, _withdrawn in r.claims_by_route) == len(claimed)
    # the re-offending families' last offence (2016-05-01) leaves the window on 2016-11-01: not next quarter
    assert r.predicted_next_quarter == 0
    assert r.by_agency == [("Police", 0, 6), ("Social care", 0, 6)]
    assert r.area_by_agency == [("NG7", "Police", 6), ("NG7", "Social care", 6)]
    assert set(r.tables()) == {"return_summary", "return_claims_by_route", "return_by_area", "return_by_agency",
                               "return_area_by_agency"}
    q3 = quarterly_return(ws, "2015Q3")
    assert q3.attached_in_quarter == 12 and q3.claims_by_route == []  # no claim existed at the end of 2015Q3
    with pytest.raises(ReturnError):
        quarter_bounds("2015Q5")


@pytest.mark.django_db
def test_no_forecast_lands_in_a_closed_financial_year(tmp_path):
    """Income as of 2017-06-30 (2017-18) once put families' expected results into 2016-17, a year already closed."""
    ws = claims_county(tmp_path, families=4)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "Agency") for k in range(4)], actor="t")
    publish_later(ws, 4, as_of=date(2017, 6, 30))
    report = income_report(ws, date(2017, 6, 30), success_rate=1.0)
    forecast_years = {year for year, _fees, _results, forecast in report.by_year if forecast}
    assert forecast_years == {"2017-18"}
    assert sum(f for *_, f in report.by_year) == 800.0 * 4  # every unclaimed family, at 100%, once
    with pytest.raises(RefreshError, match="income on 2017-07-31 is after the refresh in force"):
        income_report(ws, date(2017, 7, 31), success_rate=0.5)


@pytest.mark.django_db
def test_a_return_is_the_same_file_when_run_again_after_a_later_refresh(tmp_path):
    """`pf return` once took "identified" from the latest refresh, so a past quarter changed after every refresh."""
    ws = claims_county(tmp_path)
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "Agency") for k in range(6)], actor="t")
    publish_later(ws, as_of=date(2016, 6, 30))
    make_claims(ws, WINDOW, tmp_path / "out", actor="t")
    check_and_submit(tmp_path / "batch", on=date(2016, 6, 30))
    first = quarterly_return(ws, "2016Q2")
    assert first.refresh_as_of == date(2016, 6, 30) and first.worked_with == 6
    people, facts = _county(12)
    for gone in ("F10", "F11"):  # the next refresh no longer finds two families
        ids = {p.person_id for p in people.pop(gone)}
        facts = [f for f in facts if f.person_id not in ids]
    republish(ws, "nottinghamshire-2015", people, facts, date(2016, 12, 31))
    again = quarterly_return(ws, "2016Q2")
    assert again.tables() == first.tables()
    latest = quarterly_return(ws, "2016Q4")
    assert latest.identified != first.identified and latest.refresh_as_of == date(2016, 12, 31)
