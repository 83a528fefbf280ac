"""Test helper: a workspace whose published store holds hand-built families identified under a plan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from identify.builders import Fact, Person, build_store
from ingest.builders import agreements_register
from priority_families.core.config import Settings
from priority_families.core.engine import Workspace
from priority_families.identify.run import identify_families
from priority_families.ingest.refresh import record_refresh
from priority_families.plans.loader import load_plan, load_plan_text
from priority_families.refresh import PublishGuard, check_agreements, check_sources


def make_workspace(path: Path, plan_id: str, families: dict[str, list[Person]], facts: list[Fact],
                   as_of: date) -> Workspace:
    """Publish a store with the given families identified under `plan_id` at `as_of`."""
    ws = Workspace(Settings(workspace=path, threads=1))
    _publish(ws, plan_id, families, facts, as_of, "refresh-test")
    return ws


def republish(ws: Workspace, plan_id: str, families: dict[str, list[Person]], facts: list[Fact],
              as_of: date) -> None:
    """A later refresh: the store rebuilt from (possibly changed) extracts and identified at a later as_of."""
    _publish(ws, plan_id, families, facts, as_of, f"refresh-{as_of:%Y%m%d}")  # one id per refresh, as ingest gives


def _publish(ws: Workspace, plan_id: str, families: dict[str, list[Person]], facts: list[Fact], as_of: date,
             refresh_id: str) -> None:
    with ws.publishing(fresh=True) as con:
        build_store(con, families, facts)
        record_refresh(con, refresh_id, as_of)
        guard = PublishGuard(max_shrink=1.0, checked_on=as_of)
        check_sources(con, guard)  # counted as a refresh does; these tests drop families
        check_agreements(con, agreements_register(), guard)  # under the test sources' agreement, as a refresh is
        identify_families(con, load_plan(plan_id), as_of, plan_text=load_plan_text(plan_id))
