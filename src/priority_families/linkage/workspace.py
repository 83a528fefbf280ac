"""Run linkage and households on a published store (what `pf link` and `pf review` do)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from priority_families.engine import Workspace
from priority_families.households.build import HouseholdSummary, build_households
from priority_families.linkage import review
from priority_families.linkage.pipeline import (
    LinkageError,
    Linker,
    LinkSummary,
    Step,
    TruthLinkage,
    link_records,
)
from priority_families.linkage.settings import LinkageSettings

CHARTS_DIR = "linkage"


@dataclass(frozen=True)
class WorkspaceLinkage:
    link: LinkSummary
    households: HouseholdSummary
    as_of: date
    charts: Path | None


def refresh_as_of(con: duckdb.DuckDBPyConnection) -> date:
    """The as_of of the refresh in the store (written by ingest)."""
    try:
        rows = con.execute("SELECT max(as_of) FROM refresh").fetchall()
    except duckdb.CatalogException:
        raise LinkageError("no `refresh` table in the store: run `pf ingest` first") from None
    if not rows or rows[0][0] is None:
        raise LinkageError("the `refresh` table is empty: run `pf ingest` first")
    return rows[0][0]


def link_workspace(
    ws: Workspace,
    settings: LinkageSettings | None = None,
    truth_dir: Path | None = None,
    step: Step | None = None,
) -> WorkspaceLinkage:
    """Link records and build households on the published store, publishing atomically (non-fresh)."""
    charts = ws.path / CHARTS_DIR
    settings = (settings or LinkageSettings()).model_copy(update={"charts_dir": str(charts)})
    linker: Linker | None = TruthLinkage(truth_dir) if truth_dir else None
    with ws.publishing(fresh=False) as con:
        as_of = refresh_as_of(con)
        summary = link_records(con, as_of, settings, linker, step)
        if step:
            step("building households and families")
        households = build_households(con, as_of)
    made = charts if (charts / "match_weights.html").exists() and summary.result.trained else None
    return WorkspaceLinkage(summary, households, as_of, made)


def export_review(ws: Workspace, path: Path) -> int:
    """Write the review queue of the published store to `path`; returns the number of pairs."""
    con = ws.connect(read_only=True)
    try:
        return review.export_queue(con, path)
    finally:
        con.close()


def import_review(ws: Workspace, path: Path) -> review.ImportSummary:
    """Store reviewer decisions (applied by the next `pf link` and every later refresh)."""
    with ws.publishing(fresh=False) as con:
        return review.import_decisions(con, path)
