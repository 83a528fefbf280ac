"""Information governance: `pf agreements` (the sharing register and what is due for review), `pf flags`
(flags back to one partner), `pf subject-access` (everything held about one person), `pf retention due` and
`pf retention delete`. Thin adapters over `ingest.agreements` and `governance`."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from priority_families.cli.common import WorkspaceOption, actor, case_workspace, console, fail
from priority_families.core.config import DEFAULT_WORKSPACE
from priority_families.core.engine import StoreError
from priority_families.core.problems import RowsRefused
from priority_families.ingest.agreements import AGREEMENTS_FILE, Register, load_register


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `pf` app."""
    app.command("agreements")(agreements)
    app.command("flags")(flags)
    app.command("subject-access")(subject_access)
    retention = typer.Typer(help="What is due for deletion, and deleting one due item (an explicit, logged act).",
                            no_args_is_help=True)
    retention.command("due")(retention_due)
    retention.command("delete")(retention_delete)
    app.add_typer(retention, name="retention")


def read_register(path: Path) -> Register:
    """The register at `path` (a file, or a folder of extracts holding agreements.yaml), or one clear error."""
    path = path / AGREEMENTS_FILE if path.is_dir() else path
    try:
        return load_register(path)
    except RowsRefused as exc:
        raise fail(escape(str(exc))) from None


def agreements(
    register_path: Annotated[Path, typer.Argument(
        metavar="REGISTER", help="The agreements register (a YAML file, or a folder of extracts holding agreements.yaml).")],
    on: Annotated[datetime | None, typer.Option("--on", formats=["%Y-%m-%d"],
                                                help="The day to judge reviews on (default: today).")] = None,
    within: Annotated[int, typer.Option("--within", min=0, help="Also list reviews due within this many days.")] = 90,
    full: Annotated[bool, typer.Option("--full", help="Also the sources, extracts, lawful basis and signatory "
                                                      "(a wide table).")] = False,
) -> None:
    """Print the information-sharing register and the agreements due for review."""
    reg = read_register(register_path)
    day = on.date() if on else date.today()
    columns = ["agreement", "partner", "review on", "keep (years)", "flags back"]
    if full:
        columns += ["sources: extracts", "lawful basis", "signed"]
    table = Table(*columns, title=f"Information-sharing agreements of {reg.authority}")
    for a in reg.agreements:
        flags = ", ".join(a.flags_back.identifiers) + (" + marker" if a.flags_back.marker else "") \
            if a.flags_back else "-"
        row = [a.id, reg.partner(a.partner).name, str(a.review_on), str(a.retention_years), flags]
        if full:
            basis = "; ".join(b for b in (a.lawful_basis.article_6, a.lawful_basis.article_9,
                                          a.lawful_basis.dpa_2018_condition) if b)
            row += [f"{', '.join(a.sources)}: {', '.join(a.facts)}", basis, f"{a.signed_by}, {a.signed_on}"]
        table.add_row(*row, style="red" if a.due_for_review(day) else None)
    console.print(table)
    due = reg.due_for_review(day, within)
    if not due:
        console.print(f"no agreement is due for review by {day} + {within} days")
    for a in due:
        state = "LAPSED: past its review date" if a.due_for_review(day) else "due for review"
        console.print(f"{a.id} ({reg.partner(a.partner).name}): {state} on {a.review_on}")


def flags(
    partner: Annotated[str, typer.Option("--partner", help="The partner's id in the agreements register.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for flags-PARTNER.csv.")],
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Write, for one partner, the identifiers and programme marker its agreement allows, for its own people in
    the programme; the export is recorded in the access log."""
    ws = case_workspace(workspace_path)
    from priority_families.governance import GovernanceError
    from priority_families.governance.flags import export_flags

    try:
        made = export_flags(ws, partner, out, actor())
    except (GovernanceError, StoreError) as exc:
        raise fail(escape(str(exc))) from None
    console.print(f"{made.path}: {made.people} people; fields {', '.join(made.fields)}; under "
                  f"{', '.join(made.agreements)} (recorded in the access log)")


def subject_access(
    person_id: Annotated[str, typer.Argument(help="The resolved person's id (e.g. P0000001).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the bundle (a subfolder per person).")],
    reference: Annotated[str, typer.Option("--reference", help="The request's reference.")] = "",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the bundle as PDF.")] = True,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Everything held about one person (subject access): JSON, CSV per section, HTML and PDF; third parties'
    data marked for the officer to redact; the request is logged."""
    ws = case_workspace(workspace_path)
    from priority_families.governance import GovernanceError
    from priority_families.governance.subject_access import serve_request

    try:
        made = serve_request(ws, person_id, out, actor(), reference, pdf=pdf)
    except (GovernanceError, StoreError) as exc:
        raise fail(escape(str(exc))) from None
    console.print(f"{made.html.parent}: {made.rows} rows, {made.to_redact} marked for the officer to redact or "
                  f"review; {made.json.name}, {made.html.name}{', ' + made.pdf.name if made.pdf else ''} and "
                  f"{len(made.csvs)} CSV files (the request is logged)")


OnOption = Annotated[datetime | None, typer.Option("--on", formats=["%Y-%m-%d"], help="The day (default: today).")]
SettingsOption = Annotated[Path | None, typer.Option(
    "--settings", help="Retention settings (default: WORKSPACE/retention.yaml, else the shipped periods).")]


def retention_due(
    on: OnOption = None,
    settings: SettingsOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """List what is due for deletion (nothing is deleted)."""
    ws = case_workspace(workspace_path)
    from priority_families.governance import GovernanceError
    from priority_families.governance.retention import due, load_settings

    day = on.date() if on else date.today()
    try:
        found = due(ws, day, load_settings(ws, settings))
    except (GovernanceError, StoreError) as exc:
        raise fail(escape(str(exc))) from None
    table = Table("item", "due on", "why", title=f"Due for deletion on {day}")
    for d in found:
        table.add_row(d.item, str(d.due_on), d.why)
    console.print(table)
    console.print(f"{len(found)} items due; delete one with `pf retention delete ITEM --by NAME --reason TEXT`")


def retention_delete(
    item: Annotated[str, typer.Argument(help="An item from `pf retention due`, e.g. family:F0000001.")],
    by: Annotated[str, typer.Option("--by", help="The person deleting (recorded).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (recorded).")],
    outputs: Annotated[list[Path] | None, typer.Option(
        "--outputs", help="A folder of outputs (claim packs, subject-access bundles) to delete the item's files "
                          "from; repeat for several.")] = None,
    on: OnOption = None,
    settings: SettingsOption = None,
    workspace_path: WorkspaceOption = DEFAULT_WORKSPACE,
) -> None:
    """Delete one item that is due: its personal data everywhere; the claims and their pack hashes are kept."""
    ws = case_workspace(workspace_path)
    from priority_families.governance import GovernanceError
    from priority_families.governance.retention import delete_item, load_settings

    try:
        row = delete_item(ws, item, by, reason, on.date() if on else date.today(), load_settings(ws, settings),
                          outputs)
    except (GovernanceError, StoreError) as exc:
        raise fail(escape(str(exc))) from None
    removed = ", ".join(f"{k} {v}" for k, v in row.removed.items() if v)
    console.print(f"{item} deleted by {row.deleted_by}: removed {removed or 'nothing left to remove'}; kept "
                  f"{len(row.kept.get('claims', []))} claims with their pack hashes (recorded in the access log)")
