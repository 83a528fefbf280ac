"""The `pf` command line: thin adapters that parse input, call domain functions and print with rich."""

from __future__ import annotations

import typer

from priority_families.cli import claims, evaluate, identify, ingest, link, money, outcomes, plans, synth, web
from priority_families.core.files import owner_only_process

app = typer.Typer(
    name="pf",
    help="Priority Families: identify, track and prove results for families in the Supporting Families programme.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

for module in (synth, ingest, link, evaluate, plans, identify, web, outcomes, claims, money):
    module.register(app)


def main() -> None:
    owner_only_process()  # every file a command writes names families: owner-only, whatever the umask
    app()
