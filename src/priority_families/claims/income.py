"""Payment-by-Results income: actual to date and forecast at a chosen success rate, by financial year.

Money is plan data (`Plan.money`): an attachment fee per family attached and a results payment per
claim; national-2012 splits its payment between attachment and results by the year of attachment. The
case record's attachments and claims are loaded into DuckDB beside a small table of each plan's money,
and every figure is one SQL aggregate.

Forecast: every attached family not yet claimed is expected to be claimed with probability
`success_rate`, in the financial year in which its longest results measure has been sustained (the
earliest it could be claimed by significant and sustained progress).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from priority_families.claims.models import Claim
from priority_families.outcomes.models import Attachment
from priority_families.outcomes.progress import attachment_plan

FY_SQL = ("(CASE WHEN MONTH({d}) >= 4 THEN YEAR({d}) ELSE YEAR({d}) - 1 END)")


def _fy(column: str) -> str:
    start = FY_SQL.format(d=column)
    return f"(CAST({start} AS VARCHAR) || '-' || LPAD(CAST(({start} + 1) % 100 AS VARCHAR), 2, '0'))"


@dataclass(frozen=True)
class IncomeReport:
    by_plan: list[tuple]  # plan_id, attached, claimed, attachment_income, results_income, forecast_results
    by_year: list[tuple]  # financial_year, attachment_income, results_income, forecast_results
    success_rate: float


def income_report(as_of: date, success_rate: float) -> IncomeReport:
    """Actual income to `as_of` and the forecast for families not yet claimed, per plan and per year."""
    if not 0 <= success_rate <= 1:
        raise ValueError(f"success rate {success_rate} must be between 0 and 1")
    con = duckdb.connect()
    try:
        _load_frames(con)
        con.execute(
            "CREATE TEMP TABLE family_money AS SELECT a.family_id, a.plan_id, a.attached_on, "
            f"{_fy('a.attached_on')} AS attached_year, c.claimed_on, CAST(c.amount AS DOUBLE) AS claimed_amount, "
            "COALESCE(y.fee, d.fee) AS fee, COALESCE(y.payment, d.payment) AS payment, d.wait, "
            f"{_fy('CAST(a.attached_on + TO_MONTHS(CAST(d.wait AS INTEGER)) AS DATE)')} AS expected_year "
            "FROM att a LEFT JOIN claims c ON c.family_id = a.family_id AND c.claimed_on <= ? "
            f"LEFT JOIN money y ON y.plan_id = a.plan_id AND y.year = {_fy('a.attached_on')} "
            "JOIN money d ON d.plan_id = a.plan_id AND d.year IS NULL WHERE a.attached_on <= ?",
            [as_of, as_of])
        rate = float(success_rate)
        by_plan = con.execute(
            "SELECT plan_id, COUNT(*) AS attached, COUNT(claimed_on) AS claimed, SUM(fee) AS attachment_income, "
            "COALESCE(SUM(claimed_amount), 0) AS results_income, "
            f"COALESCE(SUM(payment) FILTER (WHERE claimed_on IS NULL), 0) * {rate} AS forecast_results "
            "FROM family_money GROUP BY plan_id ORDER BY plan_id").fetchall()
        by_year = con.execute(
            "WITH flows AS ("
            "SELECT attached_year AS year, fee AS attachment, 0.0 AS results, 0.0 AS forecast FROM family_money "
            f"UNION ALL SELECT {_fy('claimed_on')}, 0.0, claimed_amount, 0.0 FROM family_money "
            "WHERE claimed_on IS NOT NULL "
            f"UNION ALL SELECT expected_year, 0.0, 0.0, payment * {rate} FROM family_money WHERE claimed_on IS NULL) "
            "SELECT year, SUM(attachment), SUM(results), SUM(forecast) FROM flows GROUP BY year ORDER BY year"
        ).fetchall()
    finally:
        con.close()
    return IncomeReport(by_plan, by_year, success_rate)


def _load_frames(con: duckdb.DuckDBPyConnection) -> None:
    """Load the case record's attachments, claims and plan money as DuckDB tables."""
    attachments = list(Attachment.objects.values_list("family_id", "plan_id", "attached_on"))
    plans = {}
    for plan_id, sha in sorted(set(Attachment.objects.values_list("plan_id", "plan_sha256"))):
        plans[plan_id] = attachment_plan(Attachment.objects.filter(plan_sha256=sha).first())
    money = []
    for plan_id, plan in plans.items():
        wait = max([m.sustained_months or 0 for h in plan.headlines for m in h.results] + [6])
        splits = plan.money.year_split or []
        last = splits[-1] if splits else None
        money += [(plan_id, s.year, plan.money.attachment_fee * s.attachment_share,
                   plan.money.results_payment * s.results_share, wait) for s in splits]
        money.append((plan_id, None, plan.money.attachment_fee * (last.attachment_share if last else 1),
                      plan.money.results_payment * (last.results_share if last else 1), wait))
    tables = {
        "att": (["family_id", "plan_id", "attached_on"], attachments,
                ["VARCHAR", "VARCHAR", "DATE"]),
        "claims": (["family_id", "claimed_on", "amount"],
                   list(Claim.objects.values_list("family_id", "claimed_on", "amount")),
                   ["VARCHAR", "DATE", "DOUBLE"]),
        "money": (["plan_id", "year", "fee", "payment", "wait"], money,
                  ["VARCHAR", "VARCHAR", "DOUBLE", "DOUBLE", "INTEGER"]),
    }
    for name, (columns, rows, types) in tables.items():
        frame = pd.DataFrame(rows, columns=columns, dtype=object)  # noqa: F841 - read by DuckDB
        cols = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in zip(columns, types, strict=True))
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {cols} FROM frame")
