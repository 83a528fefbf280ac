"""Open the case record (the Django database) from outside the web app: the CLI and the refresh use it."""

from __future__ import annotations

import os
from pathlib import Path

_ready = False


def setup(workspace: Path | None = None, migrate: bool = True) -> None:
    """Configure Django for this process and bring the case record's schema up to date.

    Called once per process by CLI commands that read or write case data; the web app's own start-up
    does the same through its settings module.
    """
    global _ready
    if _ready:
        return
    if workspace is not None:
        os.environ["PF_WORKSPACE"] = str(Path(workspace).resolve())
    Path(os.environ.get("PF_WORKSPACE", "workspace")).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "priority_families.web.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    _ready = True
