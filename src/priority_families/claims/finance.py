"""The programme's cash flow, month by month to its end: income by stream, spend against budget, net, reserve.

Seed 002 asks for "regular financial reporting and analysis including cash flow forecasting". Every figure
comes from data: the financial plan (`plans.finance`), the case record's attachments and claims, paid at the
rates the claims ledger pays (`ledger.attachment_amount`, `ledger.results_amount`, a claim's own `amount`), and
the actual spend of the ledger export and the providers' returns (`claims.spend`). Rows are loaded into DuckDB
and each month's figures are SQL aggregates.

- **Actual** months are those that start on or before `as_of`, which the refresh in force must cover
  (`PublishedRefresh.require_covers`): attachment fees in the month of attachment, results in the month a
  claim was dated. Nothing after `as_of` counts as actual; postings and returns dated later are left out.
- **Forecast** months follow. Attachments: the year's target (times the scenario's share) less the families
  already attached that year, spread evenly over its remaining months. Results: the observed claim rate (claimed
  families among those attached long enough for their results to have been sustained, `results_wait`; the
  plan's `assumed_claim_rate` until one has), paid the Outcomes Plan's first route's payment in the month the
  wait ends. A family whose wait ended unclaimed is not forecast again.
- **Grants and contributions** are paid as scheduled, in equal monthly instalments of each year's amount.
- **Spend**: each budget line's actuals run to the last month its source covers (the ledger: `as_of`; a
  provider: the last quarter it returned, spread over that quarter's months); later months are forecast at
  the budget. Net is income less spend; the reserve is the opening reserve plus every month's net so far.
- **Cost per family worked with**: spend to date over the families worked with at the month's end
  (`casedb.figures.worked_with`; forecast attachments count in forecast months).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from priority_families.claims.income import attachment_money, money_steps, results_wait
from priority_families.claims.ledger import attachment_amount, results_amount
from priority_families.claims.spend import Posting
from priority_families.core.calendar import financial_year, financial_year_sql, shift_months
from priority_families.core.engine import Workspace
from priority_families.core.sql import load_rows
from priority_families.plans.finance import FinancialPlan
from priority_families.plans.loader import load_plan
from priority_families.refresh import in_force

CASHFLOW_COLUMNS = (
    "month", "financial_year", "basis", "families_attached", "worked_with", "income_attachment_fees",
    "income_results", "income_grants", "income_contributions", "income_total", "spend_budget", "spend",
    "spend_variance", "net", "reserve", "cost_per_family_worked_with", "scenario_families_attached",
    "scenario_income_total", "scenario_net", "scenario_reserve")
STREAM_COLUMNS = ("month", "financial_year", "section", "stream", "basis", "budget", "amount", "scenario_amount")


@dataclass(frozen=True)
class CashFlow:
    """The cash flow and what it was made from (for the metadata sheet and the page a finance officer files)."""

    plan: FinancialPlan
    plan_sha256: str
    as_of: date
    refresh_id: str
    refresh_as_of: date
    claim_rate: float
    claim_rate_basis: str
    scenario_share: float
    months: list[tuple]  # CASHFLOW_COLUMNS
    streams: list[tuple]  # STREAM_COLUMNS
    by_year: list[tuple]  # financial_year, section, stream, budget, amount, scenario_amount
    actual_through: dict[str, date | None]  # budget line -> last month-end its actuals cover
    left_out: int  # postings dated after as_of
    produced_by: str
    produced_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))

    def metadata(self) -> list[tuple[str, str]]:
        through = "; ".join(f"{k}: {v or 'no actuals (budget)'}" for k, v in self.actual_through.items())
        return [
            ("financial plan", f"{self.plan.id} - {self.plan.name}"),
            ("financial plan sha256", self.plan_sha256),
            ("authority", self.plan.authority),
            ("outcomes plan (rates)", self.plan.outcomes_plan),
            ("as_of (actuals to)", self.as_of.isoformat()),
            ("refresh in force", f"{self.refresh_id} (as of {self.refresh_as_of.isoformat()})"),
            ("programme", f"{self.plan.start.isoformat()} to {self.plan.end.isoformat()}"),
            ("claim rate", f"{self.claim_rate:.3f} ({self.claim_rate_basis})"),
            ("scenario", f"{self.scenario_share:.0%} of the target"),
            ("spend actuals through", through),
            ("postings after as_of, left out", str(self.left_out)),
            ("illustrative figures", "yes: the plan holds illustrative values" if self.plan.any_illustrative
             else "no"),
            ("produced by", self.produced_by),
            ("produced at", self.produced_at.isoformat(sep=" ")),
        ]


def _months(plan: FinancialPlan) -> list[date]:
    first, last = plan.start.replace(day=1), plan.end.replace(day=1)
    out = [first]
    while out[-1] < last:
        out.append(shift_months(out[-1], 1))
    return out


def _case_record(as_of: date) -> tuple[list[tuple], list[tuple]]:
    """(attachments, money steps of the claims ledger) to `as_of`: each attachment at its own plan's rates, as
    the ledger pays them; a submitted claim's amount in on its submission date, a withdrawal's repayment out on
    its own date (`income.money_steps`, the one reading of the ledger's money)."""
    attachments = [(f, attached_on, fee, payment, wait)
                   for f, _plan, attached_on, fee, payment, wait in attachment_money(as_of)]
    return attachments, [(f, on, amount) for f, _step, on, amount in money_steps(as_of)]


def _schedules(plan: FinancialPlan, months: list[date]) -> list[tuple]:
    """(month, section, stream, budget) of the plan's grants, contributions and budget lines, a twelfth of
    each year's amount a month (plan data: a few hundred rows, not records)."""
    rows = []
    for m in months:
        fy = financial_year(m)
        rows += [(m, "grant", g.id, g.by_year.get(fy, 0.0) / 12) for g in plan.grants]
        rows += [(m, "contribution", c.id, c.by_year.get(fy, 0.0) / 12) for c in plan.contributions]
        rows += [(m, "spend", b.id, b.by_year.get(fy, 0.0) / 12) for b in plan.budget]
    return rows


def _rates(plan: FinancialPlan, months: list[date]) -> tuple[list[tuple], int]:
    """(month, attachment fee, results payment) at the Outcomes Plan's rates for a family attached in each
    month, and its results wait in months."""
    outcomes = load_plan(plan.outcomes_plan)
    route = outcomes.claim_routes[0].id if outcomes.claim_routes else ""
    rows = [(m, attachment_amount(outcomes, m), results_amount(outcomes, route, m) if route else 0) for m in months]
    return rows, results_wait(outcomes)


def _load(con: duckdb.DuckDBPyConnection, plan: FinancialPlan, as_of: date, postings: list[Posting],
          ledger_given: bool) -> int:
    """Every input as a temp table; returns the results wait of the Outcomes Plan for forecast families."""
    months = _months(plan)
    attachments, claims = _case_record(as_of)
    rates, wait = _rates(plan, months)
    load_rows(con, "months", {"month": "DATE"}, [(m,) for m in months])
    load_rows(con, "att", {"family_id": "VARCHAR", "attached_on": "DATE", "fee": "DECIMAL(12,2)",
                           "payment": "DECIMAL(12,2)", "wait_months": "INTEGER"}, attachments)
    load_rows(con, "claims", {"family_id": "VARCHAR", "claimed_on": "DATE", "amount": "DECIMAL(12,2)"}, claims)
    load_rows(con, "rates", {"month": "DATE", "fee": "DOUBLE", "payment": "DOUBLE"}, rates)
    load_rows(con, "targets", {"financial_year": "VARCHAR", "target": "DOUBLE"}, list(plan.targets.items()))
    load_rows(con, "schedule", {"month": "DATE", "section": "VARCHAR", "stream": "VARCHAR", "amount": "DOUBLE"},
              _schedules(plan, months))
    load_rows(con, "postings", {"budget_line": "VARCHAR", "on_date": "DATE", "amount": "DECIMAL(14,2)",
                                "source": "VARCHAR", "months": "INTEGER"},
              [(p.budget_line, p.on, p.amount, p.source, p.months) for p in postings])
    load_rows(con, "lines", {"budget_line": "VARCHAR", "actuals_from": "VARCHAR"},
              [(b.id, b.actuals_from) for b in plan.budget])
    con.execute(
        "CREATE TEMP TABLE through AS SELECT l.budget_line, CASE WHEN l.actuals_from = 'ledger' THEN "
        f"CASE WHEN {bool(ledger_given)} THEN ? END ELSE MAX(p.on_date) FILTER (WHERE p.on_date <= ?) END AS through "
        "FROM lines l LEFT JOIN postings p USING (budget_line) GROUP BY l.budget_line, l.actuals_from", [as_of, as_of])
    return wait


def _claim_rate(con: duckdb.DuckDBPyConnection, plan: FinancialPlan, as_of: date) -> tuple[float, str]:
    """Claimed among the families whose results wait has ended by as_of; the plan's assumption until any has."""
    matured, claimed = con.execute(
        "SELECT COUNT(*), COUNT(c.family_id) FROM att a LEFT JOIN (SELECT family_id FROM claims GROUP BY family_id "
        "HAVING SUM(amount) > 0) c USING (family_id) "
        "WHERE CAST(a.attached_on + TO_MONTHS(a.wait_months) AS DATE) <= ?", [as_of]).fetchone()
    if not matured:
        return plan.assumed_claim_rate, "assumed in the financial plan: no family's results wait has ended"
    return claimed / matured, f"observed: {claimed} claimed of {matured} families whose results wait has ended"


def _flows_sql(as_of: date, rate: float, wait: int, share: float) -> str:
    """Every flow as (month, section, stream, basis, budget, amount, scenario_amount)."""
    d = f"DATE '{as_of.isoformat()}'"
    first_forecast = f"CAST(DATE_TRUNC('month', {d}) + INTERVAL 1 MONTH AS DATE)"
    return f"""
    WITH actual_year AS (
        SELECT {financial_year_sql('attached_on')} AS financial_year, COUNT(*) AS attached FROM att GROUP BY 1),
    forecast_months AS (
        SELECT m.month, {financial_year_sql('m.month')} AS financial_year FROM months m
        WHERE m.month >= {first_forecast}),
    pipeline AS (
        SELECT f.month, r.fee, r.payment,
               GREATEST(0, COALESCE(t.target, 0) - COALESCE(y.attached, 0))
                   / COUNT(*) OVER (PARTITION BY f.financial_year) AS n_base,
               GREATEST(0, {share} * COALESCE(t.target, 0) - COALESCE(y.attached, 0))
                   / COUNT(*) OVER (PARTITION BY f.financial_year) AS n_scenario
        FROM forecast_months f JOIN rates r USING (month)
        LEFT JOIN targets t USING (financial_year) LEFT JOIN actual_year y USING (financial_year)),
    waiting AS (
        SELECT GREATEST(DATE_TRUNC('month', a.attached_on + TO_MONTHS(a.wait_months)), {first_forecast}) AS month,
               a.payment
        FROM att a LEFT JOIN claims c USING (family_id)
        WHERE c.family_id IS NULL AND CAST(a.attached_on + TO_MONTHS(a.wait_months) AS DATE) > {d}),
    spread AS (
        SELECT p.budget_line, p.source,
               CAST(DATE_TRUNC('month', p.on_date) - TO_MONTHS(CAST(s.i AS INTEGER)) AS DATE) AS month, p.on_date, p.amount / p.months AS amount
        FROM postings p, (SELECT UNNEST(RANGE(3)) AS i) s WHERE s.i < p.months),
    actual_spend AS (
        SELECT s.budget_line, s.month, SUM(s.amount) AS amount FROM spread s JOIN through t USING (budget_line)
        WHERE s.on_date <= {d} AND s.month <= t.through GROUP BY ALL)
    SELECT CAST(DATE_TRUNC('month', attached_on) AS DATE) AS month, 'income' AS section, 'attachment_fees' AS stream,
           'actual' AS basis, CAST(NULL AS DOUBLE) AS budget, CAST(SUM(fee) AS DOUBLE) AS amount,
           CAST(SUM(fee) AS DOUBLE) AS scenario_amount FROM att GROUP BY 1
    UNION ALL SELECT CAST(DATE_TRUNC('month', claimed_on) AS DATE), 'income', 'results', 'actual', NULL,
           SUM(amount), SUM(amount) FROM claims GROUP BY 1
    UNION ALL SELECT month, 'income', 'attachment_fees', 'forecast', NULL, n_base * fee, n_scenario * fee
           FROM pipeline
    UNION ALL SELECT CAST(month + TO_MONTHS({wait}) AS DATE), 'income', 'results', 'forecast', NULL,
           n_base * payment * {rate}, n_scenario * payment * {rate} FROM pipeline
    UNION ALL SELECT CAST(month AS DATE), 'income', 'results', 'forecast', NULL, SUM(payment) * {rate},
           SUM(payment) * {rate} FROM waiting GROUP BY month
    UNION ALL SELECT month, section, stream, 'scheduled', NULL, amount, amount FROM schedule
           WHERE section <> 'spend'
    UNION ALL SELECT b.month, 'spend', b.stream,
           CASE WHEN b.month <= t.through THEN 'actual' ELSE 'forecast' END, b.amount,
           CASE WHEN b.month <= t.through THEN COALESCE(a.amount, 0) ELSE b.amount END,
           CASE WHEN b.month <= t.through THEN COALESCE(a.amount, 0) ELSE b.amount END
           FROM schedule b LEFT JOIN through t ON t.budget_line = b.stream
           LEFT JOIN actual_spend a ON a.budget_line = b.stream AND a.month = b.month
           WHERE b.section = 'spend'
    UNION ALL SELECT month, 'forecast_attachments', 'families', 'forecast', NULL, n_base, n_scenario FROM pipeline
    """


MONTHLY_SQL = f"""
WITH f AS (SELECT * FROM flows WHERE month IN (SELECT month FROM months)),
per_month AS (
    SELECT m.month,
      COALESCE(SUM(f.amount) FILTER (WHERE f.section = 'forecast_attachments'), 0) AS forecast_attached,
      COALESCE(SUM(f.scenario_amount) FILTER (WHERE f.section = 'forecast_attachments'), 0) AS scenario_attached,
      COALESCE(SUM(f.amount) FILTER (WHERE f.stream = 'attachment_fees'), 0) AS fees,
      COALESCE(SUM(f.amount) FILTER (WHERE f.stream = 'results'), 0) AS results,
      COALESCE(SUM(f.amount) FILTER (WHERE f.section = 'grant'), 0) AS grants,
      COALESCE(SUM(f.amount) FILTER (WHERE f.section = 'contribution'), 0) AS contributions,
      COALESCE(SUM(f.scenario_amount) FILTER (WHERE f.section IN ('income', 'grant', 'contribution')), 0)
          AS scenario_income,
      COALESCE(SUM(f.budget) FILTER (WHERE f.section = 'spend'), 0) AS budget,
      COALESCE(SUM(f.amount) FILTER (WHERE f.section = 'spend'), 0) AS spend
    FROM months m LEFT JOIN f USING (month) GROUP BY m.month),
counted AS (
    SELECT p.*, (SELECT COUNT(*) FROM att a WHERE DATE_TRUNC('month', a.attached_on) = p.month) AS attached,
      fees + results + grants + contributions AS income
    FROM per_month p),
running AS (
    SELECT *, attached + forecast_attached AS families,
      SUM(attached + forecast_attached) OVER w AS worked_with, SUM(spend) OVER w AS spend_to_date,
      SUM(income - spend) OVER w AS net_to_date, SUM(scenario_income - spend) OVER w AS scenario_net_to_date,
      attached + scenario_attached AS scenario_families
    FROM counted WINDOW w AS (ORDER BY month))
SELECT month, {financial_year_sql('month')} AS financial_year, CASE WHEN month <= $as_of THEN 'actual' ELSE 'forecast' END,
  ROUND(families, 2), ROUND(worked_with, 2), ROUND(fees, 2), ROUND(results, 2), ROUND(grants, 2),
  ROUND(contributions, 2), ROUND(income, 2), ROUND(budget, 2), ROUND(spend, 2), ROUND(spend - budget, 2),
  ROUND(income - spend, 2), ROUND($reserve + net_to_date, 2),
  CASE WHEN worked_with > 0 THEN ROUND(spend_to_date / worked_with, 2) END,
  ROUND(scenario_families, 2), ROUND(scenario_income, 2), ROUND(scenario_income - spend, 2),
  ROUND($reserve + scenario_net_to_date, 2)
FROM running ORDER BY month
"""


def cash_flow(workspace: Workspace, plan: FinancialPlan, as_of: date, postings: list[Posting], produced_by: str,
              scenario_share: float | None = None, ledger_given: bool = True) -> CashFlow:
    """The month-by-month cash flow of `plan` with actuals to `as_of` (covered by the refresh in force)."""
    refresh = in_force(workspace)
    refresh.require_covers(as_of, "finance actuals")
    if not plan.start <= as_of <= plan.end:
        raise ValueError(f"as_of {as_of} is outside the programme {plan.start} to {plan.end}")
    share = plan.scenario_share if scenario_share is None else scenario_share
    if not 0 < share <= 2:
        raise ValueError(f"scenario share {share} must be above 0 and at most 2")
    con = duckdb.connect()
    try:
        wait = _load(con, plan, as_of, postings, ledger_given)
        rate, basis = _claim_rate(con, plan, as_of)
        con.execute(f"CREATE TEMP TABLE flows AS {_flows_sql(as_of, rate, wait, share)}")
        months = con.execute(MONTHLY_SQL, {"as_of": as_of, "reserve": plan.opening_reserve}).fetchall()
        streams = con.execute(
            f"SELECT month, {financial_year_sql('month')}, section, stream, basis, ROUND(SUM(budget), 2), ROUND(SUM(amount), 2), "
            "ROUND(SUM(scenario_amount), 2) FROM flows WHERE month IN (SELECT month FROM months) "
            "AND section <> 'forecast_attachments' GROUP BY ALL ORDER BY month, section, stream, basis").fetchall()
        by_year = con.execute(
            f"SELECT {financial_year_sql('month')} AS financial_year, section, stream, ROUND(SUM(budget), 2), ROUND(SUM(amount), 2), "
            "ROUND(SUM(scenario_amount), 2) FROM flows WHERE month IN (SELECT month FROM months) "
            "AND section <> 'forecast_attachments' GROUP BY ALL ORDER BY ALL").fetchall()
        through = dict(con.execute("SELECT budget_line, through FROM through").fetchall())
        left_out = con.execute("SELECT COUNT(*) FROM postings WHERE on_date > ?", [as_of]).fetchone()[0]
    finally:
        con.close()
    return CashFlow(plan, plan_sha256(plan), as_of, refresh.refresh_id, refresh.as_of,
                    rate, basis, share, months, streams, by_year, {b.id: through.get(b.id) for b in plan.budget},
                    left_out, produced_by)


def plan_sha256(plan: FinancialPlan) -> str:
    """The financial plan's fingerprint: sha256 of its canonical JSON (what the cash flow was computed from)."""
    return hashlib.sha256(plan.model_dump_json().encode()).hexdigest()
