"""Invariants of the repository itself: every command documents itself, migrations match the models."""

from __future__ import annotations

import pytest
import typer
from django.core.management import call_command
from typer.testing import CliRunner

from priority_families.cli.app import app


def _commands(group, prefix: tuple[str, ...] = ()) -> list:
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        found.append((path, command))
        if getattr(command, "commands", None):
            found.extend(_commands(command, path))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_the_cli_has_the_stages_of_the_programme():
    names = {path[0] for path, _ in COMMANDS}
    assert {"synth", "ingest", "link", "identify", "attach", "progress", "claims", "serve"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=lambda p: " ".join(p))
def test_every_command_has_help(path):
    command = dict(COMMANDS)[path]
    assert (command.help or command.short_help or "").strip(), f"pf {' '.join(path)} has no help text"
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output


@pytest.mark.django_db
def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
