"""Run a compiled plan on an open connection: indicators, evidence, eligibility and priority as tables.

Works on any connection holding the linkage and household tables (`records`, `record_person`, `persons`,
`families`, `family_members`), so the full refresh can call it inside one `Workspace.publishing()`, and
`pf whatif` can call it with temporary tables on the read-only published store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from priority_families.core.engine import StatementError
from priority_families.core.sql import has_table
from priority_families.geography import has_geography
from priority_families.identify.compile import compile_plan
from priority_families.plans.schema import Plan

REQUIRED_TABLES = ("records", "record_person", "persons", "families", "family_members")


class IdentifyError(RuntimeError):
    """The store lacks what identification needs, or a compiled statement failed (names the table)."""


@dataclass(frozen=True)
class IdentifySummary:
    plan_id: str
    as_of: date
    families: int
    eligible: int
    indicator_hits: int


def current_refresh(con: duckdb.DuckDBPyConnection) -> str | None:
    """The refresh the store's records come from (None when built without ingest, e.g. in tests)."""
    if not has_table(con, "refresh"):
        return None
    rows = con.execute("SELECT refresh_id FROM refresh").fetchall()
    return rows[0][0] if rows else None


def _check_tables(con: duckdb.DuckDBPyConnection) -> None:
    missing = [t for t in REQUIRED_TABLES if not has_table(con, t)]
    if missing:
        raise IdentifyError(f"the store has no {', '.join(missing)} table(s): run ingest and linkage first")


def identify_families(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    as_of: date,
    *,
    prefix: str = "",
    temporary: bool = False,
    plan_text: str | None = None,
) -> IdentifySummary:
    """Create indicator_values, indicator_hits and cohort (optionally `prefix`ed temporary copies)."""
    _check_tables(con)
    kind = "TEMP TABLE" if temporary else "TABLE"
    statements = compile_plan(plan, as_of, prefix, geography=has_geography(con))
    for st in statements:
        try:
            con.execute(f"CREATE OR REPLACE {kind} {st.table} AS {st.sql}")
        except (duckdb.Error, StatementError) as exc:
            raise IdentifyError(f"plan {plan.id}: building {st.table} failed: {exc}") from exc
    for scratch in (f"{prefix}member_records", f"{prefix}indicator_records"):
        con.execute(f"DROP TABLE IF EXISTS {scratch}")
    if not temporary:
        con.execute(
            "CREATE OR REPLACE TABLE identify_run AS SELECT ? AS plan_id, CAST(? AS DATE) AS as_of, "
            "? AS plan_yaml, current_timestamp AS run_at, CAST(? AS VARCHAR) AS refresh_id",
            [plan.id, as_of, plan_text or plan.model_dump_json(), current_refresh(con)],
        )
    families, eligible = con.execute(
        f"SELECT COUNT(*), COUNT(*) FILTER (WHERE eligible) FROM {prefix}cohort"
    ).fetchall()[0]
    hits = con.execute(f"SELECT COUNT(*) FROM {prefix}indicator_hits").fetchall()[0][0]
    return IdentifySummary(plan.id, as_of, int(families), int(eligible), int(hits))
