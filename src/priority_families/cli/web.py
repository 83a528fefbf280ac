"""`pf serve`, `pf web publish` and `pf users add|list|disable`: thin adapters over the family tracker."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Annotated

import typer
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, console, fail, progress, workspace
from priority_families.cli.engine import (
    Engine,
    EngineOption,
    SparkConfigOption,
    SparkMasterOption,
    engine_workspace,
)
from priority_families.core.config import DEFAULT_WORKSPACE

web_app = typer.Typer(help="The family tracker's data: publish a refresh into it.", no_args_is_help=True)
users_app = typer.Typer(help="The family tracker's users: add, list, disable.", no_args_is_help=True)
TRACKER_SETTINGS = "priority_families.web.settings"  # the case record's settings plus the web app
ROLES = ("lead_worker", "team_manager", "analyst", "auditor", "administrator", "partner")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("serve")(serve)
    app.command("figures")(figures)
    app.add_typer(web_app, name="web")
    app.add_typer(users_app, name="users")


def _setup(workspace_path: object, settings: str | None = None) -> None:
    from priority_families import casedb

    casedb.setup(workspace_path, settings=settings or casedb.CASE_RECORD_SETTINGS)


def _operator() -> str:
    return f"cli:{getpass.getuser()}"


def serve(
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes (0: one per CPU core).", min=0)] = 0,
    threads: Annotated[int, typer.Option(help="Threads in each process.", min=1)] = 4,
) -> None:
    """Run the family tracker with a production WSGI server (gunicorn, a process per core); static files by
    whitenoise.

    Needs PF_SECRET_KEY, or PF_LOCAL_DEMO=1 for a local demo of synthetic data on this machine only.
    """
    if os.environ.get("PF_LOCAL_DEMO") == "1" and host not in ("127.0.0.1", "localhost", "::1"):
        raise fail("PF_LOCAL_DEMO=1 serves on this machine only: use --host 127.0.0.1, or set PF_SECRET_KEY")
    _setup(workspace_path, TRACKER_SETTINGS)
    from django.core.exceptions import ImproperlyConfigured

    try:
        from priority_families.web.wsgi import application, run
    except ImproperlyConfigured as exc:
        raise fail(str(exc)) from None

    os.environ.setdefault("PF_ALLOWED_HOSTS", host)
    processes = workers or os.cpu_count() or 1
    console.print(f"Priority Families tracker on http://{host}:{port}/ (workspace {workspace_path}, "
                  f"{processes} processes x {threads} threads)")
    run(application, host=host, port=port, workers=processes, threads=threads)


@web_app.command("publish")
def publish(workspace_path: WorkspaceOption = DEFAULT_WORKSPACE, engine: EngineOption = Engine.duckdb,
            spark_config: SparkConfigOption = None, spark_master: SparkMasterOption = None) -> None:
    """Copy the latest identification from the store into the tracker (replacing the last one) and judge the
    progress of every attached family on it (on Spark with --engine spark)."""
    judging = engine_workspace(workspace_path, engine, spark_config, spark_master)  # a missing Spark stops here
    _setup(workspace_path)
    from priority_families.casedb.publish import PublishError, publish_refresh
    from priority_families.core.engine import StoreError

    try:
        with progress() as bar:
            task = bar.add_task("publishing", total=4)
            summary = publish_refresh(workspace(workspace_path), by=_operator(),
                                      step=lambda name, n: bar.update(task, description=f"{name}: {n:,}",
                                                                      advance=1))
    except (PublishError, StoreError) as exc:
        raise fail(f"{exc} (the tracker is unchanged)") from None
    from priority_families.outcomes.progress import publish_progress

    judged = publish_progress(judging)
    console.print(f"published {summary.refresh_id} as of {summary.as_of} ({summary.plan_id}): "
                  f"{summary.families:,} families ({summary.eligible:,} eligible), {summary.new_cases:,} new cases, "
                  f"{summary.members:,} members, {summary.evidence:,} evidence rows, {judged:,} progress lines")


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    name: Annotated[str, typer.Option(help="Full name.")] = "",
    team: Annotated[str, typer.Option(help="Team (lead workers and managers); created if new.")] = "",
    agency: Annotated[str, typer.Option(help="Lead agency; created if new.")] = "",
    areas: Annotated[str, typer.Option(help="Comma-separated areas the team covers (for triage), e.g. NG1,NG2.")] = "",
    password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Add a user with a role. The password is asked for (or read from stdin), never given as an argument."""
    if role not in ROLES:
        raise fail(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else getpass.getpass("Password: ")
    _setup(workspace_path)
    from priority_families.casedb.models import Role
    from priority_families.casedb.users import UserError, add_user

    try:
        row = add_user(username, Role(role), password, by=_operator(), full_name=name, team=team, agency=agency,
                       areas=[a for a in areas.split(",") if a.strip()])
    except UserError as exc:
        raise fail(str(exc)) from None
    console.print(f"added {row.username} ({row.role})")


@users_app.command("list")
def users_list(workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """List users with their role, team, agency and whether they can sign in."""
    _setup(workspace_path)
    from priority_families.casedb.users import list_users

    table = Table("username", "name", "role", "team", "agency", "active")
    for r in list_users():
        table.add_row(r.username, r.full_name, r.role, r.team, r.agency, "yes" if r.active else "no")
    console.print(table)


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Stop a user signing in (accounts are never deleted: the logs keep naming them)."""
    _setup(workspace_path)
    from priority_families.casedb.users import UserError, disable_user

    try:
        disable_user(username, by=_operator())
    except UserError as exc:
        raise fail(str(exc)) from None
    console.print(f"disabled {username}")


def figures(workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """The tracker's dashboard figures beside the same figures counted from the ledgers; exits 1 if they differ."""
    _setup(workspace_path)
    from priority_families.casedb.figures import WORKED_WITH, ledger_figures, programme_figures
    from priority_families.casedb.models import Case

    dashboard, _by_area, _by_agency = programme_figures(Case.objects.all())
    ledger = ledger_figures()
    table = Table("figure", "tracker dashboard", "ledger", "agree", title="Programme figures")
    for key in ("identified", "triaged", "worked_with", "claimed", "claims"):
        shown, counted = getattr(dashboard, key), getattr(ledger, key)
        table.add_row(key.replace("_", " "), f"{shown:,}", f"{counted:,}", "yes" if shown == counted else "NO")
    console.print(table)
    console.print(f"worked with: {WORKED_WITH}")
    if dashboard != ledger:
        raise fail("the tracker's figures differ from the ledger's")
