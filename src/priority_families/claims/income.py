"""Payment-by-Results income: actual to date and forecast at a chosen success rate, by financial year.

Money is plan data (`Plan.money`, and a route's own `payment`): an attachment fee per family attached and a
results payment per claim, shared by the year of attachment where the plan splits them (national-2012). The
amounts come from the same functions the claims ledger pays with (`ledger.attachment_amount`,
`ledger.results_amount`); the case record's attachments and claims are loaded into DuckDB and every figure is
one SQL aggregate.

Income is never reported past the data: `as_of` must be covered by the refresh in force. Forecast: every
attached family not yet claimed is expected to be claimed with probability `success_rate` by the plan's first
claim route, in the financial year in which its longest results measure has been sustained, or, when that
year has already closed, in the year `as_of` falls in (a closed year's figures are actuals only).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.casedb.figures import worked_with
from priority_families.casedb.models import Attachment, Claim
from priority_families.claims.ledger import attachment_amount, results_amount
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
    success_rate: float
    as_of: date
    refresh_id: str


def _results_wait(plan: Plan) -> int:
    """Months after attachment by which every results measure can have been sustained (at least 6)."""
    return max([m.sustained_months or 0 for h in plan.headlines for m in h.results]
               + [plan.results_timing.wait_all_months or 0, 6])


def income_report(workspace: Workspace, as_of: date, success_rate: float) -> IncomeReport:
    """Actual income to `as_of` and the forecast for families not yet claimed, per plan and per year."""
    if not 0 <= success_rate <= 1:
        raise ValueError(f"success rate {success_rate} must be between 0 and 1")
    refresh = in_force(workspace)
    refresh.require_covers(as_of, "income")
    rows = []
    for a in worked_with(Attachment.objects.all(), as_of).order_by("family_id"):
        plan = attachment_plan(a)
        first_route = plan.claim_routes[0].id if plan.claim_routes else ""
        expected = shift_months(a.attached_on, _results_wait(plan))
        rows.append((a.family_id, a.plan_id, a.attached_on, attachment_amount(plan, a.attached_on),
                     results_amount(plan, first_route, a.attached_on) if first_route else 0,
                     max(financial_year(expected), financial_year(as_of))))
    con = duckdb.connect()
    try:
        load_rows(con, "att", {"family_id": "VARCHAR", "plan_id": "VARCHAR", "attached_on": "DATE",
                               "fee": "DOUBLE", "payment": "DOUBLE", "expected_year": "VARCHAR"}, rows)
        load_rows(con, "claims", {"family_id": "VARCHAR", "claimed_on": "DATE", "amount": "DOUBLE"},
                  list(Claim.objects.filter(claimed_on__lte=as_of).values_list("family_id", "claimed_on", "amount")))
        con.execute("CREATE TEMP TABLE family_money AS SELECT a.*, c.claimed_on, c.amount AS claimed_amount "
                    "FROM att a LEFT JOIN claims c USING (family_id)")
        rate = float(success_rate)
        by_plan = con.execute(
            "SELECT plan_id, COUNT(*) AS attached, COUNT(claimed_on) AS claimed, SUM(fee) AS attachment_income, "
            "COALESCE(SUM(claimed_amount), 0) AS results_income, "
            f"COALESCE(SUM(payment) FILTER (WHERE claimed_on IS NULL), 0) * {rate} AS forecast_results "
            "FROM family_money GROUP BY plan_id ORDER BY plan_id").fetchall()
        by_year = con.execute(
            "WITH flows AS ("
            f"SELECT {financial_year_sql('attached_on')} AS year, fee AS attachment, 0.0 AS results, "
            "0.0 AS forecast FROM family_money "
            f"UNION ALL SELECT {financial_year_sql('claimed_on')}, 0.0, claimed_amount, 0.0 FROM family_money "
            "WHERE claimed_on IS NOT NULL "
            f"UNION ALL SELECT expected_year, 0.0, 0.0, payment * {rate} FROM family_money WHERE claimed_on IS NULL) "
            "SELECT year, SUM(attachment), SUM(results), SUM(forecast) FROM flows GROUP BY year ORDER BY year"
        ).fetchall()
    finally:
        con.close()
    return IncomeReport(by_plan, by_year, success_rate, as_of, refresh.refresh_id)
