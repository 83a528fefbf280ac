"""`pf team demo|caseloads|referrals`: the team around the family from the command line (thin adapters)."""

from __future__ import annotations

from typing import Annotated

import typer

from priority_families.cli.common import WorkspaceOption, console, fail
from priority_families.cli.web import _operator, _setup
from priority_families.core.config import DEFAULT_WORKSPACE

team_app = typer.Typer(help="The team around the family: the demo team, caseloads and the referral report.",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.add_typer(team_app, name="team")


@team_app.command("demo")
def demo(workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """Set up a demo team on a published synthetic county: a manager, lead workers, partner practitioners (a
    school, a health visitor, housing) and one family allocated with housing on its team. Synthetic demos only."""
    _setup(workspace_path)
    from priority_families.casedb.demo_team import DEMO_PASSWORD, set_up_demo_team

    try:
        made = set_up_demo_team(by=_operator())
    except ValueError as exc:
        raise fail(str(exc)) from None
    console.print(f"demo team: {', '.join(made.users)} (password {DEMO_PASSWORD!r}, synthetic demo only)")
    console.print(f"family {made.family_id} is led by demo-worker, with demo-housing on its team")
    if made.refer is not None:
        m = made.refer
        console.print(f"for the referral journey, sign in as demo-school and refer {m.first_name} {m.last_name}, "
                      f"born {m.dob.isoformat()}, postcode {m.postcode or 'unknown'}: it matches family "
                      f"{made.family_id}")


@team_app.command("caseloads")
def caseloads(
    team: Annotated[str, typer.Option(help="Only this team's workers.")] = "",
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Open cases per lead worker by level of support and status, weighted, against capacity."""
    _setup(workspace_path)
    from priority_families.casedb.caseloads import caseloads as loads
    from priority_families.casedb.models import Team

    scope = Team.objects.filter(name=team).first() if team else None
    if team and scope is None:
        raise fail(f"no team called {team!r}")
    for r in loads(scope):  # one line per worker: greppable, whatever the terminal's width
        levels = "; ".join(f"{k}: {v}" for k, v in sorted(r.by_level.items())) or "no open cases"
        cap = "capacity not set" if r.capacity is None else (
            f"capacity {r.capacity} ({r.share}%){' OVER CAPACITY' if r.over else ''}")
        console.print(f"{r.username} ({r.team}): {r.cases} open ({levels}), weighted {r.weighted}, {cap}",
                      soft_wrap=True)


@team_app.command("referrals")
def referrals(workspace_path: WorkspaceOption = DEFAULT_WORKSPACE) -> None:
    """The referral report: counts by source and outcome, time to decide, repeat referrals counted once."""
    _setup(workspace_path)
    from priority_families.casedb.caseloads import referral_counts

    c = referral_counts()
    console.print("by source: " + ("; ".join(f"{k}: {v}" for k, v in c.by_source.items()) or "none"))
    console.print("by outcome: " + ("; ".join(f"{k}: {v}" for k, v in c.by_outcome.items()) or "none"))
    took = (f"median {c.median_days_to_decide} days, longest {c.longest_days_to_decide} days" if c.decided
            else "none decided yet")
    console.print(f"decided: {c.decided} ({took})")
    console.print(f"families referred: {c.families} (repeat referrals within the window, counted once: "
                  f"{c.repeats_in_window})")
