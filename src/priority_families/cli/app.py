"""The `pf` command line: thin adapters that parse input, call domain functions and print with rich."""

from __future__ import annotations

import typer

from priority_families.cli import (
    assessed,
    claims,
    evaluate,
    governance,
    identify,
    ingest,
    link,
    money,
    nominations,
    outcomes,
    plans,
    synth,
    team,
    web,
)
from priority_families.cli import reports as report_commands
from priority_families.core.files import owner_only_process

app = typer.Typer(
    name="pf",
    help="Priority Families: identify, track and prove results for families in the Supporting Families programme.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

for module in (synth, ingest, link, evaluate, plans, identify, web, outcomes, nominations, assessed, claims, money,
               team, governance, report_commands):
    module.register(app)


def main() -> None:
    """Run `pf`; a file or database that cannot be written is one clear line on stderr and exit status 1."""
    owner_only_process()  # every file a command writes names families: owner-only, whatever the umask
    try:
        app()
    except Exception as exc:
        reason = _write_failure(exc)
        if reason is None:
            raise
        from priority_families.cli.common import fail

        raise SystemExit(fail(reason).exit_code) from None


def _write_failure(exc: Exception) -> str | None:
    """What to say about a write that failed (permissions, a full disk, a read-only database), or None."""
    import duckdb

    if isinstance(exc, OSError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, duckdb.IOException):
        return f"could not write the store: {str(exc).splitlines()[0]}"
    if type(exc).__name__ == "OperationalError" and type(exc).__module__.startswith(("django.db", "sqlite3")):
        return f"could not write the case record: {str(exc).splitlines()[0]}"
    return None
