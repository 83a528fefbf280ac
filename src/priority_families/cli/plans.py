"""`pf plan list | show | validate | explain`: Outcomes Plans as data, for councils and auditors."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from priority_families.cli.common import console, fail
from priority_families.plans.loader import PlanError, library_ids, load_plan, load_plan_file, load_plan_text
from priority_families.plans.render import render_html, render_markdown, render_pdf

plan_app = typer.Typer(help="Outcomes Plans: list, show, validate and explain them.", no_args_is_help=True)


class Format(StrEnum):
    MD = "md"
    HTML = "html"
    PDF = "pdf"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.add_typer(plan_app, name="plan")


def _load(plan: str):
    try:
        return load_plan(plan)
    except PlanError as exc:
        raise fail(str(exc)) from None


@plan_app.command("list")
def list_plans() -> None:
    """The shipped plans."""
    table = Table(title="Shipped Outcomes Plans")
    table.add_column("id", no_wrap=True)
    for name in ("status", "authority", "headlines", "eligible when"):
        table.add_column(name)
    for plan_id in library_ids():
        plan = load_plan(plan_id)
        rule = plan.eligibility
        when = (f"at least {rule.at_least} headlines" if rule.kind.value == "at_least"
                else f"all of {'/'.join(rule.core or [])}, or {rule.n} + {rule.plus}")
        table.add_row(plan.id, plan.status.value, plan.authority, str(len(plan.headlines)), when)
    console.print(table)


@plan_app.command("show")
def show(plan: Annotated[str, typer.Argument(help="A shipped plan id or a plan file.")]) -> None:
    """Print a plan's YAML (copy a shipped plan to start your own)."""
    _load(plan)
    console.print(load_plan_text(plan), markup=False, highlight=False, soft_wrap=True)


@plan_app.command("validate")
def validate(file: Annotated[Path, typer.Argument(help="A plan YAML file.")]) -> None:
    """Check a plan file against the schema; problems name the file, line and field."""
    try:
        plan = load_plan_file(file)
    except PlanError as exc:
        for problem in exc.problems:
            # one line per problem, with its field path intact ([crime] is not markup)
            console.print(f"[red]{escape(str(problem))}[/]", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(code=1) from None
    console.print(f"[green]valid[/]: {plan.id} ({len(plan.headlines)} headlines, "
                  f"{len(plan.indicators())} indicators)")


@plan_app.command("explain")
def explain(
    plan: Annotated[str, typer.Argument(help="A shipped plan id or a plan file.")],
    format: Annotated[Format, typer.Option("--format", help="md, html or pdf (pdf needs --out).")] = Format.MD,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of the screen.")] = None,
) -> None:
    """Render the plan as the document an auditor signs off."""
    loaded = _load(plan)
    if format is Format.PDF:
        if out is None:
            raise fail("a PDF needs --out FILE")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render_pdf(loaded))
        console.print(f"wrote {out}")
        return
    text = render_html(loaded) if format is Format.HTML else render_markdown(loaded)
    if out is None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    console.print(f"wrote {out}")
