"""The financial plan, spend files and the monthly cash flow, on the small claims county with a hand-built plan."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from priority_families.claims.finance import CASHFLOW_COLUMNS, cash_flow
from priority_families.claims.finance_report import write_finance
from priority_families.claims.income import results_wait
from priority_families.claims.ledger import make_claims
from priority_families.claims.life import check_claims, submit_batch
from priority_families.claims.spend import SpendError, read_spend
from priority_families.cli.app import app
from priority_families.core.calendar import shift_months
from priority_families.outcomes.attach import AttachmentRequest, attach_families
from priority_families.plans.finance import load_financial_plan, shipped_financial_plans
from priority_families.plans.loader import PlanError, load_plan
from priority_families.refresh import RefreshError

from .county import WINDOW, A, claims_county, publish_later

PLAN = """\
id: test-finance
name: Test financial plan
authority: Test County
outcomes_plan: nottinghamshire-2015
start: 2015-04-01
end: 2017-03-31
opening_reserve: 1000
targets: {2015-16: 12, 2016-17: 20}
scenario_share: 0.5
grants:
  - id: coordination
    name: Coordination grant
    by_year: {2015-16: 12000, 2016-17: 24000}
contributions:
  - id: police
    partner: Police
    name: Police contribution
    by_year: {2016-17: 1200}
budget:
  - id: workers
    name: Family workers
    by_year: {2015-16: 36000, 2016-17: 36000}
    actuals_from: provider_returns
    provider: Provider P
  - id: admin
    name: Administration
    by_year: {2015-16: 1200, 2016-17: 2400}
phases:
  - {id: "1", name: Phase 1, plans: [national-2012]}
  - {id: "2", name: Phase 2, plans: [nottinghamshire-2015]}
cost_of_service: {per_family: 1000, price_year: 2015, source: test}
"""
LEDGER = ("posted_on,budget_line,amount,reference\n2015-08-15,admin,150.00,J1\n2016-06-10,admin,300.00,J2\n"
          "2016-10-01,admin,999.00,J3\n")
RETURN = ("provider,quarter,budget_line,spend,families_supported\nProvider P,2015Q3,workers,9000.00,12\n"
          "Provider P,2016Q2,workers,6000.00,10\n")
AS_OF = date(2016, 7, 31)


def write_inputs(folder: Path, plan: str = PLAN, ledger: str = LEDGER, ret: str = RETURN) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = folder / "plan.yaml", folder / "ledger.csv", folder / "return.csv"
    for path, text in zip(paths, (plan, ledger, ret), strict=True):
        path.write_text(text)
    return paths


def test_the_shipped_financial_plan_validates_and_takes_its_rates_from_an_outcomes_plan():
    assert "demo-county-2015" in shipped_financial_plans()
    plan = load_financial_plan("demo-county-2015")
    assert plan.years == ["2015-16", "2016-17", "2017-18", "2018-19", "2019-20"]
    assert load_plan(plan.outcomes_plan).money.attachment_fee == 1000 and plan.any_illustrative
    assert plan.phase_of_plans()["national-2012"] == "1"


@pytest.mark.parametrize(("change", "line", "field"), [
    ("2016-17: 24000}", 13, "grants[coordination].by_year"),  # a year past the programme's end
    ("actuals_from: provider_returns\n", 20, "budget[workers]"),  # a provider line with no provider
])
def test_a_bad_financial_plan_names_file_line_and_field(tmp_path, change, line, field):
    bad = {"2016-17: 24000}": PLAN.replace("2016-17: 24000}", "2016-17: 24000, 2017-18: 5}"),
           "actuals_from: provider_returns\n": PLAN.replace("    provider: Provider P\n", "")}[change]
    path, _, _ = write_inputs(tmp_path, plan=bad)
    with pytest.raises(PlanError) as caught:
        load_financial_plan(path)
    problem = caught.value.problems[0]
    assert problem.file == str(path) and problem.field.startswith(field) and problem.line == line, problem


def test_bad_spend_rows_are_refused_with_file_line_and_column(tmp_path):
    plan_path, ledger, ret = write_inputs(
        tmp_path, ledger=LEDGER + "2016-02-30,admin,10,J4\n2016-01-05,workers,10,J5\n2016-01-05,admin,1.234,J6\n",
        ret=RETURN + "Provider P,2016Q2,workers,5.00,3\nProvider Q,2016Q5,admin,-1,x\n")
    with pytest.raises(SpendError) as caught:
        read_spend(load_financial_plan(plan_path), ledger, [ret])
    found = {(Path(p.file).name, p.line, p.column) for p in caught.value.problems}
    assert found == {("ledger.csv", 5, "posted_on"), ("ledger.csv", 6, "budget_line"), ("ledger.csv", 7, "amount"),
                     ("return.csv", 4, "quarter"), ("return.csv", 5, "provider"), ("return.csv", 5, "quarter"),
                     ("return.csv", 5, "spend"), ("return.csv", 5, "families_supported")}
    assert "reported by Provider P's returns, not the ledger" in str(caught.value)


def _county(tmp_path: Path):
    ws = claims_county(tmp_path / "ws")
    attach_families(ws, [AttachmentRequest(f"F{k}", A, "W", "Agency") for k in range(12)], actor="t")
    publish_later(ws)
    claimed = len(make_claims(ws, WINDOW, tmp_path / "claims", actor="t").claims)
    end = date(2016, 6, 30)  # checked and submitted on the window's last day: income in June
    check_claims(WINDOW, None, by="Claims officer", actor="t", on=end)
    submit_batch(WINDOW, signed_by="Head of service", on=end, out=tmp_path / "claims", actor="t")
    return ws, claimed


@pytest.mark.django_db
def test_a_months_figures_are_reproduced_from_the_inputs(tmp_path):
    ws, claimed = _county(tmp_path)
    plan_path, ledger, ret = write_inputs(tmp_path / "in")
    plan = load_financial_plan(plan_path)
    flow = cash_flow(ws, plan, AS_OF, read_spend(plan, ledger, [ret]), "tester")
    months = {r[0]: dict(zip(CASHFLOW_COLUMNS, r, strict=True)) for r in flow.months}
    assert len(months) == 24 and flow.left_out == 1  # the ledger posting of October 2016 is after as_of
    aug = months[date(2015, 8, 1)]  # attachment month: 12 fees; a twelfth of the grant; ledger + a third of Q3
    assert (aug["basis"], aug["families_attached"], aug["income_attachment_fees"]) == ("actual", 12, 12000)
    assert aug["income_grants"] == 1000 and aug["income_total"] == 13000
    assert (aug["spend"], aug["spend_budget"]) == (150 + 3000, 3000 + 100) and aug["net"] == 13000 - 3150
    assert aug["cost_per_family_worked_with"] == round((3000 + 3150) / 12, 2)  # July (a third of Q3) and August
    jun = months[date(2016, 6, 1)]  # the claims' month
    assert jun["income_results"] == 800 * claimed and jun["income_contributions"] == 100
    assert jun["spend"] == 300 + 2000
    jul = months[date(2016, 7, 1)]  # the ledger is actual to as_of, the provider only to its last quarter
    assert (jul["basis"], jul["spend"]) == ("actual", 3000)
    assert flow.claim_rate == claimed / 12  # every family's results wait ended by as_of
    wait = results_wait(load_plan("nottinghamshire-2015"))
    aug16 = months[date(2016, 8, 1)]  # forecast: 20 to attach in 2016-17, none yet, 8 months left
    assert (aug16["basis"], aug16["families_attached"], aug16["income_attachment_fees"]) == ("forecast", 2.5, 2500)
    assert aug16["scenario_families_attached"] == 1.25 and aug16["spend"] == 3000 + 200
    landing = shift_months(date(2016, 8, 1), wait)
    if landing in months:
        assert months[landing]["income_results"] == round(2.5 * 800 * claimed / 12, 2)
    reserve = 1000.0
    for row in flow.months:
        reserve += row[CASHFLOW_COLUMNS.index("net")]
        assert abs(row[CASHFLOW_COLUMNS.index("reserve")] - reserve) < 0.05
    with pytest.raises(RefreshError, match="finance actuals on 2017-01-31"):
        cash_flow(ws, plan, date(2017, 1, 31), [], "tester")


@pytest.mark.django_db
def test_the_workbook_has_metadata_and_a_native_chart(tmp_path):
    ws, _ = _county(tmp_path)
    plan_path, ledger, ret = write_inputs(tmp_path / "in")
    plan = load_financial_plan(plan_path)
    flow = cash_flow(ws, plan, AS_OF, read_spend(plan, ledger, [ret]), "tester")
    files = write_finance(tmp_path / "out", flow, pdf=False)
    with zipfile.ZipFile(files.workbook) as book:
        names = book.namelist()
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "xl/charts/chart1.xml" in names and "xl/chartsheets/sheet1.xml" in names
    assert flow.refresh_id in strings and "2016-07-31" in strings and "tester" in strings
    assert files.cashflow_csv.read_text().splitlines()[0].split(",") == list(CASHFLOW_COLUMNS)
    assert "Month by month" in files.html.read_text()
    from workbooks import assert_laid_out, assert_metadata

    assert_metadata(files.workbook, as_of=AS_OF.isoformat(), refresh_id=flow.refresh_id)
    assert_laid_out(files.workbook, 2)


@pytest.mark.django_db
def test_pf_finance_refuses_a_bad_spend_file_and_writes_nothing(tmp_path, monkeypatch):
    ws, _ = _county(tmp_path)
    monkeypatch.setenv("PF_WORKSPACE", str(ws.path))
    plan_path, ledger, ret = write_inputs(tmp_path / "in", ledger=LEDGER + "2016-01-05,admin,ten,J9\n")
    out = tmp_path / "finance"
    args = ["finance", "--as-of", "2016-07-31", "--out", str(out), "--financial-plan", str(plan_path),
            "--ledger", str(ledger), "--returns", str(ret), "--no-pdf", "-w", str(ws.path)]
    bad = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert bad.exit_code == 1 and "ledger.csv:5: amount: not an amount" in bad.stderr and not out.exists()
    ledger.write_text(LEDGER)
    good = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert good.exit_code == 0, good.stdout + good.stderr
    assert (out / "finance.xlsx").exists() and "2016-17" in good.stdout
