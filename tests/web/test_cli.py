"""`pf users add|list|disable` and `pf web publish` as a council's operator runs them (real processes)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PF = str(Path(sys.executable).parent / "pf")


def _pf(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PF_WORKSPACE")}
    environment.update(env or {})
    return subprocess.run([PF, *args], input=stdin, capture_output=True, text=True, env=environment, timeout=120,
                          check=False)


@pytest.fixture
def workspace(county: Path, tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(county, ws)
    return ws


def test_users_add_list_disable(workspace):
    w = ["-w", str(workspace)]
    added = _pf("users", "add", "wendy", "--role", "lead_worker", "--team", "North", "--agency", "Family Support",
                "--name", "Wendy Worker", "--password-stdin", *w, stdin="A-long-enough-password-1\n")
    assert added.returncode == 0, added.stderr
    manager = _pf("users", "add", "mo", "--role", "team_manager", "--team", "North", "--areas", "ng1, NG2",
                  "--password-stdin", *w, stdin="A-long-enough-password-1\n")
    assert manager.returncode == 0, manager.stderr
    assert _pf("users", "add", "wendy", "--role", "analyst", "--password-stdin", *w,
               stdin="A-long-enough-password-1\n").returncode == 1
    bad = _pf("users", "add", "x", "--role", "boss", "--password-stdin", *w, stdin="A-long-enough-password-1\n")
    assert bad.returncode == 1 and "unknown role" in bad.stderr
    listing = _pf("users", "list", *w)
    assert "wendy" in listing.stdout and "lead_worker" in listing.stdout and "North" in listing.stdout
    assert _pf("users", "disable", "wendy", *w).returncode == 0
    assert "no" in _pf("users", "list", *w).stdout.split("wendy")[1].splitlines()[0]
    missing = _pf("users", "disable", "nobody", *w)
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr


def test_web_publish_reports_counts_and_refuses_an_empty_workspace(workspace, tmp_path):
    done = _pf("web", "publish", "-w", str(workspace))
    assert done.returncode == 0, done.stderr
    assert "eligible" in done.stdout and "new cases" in done.stdout
    empty = _pf("web", "publish", "-w", str(tmp_path / "empty"))
    assert empty.returncode == 1 and "no store" in empty.stderr


def test_pf_serve_answers_with_the_sign_in_page_and_static_files(workspace):
    import socket
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PF_WORKSPACE")}
    environment["PF_LOCAL_DEMO"] = "1"
    server = subprocess.Popen([PF, "serve", "-w", str(workspace), "--port", str(port)], env=environment,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = css = None
        for _ in range(120):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in/", timeout=5)
                css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/pf/pf.css", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        assert page is not None, server.stdout.read1().decode() if server.poll() is not None else "no answer"
        assert page.status == 200 and "Sign in" in page.read().decode()
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        assert css.status == 200 and b"arial" in css.read()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_pf_serve_refuses_the_public_demo_key_unless_told_it_is_a_local_demo(workspace):
    environment = {"PF_SECRET_KEY": "", "PF_LOCAL_DEMO": ""}
    refused = _pf("serve", "-w", str(workspace), "--port", "1", env=environment)
    assert refused.returncode == 1 and "PF_SECRET_KEY" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    public = _pf("serve", "-w", str(workspace), "--host", "0.0.0.0", env={"PF_LOCAL_DEMO": "1"})
    assert public.returncode == 1 and "this machine only" in public.stderr


def test_commands_started_together_on_a_new_workspace_both_set_it_up(tmp_path):
    fresh = tmp_path / "new"
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PF_WORKSPACE")}
    runs = [subprocess.Popen([PF, "users", "list", "-w", str(fresh)], env=environment, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(3)]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err


def test_a_write_failure_is_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    failed = _pf("synth", str(blocker / "extracts"), "--people", "20")
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [f"error: Not a directory {blocker / 'extracts' / 'truth'}"]
