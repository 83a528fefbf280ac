"""Actual spend: the council's ledger export and each funded provider's quarterly return, read like extracts.

Seed 002 asks for "regular financial reporting by service providers funded through the Programme" beside the
council's own books. Each budget line of the financial plan says which of the two reports its spend, so a
payment to a provider and the provider's own account of spending it are never counted twice. Every bad row
is reported with its file, line, column and reason, and a file with any bad row is refused whole: the caller
gets `SpendError` and nothing is counted.

Ledger export (one row per posting): `posted_on` (YYYY-MM-DD), `budget_line`, `amount` (pounds and pence; a
credit is negative), `reference`. Provider return (one row per budget line and quarter): `provider`,
`quarter` (calendar quarter as in `pf returns quarterly`, 2015Q2), `budget_line`, `spend`, `families_supported`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from priority_families.core.problems import RowProblem, RowsRefused
from priority_families.plans.finance import FinancialPlan

LEDGER_COLUMNS = ("posted_on", "budget_line", "amount", "reference")
RETURN_COLUMNS = ("provider", "quarter", "budget_line", "spend", "families_supported")
QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


SpendProblem = RowProblem


class SpendError(RowsRefused):
    """Spend files were refused; nothing was counted. Carries every problem with file, line and column."""


@dataclass(frozen=True)
class Posting:
    """One spend row on a day: a ledger posting, or a provider's quarter (dated on the quarter's last day)."""

    budget_line: str
    on: date
    amount: Decimal
    source: str  # "ledger" or the provider's name
    months: int = 1  # a provider's quarter is spread over its three months
    families_supported: int = 0


def quarter_bounds(label: str) -> tuple[date, date]:
    """'2015Q2' -> (2015-04-01, 2015-06-30)."""
    m = QUARTER.match(label)
    if not m:
        raise ValueError(f"not a quarter like 2015Q2: {label!r}")
    year, q = int(m.group(1)), int(m.group(2))
    start = date(year, 3 * q - 2, 1)
    end = date(year + (q == 4), 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _rows(path: Path, columns: tuple[str, ...], problems: list[SpendProblem]) -> list[tuple[int, dict[str, str]]]:
    name = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                problems.extend(SpendProblem(name, 1, c, "missing column") for c in missing)
                return []
            return [(reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader]
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(SpendProblem(name, 1, "(file)", f"cannot read: {exc}"))
        return []


def _money(text: str, where: tuple[str, int], column: str, problems: list[SpendProblem],
           negative_ok: bool) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").removeprefix("£"))
        if not value.is_finite() or value.as_tuple().exponent < -2:  # type: ignore[operator]
            raise InvalidOperation
    except InvalidOperation:
        problems.append(SpendProblem(*where, column, f"not an amount in pounds and pence: {text!r}"))
        return None
    if value < 0 and not negative_ok:
        problems.append(SpendProblem(*where, column, f"negative spend {text!r}"))
        return None
    return value


def read_ledger(path: Path, plan: FinancialPlan, problems: list[SpendProblem]) -> list[Posting]:
    """The council's ledger export: postings to the budget lines whose actuals come from the ledger."""
    lines = {b.id: b for b in plan.budget}
    out = []
    for line, row in _rows(path, LEDGER_COLUMNS, problems):
        where = (str(path), line)
        budget = lines.get(row["budget_line"])
        if budget is None:
            problems.append(SpendProblem(*where, "budget_line", f"unknown budget line {row['budget_line']!r}"))
        elif budget.actuals_from != "ledger":
            problems.append(SpendProblem(*where, "budget_line", f"budget line {budget.id} is reported by "
                                         f"{budget.provider}'s returns, not the ledger"))
        try:
            posted = date.fromisoformat(row["posted_on"])
            if not plan.start <= posted <= plan.end:
                problems.append(SpendProblem(*where, "posted_on", f"{posted} is outside the programme "
                                             f"{plan.start} to {plan.end}"))
        except ValueError:
            problems.append(SpendProblem(*where, "posted_on", f"not a date YYYY-MM-DD: {row['posted_on']!r}"))
            posted = None
        amount = _money(row["amount"], where, "amount", problems, negative_ok=True)
        if budget is not None and posted is not None and amount is not None:
            out.append(Posting(budget.id, posted, amount, "ledger"))
    return out


def read_provider_return(path: Path, plan: FinancialPlan, problems: list[SpendProblem],
                         seen: set[tuple[str, str, str]]) -> list[Posting]:
    """One funded provider's quarterly return: its spend per budget line and quarter."""
    lines = {b.id: b for b in plan.budget}
    out = []
    for line, row in _rows(path, RETURN_COLUMNS, problems):
        where = (str(path), line)
        budget = lines.get(row["budget_line"])
        if budget is None:
            problems.append(SpendProblem(*where, "budget_line", f"unknown budget line {row['budget_line']!r}"))
        elif budget.actuals_from != "provider_returns" or budget.provider != row["provider"]:
            problems.append(SpendProblem(*where, "provider", f"budget line {budget.id} is not reported by "
                                         f"{row['provider']!r} (its actuals come from "
                                         f"{budget.provider or 'the ledger'})"))
        try:
            start, end = quarter_bounds(row["quarter"])
            if start < plan.start or end > plan.end:
                problems.append(SpendProblem(*where, "quarter", f"{row['quarter']} is outside the programme"))
        except ValueError as exc:
            problems.append(SpendProblem(*where, "quarter", str(exc)))
            end = None
        key = (row["provider"], row["quarter"], row["budget_line"])
        if key in seen:
            problems.append(SpendProblem(*where, "quarter", f"a second return for {row['quarter']} and "
                                         f"{row['budget_line']} from {row['provider']}"))
        seen.add(key)
        spend = _money(row["spend"], where, "spend", problems, negative_ok=False)
        families = row["families_supported"]
        if not families.isdigit():
            problems.append(SpendProblem(*where, "families_supported", f"not a whole number: {families!r}"))
        if budget is not None and end is not None and spend is not None and families.isdigit():
            out.append(Posting(budget.id, end, spend, row["provider"], 3, int(families)))
    return out


def read_spend(plan: FinancialPlan, ledger: Path | None, returns: list[Path]) -> list[Posting]:
    """Every posting from the ledger export and the providers' returns, or `SpendError` with every bad row."""
    problems: list[SpendProblem] = []
    postings = read_ledger(ledger, plan, problems) if ledger is not None else []
    seen: set[tuple[str, str, str]] = set()
    for path in returns:
        postings += read_provider_return(path, plan, problems, seen)
    if problems:
        raise SpendError(problems)
    return postings


def return_files(path: Path | None) -> list[Path]:
    """A provider-returns argument: one CSV, or a folder of them (in name order)."""
    if path is None:
        return []
    return sorted(path.glob("*.csv")) if path.is_dir() else [path]
