"""Shared helpers: run a shipped plan on one hand-built family and read back what it met."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import duckdb
import pytest

from priority_families.identify.run import identify_families
from priority_families.plans.loader import load_plan
from priority_families.plans.schema import Plan

from .builders import AS_OF, Fact, Person, build_store


@cache
def shipped(plan_id: str) -> Plan:
    return load_plan(plan_id)


@dataclass
class Outcome:
    lines: set[tuple[str, str]]
    eligible: bool
    headlines: str
    values: dict[tuple[str, str, str | None], float | None]


def run_family(plan: str | Plan, people: list[Person], facts: list[Fact], as_of: date = AS_OF) -> Outcome:
    """Identify one family (F1) under a plan; return the indicator lines met and the verdict."""
    plan = shipped(plan) if isinstance(plan, str) else plan
    con = duckdb.connect(config={"threads": 1})
    try:
        build_store(con, {"F1": people}, facts)
        identify_families(con, plan, as_of)
        lines = {(h, i) for h, i in con.execute(
            "SELECT DISTINCT headline, indicator FROM indicator_values WHERE met").fetchall()}
        eligible, headlines = con.execute("SELECT eligible, headlines FROM cohort").fetchall()[0]
        values = {(h, i, p): v for h, i, p, v in con.execute(
            "SELECT headline, indicator, person_id, value FROM indicator_values").fetchall()}
        return Outcome(lines, bool(eligible), headlines, values)
    finally:
        con.close()


@pytest.fixture
def con():
    c = duckdb.connect()
    yield c
    c.close()
