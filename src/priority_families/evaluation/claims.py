"""Prove results against a synthetic county's ground truth.

Two steps, both mapping families by the records behind them through `evaluation.families` (families are
named differently by the product and by the truth):

- `truth_attachments`: the truth's `attachments.csv` (truth family ids) as a `pf attach` CSV with the
  product's family ids: each attached truth family becomes the product family holding most of its
  records in the published refresh (majority rule, one to one from the truth's side: a product family
  taken by two goes to the truth family with more records there). The synthetic stand-in for lead workers
  attaching.
- `evaluate_claims`: every attached product family evaluated at the refresh's as_of, mapped back to its
  truth family (the truth family, at attachment, of the people behind most of the records of its members
  frozen at attachment), and its claim decision (the routes it would be claimed by, one per claim group the
  plan allows at once, `;`-separated, or none) and route set compared with the truth's `results.csv` for the
  plan it was attached under.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from priority_families.core.engine import Workspace
from priority_families.core.export import write_csv
from priority_families.core.sql import sql_str
from priority_families.evaluation.families import best_sql, one_to_one_sql, truth_records_sql, votes_sql
from priority_families.evaluation.truth import TruthError, truth_file

ATTACH_COLUMNS = ("family_id", "attached_on", "lead_worker", "lead_agency")


def county_folders(truth_dir: Path) -> tuple[Path, Path]:
    """(this refresh's folder, the base folder holding truth/attachments.csv) from a folder or its truth/."""
    folder = Path(truth_dir)
    if folder.name == "truth":
        folder = folder.parent
    for base in (folder, folder.parent):
        if (base / "truth" / "attachments.csv").is_file():
            return folder, base
    raise TruthError(f"no truth/attachments.csv in {folder} or {folder.parent}: synthesise with follow-ups "
                     "(or --attach-share)")


def _refresh_as_of(folder: Path) -> date:
    for line in (folder / "refresh.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("as_of:"):
            return date.fromisoformat(line.split(":", 1)[1].strip())
    raise TruthError(f"no as_of in {folder / 'refresh.yaml'}")


def _csv(path: Path) -> str:
    return f"read_csv({sql_str(path)}, header = true, all_varchar = true)"


def _published_as_of(con: duckdb.DuckDBPyConnection) -> tuple[str, date]:
    plan_id, as_of = con.execute("SELECT plan_id, as_of FROM identify_run").fetchall()[0]
    return plan_id, as_of


def _check_same_refresh(con: duckdb.DuckDBPyConnection, folder: Path) -> date:
    _, as_of = _published_as_of(con)
    truth_as_of = _refresh_as_of(folder)
    if as_of != truth_as_of:
        raise TruthError(f"the workspace's published refresh is as of {as_of} but {folder} is as of {truth_as_of}")
    return as_of


# ---------------------------------------------------------------------------------------------- attachments


@dataclass(frozen=True)
class TruthAttachments:
    """The `pf attach` rows made, and the truth attachments that could not be made (with why)."""

    plan_id: str
    rows: list[tuple[str, str, str, str]]
    not_eligible: int  # mapped to a product family the published cohort does not find eligible
    not_under_plan: int  # the truth family is not eligible under the workspace's plan
    unmapped: int  # no product family, or one already taken by a truth family with more records


def truth_attachments(workspace: Workspace, truth_dir: Path, out: Path) -> TruthAttachments:
    """Write `out` (a `pf attach` CSV) from the base truth's attachments.csv, in the product's family ids."""
    _, base = county_folders(truth_dir)
    with workspace.connect(read_only=True) as con:
        _check_same_refresh(con, base)
        plan_id, _ = _published_as_of(con)
        families = truth_file(base, "families.csv")
        if not _has_column(con, families, f"{plan_id}_eligible"):
            raise TruthError(f"{families} has no eligibility under the workspace's plan {plan_id}")
        con.execute(
            f"""
            CREATE TEMP TABLE truth_att AS
            SELECT a.family_id AS true_family, a.attached_on, a.lead_worker, a.lead_agency,
                   COALESCE(f."{plan_id}_eligible", 'false') = 'true' AS under_plan
            FROM {_csv(base / 'truth' / 'attachments.csv')} a LEFT JOIN {_csv(families)} f ON f.family_id = a.family_id
            """
        )
        rows = con.execute(
            f"""
            WITH attached AS (  -- the records of truth families attached and eligible under the plan
                SELECT t.* FROM {truth_records_sql(truth_file(base, 'records.csv'))} t
                JOIN truth_att a ON a.true_family = t.true_family AND a.under_plan),
            owner AS {one_to_one_sql(votes_sql("attached"), first="truth")}
            SELECT a.true_family, o.family_id, c.eligible, a.attached_on, a.lead_worker, a.lead_agency,
                   a.under_plan
            FROM truth_att a LEFT JOIN owner o ON o.true_family = a.true_family
            LEFT JOIN cohort c ON c.family_id = o.family_id
            ORDER BY o.family_id NULLS LAST, a.true_family
            """
        ).fetchall()
    made = [(fid, on, worker, agency) for _t, fid, ok, on, worker, agency, under in rows if under and fid and ok]
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(out, ATTACH_COLUMNS, made)
    return TruthAttachments(
        plan_id, made,
        not_eligible=sum(1 for _t, fid, ok, *_r, under in rows if under and fid and not ok),
        not_under_plan=sum(1 for *_r, under in rows if not under),
        unmapped=sum(1 for _t, fid, *_r, under in rows if under and not fid),
    )


def _has_column(con: duckdb.DuckDBPyConnection, path: Path, column: str) -> bool:
    names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {_csv(path)}").fetchall()]
    return column in names


# ---------------------------------------------------------------------------------------------- claims


@dataclass
class PlanAgreement:
    plan_id: str
    families: int = 0  # attached product families evaluated
    agree: int = 0  # same claim decision (route, or no claim) as the truth
    same_routes: int = 0  # same set of routes met
    claims_truth: int = 0  # claims (a family claimed in two groups counts two)
    claims_ours: int = 0
    unmapped: int = 0  # attached families with no truth family or no truth result for the plan
    differences: list[tuple[str, str, str, str]] = field(default_factory=list)  # family, truth family, truth, ours

    @property
    def share(self) -> float:
        return self.agree / self.families if self.families else 0.0


@dataclass(frozen=True)
class ClaimsEvaluation:
    evaluated_on: date
    plans: dict[str, PlanAgreement]
    truth_attached: int  # truth attachments in the county
    truth_unattached: int  # truth attachments no product attachment maps to


def evaluate_claims(workspace: Workspace, truth_dir: Path) -> ClaimsEvaluation:
    """Compare every attached family's claim decision at the refresh's as_of with the truth's results."""
    from priority_families.outcomes.progress import evaluation  # needs the case database set up

    folder, base = county_folders(truth_dir)
    results = truth_file(folder, "results.csv") if folder != base else None
    if results is None:
        raise TruthError(f"{folder} is the attachment refresh: evaluate claims on a follow-up folder")
    with workspace.connect(read_only=True) as con:
        e = _check_same_refresh(con, folder)
    with evaluation(workspace, e) as con:
        rows = con.execute(
            f"""
            WITH base_people AS (
                SELECT p.person_id AS true_person, p.family_id AS true_family
                FROM {_csv(truth_file(base, 'people.csv'))} p
                JOIN {_csv(base / 'truth' / 'attachments.csv')} a ON a.family_id = p.family_id),
            truth_records AS (  -- this refresh's records, in their people's truth family at attachment
                SELECT t.source, t.record_id, b.true_family
                FROM {_csv(truth_file(folder, 'records.csv'))} t JOIN base_people b ON b.true_person = t.person_id),
            mapped AS {best_sql(votes_sql("truth_records", members="frozen_members"), per="ours")},
            claims AS (  -- the claims each family would be made (one per claim group), sorted
                SELECT family_id, string_agg(route, ';' ORDER BY route) AS claim FROM family_claims GROUP BY ALL),
            ours AS (
                SELECT v.family_id, v.plan_id, COALESCE(ANY_VALUE(c.claim), '') AS claim,
                       COALESCE(string_agg(r.route, ';' ORDER BY r.route), '') AS routes
                FROM evaluated v LEFT JOIN family_routes r ON r.family_id = v.family_id
                LEFT JOIN claims c ON c.family_id = v.family_id
                GROUP BY v.family_id, v.plan_id)
            SELECT o.family_id, o.plan_id, m.true_family, t.family_id IS NOT NULL, t.claim, t.routes, o.claim, o.routes
            FROM ours o LEFT JOIN mapped m ON m.family_id = o.family_id
            LEFT JOIN {_csv(results)} t ON t.family_id = m.true_family AND t.plan_id = o.plan_id
            ORDER BY o.family_id
            """
        ).fetchall()
        truth_attached = con.execute(
            f"SELECT count(*) FROM {_csv(base / 'truth' / 'attachments.csv')}").fetchall()[0][0]
    return ClaimsEvaluation(e, _agreement(rows), truth_attached, truth_attached - len({r[2] for r in rows if r[2]}))


def _agreement(rows: list[tuple]) -> dict[str, PlanAgreement]:
    plans: dict[str, PlanAgreement] = defaultdict(lambda: PlanAgreement(""))
    for fid, plan_id, true_family, has_truth, t_claim, t_routes, claim, routes in rows:
        p = plans[plan_id]
        p.plan_id = plan_id
        p.families += 1
        p.claims_ours += len(claim.split(";")) if claim else 0
        if not has_truth:
            p.unmapped += 1
            p.differences.append((fid, true_family or "", "no truth result", claim or "no claim"))
            continue
        p.claims_truth += len(t_claim.split(";")) if t_claim else 0
        p.agree += (t_claim or "") == claim
        p.same_routes += (t_routes or "") == routes
        if (t_claim or "") != claim or (t_routes or "") != routes:
            p.differences.append((fid, true_family, t_routes or "no claim", routes or "no claim"))
    return dict(plans)
