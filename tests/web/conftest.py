"""Shared fixtures: one small synthetic county identified once per session, published per test, and users.

The county is made by the real `pf synth` and `pf identify` commands, so the tracker is tested against the
store contract as the other stages actually write it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from priority_families.core.engine import Workspace

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's event loop beside live_server
PF = str(Path(sys.executable).parent / "pf")
PASSWORD = "Test-password-for-the-tracker-1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives real headless Chromium (Playwright)")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """Debian's chromium (Playwright cannot download browsers here)."""
    return {"executable_path": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]}


@pytest.fixture(scope="session")
def browser_context_args() -> dict:
    """axe-core is injected as a script tag, which the app's content security policy rightly forbids."""
    return {"bypass_csp": True, "viewport": {"width": 1200, "height": 900}}


@pytest.fixture(autouse=True)
def quick_hashing(settings: object) -> None:
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def county(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose store holds an identified synthetic county (about 400 people).

    `PF_TEST_COUNTY=/path/to/workspace` reuses a store made the same way (for quick local re-runs only).
    """
    if os.environ.get("PF_TEST_COUNTY"):
        return Path(os.environ["PF_TEST_COUNTY"])
    root = tmp_path_factory.mktemp("county")
    subprocess.run([PF, "synth", str(root / "extracts"), "--people", "400", "--seed", "3"], check=True,
                   capture_output=True)
    subprocess.run([PF, "identify", str(root / "extracts"), "--out", str(root / "out"), "-w", str(root / "ws")],
                   check=True, capture_output=True)
    return root / "ws"


@pytest.fixture
def published(db: None, county: Path, settings: object):
    """The county published into the tracker (fresh test database each test)."""
    from priority_families.casedb.publish import publish_refresh

    settings.WORKSPACE = county
    return publish_refresh(Workspace(path=county), by="test")


@pytest.fixture
def people(db: None) -> dict:
    """One user per role (two lead workers in one team, one in another team), with an agency."""
    from priority_families.casedb.models import Agency, Role
    from priority_families.casedb.users import add_user

    made = {
        "worker": add_user("worker", Role.LEAD_WORKER, PASSWORD, "test", "Wendy Worker", team="North",
                           agency="Family Support"),
        "worker2": add_user("worker2", Role.LEAD_WORKER, PASSWORD, "test", "Will Other", team="North",
                            agency="Family Support"),
        "outsider": add_user("outsider", Role.LEAD_WORKER, PASSWORD, "test", "Olive Outside", team="South",
                             agency="Early Help"),
        "manager": add_user("manager", Role.TEAM_MANAGER, PASSWORD, "test", "Mo Manager", team="North",
                            agency="Family Support"),
        "manager_south": add_user("manager_south", Role.TEAM_MANAGER, PASSWORD, "test", "Sam South",
                                  team="South", agency="Early Help"),
        "analyst": add_user("analyst", Role.ANALYST, PASSWORD, "test", "Ann Analyst"),
        "auditor": add_user("auditor", Role.AUDITOR, PASSWORD, "test", "Aud Itor"),
        "admin": add_user("admin", Role.ADMINISTRATOR, PASSWORD, "test", "Ada Admin"),
    }
    Agency.objects.get_or_create(name="Family Support")
    return made


@pytest.fixture
def signed_in(people: dict):
    """A Django test client signed in as one of `people`."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def make(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return make


def awaiting_attestation(family_id: str) -> str:
    """The first line of an attached family whose measure waits for an attestation, as the form names it."""
    from priority_families.casedb.models import FamilyProgress

    waiting = FamilyProgress.objects.filter(family_id=family_id, line_status="awaiting_attestation").order_by(
        "headline", "indicator").values_list("headline", "indicator").first()
    assert waiting, f"{family_id} has no line waiting for an attestation"
    return "|".join(waiting)


@pytest.fixture
def health_family_id(published: object) -> str:
    """A family of the test county with the health headline, which the county's plan (nottinghamshire-2015)
    judges by the lead professional's attestation: once attached it has a line to attest."""
    from priority_families.casedb.models import Family

    found = Family.objects.filter(eligible=True, headlines__contains="health").order_by("family_id").values_list(
        "family_id", flat=True).first()
    assert found, "the test county should have a family with the health headline"
    return found


def claim_as_the_ledger_records_it(county: Path, family_id: str, **fields: object) -> object:
    """A claim row whose pack checksum is the one the claims ledger records: the pack is rebuilt from the
    frozen baseline for the same claim in a savepoint rolled back (claim rows are frozen once written)."""
    from django.db import transaction

    from priority_families.casedb.models import Claim
    from priority_families.claims.ledger import regenerate_pack

    with transaction.atomic():
        Claim.objects.create(family_id=family_id, pack_sha256="0" * 64, **fields)
        recorded = regenerate_pack(Workspace(path=county), family_id).sha256
        transaction.set_rollback(True)
    return Claim.objects.create(family_id=family_id, pack_sha256=recorded, **fields)
