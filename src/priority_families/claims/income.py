"""Payment-by-Results income: actual to date and forecast at a chosen success rate, by financial year.

Money is plan data (`Plan.money`, and a route's own `payment`): an attachment fee per family attached and a
results payment per claim, shared by the year of attachment where the plan splits them (national-2012). The
amounts come from the same functions the claims ledger pays with (`ledger.attachment_amount`,
`ledger.results_amount`); the case record's attachments and claims are loaded into DuckDB and every figure is
one SQL aggregate.

Results income follows the ledger: a claim brings its amount in on the date its batch was submitted, and a
withdrawal takes the amount to repay out on the date it was recorded (a month once closed is never rewritten:
`claims.life` refuses money steps dated in a closed month). Proposed and checked claims bring nothing in.

Income is never reported past the data: `as_of` must be covered by the refresh in force. Forecast: every
attached family with no claim submitted is expected to be claimed with probability `success_rate` by the plan's first
claim route and the routes claimed beside it (`ledger.expected_results`), in the financial year in which its longest results measure has been sustained, or, when that
year has already closed, in the year `as_of` falls in (a closed year's figures are actuals only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.casedb.figures import claims_standing, worked_with
from priority_families.casedb.models import Attachment, ClaimStep, StepKind
from priority_families.claims.ledger import attachment_amount, expected_results
from priority_families.core.calendar import financial_year, financial_year_sql, shift_months
from priority_families.core.engine import Workspace
from priority_families.core.sql import load_rows
from priority_families.outcomes.progress import attachment_plan
from priority_families.plans.schema import Plan
from priority_families.refresh import in_force


@dataclass(frozen=True)
class IncomeReport:
    by_plan: list[tuple]  # plan_id, attached, claimed, attachment_income, results_income, forecast_results
    by_year: list[tuple]  # financial_year, attachment_income, results_income, forecast_results
    by_month: list[tuple]  # month (YYYY-MM), results submitted, results withdrawn (negative), net
    success_rate: float
    as_of: date
    refresh_id: str


def results_wait(plan: Plan) -> int:
    """Months after attachment by which every results measure can have been sustained (at least 6)."""
    return max([m.sustained_months or 0 for h in plan.headlines for m in h.results]
               + [plan.results_timing.wait_all_months or 0, 6])


def attachment_money(as_of: date) -> list[tuple]:
    """(family_id, plan_id, attached_on, fee, expected results payment, results wait in months) of every family
    worked with on `as_of`, each at its own plan's rates as the ledger pays them (`ledger.expected_results`):
    the one reading of what an attachment is worth, for income and the cash flow."""
    rows = []
    for a in worked_with(Attachment.objects.all(), as_of).order_by("family_id"):
        plan = attachment_plan(a)
        rows.append((a.family_id, a.plan_id, a.attached_on, attachment_amount(plan, a.attached_on),
                     expected_results(plan, a.attached_on), results_wait(plan)))
    return rows


def income_report(workspace: Workspace, as_of: date, success_rate: float) -> IncomeReport:
    """Actual income to `as_of` and the forecast for families not yet claimed, per plan and per year."""
    if not 0 <= success_rate <= 1:
        raise ValueError(f"success rate {success_rate} must be between 0 and 1")
    refresh = in_force(workspace)
    refresh.require_covers(as_of, "income")
    rows = [(f, plan_id, attached_on, fee, payment,
             max(financial_year(shift_months(attached_on, wait)), financial_year(as_of)))
            for f, plan_id, attached_on, fee, payment, wait in attachment_money(as_of)]
    con = duckdb.connect()
    try:
        load_rows(con, "att", {"family_id": "VARCHAR", "plan_id": "VARCHAR", "attached_on": "DATE",
                               "fee": "DOUBLE", "payment": "DOUBLE", "expected_year": "VARCHAR"}, rows)
        load_rows(con, "money_steps", {"family_id": "VARCHAR", "step": "VARCHAR", "moved_on": "DATE", "amount": "DOUBLE"},
                  money_steps(as_of))
        load_rows(con, "standing", {"family_id": "VARCHAR"},
                  [(f,) for f in claims_standing(as_of).values_list("family_id", flat=True)])
        con.execute("CREATE TEMP TABLE family_money AS SELECT a.*, "
                    "a.family_id IN (SELECT family_id FROM standing) AS claimed, "
                    "a.family_id IN (SELECT family_id FROM money_steps) AS ever_submitted, "
                    "(SELECT SUM(amount) FROM money_steps m WHERE m.family_id = a.family_id) AS results "
                    "FROM att a")
        rate = float(success_rate)
        by_plan = con.execute(
            "SELECT plan_id, COUNT(*) AS attached, COUNT(*) FILTER (WHERE claimed) AS claimed, "
            "SUM(fee) AS attachment_income, COALESCE(SUM(results), 0) AS results_income, "
            f"COALESCE(SUM(payment) FILTER (WHERE NOT ever_submitted), 0) * {rate} AS forecast_results "
            "FROM family_money GROUP BY plan_id ORDER BY plan_id").fetchall()
        by_year = con.execute(
            "WITH flows AS ("
            f"SELECT {financial_year_sql('attached_on')} AS year, fee AS attachment, 0.0 AS results, "
            "0.0 AS forecast FROM family_money "
            f"UNION ALL SELECT {financial_year_sql('m.moved_on')}, 0.0, m.amount, 0.0 FROM money_steps m "
            "JOIN att USING (family_id) "
            f"UNION ALL SELECT expected_year, 0.0, 0.0, payment * {rate} FROM family_money WHERE NOT ever_submitted) "
            "SELECT year, SUM(attachment), SUM(results), SUM(forecast) FROM flows GROUP BY year ORDER BY year"
        ).fetchall()
        by_month = con.execute(
            "SELECT strftime(m.moved_on, '%Y-%m') AS month, SUM(amount) FILTER (WHERE step = 'submitted'), "
            "COALESCE(SUM(amount) FILTER (WHERE step = 'withdrawn'), 0), SUM(amount) "
            "FROM money_steps m JOIN att USING (family_id) GROUP BY month ORDER BY month").fetchall()
    finally:
        con.close()
    return IncomeReport(by_plan, by_year, by_month, success_rate, as_of, refresh.refresh_id)


def money_steps(as_of: date) -> list[tuple]:
    """Every money step of the ledger dated on or before `as_of`: a submission brings the claim's amount in, a
    withdrawal takes the amount to repay out (nothing for a claim withdrawn before it was submitted)."""
    rows = ClaimStep.objects.filter(step__in=(StepKind.SUBMITTED, StepKind.WITHDRAWN), on__lte=as_of).values_list(
        "claim__family_id", "step", "on", "claim__amount", "amount_to_repay")
    return [(f, step, on, float(amount) if step == StepKind.SUBMITTED else -float(repay or 0))
            for f, step, on, amount, repay in rows if step == StepKind.SUBMITTED or repay]
