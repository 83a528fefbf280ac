"""Files holding personal data are owner-only whatever the umask, and killed runs leave no staging copy."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import duckdb
import pytest
from django.test import override_settings

from priority_families.core.engine import Workspace
from priority_families.core.files import owner_only_process


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)  # the usual default: files 0644, folders 0755
    yield
    os.umask(previous)


def _publish(ws: Workspace, refresh_id: str) -> None:
    with ws.publishing(fresh=True) as con:
        con.execute("CREATE TABLE refresh AS SELECT ? AS refresh_id", [refresh_id])


def test_store_staging_and_kept_refreshes_are_owner_only(tmp_path, open_umask):
    ws = Workspace(path=tmp_path / "ws")
    seen = []
    with ws.publishing(fresh=True) as con:
        con.execute("CREATE TABLE refresh AS SELECT 'r1' AS refresh_id")
        seen = [(p.name, mode(p)) for p in ws.path.glob(".staging-*")]
    assert seen and all(m == 0o600 for _n, m in seen)
    assert mode(ws.path) == 0o700
    assert mode(ws.store_path) == 0o600
    assert mode(ws.archive_path("r1")) == 0o600 and mode(ws.archive_path("r1").parent) == 0o700


def test_a_store_published_before_the_rule_is_made_owner_only(tmp_path, open_umask):
    folder = tmp_path / "ws"
    folder.mkdir(mode=0o755)
    duckdb.connect(str(folder / "store.duckdb")).close()
    os.chmod(folder / "store.duckdb", 0o644)
    ws = Workspace(path=folder)
    _publish(ws, "r2")
    assert mode(folder) == 0o700 and mode(ws.store_path) == 0o600


def test_staging_copies_left_by_killed_runs_are_removed_by_the_next_publish(tmp_path):
    ws = Workspace(path=tmp_path / "ws")
    _publish(ws, "r1")
    left = [ws.path / ".staging-4242.duckdb", ws.path / ".staging-4242.duckdb.wal"]
    for path in left:
        path.write_bytes(b"personal data")
    _publish(ws, "r2")
    assert not list(ws.path.glob(".staging-*"))


def test_the_pf_process_creates_owner_only_files(tmp_path, open_umask):
    previous = os.umask(0o022)
    try:
        owner_only_process()
        (tmp_path / "made").write_text("x")
        (tmp_path / "folder").mkdir()
        assert mode(tmp_path / "made") == 0o600 and mode(tmp_path / "folder") == 0o700
    finally:
        os.umask(previous)


@pytest.mark.django_db
def test_evidence_files_are_owner_only(tmp_path, open_umask):
    from priority_families.outcomes.attest import store_evidence

    with override_settings(MEDIA_ROOT=tmp_path / "evidence"):
        _sha, kept = store_evidence([b"%PDF-1.4 a letter from the GP"], "F1")
    assert mode(kept) == 0o600 and mode(kept.parent) == 0o700 and mode(tmp_path / "evidence") == 0o700
