"""The case record (level 4): Django settings, models and migrations for cases, attachments, claims, users and
the access log, and the named state changes that write their audit row in the same transaction.

It imports `core` and `refresh` (levels 1 and 3), nothing above; the CLI opens it with `setup()` without
importing the web tracker.
"""

from __future__ import annotations

import os
from pathlib import Path

from priority_families.core.files import make_private, owner_only, private_dir

CASE_RECORD_SETTINGS = "priority_families.casedb.settings"
_ready = False


def setup(workspace: Path | str | None = None, migrate: bool = True, settings: str = CASE_RECORD_SETTINGS) -> None:
    """Configure Django for this process and bring the case record's schema up to date.

    Called once per process by CLI commands that read or write case data (`pf serve` passes the tracker's
    settings module); a process already configured (the tests, the web app) keeps its settings.
    """
    global _ready
    if _ready:
        return
    if workspace is not None:
        os.environ["PF_WORKSPACE"] = str(Path(workspace).resolve())
    private_dir(os.environ.get("PF_WORKSPACE", "workspace"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    import django

    django.setup()
    if migrate:
        _migrate(Path(os.environ.get("PF_WORKSPACE", "workspace")))
    _restrict_case_database()
    _ready = True


def _migrate(workspace: Path) -> None:
    """Bring the schema up to date, one process at a time: two commands started together on a new workspace
    would otherwise both try to create the tables, and one would fail half-way."""
    import fcntl

    from django.core.management import call_command

    with open(workspace / ".casedb-migrate.lock", "w") as lock, owner_only():
        fcntl.flock(lock, fcntl.LOCK_EX)
        call_command("migrate", verbosity=0, interactive=False)


def _restrict_case_database() -> None:
    """A SQLite case database (and its WAL) is owner-only, also one created before this rule."""
    from django.conf import settings as django_settings

    database = django_settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and str(database["NAME"]) != ":memory:":
        for suffix in ("", "-wal", "-shm"):
            make_private(f"{database['NAME']}{suffix}")
