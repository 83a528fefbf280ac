"""`pf claims` (propose, check, audit, submit, withdraw, history), `pf spotcheck` (draw, record, report) and
`pf sustainability`: thin adapters over `priority_families.claims`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, actor, case_workspace, console, fail
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError
from priority_families.core.vocabulary import label

if TYPE_CHECKING:  # the models load only once the case record is set up
    from priority_families.casedb.models import SampleKind

claims_app = typer.Typer(help="A claim's life: propose (the default), check, audit, submit, withdraw, history.",
                         invoke_without_command=True, no_args_is_help=False)
spotcheck_app = typer.Typer(help="Spot checks of submitted claims: draw (the default), record, report.",
                            invoke_without_command=True, no_args_is_help=False)

WindowOption = Annotated[str, typer.Option("--window", help="Claim window YYYY-MM.")]
ByOption = Annotated[str, typer.Option("--by", help="The named person who takes this step.")]
OnOption = Annotated[datetime | None, typer.Option(
    "--on", formats=["%Y-%m-%d"], help="The date the step counts from (default today).")]
RouteOption = Annotated[str | None, typer.Option(
    "--route", help="The claim route, where the family has two live claims (national-2012: turned_around, "
    "progress_to_work); FAMILY:ROUTE in place of the family does the same.")]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.add_typer(claims_app, name="claims")
    app.add_typer(spotcheck_app, name="spotcheck")
    app.command("sustainability")(sustainability)


def _day(on: datetime | None) -> date:
    return on.date() if on is not None else date.today()


def _errors() -> tuple[type[Exception], ...]:
    from priority_families.casedb.casework import CaseworkError
    from priority_families.claims.steps import ClaimsError

    return ClaimsError, CaseworkError, StoreError


@claims_app.callback()
def claims(
    ctx: typer.Context,
    window: Annotated[str | None, typer.Option("--window", help="Claim window YYYY-MM (evaluated on its last day).")]
    = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for claims.csv and packs/.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write each evidence pack as PDF.")] = False,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Propose a claim for every family whose results are met and that may be claimed; evidence pack each."""
    if ctx.invoked_subcommand is not None:
        return
    if window is None or out is None:
        raise fail("give --window and --out to propose claims (or a subcommand: pf claims --help)")
    ws = case_workspace(workspace_path)
    from priority_families.claims.ledger import make_claims

    try:
        run = make_claims(ws, window, out, actor(), pdf=pdf)
    except _errors() as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Claims proposed for {run.window} (evaluated {run.claimed_on})")
    table.add_column("route")
    table.add_column("claims", justify="right")
    by_route: dict[str, int] = {}
    for c in run.claims:
        by_route[c.route] = by_route.get(c.route, 0) + 1
    for route, n in sorted(by_route.items()):
        table.add_row(label("claim_route", route), str(n))
    console.print(table)
    console.print(f"{len(run.claims)} proposed -> {run.claims_csv}, {run.workbook}; packs in {run.packs}"
                  + (f"; {run.already_claimed} already proposed by another run" if run.already_claimed else ""))
    if run.held:
        console.print(f"{len(run.held)} families with results held: they withdrew their agreement "
                      f"({', '.join(run.held)})")
    if run.needs_review:
        pairs = sum(n.open_pairs for n in run.needs_review)
        n = len(run.needs_review)
        console.print(f"{n} famil{'y needs' if n == 1 else 'ies need'} review ({pairs} doubtful link"
                      f"{'s' if pairs != 1 else ''} open): claim held until a reviewer decides "
                      "(pf review import, or the tracker's review page)")
        for n in run.needs_review:
            console.print(f"  {n.family_id}: needs review, {n.open_pairs} pair{'s' if n.open_pairs != 1 else ''}")


@claims_app.command("check")
def check(
    window: WindowOption,
    by: ByOption,
    family: Annotated[list[str] | None, typer.Option("--family", help="A family to check (repeat for more).")]
    = None,
    all_proposed: Annotated[bool, typer.Option("--all", help="Every proposed claim of the window not yet checked.")]
    = False,
    reject: Annotated[str, typer.Option("--reject", help="Reject the claims with this reason.")] = "",
    route: RouteOption = None,
    on: OnOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Confirm proposed claims against their packs' evidence, or reject them with a reason (all or none)."""
    if bool(family) == all_proposed:
        raise fail("give --family (one or more) or --all, not both")
    if route and all_proposed:
        raise fail("--route names one family's claim: give it with --family, not --all")
    case_workspace(workspace_path)
    from priority_families.claims.life import check_claims

    try:
        done = check_claims(window, None if all_proposed else list(family or []), by, actor(), _day(on), reject,
                            route=route)
    except _errors() as exc:
        raise fail(f"nothing checked: {exc}") from None
    console.print(f"{len(done)} claims {'rejected' if reject else 'checked'} for window {window} by {by}")


@claims_app.command("audit")
def audit(
    window: WindowOption,
    share: Annotated[float | None, typer.Option("--share", help="Draw this share of the window's proposed claims.")]
    = None,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    family: Annotated[str | None, typer.Option("--family", help="Record the verdict on this sampled family's "
                                               "claim (FAMILY or FAMILY:ROUTE, as the draw prints it).")]
    = None,
    route: RouteOption = None,
    verdict: Annotated[str | None, typer.Option("--verdict", help="valid or invalid.")] = None,
    reason: Annotated[str, typer.Option("--reason")] = "",
    by: Annotated[str, typer.Option("--by", help="The internal auditor.")] = "",
    on: OnOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Internal audit before submission: draw a sample (--share, --seed), or record a verdict (--family,
    --verdict, --reason, --by); an invalid verdict withdraws the claim."""
    case_workspace(workspace_path)
    from priority_families.casedb.models import SampleKind as Kind

    _sample_step(Kind.INTERNAL_AUDIT, window, share, seed, family, verdict, reason, by, on, route)


def _sample_step(kind: SampleKind, window: str, share: float | None, seed: int, family: str | None,
                 verdict: str | None, reason: str, by: str, on: datetime | None, route: str | None = None) -> None:
    from priority_families.casedb.models import Verdict
    from priority_families.claims.life import draw_sample, record_verdict, unaudited

    try:
        if family is None:
            drawn = draw_sample(kind, window, 0.1 if share is None else share, seed, actor())
            console.print(f"{kind.label.lower()} {window}: {len(drawn)} claims drawn:")
            for family_id in drawn:  # one a line, so a script can read them (rich would wrap a long line)
                console.print(f"  - {family_id}", soft_wrap=True)
            if kind.value == "internal_audit":
                console.print(f"{len(unaudited(window))} still without a verdict")
            return
        if verdict not in Verdict.values:
            raise fail("give --verdict valid or --verdict invalid")
        record_verdict(kind, window, family, Verdict(verdict), reason, by, actor(), _day(on), route=route)
    except _errors() as exc:
        raise fail(f"nothing recorded: {exc}") from None
    console.print(f"{kind.label.lower()} {window}: {family} {verdict}"
                  + (" (claim withdrawn)" if verdict == Verdict.INVALID else ""))


@claims_app.command("submit")
def submit(
    window: WindowOption,
    signed_by: Annotated[str, typer.Option("--signed-by", help="Who signs the declaration.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the batch file and the declaration.")],
    on: OnOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Submit the window's checked claims to government as one batch with a signed declaration."""
    case_workspace(workspace_path)
    from priority_families.claims.life import submit_batch

    try:
        sent = submit_batch(window, signed_by, _day(on), out, actor())
    except _errors() as exc:
        raise fail(f"nothing submitted: {exc}") from None
    console.print(f"batch {sent.batch.pk}: {len(sent.families)} claims, GBP {sent.batch.amount:,.2f}, signed by "
                  f"{sent.batch.signed_by} on {sent.batch.submitted_on} -> {sent.batch_csv}, {sent.declaration}")


@claims_app.command("withdraw")
def withdraw_cmd(
    family_id: Annotated[str, typer.Argument(help="The family whose live claim is withdrawn.")],
    reason: Annotated[str, typer.Option("--reason")],
    by: Annotated[str, typer.Option("--by", help="Who withdraws it (default: you).")] = "",
    route: RouteOption = None,
    on: OnOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Withdraw a family's claim found invalid outside a spot check; income is reversed in the month of --on. A
    family with two live claims (national-2012) names one with --route; the other stays as it is."""
    case_workspace(workspace_path)
    from priority_families.claims.life import withdraw

    try:
        step = withdraw(family_id, reason, by or actor(), actor(), _day(on), route=route)
    except _errors() as exc:
        raise fail(f"nothing withdrawn: {exc}") from None
    claim = step.claim
    console.print(f"{claim.family_id}: {label('claim_route', claim.route)} claim for window {claim.window} "
                  f"withdrawn on {step.on}; to repay GBP {step.amount_to_repay:,.2f}")


@claims_app.command("history")
def history_cmd(
    family_id: Annotated[str, typer.Argument()],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Every claim a family has had, with every step: who, on what date, the verdict and reason; and every time
    its claim was held for review."""
    case_workspace(workspace_path)
    from priority_families.claims.steps import history

    for claim, steps in history(family_id):
        table = Table(title=f"Claim of {family_id}, window {claim.window}: {label('claim_route', claim.route)} "
                            f"(claim group {claim.claim_group}), GBP {claim.amount:,.2f}")
        for col in ("step", "verdict", "by", "on", "reason", "to repay", "recorded"):
            table.add_column(col)
        for s in steps:
            table.add_row(s.step, s.verdict, s.by, str(s.on), s.reason,
                          "" if s.amount_to_repay is None else f"{s.amount_to_repay:,.2f}",
                          f"{s.recorded_at:%Y-%m-%d} {s.recorded_by}")
        console.print(table)
    _print_holds(family_id)


def _print_holds(family_id: str) -> None:
    """The family's claims held for review (a doubtful link open) and what became of them, oldest first."""
    from priority_families.casedb.models import ClaimHold, HoldEvent

    holds = list(ClaimHold.objects.filter(family_id=family_id).order_by("id"))
    if not holds:
        return
    table = Table(title=f"Claims of {family_id} held for review (a doubtful link open)")
    for col in ("window", "standing", "route", "pairs open", "on", "refresh", "recorded"):
        table.add_column(col)
    for h in holds:
        table.add_row(h.window, HoldEvent(h.event).label, label("claim_route", h.route) if h.route else "",
                      str(h.open_pairs), str(h.on), h.refresh_id, f"{h.recorded_at:%Y-%m-%d} {h.recorded_by}")
    console.print(table)


@spotcheck_app.callback()
def spotcheck(
    ctx: typer.Context,
    window: Annotated[str | None, typer.Option("--window")] = None,
    share: Annotated[float, typer.Option("--share", help="Share of the window's submitted claims to draw.")] = 0.1,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Draw and record a reproducible sample of a window's submitted claims for audit."""
    if ctx.invoked_subcommand is not None:
        return
    if window is None:
        raise fail("give --window to draw a spot check (or a subcommand: pf spotcheck --help)")
    case_workspace(workspace_path)
    from priority_families.casedb.models import SampleKind as Kind

    _sample_step(Kind.SPOT_CHECK, window, share, seed, None, None, "", "", None)


@spotcheck_app.command("record")
def spotcheck_record(
    window: WindowOption,
    family: Annotated[str, typer.Option("--family")],
    verdict: Annotated[str, typer.Option("--verdict", help="valid or invalid.")],
    reason: Annotated[str, typer.Option("--reason")] = "",
    by: Annotated[str, typer.Option("--by", help="Who checked it (default: you).")] = "",
    route: RouteOption = None,
    on: OnOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Record a spot check's verdict on a sampled claim; an invalid verdict withdraws the claim."""
    case_workspace(workspace_path)
    from priority_families.casedb.models import SampleKind as Kind

    _sample_step(Kind.SPOT_CHECK, window, None, 0, family, verdict, reason, by or actor(), on, route)


@spotcheck_app.command("report")
def spotcheck_report(
    window: WindowOption,
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML page and the workbook.")],
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write the page as PDF.")] = False,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """The spot-check report for a window: sampled, valid, invalid by reason, amount to repay."""
    case_workspace(workspace_path)
    from priority_families.claims.spotcheck_report import spot_check_report, write_spot_check_report

    try:
        report = spot_check_report(window)
    except _errors() as exc:
        raise fail(str(exc)) from None
    table = Table(title=f"Spot check {window}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for row in report.summary()[3:]:
        table.add_row(*row)
    console.print(table)
    written = write_spot_check_report(report, out, pdf, actor=f"cli:{actor()}")
    console.print("written: " + ", ".join(str(p) for p in written))


def sustainability(
    as_of: Annotated[datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Due and overdue on this date.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write sustainability.csv here.")] = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Sustainability checks by claim window (sustained, not sustained, due, overdue) and what is to do now."""
    case_workspace(workspace_path)
    from priority_families.casedb.models import Case
    from priority_families.claims.sustainability import (
        REPORT_HEADER,
        checks_to_do,
        sustainability_by_window,
        write_sustainability_report,
    )

    on = as_of.date()
    rows = sustainability_by_window(on)
    table = Table(title=f"Sustainability checks by claim window, on {on}")
    for col in REPORT_HEADER:
        table.add_column(col.replace("_", " "), justify="left" if col == "window" else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)
    todo = checks_to_do(Case.objects.all(), on)
    by_worker: dict[str, list[int]] = {}
    for c in todo:
        by_worker.setdefault(c.worker, [0, 0])[0 if c.overdue else 1] += 1
    workers = Table(title="Checks to do, by lead worker")
    for col in ("lead worker", "overdue", "due within a month"):
        workers.add_column(col, justify="left" if col == "lead worker" else "right")
    for worker, (overdue, due) in sorted(by_worker.items()):
        workers.add_row(worker, str(overdue), str(due))
    console.print(workers)
    if out is not None:
        console.print(f"written: {write_sustainability_report(rows, out)}")
